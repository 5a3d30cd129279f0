/* test_worker.c - the one worker loop: every task once, the workload's worker hooks, a source's done, an overflowing slot. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../benchmarks/worker.h"

/* A workload that emits each task's first unit and counts its hooks. */
static int starts, ends, kernels, start_fails;

static int fake_start(struct tvp_worker *worker)
{
	starts++;
	worker->scratch = &starts;
	return start_fails ? TVP_ERUNTIME : 0;
}

static void fake_end(struct tvp_worker *worker)
{
	cr_assert_eq(worker->scratch, &starts, "worker_end sees what worker_start made");
	ends++;
}

static void fake_kernel(struct tvp_worker *worker, struct tvp_task task, const void *input,
			size_t input_len)
{
	(void)input, (void)input_len;
	cr_assert_eq(worker->scratch, &starts, "the kernel sees the worker's scratch");
	kernels++;
	uint64_t first = task.first;
	tvp_emit(worker, &first, sizeof first);
}

static const struct tvp_workload fake = {
	.name = "fake",
	.kernel = fake_kernel,
	.worker_start = fake_start,
	.worker_end = fake_end,
};

struct fixture {
	struct tvp_job job;
	struct tvp_config cfg;
	struct tvp_runner runner;
	atomic_size_t counter;
};

static void setup_runner(struct fixture *f, enum tvp_schedule schedule, size_t units, size_t workers)
{
	memset(f, 0, sizeof *f);
	starts = ends = kernels = start_fails = 0;
	f->job = (struct tvp_job){.workload = &fake, .units = units, .default_chunk = 1};
	f->cfg = (struct tvp_config){.workers = workers, .schedule = schedule};
	f->runner = (struct tvp_runner){.job = &f->job, .cfg = &f->cfg};
	tvp_plan_build(&f->runner.plan, schedule, units, workers, 1, 1, 7);
	size_t ntasks = f->runner.plan.ntasks;
	f->runner.results = aligned_alloc(TVP_CACHE_LINE, ntasks * sizeof *f->runner.results);
	memset(f->runner.results, 0, ntasks * sizeof *f->runner.results);
	f->runner.stats = aligned_alloc(TVP_CACHE_LINE, workers * sizeof *f->runner.stats);
	memset(f->runner.stats, 0, workers * sizeof *f->runner.stats);
	atomic_init(&f->counter, 0);
	f->runner.counter = &f->counter;
}

static void free_runner(struct fixture *f)
{
	for (size_t k = 0; k < f->runner.plan.ntasks; k++)
		tvp_buf_free(&f->runner.results[k].buf);
	free(f->runner.results);
	free(f->runner.stats);
	tvp_plan_free(&f->runner.plan);
}

Test(worker_loop, runs_each_of_its_plan_tasks_once_and_reports_progress)
{
	struct fixture f;
	setup_runner(&f, TVP_SCHED_STATIC, 10, 2);
	double before = tvp_now();
	cr_assert_eq(tvp_worker_loop(&f.runner, 0, NULL), 0);
	cr_assert_eq(tvp_worker_loop(&f.runner, 1, NULL), 0);
	cr_assert_eq(starts, 2);
	cr_assert_eq(ends, 2);
	cr_assert_eq(kernels, 10);
	for (size_t k = 0; k < f.runner.plan.ntasks; k++) {
		const struct tvp_result *r = &f.runner.results[k];
		cr_assert_eq(r->buf.len, sizeof(uint64_t), "task %zu emitted", k);
		cr_assert_eq(*(uint64_t *)r->buf.data, f.runner.plan.tasks[k].first);
		cr_assert_eq(r->worker, (int)(k % 2), "static deals task %zu round robin", k);
	}
	for (size_t w = 0; w < 2; w++) {
		const struct tvp_worker_stats *s = &f.runner.stats[w];
		cr_assert_eq(s->tasks, 5);
		cr_assert_eq(s->units, 5);
		cr_assert_eq(s->current_task, -1, "idle after its last task");
		cr_assert_geq(s->end_at, before);
		cr_assert_geq(s->cpu_s, 0);
	}
	free_runner(&f);
}

Test(worker_loop, a_failed_worker_start_runs_no_task_and_still_ends)
{
	struct fixture f;
	setup_runner(&f, TVP_SCHED_DYNAMIC, 4, 1);
	start_fails = 1;
	cr_assert_eq(tvp_worker_loop(&f.runner, 0, NULL), TVP_ERUNTIME);
	cr_assert_eq(kernels, 0);
	cr_assert_eq(ends, 1, "worker_end frees what a failed worker_start made");
	free_runner(&f);
}

/* A source handing out tasks 3, 1 into a buffer of its own. */
struct picked {
	long order[2];
	size_t next, done;
	struct tvp_buf out;
};

static long next_picked(void *ctx, struct tvp_worker *worker, struct tvp_take *take)
{
	(void)worker;
	struct picked *p = ctx;
	take->out = &p->out;
	return p->next < 2 ? p->order[p->next++] : -1;
}

static int done_picked(void *ctx, struct tvp_worker *worker, size_t task, const struct tvp_buf *out)
{
	(void)worker;
	struct picked *p = ctx;
	cr_assert_eq(out, &p->out, "done gets the source's buffer");
	cr_assert_eq(*(uint64_t *)out->data, task, "the result of task %zu", task);
	p->done++;
	return 0;
}

Test(worker_loop, a_source_gives_the_tasks_and_takes_each_result)
{
	struct fixture f;
	setup_runner(&f, TVP_SCHED_DYNAMIC, 4, 1);
	struct picked p = {.order = {3, 1}};
	struct tvp_task_source source = {.next = next_picked, .done = done_picked, .ctx = &p};
	cr_assert_eq(tvp_worker_loop(&f.runner, 0, &source), 0);
	cr_assert_eq(p.done, 2);
	cr_assert_eq(kernels, 2);
	cr_assert_eq(f.runner.stats[0].tasks, 2);
	cr_assert_eq(f.runner.results[0].buf.len, 0, "task 0 was not handed out");
	tvp_buf_free(&p.out);
	free_runner(&f);
}

Test(worker_loop, a_result_outgrowing_its_fixed_slot_fails_the_worker)
{
	struct fixture f;
	setup_runner(&f, TVP_SCHED_DYNAMIC, 3, 1);
	unsigned char slot[4];
	for (size_t k = 0; k < f.runner.plan.ntasks; k++)
		f.runner.results[k].buf = (struct tvp_buf){slot, 0, sizeof slot, true};
	cr_assert_eq(tvp_worker_loop(&f.runner, 0, NULL), TVP_ERUNTIME);
	cr_assert_eq(kernels, 1, "the worker stops at its first error");
	free(f.runner.results);
	f.runner.results = NULL;
	f.runner.plan.ntasks = 0;
	free_runner(&f);
}
