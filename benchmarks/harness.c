/* harness.c - one run end to end: repeats, phases, verification, the record. */
#define _GNU_SOURCE
#include "harness.h"

#include "transport/shm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared memory for results, stats and the claim counter; shm slots too. */
static int runner_alloc(struct tvp_runner *r, const struct tvp_model *model)
{
	size_t ntasks = r->plan.ntasks;
	r->results_size = (ntasks ? ntasks : 1) * sizeof *r->results;
	r->results = tvp_shared_alloc(r->results_size);
	size_t stats_size = r->cfg->workers * sizeof *r->stats;
	r->stats = tvp_shared_alloc(stats_size);
	r->counter = tvp_shared_alloc(TVP_CACHE_LINE);
	if (!r->results || !r->stats || !r->counter)
		return tvp_syserr(TVP_ERUNTIME, "cannot map shared memory for results");

	if ((model->supports & TVP_SUPPORTS_IPC) && r->cfg->ipc == TVP_IPC_SHM)
		return tvp_shm_slots_map(r);
	return 0;
}

static void runner_free(struct tvp_runner *r)
{
	if (r->results && !r->slots)
		for (size_t k = 0; k < r->plan.ntasks; k++)
			tvp_buf_free(&r->results[k].buf);
	tvp_shared_free(r->results, r->results_size);
	tvp_shared_free(r->stats, r->cfg->workers * sizeof *r->stats);
	tvp_shared_free(r->counter, TVP_CACHE_LINE);
	tvp_shm_slots_unmap(r);
	tvp_plan_free(&r->plan);
}

/* Before each run: counters to zero, every result empty. */
static void runner_reset(struct tvp_runner *r)
{
	atomic_store(r->counter, 0);
	memset(r->stats, 0, r->cfg->workers * sizeof *r->stats);
	for (size_t w = 0; w < r->cfg->workers; w++)
		r->stats[w].current_task = -1; /* idle until it takes a task */
	r->worker_usage = (struct tvp_usage){0};
	r->retries = 0;
	for (size_t k = 0; k < r->plan.ntasks; k++) {
		struct tvp_result *result = &r->results[k];
		result->first = r->plan.tasks[k].first;
		result->count = r->plan.tasks[k].count;
		result->worker = -1;
		result->buf.len = 0;
	}
	if (r->slots)
		tvp_shm_slots_reset(r);
}

static int by_first_unit(const void *a, const void *b)
{
	const struct tvp_result *x = *(const struct tvp_result *const *)a;
	const struct tvp_result *y = *(const struct tvp_result *const *)b;
	return (x->first > y->first) - (x->first < y->first);
}

/* The results in unit order (tasks of a random plan are shuffled). */
static const struct tvp_result **order_by_unit(struct tvp_runner *r)
{
	size_t n = r->plan.ntasks;
	const struct tvp_result **ordered = tvp_xcalloc(n, sizeof *ordered);
	for (size_t k = 0; k < n; k++) {
		r->results[k].first = r->plan.tasks[k].first;
		ordered[k] = &r->results[k];
	}
	qsort(ordered, n, sizeof *ordered, by_first_unit);
	return ordered;
}

/* TVP_FAULT=wrong-answer flips one bit of one result (for the tests). */
static void inject_wrong_answer(struct tvp_runner *r)
{
	for (size_t k = 0; k < r->plan.ntasks; k++)
		if (r->results[k].buf.len) {
			r->results[k].buf.data[0] ^= 1;
			return;
		}
}

/* This process's interpreter lock as cfg asks for it (NULL: --gil off). */
static struct tvp_gil *process_gil(const struct tvp_config *cfg)
{
	return tvp_gil_create(&(struct tvp_gil_config){cfg->gil, cfg->gil_interval_s,
			      cfg->gil_check, cfg->gil_free, cfg->gil_segment,
			      cfg->gil_state_kib});
}

static int one_run(struct tvp_runner *r, const struct tvp_model *model,
		   const struct tvp_result **ordered, struct tvp_phases *ph, double *wall, struct tvp_usage *usage,
		   char answer[TVP_ANSWER_MAX])
{
	struct tvp_usage self0 = tvp_usage_read(0), kids0 = tvp_usage_read(1);
	double start = tvp_now();
	runner_reset(r);
	*ph = (struct tvp_phases){0};
	ph->setup = tvp_now() - start;

	int status = model->run(r, ph);
	if (status)
		return status;

	double collect = tvp_now();
	if (r->job->fault_wrong)
		inject_wrong_answer(r);
	status = r->job->workload->reduce(r->job, ordered, r->plan.ntasks, answer);
	ph->collect += tvp_now() - collect; /* after what the model's own collecting took */
	*wall = tvp_now() - start;

	struct tvp_usage self = tvp_usage_diff(tvp_usage_read(0), self0);
	struct tvp_usage kids = tvp_usage_diff(tvp_usage_read(1), kids0);
	*usage = tvp_usage_add(tvp_usage_add(self, kids), r->worker_usage);
	return status;
}

