/* gil.c - the simulated interpreter lock (Python's GIL) that kernels tick. */
#define _GNU_SOURCE
#include "gil.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "measure.h"
#include "util.h"

static const char *const gil_names[] = {
	[TVP_GIL_OFF] = "off",
	[TVP_GIL_MODERN] = "modern",
	[TVP_GIL_LEGACY] = "legacy",
};

const char *tvp_gil_name(enum tvp_gil_mode mode) { return gil_names[mode]; }

int tvp_gil_parse(const char *name, enum tvp_gil_mode *out)
{
	for (size_t i = 0; i < sizeof gil_names / sizeof *gil_names; i++)
		if (strcmp(name, gil_names[i]) == 0) {
			*out = (enum tvp_gil_mode)i;
			return 0;
		}
	return -1;
}

/*
 * The lock and who may change what.
 *
 * A thread is "in the interpreter" while it holds the lock. It enters
 * (tvp_gil_enter: take), runs kernel work that ticks, and leaves
 * (tvp_gil_leave: drop for good). Only inside a tick does a thread drop
 * and take the lock again, so between two ticks a thread either holds it
 * all along or not at all: at most one thread runs locked work at any
 * instant.
 *
 * modern (CPython 3.2+, Python/ceval_gil.c), two states under `mutex`:
 *
 *   FREE       locked = 0. holder = the last thread that held it (or NULL
 *              after a leave).
 *   HELD(T)    locked = 1, holder = T.
 *
 *   FREE -> HELD(T)   take by T, under mutex: locked = 1; if holder != T
 *                     then holder = T (also under switch_mutex) and
 *                     switch_number++ (a handoff); T clears its own
 *                     drop_request; switch_cond is signalled.
 *   HELD(T) -> FREE   drop by T, under mutex: locked = 0, cond signalled.
 *                     Then, if T's drop_request is set and holder is still
 *                     T, T clears its request and sleeps on switch_cond
 *                     until holder != T (forced switching: the waiter gets
 *                     the lock before T can race it back).
 *   HELD(T) -> FREE   leave by T: as drop, with holder = NULL and no wait.
 *
 *   A waiter W sleeps on cond for interval_s at a time. If the wait timed
 *   out, the lock is still HELD and switch_number has not moved, W sets
 *   holder->drop_request (under mutex; holder is alive: it cannot leave
 *   without the mutex). Only the holder reads its own request, at each
 *   tick, without the mutex (an atomic flag); seeing it, it drops (with
 *   the forced switch) and takes again, behind the waiter.
 *
 * legacy (CPython 2, Python/ceval.c with a POSIX semaphore as the lock):
 *
 *   FREE = semaphore 1, HELD = semaphore 0. take = sem_wait, drop =
 *   sem_post. Every `check` locked ticks the holder drops and at once takes
 *   again: no request, no timer, no hand-off. A waiter woken by sem_post
 *   races a holder that is still running; it mostly loses and sleeps again.
 *   holder and slice_start are written only by the thread holding the
 *   semaphore.
 *
 * Both modes: `holder` and `slice_start` change only in take (and leave),
 * by the thread that has just got exclusive hold of the lock. Counters are
 * per thread (struct tvp_gil_stats) and written only by their thread.
 *
 * GIL-free work (free > 0): a segment is `segment` ticks of kernel work;
 * its first (1 - free) part runs locked, its last `free` part with the lock
 * dropped (as between Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS),
 * fractions carried from segment to segment. The kernel does not know.
 *
 * Interpreter state (state_kib > 0): CPython's eval loop writes state
 * shared by every thread of the interpreter (reference counts of shared
 * objects, the thread state, the eval breaker) while it holds the lock.
 * The model: a region of state_kib KiB belonging to the lock; at every
 * locked tick the holder writes the next cache line of it, round the
 * region. After a hand-off to a thread on another core, the lines the new
 * holder writes move to its cache one by one: a cost per hand-off that
 * grows with the size of the state (up to the slice's length in ticks),
 * and vanishes when both threads share one core. The state cursor, like
 * holder, is written only by the thread holding the lock.
 *
 * A process forked from the lock's creator gets a copy in whatever state
 * the fork caught it; the process model's worker start makes it that
 * process's own, fresh and free, with tvp_gil_fresh_for_process (as
 * CPython's _PyEval_ReInitThreads in PyOS_AfterFork_Child).
 */
