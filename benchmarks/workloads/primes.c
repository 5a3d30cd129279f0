/* primes.c - sum of the primes in [from, to) by trial division, as in the PEP 371 talk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../plugin.h"

#define PRIMES_LIMIT 4294967296ULL /* --to at most 2^32: every sum fits 64 bits */

struct primes {
	uint64_t from, to, block; /* units are blocks of `block` integers */
};

static const struct tvp_opt primes_opts[] = {
	{"from", TVP_OPT_U64, "N", "2", "first integer of the range"},
	{"to", TVP_OPT_U64, "N", "8000000", "end of the range (not included), at most 2^32"},
	{"block", TVP_OPT_U64, "N", "10000", "integers per unit of work"},
	{NULL},
};

/* The smallest r with r * r >= n: the talk's int(math.ceil(math.sqrt(n))). */
static uint64_t ceil_sqrt(uint64_t n)
{
	uint64_t r = (uint64_t)sqrt((double)n);
	while (r * r < n)
		r++;
	while (r > 0 && (r - 1) * (r - 1) >= n)
		r--;
	return r;
}

/* A tick every 5 trial divisions, and one per candidate: about 10 ns of
 * work, as long as CPython 2.7 runs between two of its ticks on the same
 * loop, so --gil legacy --gil-check 100 releases the lock as often for the
 * same work. Measured with the semaphore probe (make probe): CPython 2.7.18
 * took its lock 0.94-1.06 million times a second of serial work on primes,
 * tvp 1.04 million. With 8 divisions a tick tvp took it 0.65 million times,
 * and 2 threads took 1.36-1.63 times the serial time against CPython 2's
 * 1.61-2.04 (fidelity.py). With --gil off the ticks cost under 1%
 * (make tick-cost, primes to 3e6: +0.3%). */
#define DIVISIONS_PER_TICK 5

/* The talk's isprime: try every divisor from 2 up to ceil(sqrt(n)),
 * ticking the interpreter hook after every DIVISIONS_PER_TICK divisions.
 * The divisors go in runs of DIVISIONS_PER_TICK with the tick between
 * runs, so the division loop itself carries no test for the tick (a test
 * per division cost 4.6% with --gil off; make tick-cost). */
static int is_prime(struct tvp_worker *worker, uint64_t n)
{
	if (n < 2)
		return 0;
	if (n == 2)
		return 1;
	uint64_t max = ceil_sqrt(n);
	for (uint64_t i = 2; i <= max; tvp_tick(worker)) {
		uint64_t last = max - i < DIVISIONS_PER_TICK ? max : i + DIVISIONS_PER_TICK - 1;
		for (; i <= last; i++)
			if (n % i == 0)
				return 0;
	}
	return 1;
}

static int primes_prepare(struct tvp_job *job)
{
	struct primes *p = tvp_xcalloc(1, sizeof *p);
	job->state = p;
	p->from = tvp_param_u64(job, "from");
	p->to = tvp_param_u64(job, "to");
	p->block = tvp_param_u64(job, "block");
	if (p->to > PRIMES_LIMIT)
		return tvp_err(TVP_EUSAGE, "primes: --to %llu is beyond the supported range (at most %llu)",
			       (unsigned long long)p->to, PRIMES_LIMIT);
	if (p->from >= p->to)
		return tvp_err(TVP_EUSAGE, "primes: --from (%llu) must be below --to (%llu)",
			       (unsigned long long)p->from, (unsigned long long)p->to);
	if (p->block == 0)
		return tvp_err(TVP_EUSAGE, "primes: --block must be at least 1");
	/* Any --block is valid (one larger than the range makes one unit): no
	 * size here may overflow, so no "to - from + block - 1". */
	uint64_t span = p->to - p->from;
	job->units = (size_t)(span / p->block + (span % p->block != 0));
	job->default_chunk = 1;
	return 0;
}

static void primes_kernel(struct tvp_worker *worker, struct tvp_task task,
			  const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct primes *p = worker->job->state;
	uint64_t lo = p->from + task.first * p->block; /* first < units: below to */
	uint64_t left = p->to - lo;
	uint64_t hi = task.count > left / p->block ? p->to : lo + task.count * p->block;
	uint64_t sum = 0;
	for (uint64_t n = lo; n < hi; n++) {
		if (is_prime(worker, n))
			sum += n;
		tvp_tick(worker);
	}
	tvp_emit(worker, &sum, sizeof sum);
}

static size_t primes_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	(void)job, (void)task;
	return sizeof(uint64_t);
}

static int primes_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
			 size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	(void)job;
	uint64_t total;
	int status = tvp_sum_u64("primes", ordered, ntasks, &total);
	if (status)
		return status;
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

/* The reference: a segmented sieve of Eratosthenes over [from, to). */
static int primes_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct primes *p = job->state;
	uint64_t root = ceil_sqrt(p->to);
	unsigned char *small = tvp_xcalloc(root + 1, 1); /* 1 = composite */
	for (uint64_t i = 2; i * i <= root; i++)
		if (!small[i])
			for (uint64_t j = i * i; j <= root; j += i)
				small[j] = 1;

	enum { SEGMENT = 1 << 18 };
	unsigned char *seg = tvp_xmalloc(SEGMENT);
	uint64_t total = 0;
	for (uint64_t lo = p->from; lo < p->to; lo += SEGMENT) {
		uint64_t hi = lo + SEGMENT < p->to ? lo + SEGMENT : p->to;
		memset(seg, 0, (size_t)(hi - lo));
		for (uint64_t q = 2; q <= root && q * q < hi; q++) {
			if (small[q])
				continue;
			uint64_t start = (lo + q - 1) / q * q;
			if (start < q * q)
				start = q * q;
			for (uint64_t m = start; m < hi; m += q)
				seg[m - lo] = 1;
		}
		for (uint64_t n = lo; n < hi; n++)
			if (n >= 2 && !seg[n - lo])
				total += n;
	}
	free(seg);
	free(small);
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

const struct tvp_workload tvp_workload_primes = {
	.name = "primes",
	.summary = "sum of the primes in [from, to) by trial division (the PEP 371 talk)",
	.reference = "segmented sieve of Eratosthenes",
	.opts = primes_opts,
	.prepare = primes_prepare,
	.reference_answer = primes_reference,
	.kernel = primes_kernel,
	.result_bound = primes_result_bound,
	.reduce = primes_reduce,
	.release = tvp_release_state,
};
