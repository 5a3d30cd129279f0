/* report.c - writing results: a readable table, CSV, and JSON (schema tvp/1). */
#define _GNU_SOURCE
#include "report.h"

#include "registry.h"

#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#ifndef TVP_GIT_REV
#define TVP_GIT_REV "unknown"
#endif
#ifndef TVP_CFLAGS
#define TVP_CFLAGS "unknown"
#endif

int tvp_format_parse(const char *name, enum tvp_format *out)
{
	static const char *const names[] = {"table", "csv", "json"};
	for (size_t i = 0; i < 3; i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum tvp_format)i;
			return 0;
		}
	return -1;
}

/* What a record says of its runs, summarised over the measured repeats
 * in which no worker was replaced (--retry): a replacement's start-up and
 * rerun tasks are not the configuration's speed. When every repeat had a
 * replacement, over all of them (and the run says so). */
struct summary {
	struct tvp_stats wall;
	struct tvp_phases phases; /* medians */
	struct tvp_usage usage;   /* medians; max_rss_kb: the largest */
	size_t clean;             /* repeats without a replacement */
	unsigned retries;         /* replacements over the measured repeats */
};

/* Whether repeat i is summarised (see struct summary). */
static bool counted(const struct tvp_record *rec, size_t clean, size_t i)
{
	return clean == 0 || !rec->retries || rec->retries[i] == 0;
}

/* The median over the counted repeats of one double field, picked by pick. */
static double median_of(const struct tvp_record *rec, size_t clean,
			double (*pick)(const struct tvp_record *, size_t))
{
	double *values = tvp_xcalloc(rec->repeats, sizeof *values);
	size_t n = 0;
	for (size_t i = 0; i < rec->repeats; i++)
		if (counted(rec, clean, i))
			values[n++] = pick(rec, i);
	double m = tvp_stats_of(values, n).median;
	free(values);
	return m;
}

#define PICKER(name, expr) \
	static double name(const struct tvp_record *rec, size_t i) { return (double)(expr); }
PICKER(pick_setup, rec->phases[i].setup)
PICKER(pick_spawn, rec->phases[i].spawn)
PICKER(pick_compute, rec->phases[i].compute)
PICKER(pick_collect, rec->phases[i].collect)
PICKER(pick_teardown, rec->phases[i].teardown)
PICKER(pick_user, rec->usage[i].user_s)
PICKER(pick_sys, rec->usage[i].sys_s)
PICKER(pick_vol, rec->usage[i].voluntary)
PICKER(pick_invol, rec->usage[i].involuntary)
PICKER(pick_minflt, rec->usage[i].minor_faults)

PICKER(pick_wall, rec->wall_s[i])

static struct summary summarize(const struct tvp_record *rec)
{
	struct summary s;
	s.clean = 0, s.retries = 0;
	for (size_t i = 0; i < rec->repeats; i++) {
		unsigned r = rec->retries ? rec->retries[i] : 0;
		s.retries += r;
		s.clean += r == 0;
	}
	size_t n = 0, clean = s.clean;
	double *walls = tvp_xcalloc(rec->repeats, sizeof *walls);
	for (size_t i = 0; i < rec->repeats; i++)
		if (counted(rec, clean, i))
			walls[n++] = pick_wall(rec, i);
	s.wall = tvp_stats_of(walls, n);
	free(walls);
	s.phases = (struct tvp_phases){
		.setup = median_of(rec, clean, pick_setup),
		.spawn = median_of(rec, clean, pick_spawn),
		.compute = median_of(rec, clean, pick_compute),
		.collect = median_of(rec, clean, pick_collect),
		.teardown = median_of(rec, clean, pick_teardown),
	};
	s.usage = (struct tvp_usage){
		.user_s = median_of(rec, clean, pick_user),
		.sys_s = median_of(rec, clean, pick_sys),
		.voluntary = (long)median_of(rec, clean, pick_vol),
		.involuntary = (long)median_of(rec, clean, pick_invol),
		.minor_faults = (long)median_of(rec, clean, pick_minflt),
	};
	for (size_t i = 0; i < rec->repeats; i++)
		if (rec->usage[i].max_rss_kb > s.usage.max_rss_kb)
			s.usage.max_rss_kb = rec->usage[i].max_rss_kb;
	return s;
}

static const char *ipc_of(const struct tvp_record *rec)
{
	return (rec->model->supports & TVP_SUPPORTS_IPC) ? tvp_ipc_name(rec->cfg->ipc) : "none";
}

