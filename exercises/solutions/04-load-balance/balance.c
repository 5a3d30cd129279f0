/* balance.c - exercise 04: Mandelbrot rows shared out four ways, with per-worker work and busy times. */
/*
 * usage: balance [--threads N] [--schedule S] [--repeat R] [--slow WORKER]
 *                [--width W] [--height H] [--iterations I]
 *                [--centre-re X] [--centre-im Y] [--span S]
 * Computes the escape-time Mandelbrot image of tvp mandelbrot (same options,
 * same defaults, same checksum) with N threads (default: the cores, at
 * least 2), one row at a time, handing out rows by each schedule in turn,
 * or by schedule S only:
 *   static   one block of consecutive rows per thread
 *   cyclic   rows dealt round robin: thread k gets k, k + N, k + 2N, ...
 *   dynamic  each thread takes the next untaken row when it is free
 *   random   the rows in a seeded random order, dealt round robin
 * Every run is checked: each row computed exactly once, and the image's
 * checksum equal to the serial loop's. For each schedule it prints the
 * median wall time of R runs (default 3), the speedup over the serial loop,
 * and how evenly the threads shared the work (escape iterations) and the
 * time (each thread's busy time, from its start to its last row's end).
 * --slow K makes thread K sleep SLOW_MS before each row it takes, as if its
 * core were shared with another program. Exit status 1 if any run was wrong.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "measure.h"

#define MAX_THREADS 64
#define MAX_REPEATS 99
#define MAX_SIDE 10000
#define SLOW_MS 2           /* --slow: the slow thread's sleep before each row */
#define SHUFFLE_SEED 1      /* the random schedule's order: the same every run */
#define ROWS_LISTED 5       /* a wrong run lists at most this many bad rows */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* The image: tvp mandelbrot's view and pixel grid. */
struct view {
	long width, height;
	uint32_t iterations;
	double centre_re, centre_im, span;
};

struct worker;

/* One run of one schedule: what every thread shares. */
struct job {
	const struct view *view;
	long (*take_row)(struct worker *w); /* this run's schedule: see below */
	int threads;
	int slow_worker;        /* the thread that sleeps before each row, or -1 */
	uint32_t *counts;       /* height x width escape counts, row after row */
	atomic_int *computed;   /* per row: how many times it was computed */
	atomic_long outside;    /* rows asked for that are not in the image */
	atomic_long next_row;   /* dynamic: the first row nobody has taken */
	const long *order;      /* random: every row once, in a shuffled order */
};

/* One thread of a run: its schedule state and what it measured. */
struct worker {
	struct job *job;
	int id;
	long taken;             /* rows this worker has taken so far */
	long rows;              /* rows it computed */
	uint64_t work;          /* escape iterations it did */
	double busy_s;          /* from its start to the end of its last row */
	pthread_t thread;
};

/* ---- the schedules: each returns the next row for w, or -1 when w is done ---- */

/* static: thread k gets the k-th block of ceil(height / threads) rows. */
static long next_row_static(struct worker *w)
{
	long height = w->job->view->height, threads = w->job->threads;
	long block = (height + threads - 1) / threads;
	long row = w->id * block + w->taken;
	if (w->taken == block || row >= height)
		return -1;
	w->taken++;
	return row;
}

/* BEGIN SOLUTION */
/* cyclic: thread k gets rows k, k + threads, k + 2 threads, ... */
/* BEGIN STARTER */
//| /* cyclic: thread k gets rows k, k + threads, k + 2 threads, ...
 //| * TODO 1: the checker finds rows that no thread computes. Which rows, and
 //| * for which image heights and thread counts? Fix this function. */
/* END SOLUTION */
static long next_row_cyclic(struct worker *w)
{
	/* BEGIN SOLUTION */
	long row = w->id + w->taken * w->job->threads;
	if (row >= w->job->view->height)
	/* BEGIN STARTER */
	//| long rows_each = w->job->view->height / w->job->threads;
	//| if (w->taken == rows_each)
	/* END SOLUTION */
		return -1;
	/* BEGIN SOLUTION */
	w->taken++;
	return row;
	/* BEGIN STARTER */
	//| return w->id + w->taken++ * w->job->threads;
	/* END SOLUTION */
}

/* dynamic: the next row that no thread has taken yet, whoever asks first. */
static long next_row_dynamic(struct worker *w)
{
	/* BEGIN SOLUTION */
	long row = atomic_fetch_add(&w->job->next_row, 1);
	return row < w->job->view->height ? row : -1;
	/* BEGIN STARTER */
	//| /* TODO 2: take the row job->next_row and move it on by one, in one
	 //| * atomic step (every thread shares it: atomic_fetch_add); return -1
	 //| * once the row taken is past the last row of the image. */
	//| (void)w;
	//| return -1;
	/* END SOLUTION */
}