struct tvp_gil {
	struct tvp_gil_config cfg;
	pid_t owner; /* the process whose lock this is */
	/* modern */
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	pthread_mutex_t switch_mutex;
	pthread_cond_t switch_cond;
	bool locked;
	unsigned long switch_number;
	/* legacy */
	sem_t sem;
	/* both: changed only by the thread that has just taken the lock */
	struct gil_thread *holder;
	double slice_start; /* when the lock last passed to holder */
	unsigned char *state; /* state_kib KiB, cache-line aligned, or NULL */
	size_t state_lines, state_next;
};

/* A thread's handle: the public part first, then gil.c's own. */
struct gil_thread {
	struct tvp_gil_thread pub;
	struct tvp_gil *gil;
	struct tvp_gil_stats *stats;
	bool holding;
	bool free_phase;     /* the current stretch runs with the lock dropped */
	unsigned armed;      /* what countdown was last set to */
	unsigned check_left; /* legacy: locked ticks until the next release */
	unsigned phase_left; /* ticks left in the current locked or free stretch */
	unsigned seg_free;   /* free ticks of the current segment */
	double carry;        /* fractional free ticks carried to the next segment */
};

#define NO_EVENT UINT_MAX

static struct gil_thread *self_of(struct tvp_gil_thread *pub)
{
	return (struct gil_thread *)pub;
}

static void fail(int err, const char *what)
{
	errno = err;
	tvp_syserr(TVP_ERUNTIME, "gil: %s", what);
	_exit(TVP_ERUNTIME);
}

#define CHECK(call, what)                 \
	do {                              \
		int err_ = (call);        \
		if (err_)                 \
			fail(err_, what); \
	} while (0)

/* Fresh primitives, FREE, no holder, owned by the calling process. */
static void gil_init(struct tvp_gil *gil)
{
	pthread_condattr_t attr;
	CHECK(pthread_mutex_init(&gil->mutex, NULL), "mutex");
	CHECK(pthread_mutex_init(&gil->switch_mutex, NULL), "mutex");
	CHECK(pthread_condattr_init(&attr), "condition");
	CHECK(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), "condition clock");
	CHECK(pthread_cond_init(&gil->cond, &attr), "condition");
	CHECK(pthread_cond_init(&gil->switch_cond, NULL), "condition");
	pthread_condattr_destroy(&attr);
	if (sem_init(&gil->sem, 0, 1) != 0)
		fail(errno, "semaphore");
	gil->locked = false;
	gil->switch_number = 0;
	gil->holder = NULL;
	gil->slice_start = 0;
	gil->owner = getpid();
}

void tvp_gil_fresh_for_process(struct tvp_gil *gil)
{
	if (gil)
		gil_init(gil);
}

struct tvp_gil *tvp_gil_create(const struct tvp_gil_config *cfg)
{
	if (cfg->mode == TVP_GIL_OFF)
		return NULL;
	struct tvp_gil *gil = tvp_xcalloc(1, sizeof *gil);
	gil->cfg = *cfg;
	if (gil->cfg.check == 0)
		gil->cfg.check = TVP_GIL_CHECK;
	if (gil->cfg.segment == 0)
		gil->cfg.segment = TVP_GIL_SEGMENT;
	if (!(gil->cfg.interval_s > 0))
		gil->cfg.interval_s = TVP_GIL_INTERVAL_MS / 1000;
	if (gil->cfg.state_kib > TVP_GIL_STATE_MAX_KIB)
		gil->cfg.state_kib = TVP_GIL_STATE_MAX_KIB;
	if (gil->cfg.state_kib) {
		size_t bytes = (size_t)gil->cfg.state_kib * 1024;
		gil->state = aligned_alloc(TVP_GIL_STATE_LINE, bytes);
		if (!gil->state)
			fail(ENOMEM, "interpreter state");
		memset(gil->state, 0, bytes);
		gil->state_lines = bytes / TVP_GIL_STATE_LINE;
	}
	gil_init(gil);
	return gil;
}

