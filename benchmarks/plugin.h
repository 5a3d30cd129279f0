/* plugin.h - the two plug-in interfaces (workloads and models) and what they share. */
#ifndef TVP_PLUGIN_H
#define TVP_PLUGIN_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gil.h"
#include "ipc.h"
#include "measure.h"
#include "options.h" /* struct tvp_opt: each workload lists its own options; the CLI parses them */
#include "plan.h"
#include "util.h"

#define TVP_VERSION "0.1.0"
#define TVP_MAX_WORKERS 1024 /* documented limit of --workers */
#define TVP_CACHE_LINE 64
#define TVP_ANSWER_MAX 128   /* bytes of an answer string, with its NUL */

struct tvp_job;
struct tvp_worker;
struct tvp_runner;

/* ---- A workload: the work as independent units, a kernel, a reduce. */

/* One task's result bytes, as the kernel emitted them. */
struct tvp_result {
	alignas(TVP_CACHE_LINE) struct tvp_buf buf;
	size_t first, count; /* the task's units */
	int worker;          /* who ran it */
};

struct tvp_workload {
	const char *name;
	const char *summary;   /* one line for --list */
	const char *reference; /* what answers are checked against */
	const struct tvp_opt *opts; /* ends with an entry whose name is NULL */
	/* Its workers must be threads of tvp or processes forked from it (a
	 * server thread of tvp's answers them): models of kind ranks, whose
	 * workers are separate programs, maybe on other hosts, refuse it. */
	bool forked_workers_only;

	/* Check the params, build the input, set job->units (>= 0) and
	 * job->default_chunk. On bad input print one line and return
	 * TVP_EUSAGE; on a runtime fault TVP_ERUNTIME. */
	int (*prepare)(struct tvp_job *job);

	/* The expected answer, by an independent method. 0 or TVP_ERUNTIME. */
	int (*reference_answer)(struct tvp_job *job, char answer[TVP_ANSWER_MAX]);

	/* Run the units of task and emit their result with tvp_emit. When the
	 * job ships input, input holds the bytes pack made for this task;
	 * otherwise input is NULL. Calls tvp_tick at a fixed amount of work. */
	void (*kernel)(struct tvp_worker *worker, struct tvp_task task,
		       const void *input, size_t input_len);

	/* The most bytes kernel can emit for task (sizes shared-memory slots). */
	size_t (*result_bound)(const struct tvp_job *job, struct tvp_task task);

	/* Fold the results, given in unit order, into the answer string. */
	int (*reduce)(struct tvp_job *job, const struct tvp_result *const *ordered,
		      size_t ntasks, char answer[TVP_ANSWER_MAX]);

	/* Optional: the input bytes of task, when the job ships input. */
	int (*pack)(const struct tvp_job *job, struct tvp_task task, struct tvp_buf *out);

	/* Optional: after the last repeat, write what the user asked for (an
	 * image, printed lines) from the results in unit order. */
	int (*finish)(struct tvp_job *job, const struct tvp_result *const *ordered,
		      size_t ntasks);

	/* Optional: a worker's own state in worker->scratch, made on the
	 * worker's thread before its first task of a run, and freed by
	 * worker_end after its last. 0, or TVP_ERUNTIME after one line: the
	 * worker then fails the run (worker_end still runs). */
	int (*worker_start)(struct tvp_worker *worker);
	void (*worker_end)(struct tvp_worker *worker);

	/* Optional: free what prepare made (tvp_release_state, when that is
	 * one block from malloc in job->state). */
	void (*release)(struct tvp_job *job);
};

struct tvp_job {
	const struct tvp_workload *workload;
	struct tvp_param *params; /* one per entry of workload->opts */
	size_t nparams;
	void *state;          /* the workload's own */
	size_t units;         /* set by prepare */
	size_t default_chunk; /* set by prepare: units per task when not static */
	bool ship_input;      /* set by prepare: process workers get input bytes */
	int fault_wrong;      /* TVP_FAULT=wrong-answer: corrupt one result (tests) */
	bool ranks;           /* the workers are separate programs (kind ranks): no memory shared with tvp */
};

