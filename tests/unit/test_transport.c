/* test_transport.c - tasks and results between processes: the pipe protocol end to end, its checks, the shm slots. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../benchmarks/transport/pipe.h"
#include "../../benchmarks/transport/shm.h"

/* A workload whose kernel emits its input (or, with none, its first unit). */
static void echo_kernel(struct tvp_worker *worker, struct tvp_task task, const void *input,
			size_t input_len)
{
	uint64_t first = task.first;
	if (input)
		tvp_emit(worker, input, input_len);
	else
		tvp_emit(worker, &first, sizeof first);
}

static size_t echo_bound(const struct tvp_job *job, struct tvp_task task)
{
	(void)job, (void)task;
	return sizeof(uint64_t);
}

static const struct tvp_workload echo = {.name = "echo", .kernel = echo_kernel,
					  .result_bound = echo_bound};

struct fixture {
	struct tvp_job job;
	struct tvp_config cfg;
	struct tvp_runner runner;
};

/* A runner of units tasks of one unit each, its memory shared with children. */
static void make_runner(struct fixture *f, size_t units)
{
	memset(f, 0, sizeof *f);
	f->job = (struct tvp_job){.workload = &echo, .units = units, .default_chunk = 1};
	f->cfg = (struct tvp_config){.workers = 1, .schedule = TVP_SCHED_DYNAMIC};
	f->runner = (struct tvp_runner){.job = &f->job, .cfg = &f->cfg};
	tvp_plan_build(&f->runner.plan, TVP_SCHED_DYNAMIC, units, 1, 1, 1, 1);
	f->runner.results = tvp_shared_alloc(units * sizeof *f->runner.results);
	f->runner.stats = tvp_shared_alloc(sizeof *f->runner.stats);
	f->runner.counter = tvp_shared_alloc(TVP_CACHE_LINE);
	cr_assert(f->runner.results && f->runner.stats && f->runner.counter);
}

static void free_runner(struct fixture *f)
{
	for (size_t k = 0; k < f->runner.plan.ntasks; k++)
		if (!f->runner.results[k].buf.fixed)
			tvp_buf_free(&f->runner.results[k].buf);
	tvp_shm_slots_unmap(&f->runner);
	tvp_shared_free(f->runner.results, f->runner.plan.ntasks * sizeof *f->runner.results);
	tvp_shared_free(f->runner.stats, sizeof *f->runner.stats);
	tvp_shared_free(f->runner.counter, TVP_CACHE_LINE);
	tvp_plan_free(&f->runner.plan);
}

/* Fork a child serving the pipes; *cmd and *res get the parent's ends. */
static pid_t serve(struct fixture *f, int *cmd, int *res)
{
	int down[2], up[2];
	cr_assert_eq(pipe(down), 0);
	cr_assert_eq(pipe(up), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(down[1]), close(up[0]);
		_exit(tvp_pipe_serve(&f->runner, 0, down[0], up[1]));
	}
	close(down[0]), close(up[1]);
	*cmd = down[1], *res = up[0];
	struct tvp_frame ready;
	cr_assert_eq(tvp_read_all(*res, &ready, sizeof ready), 1);
	cr_assert_eq(ready.kind, TVP_FR_READY);
	return pid;
}

