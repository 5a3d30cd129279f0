/* proc.h - process workers, shared by the fork and pool models. */
#ifndef TVP_PROC_H
#define TVP_PROC_H

#include <sys/types.h>

#include "../plugin.h"

/* A crew of worker processes, each with a command pipe (parent -> worker)
 * and a result pipe (worker -> parent).
 *
 * Worker states:  READY --RUN--> self-scheduling --> RUN_END sent --> READY
 *                 READY --TASK--> running a task --> RESULT/DONE sent --> READY
 *                 READY --END--> RUN_END sent --> READY
 *                 any state, command pipe closed or EXIT --> exits
 * Only the parent writes commands; only the worker writes its result pipe. */
struct tvp_proc {
	size_t workers;
	size_t started;  /* how many of them exist (and must be reaped) */
	pid_t *pids;
	int *cmd_fd;     /* parent's write end of each command pipe */
	int *res_fd;     /* parent's read end of each result pipe */
	bool dispatch;   /* the parent sends each task (else workers claim them) */
	bool own_usage;  /* add the workers' own CPU reports (not yet reaped) */
	unsigned retries;      /* dead workers it may replace (--retry) */
	unsigned retries_used; /* replaced so far, over the crew's life */
	pid_t parent;          /* the process that started the crew */
	double stall_s;        /* --stall-timeout */
	double *watch_at;      /* per worker: when it last showed progress */
	unsigned long long *watch_ticks; /* per worker: its CPU ticks then */
};

/* Fork workers and wait until each is ready; *spawn_s gets the time. On
 * failure kill and reap the ones started, print one line, return status. */
int tvp_proc_start(struct tvp_runner *runner, struct tvp_proc *proc,
		   size_t workers, double *spawn_s);

/* One run on started workers: every task done and its result in runner.
 * Fills phases->compute. A worker that dies (busy or idle) is named at
 * once (pid, signal or exit status, task or "while idle"); so is one that
 * shows no progress (no frame, no CPU time) for --stall-timeout, with its
 * state ("is stopped"), and it is killed; while retries remain it is replaced in its slot and the
 * tasks it left undone are run again, else the crew is stopped (see
 * tvp_proc_stop) and TVP_ERUNTIME returned. */
int tvp_proc_run(struct tvp_runner *runner, struct tvp_proc *proc,
		 struct tvp_phases *phases);

/* Close the command pipes (workers exit), optionally SIGKILL them first,
 * and reap every worker. Return 0, or TVP_ERUNTIME if one ended badly
 * (named "while idle": its results were in) and no retry was left. */
int tvp_proc_stop(struct tvp_proc *proc, bool kill_first);

#endif
