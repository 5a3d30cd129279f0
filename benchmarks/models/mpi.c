/* mpi.c - the mpi model: N Open MPI ranks; rank 0 is the harness and worker 0, the others only work. */
#define _GNU_SOURCE
#include <mpi.h>

#include "../fault.h"
#include "../worker.h"
#include "mpirun.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* What rank 0 broadcasts before each run, and at the end. */
enum command { CMD_RUN = 1, CMD_STOP = 2 };

/* A rank's check-in: it started, prepared the job (or failed to), and where it runs. */
struct checkin {
	int32_t status;
	int32_t pid;
	char host[64];
};

/* A rank's account of one run, gathered by rank 0 when every rank is done. */
struct report {
	struct tvp_worker_stats stats;
	struct tvp_usage usage; /* the rank's CPU during the run */
	uint64_t result_bytes;  /* packed results that follow (gatherv) */
};

/* A packed result: this header, then len bytes. */
struct packed {
	uint64_t task, len;
};

/* One per process: MPI is initialised once per process.
 * States: launched (MPI_Init done) -> checked in -> stopped -> finalized. */
static struct {
	bool initialized, checked_in, stopped;
	int rank, size;
	bool osc_by_tvp;     /* tvp chose OMPI_MCA_osc (see choose_osc) */
	double init_s;       /* MPI_Init on this rank */
	double launch_s;     /* from tvp starting mpirun (if it did, here) to MPI_Init done */
	MPI_Win counter_win; /* dynamic, guided: the claim counter, on rank 0 */
	uint64_t *counter;
	MPI_Win input_win;   /* --input ship: every task's input bytes, on rank 0 */
	struct tvp_buf input;
	uint64_t *input_at;  /* ntasks + 1 offsets into input */
	struct tvp_runner *runner;
} mpi = {.counter_win = MPI_WIN_NULL, .input_win = MPI_WIN_NULL};

/* Wait for request without spinning a core: Open MPI's blocking calls poll
 * flat out, which on a small machine takes a CPU from a rank that works. */
