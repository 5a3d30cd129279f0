/* shm.c - results written in place by process workers: one MAP_SHARED slot per task. */
#include "shm.h"

#define SLOT_ALIGN TVP_CACHE_LINE

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

/* Slot k's capacity and its bytes in the mapping. */
static size_t slot_cap(const struct tvp_runner *r, size_t k)
{
	return r->job->workload->result_bound(r->job, r->plan.tasks[k]);
}

int tvp_shm_slots_map(struct tvp_runner *r)
{
	size_t total = 0;
	for (size_t k = 0; k < r->plan.ntasks; k++)
		total += round_up(slot_cap(r, k) + 1, SLOT_ALIGN);
	r->slots_size = total;
	r->slots = tvp_shared_alloc(total);
	if (!r->slots)
		return tvp_syserr(TVP_ERUNTIME, "cannot map %zu bytes of shared memory for results",
				  total);
	return 0;
}

void tvp_shm_slots_reset(struct tvp_runner *r)
{
	size_t offset = 0;
	for (size_t k = 0; k < r->plan.ntasks; k++) {
		size_t cap = slot_cap(r, k);
		r->results[k].buf = (struct tvp_buf){r->slots + offset, 0, cap, true};
		offset += round_up(cap + 1, SLOT_ALIGN);
	}
}

void tvp_shm_slots_unmap(struct tvp_runner *r)
{
	tvp_shared_free(r->slots, r->slots_size);
	r->slots = NULL;
}
