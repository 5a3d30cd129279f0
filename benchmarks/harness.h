/* harness.h - one run end to end: repeats, phases, verification, the record. */
#ifndef TVP_HARNESS_H
#define TVP_HARNESS_H

#include "plugin.h"

/* Everything measured for one `tvp WORKLOAD` invocation. */
struct tvp_record {
	const struct tvp_job *job;
	const struct tvp_model *model;
	const struct tvp_config *cfg;
	size_t ntasks, chunk;
	char answer[TVP_ANSWER_MAX];
	char reference[TVP_ANSWER_MAX];
	double reference_s;  /* time to compute the reference answer */
	double startup_s;    /* the model's open: workers started once for every run (pool) */
	const char *reference_method; /* the workload's reference, or --expect's */
	bool verified;
	size_t repeats;      /* measured repeats (warm-ups not included) */
	double *wall_s;      /* repeats of them */
	struct tvp_phases *phases;
	struct tvp_usage *usage; /* CPU of the parent and all workers */
	unsigned *retries;   /* per repeat: workers replaced (--retry); such a
			      * repeat is kept out of the medians (report.c) */
	struct tvp_worker_stats *workers; /* the last measured repeat */
	char *model_json;    /* the model's "model_info" object, or NULL */
};

/* Prepare job, compute its reference answer, run cfg->warmup + cfg->repeat
 * times under model, verify every repeat's answer, and fill rec. Return 0,
 * TVP_EUSAGE (bad workload parameters) or TVP_ERUNTIME (a fault or a wrong
 * answer; the message is already printed). */
int tvp_harness_run(struct tvp_job *job, const struct tvp_model *model,
		    const struct tvp_config *cfg, struct tvp_record *rec);

void tvp_record_free(struct tvp_record *rec);

#endif
