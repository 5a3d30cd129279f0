/* pagefault.c - map an anonymous region, write every page, read it back, unmap: the kernel's fault path. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../plugin.h"

#define MIB (1024ULL * 1024ULL)
#define MAX_REGIONS 100000000ULL

/*
 * The pattern of will-it-scale's page_fault1/page_fault2: every unit maps
 * --mib of anonymous memory, writes one value into each page (a minor
 * fault each: transparent huge pages are turned off for the region, so a
 * 4 KiB page is one fault), reads the values back into a sum, and unmaps.
 * Threads of one process fault into ONE address space, whose mappings one
 * lock guards (mmap_lock); each process has its own.
 *
 * Page p of region u holds u * pages + p + 1, so the values over all
 * regions are 1 .. regions * pages, each once: their sum has a closed form.
 */
struct pagefault {
	uint64_t regions, pages; /* units; pages per region */
	size_t page_size;
	uint64_t last_faults;    /* minor faults of the last run (reduce) */
};

/* What a task emits. */
struct pagefault_part {
	uint64_t sum;    /* of the values read back */
	uint64_t faults; /* minor faults the worker's thread took meanwhile */
};

static const struct tvp_opt pagefault_opts[] = {
	{"mib", TVP_OPT_U64, "MIB", "16", "MiB mapped, touched and unmapped per unit (will-it-scale: 128)"},
	{"regions", TVP_OPT_U64, "N", "64", "regions (units) per run"},
	{NULL},
};

/* The machine's physical memory in bytes (0 when unknown). */
static uint64_t physical_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

static int pagefault_prepare(struct tvp_job *job)
{
	struct pagefault *pf = tvp_xcalloc(1, sizeof *pf);
	job->state = pf;
	uint64_t mib = tvp_param_u64(job, "mib");
	pf->regions = tvp_param_u64(job, "regions");
	pf->page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (mib == 0)
		return tvp_err(TVP_EUSAGE, "pagefault: --mib must be at least 1");
	uint64_t memory = physical_memory();
	if (mib > UINT64_MAX / MIB || (memory && mib * MIB > memory))
		return tvp_err(TVP_EUSAGE, "pagefault: --mib %llu is larger than this machine's memory (%llu MiB)",
			       (unsigned long long)mib, (unsigned long long)(memory / MIB));
	if (pf->regions == 0 || pf->regions > MAX_REGIONS)
		return tvp_err(TVP_EUSAGE, "pagefault: --regions must be 1 to %llu", MAX_REGIONS);
	pf->pages = mib * MIB / pf->page_size;
	job->units = (size_t)pf->regions;
	job->default_chunk = 1;
	return 0;
}

/* Minor faults taken so far by the calling thread. */
static uint64_t thread_faults(void)
{
	struct rusage usage;
	getrusage(RUSAGE_THREAD, &usage);
	return (uint64_t)usage.ru_minflt;
}

/* One region: map, write each page's value, read the values back, unmap.
 * Returns the sum read back; on a failed mmap prints a line and returns 0
 * (the wrong sum fails verification). */
static uint64_t touch_region(struct tvp_worker *worker, const struct pagefault *pf, uint64_t region)
{
	size_t bytes = (size_t)pf->pages * pf->page_size;
	unsigned char *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		tvp_syserr(TVP_ERUNTIME, "pagefault: mmap of %zu bytes", bytes);
		return 0;
	}
	madvise(base, bytes, MADV_NOHUGEPAGE); /* one fault per page; best effort */
	uint64_t first = region * pf->pages + 1;
	for (uint64_t p = 0; p < pf->pages; p++) {
		uint64_t value = first + p;
		memcpy(base + p * pf->page_size, &value, sizeof value);
		tvp_tick(worker);
	}
	uint64_t sum = 0;
	for (uint64_t p = 0; p < pf->pages; p++) {
		uint64_t value;
		memcpy(&value, base + p * pf->page_size, sizeof value);
		sum += value;
	}
	munmap(base, bytes);
	return sum;
}

static void pagefault_kernel(struct tvp_worker *worker, struct tvp_task task,
			     const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct pagefault *pf = worker->job->state;
	struct pagefault_part part = {0, 0};
	uint64_t before = thread_faults();
	for (size_t u = task.first; u < task.first + task.count; u++)
		part.sum += touch_region(worker, pf, u);
	part.faults = thread_faults() - before;
	tvp_emit(worker, &part, sizeof part);
}

static size_t pagefault_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	(void)job, (void)task;
	return sizeof(struct pagefault_part);
}

static int pagefault_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
			    size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	struct pagefault *pf = job->state;
	uint64_t total = 0, faults = 0;
	for (size_t k = 0; k < ntasks; k++) {
		struct pagefault_part part;
		if (ordered[k]->buf.len != sizeof part)
			return tvp_err(TVP_ERUNTIME, "pagefault: task at unit %zu returned %zu bytes, not %zu",
				       ordered[k]->first, ordered[k]->buf.len, sizeof part);
		memcpy(&part, ordered[k]->buf.data, sizeof part);
		total += part.sum;
		faults += part.faults;
	}
	pf->last_faults = faults;
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

/* The reference: 1 + 2 + ... + n for n = regions * pages, modulo 2^64. */
static int pagefault_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct pagefault *pf = job->state;
	uint64_t n = pf->regions * pf->pages;
	uint64_t sum = n % 2 == 0 ? (n / 2) * (n + 1) : n * ((n + 1) / 2);
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)sum);
	return 0;
}

/* After the last run: the minor faults getrusage counted, against the pages touched. */
static int pagefault_finish(struct tvp_job *job, const struct tvp_result *const *ordered, size_t ntasks)
{
	(void)ordered, (void)ntasks;
	const struct pagefault *pf = job->state;
	uint64_t pages = pf->regions * pf->pages;
	fprintf(stderr, "pagefault: %llu minor faults (getrusage) for %llu pages touched in the last run\n",
		(unsigned long long)pf->last_faults, (unsigned long long)pages);
	return 0;
}

const struct tvp_workload tvp_workload_pagefault = {
	.name = "pagefault",
	.summary = "map, write every page, read back, unmap (will-it-scale page_fault): processes scale further",
	.reference = "closed form 1 + 2 + ... + regions x pages",
	.opts = pagefault_opts,
	.prepare = pagefault_prepare,
	.reference_answer = pagefault_reference,
	.kernel = pagefault_kernel,
	.result_bound = pagefault_result_bound,
	.reduce = pagefault_reduce,
	.finish = pagefault_finish,
	.release = tvp_release_state,
};
