/* test_flip.c - the GIL hooks the io workload needs: released around a blocking call, shared by handle. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../../benchmarks/gil.h"
#include "../../benchmarks/measure.h"

struct other {
	struct tvp_gil *gil;
	struct tvp_gil_stats stats;
	atomic_bool done;
};

/* Enter the lock, note that it was had, leave. */
static void *enter_and_leave(void *arg)
{
	struct other *o = arg;
	struct tvp_gil_thread *t = tvp_gil_enter(o->gil, &o->stats);
	tvp_gil_leave(t);
	atomic_store(&o->done, true);
	return NULL;
}

/* While one thread is inside a blocking call, another enters and leaves at
 * once; after the call the first holds the lock again. */
static void blocking_call_lets_another_in(enum tvp_gil_mode mode)
{
	struct tvp_gil_config cfg = {.mode = mode, .interval_s = 10.0 /* a waiter would wait 10 s for a drop */,
				      .check = 100, .free = 0, .segment = 100, .state_kib = 0};
	struct tvp_gil *gil = tvp_gil_create(&cfg);
	struct tvp_gil_stats mine = {0};
	struct tvp_gil_thread *me = tvp_gil_enter(gil, &mine);
	cr_assert(tvp_gil_holding(me));
	cr_assert_eq(tvp_gil_of(me), gil, "the handle names its lock");

	tvp_gil_block_begin(me);
	cr_assert(!tvp_gil_holding(me), "released around the blocking call");
	struct other o = {.gil = tvp_gil_of(me)};
	atomic_init(&o.done, false);
	pthread_t thread;
	double start = tvp_now();
	cr_assert_eq(pthread_create(&thread, NULL, enter_and_leave, &o), 0);
	pthread_join(thread, NULL);
	cr_assert(atomic_load(&o.done));
	cr_assert_lt(tvp_now() - start, 5.0, "the other thread had to wait for a drop request");
	tvp_gil_block_end(me);
	cr_assert(tvp_gil_holding(me), "taken back after the call");
	tvp_gil_leave(me);
	tvp_gil_destroy(gil);
}

Test(flip, modern_gil_is_released_around_a_blocking_call) { blocking_call_lets_another_in(TVP_GIL_MODERN); }
Test(flip, legacy_gil_is_released_around_a_blocking_call) { blocking_call_lets_another_in(TVP_GIL_LEGACY); }
