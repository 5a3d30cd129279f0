/* runner.c - what workloads share: their params, and tvp_emit. */
#define _GNU_SOURCE
#include "plugin.h"

#include <stdio.h>
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
