/* supervise.c - a crew of worker processes: start, feed, watch, replace, reap (fork and pool share it). */
#define _GNU_SOURCE
#include "supervise.h"

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

#include "cleanup.h"
#include "rlimit.h"
#include "transport/pipe.h"

#define INFLIGHT 2 /* tasks a dispatching parent keeps queued per worker */

static void raise_fd_limit(size_t workers)
{
	struct rlimit lim;
	rlim_t want = (rlim_t)workers * 4 + 64;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < want) {
		lim.rlim_cur = lim.rlim_max < want ? lim.rlim_max : want;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

/* Workers are numbered from 0 in every message, as in the JSON and in
 * TVP_FAULT: "worker 4 (workers 0 to 7)". */
static int fork_failed(size_t index, size_t workers)
{
	int err = errno;
	if (err == EAGAIN) {
		char limit[200];
		tvp_limit_phrase(false, limit, sizeof limit);
		errno = err;
		return tvp_syserr(TVP_ERUNTIME, "cannot start worker %zu (workers 0 to %zu): fork hit %s",
				  index, workers - 1, limit);
	}
	return tvp_syserr(TVP_ERUNTIME, "cannot start worker %zu (workers 0 to %zu): fork", index,
			  workers - 1);
}

static int pipe_failed(size_t index, size_t workers)
{
	int err = errno;
	if (err == EMFILE) {
		char limit[200];
		tvp_limit_files_phrase(workers * 4 + 16, limit, sizeof limit);
		errno = err;
		return tvp_syserr(TVP_ERUNTIME, "cannot make pipes for worker %zu (workers 0 to %zu): "
				  "pipe hit %s", index, workers - 1, limit);
	}
	return tvp_syserr(TVP_ERUNTIME, "cannot make pipes for worker %zu (workers 0 to %zu)", index,
			  workers - 1);
}

/* ---- The watchdog: a worker that owes the parent a frame must show
 * progress (a frame, or CPU time used) at least every stall_timeout_s. */

/* The state letter and the CPU ticks used (utime + stime) of pid, from
 * /proc/PID/stat. 0, or -1 when it cannot be read. */
static int read_proc_stat(pid_t pid, char *state, unsigned long long *ticks)
{
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t len = fread(line, 1, sizeof line - 1, f);
	fclose(f);
	line[len] = '\0';
	char *close_paren = strrchr(line, ')'); /* the command name may hold anything */
	unsigned long long utime, stime;
	if (!close_paren || sscanf(close_paren + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				   state, &utime, &stime) != 3)
		return -1;
	*ticks = utime + stime;
	return 0;
}

static const char *state_phrase(char state)
{
	switch (state) {
	case 'T':
		return "is stopped (state T: SIGSTOP or SIGTSTP)";
	case 't':
		return "is stopped by a debugger (state t)";
	case 'D':
		return "is waiting in the kernel (state D)";
	case 'S':
		return "is asleep (state S)";
	case 'Z':
		return "has exited (state Z)";
	default:
		return "is running";
	}
}

/* Worker w made progress at now (a frame came; no system call). */
static void watch_progress(struct tvp_crew *crew, size_t w, double now)
{
	crew->watch_at[w] = now;
}

/* How long a poll may wait before the watchdog looks again. */
static int watch_interval_ms(const struct tvp_crew *crew)
{
	double ms = crew->stall_s * 1000 / 4;
	return ms < 10 ? 10 : ms > 1000 ? 1000 : (int)ms;
}

/* True when worker w has shown no progress for stall_s: why goes into
 * why ("is stopped (state T) and has made no progress for 60 s"). A
 * worker that used CPU time since the last look is making progress.
 * Reads /proc/PID/stat: call it once per watch interval, not per frame. */
static bool stalled(struct tvp_crew *crew, size_t w, double now, char *why, size_t size)
{
	char state = '?';
	unsigned long long ticks = 0;
	if (read_proc_stat(crew->pids[w], &state, &ticks) == 0 && ticks != crew->watch_ticks[w]) {
		crew->watch_ticks[w] = ticks;
		crew->watch_at[w] = now;
		return false;
	}
	if (now - crew->watch_at[w] < crew->stall_s)
		return false;
	snprintf(why, size, "%s and has made no progress for %g s (--stall-timeout)",
		 state_phrase(state), crew->stall_s);
	return true;
}

void tvp_crew_child(const struct tvp_crew *crew)
{
	for (size_t j = 0; j < crew->workers; j++) {
		if (crew->cmd_fd[j] >= 0)
			close(crew->cmd_fd[j]);
		if (crew->res_fd[j] >= 0)
			close(crew->res_fd[j]);
	}
	/* Die with the parent, even if it died before this line. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != crew->parent)
		_exit(TVP_ERUNTIME);
}

/* Start worker i in slot i (the model's start), with fresh pipes. 0, or a
 * status after one line. */
static int start_worker(struct tvp_runner *runner, struct tvp_crew *crew, size_t i)
{
	int cmd[2], res[2];
	if (pipe2(cmd, O_CLOEXEC) != 0)
		return pipe_failed(i, crew->workers);
	if (pipe2(res, O_CLOEXEC) != 0) {
		int status = pipe_failed(i, crew->workers);
		close(cmd[0]), close(cmd[1]);
		return status;
	}
	crew->cmd_fd[i] = cmd[1]; /* the parent's ends: the child closes them */
	crew->res_fd[i] = res[0];
	pid_t pid = crew->start(runner, crew, i, cmd[0], res[1]);
	close(cmd[0]);
	close(res[1]);
	if (pid < 0) {
		int status = fork_failed(i, crew->workers);
		close(cmd[1]), close(res[0]);
		crew->cmd_fd[i] = crew->res_fd[i] = -1;
		return status;
	}
	crew->pids[i] = pid;
	fcntl(cmd[1], F_SETFL, fcntl(cmd[1], F_GETFL) | O_NONBLOCK);
	watch_progress(crew, i, tvp_now());
	return 0;
}

/* Wait for worker i's READY frame, minding the watchdog. 0, or a status
 * after one line. */
static int wait_ready(struct tvp_crew *crew, size_t i)
{
	struct pollfd one = {.fd = crew->res_fd[i], .events = POLLIN};
	char stall[160];
	for (;;) {
		int got = poll(&one, 1, watch_interval_ms(crew));
		if (got < 0 && errno != EINTR)
			return tvp_syserr(TVP_ERUNTIME, "poll");
		if (got > 0)
			break;
		if (stalled(crew, i, tvp_now(), stall, sizeof stall)) {
			kill(crew->pids[i], SIGKILL);
			return tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) %s while starting",
				       i, (int)crew->pids[i], stall);
		}
	}
	struct tvp_frame ready;
	if (tvp_read_all(crew->res_fd[i], &ready, sizeof ready) != 1 || ready.kind != TVP_FR_READY)
		return tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) died while starting (workers 0 to %zu)",
			       i, (int)crew->pids[i], crew->workers - 1);
	watch_progress(crew, i, tvp_now());
	return 0;
}

