/* proc.c - process workers, shared by the fork and pool models. */
#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* Commands, parent -> worker. */
enum { CMD_RUN = 1, CMD_TASK, CMD_END };
/* Frames, worker -> parent. */
enum { FR_READY = 1, FR_RESULT, FR_DONE, FR_RUN_END };

#define INFLIGHT 2 /* tasks a dispatching parent keeps queued per worker */

/* ---- The worker side. */

struct worker_side {
	struct tvp_runner *runner;
	struct tvp_worker worker;
	int cmd, res;
	struct tvp_buf scratch, input;
	struct tvp_usage since;
	double cpu_since;
};

static _Noreturn void worker_fail(const char *what)
{
	if (errno != EPIPE) /* EPIPE: the parent is gone; nobody to tell */
		tvp_syserr(TVP_ERUNTIME, "worker: %s", what);
	_exit(TVP_ERUNTIME);
}

static void do_task(struct worker_side *ws, size_t task, const void *input, size_t len)
{
	struct tvp_runner *r = ws->runner;
	struct tvp_worker_stats *mine = &r->stats[ws->worker.id];
	bool in_place = r->slots != NULL;
	struct tvp_buf *out = in_place ? tvp_result_buf(r, task) : &ws->scratch;
	mine->current_task = (int64_t)task;
	tvp_worker_attach(r, &ws->worker);
	tvp_run_task(r, &ws->worker, task, out, input, len);
	mine->current_task = -1;
	if (ws->worker.overflow) {
		tvp_err(TVP_ERUNTIME, "internal: the result of task %zu outgrew its slot", task);
		_exit(TVP_ERUNTIME);
	}
	int sent = in_place ? tvp_frame_send(ws->res, FR_DONE, (uint32_t)ws->worker.id, task, NULL, 0)
			    : tvp_frame_send(ws->res, FR_RESULT, (uint32_t)ws->worker.id, task,
					     out->data, out->len);
	if (sent)
		worker_fail("cannot send a result");
}

static void send_run_end(struct worker_side *ws)
{
	struct tvp_worker_stats *mine = &ws->runner->stats[ws->worker.id];
	tvp_worker_detach(ws->runner, &ws->worker);
	struct tvp_usage now = tvp_usage_read(0);
	struct tvp_usage used = tvp_usage_diff(now, ws->since);
	double cpu = tvp_thread_cpu();
	mine->cpu_s = cpu - ws->cpu_since;
	mine->end_at = tvp_now();
	ws->since = now;
	ws->cpu_since = cpu;
	if (tvp_frame_send(ws->res, FR_RUN_END, (uint32_t)ws->worker.id, 0, &used, sizeof used))
		worker_fail("cannot report the end of a run");
}

static _Noreturn void worker_main(struct tvp_runner *r, size_t id, int cmd, int res,
				  pid_t parent)
{
	/* Die with the parent, even if it died before this line. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(TVP_ERUNTIME);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	tvp_pin_worker(r, id);

	struct worker_side ws = {
		.runner = r,
		.worker = {.job = r->job, .id = id},
		.cmd = cmd,
		.res = res,
		.since = tvp_usage_read(0),
		.cpu_since = tvp_thread_cpu(),
	};
	r->stats[id].current_task = -1;
	if (tvp_frame_send(res, FR_READY, (uint32_t)id, 0, NULL, 0))
		worker_fail("cannot report ready");

	for (;;) {
		struct tvp_frame command;
		int got = tvp_read_all(cmd, &command, sizeof command);
		if (got == 0)
			_exit(0); /* the parent closed the pipe: done */
		if (got < 0)
			worker_fail("cannot read a command");
		ws.input.len = 0;
		if (command.len) {
			if (ws.input.cap < command.len) {
				ws.input.data = tvp_xrealloc(ws.input.data, command.len);
				ws.input.cap = command.len;
			}
			if (tvp_read_all(cmd, ws.input.data, command.len) != 1)
				worker_fail("cannot read a task's input");
			ws.input.len = command.len;
		}
		switch (command.kind) {
		case CMD_RUN: {
			size_t cursor = 0;
			long task;
			while ((task = tvp_plan_next(&r->plan, id, &cursor, r->counter)) >= 0)
				do_task(&ws, (size_t)task, NULL, 0);
			send_run_end(&ws);
			break;
		}
		case CMD_TASK:
			do_task(&ws, command.task, ws.input.len ? ws.input.data : NULL, ws.input.len);
			break;
		case CMD_END:
			send_run_end(&ws);
			break;
		default:
			errno = EPROTO;
			worker_fail("unknown command");
		}
	}
}

