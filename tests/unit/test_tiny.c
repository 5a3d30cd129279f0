/* test_tiny.c - the tiny-task workload: its strings, and reduce against the serial reference. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../benchmarks/plugin.h"

extern const struct tvp_workload tvp_workload_tiny;
static const struct tvp_workload *const wl = &tvp_workload_tiny;

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static void make_job(struct tvp_job *job, struct tvp_param params[2], const char *tasks,
		     const char *length)
{
	const char *values[] = {tasks, length};
	memset(job, 0, sizeof *job);
	job->workload = wl;
	job->params = params;
	job->nparams = 2;
	for (size_t i = 0; i < 2; i++) {
		params[i] = (struct tvp_param){.opt = &wl->opts[i], .text = values[i], .given = true};
		cr_assert_eq(tvp_parse_u64(values[i], &params[i].u64), 0);
	}
	cr_assert_null(wl->opts[2].name, "the option table changed: update the test");
}

static struct tvp_buf run_units(struct tvp_job *job, size_t first, size_t count)
{
	struct tvp_buf out = {0};
	struct tvp_worker worker = {.job = job, .out = &out};
	wl->kernel(&worker, (struct tvp_task){first, count}, NULL, 0);
	return out;
}

Test(tiny, each_unit_is_one_string_from_the_talks_alphabet)
{
	struct tvp_job job;
	struct tvp_param params[2];
	make_job(&job, params, "1000", "5");
	cr_assert_eq(wl->prepare(&job), 0);
	cr_assert_eq(job.units, 1000);
	cr_assert_eq(job.default_chunk, 1, "one string per task unless told otherwise");
	struct tvp_buf all = run_units(&job, 0, 1000);
	cr_assert_eq(all.len, 5000);
	for (size_t i = 0; i < all.len; i++)
		cr_assert_not_null(memchr(alphabet, all.data[i], sizeof alphabet - 1),
				   "byte %zu is %d", i, all.data[i]);
	/* the same string for the same unit, however the units are grouped */
	struct tvp_buf one = run_units(&job, 617, 1);
	cr_assert_eq(one.len, 5);
	cr_assert_eq(memcmp(one.data, all.data + 617 * 5, 5), 0);
	/* and different strings for different units, nearly always */
	size_t same = 0;
	for (size_t u = 1; u < 1000; u++)
		same += memcmp(all.data + u * 5, all.data + (u - 1) * 5, 5) == 0;
	cr_assert_lt(same, 2);
	tvp_buf_free(&all);
	tvp_buf_free(&one);
	wl->release(&job);
}

Test(tiny, reduce_of_any_chunking_equals_the_serial_reference)
{
	struct tvp_job job;
	struct tvp_param params[2];
	make_job(&job, params, "101", "7");
	cr_assert_eq(wl->prepare(&job), 0);
	char reference[TVP_ANSWER_MAX], answer[TVP_ANSWER_MAX];
	cr_assert_eq(wl->reference_answer(&job, reference), 0);
	size_t chunks[] = {1, 3, 50, 101};
	for (size_t c = 0; c < 4; c++) {
		size_t chunk = chunks[c], ntasks = (101 + chunk - 1) / chunk;
		/* results are cache-line aligned: calloc would not do */
		struct tvp_result *results = aligned_alloc(TVP_CACHE_LINE, ntasks * sizeof *results);
		memset(results, 0, ntasks * sizeof *results);
		const struct tvp_result **ordered = calloc(ntasks, sizeof *ordered);
		for (size_t k = 0; k < ntasks; k++) {
			size_t first = k * chunk, count = first + chunk <= 101 ? chunk : 101 - first;
			results[k] = (struct tvp_result){.first = first, .count = count,
							 .buf = run_units(&job, first, count)};
			ordered[k] = &results[k];
		}
		cr_assert_eq(wl->reduce(&job, ordered, ntasks, answer), 0);
		cr_assert_str_eq(answer, reference, "chunk %zu", chunk);
		/* swapping two tasks' strings changes the checksum */
		if (ntasks > 1) {
			const struct tvp_result *t = ordered[0];
			ordered[0] = ordered[1], ordered[1] = t;
			cr_assert_eq(wl->reduce(&job, ordered, ntasks, answer), 0);
			cr_assert_str_neq(answer, reference, "chunk %zu, two tasks swapped", chunk);
		}
		for (size_t k = 0; k < ntasks; k++)
			tvp_buf_free(&results[k].buf);
		free(results);
		free(ordered);
	}
	wl->release(&job);
}

Test(tiny, bad_counts_are_usage_errors)
{
	const char *bad[][2] = {{"0", "5"}, {"1000000000", "5"}, {"10", "0"}, {"10", "65"}};
	for (size_t i = 0; i < 4; i++) {
		struct tvp_job job;
		struct tvp_param params[2];
		make_job(&job, params, bad[i][0], bad[i][1]);
		cr_assert_eq(wl->prepare(&job), TVP_EUSAGE, "--tasks %s --length %s", bad[i][0], bad[i][1]);
		wl->release(&job);
	}
}
