/* forkthread.c - exercise 01: time creating and reaping N threads, then N processes. */
/*
 * usage: forkthread [COUNT [HEAP_MB]]
 *   COUNT    how many threads, then how many processes (default 50000, LLNL's table)
 *   HEAP_MB  megabytes of heap the parent touches first (default 0): fork
 *            copies the parent's page tables, pthread_create does not
 * Each thread and each child process does nothing and ends at once; the
 * parent creates one, waits for it, and goes on, as LLNL's fork_vs_thread
 * test does. Prints wall, user and sys time for each, and the ratio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "measure.h"

#define DEFAULT_COUNT 50000
#define MAX_UNREAPED 1000 /* stop before unreaped children fill the process table */
#define PAGE_BYTES 4096

/* What one half of the experiment measured. */
struct timing {
	long created, reaped;
	double wall_s, user_s, sys_s;
};

/* Print "forkthread: WHAT: strerror(err)" and exit 1. */
static void die(const char *what, int err)
{
	fprintf(stderr, "forkthread: %s: %s\n", what, strerror(err));
	exit(1);
}

/* The whole life of one thread: nothing. */
static void *do_nothing(void *arg)
{
	return arg;
}

/* Create count threads one after another, joining each before the next. */
static struct timing time_threads(long count)
{
	struct timing t = {0, 0, 0, 0, 0};
	struct tvp_usage before = tvp_usage_read(0);
	double start = tvp_now();
	for (long i = 0; i < count; i++) {
		pthread_t thread;
		int err = pthread_create(&thread, NULL, do_nothing, NULL);
		if (err)
			die("pthread_create", err);
		t.created++;
		err = pthread_join(thread, NULL);
		if (err)
			die("pthread_join", err);
		t.reaped++;
	}
	t.wall_s = tvp_now() - start;
	struct tvp_usage used = tvp_usage_diff(tvp_usage_read(0), before);
	t.user_s = used.user_s;
	t.sys_s = used.sys_s;
	return t;
}

/* Fork count children one after another, reaping each before the next. The
 * children's CPU time (RUSAGE_CHILDREN) is added to the parent's. */
static struct timing time_processes(long count)
{
	struct timing t = {0, 0, 0, 0, 0};
	struct tvp_usage before = tvp_usage_add(tvp_usage_read(0), tvp_usage_read(1));
	double start = tvp_now();
	for (long i = 0; i < count; i++) {
		if (t.created - t.reaped >= MAX_UNREAPED) {
			fprintf(stderr, "forkthread: %ld children not reaped yet: stopping before "
					"the process table fills\n", t.created - t.reaped);
			exit(1);
		}
		pid_t pid = fork();
		if (pid < 0)
			die("fork", errno);
		if (pid == 0)
			_exit(0); /* the child: nothing to do */
		t.created++;
		/* BEGIN SOLUTION */
		int status;
		if (waitpid(pid, &status, 0) != pid)
			die("waitpid", errno);
		t.reaped++;
		/* BEGIN STARTER */
		//| /* TODO 1: wait for this child (waitpid), as time_threads joins its
		 //| * thread, and count it in t.reaped. Until then every child stays a
		 //| * zombie: dead, but still holding its slot in the process table. */
		/* END SOLUTION */
	}
	t.wall_s = tvp_now() - start;
	struct tvp_usage after = tvp_usage_add(tvp_usage_read(0), tvp_usage_read(1));
	struct tvp_usage used = tvp_usage_diff(after, before);
	t.user_s = used.user_s;
	t.sys_s = used.sys_s;
	return t;
}

/* One row of the table. */
static void print_row(const char *name, struct timing t)
{
	printf("%-10s %8ld %8ld %9.3f %8.3f %8.3f %9.1f\n", name, t.created, t.reaped, t.wall_s,
	       t.user_s, t.sys_s, t.created ? t.wall_s / (double)t.created * 1e6 : 0.0);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : DEFAULT_COUNT;
	long heap_mb = argc > 2 ? atol(argv[2]) : 0;
	if (argc > 3 || count < 1 || heap_mb < 0) {
		fprintf(stderr, "usage: forkthread [COUNT [HEAP_MB]]\n");
		return 2;
	}
	char *heap = NULL;
	if (heap_mb > 0) {
		heap = malloc((size_t)heap_mb << 20);
		if (!heap)
			die("malloc", errno);
		/* Touch every page, through volatile so the compiler keeps the
		 * stores (memset of memory never read again may be dropped). */
		volatile char *byte = heap;
		for (size_t at = 0; at < (size_t)heap_mb << 20; at += PAGE_BYTES)
			byte[at] = 1;
	}
	printf("forkthread: create and reap %ld threads, then %ld processes (parent heap %ld MB)\n",
	       count, count, heap_mb);
	printf("%-10s %8s %8s %9s %8s %8s %9s\n", "", "created", "reaped", "wall s", "user s",
	       "sys s", "us each");
	fflush(stdout); /* or every child's exit would flush a copy of it */
	struct timing threads = time_threads(count);
	print_row("threads", threads);
	fflush(stdout);
	struct timing processes = time_processes(count);
	print_row("processes", processes);
	/* BEGIN SOLUTION */
	printf("ratio      processes/threads %.1f\n", processes.wall_s / threads.wall_s);
	/* BEGIN STARTER */
	//| /* TODO 2: print the line "ratio      processes/threads R", where R is
	 //| * the processes' wall time over the threads' (one decimal). */
	/* END SOLUTION */
	free(heap);
	return 0;
}
