/* overhead.c - `tvp overhead`: the constants that decide when parallelism pays. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "ipc.h"
#include "rlimit.h"
#include "measure.h"
#include "registry.h"
#include "report.h"
#include "transport/pipe.h"
#include "util.h"

extern char **environ;

#define MIB (1024 * 1024)
#define MAX_REPEAT 1000000
#define MAX_PARENT_MIB 65536
#define MAX_TRANSFER_MIB 4096
#define MAX_SCAN_MIB 65536
#define SCAN_ABSENT 'y'    /* the byte the scan looks for: only the buffer's last byte */
#define PIPE_WRITE 65536   /* bytes per write(2) when streaming through a pipe */
#define SPAWN_PROGRAM "/bin/true"

struct settings {
	uint64_t repeat;       /* repetitions of every operation; 0: each one's default */
	uint64_t parent_mib;   /* memory the large parent touches */
	uint64_t transfer_mib; /* bytes moved per throughput operation */
	uint64_t scan_mib;     /* bytes memchr reads per scan operation */
	enum tvp_format format;
};

/* What the operations share: the settings, one helper child with a pipe
 * each way, and the memory some of them need. */
struct context {
	const struct settings *set;
	pid_t child;
	int to_child, from_child; /* parent's ends of the two pipes */
	unsigned char *big;       /* the large parent's touched memory */
	size_t big_size;
	unsigned char *shared;    /* MAP_SHARED, transfer bytes */
	unsigned char *buffer;    /* private, transfer bytes (a source or a sink) */
	size_t transfer;
	uint64_t round;           /* counts operations, so each can be checked */
	long cpus;                /* CPUs online: the threads of scan_n_threads */
	posix_spawnattr_t spawn_attr; /* the child's signal mask empty */
	struct echo_pool *pool;   /* pool_task_round_trip: a one-worker pool's runner */
};

/* An operation: optional setup and teardown around a step timed once per
 * repetition. step returns 0, or TVP_ERUNTIME after printing one line. */
struct operation {
	const char *name;        /* the JSON's "operation" */
	const char *description; /* the table's; %s: the parent's RSS or the bytes moved */
	size_t default_repeat;
	bool large_parent;       /* measured with the large memory touched */
	bool moves_bytes;        /* transfer bytes per step: report bytes per second */
	bool all_cpus;           /* one thread per CPU online; the description's second %ld */
	int (*setup)(struct context *ctx);
	int (*step)(struct context *ctx);
	void (*teardown)(struct context *ctx);
};

/* One operation's result. */
struct measurement {
	const struct operation *op;
	char description[128];
	size_t repeat, warmup;
	struct tvp_stats seconds; /* per step */
	long parent_rss_kb;       /* resident size of tvp while it was measured */
	uint64_t bytes_per_op;    /* moves_bytes only */
	long threads;             /* scan operations only: threads that shared the bytes */
	double *all;              /* scan operations only: every timed step (free it) */
};

/* Resident set size of this process now, in kB (0 if unknown). */
static long resident_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* ---- Starting and stopping workers. */

static void *thread_does_nothing(void *arg) { return arg; }

/* A failed fork, posix_spawn or pthread_create: one line, naming the limit
 * behind EAGAIN and what the operation needs. */
static int start_failed(const char *call, int err, bool thread)
{
	char limit[200];
	errno = err;
	if (err != EAGAIN)
		return tvp_syserr(TVP_ERUNTIME, "overhead: %s", call);
	tvp_limit_phrase(thread, limit, sizeof limit);
	return tvp_syserr(TVP_ERUNTIME, "overhead: %s hit %s; it needs one %s more than tvp's own",
			  call, limit, thread ? "thread" : "process");
}

/* A failed pipe: one line, naming the open-files limit behind EMFILE. */
static int pipe_failed(void)
{
	char limit[200];
	int err = errno;
	if (err != EMFILE && err != ENFILE)
		return tvp_syserr(TVP_ERUNTIME, "overhead: pipe");
	tvp_limit_files_phrase(7, limit, sizeof limit); /* 3 standard + 2 pipes of 2 */
	errno = err;
	return tvp_syserr(TVP_ERUNTIME, "overhead: pipe hit %s", limit);
}

