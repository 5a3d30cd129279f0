/* shm.h - results written in place by process workers: one MAP_SHARED slot per task. */
#ifndef TVP_TRANSPORT_SHM_H
#define TVP_TRANSPORT_SHM_H

#include "../plugin.h"

/* Map runner->slots: one slot per task of the plan, as large as the
 * workload's result_bound for it (plus one byte, so an overflow shows),
 * cache-line aligned; anonymous MAP_SHARED memory, so workers forked
 * after it write into the parent's. 0, or TVP_ERUNTIME after one line. */
int tvp_shm_slots_map(struct tvp_runner *runner);

/* Before each run: every task's result is its slot, empty. */
void tvp_shm_slots_reset(struct tvp_runner *runner);

/* Unmap the slots (nothing when none were mapped). */
void tvp_shm_slots_unmap(struct tvp_runner *runner);

#endif
