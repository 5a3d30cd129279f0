/* semprobe.c - an LD_PRELOAD probe: who takes each POSIX semaphore, and when.
 *
 * CPython 2 builds its GIL from a POSIX semaphore (Python/thread_pthread.h,
 * USE_SEMAPHORES): take is sem_wait (or sem_trywait), drop is sem_post. So
 * the semaphore's own history is the GIL's: each successful take by a
 * thread other than the previous taker is a hand-off, and the time between
 * two hand-offs is a slice. tvp --gil legacy is built the same way, so the
 * probe measures both with one instrument (tvp's own counters check it).
 *
 *   LD_PRELOAD=build/semprobe.so TVP_SEMPROBE_OUT=probe.json python2 primes.py ...
 *
 * At exit each process appends one JSON line for its busiest semaphore (the
 * GIL, in a threaded Python program): takes, hand-offs, the median slice,
 * and the time from the first hand-off to the last. Without
 * TVP_SEMPROBE_OUT it writes nothing.
 *
 * Updates are atomic: a semaphore used as a signal (taken by one thread,
 * posted by another) can be taken by two threads in quick succession, and
 * the probe must not crash or corrupt memory then; for a semaphore used as
 * a lock, as the GIL is, the lock itself orders them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 64               /* semaphores tracked; a power of two */
#define MAX_SLICES (1u << 23)  /* slices kept per semaphore (64 MiB, mapped lazily) */

struct sem_slot {
	sem_t *sem;            /* NULL: free */
	uint64_t takes;
	uint64_t handoffs;
	long last_tid;         /* the thread that took it last */
	double slice_start;    /* when it last passed to another thread */
	double first_handoff, last_handoff;
	uint32_t nslices;
	double *slices;        /* MAX_SLICES, mapped on the first hand-off */
};

static struct sem_slot slots[SLOTS];
static int (*real_wait)(sem_t *);
static int (*real_trywait)(sem_t *);
static int (*real_timedwait)(sem_t *, const struct timespec *);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *resolve(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (!f) {
		static const char msg[] = "semprobe: cannot find the real semaphore functions\n";
		if (write(2, msg, sizeof msg - 1) < 0) {
			/* nothing more to say */
		}
		_exit(2);
	}
	return f;
}

static struct sem_slot *slot_of(sem_t *sem)
{
	uintptr_t h = ((uintptr_t)sem >> 4) * 0x9E3779B97F4A7C15ull;
	for (unsigned i = 0; i < SLOTS; i++) {
		struct sem_slot *s = &slots[(h + i) & (SLOTS - 1)];
		sem_t *seen = __atomic_load_n(&s->sem, __ATOMIC_ACQUIRE);
		if (seen == sem)
			return s;
		if (seen == NULL) {
			sem_t *expected = NULL;
			if (__atomic_compare_exchange_n(&s->sem, &expected, sem, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
			    expected == sem)
				return s;
		}
	}
	return NULL; /* table full: not tracked */
}

/* sem was just taken by the calling thread. */
static void taken(sem_t *sem)
{
	struct sem_slot *s = slot_of(sem);
	if (!s)
		return;
	static __thread long tid;
	if (!tid)
		tid = syscall(SYS_gettid);
	__atomic_fetch_add(&s->takes, 1, __ATOMIC_RELAXED);
	long previous = __atomic_exchange_n(&s->last_tid, tid, __ATOMIC_RELAXED);
	if (previous == tid)
		return;
	double t = now();
	double start;
	__atomic_exchange(&s->slice_start, &t, &start, __ATOMIC_RELAXED);
	if (previous == 0)
		return; /* the first take: no slice before it */
	uint64_t n = __atomic_fetch_add(&s->handoffs, 1, __ATOMIC_RELAXED);
	if (n == 0)
		s->first_handoff = t;
	s->last_handoff = t;
	double *slices = __atomic_load_n(&s->slices, __ATOMIC_ACQUIRE);
	if (!slices) {
		void *m = mmap(NULL, MAX_SLICES * sizeof(double), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			return;
		void *expected = NULL;
		if (!__atomic_compare_exchange_n(&s->slices, &expected, m, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			munmap(m, MAX_SLICES * sizeof(double));
			m = expected;
		}
		slices = m;
	}
	uint32_t i = __atomic_fetch_add(&s->nslices, 1, __ATOMIC_RELAXED);
	if (i < MAX_SLICES)
		slices[i] = t - start;
}

int sem_wait(sem_t *sem)
{
	if (!real_wait)
		real_wait = resolve("sem_wait");
	int rc = real_wait(sem);
	if (rc == 0)
		taken(sem);
	return rc;
}

int sem_trywait(sem_t *sem)
{
	if (!real_trywait)
		real_trywait = resolve("sem_trywait");
	int rc = real_trywait(sem);
	if (rc == 0)
		taken(sem);
	return rc;
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	if (!real_timedwait)
		real_timedwait = resolve("sem_timedwait");
	int rc = real_timedwait(sem, abstime);
	if (rc == 0)
		taken(sem);
	return rc;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

__attribute__((destructor)) static void report(void)
{
	const char *out = getenv("TVP_SEMPROBE_OUT");
	if (!out || !*out)
		return;
	struct sem_slot *busiest = NULL;
	for (unsigned i = 0; i < SLOTS; i++)
		if (slots[i].sem && (!busiest || slots[i].takes > busiest->takes))
			busiest = &slots[i];
	uint64_t takes = 0, handoffs = 0;
	double median = 0, span = 0;
	if (busiest) {
		takes = busiest->takes;
		handoffs = busiest->handoffs;
		uint32_t n = busiest->nslices < MAX_SLICES ? busiest->nslices : MAX_SLICES;
		if (n > 0) {
			qsort(busiest->slices, n, sizeof(double), by_value);
			median = n % 2 ? busiest->slices[n / 2]
				       : (busiest->slices[n / 2 - 1] + busiest->slices[n / 2]) / 2;
		}
		if (handoffs > 1)
			span = busiest->last_handoff - busiest->first_handoff;
	}
	unsigned used = 0;
	for (unsigned i = 0; i < SLOTS; i++)
		used += slots[i].sem != NULL;
	char line[512];
	int len = snprintf(line, sizeof line,
		       "{\"pid\": %ld, \"semaphores\": %u, \"takes\": %llu, \"handoffs\": %llu, "
		       "\"median_slice_s\": %.9f, \"handoff_span_s\": %.6f}\n",
		       (long)getpid(), used, (unsigned long long)takes,
		       (unsigned long long)handoffs, median, span);
	int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (len > 0 && write(fd, line, (size_t)len) < 0) {
		/* a probe cannot do more than try */
	}
	close(fd);
}
