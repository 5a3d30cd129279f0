/* plan.h - who runs which units: the task plan for each schedule. */
#ifndef TVP_PLAN_H
#define TVP_PLAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tvp_schedule {
	TVP_SCHED_STATIC,  /* chunks dealt round robin; default chunk: one block per worker */
	TVP_SCHED_DYNAMIC, /* chunks taken from a shared counter as workers free up */
	TVP_SCHED_GUIDED,  /* like dynamic, chunks shrink: ceil(remaining / workers) */
	TVP_SCHED_RANDOM,  /* chunks in a seeded random order, dealt round robin */
};

/* A task: the units [first, first + count). */
struct tvp_task {
	size_t first, count;
};

/* The tasks of one run, in the order they are handed out. Every unit of
 * [0, units) is in exactly one task. */
struct tvp_plan {
	enum tvp_schedule schedule;
	size_t units;   /* work size in units */
	size_t chunk;   /* units per task (guided: the least) */
	size_t workers;
	size_t ntasks;
	struct tvp_task *tasks;
};

/* Name <-> schedule; the parse returns -1 for an unknown name. */
const char *tvp_schedule_name(enum tvp_schedule schedule);
int tvp_schedule_parse(const char *name, enum tvp_schedule *out);

/* Build the plan. chunk 0 means the default: ceil(units / workers) for
 * static, default_chunk for the others. seed orders the random schedule.
 * workers must be >= 1. The plan owns tasks; free it with tvp_plan_free. */
void tvp_plan_build(struct tvp_plan *plan, enum tvp_schedule schedule,
		    size_t units, size_t workers, size_t chunk,
		    size_t default_chunk, uint64_t seed);
void tvp_plan_free(struct tvp_plan *plan);

/* True when workers claim tasks from a shared counter (dynamic, guided);
 * false when each worker's tasks are fixed in advance (static, random). */
bool tvp_plan_is_shared(const struct tvp_plan *plan);

/* The next task index for worker, or -1 when it has none left. cursor is
 * the worker's own count of tasks taken (start it at 0); counter is the
 * shared claim counter (start it at 0), used only when the plan is shared.
 * Safe to call from many threads or processes at once when counter lives
 * in memory they share. */
long tvp_plan_next(const struct tvp_plan *plan, size_t worker, size_t *cursor,
		   atomic_size_t *counter);

#endif
