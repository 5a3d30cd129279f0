/* io.c - requests to a local server that answers after a delay: waiting, not computing (threads win). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../hash.h"
#include "../plugin.h"

#define MAX_REQUESTS 100000000ULL
#define MAX_DELAY_US 10e6     /* ten seconds a request at most */
#define MAX_WORK_US 10e6
#define MAX_HOGS 64
#define MAX_CONNECTIONS 2048  /* open at once at the server: above TVP_MAX_WORKERS */
#define CALIBRATE_ROUNDS (1u << 20)

/*
 * The server is a thread of tvp's own process, started by prepare and
 * stopped by release. It listens on a Unix socket in the abstract
 * namespace ("\0tvp-io-PID-N"): no file on disk, local to this machine,
 * and gone with the process on every path, a signal included. Worker
 * processes forked later connect to the same name.
 *
 * A unit is one request: the client sends its unit number (8 bytes), the
 * server holds it --delay-us and sends back reply_of(unit), adding the
 * reply to its log (a running sum and count). The client then does
 * --work-us of CPU work on the reply. The simulated GIL is released around
 * the send and receive, as CPython releases it around socket calls.
 *
 * --cpu-hogs K starts K threads in tvp's own process that spin. When the
 * workers are threads of this process under a simulated GIL (serial,
 * pthread), the hogs take that lock too: each reply then waits for the
 * lock (the convoy effect). Process workers have locks of their own: the
 * hogs only take CPU from them.
 *
 * Hog states, per hog:  OUTSIDE (spinning, no lock) -> INSIDE(g) when a
 * kernel of this process has published its lock g in `published` ->
 * OUTSIDE when `published` no longer is g (reduce clears it after every
 * run, and waits until no hog is inside) or when told to stop.
 */
struct io {
	uint64_t requests, seed, rounds_per_us;
	double delay_s, work_us;
	unsigned hogs;
	pid_t main_pid;
	struct sockaddr_un address;
	socklen_t address_len;
	int listen_fd, wake[2]; /* wake: release tells the server to stop */
	pthread_t server, hog_threads[MAX_HOGS];
	bool server_started;
	unsigned hogs_started;
	/* The server's log: written by the server thread, read by reduce. */
	atomic_uint_least64_t log_sum, log_count;
	uint64_t seen_sum, seen_count; /* the log at the previous reduce */
	/* Hogs. */
	_Atomic(struct tvp_gil *) published;
	atomic_int inside;
	atomic_bool stop;
	struct tvp_gil_stats *hog_stats;
};

/* What a task emits. */
struct io_part {
	uint64_t sum, count;
};

static const struct tvp_opt io_opts[] = {
	{"requests", TVP_OPT_U64, "N", "256", "requests (units) per run"},
	{"delay-us", TVP_OPT_DOUBLE, "US", "2000", "microseconds the server waits before each reply"},
	{"work-us", TVP_OPT_DOUBLE, "US", "50", "microseconds of CPU work on each reply (ticks the GIL)"},
	{"cpu-hogs", TVP_OPT_U64, "K", "0", "threads spinning in tvp's process beside the requests (the convoy effect)"},
	{NULL},
};

/* The reply to a request: splitmix64 of its unit and the seed. */
static uint64_t reply_of(uint64_t unit, uint64_t seed)
{
	return tvp_splitmix64_at(unit + seed * TVP_SPLITMIX64_STEP);
}

/* One round of CPU work (a multiply-xorshift), the unit of --work-us. */
static inline uint64_t churn(uint64_t x)
{
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ULL;
	return x ^ (x >> 32);
}

/* Rounds of churn per microsecond on this machine (at least 1). */
static uint64_t calibrate(void)
{
	volatile uint64_t sink = 1;
	uint64_t x = sink;
	double start = tvp_now();
	for (unsigned i = 0; i < CALIBRATE_ROUNDS; i++)
		x = churn(x);
	double took = tvp_now() - start;
	sink = x;
	double rate = took > 0 ? CALIBRATE_ROUNDS / (took * 1e6) : 1000;
	return rate < 1 ? 1 : (uint64_t)rate;
}

/* ---- The server. */

struct connection {
	int fd;
	unsigned char request[8];
	size_t have;    /* bytes of request read */
	double due;     /* when the pending reply is due; 0: none pending */
};