static void wait_lazily(MPI_Request *request)
{
	const struct timespec nap = {0, 20000};
	int done = 0;
	for (;;) {
		MPI_Test(request, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		nanosleep(&nap, NULL);
	}
}

static int broadcast(int command)
{
	MPI_Request request;
	MPI_Ibcast(&command, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
	wait_lazily(&request);
	return command;
}

/* "Open MPI v4.1.4, package: ..." up to the first comma. */
static void library_name(char *out, size_t size)
{
	char text[MPI_MAX_LIBRARY_VERSION_STRING];
	int len = 0;
	MPI_Get_library_version(text, &len);
	text[strcspn(text, ",\n")] = '\0';
	snprintf(out, size, "%.*s", (int)(size - 1), text);
}

/* The byte transport between ranks, as Open MPI was asked to choose it. */
static const char *transport(bool one_host)
{
	const char *btl = getenv("OMPI_MCA_btl");
	bool shm = !btl || strstr(btl, "vader") || strstr(btl, "sm");
	bool tcp = !btl || strstr(btl, "tcp");
	if (one_host)
		return shm ? "shared memory (btl vader)" : tcp ? "tcp (btl tcp)" : btl;
	return shm && tcp ? "shared memory within a host, tcp between hosts" : tcp ? "tcp (btl tcp)" : btl;
}

/* Rank 0: the model_info object from every rank's check-in. */
static char *describe(const struct checkin *all, int size, double checkin_s)
{
	char library[128];
	library_name(library, sizeof library);
	const char *osc = getenv("OMPI_MCA_osc");
	char osc_json[96] = "null";
	if (osc && !strpbrk(osc, "\"\\"))
		snprintf(osc_json, sizeof osc_json, "\"%.80s\"", osc);
	size_t cap = 640 + (size_t)size * 96, used = 0;
	char *json = tvp_xmalloc(cap);
	bool one_host = true;
	for (int r = 1; r < size; r++)
		one_host = one_host && !strcmp(all[r].host, all[0].host);
	used += (size_t)snprintf(json + used, cap - used,
				 "{\"ranks\": %d, \"library\": \"%s\", \"transport\": \"%s\", "
				 "\"launched_by\": \"%s\", \"launch_s\": %.6f, \"mpi_init_s\": %.6f, "
				 "\"checkin_s\": %.6f, \"osc\": %s, \"osc_set_by_tvp\": %s, \"hosts\": [", size,
				 library, transport(one_host), mpi.launch_s > mpi.init_s ? "tvp" : "mpirun",
				 mpi.launch_s, mpi.init_s, checkin_s, osc_json, mpi.osc_by_tvp ? "true" : "false");
	for (int r = 0; r < size; r++) {
		bool first = true;
		int count = 0;
		for (int q = 0; q < size; q++) {
			if (!strcmp(all[q].host, all[r].host)) {
				first = first && q >= r;
				count++;
			}
		}
		if (first) /* a host once, where its lowest rank is */
			used += (size_t)snprintf(json + used, cap - used, "%s{\"name\": \"%s\", \"ranks\": %d}",
						 r ? ", " : "", all[r].host, count);
	}
	used += (size_t)snprintf(json + used, cap - used, "], \"rank_hosts\": [");
	for (int r = 0; r < size; r++)
		used += (size_t)snprintf(json + used, cap - used, "%s\"%s\"", r ? ", " : "", all[r].host);
	snprintf(json + used, cap - used, "]}");
	return json;
}

/* Every rank: say it is here (status 0) or failed, and hear whether to go
 * on. Rank 0 fills runner->model_json. Returns the first failing status. */
static int check_in(int status, struct tvp_runner *runner)
{
	double start = tvp_now();
	struct checkin mine = {.status = status, .pid = getpid()};
	gethostname(mine.host, sizeof mine.host - 1);
	for (char *c = mine.host; *c; c++)
		if (*c == '"' || *c == '\\')
			*c = '_';
	struct checkin *all = mpi.rank == 0 ? tvp_xcalloc((size_t)mpi.size, sizeof *all) : NULL;
	MPI_Request request;
	MPI_Igather(&mine, sizeof mine, MPI_BYTE, all, sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD,
		    &request);
	wait_lazily(&request);
	int verdict = 0;
	if (mpi.rank == 0) {
		for (int r = 0; r < mpi.size && !verdict; r++)
			verdict = all[r].status;
		if (getenv(TVP_MPI_MAP)) /* for tvp's launcher: which rank runs where */
			for (int r = 0; r < mpi.size; r++)
				fprintf(stderr, TVP_MPI_MAP_LINE, r, all[r].host);
		if (runner)
			runner->model_json = describe(all, mpi.size, tvp_now() - start);
		free(all);
	}
	verdict = broadcast(verdict);
	mpi.checked_in = true;
	return verdict;
}

/* Collective: the claim counter and the shipped input, made after the check-in. */
static void open_windows(struct tvp_runner *runner)
{
	const struct tvp_job *job = runner->job;
	size_t ntasks = runner->plan.ntasks;
	MPI_Win_allocate(mpi.rank == 0 ? sizeof *mpi.counter : 0, sizeof *mpi.counter, MPI_INFO_NULL,
			 MPI_COMM_WORLD, &mpi.counter, &mpi.counter_win);
	MPI_Win_lock_all(MPI_MODE_NOCHECK, mpi.counter_win);
	if (!job->ship_input)
		return;
	mpi.input_at = tvp_xcalloc(ntasks + 1, sizeof *mpi.input_at);
	if (mpi.rank == 0) { /* the talk's queue: rank 0 reads, the ranks take the bytes from it */
		struct tvp_buf one = {0};
		for (size_t k = 0; k < ntasks; k++) {
			one.len = 0;
			if (job->workload->pack(job, runner->plan.tasks[k], &one) != 0)
				MPI_Abort(MPI_COMM_WORLD, TVP_ERUNTIME);
			tvp_buf_append(&mpi.input, one.data, one.len);
			mpi.input_at[k + 1] = mpi.input.len;
		}
		tvp_buf_free(&one);
	}
	MPI_Bcast(mpi.input_at, (int)(ntasks + 1), MPI_UINT64_T, 0, MPI_COMM_WORLD);
	MPI_Win_create(mpi.input.data, mpi.rank == 0 ? (MPI_Aint)mpi.input.len : 0, 1, MPI_INFO_NULL,
		       MPI_COMM_WORLD, &mpi.input_win);
	MPI_Win_lock_all(MPI_MODE_NOCHECK, mpi.input_win);
}

static void close_windows(void)
{
	if (mpi.counter_win != MPI_WIN_NULL) {
		MPI_Win_unlock_all(mpi.counter_win);
		MPI_Win_free(&mpi.counter_win);
	}
	if (mpi.input_win != MPI_WIN_NULL) {
		MPI_Win_unlock_all(mpi.input_win);
		MPI_Win_free(&mpi.input_win);
	}
	tvp_buf_free(&mpi.input);
	free(mpi.input_at);
	mpi.input_at = NULL;
}

/* This rank's tasks for the shared worker loop. Static and random need
 * no message (every rank builds the same plan). Dynamic and guided claim
 * from the counter on rank 0 with one-sided MPI_Fetch_and_op: no rank has
 * to stop working to hand out tasks, and on one host (osc sm) it is an
 * atomic add in shared memory, as fork's counter is. With --input ship the
 * task's bytes come from rank 0's memory by MPI_Get. */
struct claims {
	struct tvp_runner *runner;
	size_t cursor;      /* tasks this rank took (static, random) */
	struct tvp_buf input; /* the shipped bytes of the current task */
};

static long next_task(void *ctx, struct tvp_worker *worker, struct tvp_take *take)
{
	(void)worker;
	struct claims *claims = ctx;
	const struct tvp_plan *plan = &claims->runner->plan;
	long task;
	if (!tvp_plan_is_shared(plan)) {
		task = tvp_plan_next(plan, (size_t)mpi.rank, &claims->cursor, NULL);
	} else {
		uint64_t one = 1, claimed;
		MPI_Fetch_and_op(&one, &claimed, MPI_UINT64_T, 0, 0, MPI_SUM, mpi.counter_win);
		MPI_Win_flush(0, mpi.counter_win);
		task = claimed < plan->ntasks ? (long)claimed : -1;
	}
	if (task < 0 || !claims->runner->job->ship_input)
		return task;
	size_t at = mpi.input_at[task], len = mpi.input_at[task + 1] - at;
	take->input_len = len;
	if (mpi.rank == 0) {
		take->input = mpi.input.data + at;
		return task;
	}
	if (claims->input.cap < len) {
		claims->input.data = tvp_xrealloc(claims->input.data, len);
		claims->input.cap = len;
	}
	MPI_Get(claims->input.data, (int)len, MPI_BYTE, 0, (MPI_Aint)at, (int)len, MPI_BYTE,
		mpi.input_win);
	MPI_Win_flush(0, mpi.input_win);
	take->input = claims->input.data;
	return task;
}

/* One run's share of this rank: the shared worker loop over its claims
 * (results stay here until the gather). */
static int work(struct tvp_runner *runner)
{
	struct claims claims = {.runner = runner};
	struct tvp_task_source source = {.next = next_task, .ctx = &claims};
	tvp_pin_worker(runner, (size_t)mpi.rank);
	int status = tvp_worker_loop(runner, (size_t)mpi.rank, &source);
	tvp_buf_free(&claims.input);
	return status;
}

/* This rank's results, packed for rank 0: struct packed + bytes each. */
static void pack_results(struct tvp_runner *runner, struct tvp_buf *out)
{
	for (size_t k = 0; k < runner->plan.ntasks; k++) {
		const struct tvp_result *result = &runner->results[k];
		if (result->worker != mpi.rank)
			continue;
		struct packed head = {k, result->buf.len};
		tvp_buf_append(out, &head, sizeof head);
		tvp_buf_append(out, result->buf.data, result->buf.len);
	}
}

/* Rank 0: the other ranks' results into runner->results. 0, or TVP_ERUNTIME. */
static int unpack_results(struct tvp_runner *runner, const unsigned char *bytes, size_t len,
			  int from)
{
	for (size_t at = 0; at + sizeof(struct packed) <= len;) {
		struct packed head;
		memcpy(&head, bytes + at, sizeof head);
		at += sizeof head;
		if (head.task >= runner->plan.ntasks || head.len > len - at)
			return tvp_err(TVP_ERUNTIME, "internal: rank %d sent a malformed result", from);
		struct tvp_result *result = &runner->results[head.task];
		result->buf.len = 0;
		tvp_buf_append(&result->buf, bytes + at, head.len);
		result->worker = from;
		at += head.len;
	}
	return 0;
}

/* Every rank after its work: its report and results to rank 0 (MPI_Igather,
 * then MPI_Igatherv). On rank 0, compute ends when every report is in;
 * what follows is collect. */
static int gather(struct tvp_runner *runner, struct tvp_usage before, struct tvp_phases *phases)
{
	struct tvp_buf packed = {0};
	if (mpi.rank)
		pack_results(runner, &packed);
	struct report mine = {runner->stats[mpi.rank],
			      tvp_usage_diff(tvp_usage_read(0), before), packed.len};
	struct report *all = mpi.rank == 0 ? tvp_xcalloc((size_t)mpi.size, sizeof *all) : NULL;
	MPI_Request request;
	MPI_Igather(&mine, sizeof mine, MPI_BYTE, all, sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD,
		    &request);
	wait_lazily(&request);
	double done = tvp_now();
	int status = 0;
	int *counts = NULL, *displs = NULL;
	unsigned char *bytes = NULL;
	if (mpi.rank == 0) {
		phases->compute = done - phases->compute;
		counts = tvp_xcalloc((size_t)mpi.size, sizeof *counts);
		displs = tvp_xcalloc((size_t)mpi.size, sizeof *displs);
		size_t total = 0;
		for (int r = 1; r < mpi.size; r++) {
			if (all[r].result_bytes > INT_MAX || total + all[r].result_bytes > INT_MAX)
				status = tvp_err(TVP_ERUNTIME, "rank %d's results pass the 2 GiB that one "
						 "MPI_Gatherv moves", r);
			counts[r] = (int)all[r].result_bytes;
			displs[r] = (int)total;
			total += all[r].result_bytes;
			runner->stats[r] = all[r].stats;
			runner->worker_usage = tvp_usage_add(runner->worker_usage, all[r].usage);
		}
		bytes = tvp_xmalloc(total ? total : 1);
	}
	if (packed.len > INT_MAX)
		MPI_Abort(MPI_COMM_WORLD, TVP_ERUNTIME); /* rank 0 said why */
	MPI_Igatherv(packed.data, (int)packed.len, MPI_BYTE, bytes, counts, displs, MPI_BYTE, 0,
		     MPI_COMM_WORLD, &request);
	wait_lazily(&request);
	for (int r = 1; r < mpi.size && mpi.rank == 0 && !status; r++)
		status = unpack_results(runner, bytes + displs[r], (size_t)counts[r], r);
	if (mpi.rank == 0)
		phases->collect = tvp_now() - done;
	free(bytes);
	free(counts);
	free(displs);
	free(all);
	tvp_buf_free(&packed);
	return status;
}

/* A rank's side of one run, after rank 0 said go. */
static int one_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	struct tvp_usage before = tvp_usage_read(0);
	int status = work(runner);
	int gathered = gather(runner, before, phases); /* every rank takes part, whatever its status */
	return status ? status : gathered;
}

static int mpi_open(struct tvp_runner *runner)
{
	mpi.runner = runner;
	int status = check_in(0, runner);
	runner->launch_s = mpi.launch_s; /* mpirun, exec, MPI_Init: before open, in the start-up */
	if (status)
		return status; /* the failing rank said why */
	open_windows(runner);
	return 0;
}

static int mpi_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	double start = tvp_now();
	if (tvp_plan_is_shared(&runner->plan)) { /* the counter back to 0 */
		uint64_t zero = 0;
		MPI_Accumulate(&zero, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, MPI_REPLACE,
			       mpi.counter_win);
		MPI_Win_flush(0, mpi.counter_win);
	}
	broadcast(CMD_RUN);
	phases->compute = tvp_now(); /* gather turns it into a duration */
	phases->spawn = phases->compute - start;
	return one_run(runner, phases);
}

