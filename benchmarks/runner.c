/* runner.c - what every model shares: running a task, result slots, pinning. */
#define _GNU_SOURCE
#include "plugin.h"

#include "fault.h"

#include <pthread.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

const struct tvp_param *tvp_param(const struct tvp_job *job, const char *name)
{
	for (size_t i = 0; i < job->nparams; i++)
		if (strcmp(job->params[i].opt->name, name) == 0)
			return &job->params[i];
	tvp_err(TVP_ERUNTIME, "internal: workload %s has no option --%s",
		job->workload->name, name);
	abort();
}

uint64_t tvp_param_u64(const struct tvp_job *job, const char *name)
{
	return tvp_param(job, name)->u64;
}

double tvp_param_double(const struct tvp_job *job, const char *name)
{
	return tvp_param(job, name)->real;
}

const char *tvp_param_text(const struct tvp_job *job, const char *name)
{
	return tvp_param(job, name)->text;
}

bool tvp_param_flag(const struct tvp_job *job, const char *name)
{
	return tvp_param(job, name)->given;
}

void tvp_release_state(struct tvp_job *job)
{
	free(job->state);
	job->state = NULL;
}

/* "from=2 to=2000000 block=10000": the workload's params, for humans.
 * With escape (the CSV's "from=2;to=2000000"), a ';', '=' or '\\' inside
 * a value gets a '\\' before it, so the field splits one way only. */
void tvp_params_line(char *out, size_t size, const struct tvp_job *job, const char *sep,
			bool escape)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < job->nparams && used + 1 < size; i++) {
		const struct tvp_param *p = &job->params[i];
		if (!p->text || (p->opt->kind == TVP_OPT_FLAG && !p->given))
			continue;
		int n = snprintf(out + used, size - used, "%s%s=", used ? sep : "", p->opt->name);
		used = n < 0 || (size_t)n >= size - used ? size - 1 : used + (size_t)n;
		const char *value = p->opt->kind == TVP_OPT_FLAG ? "yes" : p->text;
		for (; *value && used + 2 < size; value++) {
			if (escape && (*value == ';' || *value == '=' || *value == '\\'))
				out[used++] = '\\';
			out[used++] = *value;
		}
		out[used] = '\0';
	}
}

void tvp_emit(struct tvp_worker *worker, const void *bytes, size_t len)
{
	if (tvp_buf_append(worker->out, bytes, len) != 0)
		worker->overflow = true;
}

int tvp_sum_u64(const char *who, const struct tvp_result *const *ordered, size_t ntasks,
		uint64_t *total)
{
	*total = 0;
	for (size_t k = 0; k < ntasks; k++) {
		uint64_t part;
		if (ordered[k]->buf.len != sizeof part)
			return tvp_err(TVP_ERUNTIME, "%s: task at unit %zu returned %zu bytes, not %zu",
				       who, ordered[k]->first, ordered[k]->buf.len, sizeof part);
		memcpy(&part, ordered[k]->buf.data, sizeof part);
		*total += part;
	}
	return 0;
}

struct tvp_buf *tvp_result_buf(struct tvp_runner *runner, size_t task_index)
{
	return &runner->results[task_index].buf;
}

void tvp_run_task(struct tvp_runner *runner, struct tvp_worker *worker,
		  size_t task_index, struct tvp_buf *out,
		  const void *input, size_t input_len)
{
	struct tvp_task task = runner->plan.tasks[task_index];
	struct tvp_worker_stats *mine = &runner->stats[worker->id];
	out->len = 0;
	worker->out = out;
	tvp_fault_at_task(worker->id, task_index); /* TVP_FAULT=die:...: the tests' crash */
	double start = tvp_now();
	runner->job->workload->kernel(worker, task, input, input_len);
	mine->busy_s += tvp_now() - start;
	mine->tasks++;
	mine->units += task.count;
	struct tvp_result *result = &runner->results[task_index];
	result->first = task.first;
	result->count = task.count;
	result->worker = (int)worker->id;
}

void tvp_worker_attach(struct tvp_runner *runner, struct tvp_worker *worker)
{
	if (runner->gil && !worker->gil)
		worker->gil = tvp_gil_enter(runner->gil, &runner->stats[worker->id].gil);
}

void tvp_worker_detach(struct tvp_runner *runner, struct tvp_worker *worker)
{
	(void)runner;
	if (worker->gil)
		tvp_gil_leave(worker->gil);
	worker->gil = NULL;
}

void tvp_pin_worker(const struct tvp_runner *runner, size_t worker)
{
	if (!runner->cfg->pin)
		return;
	cpu_set_t allowed, one;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return;
	int cpus = CPU_COUNT(&allowed);
	if (cpus <= 0)
		return;
	int want = (int)(worker % (size_t)cpus), seen = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed))
			continue;
		if (seen++ == want) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			pthread_setaffinity_np(pthread_self(), sizeof one, &one);
			return;
		}
	}
}