/* Send conn's reply and log it; false when the connection must close. */
static bool answer(struct io *io, struct connection *conn)
{
	uint64_t unit, reply;
	memcpy(&unit, conn->request, sizeof unit);
	reply = reply_of(unit, io->seed);
	conn->due = 0;
	conn->have = 0;
	atomic_fetch_add(&io->log_sum, reply);
	atomic_fetch_add(&io->log_count, 1);
	return send(conn->fd, &reply, sizeof reply, MSG_NOSIGNAL) == (ssize_t)sizeof reply;
}

/* The server's loop: accept, read requests, answer each when due, until
 * release writes to the wake pipe. Allocates nothing after its start (a
 * fork while it runs must not inherit a held allocator lock). */
static void *server_main(void *arg)
{
	struct io *io = arg;
	static struct connection conns[MAX_CONNECTIONS];
	static struct pollfd fds[MAX_CONNECTIONS + 2];
	static size_t index_of[MAX_CONNECTIONS + 2]; /* poll slot -> connection */
	size_t open = 0;
	for (;;) {
		double now = tvp_now(), next = INFINITY;
		for (size_t i = 0; i < open; i++) {
			if (conns[i].due > 0 && conns[i].due <= now && !answer(io, &conns[i])) {
				close(conns[i].fd);
				conns[i--] = conns[--open];
				continue;
			}
			if (conns[i].due > 0 && conns[i].due < next)
				next = conns[i].due;
		}
		size_t nfds = 0;
		fds[nfds++] = (struct pollfd){.fd = io->wake[0], .events = POLLIN};
		if (open < MAX_CONNECTIONS)
			fds[nfds++] = (struct pollfd){.fd = io->listen_fd, .events = POLLIN};
		size_t first_conn = nfds;
		for (size_t i = 0; i < open; i++)
			if (conns[i].due == 0) {
				index_of[nfds] = i;
				fds[nfds++] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
			}
		struct timespec wait, *timeout = NULL;
		if (next < INFINITY) {
			double left = next - now > 0 ? next - now : 0;
			wait.tv_sec = (time_t)left;
			wait.tv_nsec = (long)((left - (double)wait.tv_sec) * 1e9);
			timeout = &wait;
		}
		if (ppoll(fds, nfds, timeout, NULL) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			break;
		while (first_conn == 2 && (fds[1].revents & POLLIN) && open < MAX_CONNECTIONS) {
			int fd = accept4(io->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd < 0)
				break;
			conns[open++] = (struct connection){.fd = fd};
		}
		/* Read requests; a connection that ends is marked (fd -1), then dropped. */
		for (size_t k = first_conn; k < nfds; k++) {
			if (!fds[k].revents)
				continue;
			struct connection *conn = &conns[index_of[k]];
			ssize_t got = recv(conn->fd, conn->request + conn->have, sizeof conn->request - conn->have, 0);
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got <= 0) {
				close(conn->fd);
				conn->fd = -1;
				continue;
			}
			conn->have += (size_t)got;
			if (conn->have == sizeof conn->request)
				conn->due = tvp_now() + io->delay_s;
		}
		for (size_t i = 0; i < open; i++)
			if (conns[i].fd < 0)
				conns[i--] = conns[--open];
	}
	for (size_t i = 0; i < open; i++)
		close(conns[i].fd);
	return NULL;
}

/* ---- Hogs. */

/* A hog: spin, ticking the published lock while it is published. */
static void *hog_main(void *arg)
{
	struct io *io = ((void **)arg)[0];
	struct tvp_gil_stats *stats = ((void **)arg)[1];
	free(arg);
	volatile uint64_t sink = 0;
	uint64_t x = 1;
	while (!atomic_load(&io->stop)) {
		atomic_fetch_add(&io->inside, 1);
		struct tvp_gil *gil = atomic_load(&io->published);
		if (gil) {
			struct tvp_gil_thread *handle = tvp_gil_enter(gil, stats);
			while (atomic_load_explicit(&io->published, memory_order_relaxed) == gil &&
			       !atomic_load_explicit(&io->stop, memory_order_relaxed))
				for (unsigned i = 0; i < 1000; i++) {
					x = churn(x);
					tvp_gil_tick(handle);
				}
			tvp_gil_leave(handle);
		}
		atomic_fetch_sub(&io->inside, 1);
		for (unsigned i = 0; i < 100000; i++)
			x = churn(x);
		sink = x;
	}
	(void)sink;
	return NULL;
}