void tvp_gil_destroy(struct tvp_gil *gil)
{
	if (!gil)
		return;
	if (gil->owner == getpid()) {
		pthread_cond_destroy(&gil->cond);
		pthread_cond_destroy(&gil->switch_cond);
		pthread_mutex_destroy(&gil->mutex);
		pthread_mutex_destroy(&gil->switch_mutex);
		sem_destroy(&gil->sem);
	}
	free(gil->state);
	free(gil);
}

/* ---- Slices. */

void tvp_gil_count_slice(struct tvp_gil_stats *stats, double seconds)
{
	int bucket = 0;
	if (seconds > 0) {
		double at = (log2(seconds) - TVP_GIL_SLICE_LOG2_MIN) * TVP_GIL_SLICE_PER_OCTAVE;
		bucket = at < 0 ? 0 : at >= TVP_GIL_SLICE_BUCKETS ? TVP_GIL_SLICE_BUCKETS - 1 : (int)at;
	}
	stats->slice_hist[bucket]++;
	stats->slices++;
}

double tvp_gil_median_slice(const struct tvp_gil_stats *stats)
{
	uint64_t total = 0, seen = 0;
	for (int b = 0; b < TVP_GIL_SLICE_BUCKETS; b++)
		total += stats->slice_hist[b];
	if (total == 0)
		return 0;
	for (int b = 0; b < TVP_GIL_SLICE_BUCKETS; b++) {
		seen += stats->slice_hist[b];
		if (2 * seen >= total) /* the bucket of the (lower) median */
			return exp2(TVP_GIL_SLICE_LOG2_MIN + (b + 0.5) / TVP_GIL_SLICE_PER_OCTAVE);
	}
	return 0;
}

void tvp_gil_stats_add(struct tvp_gil_stats *into, const struct tvp_gil_stats *from)
{
	into->acquisitions += from->acquisitions;
	into->handoffs += from->handoffs;
	into->retakes += from->retakes;
	into->idle_takes += from->idle_takes;
	into->drop_requests += from->drop_requests;
	into->forced_drops += from->forced_drops;
	into->free_segments += from->free_segments;
	into->ticks += from->ticks;
	into->free_ticks += from->free_ticks;
	into->slices += from->slices;
	into->state_touches += from->state_touches;
	into->wait_s += from->wait_s;
	into->switch_wait_s += from->switch_wait_s;
	for (int b = 0; b < TVP_GIL_SLICE_BUCKETS; b++)
		into->slice_hist[b] += from->slice_hist[b];
}

/* ---- Take and drop. */

/* The caller has just got exclusive hold of the lock: count the take,
 * close the previous holder's slice on a handoff, become the holder. */
static void note_take(struct tvp_gil *gil, struct gil_thread *self)
{
	struct gil_thread *previous = gil->holder;
	self->stats->acquisitions++;
	self->holding = true;
	if (previous == self) {
		self->stats->retakes++;
		return;
	}
	double now = tvp_now();
	if (previous) {
		self->stats->handoffs++;
		tvp_gil_count_slice(self->stats, now - gil->slice_start);
	} else {
		self->stats->idle_takes++;
	}
	gil->slice_start = now;
	gil->holder = self;
	gil->switch_number++;
}

