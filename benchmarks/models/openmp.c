/* openmp.c - the openmp model: `#pragma omp parallel` runs the worker loop on a team of N threads. */
#include <omp.h>
#include <stdatomic.h>

#include "../worker.h"

/* The start and end of a parallel region order the team's memory (what
 * the master wrote before it every thread sees; what the threads wrote
 * the master sees after it), but inside libgomp, where ThreadSanitizer
 * cannot look (tests/tsan-openmp.supp). These say the same order in C11
 * atomics it sees: the master releases before the region and each thread
 * acquires as it starts; each thread releases as it ends and the master
 * acquires after the region. */
static void team_enter(atomic_uint *order)
{
	atomic_load_explicit(order, memory_order_acquire);
}

static void team_leave(atomic_uint *order)
{
	atomic_fetch_add_explicit(order, 1, memory_order_release);
}

/* libgomp keeps a team's threads between parallel regions, as a pool
 * keeps its processes: the first region creates them (the start-up),
 * every later one wakes them (the spawn phase). */
static int openmp_open(struct tvp_runner *runner)
{
	int team = 0;
	atomic_uint order = 0;
#pragma omp parallel num_threads((int)runner->cfg->workers)
	{
		team_enter(&order);
#pragma omp single
		team = omp_get_num_threads();
		team_leave(&order);
	}
	atomic_load_explicit(&order, memory_order_acquire);
	if ((size_t)team != runner->cfg->workers)
		return tvp_err(TVP_ERUNTIME, "openmp: the team has %d threads, not the %zu asked for "
			       "(OMP_THREAD_LIMIT or OMP_DYNAMIC?)", team, runner->cfg->workers);
	return 0;
}

/* One run: thread omp_get_thread_num() of the team is that worker. tvp's
 * schedules over the plan's tasks (each --chunk units) in OpenMP's words:
 * static deals the tasks round robin, schedule(static, 1); dynamic and
 * guided hand the next task to the first free thread, schedule(dynamic, 1)
 * (the plan's guided tasks shrink already: OpenMP's guided would shrink
 * them twice); random has no OpenMP form: the worker loop deals the plan's
 * shuffled order itself. */
static int openmp_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	int workers = (int)runner->cfg->workers, status = 0;
	long ntasks = (long)runner->plan.ntasks;
	enum tvp_schedule schedule = runner->plan.schedule;
	omp_set_schedule(schedule == TVP_SCHED_STATIC ? omp_sched_static : omp_sched_dynamic, 1);
	double spawn = tvp_now(), go = 0;
	atomic_uint order = 0;
#pragma omp parallel num_threads(workers)
	{
		size_t me = (size_t)omp_get_thread_num();
		int mine = 0;
		team_enter(&order);
		tvp_pin_worker(runner, me);
#pragma omp barrier
#pragma omp single
		go = tvp_now(); /* every thread is here: compute starts (after single's barrier) */
		if (schedule == TVP_SCHED_RANDOM) {
			mine = tvp_worker_loop(runner, me, NULL);
		} else {
			struct tvp_worker worker;
			mine = tvp_worker_begin(runner, &worker, me);
#pragma omp for schedule(runtime) nowait
			for (long task = 0; task < ntasks; task++)
				if (!mine)
					mine = tvp_worker_task(runner, &worker, (size_t)task, NULL, NULL, 0);
			tvp_worker_end(runner, &worker);
		}
		if (mine)
#pragma omp atomic write
			status = mine;
		team_leave(&order);
	}
	atomic_load_explicit(&order, memory_order_acquire);
	phases->spawn = go - spawn;
	tvp_phases_after(runner, (size_t)workers, go, tvp_now(), phases);
	return status;
}

const struct tvp_model tvp_model_openmp = {
	.name = "openmp",
	.summary = "N threads of an OpenMP team (#pragma omp parallel): C's usual pick over raw pthreads",
	.kind = TVP_KIND_THREADS,
	.max_workers = TVP_MAX_WORKERS,
	.supports = 0,
	.open = openmp_open,
	.run = openmp_run,
};
