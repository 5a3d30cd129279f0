/* serial.c - the serial model: the caller runs every unit, in unit order. */
#include "../plugin.h"

static int serial_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	struct tvp_worker worker = {.job = runner->job, .id = 0};
	tvp_pin_worker(runner, 0);
	double start = tvp_now(), cpu = tvp_thread_cpu();
	size_t cursor = 0;
	long task;
	tvp_worker_attach(runner, &worker);
	while ((task = tvp_plan_next(&runner->plan, 0, &cursor, runner->counter)) >= 0)
		tvp_run_task(runner, &worker, (size_t)task, tvp_result_buf(runner, (size_t)task),
			     NULL, 0);
	tvp_worker_detach(runner, &worker);
	runner->stats[0].cpu_s = tvp_thread_cpu() - cpu;
	phases->compute = tvp_now() - start;
	if (worker.overflow)
		return tvp_err(TVP_ERUNTIME, "internal: a result outgrew its slot");
	return 0;
}

const struct tvp_model tvp_model_serial = {
	.name = "serial",
	.summary = "one worker, the caller itself: the baseline every speedup divides",
	.kind = TVP_KIND_SERIAL,
	.max_workers = 1,
	.supports = 0,
	.run = serial_run,
};