static struct timespec deadline_after(double seconds)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double whole = floor(seconds);
	ts.tv_sec += (time_t)whole;
	ts.tv_nsec += (long)((seconds - whole) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void modern_take(struct tvp_gil *gil, struct gil_thread *self)
{
	CHECK(pthread_mutex_lock(&gil->mutex), "lock");
	if (gil->locked) {
		double start = tvp_now();
		while (gil->locked) {
			unsigned long saved = gil->switch_number;
			struct timespec deadline = deadline_after(gil->cfg.interval_s);
			int rc = pthread_cond_timedwait(&gil->cond, &gil->mutex, &deadline);
			if (rc && rc != ETIMEDOUT)
				fail(rc, "wait");
			/* Timed out, still held, no switch meanwhile: ask the holder. */
			if (rc == ETIMEDOUT && gil->locked && gil->switch_number == saved) {
				atomic_store_explicit(&gil->holder->pub.drop_request, true,
						      memory_order_relaxed);
				self->stats->drop_requests++;
			}
		}
		self->stats->wait_s += tvp_now() - start;
	}
	CHECK(pthread_mutex_lock(&gil->switch_mutex), "lock");
	gil->locked = true;
	note_take(gil, self);
	pthread_cond_signal(&gil->switch_cond);
	CHECK(pthread_mutex_unlock(&gil->switch_mutex), "unlock");
	atomic_store_explicit(&self->pub.drop_request, false, memory_order_relaxed);
	CHECK(pthread_mutex_unlock(&gil->mutex), "unlock");
}

/* Drop the lock; with a drop request pending, wait until another thread
 * has taken it (forced switching). */
static void modern_drop(struct tvp_gil *gil, struct gil_thread *self)
{
	self->holding = false;
	CHECK(pthread_mutex_lock(&gil->mutex), "lock");
	gil->locked = false;
	pthread_cond_signal(&gil->cond);
	CHECK(pthread_mutex_unlock(&gil->mutex), "unlock");

	if (!atomic_load_explicit(&self->pub.drop_request, memory_order_relaxed))
		return;
	CHECK(pthread_mutex_lock(&gil->switch_mutex), "lock");
	atomic_store_explicit(&self->pub.drop_request, false, memory_order_relaxed);
	if (gil->holder == self) {
		double start = tvp_now();
		while (gil->holder == self)
			CHECK(pthread_cond_wait(&gil->switch_cond, &gil->switch_mutex), "wait");
		self->stats->switch_wait_s += tvp_now() - start;
	}
	CHECK(pthread_mutex_unlock(&gil->switch_mutex), "unlock");
}

static void legacy_take(struct tvp_gil *gil, struct gil_thread *self)
{
	if (sem_trywait(&gil->sem) != 0) {
		double start = tvp_now();
		while (sem_wait(&gil->sem) != 0)
			if (errno != EINTR)
				fail(errno, "semaphore wait");
		self->stats->wait_s += tvp_now() - start;
	}
	note_take(gil, self);
}

static void legacy_drop(struct tvp_gil *gil, struct gil_thread *self)
{
	self->holding = false;
	if (sem_post(&gil->sem) != 0)
		fail(errno, "semaphore post");
}

static void take(struct gil_thread *self)
{
	if (self->gil->cfg.mode == TVP_GIL_MODERN)
		modern_take(self->gil, self);
	else
		legacy_take(self->gil, self);
}

static void drop(struct gil_thread *self)
{
	if (self->gil->cfg.mode == TVP_GIL_MODERN)
		modern_drop(self->gil, self);
	else
		legacy_drop(self->gil, self);
}

/* ---- Ticks. */

/* Whether each tick writes a line of the interpreter state now: the
 * thread holds the lock and runs locked work. */
static bool writes_state(const struct gil_thread *self)
{
	return self->gil->state && self->holding && !self->free_phase;
}

/* One locked tick's write: the next line of the state, round the region. */
static void write_state(struct gil_thread *self)
{
	struct tvp_gil *gil = self->gil;
	volatile unsigned char *line = gil->state + gil->state_next * TVP_GIL_STATE_LINE;
	*line = (unsigned char)(*line + 1);
	if (++gil->state_next == gil->state_lines)
		gil->state_next = 0;
	self->stats->state_touches++;
}

/* Set countdown to the number of ticks until the next thing is due. */
static void arm(struct gil_thread *self)
{
	const struct tvp_gil_config *cfg = &self->gil->cfg;
	unsigned next = NO_EVENT;
	if (writes_state(self))
		next = 1;
	else if (cfg->mode == TVP_GIL_LEGACY && self->holding)
		next = self->check_left;
	if (cfg->free > 0 && self->phase_left < next)
		next = self->phase_left;
	self->armed = next;
	self->pub.countdown = next;
}

/* The next segment: how many of its ticks run free (fractions carried). */
static void next_segment(struct gil_thread *self)
{
	const struct tvp_gil_config *cfg = &self->gil->cfg;
	self->carry += cfg->free * cfg->segment;
	double whole = floor(self->carry);
	self->carry -= whole;
	self->seg_free = whole >= cfg->segment ? cfg->segment : (unsigned)whole;
}

/* The current stretch is over: move to the next non-empty one, dropping
 * or taking the lock when the stretch kind changes. */
static void next_stretch(struct gil_thread *self)
{
	unsigned segment = self->gil->cfg.segment;
	do {
		if (!self->free_phase) {
			self->free_phase = true;
			self->phase_left = self->seg_free;
		} else {
			next_segment(self);
			self->free_phase = false;
			self->phase_left = segment - self->seg_free;
		}
	} while (self->phase_left == 0);
	if (self->free_phase && self->holding) {
		self->stats->free_segments++;
		drop(self);
	} else if (!self->free_phase && !self->holding) {
		take(self);
	}
}

void tvp_gil_tick_slow(struct tvp_gil_thread *pub)
{
	struct gil_thread *self = self_of(pub);
	const struct tvp_gil_config *cfg = &self->gil->cfg;
	unsigned ran = self->armed - pub->countdown;
	if (writes_state(self))
		write_state(self); /* armed at 1: the tick that ran was locked */
	self->stats->ticks += ran;
	if (self->free_phase)
		self->stats->free_ticks += ran;
	else if (cfg->mode == TVP_GIL_LEGACY)
		self->check_left -= ran;
	if (cfg->free > 0)
		self->phase_left -= ran;

	/* modern: a waiter asked the holder to drop. */
	if (atomic_load_explicit(&pub->drop_request, memory_order_relaxed)) {
		if (self->holding) {
			self->stats->forced_drops++;
			drop(self);
			take(self);
		} else {
			atomic_store_explicit(&pub->drop_request, false, memory_order_relaxed);
		}
	}
	/* legacy: the check interval is up: release, and at once retake. */
	if (cfg->mode == TVP_GIL_LEGACY && self->holding && self->check_left == 0) {
		drop(self);
		take(self);
		self->check_left = cfg->check;
	}
	if (cfg->free > 0 && self->phase_left == 0)
		next_stretch(self);
	arm(self);
}

/* ---- Entering and leaving. */

struct tvp_gil_thread *tvp_gil_enter(struct tvp_gil *gil, struct tvp_gil_stats *stats)
{
	struct gil_thread *self = aligned_alloc(64, (sizeof *self + 63) / 64 * 64);
	if (!self)
		fail(ENOMEM, "thread handle");
	memset(self, 0, sizeof *self);
	atomic_init(&self->pub.drop_request, false);
	self->gil = gil;
	self->stats = stats;
	self->check_left = gil->cfg.check;
	take(self);
	if (gil->cfg.free > 0) {
		next_segment(self);
		self->phase_left = gil->cfg.segment - self->seg_free;
		if (self->phase_left == 0)
			next_stretch(self);
	}
	arm(self);
	return &self->pub;
}

void tvp_gil_leave(struct tvp_gil_thread *pub)
{
	struct gil_thread *self = self_of(pub);
	struct tvp_gil *gil = self->gil;
	/* Count the ticks since the last slow path. */
	self->stats->ticks += self->armed - pub->countdown;
	if (self->free_phase)
		self->stats->free_ticks += self->armed - pub->countdown;
	if (self->holding) {
		tvp_gil_count_slice(self->stats, tvp_now() - gil->slice_start);
		self->holding = false;
		if (gil->cfg.mode == TVP_GIL_MODERN) {
			CHECK(pthread_mutex_lock(&gil->mutex), "lock");
			CHECK(pthread_mutex_lock(&gil->switch_mutex), "lock");
			gil->holder = NULL;
			gil->locked = false;
			pthread_cond_signal(&gil->cond);
			CHECK(pthread_mutex_unlock(&gil->switch_mutex), "unlock");
			CHECK(pthread_mutex_unlock(&gil->mutex), "unlock");
		} else {
			gil->holder = NULL;
			legacy_drop(gil, self);
		}
	}
	free(self);
}

bool tvp_gil_holding(const struct tvp_gil_thread *pub)
{
	return ((const struct gil_thread *)pub)->holding;
}

/* ---- Blocking calls. */

void tvp_gil_block_begin(struct tvp_gil_thread *pub)
{
	struct gil_thread *self = self_of(pub);
	if (self->holding)
		drop(self);
}

void tvp_gil_block_end(struct tvp_gil_thread *pub)
{
	struct gil_thread *self = self_of(pub);
	if (!self->holding && !self->free_phase)
		take(self);
}

struct tvp_gil *tvp_gil_of(const struct tvp_gil_thread *pub)
{
	return ((const struct gil_thread *)pub)->gil;
}