/* Rank 0: tell the ranks to stop, then free what open made. */
static void stop(void)
{
	if (mpi.checked_in && !mpi.stopped) {
		if (mpi.rank == 0)
			broadcast(CMD_STOP);
		close_windows();
	}
	mpi.stopped = true;
}

static int mpi_close(struct tvp_runner *runner)
{
	(void)runner;
	stop();
	mpi.runner = NULL;
	return 0;
}

/* A rank other than 0: check in, then run each time rank 0 says so. */
static int mpi_serve(struct tvp_runner *runner)
{
	mpi.runner = runner;
	int status = check_in(0, NULL);
	if (status) {
		mpi.stopped = true;
		return 0; /* the failing rank said why; rank 0 exits with it */
	}
	open_windows(runner);
	while (!status && broadcast(0) == CMD_RUN) {
		memset(&runner->stats[mpi.rank], 0, sizeof runner->stats[mpi.rank]);
		for (size_t k = 0; k < runner->plan.ntasks; k++)
			runner->results[k].worker = -1;
		struct tvp_phases unused;
		status = one_run(runner, &unused);
	}
	close_windows();
	mpi.stopped = true;
	mpi.runner = NULL;
	return status;
}

/* At exit with status: a rank that ends before its check-in (bad input,
 * a --file missing on its host, a failed reference pass) still checks in
 * with that status (1 if 0), so that the others hear it and stop with the
 * same status (mpirun passes on whichever rank fails first), and every
 * rank finalizes: no rank is left waiting. */
