/* test_gil.c - the simulated GIL: mutual exclusion, drop requests, counters that add up. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../benchmarks/measure.h"
#include "gil_exercise.h"

static const struct tvp_gil_config modern_fast = {TVP_GIL_MODERN, 0.0005, 100, 0, 100, 0};

/* The counters' identity: every take is a hand-off, a retake or idle. */
static void assert_takes_add_up(const struct tvp_gil_stats *g)
{
	cr_assert_eq(g->acquisitions, g->handoffs + g->retakes + g->idle_takes,
		     "acquisitions %llu != handoffs %llu + retakes %llu + idle %llu",
		     (unsigned long long)g->acquisitions, (unsigned long long)g->handoffs,
		     (unsigned long long)g->retakes, (unsigned long long)g->idle_takes);
}

static void assert_exclusive(const struct exercise *ex)
{
	cr_assert_eq(atomic_load(&ex->most_inside), 1, "%d threads were inside at once",
		     atomic_load(&ex->most_inside));
	cr_assert_eq(ex->plain, exercise_locked_steps(ex), "lost updates: %lu of %lu",
		     ex->plain, exercise_locked_steps(ex));
}

Test(gil, modern_lets_one_thread_in_at_a_time_and_switches)
{
	static struct exercise ex;
	cr_assert_eq(exercise_run(&ex, &modern_fast, 4, 200000), 0);
	assert_exclusive(&ex);
	struct tvp_gil_stats g = exercise_total(&ex);
	assert_takes_add_up(&g);
	cr_assert_eq(g.ticks, 4 * 200000ULL, "ticks %llu", (unsigned long long)g.ticks);
	/* Each thread ran locked at every step: no GIL-free work asked for. */
	cr_assert_eq(exercise_locked_steps(&ex), 4 * 200000UL);
	/* Four threads wanting the lock for longer than an interval: waiters
	 * ask, holders drop, the lock changes hands. */
	cr_assert_gt(g.drop_requests, 0);
	cr_assert_gt(g.forced_drops, 0);
	cr_assert_gt(g.handoffs, 0);
	cr_assert_geq(g.slices, g.handoffs, "every hand-off closes a slice");
}

Test(gil, legacy_lets_one_thread_in_at_a_time)
{
	static struct exercise ex;
	struct tvp_gil_config cfg = {TVP_GIL_LEGACY, 0.005, 1, 0, 100, 0};
	cr_assert_eq(exercise_run(&ex, &cfg, 4, 100000), 0);
	assert_exclusive(&ex);
	struct tvp_gil_stats g = exercise_total(&ex);
	assert_takes_add_up(&g);
	cr_assert_eq(g.drop_requests, 0, "legacy has no drop requests");
	/* check 1: a release and a take after every locked tick */
	cr_assert_eq(g.acquisitions, 4 + 4 * 100000ULL, "acquisitions %llu",
		     (unsigned long long)g.acquisitions);
}

Test(gil, gil_free_work_runs_outside_and_inside_stays_exclusive)
{
	static struct exercise ex;
	struct tvp_gil_config modern = {TVP_GIL_MODERN, 0.0005, 100, 0.5, 10, 0};
	cr_assert_eq(exercise_run(&ex, &modern, 4, 100000), 0);
	assert_exclusive(&ex);
	struct tvp_gil_stats g = exercise_total(&ex);
	assert_takes_add_up(&g);
	cr_assert_eq(g.free_ticks, 4 * 50000ULL, "free ticks %llu", (unsigned long long)g.free_ticks);

	struct tvp_gil_config legacy = {TVP_GIL_LEGACY, 0.005, 10, 0.25, 4, 0};
	cr_assert_eq(exercise_run(&ex, &legacy, 4, 100000), 0);
	assert_exclusive(&ex);
	g = exercise_total(&ex);
	assert_takes_add_up(&g);
	cr_assert_eq(g.free_ticks, 4 * 25000ULL, "free ticks %llu", (unsigned long long)g.free_ticks);
}

/* ---- One thread: the counters are exact. */

static struct tvp_gil_stats alone(struct tvp_gil_config cfg, unsigned long ticks);

static struct tvp_gil_stats alone(struct tvp_gil_config cfg, unsigned long ticks)
{
	static struct exercise ex;
	cr_assert_eq(exercise_run(&ex, &cfg, 1, ticks), 0);
	return ex.stats[0];
}

