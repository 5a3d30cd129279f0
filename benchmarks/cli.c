/* cli.c - the command line: options -> a run description, and usage errors. */
#define _GNU_SOURCE
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"

#define MAX_REPEAT 100000
#define MAX_RETRY 1000
#define MAX_TIMEOUT_S 31536000.0 /* a year */

/* Positions in common_opts. */
enum {
	OPT_MODEL,
	OPT_WORKERS,
	OPT_SCHEDULE,
	OPT_CHUNK,
	OPT_IPC,
	OPT_GIL,
	OPT_GIL_INTERVAL,
	OPT_GIL_CHECK,
	OPT_GIL_FREE,
	OPT_GIL_SEGMENT,
	OPT_GIL_STATE,
	OPT_REPEAT,
	OPT_WARMUP,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_SEED,
	OPT_PIN,
	OPT_RETRY,
	OPT_EXPECT,
	OPT_TIMEOUT,
	OPT_STALL_TIMEOUT,
	OPT_HOSTFILE,
	OPT_HELP,
};

/* The options every workload takes: in the order of the enum above. */
static const struct tvp_opt common_opts[] = {
	{"model", TVP_OPT_TEXT, "M", "serial", "execution model:"}, /* + the registry's names */
	{"workers", TVP_OPT_U64, "N", NULL, "workers, 1 to 1024 (default: CPUs online; serial: 1)"},
	{"schedule", TVP_OPT_TEXT, "S", "static", "static, dynamic, guided or random"},
	{"chunk", TVP_OPT_U64, "UNITS", NULL, "units per task (default: static one block per worker)"},
	{"ipc", TVP_OPT_TEXT, "KIND", "pipe", "results by pipe or shm, for"},
	{"gil", TVP_OPT_TEXT, "MODE", "off", "simulated interpreter lock: off, modern (CPython 3), legacy (2)"},
	{"gil-interval", TVP_OPT_DOUBLE, "MS", "5", "modern: a waiter asks for the lock after MS ms"},
	{"gil-check", TVP_OPT_U64, "TICKS", "100", "legacy: release and retake every TICKS ticks"},
	{"gil-free", TVP_OPT_DOUBLE, "F", "0", "fraction 0..1 of the work run with the lock released"},
	{"gil-segment", TVP_OPT_U64, "TICKS", "10000", "ticks per locked + GIL-free stretch of work"},
	{"gil-state", TVP_OPT_U64, "KIB", "0", "interpreter state the holder writes, a line per tick"},
	{"repeat", TVP_OPT_U64, "N", "3", "measured repeats"},
	{"warmup", TVP_OPT_U64, "N", "1", "unmeasured repeats first"},
	{"format", TVP_OPT_TEXT, "F", "table", "table, csv or json"},
	{"output", TVP_OPT_TEXT, "FILE", NULL, "write the results to FILE instead of stdout"},
	{"seed", TVP_OPT_U64, "N", "1", "seed of the random schedule"},
	{"pin", TVP_OPT_FLAG, NULL, NULL, "pin worker k to CPU k mod CPUs"},
	{"retry", TVP_OPT_U64, "N", "0", "replace up to N workers that die, rerun their tasks, for"},
	{"expect", TVP_OPT_TEXT, "ANSWER", NULL, "check every repeat against ANSWER, skipping the reference pass"},
	{"timeout", TVP_OPT_DOUBLE, "S", "0", "end the run (exit 1) after S seconds, reference included; 0: never"},
	{"stall-timeout", TVP_OPT_DOUBLE, "S", "60", "a worker with no progress for S s fails the run, for"},
	{"hostfile", TVP_OPT_TEXT, "FILE", NULL, "the hosts to start workers on (mpirun's format), for"},
	{"help", TVP_OPT_FLAG, NULL, NULL, "show this help"},
	{NULL},
};

/* The models a common option applies to, as its help line ends with them
 * ("for fork, pool"): TVP_SUPPORTS_* bits; -1: the line does not end so. */
static long opt_supports(const struct tvp_opt *opt)
{
	if (opt == &common_opts[OPT_MODEL])
		return 0;
	if (opt == &common_opts[OPT_IPC])
		return TVP_SUPPORTS_IPC;
	if (opt == &common_opts[OPT_RETRY])
		return TVP_SUPPORTS_RETRY;
	if (opt == &common_opts[OPT_STALL_TIMEOUT])
		return TVP_SUPPORTS_STALL;
	if (opt == &common_opts[OPT_HOSTFILE])
		return TVP_SUPPORTS_HOSTS;
	return -1;
}

/* True when model supports common option opt; else false, with the names
 * of the models that do in names. */