/* A param by option name (the name must be in the table: else abort). */
const struct tvp_param *tvp_param(const struct tvp_job *job, const char *name);
uint64_t tvp_param_u64(const struct tvp_job *job, const char *name);
double tvp_param_double(const struct tvp_job *job, const char *name);
const char *tvp_param_text(const struct tvp_job *job, const char *name);
bool tvp_param_flag(const struct tvp_job *job, const char *name);

/* The release of a workload whose state is one block from malloc (or
 * NULL): frees job->state and sets it to NULL. */
void tvp_release_state(struct tvp_job *job);

/* "from=2 to=2000000 block=10000": the params as text, joined by sep. With
 * escape, a ';', '=' or '\\' inside a value gets a '\\' before it (the CSV's
 * "from=2;to=2000000" splits one way only). Truncated to size. */
void tvp_params_line(char *out, size_t size, const struct tvp_job *job, const char *sep,
		     bool escape);

/* ---- What a kernel sees while it runs. */

struct tvp_worker {
	const struct tvp_job *job;
	size_t id;                  /* 0 .. workers-1 */
	struct tvp_buf *out;        /* the current task's result */
	struct tvp_gil_thread *gil; /* NULL when the GIL is off */
	bool overflow;              /* an emit did not fit its slot */
	void *scratch;              /* the workload's own, per worker (worker_start) */
	double cpu_start;           /* the worker loop's: thread CPU time at its begin */
};

/* Append result bytes for the current task. */
void tvp_emit(struct tvp_worker *worker, const void *bytes, size_t len);

/* For a reduce whose tasks each emit one uint64_t: their sum (mod 2^64) in
 * *total, and 0; or, when a task's result is not 8 bytes, one line naming
 * who and the task, and TVP_ERUNTIME. */
int tvp_sum_u64(const char *who, const struct tvp_result *const *ordered, size_t ntasks,
		uint64_t *total);

/* The tick hook: every ~10-20 ns of kernel work, about one bytecode loop of
 * the Python version, so --gil legacy can release as often as CPython 2 did.
 * With the GIL off it costs a load and a branch; `make tick-cost` measures
 * that against a build with the hook compiled out (TVP_NO_TICKS, a build for
 * that measurement only: a GIL there is taken once and never released
 * between a thread's enter and leave). */
static inline void tvp_tick(struct tvp_worker *worker)
{
#ifdef TVP_NO_TICKS
	(void)worker;
#else
	if (worker->gil)
		tvp_gil_tick(worker->gil);
#endif
}

/* ---- The run description every model reads. */

struct tvp_config {
	const char *model;
	size_t workers;
	enum tvp_schedule schedule;
	size_t chunk; /* 0: the schedule's default */
	enum tvp_ipc ipc;
	enum tvp_gil_mode gil;
	double gil_interval_s;
	unsigned gil_check;
	double gil_free;
	unsigned gil_segment;
	unsigned gil_state_kib;
	unsigned repeat, warmup;
	unsigned retry; /* process models: dead workers to replace */
	double timeout_s;       /* --timeout: the whole run; 0: none */
	double stall_timeout_s; /* --stall-timeout: a process worker's silence */
	bool pin;
	uint64_t seed;
	const char *expect; /* --expect: the known answer to check against, or NULL */
	bool workers_given; /* --workers was on the command line */
	const char *hostfile; /* --hostfile: the hosts a launcher model starts workers on */
	bool worker_only; /* set by a model's launch: this process serves tasks only */
};

/* ---- A model: who runs which units, and how results come back. */

struct tvp_phases {
	double setup, spawn, compute, collect, teardown;
};

/* Per-worker counters for one run: one cache line each (no false sharing).
 * Lives in MAP_SHARED memory, so process workers write it too. */