int tvp_crew_start(struct tvp_runner *runner, struct tvp_crew *crew,
		   size_t workers, double *spawn_s)
{
	crew->workers = workers;
	crew->started = 0;
	crew->parent = getpid();
	crew->pids = tvp_xcalloc(workers, sizeof *crew->pids);
	crew->cmd_fd = tvp_xcalloc(workers, sizeof *crew->cmd_fd);
	crew->res_fd = tvp_xcalloc(workers, sizeof *crew->res_fd);
	crew->watch_at = tvp_xcalloc(workers, sizeof *crew->watch_at);
	crew->watch_ticks = tvp_xcalloc(workers, sizeof *crew->watch_ticks);
	crew->stall_s = runner->cfg->stall_timeout_s > 0 ? runner->cfg->stall_timeout_s : 60;
	for (size_t i = 0; i < workers; i++)
		crew->cmd_fd[i] = crew->res_fd[i] = -1;
	raise_fd_limit(workers);
	int status = 0;

	double start = tvp_now();
	for (size_t i = 0; i < workers && !status; i++)
		if ((status = start_worker(runner, crew, i)) == 0)
			crew->started++;
	for (size_t i = 0; i < crew->started && !status; i++)
		status = wait_ready(crew, i);
	if (status) {
		tvp_crew_stop(crew, true);
		return status;
	}
	*spawn_s = tvp_now() - start;
	return 0;
}

/* "was killed by signal 9 (Killed)" or "exited with status 3": how a
 * reaped worker ended, from its wait status (got: what waitpid returned). */
