/* registry.c - the lists of workloads, models and extra commands: one line each. */
#include "registry.h"

#include <string.h>

extern const struct tvp_workload tvp_workload_primes;
extern const struct tvp_workload tvp_workload_mandelbrot;
extern const struct tvp_workload tvp_workload_tiny;
extern const struct tvp_workload tvp_workload_fill;
extern const struct tvp_workload tvp_workload_grep;
extern const struct tvp_workload tvp_workload_pagefault;
extern const struct tvp_workload tvp_workload_io;
extern const struct tvp_workload tvp_workload_wordcount;

extern const struct tvp_command tvp_command_overhead;
extern const struct tvp_command tvp_command_corpus;
extern const struct tvp_command tvp_command_mpi_pingpong;
extern const struct tvp_overhead_source tvp_overhead_mpi;

/* The models, one line each: MODEL(name) is the descriptor tvp_model_name
 * that models/name.c defines. Their order is --list's. */
#ifdef TVP_HAVE_MPI /* built where mpicc is present (the Makefile) */
#define TVP_MPI_MODEL(MODEL) MODEL(mpi)
#else
#define TVP_MPI_MODEL(MODEL)
#endif
#define TVP_MODELS(MODEL)     \
	MODEL(serial)         \
	MODEL(pthread)        \
	MODEL(fork)           \
	MODEL(pool)           \
	MODEL(openmp)         \
	TVP_MPI_MODEL(MODEL)  \
	/* a new model: one line above this one */

#define DECLARE_MODEL(name) extern const struct tvp_model tvp_model_##name;
TVP_MODELS(DECLARE_MODEL)

const struct tvp_workload *const tvp_workloads[] = {
	&tvp_workload_primes,
	&tvp_workload_grep,
	&tvp_workload_mandelbrot,
	&tvp_workload_tiny,
	&tvp_workload_fill,
	&tvp_workload_io,
	&tvp_workload_wordcount,
	&tvp_workload_pagefault,
	NULL,
};

#define LIST_MODEL(name) &tvp_model_##name,
const struct tvp_model *const tvp_models[] = {
	TVP_MODELS(LIST_MODEL)
	NULL,
};

const struct tvp_command *const tvp_commands[] = {
	&tvp_command_overhead,
	&tvp_command_corpus,
#ifdef TVP_HAVE_MPI
	&tvp_command_mpi_pingpong,
#endif
	NULL,
};

const struct tvp_overhead_source *const tvp_overhead_sources[] = {
#ifdef TVP_HAVE_MPI
	&tvp_overhead_mpi,
#endif
	NULL,
};

const struct tvp_workload *tvp_find_workload(const char *name)
{
	for (size_t i = 0; tvp_workloads[i]; i++)
		if (strcmp(tvp_workloads[i]->name, name) == 0)
			return tvp_workloads[i];
	return NULL;
}

const struct tvp_model *tvp_find_model(const char *name)
{
	for (size_t i = 0; tvp_models[i]; i++)
		if (strcmp(tvp_models[i]->name, name) == 0)
			return tvp_models[i];
	return NULL;
}

const struct tvp_command *tvp_find_command(const char *name)
{
	for (size_t i = 0; tvp_commands[i]; i++)
		if (strcmp(tvp_commands[i]->name, name) == 0)
			return tvp_commands[i];
	return NULL;
}

static void append(char *out, size_t size, const char *name)
{
	size_t used = strlen(out);
	if (used + strlen(name) + 3 < size) {
		if (used)
			strcat(out, ", ");
		strcat(out, name);
	}
}

void tvp_model_names(char *out, size_t size, unsigned supports, size_t workers)
{
	out[0] = '\0';
	for (size_t i = 0; tvp_models[i]; i++)
		if ((tvp_models[i]->supports & supports) == supports &&
		    tvp_models[i]->max_workers >= workers)
			append(out, size, tvp_models[i]->name);
}

const char *tvp_model_kind_name(enum tvp_model_kind kind)
{
	switch (kind) {
	case TVP_KIND_SERIAL:
		return "serial";
	case TVP_KIND_THREADS:
		return "threads";
	case TVP_KIND_PROCESSES:
		return "processes";
	case TVP_KIND_RANKS:
		return "ranks";
	}
	return "unknown";
}

void tvp_workload_names(char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; tvp_workloads[i]; i++)
		append(out, size, tvp_workloads[i]->name);
}