/* ---- The parent side. */

static void raise_fd_limit(size_t workers)
{
	struct rlimit lim;
	rlim_t want = (rlim_t)workers * 4 + 64;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < want) {
		lim.rlim_cur = lim.rlim_max < want ? lim.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

static int fork_failed(size_t index, size_t workers)
{
	int err = errno;
	struct rlimit lim;
	if (err == EAGAIN && getrlimit(RLIMIT_NPROC, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
		errno = err;
		return tvp_syserr(TVP_ERUNTIME,
				  "cannot start worker %zu of %zu: fork hit the user-process limit "
				  "(RLIMIT_NPROC = %llu)",
				  index + 1, workers, (unsigned long long)lim.rlim_cur);
	}
	errno = err;
	return tvp_syserr(TVP_ERUNTIME, "cannot start worker %zu of %zu: fork", index + 1, workers);
}

int tvp_proc_start(struct tvp_runner *runner, struct tvp_proc *proc,
		   size_t workers, double *spawn_s)
{
	proc->workers = workers;
	proc->started = 0;
	proc->pids = tvp_xcalloc(workers, sizeof *proc->pids);
	proc->cmd_fd = tvp_xcalloc(workers, sizeof *proc->cmd_fd);
	proc->res_fd = tvp_xcalloc(workers, sizeof *proc->res_fd);
	raise_fd_limit(workers);
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t parent = getpid();
	int status = 0;

	double start = tvp_now();
	for (size_t i = 0; i < workers; i++) {
		int cmd[2], res[2];
		if (pipe2(cmd, O_CLOEXEC) != 0) {
			status = tvp_syserr(TVP_ERUNTIME, "cannot make pipes for worker %zu of %zu",
					    i + 1, workers);
			goto fail;
		}
		if (pipe2(res, O_CLOEXEC) != 0) {
			status = tvp_syserr(TVP_ERUNTIME, "cannot make pipes for worker %zu of %zu",
					    i + 1, workers);
			close(cmd[0]);
			close(cmd[1]);
			goto fail;
		}
		pid_t pid = fork();
		if (pid < 0) {
			status = fork_failed(i, workers);
			close(cmd[0]), close(cmd[1]), close(res[0]), close(res[1]);
			goto fail;
		}
		if (pid == 0) {
			close(cmd[1]);
			close(res[0]);
			for (size_t j = 0; j < i; j++) {
				close(proc->cmd_fd[j]);
				close(proc->res_fd[j]);
			}
			worker_main(runner, i, cmd[0], res[1], parent);
		}
		close(cmd[0]);
		close(res[1]);
		proc->pids[i] = pid;
		proc->cmd_fd[i] = cmd[1];
		proc->res_fd[i] = res[0];
		proc->started++;
		fcntl(cmd[1], F_SETFL, fcntl(cmd[1], F_GETFL) | O_NONBLOCK);
	}
	for (size_t i = 0; i < workers; i++) {
		struct tvp_frame ready;
		if (tvp_read_all(proc->res_fd[i], &ready, sizeof ready) != 1 || ready.kind != FR_READY) {
			status = tvp_err(TVP_ERUNTIME, "worker %zu of %zu (pid %d) died while starting",
					 i + 1, workers, (int)proc->pids[i]);
			goto fail;
		}
	}
	*spawn_s = tvp_now() - start;
	return 0;
fail:
	tvp_proc_stop(proc, true);
	return status;
}

/* Say how worker w ended, reaping it, then stop the rest. */
static int worker_lost(struct tvp_runner *runner, struct tvp_proc *proc, size_t w)
{
	pid_t pid = proc->pids[w];
	int64_t task = runner->stats[w].current_task;
	int wstatus = 0;
	/* Its result pipe is closed: it has exited or is exiting. Give it a
	 * second, then make sure. */
	pid_t got = 0;
	for (int tries = 0; tries < 100 && got == 0; tries++) {
		got = waitpid(pid, &wstatus, WNOHANG);
		if (got == 0)
			usleep(10000);
	}
	if (got == 0) {
		kill(pid, SIGKILL);
		got = waitpid(pid, &wstatus, 0);
	}
	if (got == pid)
		proc->pids[w] = 0;
	char during[64] = "between tasks";
	if (task >= 0)
		snprintf(during, sizeof during, "during task %lld", (long long)task);
	if (got == pid && WIFSIGNALED(wstatus))
		tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) was killed by signal %d (%s) %s",
			w, (int)pid, WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)), during);
	else if (got == pid && WIFEXITED(wstatus))
		tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) exited with status %d %s", w, (int)pid,
			WEXITSTATUS(wstatus), during);
	else
		tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) stopped answering %s", w, (int)pid, during);
	tvp_proc_stop(proc, true);
	return TVP_ERUNTIME;
}

