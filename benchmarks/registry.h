/* registry.h - the lists of workloads, models and extra commands. */
#ifndef TVP_REGISTRY_H
#define TVP_REGISTRY_H

#include "plugin.h"

/* A command that is not a workload run (such as `tvp corpus`). Its options
 * are a table, parsed (and --help printed) by the CLI as a workload's are. */
struct tvp_command {
	const char *name;
	const char *summary;     /* one line for --list */
	const char *synopsis;    /* after "usage: tvp NAME ": "--out FILE [options]" */
	const char *description; /* what --help says before the options */
	const struct tvp_opt *opts; /* ends with an entry whose name is NULL */

	/* Run with params, one per entry of opts, in its order. 0, 1 for a
	 * runtime fault, or TVP_EUSAGE after one line. */
	int (*run)(const struct tvp_param *params);
};

/* Rows `tvp overhead` measures through another program (the MPI ping-pong
 * under mpirun): one per operation, beside its own. */
struct tvp_overhead_row {
	char name[48];         /* the JSON's "operation" */
	char description[128];
	uint64_t bytes_per_op; /* bytes moved per repetition; 0: a round trip */
	size_t repeat;
	double *seconds;       /* repeat of them, malloc'd: the caller frees them */
};

struct tvp_overhead_source {
	const char *name;
	/* Measure its operations (repeat: each one's repetitions, 0 for its
	 * default; transfer_bytes: per transfer), up to max rows into rows.
	 * Returns how many; fewer, with one line on stderr, when it cannot. */
	size_t (*measure)(struct tvp_overhead_row *rows, size_t max, uint64_t repeat,
			  uint64_t transfer_bytes);
};

extern const struct tvp_workload *const tvp_workloads[];
extern const struct tvp_overhead_source *const tvp_overhead_sources[];
extern const struct tvp_model *const tvp_models[];
extern const struct tvp_command *const tvp_commands[];

/* Look up by name; NULL when there is none. */
const struct tvp_workload *tvp_find_workload(const char *name);
const struct tvp_model *tvp_find_model(const char *name);
const struct tvp_command *tvp_find_command(const char *name);

/* "a, b, c": the names of a list, for messages; for models, only those
 * that support every TVP_SUPPORTS_* bit in supports (0: any) and run at
 * least workers workers (1: any). */
void tvp_model_names(char *out, size_t size, unsigned supports, size_t workers);
void tvp_workload_names(char *out, size_t size);

/* "serial", "threads", "processes": a model kind as --list, JSON and CSV show it. */
const char *tvp_model_kind_name(enum tvp_model_kind kind);

#endif
