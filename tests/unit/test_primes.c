/* test_primes.c - the primes kernel (trial division) agrees with its sieve. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../benchmarks/plugin.h"

extern const struct tvp_workload tvp_workload_primes;

/* A job for [from, to) in blocks of block, as the CLI would make it. */
static void make_job(struct tvp_job *job, struct tvp_param *params, const char *from,
		     const char *to, const char *block)
{
	const struct tvp_workload *wl = &tvp_workload_primes;
	const char *values[] = {from, to, block};
	memset(job, 0, sizeof *job);
	job->workload = wl;
	job->params = params;
	job->nparams = 3;
	for (size_t i = 0; i < 3; i++) {
		params[i] = (struct tvp_param){.opt = &wl->opts[i], .text = values[i], .given = true};
		cr_assert_eq(tvp_parse_u64(values[i], &params[i].u64), 0);
	}
}

/* Sum every unit with the kernel, in order, through a worker. */
static unsigned long long kernel_sum(struct tvp_job *job)
{
	struct tvp_buf out = {0};
	struct tvp_worker worker = {.job = job, .out = &out};
	unsigned long long total = 0;
	for (size_t u = 0; u < job->units; u++) {
		out.len = 0;
		job->workload->kernel(&worker, (struct tvp_task){u, 1}, NULL, 0);
		uint64_t part;
		cr_assert_eq(out.len, sizeof part);
		memcpy(&part, out.data, sizeof part);
		total += part;
	}
	tvp_buf_free(&out);
	return total;
}

static void check_range(const char *from, const char *to, const char *block, const char *expect)
{
	struct tvp_job job;
	struct tvp_param params[3];
	make_job(&job, params, from, to, block);
	cr_assert_eq(tvp_workload_primes.prepare(&job), 0);
	char reference[TVP_ANSWER_MAX];
	cr_assert_eq(tvp_workload_primes.reference_answer(&job, reference), 0);
	cr_assert_str_eq(reference, expect, "sieve of [%s, %s)", from, to);
	char mine[TVP_ANSWER_MAX];
	snprintf(mine, sizeof mine, "%llu", kernel_sum(&job));
	cr_assert_str_eq(mine, expect, "trial division of [%s, %s)", from, to);
	tvp_workload_primes.release(&job);
}

Test(primes, small_ranges_known_by_hand)
{
	check_range("0", "10", "3", "17");       /* 2 + 3 + 5 + 7 */
	check_range("2", "3", "1", "2");
	check_range("4", "5", "1", "0");
	check_range("10", "20", "4", "60");      /* 11 + 13 + 17 + 19 */
	check_range("0", "100", "7", "1060");
}

Test(primes, the_issue_sum_below_two_million)
{
	check_range("2", "2000000", "10000", "142913828922");
}

Test(primes, squares_of_primes_are_not_prime)
{
	/* 49, 121, 169 and 361 test the ceil(sqrt(n)) bound itself. */
	check_range("48", "50", "1", "0");
	check_range("120", "122", "1", "0");
	check_range("360", "362", "1", "0");
}

Test(primes, bad_ranges_are_usage_errors)
{
	struct tvp_job job;
	struct tvp_param params[3];
	make_job(&job, params, "10", "10", "5");
	cr_assert_eq(tvp_workload_primes.prepare(&job), TVP_EUSAGE);
	tvp_workload_primes.release(&job);
	make_job(&job, params, "2", "5000000000", "5");
	cr_assert_eq(tvp_workload_primes.prepare(&job), TVP_EUSAGE);
	tvp_workload_primes.release(&job);
	make_job(&job, params, "2", "100", "0");
	cr_assert_eq(tvp_workload_primes.prepare(&job), TVP_EUSAGE);
	tvp_workload_primes.release(&job);
}
