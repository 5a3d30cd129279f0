/* plan.c - who runs which units: the task plan for each schedule. */
#include "plan.h"

#include "hash.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const schedule_names[] = {
	[TVP_SCHED_STATIC] = "static",
	[TVP_SCHED_DYNAMIC] = "dynamic",
	[TVP_SCHED_GUIDED] = "guided",
	[TVP_SCHED_RANDOM] = "random",
};

const char *tvp_schedule_name(enum tvp_schedule schedule)
{
	return schedule_names[schedule];
}

int tvp_schedule_parse(const char *name, enum tvp_schedule *out)
{
	for (size_t i = 0; i < sizeof schedule_names / sizeof *schedule_names; i++)
		if (strcmp(name, schedule_names[i]) == 0) {
			*out = (enum tvp_schedule)i;
			return 0;
		}
	return -1;
}

/* Where --seed 0 starts the random order: xorshift64* never leaves state 0. */
#define SEED_ZERO_STATE 0x9E3779B97F4A7C15ULL

static size_t ceil_div(size_t a, size_t b) { return a / b + (a % b != 0); }

void tvp_plan_build(struct tvp_plan *plan, enum tvp_schedule schedule,
		    size_t units, size_t workers, size_t chunk,
		    size_t default_chunk, uint64_t seed)
{
	if (workers == 0)
		workers = 1;
	if (chunk == 0)
		chunk = schedule == TVP_SCHED_STATIC ? ceil_div(units, workers)
						     : default_chunk;
	if (chunk == 0)
		chunk = 1;
	plan->schedule = schedule;
	plan->units = units;
	plan->chunk = chunk;
	plan->workers = workers;
	plan->ntasks = 0;
	/* An absurd plan (--chunk 1 over billions of units) is one line, exit 1. */
	plan->tasks = tvp_xcalloc(units ? ceil_div(units, chunk) : 1, sizeof *plan->tasks);

	size_t first = 0;
	while (first < units) {
		size_t remaining = units - first;
		size_t count = chunk;
		if (schedule == TVP_SCHED_GUIDED && ceil_div(remaining, workers) > count)
			count = ceil_div(remaining, workers);
		if (count > remaining)
			count = remaining;
		plan->tasks[plan->ntasks++] = (struct tvp_task){first, count};
		first += count;
	}

	if (schedule == TVP_SCHED_RANDOM) {
		uint64_t state = seed ? seed : SEED_ZERO_STATE;
		for (size_t i = plan->ntasks; i > 1; i--) {
			size_t j = (size_t)(tvp_xorshift64s(&state) % i);
			struct tvp_task t = plan->tasks[i - 1];
			plan->tasks[i - 1] = plan->tasks[j];
			plan->tasks[j] = t;
		}
	}
}

void tvp_plan_free(struct tvp_plan *plan)
{
	free(plan->tasks);
	plan->tasks = NULL;
	plan->ntasks = 0;
}

bool tvp_plan_is_shared(const struct tvp_plan *plan)
{
	return plan->schedule == TVP_SCHED_DYNAMIC || plan->schedule == TVP_SCHED_GUIDED;
}

long tvp_plan_next(const struct tvp_plan *plan, size_t worker, size_t *cursor,
		   atomic_size_t *counter)
{
	size_t index;
	if (tvp_plan_is_shared(plan))
		index = atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
	else
		index = worker + *cursor * plan->workers;
	if (index >= plan->ntasks)
		return -1;
	(*cursor)++;
	return (long)index;
}