/* random: the rows of job->order, dealt round robin as cyclic deals rows. */
static long next_row_random(struct worker *w)
{
	long k = next_row_cyclic(w);
	return k < 0 ? -1 : w->job->order[k];
}

struct schedule {
	const char *name;
	long (*next_row)(struct worker *w);
};
static const struct schedule schedules[] = {
	{"static", next_row_static},
	{"cyclic", next_row_cyclic},
	{"dynamic", next_row_dynamic},
	{"random", next_row_random},
};
#define SCHEDULE_COUNT (sizeof schedules / sizeof schedules[0])

/* ---- the image ---- */

/* Escape iterations of z = z*z + c from z = 0 before |z| reaches 2, at most
 * max_iterations (the loop of tvp mandelbrot and of the talk's C code). */
static uint32_t escape_count(double x0, double y0, uint32_t max_iterations)
{
	double x = 0.0, y = 0.0, x_temp;
	for (uint32_t i = 0; i < max_iterations; i++) {
		if (x * x + y * y >= 4.0)
			return i;
		x_temp = x * x - y * y + x0;
		y = 2 * x * y + y0;
		x = x_temp;
	}
	return max_iterations;
}

/* Fill counts[0 .. width) with row's escape counts; return their sum.
 * Pixel centres as tvp mandelbrot places them (row 0 at the top). */
static uint64_t compute_row(const struct view *v, long row, uint32_t *counts)
{
	double step = v->span / (double)v->width;
	double y0 = v->centre_im + ((double)(v->height - 1) / 2 - (double)row) * step;
	uint64_t sum = 0;
	for (long col = 0; col < v->width; col++) {
		double x0 = v->centre_re + ((double)col - (double)(v->width - 1) / 2) * step;
		counts[col] = escape_count(x0, y0, v->iterations);
		sum += counts[col];
	}
	return sum;
}

/* FNV-1a (64 bit) over every count as four little-endian bytes, in raster
 * order: tvp mandelbrot's answer for the same view. */
static uint64_t checksum(const uint32_t *counts, size_t pixels)
{
	uint64_t hash = FNV_OFFSET;
	for (size_t i = 0; i < pixels; i++)
		for (int b = 0; b < 4; b++) {
			hash ^= (counts[i] >> (8 * b)) & 0xff;
			hash *= FNV_PRIME;
		}
	return hash;
}

/* ---- a run ---- */

/* Thread body: compute every row the schedule hands this worker. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *job = w->job;
	const struct view *v = job->view;
	const struct timespec slow = {0, SLOW_MS * 1000000L};
	double start = tvp_now();
	for (long row; (row = job->take_row(w)) >= 0;) {
		if (row >= v->height) {
			atomic_fetch_add(&job->outside, 1);
			continue;
		}
		if (w->id == job->slow_worker)
			nanosleep(&slow, NULL);
		w->work += compute_row(v, row, job->counts + row * v->width);
		atomic_fetch_add(&job->computed[row], 1);
		w->rows++;
		w->busy_s = tvp_now() - start;
	}
	return NULL;
}

/* Run the job's schedule once with fresh counts and workers; return the
 * wall time from the first thread's creation to the last one's join. */
static double run_once(struct job *job, struct worker *workers)
{
	const struct view *v = job->view;
	memset(job->counts, 0, (size_t)(v->width * v->height) * sizeof *job->counts);
	for (long row = 0; row < v->height; row++)
		atomic_store(&job->computed[row], 0);
	atomic_store(&job->outside, 0);
	atomic_store(&job->next_row, 0);
	double start = tvp_now();
	for (int id = 0; id < job->threads; id++) {
		workers[id] = (struct worker){.job = job, .id = id};
		if (pthread_create(&workers[id].thread, NULL, worker_main, &workers[id]) != 0) {
			fprintf(stderr, "balance: pthread_create failed\n");
			exit(1);
		}
	}
	for (int id = 0; id < job->threads; id++)
		pthread_join(workers[id].thread, NULL);
	return tvp_now() - start;
}

/* Append the first ROWS_LISTED rows (of count) whose computed count
 * satisfies bad to text. */
static void list_rows(char *text, size_t size, const struct job *job, long count, int times)
{
	size_t used = strlen(text);
	long listed = 0;
	snprintf(text + used, size - used, "%s%ld row%s computed %s (", used ? "; " : "", count,
		 count == 1 ? "" : "s", times == 0 ? "0 times" : "more than once");
	for (long row = 0; row < job->view->height && listed < ROWS_LISTED; row++) {
		int computed = atomic_load(&job->computed[row]);
		if (times == 0 ? computed == 0 : computed > 1) {
			used = strlen(text);
			snprintf(text + used, size - used, "%s%ld", listed ? " " : "", row);
			listed++;
		}
	}
	used = strlen(text);
	snprintf(text + used, size - used, "%s)", count > listed ? " ..." : "");
}