/* Start a thread with every signal blocked (tvp's handler runs elsewhere). */
static int start_thread(pthread_t *thread, void *(*main)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(thread, NULL, main, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/* ---- The workload. */

static int io_prepare(struct tvp_job *job)
{
	struct io *io = tvp_xcalloc(1, sizeof *io);
	job->state = io;
	io->listen_fd = io->wake[0] = io->wake[1] = -1;
	io->requests = tvp_param_u64(job, "requests");
	double delay_us = tvp_param_double(job, "delay-us");
	io->work_us = tvp_param_double(job, "work-us");
	uint64_t hogs = tvp_param_u64(job, "cpu-hogs");
	if (io->requests == 0 || io->requests > MAX_REQUESTS)
		return tvp_err(TVP_EUSAGE, "io: --requests must be 1 to %llu", MAX_REQUESTS);
	if (!(delay_us >= 0 && delay_us <= MAX_DELAY_US))
		return tvp_err(TVP_EUSAGE, "io: --delay-us %g is out of range (0 to %g microseconds)", delay_us, MAX_DELAY_US);
	if (!(io->work_us >= 0 && io->work_us <= MAX_WORK_US))
		return tvp_err(TVP_EUSAGE, "io: --work-us %g is out of range (0 to %g microseconds)", io->work_us, MAX_WORK_US);
	if (hogs > MAX_HOGS)
		return tvp_err(TVP_EUSAGE, "io: --cpu-hogs %llu is above %d", (unsigned long long)hogs, MAX_HOGS);
	io->delay_s = delay_us * 1e-6;
	io->hogs = (unsigned)hogs;
	io->seed = 0x7470; /* fixed: the answer is the same on every run */
	io->main_pid = getpid();
	io->rounds_per_us = io->work_us > 0 ? calibrate() : 1;
	job->units = (size_t)io->requests;
	job->default_chunk = 1;

	/* Every worker and the server hold sockets: lift the soft limit on open files. */
	struct rlimit files;
	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}

	static atomic_uint servers;
	io->address.sun_family = AF_UNIX;
	int len = snprintf(io->address.sun_path + 1, sizeof io->address.sun_path - 1, "tvp-io-%ld-%u",
			   (long)io->main_pid, atomic_fetch_add(&servers, 1));
	io->address_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len);
	io->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (io->listen_fd < 0)
		return tvp_syserr(TVP_ERUNTIME, "io: socket");
	if (bind(io->listen_fd, (struct sockaddr *)&io->address, io->address_len) != 0 ||
	    listen(io->listen_fd, MAX_CONNECTIONS) != 0)
		return tvp_syserr(TVP_ERUNTIME, "io: the server's socket");
	if (pipe2(io->wake, O_CLOEXEC) != 0)
		return tvp_syserr(TVP_ERUNTIME, "io: pipe");
	int rc = start_thread(&io->server, server_main, io);
	if (rc)
		return errno = rc, tvp_syserr(TVP_ERUNTIME, "io: starting the server thread");
	io->server_started = true;

	io->hog_stats = tvp_xcalloc(io->hogs ? io->hogs : 1, sizeof *io->hog_stats);
	for (unsigned k = 0; k < io->hogs; k++) {
		void **arg = tvp_xmalloc(2 * sizeof *arg);
		arg[0] = io, arg[1] = &io->hog_stats[k];
		rc = start_thread(&io->hog_threads[k], hog_main, arg);
		if (rc) {
			free(arg);
			return errno = rc, tvp_syserr(TVP_ERUNTIME, "io: starting CPU hog %u", k + 1);
		}
		io->hogs_started++;
	}
	return 0;
}