static int step_thread(struct context *ctx)
{
	(void)ctx;
	pthread_t thread;
	int err = pthread_create(&thread, NULL, thread_does_nothing, NULL);
	if (err)
		return start_failed("pthread_create", err, true);
	pthread_join(thread, NULL);
	return 0;
}

/* Wait for pid; 0 when it exited with status 0. */
static int reap(pid_t pid, const char *what)
{
	int wstatus;
	pid_t got;
	do
		got = waitpid(pid, &wstatus, 0);
	while (got < 0 && errno == EINTR);
	if (got == pid)
		tvp_cleanup_remove_child(pid);
	if (got != pid)
		return tvp_syserr(TVP_ERUNTIME, "overhead: waitpid for %s", what);
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		return tvp_err(TVP_ERUNTIME, "overhead: %s ended badly (wait status %d)", what, wstatus);
	return 0;
}

/* Children are registered with cleanup.h (signals held across fork and
 * registration: two sigprocmask calls, under a microsecond, go into the
 * figure), so Ctrl-C kills and reaps them. */
static int step_fork(struct context *ctx)
{
	(void)ctx;
	pid_t pid = tvp_cleanup_fork();
	if (pid < 0)
		return start_failed("fork", errno, false);
	if (pid == 0)
		_exit(0);
	return reap(pid, "a forked child");
}

static int step_spawn(struct context *ctx)
{
	(void)ctx;
	pid_t pid;
	char *argv[] = {SPAWN_PROGRAM, NULL};
	tvp_cleanup_hold(true);
	int err = posix_spawn(&pid, SPAWN_PROGRAM, NULL, &ctx->spawn_attr, argv, environ);
	if (!err)
		tvp_cleanup_add_child(pid);
	tvp_cleanup_hold(false);
	if (err)
		return start_failed("posix_spawn " SPAWN_PROGRAM, err, false);
	return reap(pid, SPAWN_PROGRAM);
}

/* ---- A helper child with a pipe each way, running one of the loops below. */

typedef void (*child_loop)(struct context *ctx, int in, int out);

