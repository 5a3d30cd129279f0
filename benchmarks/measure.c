/* measure.c - clocks, resource usage and summary statistics. */
#define _GNU_SOURCE
#include "measure.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

double tvp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double tvp_thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

struct tvp_usage tvp_usage_read(int who)
{
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	getrusage(who ? RUSAGE_CHILDREN : RUSAGE_SELF, &ru);
	return (struct tvp_usage){
		.user_s = seconds(ru.ru_utime),
		.sys_s = seconds(ru.ru_stime),
		.voluntary = ru.ru_nvcsw,
		.involuntary = ru.ru_nivcsw,
		.minor_faults = ru.ru_minflt,
		.max_rss_kb = ru.ru_maxrss,
	};
}

struct tvp_usage tvp_usage_diff(struct tvp_usage after, struct tvp_usage before)
{
	return (struct tvp_usage){
		.user_s = after.user_s - before.user_s,
		.sys_s = after.sys_s - before.sys_s,
		.voluntary = after.voluntary - before.voluntary,
		.involuntary = after.involuntary - before.involuntary,
		.minor_faults = after.minor_faults - before.minor_faults,
		.max_rss_kb = after.max_rss_kb,
	};
}

struct tvp_usage tvp_usage_add(struct tvp_usage a, struct tvp_usage b)
{
	return (struct tvp_usage){
		.user_s = a.user_s + b.user_s,
		.sys_s = a.sys_s + b.sys_s,
		.voluntary = a.voluntary + b.voluntary,
		.involuntary = a.involuntary + b.involuntary,
		.minor_faults = a.minor_faults + b.minor_faults,
		.max_rss_kb = a.max_rss_kb > b.max_rss_kb ? a.max_rss_kb : b.max_rss_kb,
	};
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct tvp_stats tvp_stats_of(const double *values, size_t count)
{
	struct tvp_stats st = {0, 0, 0, 0};
	if (count == 0)
		return st;
	double *sorted = malloc(count * sizeof *sorted);
	if (!sorted)
		return st;
	memcpy(sorted, values, count * sizeof *sorted);
	qsort(sorted, count, sizeof *sorted, compare_doubles);
	st.min = sorted[0];
	st.max = sorted[count - 1];
	st.median = count % 2 ? sorted[count / 2]
			      : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
	double mean = 0;
	for (size_t i = 0; i < count; i++)
		mean += sorted[i];
	mean /= (double)count;
	double sq = 0;
	for (size_t i = 0; i < count; i++)
		sq += (sorted[i] - mean) * (sorted[i] - mean);
	st.stddev = count > 1 ? sqrt(sq / (double)(count - 1)) : 0;
	free(sorted);
	return st;
}
