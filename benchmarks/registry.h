/* registry.h - the lists of workloads, models and extra commands. */
#ifndef TVP_REGISTRY_H
#define TVP_REGISTRY_H

#include "plugin.h"

/* A command that is not a workload run (such as `tvp corpus`). */
struct tvp_command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv); /* argv[0] is the command name */
};

extern const struct tvp_workload *const tvp_workloads[];
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