/* The GIL counters of the last measured repeat, summed over the workers. */
static struct tvp_gil_stats gil_total(const struct tvp_record *rec)
{
	struct tvp_gil_stats total;
	memset(&total, 0, sizeof total);
	for (size_t w = 0; w < rec->cfg->workers; w++)
		tvp_gil_stats_add(&total, &rec->workers[w].gil);
	return total;
}

/* The compute phase of the last measured repeat (the GIL counters' run). */
static double last_compute(const struct tvp_record *rec)
{
	return rec->repeats ? rec->phases[rec->repeats - 1].compute : 0;
}

static void write_gil_table(FILE *out, const struct tvp_record *rec)
{
	const struct tvp_config *cfg = rec->cfg;
	if (cfg->gil == TVP_GIL_OFF)
		return;
	struct tvp_gil_stats g = gil_total(rec);
	double compute = last_compute(rec);
	fprintf(out, "  gil       %s", tvp_gil_name(cfg->gil));
	if (cfg->gil == TVP_GIL_MODERN)
		fprintf(out, " interval %g ms", cfg->gil_interval_s * 1000);
	else
		fprintf(out, " check %u ticks", cfg->gil_check);
	if (cfg->gil_free > 0)
		fprintf(out, ", free %g in segments of %u ticks", cfg->gil_free, cfg->gil_segment);
	fprintf(out, " (last repeat)\n");
	fprintf(out, "  gil       %llu acquisitions: %llu hand-offs (%.0f/s), %llu retakes, %llu idle;"
		     " %llu drop requests\n",
		(unsigned long long)g.acquisitions, (unsigned long long)g.handoffs,
		compute > 0 ? (double)g.handoffs / compute : 0.0, (unsigned long long)g.retakes,
		(unsigned long long)g.idle_takes, (unsigned long long)g.drop_requests);
	fprintf(out, "  gil       median slice %.3f ms; waiting for the lock %.3f s (", 
		tvp_gil_median_slice(&g) * 1000, g.wait_s);
	for (size_t w = 0; w < cfg->workers && w < 16; w++)
		fprintf(out, "%s%.3f", w ? " " : "", rec->workers[w].gil.wait_s);
	fprintf(out, "%s per worker)\n", cfg->workers > 16 ? " ..." : "");
}

static void write_table(FILE *out, const struct tvp_record *rec, const struct summary *s)
{
	const struct tvp_config *cfg = rec->cfg;
	char params[512];
	tvp_params_line(params, sizeof params, rec->job, " ", false);
	fprintf(out, "tvp %s  model %s  workers %zu  schedule %s (%zu tasks of %zu units)  ipc %s  gil %s\n",
		rec->job->workload->name, rec->model->name, cfg->workers,
		tvp_schedule_name(cfg->schedule), rec->ntasks, rec->chunk, ipc_of(rec),
		tvp_gil_name(cfg->gil));
	fprintf(out, "  params    %s\n", params);
	fprintf(out, "  answer    %s  (verified: %s, %.3f s)\n", rec->answer,
		rec->reference_method, rec->reference_s);
	fprintf(out, "  wall      median %.4f s  min %.4f  max %.4f  sd %.4f  (%zu repeats, %u warm-up)\n",
		s->wall.median, s->wall.min, s->wall.max, s->wall.stddev, rec->repeats, cfg->warmup);
	if (s->retries)
		fprintf(out, "  RETRIED   %u worker%s replaced (--retry) in %zu of %zu repeats: %s\n",
			s->retries, s->retries == 1 ? "" : "s", rec->repeats - s->clean, rec->repeats,
			s->clean ? "those repeats are left out of the wall, phase and cpu figures"
				 : "every repeat had one; these figures include the replacements");
	if (rec->model->open)
		fprintf(out, "  startup   %.4f s  (workers started once, before every run; in no repeat)\n",
			rec->startup_s);
	fprintf(out, "  phases    setup %.4f  spawn %.4f  compute %.4f  collect %.4f  teardown %.4f  (medians, s)\n",
		s->phases.setup, s->phases.spawn, s->phases.compute, s->phases.collect,
		s->phases.teardown);
	fprintf(out, "  cpu       user %.3f s  sys %.3f s  (%.2f CPUs busy)\n", s->usage.user_s,
		s->usage.sys_s,
		s->wall.median > 0 ? (s->usage.user_s + s->usage.sys_s) / s->wall.median : 0.0);
	fprintf(out, "  switches  %ld voluntary, %ld involuntary   peak rss %ld kB\n",
		s->usage.voluntary, s->usage.involuntary, s->usage.max_rss_kb);
	fprintf(out, "  workers   tasks/units/busy s:");
	for (size_t w = 0; w < cfg->workers && w < 16; w++)
		fprintf(out, " %llu/%llu/%.3f", (unsigned long long)rec->workers[w].tasks,
			(unsigned long long)rec->workers[w].units, rec->workers[w].busy_s);
	fprintf(out, "%s\n", cfg->workers > 16 ? " ..." : "");
	write_gil_table(out, rec);
}

