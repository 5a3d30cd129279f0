/* psum.c - exercise 02: sum an array with threads four ways, each checking its own answer. */
/*
 * usage: psum [-n LOG2_ELEMENTS] [-t MAX_THREADS] [-r REPEATS] [-v VERSION]
 * Sums values[i] = i for i in [0, 2^LOG2_ELEMENTS) (default 2^22) and checks
 * the sum against n(n-1)/2, as CS:APP's psum programs do (section 12.6):
 *   mutex   one shared sum, every addition under a mutex   (psum-mutex)
 *   array   one slot per thread, slots side by side         (psum-array)
 *   padded  one slot per thread, each on its own cache line
 *   local   a local sum per thread, stored once at the end  (psum-local)
 * For each version and each thread count 1..MAX_THREADS (default: the cores,
 * at least 2) it prints the median time of REPEATS runs (default 3), the
 * speedup over the serial loop and the efficiency. Exit status 1 if any
 * version got a wrong sum.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure.h"

#define MAX_THREADS 64
#define CACHE_LINE 64 /* bytes; the checker compares it with this machine's */
#define MAX_REPEATS 99

static uint32_t *values;  /* the array being summed */
static long elements;	  /* how many values */
static int thread_count;  /* threads in the current run */

/* mutex: one shared sum. */
static uint64_t shared_sum;
static pthread_mutex_t shared_sum_lock = PTHREAD_MUTEX_INITIALIZER;

/* array: slots side by side, eight to a cache line. volatile makes every
 * addition a store to memory, as in CS:APP's unoptimized build; without it
 * the compiler keeps the sum in a register and this becomes psum-local. */
static volatile uint64_t slots[MAX_THREADS];

/* padded: one slot per cache line, so two threads never write one line. */
struct padded_slot {
	volatile uint64_t sum;
	/* BEGIN SOLUTION */
	char pad[CACHE_LINE - sizeof(uint64_t)];
} __attribute__((aligned(CACHE_LINE)));
	/* BEGIN STARTER */
	//| /* TODO 1: make each slot fill a whole cache line (CACHE_LINE bytes)
	 //| * and start on one, so that no two threads write to the same line. */
//| };
	/* END SOLUTION */
static struct padded_slot padded_slots[MAX_THREADS];

/* The first and one-past-last element thread id sums: contiguous blocks,
 * the remainder spread over the first threads. */
static void block_of(long id, long *first, long *end)
{
	long base = elements / thread_count, extra = elements % thread_count;
	*first = id * base + (id < extra ? id : extra);
	*end = *first + base + (id < extra ? 1 : 0);
}

/* Thread body of psum-mutex: add its block into shared_sum, one lock per value. */
static void *sum_mutex(void *arg)
{
	long first, end;
	block_of((long)arg, &first, &end);
	for (long i = first; i < end; i++) {
		pthread_mutex_lock(&shared_sum_lock);
		shared_sum += values[i];
		pthread_mutex_unlock(&shared_sum_lock);
	}
	return NULL;
}

/* Thread body of psum-array: add its block into slots[id], a store per value. */
static void *sum_array(void *arg)
{
	long id = (long)arg, first, end;
	block_of(id, &first, &end);
	for (long i = first; i < end; i++)
		slots[id] += values[i];
	return NULL;
}

/* Thread body of psum-padded: as psum-array, into its own cache line. */
static void *sum_padded(void *arg)
{
	long id = (long)arg, first, end;
	block_of(id, &first, &end);
	for (long i = first; i < end; i++)
		padded_slots[id].sum += values[i];
	return NULL;
}

/* Thread body of psum-local: sum its block privately, store slots[id] once. */
static void *sum_local(void *arg)
{
	long id = (long)arg, first, end;
	block_of(id, &first, &end);
	/* BEGIN SOLUTION */
	uint64_t sum = 0;
	for (long i = first; i < end; i++)
		sum += values[i];
	slots[id] = sum;
	/* BEGIN STARTER */
	//| /* TODO 2: add values[first] .. values[end - 1] into a local variable,
	 //| * then store it in slots[id] once, at the end (CS:APP's psum-local). */
	/* END SOLUTION */
	return NULL;
}

/* One version: its thread body and how the total is read afterwards. */
struct version {
	const char *name;
	void *(*body)(void *);
};
static const struct version versions[] = {
	{"mutex", sum_mutex},
	{"array", sum_array},
	{"padded", sum_padded},
	{"local", sum_local},
};
#define VERSION_COUNT (sizeof versions / sizeof versions[0])

