/* main.c - main: parse the command line, look up the parts, run, print. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "fault.h"
#include "harness.h"
#include "outfile.h"
#include "registry.h"
#include "report.h"

#ifndef TVP_GIT_REV
#define TVP_GIT_REV "unknown"
#endif

/* Standard output, flushed and checked: a help text or a summary that
 * could not be written (stdout on a full disk, a closed pipe) is a fault,
 * exit 1, as coreutils' close_stdout makes it. Returns status, or 1. */
static int check_stdout(int status)
{
	if ((fflush(stdout) != 0 || ferror(stdout)) && status == 0)
		return tvp_syserr(TVP_ERUNTIME, "cannot write to standard output");
	return status;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN); /* a closed pipe is an error return, not a death */
	if (argc < 2) {
		tvp_cli_usage(stderr);
		return TVP_EUSAGE;
	}
	const char *first = argv[1];
	if (!strcmp(first, "--help") || !strcmp(first, "-h")) {
		tvp_cli_usage(stdout);
		return check_stdout(0);
	}
	if (!strcmp(first, "--version")) {
		printf("tvp %s (git %s)\n", TVP_VERSION, TVP_GIT_REV);
		return check_stdout(0);
	}
	if (!strcmp(first, "--list")) {
		tvp_cli_list(stdout);
		return check_stdout(0);
	}
	if (first[0] == '-')
		return tvp_err(TVP_EUSAGE, "unknown option '%s' (see tvp --help)", first);
	const struct tvp_command *command = tvp_find_command(first);
	if (command)
		return check_stdout(tvp_cli_command(command, argc - 1, argv + 1));

	struct tvp_cli cli;
	int status = tvp_cli_parse(argc - 1, argv + 1, &cli);
	if (status || cli.help) {
		if (!status)
			tvp_cli_workload_help(stdout, cli.job.workload);
		tvp_cli_free(&cli);
		return check_stdout(status);
	}
	if (cli.model->launch) { /* its workers are copies of tvp: launched here, or this is one */
		status = cli.model->launch(argc, argv, &cli.cfg);
		if (status != TVP_LAUNCH_HERE) {
			tvp_cli_free(&cli);
			return status;
		}
	}
	if ((status = tvp_fault_setup(getenv("TVP_FAULT")))) {
		tvp_cli_free(&cli);
		return status;
	}
	cli.job.fault_wrong = tvp_fault_wrong_answer();
	tvp_cleanup_install(); /* Ctrl-C from here on: workers killed and reaped */

	struct tvp_outfile out = {0};
	if (cli.output && !cli.cfg.worker_only && (status = tvp_outfile_open(&out, cli.output, "--output"))) {
		tvp_cli_free(&cli);
		return status;
	}
	tvp_cleanup_deadline(cli.cfg.timeout_s); /* --timeout: the whole run, reference included */
	struct tvp_record rec;
	status = tvp_harness_run(&cli.job, cli.model, &cli.cfg, &rec);
	tvp_activity_set("writing the results");
	if (!status && !cli.cfg.worker_only && tvp_report_write(out.file ? out.file : stdout, cli.format, &rec) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "cannot write the results");
	if (out.file && !status)
		status = tvp_outfile_commit(&out);
	tvp_outfile_discard(&out);
	tvp_record_free(&rec);
	tvp_cli_free(&cli);
	tvp_fault_release();
	return status;
}
