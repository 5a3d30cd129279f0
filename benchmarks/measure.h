/* measure.h - clocks, resource usage and summary statistics. */
#ifndef TVP_MEASURE_H
#define TVP_MEASURE_H

#include <stddef.h>

/* Seconds on CLOCK_MONOTONIC: the one clock every phase is timed with. */
double tvp_now(void);

/* Seconds of CPU time used by the calling thread alone. */
double tvp_thread_cpu(void);

/* What getrusage reports that tvp keeps. */
struct tvp_usage {
	double user_s, sys_s;
	long voluntary, involuntary; /* context switches */
	long minor_faults;           /* page faults served without I/O */
	long max_rss_kb;
};

/* Read RUSAGE_SELF (who = 0) or RUSAGE_CHILDREN (who = 1). */
struct tvp_usage tvp_usage_read(int who);

/* after - before for the counters; max_rss_kb is after's (a peak). */
struct tvp_usage tvp_usage_diff(struct tvp_usage after, struct tvp_usage before);

/* a + b for the counters; the larger max_rss_kb. */
struct tvp_usage tvp_usage_add(struct tvp_usage a, struct tvp_usage b);

/* Median, minimum, maximum and sample standard deviation of count values.
 * The values are not modified; count may be 0 (all results are 0). */
struct tvp_stats {
	double median, min, max, stddev;
};
struct tvp_stats tvp_stats_of(const double *values, size_t count);

#endif
