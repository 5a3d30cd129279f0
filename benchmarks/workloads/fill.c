/* fill.c - every unit emits --bytes of a known pattern; the answer is their checksum: what moving results costs. */
#include <stdio.h>
#include <string.h>

#include "../hash.h"
#include "../plugin.h"

#define FILL_MAX_BYTES (16ULL << 20) /* per unit */
#define FILL_MAX_TOTAL (1ULL << 30)  /* in all: the parent holds every result */
#define FILL_PIECE 4096              /* bytes emitted at a time */

struct fill {
	uint64_t units, bytes;
};

static const struct tvp_opt fill_opts[] = {
	{"units", TVP_OPT_U64, "N", "64", "units of work"},
	{"bytes", TVP_OPT_U64, "N", "65536", "result bytes each unit emits (a pipe holds 65536)"},
	{NULL},
};

/* The pattern: xorshift64 seeded by the unit index, 8 bytes per step. */
static uint64_t pattern_seed(uint64_t unit)
{
	return (unit + 1) * TVP_SPLITMIX64_STEP; /* never 0: xorshift64 would stay there */
}

/* Fill piece with the next len bytes of the unit's pattern. */
static void pattern_fill(uint64_t *state, unsigned char *piece, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t word = tvp_xorshift64(state);
		memcpy(piece + i, &word, len - i < 8 ? len - i : 8);
	}
}

static int fill_prepare(struct tvp_job *job)
{
	struct fill *f = tvp_xcalloc(1, sizeof *f);
	job->state = f;
	f->units = tvp_param_u64(job, "units");
	f->bytes = tvp_param_u64(job, "bytes");
	if (f->units == 0 || f->bytes == 0)
		return tvp_err(TVP_EUSAGE, "fill: --units and --bytes must be at least 1");
	if (f->bytes > FILL_MAX_BYTES || f->units > FILL_MAX_TOTAL / f->bytes)
		return tvp_err(TVP_EUSAGE, "fill: at most %llu bytes per unit and %llu in all",
			       FILL_MAX_BYTES, FILL_MAX_TOTAL);
	job->units = (size_t)f->units;
	job->default_chunk = 1;
	return 0;
}

static void fill_kernel(struct tvp_worker *worker, struct tvp_task task,
			const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct fill *f = worker->job->state;
	unsigned char piece[FILL_PIECE];
	for (size_t unit = task.first; unit < task.first + task.count; unit++) {
		uint64_t state = pattern_seed(unit);
		for (uint64_t done = 0; done < f->bytes; done += FILL_PIECE) {
			size_t len = f->bytes - done < FILL_PIECE ? (size_t)(f->bytes - done) : FILL_PIECE;
			pattern_fill(&state, piece, len);
			tvp_emit(worker, piece, len);
			tvp_tick(worker);
		}
	}
}

static size_t fill_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	const struct fill *f = job->state;
	return task.count * (size_t)f->bytes;
}

static int fill_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
		       size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	const struct fill *f = job->state;
	uint64_t hash = TVP_FNV_OFFSET;
	for (size_t k = 0; k < ntasks; k++) {
		size_t want = ordered[k]->count * (size_t)f->bytes;
		if (ordered[k]->buf.len != want)
			return tvp_err(TVP_ERUNTIME, "fill: task at unit %zu returned %zu bytes, not %zu",
				       ordered[k]->first, ordered[k]->buf.len, want);
		hash = tvp_fnv1a(hash, ordered[k]->buf.data, want);
	}
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)hash);
	return 0;
}

/* The reference: the same pattern made in one pass, unit by unit, and
 * hashed as it is made (no task, model or transport in between). */
static int fill_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct fill *f = job->state;
	unsigned char piece[FILL_PIECE];
	uint64_t hash = TVP_FNV_OFFSET;
	for (uint64_t unit = 0; unit < f->units; unit++) {
		uint64_t state = pattern_seed(unit);
		for (uint64_t done = 0; done < f->bytes; done += FILL_PIECE) {
			size_t len = f->bytes - done < FILL_PIECE ? (size_t)(f->bytes - done) : FILL_PIECE;
			pattern_fill(&state, piece, len);
			hash = tvp_fnv1a(hash, piece, len);
		}
	}
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)hash);
	return 0;
}

const struct tvp_workload tvp_workload_fill = {
	.name = "fill",
	.summary = "every unit emits N bytes of a known pattern: what moving results costs",
	.reference = "the same bytes made in one pass and hashed (FNV-1a)",
	.opts = fill_opts,
	.prepare = fill_prepare,
	.reference_answer = fill_reference,
	.kernel = fill_kernel,
	.result_bound = fill_result_bound,
	.reduce = fill_reduce,
	.release = tvp_release_state,
};
