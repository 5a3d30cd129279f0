/* results.c - exercise 03: forked workers send their results home through a pipe or MAP_SHARED memory. */
/*
 * usage: results pipe|shm [UNITS [WORKERS]]
 * Unit i's result is the number of Collatz steps from i + 1 down to 1 (a
 * uint64_t). WORKERS children (default 2) each compute one contiguous block
 * of UNITS units (default 400000) and hand the results to the parent:
 *   pipe  each worker writes its block down a pipe of its own; the parent
 *         reads them into place (copied twice, as Python's queues do)
 *   shm   each worker writes straight into a MAP_SHARED region the parent
 *         mapped before forking (not copied at all)
 * The parent then checks every result against its own serial run and exits
 * 1 if any differs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure.h"

#define MAX_WORKERS 64

/* Print "results: WHAT: strerror(errno)" and exit 1. */
static void die(const char *what)
{
	fprintf(stderr, "results: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Steps of n -> n/2 (even) or 3n+1 (odd) until n is 1. */
static uint64_t collatz_steps(uint64_t n)
{
	uint64_t steps = 0;
	for (; n != 1; steps++)
		n = n % 2 ? 3 * n + 1 : n / 2;
	return steps;
}

/* Compute the results of units [first, end) into out[0 .. end-first). */
static void compute_block(long first, long end, uint64_t *out)
{
	for (long i = first; i < end; i++)
		out[i - first] = collatz_steps((uint64_t)i + 1);
}

/* Worker w's block of units: contiguous, the remainder to the first ones. */
static void block_of(int worker, int workers, long units, long *first, long *end)
{
	long base = units / workers, extra = units % workers;
	*first = worker * base + (worker < extra ? worker : extra);
	*end = *first + base + (worker < extra ? 1 : 0);
}

/* Write all size bytes of buf to fd, or die. */
static void write_all(int fd, const void *buf, size_t size)
{
	const char *at = buf;
	while (size > 0) {
		ssize_t done = write(fd, at, size);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			die("write to the parent");
		at += done;
		size -= (size_t)done;
	}
}

/* Read exactly size bytes from fd into buf, or die (an early end of file
 * means a worker died before sending everything). */
static void read_all(int fd, void *buf, size_t size)
{
	char *at = buf;
	while (size > 0) {
		ssize_t done = read(fd, at, size);
		if (done < 0 && errno == EINTR)
			continue;
		if (done < 0)
			die("read from a worker");
		if (done == 0) {
			fprintf(stderr, "results: a worker sent too few bytes\n");
			exit(1);
		}
		at += done;
		size -= (size_t)done;
	}
}

/* Wait for worker pid and die unless it exited with status 0. */
static void reap(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "results: worker %d failed\n", (int)pid);
		exit(1);
	}
}

/* pipe: every worker sends its block down its own pipe. */
static void collect_by_pipe(uint64_t *results, long units, int workers)
{
	pid_t pids[MAX_WORKERS];
	int from_worker[MAX_WORKERS];
	for (int w = 0; w < workers; w++) {
		int fds[2];
		if (pipe(fds) != 0)
			die("pipe");
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			close(fds[0]);
			long first, end;
			block_of(w, workers, units, &first, &end);
			uint64_t *block = malloc((size_t)(end - first) * sizeof *block);
			if (!block)
				die("malloc");
			compute_block(first, end, block);
			write_all(fds[1], block, (size_t)(end - first) * sizeof *block);
			_exit(0);
		}
		close(fds[1]);
		from_worker[w] = fds[0];
	}
	/* BEGIN SOLUTION */
	/* Drain before join: read everything every worker sends, and only then
	 * wait for them. A worker whose results do not fit in the pipe buffer
	 * (64 KiB on Linux) cannot exit until someone reads them. */
	/* BEGIN STARTER */
	//| /* Wait until every worker has finished, then read what each one sent. */
	//| for (int w = 0; w < workers; w++)
		//| reap(pids[w]);
	/* END SOLUTION */
	for (int w = 0; w < workers; w++) {
		long first, end;
		block_of(w, workers, units, &first, &end);
		read_all(from_worker[w], results + first, (size_t)(end - first) * sizeof *results);
		close(from_worker[w]);
	}
	/* BEGIN SOLUTION */
	for (int w = 0; w < workers; w++)
		reap(pids[w]);
	/* END SOLUTION */
}

/* shm: every worker writes its block straight into memory shared with the parent. */
static void collect_by_shm(uint64_t *results, long units, int workers)
{
	size_t bytes = (size_t)units * sizeof *results;
	/* BEGIN SOLUTION */
	/* MAP_SHARED: the children's writes land in the very pages the parent
	 * reads. Memory from malloc would be copied on write at the fork. */
	uint64_t *shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				-1, 0);
	if (shared == MAP_FAILED)
		die("mmap");
	/* BEGIN STARTER */
	//| /* The memory the workers write their results into. */
	//| uint64_t *shared = malloc(bytes);
	//| if (!shared)
		//| die("malloc");
	/* END SOLUTION */
	pid_t pids[MAX_WORKERS];
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			long first, end;
			block_of(w, workers, units, &first, &end);
			compute_block(first, end, shared + first);
			_exit(0);
		}
	}
	for (int w = 0; w < workers; w++)
		reap(pids[w]);
	memcpy(results, shared, bytes);
	/* BEGIN SOLUTION */
	munmap(shared, bytes);
	/* BEGIN STARTER */
	//| free(shared);
	/* END SOLUTION */
}

int main(int argc, char **argv)
{
	const char *via = argc > 1 ? argv[1] : "";
	long units = argc > 2 ? atol(argv[2]) : 400000;
	int workers = argc > 3 ? atoi(argv[3]) : 2;
	int by_pipe = strcmp(via, "pipe") == 0, by_shm = strcmp(via, "shm") == 0;
	if (argc > 4 || (!by_pipe && !by_shm) || units < 1 || workers < 1 ||
	    workers > MAX_WORKERS || workers > units) {
		fprintf(stderr, "usage: results pipe|shm [UNITS [WORKERS 1..%d]]\n", MAX_WORKERS);
		return 2;
	}
	uint64_t *results = calloc((size_t)units, sizeof *results);
	uint64_t *expected = malloc((size_t)units * sizeof *expected);
	if (!results || !expected)
		die("malloc");
	size_t bytes = (size_t)units * sizeof *results;
	printf("results: %ld units from %d workers via %s, %zu bytes in all (%zu per worker)\n",
	       units, workers, via, bytes, bytes / (size_t)workers);
	fflush(stdout); /* before fork: or the children would print it again */

	double start = tvp_now();
	if (by_pipe)
		collect_by_pipe(results, units, workers);
	else
		collect_by_shm(results, units, workers);
	double parallel_s = tvp_now() - start;
	start = tvp_now();
	compute_block(0, units, expected);
	double serial_s = tvp_now() - start;

	long wrong = 0, first_wrong = -1;
	for (long i = 0; i < units; i++)
		if (results[i] != expected[i] && wrong++ == 0)
			first_wrong = i;
	printf("time: %.4f s with %d workers, %.4f s serial\n", parallel_s, workers, serial_s);
	if (wrong) {
		printf("check: WRONG: %ld of %ld results differ from the serial run; the first is unit "
		       "%ld: got %llu, want %llu\n",
		       wrong, units, first_wrong, (unsigned long long)results[first_wrong],
		       (unsigned long long)expected[first_wrong]);
	} else {
		printf("check: OK, all %ld results match the serial run\n", units);
	}
	free(results);
	free(expected);
	return wrong ? 1 : 0;
}
