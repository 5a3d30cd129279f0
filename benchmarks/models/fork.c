/* fork.c - the fork model: N children forked for each run, reaped at its end. */
#include "proc.h"

static int fork_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	/* Children claim tasks themselves (the counter is in MAP_SHARED
	 * memory) unless the input must be shipped to them task by task. */
	struct tvp_proc crew = {.dispatch = runner->job->ship_input, .retries = runner->cfg->retry};
	int status = tvp_proc_start(runner, &crew, runner->cfg->workers, &phases->spawn);
	if (status)
		return status;
	status = tvp_proc_run(runner, &crew, phases);
	if (status)
		return status;
	double start = tvp_now();
	status = tvp_proc_stop(&crew, false);
	phases->teardown = tvp_now() - start;
	return status;
}

const struct tvp_model tvp_model_fork = {
	.name = "fork",
	.summary = "N processes forked for every run: isolation, paid start-up each time",
	.kind = TVP_KIND_PROCESSES,
	.max_workers = TVP_MAX_WORKERS,
	.supports = TVP_SUPPORTS_IPC | TVP_SUPPORTS_SHIP | TVP_SUPPORTS_RETRY | TVP_SUPPORTS_STALL,
	.run = fork_run,
};