static bool supported(const struct tvp_model *model, int opt, char *names, size_t size)
{
	unsigned supports = (unsigned)opt_supports(&common_opts[opt]);
	if ((model->supports & supports) == supports)
		return true;
	tvp_model_names(names, size, supports, 1);
	return false;
}

/* A common option's whole number in [lo, hi] (messages name no workload:
 * the common options are tvp's own). */
static int check_range(const struct tvp_param *param, uint64_t lo, uint64_t hi)
{
	return tvp_opt_range(NULL, param, lo, hi);
}

/* An --expect ANSWER has the form of every workload's answer: 1 to
 * TVP_ANSWER_MAX - 1 decimal or lowercase hex digits. 0, or TVP_EUSAGE. */
static int check_answer(const char *answer)
{
	size_t len = strlen(answer);
	if (len == 0 || len >= TVP_ANSWER_MAX || strspn(answer, "0123456789abcdef") != len)
		return tvp_err(TVP_EUSAGE, "--expect needs an answer as tvp prints it (1 to %d decimal or "
			       "lowercase hex digits), not '%s'", TVP_ANSWER_MAX - 1, answer);
	return 0;
}

/* The --gil-* options into cli->cfg: each in range, and only with a mode
 * it applies to. */
static int apply_gil(struct tvp_cli *cli, const struct tvp_param *common)
{
	struct tvp_config *cfg = &cli->cfg;
	const struct tvp_param *interval = &common[OPT_GIL_INTERVAL], *check = &common[OPT_GIL_CHECK];
	const struct tvp_param *free_part = &common[OPT_GIL_FREE], *segment = &common[OPT_GIL_SEGMENT];
	const char *mode = tvp_gil_name(cfg->gil);
	if (!(interval->real > 0 && interval->real <= 60000))
		return tvp_err(TVP_EUSAGE, "--gil-interval must be above 0 and at most 60000 ms, not '%s'",
			       interval->text);
	const struct tvp_param *state = &common[OPT_GIL_STATE];
	if (check_range(check, 1, UINT32_MAX) || check_range(segment, 1, UINT32_MAX) ||
	    check_range(state, 0, TVP_GIL_STATE_MAX_KIB))
		return TVP_EUSAGE;
	if (!(free_part->real >= 0 && free_part->real <= 1))
		return tvp_err(TVP_EUSAGE, "--gil-free must be a fraction from 0 to 1, not '%s'",
			       free_part->text);
	if (interval->given && cfg->gil != TVP_GIL_MODERN)
		return tvp_err(TVP_EUSAGE, "--gil-interval applies to --gil modern, not %s", mode);
	if (check->given && cfg->gil != TVP_GIL_LEGACY)
		return tvp_err(TVP_EUSAGE, "--gil-check applies to --gil legacy, not %s", mode);
	if ((free_part->given || segment->given || state->given) && cfg->gil == TVP_GIL_OFF)
		return tvp_err(TVP_EUSAGE, "--%s applies to --gil modern or legacy, not off",
			       free_part->given ? "gil-free" : segment->given ? "gil-segment" : "gil-state");
	cfg->gil_interval_s = interval->real / 1000;
	cfg->gil_check = (unsigned)check->u64;
	cfg->gil_free = free_part->real;
	cfg->gil_segment = (unsigned)segment->u64;
	cfg->gil_state_kib = (unsigned)state->u64;
	return 0;
}