static int start_child(struct context *ctx, child_loop loop)
{
	int down[2], up[2];
	if (pipe2(down, O_CLOEXEC) != 0)
		return pipe_failed();
	if (pipe2(up, O_CLOEXEC) != 0) {
		int status = pipe_failed();
		close(down[0]), close(down[1]);
		return status;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = tvp_cleanup_fork();
	if (pid < 0) {
		int err = errno;
		close(down[0]), close(down[1]), close(up[0]), close(up[1]);
		return start_failed("fork", err, false);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(down[1]), close(up[0]);
		loop(ctx, down[0], up[1]);
		_exit(0);
	}
	close(down[0]), close(up[1]);
	ctx->child = pid;
	ctx->to_child = down[1];
	ctx->from_child = up[0];
	return 0;
}

/* Close the pipes (the child's loop sees end of file and exits) and reap it. */
static void stop_child(struct context *ctx)
{
	if (ctx->child <= 0)
		return;
	close(ctx->to_child);
	close(ctx->from_child);
	reap(ctx->child, "the helper child");
	ctx->child = 0;
}

/* Child: read one byte, write it back; until end of file. */
static void loop_echo_byte(struct context *ctx, int in, int out)
{
	(void)ctx;
	unsigned char byte;
	while (tvp_read_all(in, &byte, 1) == 1)
		if (tvp_write_all(out, &byte, 1) != 0)
			_exit(1);
}

/* ---- An empty pool task: the pool's own worker loop and pipe transport
 * (transport/pipe.h), on a job of one unit whose kernel sends its input
 * back. */

static void echo_kernel(struct tvp_worker *worker, struct tvp_task task, const void *input,
			size_t input_len)
{
	(void)task;
	tvp_emit(worker, input, input_len);
}

static const struct tvp_workload echo_workload = {.name = "echo", .kernel = echo_kernel};

/* The runner a pool worker serves: one task, one worker, results by pipe. */
struct echo_pool {
	struct tvp_job job;
	struct tvp_config cfg;
	struct tvp_task task;
	struct tvp_runner runner;
	struct tvp_result result;
	struct tvp_worker_stats stats;
	atomic_size_t counter;
};

/* Child: a pool worker, serving TASK commands until the pipe closes. */
static void loop_pool_worker(struct context *ctx, int in, int out)
{
	_exit(tvp_pipe_serve(&ctx->pool->runner, 0, in, out));
}

/* Child: on each go byte, write the transfer buffer down the pipe. */
static void loop_stream(struct context *ctx, int in, int out)
{
	unsigned char go;
	while (tvp_read_all(in, &go, 1) == 1) {
		memset(ctx->buffer, go, 1); /* the first byte says which round this is */
		for (size_t sent = 0; sent < ctx->transfer; sent += PIPE_WRITE) {
			size_t len = ctx->transfer - sent < PIPE_WRITE ? ctx->transfer - sent : PIPE_WRITE;
			if (tvp_write_all(out, ctx->buffer + sent, len) != 0)
				_exit(1);
		}
	}
}

/* Child: on each go byte, copy the transfer buffer into shared memory and
 * write the byte back to say it is there. */
static void loop_fill_shared(struct context *ctx, int in, int out)
{
	unsigned char go;
	while (tvp_read_all(in, &go, 1) == 1) {
		ctx->buffer[0] = go;
		ctx->buffer[ctx->transfer - 1] = go;
		memcpy(ctx->shared, ctx->buffer, ctx->transfer);
		if (tvp_write_all(out, &go, 1) != 0)
			_exit(1);
	}
}

/* ---- Operations with the helper child. */

static int setup_echo_byte(struct context *ctx) { return start_child(ctx, loop_echo_byte); }

static int lost_child(const char *what)
{
	if (errno == 0)
		errno = EPIPE;
	return tvp_syserr(TVP_ERUNTIME, "overhead: the helper child stopped answering (%s)", what);
}

static int setup_pool_worker(struct context *ctx)
{
	struct echo_pool *p = aligned_alloc(TVP_CACHE_LINE, sizeof *p);
	if (!p)
		return tvp_syserr(TVP_ERUNTIME, "overhead: cannot allocate the pool's runner");
	memset(p, 0, sizeof *p);
	p->job = (struct tvp_job){.workload = &echo_workload, .units = 1, .default_chunk = 1};
	p->cfg = (struct tvp_config){.workers = 1, .schedule = TVP_SCHED_DYNAMIC};
	p->task = (struct tvp_task){0, 1};
	p->runner = (struct tvp_runner){.job = &p->job, .cfg = &p->cfg, .results = &p->result,
					.stats = &p->stats, .counter = &p->counter};
	p->runner.plan = (struct tvp_plan){.schedule = TVP_SCHED_DYNAMIC, .units = 1, .chunk = 1,
					   .workers = 1, .ntasks = 1, .tasks = &p->task};
	ctx->pool = p;
	int status = start_child(ctx, loop_pool_worker);
	struct tvp_frame ready;
	errno = 0;
	if (!status && (tvp_read_all(ctx->from_child, &ready, sizeof ready) != 1 ||
			ready.kind != TVP_FR_READY))
		status = lost_child("pool worker start");
	return status;
}

static void stop_pool_worker(struct context *ctx)
{
	stop_child(ctx);
	if (ctx->pool)
		tvp_buf_free(&ctx->pool->result.buf);
	free(ctx->pool);
	ctx->pool = NULL;
}

static int step_pipe_round_trip(struct context *ctx)
{
	unsigned char ping = (unsigned char)++ctx->round, pong = 0;
	errno = 0;
	if (tvp_write_all(ctx->to_child, &ping, 1) != 0 || tvp_read_all(ctx->from_child, &pong, 1) != 1)
		return lost_child("pipe round trip");
	if (pong != ping)
		return tvp_err(TVP_ERUNTIME, "overhead: the pipe echo sent back %u, not %u", pong, ping);
	return 0;
}

/* One task to the pool worker and its result back, as the pool sends and
 * reads them (the payload is the round, echoed). */
static int step_pool_task(struct context *ctx)
{
	uint64_t round = ++ctx->round, echoed = 0;
	struct tvp_runner *r = &ctx->pool->runner;
	struct tvp_frame head;
	struct tvp_usage usage = {0};
	errno = 0;
	if (tvp_frame_send(ctx->to_child, TVP_CMD_TASK, 0, 0, &round, sizeof round) != 0 ||
	    tvp_pipe_read_frame(r, ctx->from_child, &head, &usage) != 0)
		return lost_child("pool task");
	const struct tvp_buf *got = &r->results[0].buf;
	if (head.kind == TVP_FR_RESULT && got->len == sizeof echoed)
		memcpy(&echoed, got->data, sizeof echoed);
	if (echoed != round)
		return tvp_err(TVP_ERUNTIME, "overhead: the pool worker answered round %llu, not %llu",
			       (unsigned long long)echoed, (unsigned long long)round);
	return 0;
}

/* ctx->buffer: bytes of private memory (mapped, so that freeing it gives it
 * back), all 'x' and so touched; ctx->transfer its size. */
static int map_buffer(struct context *ctx, size_t bytes)
{
	ctx->transfer = bytes;
	void *buffer = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buffer == MAP_FAILED)
		return tvp_syserr(TVP_ERUNTIME, "overhead: cannot allocate %zu bytes", bytes);
	ctx->buffer = buffer;
	memset(ctx->buffer, 'x', bytes);
	return 0;
}