static void at_exit(int status, void *unused)
{
	(void)unused;
	if (!mpi.initialized)
		return;
	if (!mpi.checked_in)
		check_in(status ? status : TVP_ERUNTIME, NULL);
	stop();
	MPI_Finalize();
	mpi.initialized = false;
}

/* Seconds since tvp started mpirun, when it did so on this machine (the
 * same boot: the clocks agree); else 0, and spawn starts at MPI_Init. */
static double launched_ago(double now)
{
	const char *text = getenv(TVP_MPI_LAUNCHED_AT);
	char boot[64], here[64];
	double at;
	if (!text || sscanf(text, "%lf %63s", &at, boot) != 2 || !tvp_boot_id(here, sizeof here) ||
	    strcmp(boot, here) || at > now)
		return 0;
	return now - at;
}

/* Before MPI_Init (which reads the OMPI_MCA_ variables): the one-sided
 * components for the claim counter's window. Open MPI 4's osc/rdma needs a
 * network with RDMA (InfiniBand) to reach another host, and Debian's
 * /etc/openmpi/openmpi-mca-params.conf sets osc = ^ucx,pt2pt, so over TCP no
 * component can make a window across hosts: MPI_Win_allocate fails with
 * MPI_ERR_WIN. Unless OMPI_MCA_osc is set (by the user, or by mpirun's
 * --mca osc), tvp asks for sm (ranks on one host) and pt2pt (windows made
 * of messages, any network). Open MPI 5 has no pt2pt and its osc/rdma works
 * over TCP: left alone there. */