/* The common options, now parsed, into cli->cfg, model and format. */
static int apply_common(struct tvp_cli *cli, struct tvp_param *common)
{
	struct tvp_config *cfg = &cli->cfg;
	const struct tvp_param *p;
	char names[256];

	p = &common[OPT_MODEL];
	cli->model = tvp_find_model(p->text);
	if (!cli->model) {
		tvp_model_names(names, sizeof names, 0, 1);
		return tvp_err(TVP_EUSAGE, "unknown model '%s' (models: %s)", p->text, names);
	}
	cfg->model = cli->model->name;
	cli->job.ranks = cli->model->kind == TVP_KIND_RANKS;
	if (cli->job.workload->forked_workers_only && cli->model->kind == TVP_KIND_RANKS)
		return tvp_err(TVP_EUSAGE, "%s: its workers must be threads of tvp or processes forked "
			       "from it, not %s's %s (separate programs, maybe on other hosts)",
			       cli->job.workload->name, cli->model->name,
			       tvp_model_kind_name(cli->model->kind));

	p = &common[OPT_WORKERS];
	cfg->workers_given = p->given;
	if (p->given) {
		if (check_range(p, 1, TVP_MAX_WORKERS))
			return TVP_EUSAGE;
		cfg->workers = (size_t)p->u64;
	} else {
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->workers = online > 0 ? (size_t)online : 1;
	}
	if (cfg->workers > cli->model->max_workers) {
		if (p->given) {
			tvp_model_names(names, sizeof names, 0, cfg->workers);
			if (cli->model->max_workers == 1)
				return tvp_err(TVP_EUSAGE, "the %s model runs one worker, not %zu (use %s "
					       "for more)", cli->model->name, cfg->workers, names);
			return tvp_err(TVP_EUSAGE, "the %s model runs at most %zu workers, not %zu (use "
				       "%s for more)", cli->model->name, cli->model->max_workers,
				       cfg->workers, names);
		}
		cfg->workers = cli->model->max_workers;
	}

	p = &common[OPT_SCHEDULE];
	if (tvp_schedule_parse(p->text, &cfg->schedule) != 0)
		return tvp_err(TVP_EUSAGE, "unknown schedule '%s' (schedules: static, dynamic, guided, random)",
			       p->text);
	p = &common[OPT_CHUNK];
	cfg->chunk = 0;
	if (p->given) {
		if (check_range(p, 1, SIZE_MAX))
			return TVP_EUSAGE;
		cfg->chunk = (size_t)p->u64;
	}
	p = &common[OPT_IPC];
	if (tvp_ipc_parse(p->text, &cfg->ipc) != 0)
		return tvp_err(TVP_EUSAGE, "unknown ipc '%s' (ipc: pipe, shm)", p->text);
	if (p->given && !supported(cli->model, OPT_IPC, names, sizeof names))
		return tvp_err(TVP_EUSAGE, "--ipc applies to the process models (%s), not %s", names,
			       cli->model->name);
	p = &common[OPT_GIL];
	if (tvp_gil_parse(p->text, &cfg->gil) != 0)
		return tvp_err(TVP_EUSAGE, "unknown gil mode '%s' (gil: off, modern, legacy)", p->text);
	if (apply_gil(cli, common))
		return TVP_EUSAGE;
	p = &common[OPT_REPEAT];
	if (check_range(p, 1, MAX_REPEAT))
		return TVP_EUSAGE;
	cfg->repeat = (unsigned)p->u64;
	p = &common[OPT_WARMUP];
	if (check_range(p, 0, MAX_REPEAT))
		return TVP_EUSAGE;
	cfg->warmup = (unsigned)p->u64;
	p = &common[OPT_FORMAT];
	if (tvp_format_parse(p->text, &cli->format) != 0)
		return tvp_err(TVP_EUSAGE, "unknown format '%s' (formats: table, csv, json)", p->text);
	cli->output = common[OPT_OUTPUT].text;
	cfg->seed = common[OPT_SEED].u64;
	cfg->pin = common[OPT_PIN].given;
	p = &common[OPT_RETRY];
	if (check_range(p, 0, MAX_RETRY))
		return TVP_EUSAGE;
	if (p->u64 && !supported(cli->model, OPT_RETRY, names, sizeof names))
		return tvp_err(TVP_EUSAGE, "--retry applies to the process models (%s): a %s worker that "
			       "dies takes the whole process with it", names, cli->model->name);
	cfg->retry = (unsigned)p->u64;
	cfg->expect = common[OPT_EXPECT].text;
	if (cfg->expect && check_answer(cfg->expect))
		return TVP_EUSAGE;
	p = &common[OPT_TIMEOUT];
	if (!(p->real >= 0 && p->real <= MAX_TIMEOUT_S))
		return tvp_err(TVP_EUSAGE, "--timeout must be from 0 (none) to %.0f seconds, not '%s'",
			       MAX_TIMEOUT_S, p->text);
	cfg->timeout_s = p->real;
	p = &common[OPT_STALL_TIMEOUT];
	if (!(p->real > 0 && p->real <= MAX_TIMEOUT_S))
		return tvp_err(TVP_EUSAGE, "--stall-timeout must be above 0 and at most %.0f seconds, "
			       "not '%s'", MAX_TIMEOUT_S, p->text);
	cfg->stall_timeout_s = p->real;
	cfg->hostfile = common[OPT_HOSTFILE].text;
	if (cfg->hostfile && !supported(cli->model, OPT_HOSTFILE, names, sizeof names))
		return tvp_err(TVP_EUSAGE, "--hostfile applies to the models that start workers on "
			       "other hosts (%s), not %s", names, cli->model->name);
	cli->help = common[OPT_HELP].given;
	return 0;
}