/* Check the run just made: every row computed once and the checksum the
 * serial loop's. Returns 1 if right; else 0 and what is wrong in text. */
static int check_run(const struct job *job, uint64_t expected, char *text, size_t size)
{
	const struct view *v = job->view;
	long missing = 0, repeated = 0, outside = atomic_load(&job->outside);
	for (long row = 0; row < v->height; row++) {
		int computed = atomic_load(&job->computed[row]);
		missing += computed == 0;
		repeated += computed > 1;
	}
	uint64_t sum = checksum(job->counts, (size_t)(v->width * v->height));
	text[0] = '\0';
	if (missing)
		list_rows(text, size, job, missing, 0);
	if (repeated)
		list_rows(text, size, job, repeated, 2);
	size_t used = strlen(text);
	if (outside)
		snprintf(text + used, size - used, "%s%ld rows handed out that are not in 0..%ld",
			 used ? "; " : "", outside, v->height - 1);
	used = strlen(text);
	if (sum != expected)
		snprintf(text + used, size - used, "%schecksum %016llx, not %016llx", used ? "; " : "",
			 (unsigned long long)sum, (unsigned long long)expected);
	return text[0] == '\0';
}

/* The largest of count values over their mean, as text ("-" if they are all 0). */
static const char *max_over_mean(const double *values, int count, char *text, size_t size)
{
	double max = 0, total = 0;
	for (int i = 0; i < count; i++) {
		total += values[i];
		if (values[i] > max)
			max = values[i];
	}
	if (total <= 0)
		snprintf(text, size, "-");
	else
		snprintf(text, size, "%.2f", max / (total / count));
	return text;
}

/* Run schedule repeats times and print its row of the table and its
 * workers' line (their rows, work and busy times in the last run).
 * Returns 1 if every run was right. */
static int measure_schedule(struct job *job, const struct schedule *schedule, int repeats,
			    double serial_s, uint64_t expected)
{
	struct worker workers[MAX_THREADS];
	double seconds[MAX_REPEATS] = {0}, work[MAX_THREADS], busy[MAX_THREADS];
	char problem[512] = "", text[512], work_ratio[16], busy_ratio[16];
	int right = 1;
	job->take_row = schedule->next_row;
	for (int r = 0; r < repeats; r++) {
		seconds[r] = run_once(job, workers);
		if (!check_run(job, expected, text, sizeof text) && right) {
			right = 0;
			memcpy(problem, text, sizeof problem);
		}
	}
	double wall = tvp_stats_of(seconds, (size_t)repeats).median;
	for (int id = 0; id < job->threads; id++) {
		work[id] = (double)workers[id].work;
		busy[id] = workers[id].busy_s;
	}
	printf("%-8s %8.4f %8.2f %14s %14s  %s\n", schedule->name, wall, serial_s / wall,
	       max_over_mean(work, job->threads, work_ratio, sizeof work_ratio),
	       max_over_mean(busy, job->threads, busy_ratio, sizeof busy_ratio),
	       right ? "OK" : "WRONG");
	printf("         rows");
	for (int id = 0; id < job->threads; id++)
		printf(" %ld", workers[id].rows);
	printf(" | work (M iterations)");
	for (int id = 0; id < job->threads; id++)
		printf(" %.2f", work[id] / 1e6);
	printf(" | busy ms");
	for (int id = 0; id < job->threads; id++)
		printf(" %.1f", busy[id] * 1e3);
	printf("\n");
	if (!right)
		printf("         WRONG: %s\n", problem);
	fflush(stdout);
	return right;
}

/* ---- setup ---- */

/* order[0 .. count) = every row once, shuffled (Fisher-Yates, xorshift64
 * from seed): the same order on every run and every machine. */
static void shuffle_rows(long *order, long count, uint64_t seed)
{
	uint64_t state = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (long i = 0; i < count; i++)
		order[i] = i;
	for (long i = count - 1; i > 0; i--) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		long j = (long)(state % (uint64_t)(i + 1));
		long swap = order[i];
		order[i] = order[j];
		order[j] = swap;
	}
}

/* The serial loop every speedup is measured against: the whole image, row
 * by row, in one thread. Returns the median seconds of repeats runs and
 * the image's checksum in *sum. */
static double time_serial(const struct view *v, uint32_t *counts, int repeats, uint64_t *sum)
{
	double seconds[MAX_REPEATS] = {0};
	for (int r = 0; r < repeats; r++) {
		double start = tvp_now();
		for (long row = 0; row < v->height; row++)
			compute_row(v, row, counts + row * v->width);
		seconds[r] = tvp_now() - start;
	}
	*sum = checksum(counts, (size_t)(v->width * v->height));
	return tvp_stats_of(seconds, (size_t)repeats).median;
}

