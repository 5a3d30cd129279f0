/* tvp.c - main: parse the command line, look up the parts, run, print. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* An output file is written as an unnamed file (O_TMPFILE) in the target's
 * directory and given its name only when complete, so no exit path, not
 * even SIGKILL, leaves a partial file behind. Where the file system has no
 * O_TMPFILE, a mkstemp name beside the target is renamed instead (a fatal
 * signal removes it; see cleanup.h). */
struct output {
	char *path, *temp; /* temp: NULL while the file is unnamed */
	FILE *file;
};

static int output_open(struct output *out, const char *path)
{
	struct stat st;
	size_t path_len = strlen(path);
	if (path_len == 0)
		return tvp_err(TVP_EUSAGE, "--output needs a file name");
	if (path[path_len - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		return tvp_err(TVP_EUSAGE, "cannot write --output '%s': it names a directory, not a file",
			       path);
	out->path = tvp_xstrdup(path);
	char *dir_copy = tvp_xstrdup(path);
	int fd = open(dirname(dir_copy), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir_copy);
	if (fd >= 0 && access("/proc/self/fd", X_OK) != 0)
		close(fd), fd = -1, errno = EOPNOTSUPP; /* it could not be named */
	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		size_t size = strlen(path) + 16;
		out->temp = tvp_xmalloc(size);
		snprintf(out->temp, size, "%s.XXXXXX", path);
		fd = mkstemp(out->temp);
		if (fd >= 0)
			tvp_cleanup_temp_file(out->temp); /* a fatal signal removes it */
	}
	if (fd < 0 || !(out->file = fdopen(fd, "w"))) {
		int status = tvp_syserr(TVP_EUSAGE, "cannot write --output %s", path);
		if (fd >= 0 && out->temp)
			unlink(out->temp), tvp_cleanup_temp_file(NULL);
		if (fd >= 0)
			close(fd);
		free(out->temp), free(out->path);
		out->temp = out->path = NULL;
		return status;
	}
	return 0;
}

/* Give the unnamed file its name: link it in directly, or, when the target
 * exists, under a fresh name first and rename that over the target. */
static int output_publish(struct output *out)
{
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fileno(out->file));
	if (linkat(AT_FDCWD, self, AT_FDCWD, out->path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return tvp_syserr(TVP_ERUNTIME, "cannot create %s", out->path);
	size_t size = strlen(out->path) + 32;
	out->temp = tvp_xmalloc(size);
	for (unsigned attempt = 0;; attempt++) {
		snprintf(out->temp, size, "%s.%d.%u", out->path, (int)getpid(), attempt);
		tvp_cleanup_temp_file(out->temp);
		if (linkat(AT_FDCWD, self, AT_FDCWD, out->temp, AT_SYMLINK_FOLLOW) == 0)
			break;
		if (errno != EEXIST || attempt == 100)
			return tvp_syserr(TVP_ERUNTIME, "cannot create a file beside %s", out->path);
	}
	if (rename(out->temp, out->path) != 0) {
		int status = tvp_syserr(TVP_ERUNTIME, "cannot rename %s to %s", out->temp, out->path);
		unlink(out->temp);
		return status;
	}
	return 0;
}

static int output_close(struct output *out, bool keep)
{
	int status = 0;
	if (!out->file)
		return 0;
	if (keep && (fflush(out->file) != 0 || ferror(out->file)))
		status = tvp_syserr(TVP_ERUNTIME, "cannot write %s", out->path);
	if (keep && !status && !out->temp)
		status = output_publish(out);
	else if (keep && !status && rename(out->temp, out->path) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "cannot rename %s to %s", out->temp, out->path);
	else if (out->temp && (!keep || status))
		unlink(out->temp);
	if (fclose(out->file) != 0 && keep && !status)
		status = tvp_syserr(TVP_ERUNTIME, "cannot write %s", out->path);
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