int tvp_harness_run(struct tvp_job *job, const struct tvp_model *model,
		    const struct tvp_config *cfg, struct tvp_record *rec)
{
	const struct tvp_workload *wl = job->workload;
	memset(rec, 0, sizeof *rec);
	rec->job = job;
	rec->model = model;
	rec->cfg = cfg;

	tvp_activity_set("preparing the %s input", wl->name);
	int status = wl->prepare(job);
	if (status)
		return status;
	if (!(model->supports & TVP_SUPPORTS_SHIP))
		job->ship_input = false; /* its workers read the input where it lies */

	/* The plan first: an absurd one fails at once, not after the reference. */
	struct tvp_runner r = {.job = job, .cfg = cfg};
	tvp_activity_set("building the task plan (%zu units)", job->units);
	tvp_plan_build(&r.plan, cfg->schedule, job->units, cfg->workers, cfg->chunk,
		       job->default_chunk, cfg->seed);

	if (cfg->worker_only) { /* a launched worker: it serves runs, the harness checks them */
		status = runner_alloc(&r, model);
		r.gil = process_gil(cfg);
		if (!status)
			status = model->serve(&r);
		tvp_gil_destroy(r.gil);
		free(r.model_json);
		runner_free(&r);
		return status;
	}

	char params[160];
	tvp_params_line(params, sizeof params, job, " ", false);
	tvp_activity_set("computing the reference answer of %s %s (%s)", wl->name, params,
			 wl->reference);
	double t = tvp_now();
	rec->reference_method = wl->reference;
	if (cfg->expect) { /* --expect: a known answer replaces the reference pass */
		snprintf(rec->reference, sizeof rec->reference, "%s", cfg->expect);
		rec->reference_method = "the answer given by --expect";
	} else {
		status = wl->reference_answer(job, rec->reference);
	}
	rec->reference_s = tvp_now() - t;
	if (status) {
		tvp_plan_free(&r.plan);
		return status;
	}
	rec->ntasks = r.plan.ntasks;
	rec->chunk = r.plan.chunk;
	status = runner_alloc(&r, model);
	r.gil = process_gil(cfg);
	const struct tvp_result **ordered = NULL;
	if (status)
		goto out;
	ordered = order_by_unit(&r);

	rec->repeats = cfg->repeat;
	rec->wall_s = tvp_xcalloc(cfg->repeat, sizeof *rec->wall_s);
	rec->phases = tvp_xcalloc(cfg->repeat, sizeof *rec->phases);
	rec->usage = tvp_xcalloc(cfg->repeat, sizeof *rec->usage);
	rec->retries = tvp_xcalloc(cfg->repeat, sizeof *rec->retries);
	rec->workers = tvp_xcalloc(cfg->workers, sizeof *rec->workers);

	if (model->open) { /* start-up: a phase of its own, before every run */
		tvp_activity_set("starting %zu %s workers", cfg->workers, model->name);
		t = tvp_now();
		status = model->open(&r);
		rec->startup_s = tvp_now() - t + r.launch_s; /* a launcher's time before open too */
		if (status)
			goto out;
	}

	unsigned total = cfg->warmup + cfg->repeat;
	for (unsigned i = 0; i < total; i++) {
		struct tvp_phases ph;
		struct tvp_usage usage;
		double wall;
		char answer[TVP_ANSWER_MAX] = "";
		tvp_activity_set("running %s %u of %u (%s, %zu workers)",
				 i < cfg->warmup ? "warm-up" : "repeat",
				 i < cfg->warmup ? i + 1 : i - cfg->warmup + 1,
				 i < cfg->warmup ? cfg->warmup : cfg->repeat, model->name, cfg->workers);
		status = one_run(&r, model, ordered, &ph, &wall, &usage, answer);
		if (status)
			break;
		if (strcmp(answer, rec->reference) != 0) {
			status = tvp_err(TVP_ERUNTIME,
					 "wrong answer from %s %s (run %u): got %s, expected %s (%s)",
					 wl->name, model->name, i + 1, answer, rec->reference,
					 rec->reference_method);
			break;
		}
		memcpy(rec->answer, answer, sizeof answer);
		if (i >= cfg->warmup) {
			size_t m = i - cfg->warmup;
			rec->wall_s[m] = wall;
			rec->phases[m] = ph;
			rec->usage[m] = usage;
			rec->retries[m] = r.retries;
			memcpy(rec->workers, r.stats, cfg->workers * sizeof *r.stats);
		}
		if (i + 1 == total && wl->finish)
			status = wl->finish(job, ordered, r.plan.ntasks);
	}
	if (model->close) {
		int closed = model->close(&r);
		if (!status)
			status = closed;
	}
	rec->verified = status == 0;
out:
	rec->model_json = r.model_json;
	free(ordered);
	tvp_gil_destroy(r.gil);
	runner_free(&r);
	return status;
}

void tvp_record_free(struct tvp_record *rec)
{
	free(rec->wall_s);
	free(rec->phases);
	free(rec->usage);
	free(rec->retries);
	free(rec->workers);
	free(rec->model_json);
	if (rec->job && rec->job->workload->release)
		rec->job->workload->release((struct tvp_job *)rec->job);
	memset(rec, 0, sizeof *rec);
}