/* Print the usage line on out; return status. */
static int usage(FILE *out, int status)
{
	fprintf(out, "usage: balance [--threads 1..%d] [--schedule static|cyclic|dynamic|random] "
			"[--repeat 1..%d] [--slow WORKER] [--width W] [--height H] [--iterations I] "
			"[--centre-re X] [--centre-im Y] [--span S]\n",
		MAX_THREADS, MAX_REPEATS);
	return status;
}

/* optarg as a long in [low, high] into *out; 0 if it is not one. */
static int parse_long(long low, long high, long *out)
{
	char *end;
	long value = strtol(optarg, &end, 10);
	if (end == optarg || *end || value < low || value > high)
		return 0;
	*out = value;
	return 1;
}

/* optarg as a finite double into *out; 0 if it is not one. */
static int parse_double(double *out)
{
	char *end;
	double value = strtod(optarg, &end);
	if (end == optarg || *end || !isfinite(value))
		return 0;
	*out = value;
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"threads", required_argument, NULL, 't'},
		{"schedule", required_argument, NULL, 's'},
		{"repeat", required_argument, NULL, 'r'},
		{"slow", required_argument, NULL, 'S'},
		{"width", required_argument, NULL, 'W'},
		{"height", required_argument, NULL, 'H'},
		{"iterations", required_argument, NULL, 'i'},
		{"centre-re", required_argument, NULL, 'x'},
		{"centre-im", required_argument, NULL, 'y'},
		{"span", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct view view = {800, 600, 256, -0.5, 0, 3};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long threads = cores > 2 ? (cores < MAX_THREADS ? cores : MAX_THREADS) : 2;
	long repeats = 3, slow_worker = -1, iterations = view.iterations;
	const char *only = NULL;
	int opt, ok = 1;
	while (ok && (opt = getopt_long(argc, argv, "t:s:r:", options, NULL)) != -1) {
		switch (opt) {
		case 't': ok = parse_long(1, MAX_THREADS, &threads); break;
		case 's': only = optarg; break;
		case 'r': ok = parse_long(1, MAX_REPEATS, &repeats); break;
		case 'S': ok = parse_long(0, MAX_THREADS - 1, &slow_worker); break;
		case 'W': ok = parse_long(1, MAX_SIDE, &view.width); break;
		case 'H': ok = parse_long(1, MAX_SIDE, &view.height); break;
		case 'i': ok = parse_long(1, 1000000, &iterations); break;
		case 'x': ok = parse_double(&view.centre_re); break;
		case 'y': ok = parse_double(&view.centre_im); break;
		case 'p': ok = parse_double(&view.span) && view.span > 0; break;
		case 'h': return usage(stdout, 0);
		default: ok = 0;
		}
	}
	int known = !only;
	for (size_t s = 0; s < SCHEDULE_COUNT; s++)
		known |= only && strcmp(only, schedules[s].name) == 0;
	if (!ok || optind != argc || !known || slow_worker >= threads)
		return usage(stderr, 2);
	view.iterations = (uint32_t)iterations;

	size_t pixels = (size_t)(view.width * view.height);
	struct job job = {.view = &view, .threads = (int)threads, .slow_worker = (int)slow_worker};
	job.counts = malloc(pixels * sizeof *job.counts);
	job.computed = malloc((size_t)view.height * sizeof *job.computed);
	long *order = malloc((size_t)view.height * sizeof *order);
	if (!job.counts || !job.computed || !order) {
		fprintf(stderr, "balance: out of memory\n");
		return 1;
	}
	shuffle_rows(order, view.height, SHUFFLE_SEED);
	job.order = order;

	uint64_t expected;
	double serial_s = time_serial(&view, job.counts, (int)repeats, &expected);
	printf("balance: mandelbrot %ldx%ld, %u iterations, centre %g%+gi, span %g; %ld threads",
	       view.width, view.height, view.iterations, view.centre_re, view.centre_im, view.span,
	       threads);
	if (slow_worker >= 0)
		printf(", thread %ld slow (sleeps %d ms before each row)", slow_worker, SLOW_MS);
	printf("; medians of %ld runs\n", repeats);
	printf("serial: %.4f s, checksum %016llx\n", serial_s, (unsigned long long)expected);
	printf("%-8s %8s %8s %14s %14s  %s\n", "schedule", "wall s", "speedup", "work max/mean",
	       "busy max/mean", "check");
	int all_right = 1;
	for (size_t s = 0; s < SCHEDULE_COUNT; s++)
		if (!only || strcmp(only, schedules[s].name) == 0)
			all_right &= measure_schedule(&job, &schedules[s], (int)repeats, serial_s,
						      expected);
	free(order);
	free(job.computed);
	free(job.counts);
	return all_right ? 0 : 1;
}
