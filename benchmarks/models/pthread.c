/* pthread.c - the pthread model: N threads share the address space and a claim counter. */
#define _GNU_SOURCE
#include "../worker.h"
#include "../rlimit.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* Threads wait at the gate until all exist, so spawn and compute are
 * timed apart. States: WAIT -> GO, or WAIT -> ABORT if one could not start. */
enum gate_state { GATE_WAIT, GATE_GO, GATE_ABORT };

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	size_t arrived;
	enum gate_state state;
};

struct thread {
	pthread_t id;
	size_t index;
	struct tvp_runner *runner;
	struct gate *gate;
	int status; /* what its worker loop returned */
};

static void *thread_main(void *arg)
{
	struct thread *self = arg;
	struct tvp_runner *runner = self->runner;
	struct gate *gate = self->gate;
	tvp_pin_worker(runner, self->index);

	pthread_mutex_lock(&gate->lock);
	gate->arrived++;
	pthread_cond_broadcast(&gate->changed);
	while (gate->state == GATE_WAIT)
		pthread_cond_wait(&gate->changed, &gate->lock);
	enum gate_state state = gate->state;
	pthread_mutex_unlock(&gate->lock);
	if (state == GATE_ABORT)
		return NULL;

	self->status = tvp_worker_loop(runner, self->index, NULL);
	return NULL;
}

static void open_gate(struct gate *gate, enum gate_state state)
{
	pthread_mutex_lock(&gate->lock);
	gate->state = state;
	pthread_cond_broadcast(&gate->changed);
	pthread_mutex_unlock(&gate->lock);
}

static int pthread_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	size_t workers = runner->cfg->workers, started = 0;
	struct thread *threads = tvp_xcalloc(workers, sizeof *threads);
	struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, GATE_WAIT};
	int status = 0;

	double spawn = tvp_now();
	for (; started < workers; started++) {
		threads[started] = (struct thread){.index = started, .runner = runner, .gate = &gate};
		int err = pthread_create(&threads[started].id, NULL, thread_main, &threads[started]);
		if (err) {
			char limit[200] = "";
			if (err == EAGAIN)
				tvp_limit_phrase(true, limit, sizeof limit);
			errno = err;
			status = tvp_syserr(TVP_ERUNTIME, "cannot start thread %zu (workers 0 to %zu): "
					    "pthread_create%s%s", started, workers - 1,
					    *limit ? " hit " : "", limit);
			break;
		}
	}
	pthread_mutex_lock(&gate.lock);
	while (gate.arrived < started)
		pthread_cond_wait(&gate.changed, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
	double go = tvp_now();
	phases->spawn = go - spawn;
	open_gate(&gate, status ? GATE_ABORT : GATE_GO);

	for (size_t i = 0; i < started; i++) {
		pthread_join(threads[i].id, NULL);
		if (!status)
			status = threads[i].status;
	}
	tvp_phases_after(runner, started, go, tvp_now(), phases);
	free(threads);
	return status;
}

const struct tvp_model tvp_model_pthread = {
	.name = "pthread",
	.summary = "N threads in one process: shared memory, cheapest start-up",
	.kind = TVP_KIND_THREADS,
	.max_workers = TVP_MAX_WORKERS,
	.supports = 0,
	.run = pthread_run,
};
