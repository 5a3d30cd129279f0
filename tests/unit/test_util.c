/* test_util.c - number parsing, statistics, the byte plumbing of ipc, and the shared release. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "../../benchmarks/ipc.h"
#include "../../benchmarks/measure.h"
#include "../../benchmarks/plugin.h"
#include "../../benchmarks/util.h"

Test(util, parse_u64_accepts_plain_suffixed_and_exponent_forms)
{
	uint64_t v;
	cr_assert_eq(tvp_parse_u64("2000000", &v), 0);
	cr_assert_eq(v, 2000000);
	cr_assert_eq(tvp_parse_u64("2M", &v), 0);
	cr_assert_eq(v, 2000000);
	cr_assert_eq(tvp_parse_u64("5k", &v), 0);
	cr_assert_eq(v, 5000);
	cr_assert_eq(tvp_parse_u64("2e6", &v), 0);
	cr_assert_eq(v, 2000000);
	cr_assert_eq(tvp_parse_u64("0", &v), 0);
	cr_assert_eq(v, 0);
}

Test(util, parse_u64_rejects_what_is_not_a_whole_number)
{
	uint64_t v;
	const char *bad[] = {"", "-1", "+3", "abc", "12abc", "1.5", "2.5e0", " 7",
			     "99999999999999999999", "1e30", "3X"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert_eq(tvp_parse_u64(bad[i], &v), -1, "accepted '%s'", bad[i]);
}

Test(util, parse_double)
{
	double d;
	cr_assert_eq(tvp_parse_double("0.25", &d), 0);
	cr_assert_float_eq(d, 0.25, 1e-12);
	cr_assert_eq(tvp_parse_double("nan", &d), -1);
	cr_assert_eq(tvp_parse_double("1x", &d), -1);
}

Test(measure, stats_median_min_max)
{
	double odd[] = {5, 1, 3};
	struct tvp_stats s = tvp_stats_of(odd, 3);
	cr_assert_float_eq(s.median, 3, 1e-12);
	cr_assert_float_eq(s.min, 1, 1e-12);
	cr_assert_float_eq(s.max, 5, 1e-12);
	cr_assert_float_eq(s.stddev, 2, 1e-12);
	double even[] = {4, 1, 3, 2};
	cr_assert_float_eq(tvp_stats_of(even, 4).median, 2.5, 1e-12);
	cr_assert_float_eq(odd[0], 5, 0, "the input was reordered");
}

Test(measure, monotonic_clock_moves_forward)
{
	double a = tvp_now();
	usleep(2000);
	cr_assert_geq(tvp_now() - a, 0.0015);
}

Test(ipc, fixed_buffer_refuses_to_overflow)
{
	unsigned char slot[8];
	struct tvp_buf buf = {slot, 0, sizeof slot, true};
	cr_assert_eq(tvp_buf_append(&buf, "abcdef", 6), 0);
	cr_assert_eq(tvp_buf_append(&buf, "xyz", 3), -1);
	cr_assert_eq(buf.len, 6);
	struct tvp_buf grow = {0};
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(tvp_buf_append(&grow, "0123456789", 10), 0);
	cr_assert_eq(grow.len, 10000);
	cr_assert_eq(memcmp(grow.data + 9990, "0123456789", 10), 0);
	tvp_buf_free(&grow);
}

Test(ipc, frames_cross_a_pipe_whole)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(tvp_frame_send(fds[1], 7, 3, 99, "hello", 5), 0);
	close(fds[1]);
	struct tvp_frame head;
	char payload[5];
	cr_assert_eq(tvp_read_all(fds[0], &head, sizeof head), 1);
	cr_assert_eq(head.kind, 7);
	cr_assert_eq(head.worker, 3);
	cr_assert_eq(head.task, 99);
	cr_assert_eq(head.len, 5);
	cr_assert_eq(tvp_read_all(fds[0], payload, 5), 1);
	cr_assert_eq(memcmp(payload, "hello", 5), 0);
	cr_assert_eq(tvp_read_all(fds[0], &head, sizeof head), 0, "end of file is 0");
	close(fds[0]);
}

Test(ipc, shared_memory_is_zeroed)
{
	unsigned char *m = tvp_shared_alloc(1 << 20);
	cr_assert_not_null(m);
	for (size_t i = 0; i < (1 << 20); i += 4096)
		cr_assert_eq(m[i], 0);
	tvp_shared_free(m, 1 << 20);
}

Test(workload, release_state_frees_the_block_and_forgets_it)
{
	struct tvp_job job = {.state = tvp_xmalloc(64)};
	tvp_release_state(&job); /* ASan reports the block if it is not freed */
	cr_assert_null(job.state);
	tvp_release_state(&job); /* a job whose prepare never ran */
	cr_assert_null(job.state);
}