static void choose_osc(void)
{
	char library[MPI_MAX_LIBRARY_VERSION_STRING];
	int len = 0, major = 0;
	MPI_Get_library_version(library, &len); /* allowed before MPI_Init */
	if (getenv("OMPI_MCA_osc") || sscanf(library, "Open MPI v%d", &major) != 1 || major >= 5)
		return;
	setenv("OMPI_MCA_osc", "sm,pt2pt", 1);
	mpi.osc_by_tvp = true;
}

static int mpi_launch(int argc, char **argv, struct tvp_config *cfg)
{
	if (!tvp_mpirun_here()) /* not under mpirun: start it, with this command line */
		return tvp_mpirun_launch(argc, argv, cfg);
	double start = tvp_now();
	tvp_mpi_prepare_rank();
	choose_osc();
	const char *job = getenv("OMPI_MCA_ess_base_jobid"), *rank = getenv("OMPI_COMM_WORLD_RANK");
	if (getenv(TVP_MPI_MAP) && job && rank && !strcmp(rank, "0"))
		fprintf(stderr, TVP_MPI_JOB_LINE, job); /* before MPI_Init makes the segments */
	MPI_Init(NULL, NULL);
	mpi.init_s = tvp_now() - start;
	mpi.launch_s = mpi.init_s + launched_ago(start);
	mpi.initialized = true;
	MPI_Comm_rank(MPI_COMM_WORLD, &mpi.rank);
	MPI_Comm_size(MPI_COMM_WORLD, &mpi.size);
	on_exit(at_exit, NULL);
	tvp_fault_worker_is_process(); /* a die:how=exit is this rank's own _exit, as a forked worker's */
	if (mpi.rank) {
		char host[64] = "", who[96];
		gethostname(host, sizeof host - 1);
		snprintf(who, sizeof who, "tvp rank %d on %s", mpi.rank, host);
		tvp_err_who(who);
		cfg->worker_only = true;
	}
	if (cfg->workers_given && cfg->workers != (size_t)mpi.size) {
		if (mpi.rank == 0)
			tvp_err(TVP_EUSAGE, "--workers %zu, but mpirun started %d ranks (leave --workers "
				"out under mpirun: the ranks are the workers)", cfg->workers, mpi.size);
		return TVP_EUSAGE;
	}
	if ((size_t)mpi.size > TVP_MAX_WORKERS) {
		if (mpi.rank == 0)
			tvp_err(TVP_EUSAGE, "mpirun started %d ranks; tvp runs at most %d workers",
				mpi.size, TVP_MAX_WORKERS);
		return TVP_EUSAGE;
	}
	cfg->workers = (size_t)mpi.size;
	return TVP_LAUNCH_HERE;
}

