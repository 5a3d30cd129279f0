/* serial.c - the serial model: the caller runs every unit, in unit order. */
#include "../worker.h"

static int serial_run(struct tvp_runner *runner, struct tvp_phases *phases)
{
	tvp_pin_worker(runner, 0);
	double start = tvp_now();
	int status = tvp_worker_loop(runner, 0, NULL);
	phases->compute = tvp_now() - start;
	return status;
}

const struct tvp_model tvp_model_serial = {
	.name = "serial",
	.summary = "one worker, the caller itself: the baseline every speedup divides",
	.kind = TVP_KIND_SERIAL,
	.max_workers = 1,
	.supports = 0,
	.run = serial_run,
};
