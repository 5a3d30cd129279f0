/* pipe.h - tasks and results between the parent and a process worker: frames on two pipes. */
#ifndef TVP_TRANSPORT_PIPE_H
#define TVP_TRANSPORT_PIPE_H

#include "../worker.h"

/* Each process worker has a command pipe (parent -> worker) and a result
 * pipe (worker -> parent); every message is a struct tvp_frame (ipc.h)
 * and its payload. Only the parent writes commands; only the worker
 * writes its result pipe.
 *
 * Worker states:  READY --RUN--> claiming the plan's tasks --> RUN_END sent --> READY
 *                 READY --TASK--> running that task --> RESULT/DONE sent --> READY
 *                 READY --END--> RUN_END sent --> READY
 *                 any state, command pipe closed --> exits */
enum tvp_pipe_command {
	TVP_CMD_RUN = 1, /* claim the plan's tasks yourself (the counter is shared) */
	TVP_CMD_TASK,    /* run this task (payload: its input, when the job ships it) */
	TVP_CMD_END,     /* no more tasks this run */
};
enum tvp_pipe_frame {
	TVP_FR_READY = 1, /* started */
	TVP_FR_RESULT,    /* a task's result bytes (--ipc pipe) */
	TVP_FR_DONE,      /* a task's result is in its shared-memory slot (--ipc shm) */
	TVP_FR_RUN_END,   /* its share of the run done (payload: its struct tvp_usage) */
};

/* The worker side, in the worker process: say READY on res, then serve
 * runs until the parent closes cmd. Each run is one tvp_worker_loop whose
 * tasks are the TASK commands (or, after RUN, the plan's), whose results
 * go back as RESULT frames (DONE when written in a shm slot), and which
 * ends with a RUN_END frame. Returns the process's exit status: 0 when the
 * parent closed the pipe; TVP_ERUNTIME after one line when a task failed;
 * a broken pipe ends the process at once (status TVP_ERUNTIME). */
int tvp_pipe_serve(struct tvp_runner *runner, size_t id, int cmd, int res);

/* The parent side. Append a command to out, a worker's pending bytes. */
void tvp_pipe_queue(struct tvp_buf *out, enum tvp_pipe_command kind, size_t worker, uint64_t task,
		    const void *payload, size_t len);

/* Write what the pipe fd (non-blocking) takes now of out, from *sent on.
 * 0, or -1 when the worker is gone. */
int tvp_pipe_flush(int fd, struct tvp_buf *out, size_t *sent);

/* Read one frame from a result pipe: a RESULT's bytes go into its task's
 * result in runner, a RUN_END's CPU use is added to *usage. 0, or -1 when
 * the worker is gone or broke the protocol (errno EPROTO). */
int tvp_pipe_read_frame(struct tvp_runner *runner, int fd, struct tvp_frame *head,
			struct tvp_usage *usage);

#endif
