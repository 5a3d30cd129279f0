/* bugs.c - exercise 10: four classic thread bugs, one mode each: ids, exit, stack, transfer. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_THREADS 64
#define FRAME_BYTES (16 * 1024) /* what one level of deep_sum keeps on the stack */
#define DEPTH 100               /* levels of deep_sum: 1.6 MB of stack in all */
#define ACCOUNTS 2
#define START_BALANCE 1000000

/* die WHAT ERR: one line on stderr naming the failed call, exit 1. */
static void die(const char *what, int err)
{
	fprintf(stderr, "bugs: %s: %s\n", what, strerror(err));
	exit(1);
}

/* start THREAD FN ARG ATTR: pthread_create, or die. */
static void start(pthread_t *thread, void *(*fn)(void *), void *arg, const pthread_attr_t *attr)
{
	int err = pthread_create(thread, attr, fn, arg);
	if (err)
		die("pthread_create", err);
}

/* join THREAD: pthread_join, or die. */
static void join(pthread_t thread)
{
	int err = pthread_join(thread, NULL);
	if (err)
		die("pthread_join", err);
}

/* ---- ids: each thread must learn its own number ------------------------ */

static int seen[MAX_THREADS]; /* seen[k]: the number thread k was given */

static void *say_id(void *arg)
{
	usleep(1000); /* the thread's own start-up work, before it reads its argument */
	int id = *(int *)arg;
	seen[id % MAX_THREADS] = id; /* the slot is its own, if id is right */
	printf("thread %d\n", id);
	return NULL;
}

/* Start threads threads, each told its number 0 .. threads-1; print them. */
static void mode_ids(int threads)
{
	pthread_t thread[MAX_THREADS];
	/* BEGIN SOLUTION */
	static int ids[MAX_THREADS]; /* one argument each, alive until the joins */
	for (int i = 0; i < threads; i++) {
		ids[i] = i;
		start(&thread[i], say_id, &ids[i], NULL);
	}
	/* BEGIN STARTER */
	//| /* TODO 1: every thread is given the same address. What does each one
	//|  * read there, and when? (TSan: who writes i while the threads read it?) */
	//| for (int i = 0; i < threads; i++)
	//| 	start(&thread[i], say_id, &i, NULL);
	/* END SOLUTION */
	for (int i = 0; i < threads; i++)
		join(thread[i]);
}

/* ---- exit: main must not return before its threads finish ------------- */

static void *slow_job(void *arg)
{
	usleep(20000); /* 20 ms of work */
	printf("done %ld\n", (long)(intptr_t)arg);
	return NULL;
}

/* Start threads slow jobs; each prints "done K" when it finishes. */
static void mode_exit(int threads)
{
	pthread_t thread[MAX_THREADS];
	for (int i = 0; i < threads; i++)
		start(&thread[i], slow_job, (void *)(intptr_t)i, NULL);
	/* BEGIN SOLUTION */
	for (int i = 0; i < threads; i++)
		join(thread[i]);
	/* BEGIN STARTER */
	//| /* TODO 2: main returns now, and exit() ends every thread with it. */
	/* END SOLUTION */
}

/* ---- stack: a thread's stack must fit what it keeps there -------------- */

/* The sum 1 + 2 + ... + depth, the slow way: FRAME_BYTES of stack per level. */
static long deep_sum(int depth)
{
	volatile char frame[FRAME_BYTES];
	frame[0] = (char)depth;
	frame[FRAME_BYTES - 1] = (char)depth;
	if (depth == 0)
		return 0;
	return depth + deep_sum(depth - 1) + frame[0] - frame[FRAME_BYTES - 1];
}

static void *deep_job(void *arg)
{
	long *sum = arg;
	*sum = deep_sum(DEPTH);
	return NULL;
}

/* Run deep_sum(DEPTH) on a thread whose stack size is set here; print the sum. */
static void mode_stack(void)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	/* BEGIN SOLUTION */
	/* DEPTH + 1 frames of FRAME_BYTES, and room for the calls themselves. */
	size_t stack = (size_t)(DEPTH + 1) * FRAME_BYTES + 256 * 1024;
	/* BEGIN STARTER */
	//| /* TODO 3: 64 KiB per thread saves memory with many threads. Does
	//|  * deep_sum fit in it? Size the stack from what the thread keeps there. */
	//| size_t stack = 64 * 1024;
	/* END SOLUTION */
	int err = pthread_attr_setstacksize(&attr, stack);
	if (err)
		die("pthread_attr_setstacksize", err);
	pthread_t thread;
	long sum = -1;
	start(&thread, deep_job, &sum, &attr);
	join(thread);
	pthread_attr_destroy(&attr);
	printf("stack %zu bytes, sum %ld\n", stack, sum);
}

/* ---- transfer: two locks, taken in one order by everyone -------------- */

struct account {
	pthread_mutex_t lock;
	long balance;
};

static struct account accounts[ACCOUNTS];

struct transfers {
	int from, to;
	long count;
};

/* Move 1 from one account to the other, holding both accounts' locks. */
static void transfer(struct account *from, struct account *to)
{
	/* BEGIN SOLUTION */
	/* Everyone takes the lower-numbered account's lock first. */
	struct account *first = from < to ? from : to;
	struct account *second = from < to ? to : from;
	pthread_mutex_lock(&first->lock);
	pthread_mutex_lock(&second->lock);
	/* BEGIN STARTER */
	//| /* TODO 4: one thread moves money from 0 to 1, the other from 1 to 0.
	//|  * Each holds one lock and waits for the other's. */
	//| pthread_mutex_lock(&from->lock);
	//| pthread_mutex_lock(&to->lock);
	/* END SOLUTION */
	from->balance--;
	to->balance++;
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
}

static void *transfer_job(void *arg)
{
	struct transfers *job = arg;
	for (long i = 0; i < job->count; i++)
		transfer(&accounts[job->from], &accounts[job->to]);
	return NULL;
}

/* Two threads move 1 count times each, in opposite directions; print the balances. */
static void mode_transfer(long count)
{
	for (int a = 0; a < ACCOUNTS; a++) {
		pthread_mutex_init(&accounts[a].lock, NULL);
		accounts[a].balance = START_BALANCE;
	}
	struct transfers jobs[2] = {{0, 1, count}, {1, 0, count}};
	pthread_t thread[2];
	for (int t = 0; t < 2; t++)
		start(&thread[t], transfer_job, &jobs[t], NULL);
	for (int t = 0; t < 2; t++)
		join(thread[t]);
	printf("balances %ld %ld, total %ld\n", accounts[0].balance, accounts[1].balance,
	       accounts[0].balance + accounts[1].balance);
}

/* parse_count TEXT LO HI: TEXT as a whole number in [LO, HI]; exit 2 otherwise. */
static long parse_count(const char *text, long lo, long hi)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < lo || value > hi) {
		fprintf(stderr, "bugs: want a whole number from %ld to %ld, not '%s'\n", lo, hi, text);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "ids") == 0 && argc == 3)
		mode_ids((int)parse_count(argv[2], 1, MAX_THREADS));
	else if (strcmp(mode, "exit") == 0 && argc == 3)
		mode_exit((int)parse_count(argv[2], 1, MAX_THREADS));
	else if (strcmp(mode, "stack") == 0 && argc == 2)
		mode_stack();
	else if (strcmp(mode, "transfer") == 0 && argc == 3)
		mode_transfer(parse_count(argv[2], 0, 100000000));
	else {
		fprintf(stderr, "usage: bugs ids THREADS | exit THREADS | stack | transfer COUNT\n");
		return 2;
	}
	return 0;
}
