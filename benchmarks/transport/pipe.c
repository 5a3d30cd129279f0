/* pipe.c - tasks and results between the parent and a process worker: frames on two pipes. */
#define _GNU_SOURCE
#include "pipe.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "../fault.h"

/* ---- The worker side: the shared worker loop, its tasks read from the
 * command pipe (or claimed from the plan after RUN), its results sent
 * back as frames. */

struct serving {
	struct tvp_runner *runner;
	int cmd, res;
	struct tvp_frame command; /* the last command read */
	bool pending;             /* command is not yet acted on */
	bool from_plan;           /* RUN: claiming the plan's tasks */
	bool closed;              /* the parent closed the command pipe */
	size_t cursor;            /* in the plan, when claiming */
	struct tvp_buf result, input;
	struct tvp_usage since;
};

static _Noreturn void worker_fail(const char *what)
{
	if (errno != EPIPE) /* EPIPE: the parent is gone; nobody to tell */
		tvp_syserr(TVP_ERUNTIME, "worker: %s", what);
	_exit(TVP_ERUNTIME);
}

/* Read the next command and its input. False when the parent closed the
 * pipe (the worker is done); a broken pipe ends the worker. */
static bool read_command(struct serving *s)
{
	int got = tvp_read_all(s->cmd, &s->command, sizeof s->command);
	if (got == 0)
		return false;
	if (got < 0)
		worker_fail("cannot read a command");
	s->input.len = 0;
	if (s->command.len) {
		if (s->input.cap < s->command.len) {
			s->input.data = tvp_xrealloc(s->input.data, s->command.len);
			s->input.cap = s->command.len;
		}
		if (tvp_read_all(s->cmd, s->input.data, s->command.len) != 1)
			worker_fail("cannot read a task's input");
		s->input.len = s->command.len;
	}
	return true;
}

/* The worker loop's source: a TASK command's task, or after RUN the
 * plan's; -1 at END, when the plan has no more for this worker, or when
 * the parent closed the pipe. */
static long next_command(void *ctx, struct tvp_worker *worker, struct tvp_take *take)
{
	struct serving *s = ctx;
	struct tvp_runner *r = s->runner;
	take->out = r->slots ? NULL : &s->result; /* NULL: its shm slot */
	if (!s->from_plan) {
		if (!s->pending && !read_command(s)) {
			s->closed = true;
			return -1;
		}
		s->pending = false;
		switch (s->command.kind) {
		case TVP_CMD_TASK:
			if (s->command.task >= r->plan.ntasks) {
				errno = EPROTO;
				worker_fail("a task out of the plan");
			}
			take->input = s->input.len ? s->input.data : NULL;
			take->input_len = s->input.len;
			return (long)s->command.task;
		case TVP_CMD_END:
			return -1;
		case TVP_CMD_RUN:
			s->from_plan = true;
			break;
		default:
			errno = EPROTO;
			worker_fail("unknown command");
		}
	}
	return tvp_plan_next(&r->plan, worker->id, &s->cursor, r->counter);
}

/* A task is done: its result goes back in a frame (or, written in its
 * shared-memory slot already, a DONE frame says so). */
static int send_result(void *ctx, struct tvp_worker *worker, size_t task, const struct tvp_buf *out)
{
	struct serving *s = ctx;
	int sent = s->runner->slots
			   ? tvp_frame_send(s->res, TVP_FR_DONE, (uint32_t)worker->id, task, NULL, 0)
			   : tvp_frame_send(s->res, TVP_FR_RESULT, (uint32_t)worker->id, task, out->data,
					    out->len);
	if (sent)
		worker_fail("cannot send a result");
	return 0;
}

/* The end of this worker's share of a run: its CPU time since the last. */
static void send_run_end(struct serving *s, size_t id)
{
	struct tvp_usage now = tvp_usage_read(0);
	struct tvp_usage used = tvp_usage_diff(now, s->since);
	s->since = now;
	if (tvp_frame_send(s->res, TVP_FR_RUN_END, (uint32_t)id, 0, &used, sizeof used))
		worker_fail("cannot report the end of a run");
	tvp_fault_when_idle(id); /* TVP_FAULT=die:idle: the tests' idle death */
}

int tvp_pipe_serve(struct tvp_runner *runner, size_t id, int cmd, int res)
{
	struct serving s = {.runner = runner, .cmd = cmd, .res = res, .since = tvp_usage_read(0)};
	struct tvp_task_source source = {.next = next_command, .done = send_result, .ctx = &s};
	runner->stats[id].current_task = -1;
	if (tvp_frame_send(res, TVP_FR_READY, (uint32_t)id, 0, NULL, 0))
		worker_fail("cannot report ready");
	int status = 0;
	while (!status && read_command(&s)) {
		s.pending = true;
		s.from_plan = false;
		s.cursor = 0;
		status = tvp_worker_loop(runner, id, &source);
		if (!status && !s.closed)
			send_run_end(&s, id);
	}
	tvp_buf_free(&s.result);
	tvp_buf_free(&s.input);
	return status;
}

/* ---- The parent side. */

void tvp_pipe_queue(struct tvp_buf *out, enum tvp_pipe_command kind, size_t worker, uint64_t task,
		    const void *payload, size_t len)
{
	struct tvp_frame head = {kind, (uint32_t)worker, task, len};
	tvp_buf_append(out, &head, sizeof head);
	tvp_buf_append(out, payload, len);
}

int tvp_pipe_flush(int fd, struct tvp_buf *out, size_t *sent)
{
	while (*sent < out->len) {
		ssize_t n = write(fd, out->data + *sent, out->len - *sent);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -1;
		}
		*sent += (size_t)n;
	}
	out->len = 0;
	*sent = 0;
	return 0;
}

int tvp_pipe_read_frame(struct tvp_runner *r, int fd, struct tvp_frame *head,
			struct tvp_usage *usage)
{
	if (tvp_read_all(fd, head, sizeof *head) != 1)
		return -1;
	if ((head->kind == TVP_FR_RESULT || head->kind == TVP_FR_DONE) && head->task >= r->plan.ntasks) {
		errno = EPROTO;
		return -1;
	}
	if (head->kind == TVP_FR_RESULT) {
		struct tvp_buf *buf = tvp_result_buf(r, head->task);
		buf->len = 0;
		if (buf->cap < head->len) {
			buf->data = tvp_xrealloc(buf->data, head->len);
			buf->cap = head->len;
		}
		if (head->len && tvp_read_all(fd, buf->data, head->len) != 1)
			return -1;
		buf->len = head->len;
	} else if (head->kind == TVP_FR_RUN_END) {
		struct tvp_usage used;
		if (head->len != sizeof used || tvp_read_all(fd, &used, sizeof used) != 1)
			return -1;
		*usage = tvp_usage_add(*usage, used);
	} else if (head->kind != TVP_FR_DONE) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}
