/* pool.c - exercise 09: a pool of worker threads fed through a bounded buffer with condition variables, shut down cleanly. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WORKERS 64
#define MAX_CAPACITY 4096

/* The bounded buffer (OSTEP ch. 30, CS:APP's sbuf): a ring of capacity
 * slots. Its states, all under lock:
 *   OPEN, count == 0          takers wait on not_empty
 *   OPEN, 0 < count < cap     both sides proceed
 *   OPEN, count == cap        putters wait on not_full
 *   CLOSED                    no more puts; takers drain what is left, then
 *                             buffer_take returns -1 to each of them
 * Every wait is in a while loop: a wake-up is a hint, never a promise. */
struct buffer {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	long *slots;
	int capacity;
	int head;  /* next slot to take */
	int count; /* tasks in the buffer */
	int closed;
};

struct pool {
	struct buffer buffer;
	pthread_t threads[MAX_WORKERS];
	int workers;
	FILE *log; /* one line "TASK WORKER" per task run, or NULL */
	pthread_mutex_t sum_lock;
	uint64_t sum; /* the tasks' results, added up */
	long ran;     /* tasks run */
};

struct worker_arg {
	struct pool *pool;
	int id;
};

/* die WHAT ERR: one line on stderr naming the failed call, exit 1. */
static void die(const char *what, int err)
{
	fprintf(stderr, "pool: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Set up an empty, open buffer of capacity slots; exits on failure. */
static void buffer_init(struct buffer *b, int capacity)
{
	memset(b, 0, sizeof *b);
	b->slots = calloc((size_t)capacity, sizeof *b->slots);
	if (!b->slots)
		die("calloc", ENOMEM);
	b->capacity = capacity;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->not_empty, NULL);
	pthread_cond_init(&b->not_full, NULL);
}

/* Add task to the buffer, waiting while it is full. Complete: read it,
 * then write buffer_take as its mirror image. */
static void buffer_put(struct buffer *b, long task)
{
	pthread_mutex_lock(&b->lock);
	while (b->count == b->capacity)
		pthread_cond_wait(&b->not_full, &b->lock);
	b->slots[(b->head + b->count) % b->capacity] = task;
	b->count++;
	pthread_cond_signal(&b->not_empty);
	pthread_mutex_unlock(&b->lock);
}

/* The next task, waiting while the buffer is empty and open; -1 once it is
 * closed and empty (the worker's signal to exit). */
static long buffer_take(struct buffer *b)
{
	/* BEGIN SOLUTION */
	pthread_mutex_lock(&b->lock);
	while (b->count == 0 && !b->closed)
		pthread_cond_wait(&b->not_empty, &b->lock);
	long task = -1;
	if (b->count > 0) {
		task = b->slots[b->head];
		b->head = (b->head + 1) % b->capacity;
		b->count--;
		pthread_cond_signal(&b->not_full);
	}
	pthread_mutex_unlock(&b->lock);
	return task;
	/* BEGIN STARTER */
	//| /* TODO 1: the mirror image of buffer_put. Under the lock, wait on
	//|  * not_empty while the buffer is empty and not closed; then, if a task
	//|  * is there, take it from slots[head], move head on, and signal
	//|  * not_full (a putter may be waiting for the slot). Return -1 only
	//|  * when the buffer is closed AND empty: tasks put before the close
	//|  * must still run. */
	//| (void)b;
	//| return -1;
	/* END SOLUTION */
}

/* No more puts: wake every taker, so that each one drains the rest and
 * then sees -1. */
static void buffer_close(struct buffer *b)
{
	/* BEGIN SOLUTION */
	pthread_mutex_lock(&b->lock);
	b->closed = 1;
	pthread_cond_broadcast(&b->not_empty);
	pthread_mutex_unlock(&b->lock);
	/* BEGIN STARTER */
	//| /* TODO 2: set closed under the lock and wake the takers. How many
	//|  * may be waiting, and how many does pthread_cond_signal wake? */
	//| (void)b;
	/* END SOLUTION */
}

/* Free the buffer's memory and its lock and conditions. */
static void buffer_destroy(struct buffer *b)
{
	pthread_cond_destroy(&b->not_full);
	pthread_cond_destroy(&b->not_empty);
	pthread_mutex_destroy(&b->lock);
	free(b->slots);
}

/* The work of one task: its result. Tiny on purpose: the pool is the lesson. */
static uint64_t run_task(long task)
{
	return (uint64_t)task * (uint64_t)task;
}

/* A worker: take tasks until the buffer says -1, run each once, add up. */
static void *worker(void *arg)
{
	struct worker_arg *self = arg;
	struct pool *pool = self->pool;
	uint64_t sum = 0;
	long ran = 0;
	long task;
	while ((task = buffer_take(&pool->buffer)) >= 0) {
		sum += run_task(task);
		ran++;
		if (pool->log)
			fprintf(pool->log, "%ld %d\n", task, self->id);
	}
	pthread_mutex_lock(&pool->sum_lock);
	pool->sum += sum;
	pool->ran += ran;
	pthread_mutex_unlock(&pool->sum_lock);
	return NULL;
}

/* parse_count TEXT LO HI NAME: TEXT as a whole number in [LO, HI]; exit 2 otherwise. */
static long parse_count(const char *text, long lo, long hi, const char *name)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < lo || value > hi) {
		fprintf(stderr, "pool: %s must be a whole number from %ld to %ld, not '%s'\n", name, lo, hi, text);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: pool WORKERS TASKS CAPACITY [LOG [SUBMIT_DELAY_US]]\n");
		return 2;
	}
	struct pool pool = {.workers = (int)parse_count(argv[1], 1, MAX_WORKERS, "WORKERS")};
	long tasks = parse_count(argv[2], 0, 100000000, "TASKS");
	int capacity = (int)parse_count(argv[3], 1, MAX_CAPACITY, "CAPACITY");
	long delay_us = argc > 5 ? parse_count(argv[5], 0, 1000000, "SUBMIT_DELAY_US") : 0;
	if (argc > 4 && !(pool.log = fopen(argv[4], "w"))) {
		fprintf(stderr, "pool: cannot write %s: %s\n", argv[4], strerror(errno));
		return 2;
	}
	buffer_init(&pool.buffer, capacity);
	pthread_mutex_init(&pool.sum_lock, NULL);
	printf("pool: %d workers, %ld tasks, a buffer of %d\n", pool.workers, tasks, capacity);

	struct worker_arg args[MAX_WORKERS];
	for (int w = 0; w < pool.workers; w++) {
		args[w] = (struct worker_arg){.pool = &pool, .id = w};
		int err = pthread_create(&pool.threads[w], NULL, worker, &args[w]);
		if (err)
			die("pthread_create", err);
	}
	struct timespec pause = {.tv_sec = delay_us / 1000000, .tv_nsec = delay_us % 1000000 * 1000};
	for (long task = 0; task < tasks; task++) {
		buffer_put(&pool.buffer, task);
		if (delay_us)
			nanosleep(&pause, NULL);
	}
	/* The clean shutdown: close, then join every worker. */
	buffer_close(&pool.buffer);
	for (int w = 0; w < pool.workers; w++) {
		int err = pthread_join(pool.threads[w], NULL);
		if (err)
			die("pthread_join", err);
	}
	printf("submitted %ld, ran %ld, sum %llu\n", tasks, pool.ran, (unsigned long long)pool.sum);
	buffer_destroy(&pool.buffer);
	pthread_mutex_destroy(&pool.sum_lock);
	if (pool.log && fclose(pool.log) != 0)
		die("fclose", errno);
	return 0;
}
