/* honest.c - exercise 12: compare two sets of noisy run times honestly: medians, intervals, and a verdict only when the interval says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 10000
#define LABEL_BYTES 32

/* One configuration's runs, as read (in file order) and sorted. */
struct sample {
	char label[LABEL_BYTES];
	double runs[MAX_RUNS]; /* in the order measured */
	double sorted[MAX_RUNS];
	int count;
};

/* What honest says about one sample. */
struct summary {
	double median, low, high, mean, first;
	int covered; /* 1 if [low, high] holds the median with 95% confidence or more */
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of sorted[0 .. count-1] (the mean of the middle two for even counts). */
static double median_of(const double *sorted, int count)
{
	return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

/* P(X <= k) for X ~ Binomial(n, 1/2). */
static double binomial_cdf(int n, int k)
{
	double term = pow(0.5, n), sum = 0; /* term: C(n, i) / 2^n */
	for (int i = 0; i <= k; i++) {
		sum += term;
		term = term * (n - i) / (i + 1);
	}
	return sum;
}

/* The distribution-free 95% interval of the median: [sorted[k-1], sorted[n-k]]
 * for the largest k >= 1 with P(X <= k - 1) <= 0.025, X ~ Binomial(n, 1/2):
 * the median lies below the k-th smallest run only if fewer than k runs
 * fell below it. With too few runs for any such k (n < 6), the widest
 * interval, [min, max], with covered = 0. */
static void median_interval(const struct sample *s, struct summary *out)
{
	/* BEGIN SOLUTION */
	int k = 0;
	while (k + 1 <= s->count / 2 && binomial_cdf(s->count, k) <= 0.025)
		k++;
	out->covered = k >= 1;
	if (k < 1)
		k = 1;
	out->low = s->sorted[k - 1];
	out->high = s->sorted[s->count - k];
	/* BEGIN STARTER */
	//| /* TODO 1: the interval described above. binomial_cdf is written;
	//|  * find k, then take the k-th smallest and the k-th largest run. */
	//| (void)s, (void)binomial_cdf;
	//| out->covered = 1;
	//| out->low = out->median;
	//| out->high = out->median;
	/* END SOLUTION */
}

/* Summarise one sample: median, its interval, mean, and the first run. */
static void summarise(struct sample *s, struct summary *out)
{
	memcpy(s->sorted, s->runs, (size_t)s->count * sizeof *s->runs);
	qsort(s->sorted, (size_t)s->count, sizeof *s->sorted, by_value);
	double sum = 0;
	for (int i = 0; i < s->count; i++)
		sum += s->runs[i];
	out->mean = sum / s->count;
	out->first = s->runs[0];
	out->median = median_of(s->sorted, s->count);
	median_interval(s, out);
}

/* The verdict on B (the second sample) against A from the interval [low,
 * high] of the ratio of B's median to A's: "faster", "slower", or "same"
 * (no measurable difference); a difference is claimed only if the interval
 * excludes 1. */
static const char *verdict(double ratio, double low, double high)
{
	/* BEGIN SOLUTION */
	(void)ratio;
	int faster = high < 1, slower = low > 1;
	/* BEGIN STARTER */
	//| /* TODO 2: this is the naive verdict: any ratio below 1 "wins". Claim a
	//|  * difference only when the whole interval [low, high] is on one side of 1. */
	//| (void)low, (void)high;
	//| int faster = ratio < 1, slower = ratio > 1;
	/* END SOLUTION */
	return faster ? "faster" : slower ? "slower" : "same";
}

/* Read "LABEL SECONDS" lines into two samples (labels in order of first
 * appearance); exit 2 with one line on stderr for anything else. */
static void read_runs(const char *path, struct sample samples[2])
{
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "honest: cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	char label[LABEL_BYTES];
	double seconds;
	int line = 0, got;
	while ((got = fscanf(in, "%31s %lf", label, &seconds)) == 2) {
		line++;
		int which = 0;
		while (which < 2 && samples[which].count && strcmp(samples[which].label, label) != 0)
			which++;
		if (which == 2 || seconds <= 0 || samples[which].count == MAX_RUNS) {
			fprintf(stderr, "honest: %s:%d: want two labels and positive seconds, at most %d runs each\n",
				path, line, MAX_RUNS);
			exit(2);
		}
		if (!samples[which].count)
			snprintf(samples[which].label, LABEL_BYTES, "%s", label);
		samples[which].runs[samples[which].count++] = seconds;
	}
	if (got != EOF || !samples[0].count || !samples[1].count) {
		fprintf(stderr, "honest: %s: want lines 'LABEL SECONDS' for exactly two labels\n", path);
		exit(2);
	}
	fclose(in);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: honest RUNS_FILE   (lines 'LABEL SECONDS', two labels: A first, then B)\n");
		return 2;
	}
	static struct sample samples[2];
	struct summary sum[2];
	read_runs(argv[1], samples);
	for (int i = 0; i < 2; i++) {
		summarise(&samples[i], &sum[i]);
		printf("%s runs %d median %.6f interval %.6f %.6f%s mean %.6f first %.6f\n", samples[i].label,
		       samples[i].count, sum[i].median, sum[i].low, sum[i].high,
		       sum[i].covered ? "" : " (under 95%: too few runs)", sum[i].mean, sum[i].first);
	}
	/* The ratio's interval from the two medians' intervals: as low as B's
	 * low over A's high, as high as B's high over A's low. */
	double ratio = sum[1].median / sum[0].median;
	double low = sum[1].low / sum[0].high, high = sum[1].high / sum[0].low;
	printf("ratio %s/%s first %.4f mean %.4f median %.4f interval %.4f %.4f\n", samples[1].label,
	       samples[0].label, sum[1].first / sum[0].first, sum[1].mean / sum[0].mean, ratio, low, high);
	const char *said = verdict(ratio, low, high);
	if (strcmp(said, "same") == 0)
		printf("verdict: no measurable difference\n");
	else
		printf("verdict: %s %s than %s\n", samples[1].label, said, samples[0].label);
	return 0;
}
