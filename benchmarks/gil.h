/* gil.h - the simulated interpreter lock (Python's GIL) that kernels tick. */
#ifndef TVP_GIL_H
#define TVP_GIL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum tvp_gil_mode {
	TVP_GIL_OFF,    /* no lock: C threads, or free-threaded CPython 3.13t */
	TVP_GIL_MODERN, /* CPython 3.2+: timed drop requests, forced switching */
	TVP_GIL_LEGACY, /* CPython 2: release and retake every --gil-check ticks */
};
const char *tvp_gil_name(enum tvp_gil_mode mode);
int tvp_gil_parse(const char *name, enum tvp_gil_mode *out);

#define TVP_GIL_INTERVAL_MS 5.0  /* CPython's sys.getswitchinterval(): 5 ms */
#define TVP_GIL_CHECK 100        /* CPython 2's sys.getcheckinterval(): 100 */
#define TVP_GIL_SEGMENT 10000    /* ticks per locked + GIL-free segment */

/* How a lock behaves: the --gil options. */
struct tvp_gil_config {
	enum tvp_gil_mode mode;
	double interval_s; /* modern: wait this long before asking for a drop */
	unsigned check;    /* legacy: release and retake every `check` ticks */
	double free;       /* fraction of the ticks run with the lock released */
	unsigned segment;  /* ticks per segment: (1-free) locked, then free */
	unsigned state_kib; /* interpreter state: KiB the holder writes, a line per tick */
};

#define TVP_GIL_STATE_LINE 64         /* bytes: one cache line of the state */
#define TVP_GIL_STATE_MAX_KIB 65536   /* 64 MiB: more than any cache */

/* Slice lengths are counted in a histogram: 8 buckets per octave from
 * 2^-24 s (60 ns) up, so the median is known to within 5%. */
#define TVP_GIL_SLICE_BUCKETS 240
#define TVP_GIL_SLICE_PER_OCTAVE 8
#define TVP_GIL_SLICE_LOG2_MIN (-24)

/* One thread's counters for one run. Only that thread writes them. */
struct tvp_gil_stats {
	uint64_t acquisitions;  /* takes of the lock = handoffs + retakes + idle_takes */
	uint64_t handoffs;      /* takes right after another thread held it */
	uint64_t retakes;       /* takes right after this thread itself held it */
	uint64_t idle_takes;    /* takes of a lock nobody had held (or had left) */
	uint64_t drop_requests; /* modern: requests this thread made while waiting */
	uint64_t forced_drops;  /* modern: drops this thread made on request */
	uint64_t free_segments; /* stretches of work run with the lock released */
	uint64_t ticks, free_ticks;
	uint64_t slices;        /* slices this thread measured (at its handoffs) */
	uint64_t state_touches; /* lines of the interpreter state written (one per locked tick) */
	double wait_s;          /* waiting to take the lock */
	double switch_wait_s;   /* modern: after a forced drop, waiting for a taker */
	uint32_t slice_hist[TVP_GIL_SLICE_BUCKETS];
};

/* A process's lock; threads of the process share it. */
struct tvp_gil;

/* One thread's handle on its process's lock. The first fields are read by
 * the inline tick; the rest belong to gil.c. */
struct tvp_gil_thread {
	unsigned countdown;       /* ticks until the slow path must look */
	atomic_bool drop_request; /* set by a waiter (under the lock's mutex) */
};

/* A lock as cfg says, or NULL when cfg->mode is off. Exits on failure. */
struct tvp_gil *tvp_gil_create(const struct tvp_gil_config *cfg);
void tvp_gil_destroy(struct tvp_gil *gil);

/* In a process just forked from the lock's process, with one thread:
 * make the copy of gil this process's own lock, fresh and free, whatever
 * state the fork caught it in (each process has its own lock). NULL: no
 * lock (--gil off), nothing to do. */
void tvp_gil_fresh_for_process(struct tvp_gil *gil);

/* The calling thread enters the interpreter: takes gil (waiting as the
 * mode says) and returns its handle; counters go to stats. */
struct tvp_gil_thread *tvp_gil_enter(struct tvp_gil *gil, struct tvp_gil_stats *stats);

/* The thread leaves for good: drops the lock if it holds it (no forced
 * switch, as a Python thread that ends), frees the handle. */
void tvp_gil_leave(struct tvp_gil_thread *thread);

/* Around a blocking call, as CPython's Py_BEGIN/END_ALLOW_THREADS: begin
 * drops the lock if the thread holds it (honouring a pending drop request,
 * as CPython's drop_gil does); end takes it back (waiting as the mode says)
 * unless the thread is in a GIL-free stretch. Call them in pairs. */
void tvp_gil_block_begin(struct tvp_gil_thread *thread);
void tvp_gil_block_end(struct tvp_gil_thread *thread);

/* The lock thread's handle belongs to: another thread of the same process
 * may tvp_gil_enter it. */
struct tvp_gil *tvp_gil_of(const struct tvp_gil_thread *thread);

/* Whether the thread holds the lock now (between ticks this cannot change). */
bool tvp_gil_holding(const struct tvp_gil_thread *thread);

/* The tick's slow path: drop requests, check intervals, GIL-free segments. */
void tvp_gil_tick_slow(struct tvp_gil_thread *thread);

/* The tick hook: called by kernels at a fixed amount of work. Costs a
 * decrement and a load until something is due. */
static inline void tvp_gil_tick(struct tvp_gil_thread *thread)
{
	if (--thread->countdown == 0 ||
	    atomic_load_explicit(&thread->drop_request, memory_order_relaxed))
		tvp_gil_tick_slow(thread);
}

/* Count one slice of `seconds` into stats' histogram. */
void tvp_gil_count_slice(struct tvp_gil_stats *stats, double seconds);

/* into += from, counter by counter. */
void tvp_gil_stats_add(struct tvp_gil_stats *into, const struct tvp_gil_stats *from);

/* The median slice of the histogram in seconds (0 when there is none). */
double tvp_gil_median_slice(const struct tvp_gil_stats *stats);

#endif
