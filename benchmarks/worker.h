/* worker.h - the one worker loop every model runs: take a task, run the kernel, emit, tick, report. */
#ifndef TVP_WORKER_H
#define TVP_WORKER_H

#include "plugin.h"

/* A worker's share of one run, on the worker's own thread (a thread, a
 * process, an OpenMP team member, a rank):
 *
 *   tvp_worker_begin  before its first task: the workload's worker_start
 *                     hook (worker->scratch), enters its process's GIL,
 *                     starts its CPU clock;
 *   tvp_worker_task   one task: shows it as current_task, runs the kernel
 *                     (which emits into out and ticks the GIL), counts it;
 *   tvp_worker_end    after its last task: leaves the GIL, the worker_end
 *                     hook, writes cpu_s and end_at.
 *
 * tvp_worker_loop is the three together, taking tasks from a source until
 * it has none left. A model whose runtime hands out the tasks itself (an
 * OpenMP `for`) calls the three steps around that loop instead. Progress
 * (stats[index]: tasks, units, busy_s, current_task, cpu_s, end_at, GIL
 * counters) lives in runner->stats, in MAP_SHARED memory: the parent
 * reads it for every model. */

/* What a source hands the worker with a task. */
struct tvp_take {
	const void *input;   /* the task's shipped input bytes, or NULL */
	size_t input_len;
	struct tvp_buf *out; /* where its result goes; NULL: in place (tvp_result_buf) */
};

/* Where a worker's tasks come from and where each finished one goes. */
struct tvp_task_source {
	/* The next task index for worker, with *take filled; -1 when its
	 * share of the run is done. May end the process (a closed pipe). */
	long (*next)(void *ctx, struct tvp_worker *worker, struct tvp_take *take);
	/* Optional: task is done and its result is in out (a process sends it
	 * back here). 0, or a status after one line: the worker stops. */
	int (*done)(void *ctx, struct tvp_worker *worker, size_t task, const struct tvp_buf *out);
	void *ctx;
};

/* Begin worker index's share of a run (see above). 0, or TVP_ERUNTIME
 * after one line (a worker_start hook failed); end it either way. */
int tvp_worker_begin(struct tvp_runner *runner, struct tvp_worker *worker, size_t index);

/* Run task task_index as worker, its result into out (NULL: in place).
 * Under TVP_FAULT=die:... the worker may die here instead (fault.h).
 * 0, or TVP_ERUNTIME after one line (the result outgrew its slot). */
int tvp_worker_task(struct tvp_runner *runner, struct tvp_worker *worker, size_t task_index,
		    struct tvp_buf *out, const void *input, size_t input_len);

/* End worker's share of the run (see above). */
void tvp_worker_end(struct tvp_runner *runner, struct tvp_worker *worker);

/* Worker index's whole share of a run: begin, every task source gives
 * (source NULL: the plan's, claimed with tvp_plan_next and the shared
 * counter, results in place), end. 0, or the first error status (its
 * line printed): the worker stops at its first error. */
int tvp_worker_loop(struct tvp_runner *runner, size_t index, const struct tvp_task_source *source);

/* Where task's result goes when it is written in place (threads, shm). */
struct tvp_buf *tvp_result_buf(struct tvp_runner *runner, size_t task_index);

/* Pin the calling thread to the worker's CPU (round robin over the CPUs
 * this process may use) when --pin was given. */
void tvp_pin_worker(const struct tvp_runner *runner, size_t worker);

/* A threaded run's compute and teardown from its workers' end_at: compute
 * runs from go (every worker started) to the last worker's last task,
 * teardown from then to joined (every worker joined). */
void tvp_phases_after(const struct tvp_runner *runner, size_t workers, double go, double joined,
		      struct tvp_phases *phases);

#endif
