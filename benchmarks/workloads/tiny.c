/* tiny.c - many tiny tasks, each building one 5-character random string (the Stockholm talk). */
#include <stdio.h>
#include <string.h>

#include "../hash.h"
#include "../plugin.h"

#define MAX_TASKS 100000000ULL
#define MAX_LENGTH 64

/* The talk's alphabet: string.ascii_lowercase + ascii_uppercase + digits. */
static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
#define ALPHABET_SIZE (sizeof alphabet - 1)

struct tiny {
	size_t tasks, length;
};

static const struct tvp_opt tiny_opts[] = {
	{"tasks", TVP_OPT_U64, "N", "1000", "how many strings (units); --chunk 1 makes each its own task"},
	{"length", TVP_OPT_U64, "L", "5", "characters per string, 1 to 64 (the talk: 5)"},
	{NULL},
};

/* The talk's rand_string: length characters drawn at random from the
 * alphabet (splitmix64 seeded by index: string number index is the same
 * on every run and worker). */
static void rand_string(size_t index, size_t length, char *out)
{
	uint64_t state = index;
	for (size_t i = 0; i < length; i++)
		out[i] = alphabet[tvp_splitmix64(&state) % ALPHABET_SIZE];
}

static int tiny_prepare(struct tvp_job *job)
{
	struct tiny *t = tvp_xcalloc(1, sizeof *t);
	job->state = t;
	uint64_t tasks = tvp_param_u64(job, "tasks");
	uint64_t length = tvp_param_u64(job, "length");
	if (tasks == 0 || tasks > MAX_TASKS)
		return tvp_err(TVP_EUSAGE, "tiny: --tasks must be from 1 to %llu, not %llu",
			       MAX_TASKS, (unsigned long long)tasks);
	if (length == 0 || length > MAX_LENGTH)
		return tvp_err(TVP_EUSAGE, "tiny: --length must be from 1 to %d, not %llu",
			       MAX_LENGTH, (unsigned long long)length);
	t->tasks = (size_t)tasks;
	t->length = (size_t)length;
	job->units = t->tasks;
	job->default_chunk = 1; /* dynamic, guided, random: one string per task, as in the talk */
	return 0;
}

/* Each unit: one string, emitted as its length bytes; one tick per string
 * (a string is the smallest piece of work there is). */
static void tiny_kernel(struct tvp_worker *worker, struct tvp_task task,
			const void *input, size_t input_len)
{
	(void)input, (void)input_len;
	const struct tiny *t = worker->job->state;
	char text[MAX_LENGTH];
	for (size_t unit = task.first; unit < task.first + task.count; unit++) {
		rand_string(unit, t->length, text);
		tvp_emit(worker, text, t->length);
		tvp_tick(worker);
	}
}

static size_t tiny_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	const struct tiny *t = job->state;
	return task.count * t->length;
}

static int tiny_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
		       size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	const struct tiny *t = job->state;
	uint64_t hash = TVP_FNV_OFFSET;
	for (size_t k = 0; k < ntasks; k++) {
		const struct tvp_result *r = ordered[k];
		if (r->buf.len != r->count * t->length)
			return tvp_err(TVP_ERUNTIME, "tiny: task at unit %zu returned %zu bytes, not %zu",
				       r->first, r->buf.len, r->count * t->length);
		hash = tvp_fnv1a(hash, r->buf.data, r->buf.len);
	}
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)hash);
	return 0;
}

/* The reference: every string made in one plain loop, hashed in order. */
static int tiny_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct tiny *t = job->state;
	char text[MAX_LENGTH];
	uint64_t hash = TVP_FNV_OFFSET;
	for (size_t unit = 0; unit < t->tasks; unit++) {
		rand_string(unit, t->length, text);
		hash = tvp_fnv1a(hash, text, t->length);
	}
	snprintf(answer, TVP_ANSWER_MAX, "%016llx", (unsigned long long)hash);
	return 0;
}

const struct tvp_workload tvp_workload_tiny = {
	.name = "tiny",
	.summary = "many tiny tasks, one random 5-character string each (the Stockholm talk)",
	.reference = "FNV-1a of every string made in one serial loop",
	.opts = tiny_opts,
	.prepare = tiny_prepare,
	.reference_answer = tiny_reference,
	.kernel = tiny_kernel,
	.result_bound = tiny_result_bound,
	.reduce = tiny_reduce,
	.release = tvp_release_state,
};
