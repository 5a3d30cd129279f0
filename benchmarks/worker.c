/* worker.c - the one worker loop every model runs: take a task, run the kernel, emit, tick, report. */
#define _GNU_SOURCE
#include "worker.h"

#include "fault.h"

#include <pthread.h>
#include <sched.h>

struct tvp_buf *tvp_result_buf(struct tvp_runner *runner, size_t task_index)
{
	return &runner->results[task_index].buf;
}

int tvp_worker_begin(struct tvp_runner *runner, struct tvp_worker *worker, size_t index)
{
	*worker = (struct tvp_worker){.job = runner->job, .id = index};
	const struct tvp_workload *wl = runner->job->workload;
	int status = wl->worker_start ? wl->worker_start(worker) : 0;
	if (runner->gil) /* the lock of this process: threads share it, processes each have their own */
		worker->gil = tvp_gil_enter(runner->gil, &runner->stats[index].gil);
	worker->cpu_start = tvp_thread_cpu();
	return status;
}

int tvp_worker_task(struct tvp_runner *runner, struct tvp_worker *worker, size_t task_index,
		    struct tvp_buf *out, const void *input, size_t input_len)
{
	struct tvp_task task = runner->plan.tasks[task_index];
	struct tvp_worker_stats *mine = &runner->stats[worker->id];
	if (!out)
		out = tvp_result_buf(runner, task_index);
	out->len = 0;
	worker->out = out;
	mine->current_task = (int64_t)task_index;
	tvp_fault_at_task(worker->id, task_index); /* TVP_FAULT=die:...: the tests' crash */
	double start = tvp_now();
	runner->job->workload->kernel(worker, task, input, input_len);
	mine->busy_s += tvp_now() - start;
	mine->tasks++;
	mine->units += task.count;
	struct tvp_result *result = &runner->results[task_index];
	result->first = task.first;
	result->count = task.count;
	result->worker = (int)worker->id;
	mine->current_task = -1;
	if (worker->overflow)
		return tvp_err(TVP_ERUNTIME, "internal: the result of task %zu outgrew its slot",
			       task_index);
	return 0;
}

void tvp_worker_end(struct tvp_runner *runner, struct tvp_worker *worker)
{
	struct tvp_worker_stats *mine = &runner->stats[worker->id];
	if (worker->gil)
		tvp_gil_leave(worker->gil);
	worker->gil = NULL;
	const struct tvp_workload *wl = runner->job->workload;
	if (wl->worker_end)
		wl->worker_end(worker);
	mine->cpu_s = tvp_thread_cpu() - worker->cpu_start;
	mine->end_at = tvp_now();
}

/* The plan's own source: tasks claimed with tvp_plan_next, results in place. */
struct plan_source {
	struct tvp_runner *runner;
	size_t cursor;
};

static long next_from_plan(void *ctx, struct tvp_worker *worker, struct tvp_take *take)
{
	struct plan_source *p = ctx;
	(void)take;
	return tvp_plan_next(&p->runner->plan, worker->id, &p->cursor, p->runner->counter);
}

int tvp_worker_loop(struct tvp_runner *runner, size_t index, const struct tvp_task_source *source)
{
	struct plan_source plan = {.runner = runner};
	struct tvp_task_source from_plan = {.next = next_from_plan, .ctx = &plan};
	if (!source)
		source = &from_plan;
	struct tvp_worker worker;
	int status = tvp_worker_begin(runner, &worker, index);
	long task;
	while (!status) {
		struct tvp_take take = {0};
		if ((task = source->next(source->ctx, &worker, &take)) < 0)
			break;
		status = tvp_worker_task(runner, &worker, (size_t)task, take.out, take.input,
					 take.input_len);
		if (!status && source->done)
			status = source->done(source->ctx, &worker, (size_t)task,
					      take.out ? take.out : tvp_result_buf(runner, (size_t)task));
	}
	tvp_worker_end(runner, &worker);
	return status;
}

void tvp_pin_worker(const struct tvp_runner *runner, size_t worker)
{
	if (!runner->cfg->pin)
		return;
	cpu_set_t allowed, one;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return;
	int cpus = CPU_COUNT(&allowed);
	if (cpus <= 0)
		return;
	int want = (int)(worker % (size_t)cpus), seen = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (seen++ == want) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			pthread_setaffinity_np(pthread_self(), sizeof one, &one);
			return;
		}
	}
}

void tvp_phases_after(const struct tvp_runner *runner, size_t workers, double go, double joined,
		      struct tvp_phases *phases)
{
	double last = go;
	for (size_t i = 0; i < workers; i++)
		if (runner->stats[i].end_at > last)
			last = runner->stats[i].end_at;
	phases->compute = last - go;
	phases->teardown = joined - last;
}