static const char csv_header[] =
	"workload,model,workers,schedule,chunk,tasks,ipc,gil,params,answer,verified,repeats,"
	"wall_median_s,wall_min_s,wall_max_s,wall_stddev_s,setup_s,spawn_s,compute_s,collect_s,"
	"teardown_s,startup_s,cpu_user_s,cpu_sys_s,ctx_voluntary,ctx_involuntary,max_rss_kb,retries,"
	"clean_repeats,model_kind\n";

/* A CSV field in double quotes, quotes inside doubled (RFC 4180). */
static void csv_quoted(FILE *out, const char *text)
{
	fputc('"', out);
	for (; *text; text++) {
		if (*text == '"')
			fputc('"', out);
		fputc(*text, out);
	}
	fputc('"', out);
}

static void write_csv(FILE *out, const struct tvp_record *rec, const struct summary *s)
{
	const struct tvp_config *cfg = rec->cfg;
	char params[512];
	tvp_params_line(params, sizeof params, rec->job, ";", true);
	fputs(csv_header, out);
	fprintf(out, "%s,%s,%zu,%s,%zu,%zu,%s,%s,", rec->job->workload->name, rec->model->name,
		cfg->workers, tvp_schedule_name(cfg->schedule), rec->chunk, rec->ntasks,
		ipc_of(rec), tvp_gil_name(cfg->gil));
	csv_quoted(out, params);
	fprintf(out, ",%s,%s,%zu,", rec->answer, rec->verified ? "true" : "false", rec->repeats);
	fprintf(out, "%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%ld,%ld,%ld,%u,%zu,%s\n",
		s->wall.median, s->wall.min, s->wall.max, s->wall.stddev, s->phases.setup,
		s->phases.spawn, s->phases.compute, s->phases.collect, s->phases.teardown,
		rec->startup_s, s->usage.user_s, s->usage.sys_s, s->usage.voluntary, s->usage.involuntary,
		s->usage.max_rss_kb, s->retries, s->clean, tvp_model_kind_name(rec->model->kind));
}

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 when the
 * bytes there are not one (a stray continuation, an overlong form, a
 * surrogate, a truncated sequence, beyond U+10FFFF). */
