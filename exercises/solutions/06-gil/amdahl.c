/* amdahl.c - exercise 06: fit Amdahl's p to tvp runs of a --gil-free sweep. */
/*
 * usage: amdahl FILE.json...
 * Reads the runs in tvp's JSON files (`tvp ... --format json`, schema
 * tvp/1; the Python peers' --json files too), prints each run's speedup
 * over the serial run, then Amdahl's p fitted by least squares to the runs
 * of each model and GIL-free fraction:
 *
 *     speedup S(N) = 1 / ((1 - p) + p / N)      N = workers
 *
 * A run's GIL-free fraction is its gil_stats "free" (--gil-free), or its
 * params "p" (peers/python/gilfree.py), or 0. Its baseline is a serial run
 * (model serial, or python-serial for a peer's run) of the same workload:
 * the one with the same fraction if there is one, else the first. Exit
 * status 0; 2 for a file that cannot be read, or a run with no baseline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 4096
#define MODEL_LEN 32

/* What amdahl needs of one run. */
struct run {
	char workload[MODEL_LEN]; /* "primes", "gilfree", ... */
	char model[MODEL_LEN];    /* "serial", "pthread", "fork", "python-threading", ... */
	int workers;
	double wall_s;    /* the median wall time of its repeats */
	double free;      /* the GIL-free fraction */
	double speedup;   /* baseline wall / wall; 0 for a serial run */
	bool fitted;      /* already counted in a group's fit */
};

/* One point to fit: a run's workers and speedup. */
struct point {
	int workers;
	double speedup;
};

static struct run runs[MAX_RUNS];
static int run_count;

/*
 * fit_p: Amdahl's p for the points (workers, speedup) by least squares on
 * the time ratio 1/S: the p that minimises
 *
 *     sum over the points of  ( 1/S - ((1 - p) + p / N) )^2
 *
 * 1/S = 1 - p (1 - 1/N) is a straight line in p: set the derivative with
 * respect to p to zero and solve for p. Points with N = 1 say nothing
 * about p. Returns NAN when no point has N > 1.
 */
static double fit_p(const struct point *points, int count)
{
	/* BEGIN SOLUTION */
	/* 1/S = 1 - p a with a = 1 - 1/N. With b = 1 - 1/S the sum is
	 * sum (p a - b)^2; its derivative 2 sum a (p a - b) is zero at
	 * p = sum(a b) / sum(a a). */
	double sum_ab = 0, sum_aa = 0;
	for (int i = 0; i < count; i++) {
		double a = 1 - 1.0 / points[i].workers;
		double b = 1 - 1 / points[i].speedup;
		sum_ab += a * b;
		sum_aa += a * a;
	}
	return sum_aa > 0 ? sum_ab / sum_aa : NAN;
	/* BEGIN STARTER */
	//| /* TODO: return the least-squares p described above (a sum over the
	 //| * points, one division). Not the mean of each point's own p: with
	 //| * noisy points the two differ, and the checker knows which is which. */
	//| (void)points;
	//| (void)count;
	//| return 0;
	/* END SOLUTION */
}

/* ---- Reading tvp's JSON. Not a general JSON parser: it finds the keys
 * tvp and the peers write, in the order they write them. */

/* value_of: the text just after `"key":` (and any spaces) in [from, to), or NULL. */
static const char *value_of(const char *from, const char *to, const char *key)
{
	char quoted[64];
	int len = snprintf(quoted, sizeof quoted, "\"%s\"", key);
	for (const char *at = from; at < to;) {
		const char *hit = memmem(at, (size_t)(to - at), quoted, (size_t)len);
		if (hit == NULL)
			return NULL;
		const char *after = hit + len;
		while (after < to && (*after == ' ' || *after == '\n' || *after == '\t'))
			after++;
		if (after < to && *after == ':') {
			after++;
			while (after < to && (*after == ' ' || *after == '\n' || *after == '\t'))
				after++;
			return after;
		}
		at = hit + 1;
	}
	return NULL;
}

/* number_of: the number after `"key":` in [from, to), or fallback if absent or not a number. */
static double number_of(const char *from, const char *to, const char *key, double fallback)
{
	const char *value = value_of(from, to, key);
	char *end;
	if (value == NULL)
		return fallback;
	double number = strtod(value, &end);
	return end == value ? fallback : number;
}

/* string_of: copy the string after `"key":` in [from, to) into out (size MODEL_LEN); false if absent. */
static bool string_of(const char *from, const char *to, const char *key, char *out)
{
	const char *value = value_of(from, to, key);
	if (value == NULL || *value != '"')
		return false;
	size_t len = strcspn(value + 1, "\"");
	if (len >= MODEL_LEN)
		len = MODEL_LEN - 1;
	memcpy(out, value + 1, len);
	out[len] = '\0';
	return true;
}

/* read_run: fill run from the text [from, to) of one run; false if it lacks a model or a wall time. */
static bool read_run(const char *from, const char *to, struct run *run)
{
	const char *wall = value_of(from, to, "wall_s");
	const char *gil = value_of(from, to, "gil_stats");
	const char *params = value_of(from, to, "params");
	if (!string_of(from, to, "workload", run->workload) || !string_of(from, to, "model", run->model) ||
	    wall == NULL)
		return false;
	run->workers = (int)number_of(from, to, "workers", 1);
	run->wall_s = number_of(wall, to, "median", NAN);
	run->free = gil == NULL ? NAN : number_of(gil, to, "free", NAN);
	if (isnan(run->free) && params != NULL)
		run->free = number_of(params, to, "p", NAN);
	if (isnan(run->free))
		run->free = 0;
	run->speedup = 0;
	run->fitted = false;
	return !isnan(run->wall_s) && run->wall_s > 0;
}