/* Memory for the byte movers: a private buffer (mapped, so that freeing it
 * gives it back), touched so that page faults are not timed; with shared,
 * a MAP_SHARED region too. */
static int setup_buffers(struct context *ctx, bool shared)
{
	int status = map_buffer(ctx, (size_t)ctx->set->transfer_mib * MIB);
	if (status)
		return status;
	if (shared) {
		ctx->shared = tvp_shared_alloc(ctx->transfer);
		if (!ctx->shared)
			return tvp_syserr(TVP_ERUNTIME, "overhead: cannot map %zu bytes of shared memory",
					  ctx->transfer);
	}
	return 0;
}

static void teardown_buffers(struct context *ctx)
{
	stop_child(ctx);
	if (ctx->buffer)
		munmap(ctx->buffer, ctx->transfer);
	ctx->buffer = NULL;
	tvp_shared_free(ctx->shared, ctx->transfer);
	ctx->shared = NULL;
}

static int setup_stream(struct context *ctx)
{
	int status = setup_buffers(ctx, false);
	return status ? status : start_child(ctx, loop_stream);
}

static int setup_fill_shared(struct context *ctx)
{
	int status = setup_buffers(ctx, true);
	return status ? status : start_child(ctx, loop_fill_shared);
}

/* The parent reads into its own buffer in the sizes the pipe hands over. */
static int step_pipe_bytes(struct context *ctx)
{
	unsigned char go = (unsigned char)++ctx->round;
	errno = 0;
	if (tvp_write_all(ctx->to_child, &go, 1) != 0)
		return lost_child("pipe bytes");
	size_t got = 0;
	while (got < ctx->transfer) {
		ssize_t n = read(ctx->from_child, ctx->buffer + got, ctx->transfer - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return lost_child("pipe bytes");
		got += (size_t)n;
	}
	if (ctx->buffer[0] != go)
		return tvp_err(TVP_ERUNTIME, "overhead: the pipe delivered round %u, not %u",
			       ctx->buffer[0], go);
	return 0;
}

static int step_shared_bytes(struct context *ctx)
{
	unsigned char go = (unsigned char)++ctx->round, done = 0;
	errno = 0;
	if (tvp_write_all(ctx->to_child, &go, 1) != 0 || tvp_read_all(ctx->from_child, &done, 1) != 1)
		return lost_child("shared bytes");
	if (done != go || ctx->shared[0] != go || ctx->shared[ctx->transfer - 1] != go)
		return tvp_err(TVP_ERUNTIME, "overhead: shared memory does not hold round %u", go);
	return 0;
}

/* ---- The scan: memchr for a byte that occurs only at the very end, the rate at which
 * this machine reads memory (grep cannot search faster than this). */

/* The scanned buffer: scan_mib of 'x' (touched, so no page fault is timed), the
 * last byte SCAN_ABSENT. The teardown is teardown_buffers. */
static int setup_scan(struct context *ctx)
{
	int status = map_buffer(ctx, (size_t)ctx->set->scan_mib * MIB);
	if (!status)
		ctx->buffer[ctx->transfer - 1] = SCAN_ABSENT;
	return status;
}

/* One thread's share of the scan: [start, start + len) and where memchr stopped. */
struct scan_part {
	const unsigned char *start;
	size_t len;
	const unsigned char *found;
};

static void *scan_part(void *arg)
{
	struct scan_part *part = arg;
	part->found = memchr(part->start, SCAN_ABSENT, part->len);
	return NULL;
}

/* Scan the buffer with threads parts (the first run on the calling thread, the
 * others started here); checked: only the last part finds the byte, at the
 * buffer's last position. */
static int scan_with(struct context *ctx, long threads)
{
	struct scan_part parts[threads];
	pthread_t ids[threads];
	size_t share = ctx->transfer / (size_t)threads;
	for (long t = 0; t < threads; t++) {
		size_t start = (size_t)t * share;
		parts[t] = (struct scan_part){ctx->buffer + start,
					      t == threads - 1 ? ctx->transfer - start : share, NULL};
	}
	long started = 1;
	int status = 0;
	for (; started < threads; started++) {
		int err = pthread_create(&ids[started], NULL, scan_part, &parts[started]);
		if (err) {
			status = start_failed("pthread_create", err, true);
			break;
		}
	}
	scan_part(&parts[0]);
	for (long t = 1; t < started; t++)
		pthread_join(ids[t], NULL);
	if (status)
		return status;
	for (long t = 0; t < threads; t++) {
		const unsigned char *want = t == threads - 1 ? ctx->buffer + ctx->transfer - 1 : NULL;
		if (parts[t].found != want)
			return tvp_err(TVP_ERUNTIME, "overhead: the scan's part %ld of %ld stopped at the "
				       "wrong byte", t + 1, threads);
	}
	return 0;
}

static int step_scan_1(struct context *ctx) { return scan_with(ctx, 1); }
static int step_scan_n(struct context *ctx) { return scan_with(ctx, ctx->cpus); }

/* ---- The list, in the order measured. */

static const struct operation operations[] = {
	{"thread_create_join", "thread: create + join", 2000, false, false,
	 false, NULL, step_thread, NULL},
	{"fork_wait", "fork + wait (parent RSS %s)", 300, false, false,
	 false, NULL, step_fork, NULL},
	{"posix_spawn_wait", "posix_spawn " SPAWN_PROGRAM " + wait (parent RSS %s)", 300, false, false,
	 false, NULL, step_spawn, NULL},
	{"pool_task_round_trip", "pool: an empty task to a worker and back", 5000, false,
	 false, false, setup_pool_worker, step_pool_task, stop_pool_worker},
	{"pipe_round_trip", "pipe: one byte to a process and back", 5000, false, false,
	 false, setup_echo_byte, step_pipe_round_trip, stop_child},
	{"pipe_bytes", "pipe: move %s, child to parent", 10, false, true,
	 false, setup_stream, step_pipe_bytes, teardown_buffers},
	{"shm_bytes", "MAP_SHARED: child copies %s in, tells parent", 10, false, true,
	 false, setup_fill_shared, step_shared_bytes, teardown_buffers},
	{"scan_1_thread", "scan: memchr over %s, 1 thread", 10, false, true,
	 false, setup_scan, step_scan_1, teardown_buffers},
	{"scan_n_threads", "scan: memchr over %s, %ld threads", 10, false, true,
	 true, setup_scan, step_scan_n, teardown_buffers},
	{"fork_wait_large", "fork + wait, large parent (RSS %s)", 20, true, false,
	 false, NULL, step_fork, NULL},
	{"posix_spawn_wait_large", "posix_spawn " SPAWN_PROGRAM " + wait, large parent (RSS %s)", 100,
	 true, false, false, NULL, step_spawn, NULL},
};
#define NOPERATIONS (sizeof operations / sizeof *operations)
#define EXTRA_ROWS 8 /* rows from registry.c's overhead sources (MPI) */

/* Make the large parent: parent_mib of private memory in small pages (as
 * a heap of many objects is), every page written. */
static int grow_parent(struct context *ctx)
{
	ctx->big_size = (size_t)ctx->set->parent_mib * MIB;
	void *big = mmap(NULL, ctx->big_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (big == MAP_FAILED)
		return tvp_syserr(TVP_ERUNTIME, "overhead: cannot allocate --parent-mib %llu",
				  (unsigned long long)ctx->set->parent_mib);
	madvise(big, ctx->big_size, MADV_NOHUGEPAGE);
	memset(big, 1, ctx->big_size);
	ctx->big = big;
	return 0;
}

/* "1.5 MiB": a size for descriptions. */
static void size_text(char *out, size_t size, double bytes)
{
	if (bytes >= MIB)
		snprintf(out, size, "%.0f MiB", bytes / MIB);
	else
		snprintf(out, size, "%.0f KiB", bytes / 1024);
}

/* Run op: setup, warm-up steps, timed steps, teardown. */
static int measure(struct context *ctx, const struct operation *op, struct measurement *m)
{
	m->op = op;
	m->repeat = ctx->set->repeat ? (size_t)ctx->set->repeat : op->default_repeat;
	m->warmup = 1 + m->repeat / 20;
	int status = op->setup ? op->setup(ctx) : 0;
	double *seconds = tvp_xcalloc(m->repeat, sizeof *seconds);
	for (size_t i = 0; !status && i < m->warmup + m->repeat; i++) {
		double start = tvp_now();
		status = op->step(ctx);
		double took = tvp_now() - start;
		if (i >= m->warmup)
			seconds[i - m->warmup] = took;
	}
	m->parent_rss_kb = resident_kb();
	if (op->moves_bytes)
		m->bytes_per_op = ctx->transfer;
	if (op->teardown)
		op->teardown(ctx);
	m->seconds = tvp_stats_of(seconds, m->repeat);
	bool scan = op->step == step_scan_1 || op->step == step_scan_n;
	if (scan && !status)
		m->all = seconds; /* the report compares grep's times with these */
	else
		free(seconds);

	char size[32];
	if (op->moves_bytes)
		size_text(size, sizeof size, (double)m->bytes_per_op);
	else
		size_text(size, sizeof size, (double)m->parent_rss_kb * 1024);
	if (scan)
		m->threads = op->all_cpus ? ctx->cpus : 1;
	if (op->all_cpus)
		snprintf(m->description, sizeof m->description, op->description, size, ctx->cpus);
	else
		snprintf(m->description, sizeof m->description, op->description, size);
	return status;
}

/* ---- Output. */

/* "12.3 us": a duration for people. */
static void duration_text(char *out, size_t size, double s)
{
	if (s < 1e-6)
		snprintf(out, size, "%.0f ns", s * 1e9);
	else if (s < 1e-3)
		snprintf(out, size, "%.1f us", s * 1e6);
	else if (s < 1)
		snprintf(out, size, "%.2f ms", s * 1e3);
	else
		snprintf(out, size, "%.3f s", s);
}

static double bytes_per_s(const struct measurement *m)
{
	return m->seconds.median > 0 ? (double)m->bytes_per_op / m->seconds.median : 0;
}

static void write_table(FILE *out, const struct measurement *ms, size_t count)
{
	fprintf(out, "tvp overhead: what parallelism costs before any work is done (per operation)\n");
	fprintf(out, "  %-58s %10s %10s %10s %7s\n", "operation", "median", "min", "max", "reps");
	for (size_t i = 0; i < count; i++) {
		const struct measurement *m = &ms[i];
		char med[32], lo[32], hi[32];
		duration_text(med, sizeof med, m->seconds.median);
		duration_text(lo, sizeof lo, m->seconds.min);
		duration_text(hi, sizeof hi, m->seconds.max);
		fprintf(out, "  %-58s %10s %10s %10s %7zu", m->description, med, lo, hi, m->repeat);
		if (m->op->moves_bytes)
			fprintf(out, "  %.2f GB/s", bytes_per_s(m) / 1e9);
		fputc('\n', out);
	}
}

static void write_csv(FILE *out, const struct measurement *ms, size_t count)
{
	fputs("operation,description,seconds_median,seconds_min,seconds_max,seconds_stddev,"
	      "repetitions,warmup,parent_rss_kb,bytes_per_op,bytes_per_s\n", out);
	for (size_t i = 0; i < count; i++) {
		const struct measurement *m = &ms[i];
		fprintf(out, "%s,\"%s\",%.9f,%.9f,%.9f,%.9f,%zu,%zu,%ld,%llu,%.0f\n", m->op->name,
			m->description, m->seconds.median, m->seconds.min, m->seconds.max,
			m->seconds.stddev, m->repeat, m->warmup, m->parent_rss_kb,
			(unsigned long long)m->bytes_per_op, bytes_per_s(m));
	}
}

static void write_json(FILE *out, const struct settings *set, const struct measurement *ms,
		       size_t count)
{
	fputs("{\"schema\": \"tvp/1\", \"machine\": ", out);
	tvp_json_machine(out);
	fprintf(out, ",\n \"runs\": [],\n \"overhead_params\": {\"repeat\": %llu, \"parent_mib\": %llu, "
		     "\"transfer_mib\": %llu, \"scan_mib\": %llu},\n \"overhead\": [",
		(unsigned long long)set->repeat, (unsigned long long)set->parent_mib,
		(unsigned long long)set->transfer_mib, (unsigned long long)set->scan_mib);
	for (size_t i = 0; i < count; i++) {
		const struct measurement *m = &ms[i];
		fputs(i ? ",\n  {" : "\n  {", out);
		fputs("\"operation\": ", out), tvp_json_string(out, m->op->name);
		fputs(", \"description\": ", out), tvp_json_string(out, m->description);
		fprintf(out, ", \"seconds_per_op\": %.9f, \"min_s\": %.9f, \"max_s\": %.9f, "
			     "\"stddev_s\": %.9f, \"repetitions\": %zu, \"warmup\": %zu, "
			     "\"parent_rss_kb\": %ld",
			m->seconds.median, m->seconds.min, m->seconds.max, m->seconds.stddev,
			m->repeat, m->warmup, m->parent_rss_kb);
		if (m->op->moves_bytes)
			fprintf(out, ", \"bytes_per_op\": %llu, \"bytes_per_s\": %.0f",
				(unsigned long long)m->bytes_per_op, bytes_per_s(m));
		if (m->threads)
			fprintf(out, ", \"threads\": %ld", m->threads);
		for (size_t r = 0; m->all && r < m->repeat; r++)
			fprintf(out, "%s%.9f%s", r ? ", " : ", \"all_s\": [", m->all[r],
				r + 1 == m->repeat ? "]" : "");
		fputs("}", out);
	}
	fputs("]}\n", out);
}

/* ---- The command line. */

/* Positions in overhead_opts. */
enum { OPT_REPEAT, OPT_PARENT_MIB, OPT_TRANSFER_MIB, OPT_SCAN_MIB, OPT_FORMAT };

static const struct tvp_opt overhead_opts[] = {
	{"repeat", TVP_OPT_U64, "N", NULL, "repetitions of every operation (default: each its own, 10 to 5000)"},
	{"parent-mib", TVP_OPT_U64, "MIB", "1024", "memory the large parent touches before it forks"},
	{"transfer-mib", TVP_OPT_U64, "MIB", "64", "bytes moved per pipe / MAP_SHARED operation"},
	{"scan-mib", TVP_OPT_U64, "MIB", "256", "bytes memchr reads per scan operation"},
	{"format", TVP_OPT_TEXT, "F", "table", "table, csv or json (schema tvp/1 with an \"overhead\" list)"},
	{NULL},
};

/* MemAvailable of /proc/meminfo in MiB; 0 when unknown. */
static uint64_t available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* The parsed options into set. 0, or TVP_EUSAGE after one line. */
static int settings_of(const struct tvp_param *params, struct settings *set)
{
	if (tvp_opt_range("overhead", &params[OPT_REPEAT], 1, MAX_REPEAT) ||
	    tvp_opt_range("overhead", &params[OPT_PARENT_MIB], 1, MAX_PARENT_MIB) ||
	    tvp_opt_range("overhead", &params[OPT_TRANSFER_MIB], 1, MAX_TRANSFER_MIB) ||
	    tvp_opt_range("overhead", &params[OPT_SCAN_MIB], 1, MAX_SCAN_MIB))
		return TVP_EUSAGE;
	*set = (struct settings){.repeat = params[OPT_REPEAT].u64, /* 0: each its own */
				 .parent_mib = params[OPT_PARENT_MIB].u64,
				 .transfer_mib = params[OPT_TRANSFER_MIB].u64,
				 .scan_mib = params[OPT_SCAN_MIB].u64};
	if (tvp_format_parse(params[OPT_FORMAT].text, &set->format) != 0)
		return tvp_err(TVP_EUSAGE, "overhead: unknown format '%s' (formats: table, csv, json)",
			       params[OPT_FORMAT].text);
	uint64_t available = available_mib();
	if (available && set->scan_mib > available)
		return tvp_err(TVP_EUSAGE, "overhead: --scan-mib %llu is more than the memory available "
			       "(%llu MiB, MemAvailable in /proc/meminfo)",
			       (unsigned long long)set->scan_mib, (unsigned long long)available);
	if (available && set->parent_mib > available)
		return tvp_err(TVP_EUSAGE, "overhead: --parent-mib %llu is more than the memory available "
			       "(%llu MiB, MemAvailable in /proc/meminfo)",
			       (unsigned long long)set->parent_mib, (unsigned long long)available);
	return 0;
}

static int overhead_run(const struct tvp_param *params)
{
	struct settings set;
	int status = settings_of(params, &set);
	if (status)
		return status;
	tvp_cleanup_install(); /* Ctrl-C: the helper child and any forked one killed and reaped */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct context ctx = {.set = &set, .cpus = cpus > 0 ? cpus : 1};
	posix_spawnattr_init(&ctx.spawn_attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGALRM);
	posix_spawnattr_setsigmask(&ctx.spawn_attr, &none);
	posix_spawnattr_setsigdefault(&ctx.spawn_attr, &defaults);
	posix_spawnattr_setflags(&ctx.spawn_attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	struct measurement ms[NOPERATIONS + EXTRA_ROWS];
	memset(ms, 0, sizeof ms);
	size_t done = 0;
	for (; done < NOPERATIONS && !status; done++) {
		if (operations[done].large_parent && !ctx.big && (status = grow_parent(&ctx)))
			break;
		status = measure(&ctx, &operations[done], &ms[done]);
	}
	struct tvp_overhead_row rows[EXTRA_ROWS];
	static struct operation extra[EXTRA_ROWS];
	for (size_t s = 0, n = 0; !status && tvp_overhead_sources[s]; s++) /* the MPI rows */
		for (size_t got = tvp_overhead_sources[s]->measure(rows + n, EXTRA_ROWS - n, set.repeat,
								   set.transfer_mib * MIB);
		     got--; n++, done++) {
			extra[n] = (struct operation){.name = rows[n].name, .moves_bytes = rows[n].bytes_per_op};
			ms[done] = (struct measurement){.op = &extra[n], .repeat = rows[n].repeat, .warmup = 1,
							.bytes_per_op = rows[n].bytes_per_op,
							.parent_rss_kb = resident_kb()};
			ms[done].seconds = tvp_stats_of(rows[n].seconds, rows[n].repeat);
			snprintf(ms[done].description, sizeof ms[done].description, "%s", rows[n].description);
			free(rows[n].seconds);
		}
	if (ctx.big)
		munmap(ctx.big, ctx.big_size);
	posix_spawnattr_destroy(&ctx.spawn_attr);
	if (!status && set.format == TVP_FORMAT_JSON)
		write_json(stdout, &set, ms, done);
	else if (!status && set.format == TVP_FORMAT_CSV)
		write_csv(stdout, ms, done);
	else if (!status)
		write_table(stdout, ms, done);
	for (size_t i = 0; i < done; i++)
		free(ms[i].all);
	if (status)
		return status;
	if (fflush(stdout) != 0 || ferror(stdout))
		return tvp_syserr(TVP_ERUNTIME, "overhead: cannot write the results");
	return 0;
}

const struct tvp_command tvp_command_overhead = {
	.name = "overhead",
	.summary = "the constants: thread, fork, spawn, pool task, pipe vs shared memory",
	.synopsis = "[options]",
	.description = "Times, per operation, what parallelism costs before any work is done: start and\n"
		       "join a thread, fork and wait a child (small and large parent), posix_spawn, one\n"
		       "task to a pool worker and back, a pipe round trip, and bytes through a pipe vs\n"
		       "MAP_SHARED memory, and the scan limit: memchr over memory with 1 thread and one\n"
		       "thread per CPU online (no search of bytes can be faster). Built with Open MPI:\n"
		       "an MPI round trip and bandwidth between 2 ranks over shared memory and over TCP.\n"
		       "Each figure is the median over the repetitions.",
	.opts = overhead_opts,
	.run = overhead_run,
};