static void ending_phrase(pid_t got, pid_t pid, int wstatus, char *how, size_t size)
{
	if (got == pid && WIFSIGNALED(wstatus))
		snprintf(how, size, "was killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else if (got == pid && WIFEXITED(wstatus))
		snprintf(how, size, "exited with status %d", WEXITSTATUS(wstatus));
	else
		snprintf(how, size, "stopped answering");
}

/* Worker w's pipe broke, or the watchdog found it stalled (stall says
 * how; it is then killed): reap it and say how it ended and what it was
 * doing ("during task 4", "between tasks", or "while idle": ended, its
 * share of the run done, or no task of it begun), in one line. Then either start a replacement in its slot (when
 * --retry allows one more; return 0) or stop every other worker (return
 * TVP_ERUNTIME). */
static int worker_lost(struct tvp_runner *runner, struct tvp_crew *crew, size_t w,
		       const char *stall, bool ended)
{
	pid_t pid = crew->pids[w];
	int64_t task = runner->stats[w].current_task;
	int wstatus = 0;
	if (stall)
		kill(pid, SIGKILL);
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
	if (got == pid) {
		tvp_cleanup_remove_child(pid);
		crew->pids[w] = 0;
	}
	/* Idle: its share of the run done, or none of it begun (it died
	 * between pool runs); else it was between two of its tasks. */
	bool idle = ended || runner->stats[w].tasks == 0;
	char how[160], during[96];
	snprintf(during, sizeof during, "%s", idle ? "while idle" : "between tasks");
	if (task >= 0 && (size_t)task < runner->plan.ntasks)
		snprintf(during, sizeof during, "during task %lld (units %zu-%zu)", (long long)task,
			 runner->plan.tasks[task].first,
			 runner->plan.tasks[task].first + runner->plan.tasks[task].count - 1);
	if (stall)
		snprintf(how, sizeof how, "%s", stall);
	else
		ending_phrase(got, pid, wstatus, how, sizeof how);
	bool retry = crew->retries_used < crew->retries;
	char then[64];
	if (retry)
		snprintf(then, sizeof then, "replacing it (retry %u of %u)", crew->retries_used + 1,
			 crew->retries);
	else
		snprintf(then, sizeof then, "stopping the other workers");
	tvp_err(TVP_ERUNTIME, "worker %zu (pid %d) %s %s; %s", w, (int)pid, how, during, then);
	if (!retry) {
		tvp_crew_stop(crew, true);
		return TVP_ERUNTIME;
	}
	crew->retries_used++;
	runner->retries++;
	close(crew->cmd_fd[w]), close(crew->res_fd[w]);
	crew->cmd_fd[w] = crew->res_fd[w] = -1;
	int status = start_worker(runner, crew, w);
	if (!status)
		status = wait_ready(crew, w);
	if (status)
		tvp_crew_stop(crew, true);
	return status;
}

struct dispatch {
	struct tvp_buf *out; /* pending command bytes, per worker */
	size_t *sent;        /* how many of them are written */
	size_t *inflight, *cursor;
	bool *end_sent;
	bool from_plan;      /* the parent hands out the plan's tasks */
	size_t *redo;        /* recovering: tasks a dead worker left undone */
	size_t redo_len;
	struct tvp_buf packed;
};

/* The next task the parent sends worker w, or -1: first any task to redo,
 * then (when the parent dispatches) the plan's. */
static long next_task(struct tvp_runner *r, struct dispatch *d, size_t w)
{
	if (d->redo_len)
		return (long)d->redo[--d->redo_len];
	if (!d->from_plan)
		return -1;
	return tvp_plan_next(&r->plan, w, &d->cursor[w], r->counter);
}

/* Keep worker w busy: queue tasks up to INFLIGHT, then END once. */
static int refill(struct tvp_runner *r, struct dispatch *d, size_t w)
{
	while (d->inflight[w] < INFLIGHT) {
		long task = next_task(r, d, w);
		if (task < 0)
			break;
		d->packed.len = 0;
		if (r->job->ship_input) {
			int status = r->job->workload->pack(r->job, r->plan.tasks[task], &d->packed);
			if (status)
				return status;
		}
		tvp_pipe_queue(&d->out[w], TVP_CMD_TASK, w, (uint64_t)task, d->packed.data, d->packed.len);
		d->inflight[w]++;
	}
	if (d->inflight[w] == 0 && !d->end_sent[w]) {
		tvp_pipe_queue(&d->out[w], TVP_CMD_END, w, 0, NULL, 0);
		d->end_sent[w] = true;
	}
	return 0;
}

/* Every worker has ended the run but some tasks have no result (a worker
 * died with them and was replaced): hand those out again, to every worker.
 * 0, or a status after one line. */
static int recover_tasks(struct tvp_runner *r, struct dispatch *d, size_t n, bool *ended,
			 const bool *received)
{
	d->redo_len = 0;
	for (size_t k = r->plan.ntasks; k-- > 0;)
		if (!received[k])
			d->redo[d->redo_len++] = k;
	d->from_plan = false; /* the plan is all handed out */
	for (size_t w = 0; w < n; w++) {
		ended[w] = false;
		d->end_sent[w] = false;
		d->inflight[w] = 0;
		int status = refill(r, d, w);
		if (status)
			return status;
	}
	return 0;
}

int tvp_crew_run(struct tvp_runner *r, struct tvp_crew *crew, struct tvp_phases *phases)
{
	size_t n = crew->started, ntasks = r->plan.ntasks;
	if (n == 0)
		return tvp_err(TVP_ERUNTIME, "internal: no workers to run on");
	struct dispatch d = {
		.out = tvp_xcalloc(n, sizeof *d.out),
		.sent = tvp_xcalloc(n, sizeof *d.sent),
		.inflight = tvp_xcalloc(n, sizeof *d.inflight),
		.cursor = tvp_xcalloc(n, sizeof *d.cursor),
		.end_sent = tvp_xcalloc(n, sizeof *d.end_sent),
		.from_plan = crew->dispatch,
		.redo = tvp_xcalloc(ntasks, sizeof *d.redo),
	};
	bool *ended = tvp_xcalloc(n, sizeof *ended);
	bool *received = tvp_xcalloc(ntasks, sizeof *received);
	bool dispatching = crew->dispatch; /* workers take TASK commands now */
	struct pollfd *fds = tvp_xcalloc(2 * n, sizeof *fds);
	size_t *owner = tvp_xcalloc(2 * n, sizeof *owner);
	size_t ended_count = 0, received_count = 0, replaced = 0;
	struct tvp_usage usage = {0}; /* the workers' own reports of their CPU */
	int status = 0;

	double go = tvp_now(), scanned = go;
	for (size_t w = 0; w < n; w++)
		watch_progress(crew, w, go); /* idle time between runs is not a stall */
	for (size_t w = 0; w < n && !status; w++) {
		if (crew->dispatch)
			status = refill(r, &d, w);
		else
			tvp_pipe_queue(&d.out[w], TVP_CMD_RUN, w, 0, NULL, 0);
	}
	if (status)
		tvp_crew_stop(crew, true);
	while (!status) {
		if (ended_count == n) {
			if (received_count == ntasks)
				break;
			if (!replaced) {
				status = tvp_err(TVP_ERUNTIME, "internal: %zu of %zu tasks got no result",
						 ntasks - received_count, ntasks);
				tvp_crew_stop(crew, true);
				break;
			}
			replaced = 0;
			dispatching = true;
			ended_count = 0;
			if ((status = recover_tasks(r, &d, n, ended, received))) {
				tvp_crew_stop(crew, true);
				break;
			}
		}
		size_t m = 0;
		for (size_t w = 0; w < n; w++) {
			/* An idle worker's pipe is watched too: if it dies, it is
			 * named (and replaced) at once, not at teardown. */
			fds[m] = (struct pollfd){.fd = crew->res_fd[w], .events = ended[w] ? 0 : POLLIN};
			owner[m++] = w;
			if (d.out[w].len) {
				fds[m] = (struct pollfd){.fd = crew->cmd_fd[w], .events = POLLOUT};
				owner[m++] = w;
			}
		}
		int ready = poll(fds, m, watch_interval_ms(crew));
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			status = tvp_syserr(TVP_ERUNTIME, "poll");
			tvp_crew_stop(crew, true);
			break;
		}
		double now = tvp_now();
		char stall[160];
		size_t stuck = n;
		if (now - scanned >= watch_interval_ms(crew) / 1000.0) { /* not at every frame */
			scanned = now;
			for (size_t w = 0; w < n && stuck == n; w++)
				if (!ended[w] && stalled(crew, w, now, stall, sizeof stall))
					stuck = w;
		}
		if (stuck < n) {
			if ((status = worker_lost(r, crew, stuck, stall, false)))
				break;
			replaced++;
			size_t w = stuck;
			d.out[w].len = 0, d.sent[w] = 0, d.inflight[w] = 0, d.end_sent[w] = false;
			if ((status = refill(r, &d, w)))
				tvp_crew_stop(crew, true);
			continue;
		}
		for (size_t i = 0; i < m && !status && ready > 0; i++) {
			size_t w = owner[i];
			bool lost = false, flushed = false;
			struct tvp_frame head = {0};
			if (fds[i].revents & (POLLOUT | POLLERR) && fds[i].fd == crew->cmd_fd[w]) {
				lost = tvp_pipe_flush(crew->cmd_fd[w], &d.out[w], &d.sent[w]) != 0;
				flushed = true;
			} else if (fds[i].revents & (POLLIN | POLLHUP | POLLERR) &&
				   fds[i].fd == crew->res_fd[w]) {
				lost = tvp_pipe_read_frame(r, crew->res_fd[w], &head, &usage) != 0;
				if (!lost)
					watch_progress(crew, w, now);
			} else {
				continue;
			}
			if (lost) {
				if ((status = worker_lost(r, crew, w, NULL, ended[w])))
					break;
				/* A replacement now holds slot w: it starts afresh. What
				 * the dead one left undone is handed out again when every
				 * worker has ended the run. */
				replaced++;
				d.out[w].len = 0, d.sent[w] = 0, d.inflight[w] = 0, d.end_sent[w] = false;
				if (ended[w])
					ended[w] = false, ended_count--;
				if ((status = refill(r, &d, w)))
					tvp_crew_stop(crew, true);
				break; /* fds[] still names the dead worker's pipes */
			}
			if (flushed)
				continue; /* commands went out; no frame came in */
			if (head.kind == TVP_FR_RUN_END) {
				ended[w] = true;
				ended_count++;
				continue;
			}
			if (!received[head.task]) {
				received[head.task] = true;
				received_count++;
			}
			if (dispatching) {
				d.inflight[w]--;
				if ((status = refill(r, &d, w)))
					tvp_crew_stop(crew, true);
			}
		}
	}
	phases->compute = tvp_now() - go;
	if (crew->own_usage)
		r->worker_usage = tvp_usage_add(r->worker_usage, usage);

	for (size_t w = 0; w < n; w++)
		tvp_buf_free(&d.out[w]);
	tvp_buf_free(&d.packed);
	free(d.out), free(d.sent), free(d.inflight), free(d.cursor), free(d.end_sent), free(d.redo);
	free(ended), free(received), free(fds), free(owner);
	return status;
}