/* read_file: add every run in the JSON file at path to runs[]; exits 2 if it cannot be read. */
static void read_file(const char *path)
{
	FILE *file = fopen(path, "r");
	if (file == NULL) {
		fprintf(stderr, "amdahl: cannot read %s: %s\n", path, strerror(errno));
		exit(2);
	}
	char *text = NULL;
	size_t size = 0, len = 0, got;
	do {
		if (len + 4096 > size) {
			size = 2 * size + 4096;
			text = realloc(text, size);
			if (text == NULL) {
				fprintf(stderr, "amdahl: out of memory reading %s\n", path);
				exit(2);
			}
		}
		got = fread(text + len, 1, size - len - 1, file);
		len += got;
	} while (got > 0);
	fclose(file);
	text[len] = '\0';

	/* A run is the text from one "workload" key to the next. */
	const char *end = text + len;
	const char *start = strstr(text, "\"workload\"");
	int found = 0;
	while (start != NULL) {
		const char *next = strstr(start + 1, "\"workload\"");
		if (run_count == MAX_RUNS) {
			fprintf(stderr, "amdahl: more than %d runs\n", MAX_RUNS);
			exit(2);
		}
		if (read_run(start, next ? next : end, &runs[run_count])) {
			run_count++;
			found++;
		}
		start = next;
	}
	free(text);
	if (found == 0) {
		fprintf(stderr, "amdahl: %s holds no tvp run (make it with: tvp ... --format json)\n", path);
		exit(2);
	}
}

/* is_serial: true for the runs that are baselines. */
static bool is_serial(const struct run *run)
{
	size_t len = strlen(run->model);
	return strcmp(run->model, "serial") == 0 ||
	       (len >= 7 && strcmp(run->model + len - 7, "-serial") == 0);
}

/* same_free: true if two GIL-free fractions are the same setting. */
static bool same_free(double a, double b) { return fabs(a - b) < 1e-9; }

/* is_peer: true for the Python peers' runs (model python-...). */
static bool is_peer(const struct run *run) { return strncmp(run->model, "python-", 7) == 0; }

/* baseline_for: the serial run to compare run with; NULL if there is none. */
static const struct run *baseline_for(const struct run *run)
{
	const struct run *first = NULL;
	for (int i = 0; i < run_count; i++) {
		if (!is_serial(&runs[i]) || is_peer(&runs[i]) != is_peer(run) ||
		    strcmp(runs[i].workload, run->workload) != 0)
			continue;
		if (same_free(runs[i].free, run->free))
			return &runs[i];
		if (first == NULL)
			first = &runs[i];
	}
	return first;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: amdahl FILE.json...  (runs from tvp --format json)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		read_file(argv[i]);
	for (int i = 0; i < run_count; i++)
		if (baseline_for(&runs[i]) == NULL) {
			fprintf(stderr, "amdahl: no serial run of %s to compare the %s runs with; add one: %s%s%s\n",
				runs[i].workload, runs[i].model,
				is_peer(&runs[i]) ? "python3 peers/python/" : "tvp ", runs[i].workload,
				is_peer(&runs[i]) ? ".py --model serial ... --json FILE"
						  : " --model serial ... --format json");
			return 2;
		}

	printf("amdahl: %d runs from %d files\n", run_count, argc - 1);
	printf("   free  %-10s %-18s %7s %10s %9s\n", "workload", "model", "workers", "wall s", "speedup");
	for (int i = 0; i < run_count; i++) {
		struct run *run = &runs[i];
		if (!is_serial(run))
			run->speedup = baseline_for(run)->wall_s / run->wall_s;
		printf("  %5.2f  %-10s %-18s %7d %10.4f ", run->free, run->workload, run->model, run->workers,
		       run->wall_s);
		if (is_serial(run))
			printf("%9s\n", "(serial)");
		else
			printf("%9.2f\n", run->speedup);
	}

	/* One fit per workload, model and GIL-free fraction, in the order they first appear. */
	static struct point points[MAX_RUNS];
	printf("\nAmdahl's p by least squares, for each workload, model and GIL-free fraction:\n");
	printf("   free  %-10s %-18s %5s %8s\n", "workload", "model", "runs", "p");
	for (int i = 0; i < run_count; i++) {
		if (is_serial(&runs[i]) || runs[i].fitted)
			continue;
		int count = 0;
		for (int j = i; j < run_count; j++) {
			if (is_serial(&runs[j]) || runs[j].fitted || !same_free(runs[j].free, runs[i].free) ||
			    strcmp(runs[j].model, runs[i].model) != 0 ||
			    strcmp(runs[j].workload, runs[i].workload) != 0)
				continue;
			runs[j].fitted = true;
			points[count++] = (struct point){runs[j].workers, runs[j].speedup};
		}
		double p = fit_p(points, count);
		printf("  %5.2f  %-10s %-18s %5d ", runs[i].free, runs[i].workload, runs[i].model, count);
		if (isnan(p))
			printf("%8s\n", "-");
		else
			printf("%8.3f\n", p);
	}
	return 0;
}
