/* pool.c - the pool model: N children forked once and reused for every run. */
#include <stdlib.h>

#include "../supervise.h"

static int pool_open(struct tvp_runner *runner)
{
	struct tvp_crew *crew = tvp_xcalloc(1, sizeof *crew);
	crew->start = tvp_fork_worker; /* the same workers as fork's, forked once */
	/* With --ipc pipe the parent sends tasks down each worker's pipe, the
	 * way Python's Pool feeds its task queue; with --ipc shm the workers
	 * claim tasks from the plan in shared memory. */
	crew->dispatch = runner->cfg->ipc == TVP_IPC_PIPE || runner->job->ship_input;
	crew->retries = runner->cfg->retry;
	crew->own_usage = true; /* not reaped until close: they report their CPU */
	runner->model_state = crew;
	double spawn_s;
	int status = tvp_crew_start(runner, crew, runner->cfg->workers, &spawn_s);
	if (status) {
		free(crew);
		runner->model_state = NULL;
	}
	return status;
}

static int pool_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	struct tvp_crew *crew = runner->model_state;
	return tvp_crew_run(runner, crew, phases);
}

static int pool_close(struct tvp_runner *runner)
{
	struct tvp_crew *crew = runner->model_state;
	if (!crew)
		return 0;
	int status = tvp_crew_stop(crew, false);
	free(crew);
	runner->model_state = NULL;
	return status;
}

const struct tvp_model tvp_model_pool = {
	.name = "pool",
	.summary = "N processes forked once and reused: start-up paid once, tasks sent by pipe",
	.kind = TVP_KIND_PROCESSES,
	.max_workers = TVP_MAX_WORKERS,
	.supports = TVP_SUPPORTS_IPC | TVP_SUPPORTS_SHIP | TVP_SUPPORTS_RETRY | TVP_SUPPORTS_STALL,
	.open = pool_open,
	.run = pool_run,
	.close = pool_close,
};