static size_t utf8_length(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t len = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		   : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((len == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (len == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (len == 4 && p[0] == 0xf0 && p[1] < 0x90) || (len == 4 && p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return len;
}

void tvp_json_string(FILE *out, const char *text)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)text; *p;) {
		size_t len = utf8_length(p);
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else if (len == 0)
			fputs("\\ufffd", out); /* a byte that is not UTF-8: the replacement character */
		else
			fwrite(p, 1, len, out);
		p += len ? len : 1;
	}
	fputc('"', out);
}

static void json_key(FILE *out, const char *key)
{
	tvp_json_string(out, key);
	fputs(": ", out);
}

/* The first "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *out, size_t size)
{
	snprintf(out, size, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 1 + (colon[1] == ' ');
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(out, size, "%s", colon);
			break;
		}
	}
	fclose(f);
}

void tvp_json_machine(FILE *out)
{
	char cpu[256], host[256] = "unknown", when[64];
	struct utsname un;
	cpu_model(cpu, sizeof cpu);
	gethostname(host, sizeof host - 1);
	uname(&un);
	char kernel[sizeof un.sysname + sizeof un.release + 2];
	snprintf(kernel, sizeof kernel, "%s %s", un.sysname, un.release);
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fputs("{", out);
	json_key(out, "hostname"), tvp_json_string(out, host), fputs(", ", out);
	json_key(out, "cpu_model"), tvp_json_string(out, cpu), fputs(", ", out);
	fprintf(out, "\"cores_online\": %ld, ", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(out, "\"memory_kb\": %lld, ",
		(long long)sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024));
	json_key(out, "kernel"), tvp_json_string(out, kernel), fputs(", ", out);
	json_key(out, "arch"), tvp_json_string(out, un.machine), fputs(", ", out);
	json_key(out, "compiler"), tvp_json_string(out, "gcc " __VERSION__), fputs(", ", out);
	json_key(out, "flags"), tvp_json_string(out, TVP_CFLAGS), fputs(", ", out);
	json_key(out, "git_revision"), tvp_json_string(out, TVP_GIT_REV), fputs(", ", out);
	json_key(out, "tvp_version"), tvp_json_string(out, TVP_VERSION), fputs(", ", out);
	json_key(out, "date"), tvp_json_string(out, when);
	fputs("}", out);
}

static void json_params(FILE *out, const struct tvp_job *job)
{
	fputs("{", out);
	bool first = true;
	for (size_t i = 0; i < job->nparams; i++) {
		const struct tvp_param *p = &job->params[i];
		if (!p->text)
			continue;
		fputs(first ? "" : ", ", out);
		first = false;
		json_key(out, p->opt->name);
		if (p->opt->kind == TVP_OPT_U64)
			fprintf(out, "%llu", (unsigned long long)p->u64);
		else if (p->opt->kind == TVP_OPT_DOUBLE)
			fprintf(out, "%.17g", p->real);
		else if (p->opt->kind == TVP_OPT_FLAG)
			fputs(p->given ? "true" : "false", out);
		else
			tvp_json_string(out, p->text);
	}
	fputs("}", out);
}

static void json_gil_counters(FILE *out, const struct tvp_gil_stats *g)
{
	fprintf(out, "\"acquisitions\": %llu, \"handoffs\": %llu, \"retakes\": %llu, \"idle_takes\": %llu, "
		     "\"drop_requests\": %llu, \"forced_drops\": %llu, \"free_segments\": %llu, "
		     "\"ticks\": %llu, \"free_ticks\": %llu, \"slices\": %llu, \"median_slice_s\": %.9f, "
		     "\"wait_s\": %.6f, \"switch_wait_s\": %.6f, \"state_touches\": %llu",
		(unsigned long long)g->acquisitions, (unsigned long long)g->handoffs,
		(unsigned long long)g->retakes, (unsigned long long)g->idle_takes,
		(unsigned long long)g->drop_requests, (unsigned long long)g->forced_drops,
		(unsigned long long)g->free_segments, (unsigned long long)g->ticks,
		(unsigned long long)g->free_ticks, (unsigned long long)g->slices,
		tvp_gil_median_slice(g), g->wait_s, g->switch_wait_s,
		(unsigned long long)g->state_touches);
}

/* ,"gil_stats": the counters of the last measured repeat (null when off). */
static void write_gil_json(FILE *out, const struct tvp_record *rec)
{
	const struct tvp_config *cfg = rec->cfg;
	fputs(",\n  \"gil_stats\": ", out);
	if (cfg->gil == TVP_GIL_OFF) {
		fputs("null", out);
		return;
	}
	struct tvp_gil_stats g = gil_total(rec);
	double compute = last_compute(rec);
	const struct tvp_usage *u = &rec->usage[rec->repeats - 1];
	double wall = rec->wall_s[rec->repeats - 1];
	fprintf(out, "{\"interval_s\": %.6f, \"check\": %u, \"free\": %.6f, \"segment\": %u, "
		     "\"state_kib\": %u, \"compute_s\": %.6f, \"handoffs_per_s\": %.3f, "
		     "\"cpu_per_wall\": %.4f,\n   ",
		cfg->gil_interval_s, cfg->gil_check, cfg->gil_free, cfg->gil_segment,
		cfg->gil_state_kib, compute,
		compute > 0 ? (double)g.handoffs / compute : 0.0,
		wall > 0 ? (u->user_s + u->sys_s) / wall : 0.0);
	json_gil_counters(out, &g);
	fputs(",\n   \"per_worker\": [", out);
	for (size_t w = 0; w < cfg->workers; w++) {
		fprintf(out, "%s{\"worker\": %zu, ", w ? ", " : "", w);
		json_gil_counters(out, &rec->workers[w].gil);
		fputs("}", out);
	}
	fputs("]}", out);
}

static void write_json(FILE *out, const struct tvp_record *rec, const struct summary *s)
{
	const struct tvp_config *cfg = rec->cfg;
	fputs("{\"schema\": \"tvp/1\", \"machine\": ", out);
	tvp_json_machine(out);
	fputs(",\n \"runs\": [{", out);
	json_key(out, "workload"), tvp_json_string(out, rec->job->workload->name);
	fputs(", ", out), json_key(out, "model"), tvp_json_string(out, rec->model->name);
	fputs(", ", out), json_key(out, "model_kind");
	tvp_json_string(out, tvp_model_kind_name(rec->model->kind));
	fprintf(out, ", \"workers\": %zu, ", cfg->workers);
	json_key(out, "schedule"), tvp_json_string(out, tvp_schedule_name(cfg->schedule));
	fprintf(out, ", \"chunk\": %zu, \"tasks\": %zu, \"units\": %zu, ", rec->chunk, rec->ntasks,
		rec->job->units);
	json_key(out, "ipc"), tvp_json_string(out, ipc_of(rec));
	fputs(", ", out), json_key(out, "gil"), tvp_json_string(out, tvp_gil_name(cfg->gil));
	fprintf(out, ", \"pin\": %s,\n  \"params\": ", cfg->pin ? "true" : "false");
	json_params(out, rec->job);
	fputs(",\n  ", out), json_key(out, "answer"), tvp_json_string(out, rec->answer);
	fputs(", ", out), json_key(out, "reference"), tvp_json_string(out, rec->reference);
	fputs(", ", out), json_key(out, "reference_method");
	tvp_json_string(out, rec->reference_method);
	fprintf(out, ", \"reference_s\": %.6f, \"verified\": %s, \"repeats\": %zu, \"warmup\": %u,\n",
		rec->reference_s, rec->verified ? "true" : "false", rec->repeats, cfg->warmup);
	fprintf(out, "  \"retries\": %u, \"clean_repeats\": %zu, \"retries_per_repeat\": [", s->retries,
		s->clean);
	for (size_t i = 0; i < rec->repeats; i++)
		fprintf(out, "%s%u", i ? ", " : "", rec->retries ? rec->retries[i] : 0);
	fputs("],\n", out);
	fprintf(out, "  \"wall_s\": {\"median\": %.6f, \"min\": %.6f, \"max\": %.6f, \"stddev\": %.6f, \"all\": [",
		s->wall.median, s->wall.min, s->wall.max, s->wall.stddev);
	for (size_t i = 0; i < rec->repeats; i++)
		fprintf(out, "%s%.6f", i ? ", " : "", rec->wall_s[i]);
	fprintf(out, "]},\n  \"phases_s\": {\"setup\": %.6f, \"spawn\": %.6f, \"compute\": %.6f, "
		     "\"collect\": %.6f, \"teardown\": %.6f},\n  \"startup_s\": %.6f,\n",
		s->phases.setup, s->phases.spawn, s->phases.compute, s->phases.collect,
		s->phases.teardown, rec->startup_s);
	fprintf(out, "  \"cpu_s\": {\"user\": %.6f, \"sys\": %.6f}, "
		     "\"ctx_switches\": {\"voluntary\": %ld, \"involuntary\": %ld}, \"max_rss_kb\": %ld,\n"
		     "  \"minor_faults\": %ld,\n",
		s->usage.user_s, s->usage.sys_s, s->usage.voluntary, s->usage.involuntary,
		s->usage.max_rss_kb, s->usage.minor_faults);
	fputs("  \"workers_detail\": [", out);
	for (size_t w = 0; w < cfg->workers; w++)
		fprintf(out, "%s{\"worker\": %zu, \"tasks\": %llu, \"units\": %llu, \"busy_s\": %.6f, \"cpu_s\": %.6f}",
			w ? ", " : "", w, (unsigned long long)rec->workers[w].tasks,
			(unsigned long long)rec->workers[w].units, rec->workers[w].busy_s,
			rec->workers[w].cpu_s);
	fputs("]", out);
	if (rec->model_json) /* what the model ran on: ranks, hosts, library (SCHEMA.md) */
		fprintf(out, ",\n  \"model_info\": %s", rec->model_json);
	write_gil_json(out, rec);
	fputs("}]}\n", out);
}

int tvp_report_write(FILE *out, enum tvp_format format, const struct tvp_record *rec)
{
	struct summary s = summarize(rec);
	if (format == TVP_FORMAT_TABLE)
		write_table(out, rec, &s);
	else if (format == TVP_FORMAT_CSV)
		write_csv(out, rec, &s);
	else
		write_json(out, rec, &s);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