struct tvp_worker_stats {
	alignas(TVP_CACHE_LINE) uint64_t tasks, units;
	double busy_s;        /* wall time inside the kernel */
	double cpu_s;         /* CPU time of the worker during the run */
	double end_at;        /* tvp_now() when it finished its last task */
	int64_t current_task; /* the task it is running, -1 between tasks */
	struct tvp_gil_stats gil; /* the simulated GIL, as this worker saw it */
};

struct tvp_runner {
	struct tvp_job *job;
	const struct tvp_config *cfg;
	struct tvp_plan plan;
	struct tvp_result *results;     /* by task index; MAP_SHARED */
	size_t results_size;
	unsigned char *slots;           /* --ipc shm: every task's result slot */
	size_t slots_size;
	struct tvp_worker_stats *stats; /* cfg->workers of them; MAP_SHARED */
	atomic_size_t *counter;         /* the shared claim counter; MAP_SHARED */
	struct tvp_usage worker_usage;  /* CPU of workers not yet reaped (pool) */
	struct tvp_gil *gil;            /* this process's lock; NULL: --gil off */
	unsigned retries;               /* workers replaced in this run (--retry) */
	void *model_state;              /* the model's own */
	double launch_s;                /* start-up a launcher model spent before open
					 * (mpirun, MPI_Init): added to startup_s */
	char *model_json;               /* optional, malloc'd by the model: a JSON object
					 * of what it ran on, written as "model_info" */
};

/* What a model's workers are: the analysis and the sweep group by it. */
enum tvp_model_kind {
	TVP_KIND_SERIAL,    /* the caller itself: the baseline */
	TVP_KIND_THREADS,   /* threads of one process, sharing its memory */
	TVP_KIND_PROCESSES, /* processes: memory copied, results sent back */
	TVP_KIND_RANKS,     /* ranks of a launcher (MPI): processes on one or more hosts */
};

/* What a model supports beyond a plain run (its .supports, or'ed). */
enum {
	TVP_SUPPORTS_IPC = 1 << 0,   /* --ipc pipe|shm: how results come back */
	TVP_SUPPORTS_SHIP = 1 << 1,  /* --input ship: task input sent to workers */
	TVP_SUPPORTS_RETRY = 1 << 2, /* --retry: a dead worker replaced */
	TVP_SUPPORTS_STALL = 1 << 3, /* --stall-timeout: a silent worker fails the run */
	TVP_SUPPORTS_HOSTS = 1 << 4, /* --hostfile: workers on other hosts */
};

/* What a model's launch returns when this process goes on (else an exit status). */
#define TVP_LAUNCH_HERE (-1)

struct tvp_model {
	const char *name;
	const char *summary;  /* one line for --list */
	enum tvp_model_kind kind;
	size_t max_workers;   /* the most --workers it runs (1 to TVP_MAX_WORKERS) */
	unsigned supports;    /* TVP_SUPPORTS_* */

	/* Optional, for models whose workers are copies of tvp started by a
	 * launcher (MPI ranks): called by main with the parsed command line
	 * before anything runs. Returns TVP_LAUNCH_HERE to go on in this
	 * process, as the harness or, with cfg->worker_only set, as a worker
	 * that serves tasks (no reference pass, no output); or an exit status
	 * when it ran the whole job through the launcher (or could not). */
	int (*launch)(int argc, char **argv, struct tvp_config *cfg);

	/* Optional, with launch: a worker_only process's side of every run,
	 * from its check-in to the harness's last run. 0, or an error status. */
	int (*serve)(struct tvp_runner *runner);

	/* Optional: before the first run, start workers that every run reuses
	 * (the pool forks here). The harness times it as the record's start-up
	 * (startup_s), apart from every run's phases. 0, or an error status. */
	int (*open)(struct tvp_runner *runner);

	/* One run: every task of runner->plan done, every result in
	 * runner->results. Fills spawn, compute and teardown. */
	int (*run)(struct tvp_runner *runner, struct tvp_phases *phases);

	/* Optional: after the last run; reaps whatever open started. 0, or
	 * TVP_ERUNTIME when a worker ended badly (the message is printed). */
	int (*close)(struct tvp_runner *runner);
};

#endif