struct dispatch {
	struct tvp_buf *out; /* pending command bytes, per worker */
	size_t *sent;        /* how many of them are written */
	size_t *inflight, *cursor;
	bool *end_sent;
	struct tvp_buf packed;
};

static void queue_command(struct dispatch *d, size_t w, uint32_t kind, uint64_t task,
			  const void *payload, size_t len)
{
	struct tvp_frame head = {kind, (uint32_t)w, task, len};
	tvp_buf_append(&d->out[w], &head, sizeof head);
	tvp_buf_append(&d->out[w], payload, len);
}

/* Keep worker w busy: queue tasks up to INFLIGHT, then END once. */
static int refill(struct tvp_runner *r, struct dispatch *d, size_t w)
{
	while (d->inflight[w] < INFLIGHT) {
		long task = tvp_plan_next(&r->plan, w, &d->cursor[w], r->counter);
		if (task < 0)
			break;
		d->packed.len = 0;
		if (r->job->ship_input) {
			int status = r->job->workload->pack(r->job, r->plan.tasks[task], &d->packed);
			if (status)
				return status;
		}
		queue_command(d, w, CMD_TASK, (uint64_t)task, d->packed.data, d->packed.len);
		d->inflight[w]++;
	}
	if (d->inflight[w] == 0 && !d->end_sent[w]) {
		queue_command(d, w, CMD_END, 0, NULL, 0);
		d->end_sent[w] = true;
	}
	return 0;
}

/* Write what the pipe takes now; 0, or -1 when the worker is gone. */
static int flush_commands(int fd, struct tvp_buf *out, size_t *sent)
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