static int exit_status(pid_t pid)
{
	int wstatus;
	cr_assert_eq(waitpid(pid, &wstatus, 0), pid);
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

Test(transport_pipe, tasks_go_down_results_come_back_and_a_closed_pipe_ends_the_worker)
{
	struct fixture f;
	make_runner(&f, 3);
	int cmd, res;
	pid_t pid = serve(&f, &cmd, &res);
	struct tvp_buf out = {0};
	uint64_t input = 0xfeedULL;
	tvp_pipe_queue(&out, TVP_CMD_TASK, 0, 2, &input, sizeof input);
	tvp_pipe_queue(&out, TVP_CMD_END, 0, 0, NULL, 0);
	cr_assert_eq(tvp_write_all(cmd, out.data, out.len), 0);
	struct tvp_frame head;
	struct tvp_usage usage = {0};
	cr_assert_eq(tvp_pipe_read_frame(&f.runner, res, &head, &usage), 0);
	cr_assert_eq(head.kind, TVP_FR_RESULT);
	cr_assert_eq(head.task, 2);
	cr_assert_eq(f.runner.results[2].buf.len, sizeof input);
	cr_assert_eq(memcmp(f.runner.results[2].buf.data, &input, sizeof input), 0, "the task's input, echoed");
	cr_assert_eq(tvp_pipe_read_frame(&f.runner, res, &head, &usage), 0);
	cr_assert_eq(head.kind, TVP_FR_RUN_END);
	close(cmd);
	cr_assert_eq(exit_status(pid), 0, "a closed command pipe ends the worker cleanly");
	close(res);
	tvp_buf_free(&out);
	free_runner(&f);
}

Test(transport_pipe, after_run_the_worker_claims_the_plan_into_shm_slots)
{
	struct fixture f;
	make_runner(&f, 4);
	cr_assert_eq(tvp_shm_slots_map(&f.runner), 0);
	tvp_shm_slots_reset(&f.runner);
	int cmd, res;
	pid_t pid = serve(&f, &cmd, &res);
	struct tvp_buf out = {0};
	tvp_pipe_queue(&out, TVP_CMD_RUN, 0, 0, NULL, 0);
	cr_assert_eq(tvp_write_all(cmd, out.data, out.len), 0);
	struct tvp_frame head;
	struct tvp_usage usage = {0};
	size_t done = 0;
	do {
		cr_assert_eq(tvp_pipe_read_frame(&f.runner, res, &head, &usage), 0);
		done += head.kind == TVP_FR_DONE;
	} while (head.kind != TVP_FR_RUN_END);
	cr_assert_eq(done, 4, "one DONE frame per task");
	for (size_t k = 0; k < 4; k++) {
		const struct tvp_buf *slot = &f.runner.results[k].buf;
		cr_assert(slot->fixed && slot->len == sizeof(uint64_t), "task %zu in its slot", k);
		cr_assert_eq(*(const uint64_t *)slot->data, f.runner.plan.tasks[k].first);
	}
	close(cmd), close(res);
	cr_assert_eq(exit_status(pid), 0);
	tvp_buf_free(&out);
	free_runner(&f);
}

Test(transport_pipe, a_frame_about_a_task_outside_the_plan_is_a_protocol_error)
{
	struct fixture f;
	make_runner(&f, 2);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(tvp_frame_send(p[1], TVP_FR_DONE, 0, 7, NULL, 0), 0);
	cr_assert_eq(tvp_frame_send(p[1], 99, 0, 0, NULL, 0), 0);
	struct tvp_frame head;
	struct tvp_usage usage = {0};
	errno = 0;
	cr_assert_eq(tvp_pipe_read_frame(&f.runner, p[0], &head, &usage), -1);
	cr_assert_eq(errno, EPROTO);
	errno = 0;
	cr_assert_eq(tvp_pipe_read_frame(&f.runner, p[0], &head, &usage), -1, "an unknown kind");
	cr_assert_eq(errno, EPROTO);
	close(p[0]), close(p[1]);
	free_runner(&f);
}

Test(transport_shm, each_task_has_its_own_aligned_slot_of_its_bound)
{
	struct fixture f;
	make_runner(&f, 5);
	cr_assert_eq(tvp_shm_slots_map(&f.runner), 0);
	tvp_shm_slots_reset(&f.runner);
	for (size_t k = 0; k < 5; k++) {
		const struct tvp_buf *slot = &f.runner.results[k].buf;
		cr_assert(slot->fixed);
		cr_assert_eq(slot->cap, sizeof(uint64_t));
		cr_assert_eq((size_t)(slot->data - f.runner.slots) % TVP_CACHE_LINE, 0, "slot %zu aligned", k);
		if (k)
			cr_assert_geq(slot->data, f.runner.results[k - 1].buf.data + slot->cap + 1,
				      "slots do not overlap (one spare byte each)");
	}
	free_runner(&f);
}