int tvp_crew_stop(struct tvp_crew *crew, bool kill_first)
{
	int status = 0;
	if (kill_first)
		for (size_t w = 0; w < crew->started; w++)
			if (crew->pids[w] > 0)
				kill(crew->pids[w], SIGKILL);
	for (size_t w = 0; w < crew->started; w++) {
		if (crew->cmd_fd[w] >= 0)
			close(crew->cmd_fd[w]);
		if (crew->res_fd[w] >= 0)
			close(crew->res_fd[w]);
	}
	for (size_t w = 0; w < crew->started; w++) {
		if (crew->pids[w] <= 0)
			continue;
		int wstatus;
		pid_t got;
		do
			got = waitpid(crew->pids[w], &wstatus, 0);
		while (got < 0 && errno == EINTR);
		tvp_cleanup_remove_child(crew->pids[w]);
		if (!kill_first && got == crew->pids[w] &&
		    !(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) && !status) {
			/* It died after its last task, its results already in. */
			char how[96];
			ending_phrase(got, crew->pids[w], wstatus, how, sizeof how);
			bool spare = crew->retries_used < crew->retries;
			status = spare ? 0 : TVP_ERUNTIME;
			tvp_err(status, "worker %zu (pid %d) %s while idle, after its work was done%s", w,
				(int)crew->pids[w], how,
				spare ? " (its results were in: nothing to retry)" : "");
		}
		crew->pids[w] = 0;
	}
	free(crew->pids), free(crew->cmd_fd), free(crew->res_fd);
	free(crew->watch_at), free(crew->watch_ticks);
	crew->pids = NULL, crew->cmd_fd = NULL, crew->res_fd = NULL;
	crew->watch_at = NULL, crew->watch_ticks = NULL;
	crew->started = 0;
	return status;
}