/* Read one frame from worker w. 0, or -1 when the worker is gone. */
static int read_frame(struct tvp_runner *r, struct tvp_proc *proc, size_t w,
		      struct tvp_frame *head)
{
	if (tvp_read_all(proc->res_fd[w], head, sizeof *head) != 1)
		return -1;
	if (head->kind == FR_RESULT || head->kind == FR_DONE) {
		if (head->task >= r->plan.ntasks) {
			errno = EPROTO;
			return -1;
		}
	}
	if (head->kind == FR_RESULT) {
		struct tvp_buf *buf = tvp_result_buf(r, head->task);
		buf->len = 0;
		if (buf->cap < head->len) {
			buf->data = tvp_xrealloc(buf->data, head->len);
			buf->cap = head->len;
		}
		if (head->len && tvp_read_all(proc->res_fd[w], buf->data, head->len) != 1)
			return -1;
		buf->len = head->len;
	} else if (head->kind == FR_RUN_END) {
		struct tvp_usage used;
		if (head->len != sizeof used || tvp_read_all(proc->res_fd[w], &used, sizeof used) != 1)
			return -1;
		if (proc->own_usage)
			r->worker_usage = tvp_usage_add(r->worker_usage, used);
	} else if (head->kind != FR_DONE) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int tvp_proc_run(struct tvp_runner *r, struct tvp_proc *proc, struct tvp_phases *phases)
{
	size_t n = proc->started;
	if (n == 0)
		return tvp_err(TVP_ERUNTIME, "internal: no workers to run on");
	struct dispatch d = {
		.out = tvp_xcalloc(n, sizeof *d.out),
		.sent = tvp_xcalloc(n, sizeof *d.sent),
		.inflight = tvp_xcalloc(n, sizeof *d.inflight),
		.cursor = tvp_xcalloc(n, sizeof *d.cursor),
		.end_sent = tvp_xcalloc(n, sizeof *d.end_sent),
	};
	bool *ended = tvp_xcalloc(n, sizeof *ended);
	struct pollfd *fds = tvp_xcalloc(2 * n, sizeof *fds);
	size_t *owner = tvp_xcalloc(2 * n, sizeof *owner);
	size_t ended_count = 0;
	int status = 0;

	double go = tvp_now();
	for (size_t w = 0; w < n && !status; w++) {
		if (proc->dispatch)
			status = refill(r, &d, w);
		else
			queue_command(&d, w, CMD_RUN, 0, NULL, 0);
	}
	while (!status && ended_count < n) {
		size_t m = 0;
		for (size_t w = 0; w < n; w++) {
			if (!ended[w]) {
				fds[m] = (struct pollfd){.fd = proc->res_fd[w], .events = POLLIN};
				owner[m++] = w;
			}
			if (d.out[w].len) {
				fds[m] = (struct pollfd){.fd = proc->cmd_fd[w], .events = POLLOUT};
				owner[m++] = w;
			}
		}
		if (poll(fds, m, -1) < 0) {
			if (errno == EINTR)
				continue;
			status = tvp_syserr(TVP_ERUNTIME, "poll");
			tvp_proc_stop(proc, true);
			break;
		}
		for (size_t i = 0; i < m && !status; i++) {
			size_t w = owner[i];
			if (fds[i].revents & (POLLOUT | POLLERR) && fds[i].fd == proc->cmd_fd[w]) {
				if (flush_commands(proc->cmd_fd[w], &d.out[w], &d.sent[w]))
					status = worker_lost(r, proc, w);
				continue;
			}
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			struct tvp_frame head;
			if (read_frame(r, proc, w, &head)) {
				status = worker_lost(r, proc, w);
				break;
			}
			if (head.kind == FR_RUN_END) {
				ended[w] = true;
				ended_count++;
			} else if (proc->dispatch) {
				d.inflight[w]--;
				status = refill(r, &d, w);
				if (status)
					tvp_proc_stop(proc, true);
			}
		}
	}
	phases->compute = tvp_now() - go;

	for (size_t w = 0; w < n; w++)
		tvp_buf_free(&d.out[w]);
	tvp_buf_free(&d.packed);
	free(d.out), free(d.sent), free(d.inflight), free(d.cursor), free(d.end_sent);
	free(ended), free(fds), free(owner);
	return status;
}

int tvp_proc_stop(struct tvp_proc *proc, bool kill_first)
{
	int status = 0;
	if (kill_first)
		for (size_t w = 0; w < proc->started; w++)
			if (proc->pids[w] > 0)
				kill(proc->pids[w], SIGKILL);
	for (size_t w = 0; w < proc->started; w++) {
		close(proc->cmd_fd[w]);
		close(proc->res_fd[w]);
	}
	for (size_t w = 0; w < proc->started; w++) {
		if (proc->pids[w] <= 0)
			continue;
		int wstatus;
		pid_t got;
		do
			got = waitpid(proc->pids[w], &wstatus, 0);
		while (got < 0 && errno == EINTR);
		if (!kill_first && got == proc->pids[w] &&
		    !(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) && !status)
			status = tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) ended badly (wait status %d)",
					 w, (int)proc->pids[w], wstatus);
		proc->pids[w] = 0;
	}
	free(proc->pids), free(proc->cmd_fd), free(proc->res_fd);
	proc->pids = NULL, proc->cmd_fd = NULL, proc->res_fd = NULL;
	proc->started = 0;
	return status;
}