/* Zero every sum, run version with threads threads, return the total. */
static uint64_t run_version(const struct version *version, int threads)
{
	shared_sum = 0;
	for (int id = 0; id < MAX_THREADS; id++)
		slots[id] = padded_slots[id].sum = 0;
	thread_count = threads;
	pthread_t tids[MAX_THREADS];
	for (long id = 0; id < threads; id++)
		if (pthread_create(&tids[id], NULL, version->body, (void *)id) != 0) {
			fprintf(stderr, "psum: pthread_create failed\n");
			exit(1);
		}
	for (int id = 0; id < threads; id++)
		pthread_join(tids[id], NULL);
	uint64_t total = shared_sum;
	for (int id = 0; id < threads; id++)
		total += slots[id] + padded_slots[id].sum;
	return total;
}

/* The serial loop every speedup is measured against. */
static uint64_t sum_serial(void)
{
	uint64_t sum = 0;
	for (long i = 0; i < elements; i++)
		sum += values[i];
	return sum;
}

/* Median seconds of repeats calls of run (version NULL: the serial loop);
 * *all_right is cleared if any call's total differs from expected. */
static double time_median(const struct version *version, int threads, int repeats,
			  uint64_t expected, int *all_right)
{
	double seconds[MAX_REPEATS];
	for (int r = 0; r < repeats; r++) {
		double start = tvp_now();
		uint64_t total = version ? run_version(version, threads) : sum_serial();
		seconds[r] = tvp_now() - start;
		if (total != expected)
			*all_right = 0;
	}
	return tvp_stats_of(seconds, (size_t)repeats).median;
}

/* This machine's cache line in bytes (CACHE_LINE if it does not say). */
static long machine_cache_line(void)
{
	long line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
	return line > 0 ? line : CACHE_LINE;
}

int main(int argc, char **argv)
{
	int log2_elements = 22, repeats = 3, opt;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int max_threads = cores > 2 ? (int)(cores < MAX_THREADS ? cores : MAX_THREADS) : 2;
	const char *only = NULL;
	while ((opt = getopt(argc, argv, "n:t:r:v:")) != -1) {
		if (opt == 'n')
			log2_elements = atoi(optarg);
		else if (opt == 't')
			max_threads = atoi(optarg);
		else if (opt == 'r')
			repeats = atoi(optarg);
		else if (opt == 'v')
			only = optarg;
		else
			return 2;
	}
	if (optind != argc || log2_elements < 1 || log2_elements > 31 || max_threads < 1 ||
	    max_threads > MAX_THREADS || repeats < 1 || repeats > MAX_REPEATS) {
		fprintf(stderr, "usage: psum [-n LOG2_ELEMENTS 1..31] [-t MAX_THREADS 1..%d] "
				"[-r REPEATS 1..%d] [-v mutex|array|padded|local]\n",
			MAX_THREADS, MAX_REPEATS);
		return 2;
	}
	elements = 1L << log2_elements;
	values = malloc((size_t)elements * sizeof *values);
	if (!values) {
		fprintf(stderr, "psum: out of memory\n");
		return 1;
	}
	for (long i = 0; i < elements; i++)
		values[i] = (uint32_t)i;
	uint64_t expected = (uint64_t)elements * (uint64_t)(elements - 1) / 2;

	printf("psum: %ld elements (2^%d), expected sum %llu; medians of %d runs\n", elements,
	       log2_elements, (unsigned long long)expected, repeats);
	printf("slots: array %zu bytes apart, padded %zu bytes apart, padded[0] at line offset %zu; "
	       "cache line here %ld bytes\n",
	       sizeof slots[0], sizeof padded_slots[0],
	       (size_t)((uintptr_t)&padded_slots[0] % (uintptr_t)machine_cache_line()),
	       machine_cache_line());
	int serial_right = 1, all_right = 1;
	double serial_s = time_median(NULL, 1, repeats, expected, &serial_right);
	printf("%-8s %7s %10s %8s %10s  %s\n", "version", "threads", "time s", "speedup",
	       "efficiency", "check");
	printf("%-8s %7d %10.4f %8.2f %10.2f  %s\n", "serial", 1, serial_s, 1.0, 1.0,
	       serial_right ? "OK" : "WRONG");
	all_right = serial_right;
	for (size_t v = 0; v < VERSION_COUNT; v++) {
		if (only && strcmp(only, versions[v].name) != 0)
			continue;
		for (int threads = 1; threads <= max_threads; threads++) {
			int right = 1;
			double seconds = time_median(&versions[v], threads, repeats, expected, &right);
			double speedup = serial_s / seconds;
			printf("%-8s %7d %10.4f %8.2f %10.2f  %s\n", versions[v].name, threads, seconds,
			       speedup, speedup / threads, right ? "OK" : "WRONG");
			fflush(stdout);
			all_right &= right;
		}
	}
	free(values);
	return all_right ? 0 : 1;
}
