/* tvp.c - main: parse the command line, look up the parts, run, print. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "fault.h"
#include "harness.h"
#include "registry.h"
#include "report.h"

#ifndef TVP_GIT_REV
#define TVP_GIT_REV "unknown"
#endif

/* An output file is written under a temporary name and renamed when
 * complete, so a failed run never leaves a partial file behind. */
struct output {
	char *path, *temp;
	FILE *file;
};

static int output_open(struct output *out, const char *path)
{
	out->path = tvp_xstrdup(path);
	size_t size = strlen(path) + 16;
	out->temp = tvp_xmalloc(size);
	snprintf(out->temp, size, "%s.XXXXXX", path);
	int fd = mkstemp(out->temp);
	if (fd >= 0)
		tvp_cleanup_temp_file(out->temp); /* a fatal signal removes it */
	if (fd < 0 || !(out->file = fdopen(fd, "w"))) {
		int status = tvp_syserr(TVP_EUSAGE, "cannot write --output %s", path);
		if (fd >= 0)
			close(fd), unlink(out->temp), tvp_cleanup_temp_file(NULL);
		free(out->temp), free(out->path);
		out->temp = out->path = NULL;
		return status;
	}
	return 0;
}

static int output_close(struct output *out, bool keep)
{
	int status = 0;
	if (!out->file)
		return 0;
	if (fclose(out->file) != 0 && keep)
		status = tvp_syserr(TVP_ERUNTIME, "cannot write %s", out->path);
	if (keep && !status && rename(out->temp, out->path) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "cannot rename %s to %s", out->temp, out->path);
	if (!keep || status)
		unlink(out->temp);
	tvp_cleanup_temp_file(NULL);
	free(out->temp), free(out->path);
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
		return 0;
	}
	if (!strcmp(first, "--version")) {
		printf("tvp %s (git %s)\n", TVP_VERSION, TVP_GIT_REV);
		return 0;
	}
	if (!strcmp(first, "--list")) {
		tvp_cli_list(stdout);
		return 0;
	}
	if (first[0] == '-')
		return tvp_err(TVP_EUSAGE, "unknown option '%s' (see tvp --help)", first);
	const struct tvp_command *command = tvp_find_command(first);
	if (command)
		return command->main(argc - 1, argv + 1);

	struct tvp_cli cli;
	int status = tvp_cli_parse(argc - 1, argv + 1, &cli);
	if (status || cli.help) {
		if (!status)
			tvp_cli_workload_help(stdout, cli.job.workload);
		tvp_cli_free(&cli);
		return status;
	}
	if ((status = tvp_fault_setup(getenv("TVP_FAULT")))) {
		tvp_cli_free(&cli);
		return status;
	}
	cli.job.fault_wrong = tvp_fault_wrong_answer();
	tvp_cleanup_install(); /* Ctrl-C from here on: workers killed and reaped */

	struct output out = {0};
	if (cli.output && (status = output_open(&out, cli.output))) {
		tvp_cli_free(&cli);
		return status;
	}
	struct tvp_record rec;
	status = tvp_harness_run(&cli.job, cli.model, &cli.cfg, &rec);
	if (!status && tvp_report_write(out.file ? out.file : stdout, cli.format, &rec) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "cannot write the results");
	int closed = output_close(&out, status == 0);
	tvp_record_free(&rec);
	tvp_cli_free(&cli);
	tvp_fault_release();
	return status ? status : closed;
}