int tvp_cli_parse(int argc, char **argv, struct tvp_cli *cli)
{
	memset(cli, 0, sizeof *cli);
	const struct tvp_workload *wl = tvp_find_workload(argv[0]);
	if (!wl) {
		char names[256];
		tvp_workload_names(names, sizeof names);
		return tvp_err(TVP_EUSAGE, "unknown workload '%s' (workloads: %s; see tvp --list)",
			       argv[0], names);
	}
	struct tvp_job *job = &cli->job;
	job->workload = wl;
	job->nparams = tvp_opts_count(wl->opts);
	job->params = tvp_xcalloc(job->nparams, sizeof *job->params);
	struct tvp_param common[sizeof common_opts / sizeof *common_opts];
	const struct tvp_opt_table tables[] = {{common_opts, common}, {wl->opts, job->params}};
	if (tvp_opts_parse(wl->name, argc, argv, tables, 2))
		return TVP_EUSAGE;
	if (common[OPT_HELP].given) { /* --help wins over everything else */
		cli->help = true;
		return 0;
	}
	return apply_common(cli, common);
}

/* The help lines of the common options, each ending with the models it
 * applies to where it applies to some only. */
static void print_common_opts(FILE *out)
{
	for (const struct tvp_opt *opt = common_opts; opt->name; opt++) {
		long supports = opt_supports(opt);
		char names[256];
		if (supports >= 0)
			tvp_model_names(names, sizeof names, (unsigned)supports, 1);
		tvp_opt_help(out, opt, supports >= 0 ? names : NULL);
	}
}

void tvp_cli_usage(FILE *out)
{
	fprintf(out,
		"usage: tvp WORKLOAD [options]     run a workload under a model, verified\n"
		"       tvp WORKLOAD --help        the workload's own options\n"
		"       tvp COMMAND [args]         a tool (see --list)\n"
		"       tvp --list | --help | --version\n\n"
		"tvp shows when threads win, when processes win, and why. Every run is\n"
		"checked against an independent answer; a wrong answer exits 1.\n\n"
		"common options:\n");
	print_common_opts(out);
	fprintf(out, "\nAn option given twice takes its last value (--repeat 3 --repeat 1: one repeat).\n"
		     "exit status: 0 verified, 1 runtime fault or wrong answer, 2 bad input,\n"
		     "128+N ended by signal N\n");
}

void tvp_cli_list(FILE *out)
{
	fprintf(out, "workloads:\n");
	for (size_t i = 0; tvp_workloads[i]; i++)
		fprintf(out, "  %-12s %s\n", tvp_workloads[i]->name, tvp_workloads[i]->summary);
	fprintf(out, "models:\n");
	for (size_t i = 0; tvp_models[i]; i++)
		fprintf(out, "  %-12s %-10s %s\n", tvp_models[i]->name,
			tvp_model_kind_name(tvp_models[i]->kind), tvp_models[i]->summary);
	if (tvp_commands[0]) {
		fprintf(out, "commands:\n");
		for (size_t i = 0; tvp_commands[i]; i++)
			fprintf(out, "  %-12s %s\n", tvp_commands[i]->name, tvp_commands[i]->summary);
	}
}

void tvp_cli_workload_help(FILE *out, const struct tvp_workload *wl)
{
	fprintf(out, "usage: tvp %s [options]\n%s\nverified against: %s\n\n%s options:\n",
		wl->name, wl->summary, wl->reference, wl->name);
	tvp_opts_help(out, wl->opts);
	fprintf(out, "\ncommon options:\n");
	print_common_opts(out);
	fprintf(out, "\nAn option given twice takes its last value.\n");
}

int tvp_cli_command(const struct tvp_command *command, int argc, char **argv)
{
	static const struct tvp_opt help_opts[] = {
		{"help", TVP_OPT_FLAG, NULL, NULL, "show this help"},
		{NULL},
	};
	struct tvp_param *params = tvp_xcalloc(tvp_opts_count(command->opts), sizeof *params);
	struct tvp_param help;
	const struct tvp_opt_table tables[] = {{command->opts, params}, {help_opts, &help}};
	int status = tvp_opts_parse(command->name, argc, argv, tables, 2);
	if (!status && help.given) {
		printf("usage: tvp %s %s\n%s\n\n%s options:\n", command->name, command->synopsis,
		       command->description, command->name);
		tvp_opts_help(stdout, command->opts);
		tvp_opts_help(stdout, help_opts);
	} else if (!status) {
		status = command->run(params);
	}
	free(params);
	return status;
}

void tvp_cli_free(struct tvp_cli *cli)
{
	free(cli->job.params);
	cli->job.params = NULL;
}
