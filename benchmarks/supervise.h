/* supervise.h - a crew of worker processes: start, feed, watch, replace, reap (fork and pool share it). */
#ifndef TVP_SUPERVISE_H
#define TVP_SUPERVISE_H

#include <sys/types.h>

#include "worker.h"

struct tvp_crew;

/* How a model starts worker i of a crew: a new process serving
 * tvp_pipe_serve on cmd (its command pipe's read end) and res (its result
 * pipe's write end). Returns the child's pid in the parent, or -1 with
 * errno set (the fork failed); the child never returns. */
typedef pid_t (*tvp_crew_start_fn)(struct tvp_runner *runner, struct tvp_crew *crew, size_t i,
				   int cmd, int res);

/* A crew of worker processes, each with a command pipe (parent -> worker)
 * and a result pipe (worker -> parent): transport/pipe.h has the protocol.
 * The model fills start, dispatch, retries and own_usage; the rest is the
 * supervisor's. */
struct tvp_crew {
	tvp_crew_start_fn start; /* the model's: how a worker process begins */
	bool dispatch;   /* the parent sends each task (else workers claim them) */
	bool own_usage;  /* add the workers' own CPU reports (not yet reaped) */
	unsigned retries;      /* dead workers it may replace (--retry) */
	size_t workers;
	size_t started;  /* how many of them exist (and must be reaped) */
	pid_t *pids;
	int *cmd_fd;     /* parent's write end of each command pipe */
	int *res_fd;     /* parent's read end of each result pipe */
	unsigned retries_used; /* replaced so far, over the crew's life */
	pid_t parent;          /* the process that started the crew */
	double stall_s;        /* --stall-timeout */
	double *watch_at;      /* per worker: when it last showed progress */
	unsigned long long *watch_ticks; /* per worker: its CPU ticks then */
};

/* Start workers with crew->start and wait until each is ready; *spawn_s
 * gets the time. On failure kill and reap the ones started, print one
 * line, return status. */
int tvp_crew_start(struct tvp_runner *runner, struct tvp_crew *crew,
		   size_t workers, double *spawn_s);

/* In a worker process just started (crew->start's child side): keep only
 * its own pipe ends, and die with the parent (even if it died already). */
void tvp_crew_child(const struct tvp_crew *crew);

/* One run on started workers: every task done and its result in runner.
 * Fills phases->compute. A worker that dies (busy or idle) is named at
 * once (pid, signal or exit status, task or "while idle"); so is one that
 * shows no progress (no frame, no CPU time) for --stall-timeout, with its
 * state ("is stopped"), and it is killed; while retries remain it is
 * replaced in its slot and the tasks it left undone are run again, else
 * the crew is stopped (see tvp_crew_stop) and TVP_ERUNTIME returned. */
int tvp_crew_run(struct tvp_runner *runner, struct tvp_crew *crew,
		 struct tvp_phases *phases);

/* Close the command pipes (workers exit), optionally SIGKILL them first,
 * and reap every worker. Return 0, or TVP_ERUNTIME if one ended badly
 * (named "while idle": its results were in) and no retry was left. */
int tvp_crew_stop(struct tvp_crew *crew, bool kill_first);

/* fork.c's worker start (a tvp_crew_start_fn): fork() a child that runs
 * the worker loop over its pipes. The pool starts its crew with it too. */
pid_t tvp_fork_worker(struct tvp_runner *runner, struct tvp_crew *crew, size_t i, int cmd,
		      int res);

#endif