const struct tvp_model tvp_model_mpi = {
	.name = "mpi",
	.summary = "N Open MPI ranks, on this host or --hostfile's: rank 0 also runs the harness",
	.kind = TVP_KIND_RANKS,
	.max_workers = TVP_MAX_WORKERS,
	.supports = TVP_SUPPORTS_SHIP | TVP_SUPPORTS_HOSTS,
	.launch = mpi_launch,
	.serve = mpi_serve,
	.open = mpi_open,
	.run = mpi_run,
	.close = mpi_close,
};

/* Under AddressSanitizer (make SAN=asan): Open MPI keeps allocations until
 * exit on purpose (its component framework, hwloc's topology, PMIx), many
 * made in components it unloads at MPI_Finalize, whose frames LeakSanitizer
 * can then no longer name. So a rank records full stacks (slow unwinding,
 * ranks only), and these leaks are suppressed by the library they come
 * from; a leak of tvp's own still fails the run. The sanitizer calls these
 * hooks when it is linked in; a plain build never does. */
const char *__asan_default_options(void) __attribute__((no_sanitize("address", "undefined")));
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_options(void)
{
	return "print_suppressions=0"; /* the list below, not its use counts, on every exit */
}

const char *__asan_default_options(void)
{
	/* Called before the sanitizer and libc's environment are set up: read
	 * /proc/self/environ with raw system calls and compare by hand. */
	static char environment[32768];
	static const char wanted[] = "OMPI_COMM_WORLD_SIZE=";
	long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/environ", O_RDONLY | O_CLOEXEC);
	long len = fd < 0 ? -1 : syscall(SYS_read, (int)fd, environment, sizeof environment - 1);
	if (fd >= 0)
		syscall(SYS_close, (int)fd);
	for (long at = 0; at < len;) {
		size_t same = 0;
		while (same < sizeof wanted - 1 && at + (long)same < len &&
		       environment[at + (long)same] == wanted[same])
			same++;
		if (same == sizeof wanted - 1)
			return "fast_unwind_on_malloc=0";
		while (at < len && environment[at])
			at++;
		at++;
	}
	return "";
}

const char *__lsan_default_suppressions(void)
{
	return "leak:libmpi.so\n"
	       "leak:libopen-pal.so\n"
	       "leak:libopen-rte.so\n"
	       "leak:libpmix.so\n"
	       "leak:libhwloc.so\n"
	       "leak:libevent\n";
}
