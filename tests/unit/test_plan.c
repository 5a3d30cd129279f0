/* test_plan.c - the task plan: every unit in exactly one task, for every schedule. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "../../benchmarks/plan.h"

static const enum tvp_schedule all[] = {TVP_SCHED_STATIC, TVP_SCHED_DYNAMIC,
					TVP_SCHED_GUIDED, TVP_SCHED_RANDOM};

/* Every unit of [0, units) is covered once, and plan_next hands every
 * task to exactly one worker. */
static void check_cover(enum tvp_schedule s, size_t units, size_t workers, size_t chunk)
{
	struct tvp_plan plan;
	tvp_plan_build(&plan, s, units, workers, chunk, 3, 42);
	unsigned char *seen = calloc(units + 1, 1);
	for (size_t k = 0; k < plan.ntasks; k++) {
		cr_assert(plan.tasks[k].count > 0, "empty task %zu", k);
		for (size_t u = plan.tasks[k].first; u < plan.tasks[k].first + plan.tasks[k].count; u++) {
			cr_assert(u < units, "unit %zu beyond %zu", u, units);
			cr_assert(!seen[u], "unit %zu in two tasks (%s)", u, tvp_schedule_name(s));
			seen[u] = 1;
		}
	}
	for (size_t u = 0; u < units; u++)
		cr_assert(seen[u], "unit %zu in no task (%s, %zu workers, chunk %zu)", u,
			  tvp_schedule_name(s), workers, chunk);

	unsigned char *handed = calloc(plan.ntasks + 1, 1);
	atomic_size_t counter = 0;
	for (size_t w = 0; w < workers; w++) {
		size_t cursor = 0;
		long k;
		while ((k = tvp_plan_next(&plan, w, &cursor, &counter)) >= 0) {
			cr_assert(!handed[k], "task %ld handed out twice", k);
			handed[k] = 1;
		}
	}
	for (size_t k = 0; k < plan.ntasks; k++)
		cr_assert(handed[k], "task %zu never handed out", k);
	free(handed);
	free(seen);
	tvp_plan_free(&plan);
}

Test(sched, every_unit_exactly_once)
{
	size_t units_list[] = {0, 1, 7, 100, 1001};
	size_t workers_list[] = {1, 2, 3, 8};
	size_t chunk_list[] = {0, 1, 5, 5000};
	for (size_t a = 0; a < 4; a++)
		for (size_t b = 0; b < 5; b++)
			for (size_t c = 0; c < 4; c++)
				for (size_t d = 0; d < 4; d++)
					check_cover(all[a], units_list[b], workers_list[c], chunk_list[d]);
}

Test(sched, static_default_is_one_block_per_worker)
{
	struct tvp_plan plan;
	tvp_plan_build(&plan, TVP_SCHED_STATIC, 100, 3, 0, 1, 0);
	cr_assert_eq(plan.ntasks, 3);
	cr_assert_eq(plan.tasks[0].first, 0);
	cr_assert_eq(plan.tasks[0].count, 34);
	cr_assert_eq(plan.tasks[2].count, 32);
	tvp_plan_free(&plan);
}

Test(sched, static_chunk_one_is_cyclic)
{
	struct tvp_plan plan;
	tvp_plan_build(&plan, TVP_SCHED_STATIC, 10, 3, 1, 1, 0);
	size_t cursor = 0;
	atomic_size_t counter = 0;
	cr_assert_eq(tvp_plan_next(&plan, 1, &cursor, &counter), 1);
	cr_assert_eq(tvp_plan_next(&plan, 1, &cursor, &counter), 4);
	cr_assert_eq(tvp_plan_next(&plan, 1, &cursor, &counter), 7);
	cr_assert_eq(tvp_plan_next(&plan, 1, &cursor, &counter), -1);
	tvp_plan_free(&plan);
}

Test(sched, guided_chunks_shrink_to_the_minimum)
{
	struct tvp_plan plan;
	tvp_plan_build(&plan, TVP_SCHED_GUIDED, 1000, 4, 2, 1, 0);
	cr_assert_eq(plan.tasks[0].count, 250);
	for (size_t k = 1; k < plan.ntasks; k++)
		cr_assert_leq(plan.tasks[k].count, plan.tasks[k - 1].count);
	cr_assert_leq(plan.tasks[plan.ntasks - 1].count, 2);
	tvp_plan_free(&plan);
}

Test(sched, random_order_depends_on_the_seed_only)
{
	struct tvp_plan a, b, c;
	tvp_plan_build(&a, TVP_SCHED_RANDOM, 200, 2, 1, 1, 7);
	tvp_plan_build(&b, TVP_SCHED_RANDOM, 200, 2, 1, 1, 7);
	tvp_plan_build(&c, TVP_SCHED_RANDOM, 200, 2, 1, 1, 8);
	size_t in_order = 0, differ = 0;
	for (size_t k = 0; k < a.ntasks; k++) {
		cr_assert_eq(a.tasks[k].first, b.tasks[k].first);
		in_order += a.tasks[k].first == k;
		differ += a.tasks[k].first != c.tasks[k].first;
	}
	cr_assert_lt(in_order, 20, "a shuffled plan left %zu of 200 tasks in place", in_order);
	cr_assert_gt(differ, 100);
	tvp_plan_free(&a), tvp_plan_free(&b), tvp_plan_free(&c);
}

Test(sched, names_round_trip)
{
	for (size_t i = 0; i < 4; i++) {
		enum tvp_schedule s;
		cr_assert_eq(tvp_schedule_parse(tvp_schedule_name(all[i]), &s), 0);
		cr_assert_eq(s, all[i]);
	}
	enum tvp_schedule s;
	cr_assert_eq(tvp_schedule_parse("cyclic", &s), -1);
}