/* Send all len bytes or receive all len bytes; false on failure or EOF. */
static bool transfer(int fd, void *bytes, size_t len, bool sending)
{
	unsigned char *p = bytes;
	while (len > 0) {
		ssize_t n = sending ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void io_kernel(struct tvp_worker *worker, struct tvp_task task,
		      const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	struct io *io = worker->job->state;
	/* Threads of tvp's own process: let the hogs take this lock too. */
	if (worker->gil && io->hogs && getpid() == io->main_pid &&
	    atomic_load_explicit(&io->published, memory_order_relaxed) == NULL)
		atomic_store(&io->published, tvp_gil_of(worker->gil));

	struct io_part part = {0, 0};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&io->address, io->address_len) != 0) {
		tvp_syserr(TVP_ERUNTIME, "io: connecting to the server");
		if (fd >= 0)
			close(fd);
		return; /* nothing emitted: reduce reports the task */
	}
	uint64_t rounds = (uint64_t)(io->work_us * (double)io->rounds_per_us);
	for (size_t u = task.first; u < task.first + task.count; u++) {
		uint64_t unit = u, reply;
		if (worker->gil)
			tvp_gil_block_begin(worker->gil);
		bool ok = transfer(fd, &unit, sizeof unit, true) && transfer(fd, &reply, sizeof reply, false);
		if (worker->gil)
			tvp_gil_block_end(worker->gil);
		if (!ok) {
			tvp_syserr(TVP_ERUNTIME, "io: request %zu", u);
			close(fd);
			return;
		}
		uint64_t x = reply;
		for (uint64_t r = 0; r < rounds; r++) {
			x = churn(x);
			tvp_tick(worker);
		}
		volatile uint64_t sink = x;
		(void)sink;
		part.sum += reply;
		part.count++;
	}
	close(fd);
	tvp_emit(worker, &part, sizeof part);
}

static size_t io_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	(void)job, (void)task;
	return sizeof(struct io_part);
}

/* Fold the replies; check them against the server's log for this run; let
 * the hogs out of this run's lock. */
static int io_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
		     size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	struct io *io = job->state;
	atomic_store(&io->published, NULL);
	while (atomic_load(&io->inside) > 0)
		sched_yield();

	uint64_t total = 0, count = 0;
	for (size_t k = 0; k < ntasks; k++) {
		struct io_part part;
		if (ordered[k]->buf.len != sizeof part)
			return tvp_err(TVP_ERUNTIME, "io: task at unit %zu returned %zu bytes, not %zu",
				       ordered[k]->first, ordered[k]->buf.len, sizeof part);
		memcpy(&part, ordered[k]->buf.data, sizeof part);
		total += part.sum;
		count += part.count;
	}
	uint64_t log_sum = atomic_load(&io->log_sum), log_count = atomic_load(&io->log_count);
	uint64_t run_sum = log_sum - io->seen_sum, run_count = log_count - io->seen_count;
	io->seen_sum = log_sum, io->seen_count = log_count;
	if (run_count != count || run_sum != total)
		return tvp_err(TVP_ERUNTIME, "io: the workers received %llu replies (sum %llu), the server's log "
			       "says it sent %llu (sum %llu)", (unsigned long long)count, (unsigned long long)total,
			       (unsigned long long)run_count, (unsigned long long)run_sum);
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

/* The reference: the replies computed directly, no server. */
static int io_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct io *io = job->state;
	uint64_t total = 0;
	for (uint64_t u = 0; u < io->requests; u++)
		total += reply_of(u, io->seed);
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

/* Stop the hogs and the server; close the socket (its name goes with it). */
static void io_release(struct tvp_job *job)
{
	struct io *io = job->state;
	if (!io)
		return;
	atomic_store(&io->stop, true);
	atomic_store(&io->published, NULL);
	for (unsigned k = 0; k < io->hogs_started; k++)
		pthread_join(io->hog_threads[k], NULL);
	if (io->server_started) {
		ssize_t rc = write(io->wake[1], "x", 1);
		(void)rc;
		pthread_join(io->server, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (io->wake[i] >= 0)
			close(io->wake[i]);
	if (io->listen_fd >= 0)
		close(io->listen_fd);
	free(io->hog_stats);
	free(io);
	job->state = NULL;
}

const struct tvp_workload tvp_workload_io = {
	.name = "io",
	.summary = "requests to a local server that answers after --delay-us: waiting, not computing (threads win)",
	.reference = "the replies computed without the server, and the server's own log",
	.opts = io_opts,
	.forked_workers_only = true, /* the server is a thread of tvp's process */
	.prepare = io_prepare,
	.reference_answer = io_reference,
	.kernel = io_kernel,
	.result_bound = io_result_bound,
	.reduce = io_reduce,
	.release = io_release,
};