Test(gil, legacy_alone_retakes_every_check_ticks)
{
	struct tvp_gil_stats g = alone((struct tvp_gil_config){TVP_GIL_LEGACY, 0.005, 10, 0, 100, 0}, 1000);
	cr_assert_eq(g.acquisitions, 101);
	cr_assert_eq(g.idle_takes, 1);
	cr_assert_eq(g.retakes, 100);
	cr_assert_eq(g.handoffs, 0);
	cr_assert_eq(g.ticks, 1000);
	cr_assert_eq(g.slices, 1, "one slice, closed when the thread leaves");
}

Test(gil, modern_alone_takes_once)
{
	struct tvp_gil_stats g = alone(modern_fast, 100000);
	cr_assert_eq(g.acquisitions, 1);
	cr_assert_eq(g.idle_takes, 1);
	cr_assert_eq(g.drop_requests, 0);
	cr_assert_eq(g.forced_drops, 0);
	cr_assert_eq(g.ticks, 100000);
}

Test(gil, free_fraction_cuts_segments_as_asked)
{
	/* Half of every 10-tick segment free: 5 locked, then 5 free. */
	struct tvp_gil_stats g = alone((struct tvp_gil_config){TVP_GIL_MODERN, 0.005, 100, 0.5, 10, 0}, 1000);
	cr_assert_eq(g.free_segments, 100);
	cr_assert_eq(g.free_ticks, 500);
	cr_assert_eq(g.acquisitions, 101, "the enter, and a retake after each free stretch");
	assert_takes_add_up(&g);

	/* A quarter, tick by tick: fractions carry from segment to segment. */
	g = alone((struct tvp_gil_config){TVP_GIL_LEGACY, 0.005, 100, 0.25, 1, 0}, 1000);
	cr_assert_eq(g.free_ticks, 250);
	cr_assert_eq(g.free_segments, 250);

	/* All free: dropped once, at the start, never taken again. */
	g = alone((struct tvp_gil_config){TVP_GIL_MODERN, 0.005, 100, 1.0, 10, 0}, 1000);
	cr_assert_eq(g.acquisitions, 1);
	cr_assert_eq(g.free_segments, 1);
	cr_assert_eq(g.free_ticks, 1000);
}

/* ---- A waiter is let in within a few intervals. */

struct hog {
	struct tvp_gil *gil;
	struct tvp_gil_stats stats;
	atomic_bool holding, stop;
};

/* Holds the lock and ticks until told to stop (or 20 s, a safety net). */
static void *hog_main(void *arg)
{
	struct hog *h = arg;
	struct tvp_gil_thread *me = tvp_gil_enter(h->gil, &h->stats);
	atomic_store(&h->holding, true);
	double give_up = tvp_now() + 20;
	while (!atomic_load(&h->stop) && tvp_now() < give_up) {
		exercise_work();
		tvp_gil_tick(me);
	}
	tvp_gil_leave(me);
	return NULL;
}

Test(gil, modern_waiter_gets_the_lock_within_a_few_intervals)
{
	struct tvp_gil_config cfg = {TVP_GIL_MODERN, 0.005, 100, 0, 100, 0};
	static struct hog h;
	memset(&h, 0, sizeof h);
	h.gil = tvp_gil_create(&cfg);
	pthread_t hog;
	cr_assert_eq(pthread_create(&hog, NULL, hog_main, &h), 0);
	while (!atomic_load(&h.holding))
		usleep(100);

	struct tvp_gil_stats mine;
	memset(&mine, 0, sizeof mine);
	double start = tvp_now();
	struct tvp_gil_thread *me = tvp_gil_enter(h.gil, &mine);
	double waited = tvp_now() - start;
	atomic_store(&h.stop, true);
	tvp_gil_leave(me);
	pthread_join(hog, NULL);
	tvp_gil_destroy(h.gil);

	/* The holder never lets go by itself: only a drop request gets the
	 * waiter in. One interval passes, the waiter asks, the holder drops at
	 * its next tick and waits until the waiter has taken the lock. A busy
	 * machine may let the waiter ask more than once before the holder runs. */
	cr_assert_eq(mine.handoffs, 1);
	cr_assert_geq(mine.drop_requests, 1);
	cr_assert_leq(mine.drop_requests, 5, "waited %.1f ms and asked %llu times", waited * 1000,
		      (unsigned long long)mine.drop_requests);
	cr_assert_geq(h.stats.forced_drops, 1);
	cr_assert_lt(waited, 10.0, "the waiter starved for %.1f s", waited);
}

/* ---- Each process has its own lock. */

