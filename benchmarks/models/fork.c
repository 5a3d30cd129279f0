/* fork.c - the fork model: N processes forked for each run, reaped at its end. */
#include <stdio.h>
#include <unistd.h>

#include "../cleanup.h"
#include "../supervise.h"
#include "../transport/pipe.h"

/* Worker i as a child process: fork() copies the parent (plan, input,
 * the MAP_SHARED results and claim counter), and the child runs the
 * worker loop over its pipes until the parent closes them. */
pid_t tvp_fork_worker(struct tvp_runner *runner, struct tvp_crew *crew, size_t i, int cmd, int res)
{
	fflush(NULL); /* nothing buffered may be written twice */
	/* fork(), with tvp's signals held until the child is registered for cleanup */
	pid_t pid = tvp_cleanup_fork();
	if (pid != 0)
		return pid; /* the parent: the child's pid, or -1 */
	tvp_crew_child(crew);                   /* its own pipes only; dies with the parent */
	tvp_gil_fresh_for_process(runner->gil); /* each process has its own lock */
	tvp_pin_worker(runner, i);
	_exit(tvp_pipe_serve(runner, i, cmd, res));
}

static int fork_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	/* Children claim tasks themselves (the counter is in MAP_SHARED
	 * memory) unless the input must be shipped to them task by task. */
	struct tvp_crew crew = {
		.start = tvp_fork_worker,
		.dispatch = runner->job->ship_input,
		.retries = runner->cfg->retry,
	};
	int status = tvp_crew_start(runner, &crew, runner->cfg->workers, &phases->spawn);
	if (status)
		return status;
	status = tvp_crew_run(runner, &crew, phases);
	if (status)
		return status;
	double start = tvp_now();
	status = tvp_crew_stop(&crew, false); /* their pipes closed, they exit: waitpid each */
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
