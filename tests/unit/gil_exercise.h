/* gil_exercise.h - threads ticking one simulated GIL, counting who is inside (for the GIL tests). */
#ifndef GIL_EXERCISE_H
#define GIL_EXERCISE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../../benchmarks/gil.h"

#define EXERCISE_MAX_THREADS 16

/* What the threads saw. `inside` counts threads between two ticks while
 * holding the lock; `most_inside` is the largest it ever was. `plain` is
 * a plain (non-atomic) counter bumped only while holding: a lost update, or
 * a ThreadSanitizer report, means two threads were inside at once. */
struct exercise {
	struct tvp_gil *gil;
	size_t threads;
	unsigned long ticks; /* per thread */
	atomic_int inside, most_inside;
	unsigned long plain;
	unsigned long locked_steps[EXERCISE_MAX_THREADS];
	struct tvp_gil_stats stats[EXERCISE_MAX_THREADS];
};

struct exercise_arg {
	struct exercise *ex;
	size_t index;
};

/* A few nanoseconds of work the compiler cannot drop. */
static void exercise_work(void)
{
	for (volatile int spin = 0; spin < 20; spin++)
		;
}

static void *exercise_thread(void *arg)
{
	struct exercise_arg *a = arg;
	struct exercise *ex = a->ex;
	struct tvp_gil_thread *me = tvp_gil_enter(ex->gil, &ex->stats[a->index]);
	for (unsigned long k = 0; k < ex->ticks; k++) {
		if (tvp_gil_holding(me)) {
			int now = atomic_fetch_add(&ex->inside, 1) + 1;
			int most = atomic_load(&ex->most_inside);
			while (now > most && !atomic_compare_exchange_weak(&ex->most_inside, &most, now))
				;
			ex->plain++;
			ex->locked_steps[a->index]++;
			exercise_work();
			atomic_fetch_sub(&ex->inside, 1);
		} else {
			exercise_work();
		}
		tvp_gil_tick(me);
	}
	tvp_gil_leave(me);
	return NULL;
}

/* Run `threads` threads of `ticks` ticks each on a lock made as cfg says.
 * Returns 0, or -1 when a thread could not start. */
static int exercise_run(struct exercise *ex, const struct tvp_gil_config *cfg, size_t threads,
			unsigned long ticks)
{
	memset(ex, 0, sizeof *ex);
	ex->gil = tvp_gil_create(cfg);
	ex->threads = threads;
	ex->ticks = ticks;
	pthread_t ids[EXERCISE_MAX_THREADS];
	struct exercise_arg args[EXERCISE_MAX_THREADS];
	size_t started = 0;
	int status = 0;
	for (; started < threads; started++) {
		args[started] = (struct exercise_arg){ex, started};
		if (pthread_create(&ids[started], NULL, exercise_thread, &args[started]) != 0) {
			status = -1;
			break;
		}
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(ids[i], NULL);
	tvp_gil_destroy(ex->gil);
	ex->gil = NULL;
	return status;
}

/* The counters of every thread, added up. */
static struct tvp_gil_stats exercise_total(const struct exercise *ex)
{
	struct tvp_gil_stats total;
	memset(&total, 0, sizeof total);
	for (size_t i = 0; i < ex->threads; i++)
		tvp_gil_stats_add(&total, &ex->stats[i]);
	return total;
}

/* Locked steps of every thread, added up (what `plain` must equal). */
static unsigned long exercise_locked_steps(const struct exercise *ex)
{
	unsigned long sum = 0;
	for (size_t i = 0; i < ex->threads; i++)
		sum += ex->locked_steps[i];
	return sum;
}

#endif