Test(gil, a_forked_child_has_its_own_free_lock)
{
	struct tvp_gil_config cfg = {TVP_GIL_LEGACY, 0.005, 100, 0, 100, 0};
	struct tvp_gil *gil = tvp_gil_create(&cfg);
	struct tvp_gil_stats parent_stats, child_stats;
	memset(&parent_stats, 0, sizeof parent_stats);
	struct tvp_gil_thread *me = tvp_gil_enter(gil, &parent_stats);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* The parent holds its lock; this copy must be free. */
		memset(&child_stats, 0, sizeof child_stats);
		alarm(10);
		tvp_gil_fresh_for_process(gil); /* as a process model's worker starts */
		struct tvp_gil_thread *child = tvp_gil_enter(gil, &child_stats);
		tvp_gil_leave(child);
		_exit(child_stats.idle_takes == 1 && child_stats.wait_s == 0 ? 0 : 3);
	}
	int wstatus;
	cr_assert_eq(waitpid(pid, &wstatus, 0), pid);
	tvp_gil_leave(me);
	tvp_gil_destroy(gil);
	cr_assert(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "child wait status %d", wstatus);
}

/* ---- Slices. */

Test(gil, median_slice_is_within_five_percent)
{
	const double lengths[] = {0.00016, 0.0051, 0.0006, 0.05, 2.0};
	for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
		struct tvp_gil_stats g;
		memset(&g, 0, sizeof g);
		tvp_gil_count_slice(&g, lengths[i] / 3);
		for (int k = 0; k < 5; k++)
			tvp_gil_count_slice(&g, lengths[i]);
		tvp_gil_count_slice(&g, lengths[i] * 3);
		double median = tvp_gil_median_slice(&g);
		cr_assert(fabs(median / lengths[i] - 1) < 0.05, "median %g for slices of %g", median,
			  lengths[i]);
		cr_assert_eq(g.slices, 7);
	}
	struct tvp_gil_stats none;
	memset(&none, 0, sizeof none);
	cr_assert_eq(tvp_gil_median_slice(&none), 0);
}

Test(gil, modes_parse_and_name)
{
	enum tvp_gil_mode mode;
	cr_assert_eq(tvp_gil_parse("modern", &mode), 0);
	cr_assert_eq(mode, TVP_GIL_MODERN);
	cr_assert_eq(tvp_gil_parse("legacy", &mode), 0);
	cr_assert_str_eq(tvp_gil_name(mode), "legacy");
	cr_assert_eq(tvp_gil_parse("sometimes", &mode), -1);
	cr_assert_null(tvp_gil_create(&(struct tvp_gil_config){TVP_GIL_OFF, 0, 0, 0, 0, 0}));
}

/* ---- The interpreter state (--gil-state): one line written per locked tick. */

Test(gil, state_is_written_at_every_locked_tick_and_only_then)
{
	struct tvp_gil_config cfg = {TVP_GIL_LEGACY, 0.005, 10, 0, 100, 4};
	struct tvp_gil_stats g = alone(cfg, 1000);
	cr_assert_eq(g.state_touches, 1000, "touches %llu", (unsigned long long)g.state_touches);
	/* The check still comes every 10 ticks, though every tick takes the slow path. */
	cr_assert_eq(g.acquisitions, 101);
	cr_assert_eq(g.ticks, 1000);

	/* Half of the work GIL-free: only the locked half writes the state. */
	cfg = (struct tvp_gil_config){TVP_GIL_MODERN, 0.005, 100, 0.5, 10, 4};
	g = alone(cfg, 1000);
	cr_assert_eq(g.free_ticks, 500);
	cr_assert_eq(g.state_touches, 500, "touches %llu", (unsigned long long)g.state_touches);

	/* No state asked for: nothing written, the tick stays on its fast path. */
	g = alone((struct tvp_gil_config){TVP_GIL_LEGACY, 0.005, 10, 0, 100, 0}, 1000);
	cr_assert_eq(g.state_touches, 0);
}

Test(gil, state_keeps_the_lock_exclusive_with_threads)
{
	static struct exercise ex;
	struct tvp_gil_config cfg = {TVP_GIL_LEGACY, 0.005, 1, 0, 100, 16};
	cr_assert_eq(exercise_run(&ex, &cfg, 4, 50000), 0);
	assert_exclusive(&ex);
	struct tvp_gil_stats g = exercise_total(&ex);
	assert_takes_add_up(&g);
	cr_assert_eq(g.state_touches, 4 * 50000ULL, "every locked tick of every thread wrote");
}
