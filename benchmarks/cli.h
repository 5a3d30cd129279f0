/* cli.h - the command line: options -> a run description, and usage errors. */
#ifndef TVP_CLI_H
#define TVP_CLI_H

#include "report.h"
#include "plugin.h"

struct tvp_command;

struct tvp_cli {
	struct tvp_config cfg;
	struct tvp_job job;
	const struct tvp_model *model;
	enum tvp_format format;
	const char *output; /* --output FILE, or NULL for stdout */
	bool help;          /* `tvp WORKLOAD --help` */
};

/* Parse `WORKLOAD [options]` (argv[0] is the workload name). Return 0, or
 * TVP_EUSAGE after printing one line that says what is wrong. */
int tvp_cli_parse(int argc, char **argv, struct tvp_cli *cli);

/* `tvp COMMAND [options]` (argv[0] is the command's name): parse its
 * options, then print its help (--help) or run it. Its exit status. */
int tvp_cli_command(const struct tvp_command *command, int argc, char **argv);

/* Print `tvp --help`, `tvp --list` and `tvp WORKLOAD --help`. */
void tvp_cli_usage(FILE *out);
void tvp_cli_list(FILE *out);
void tvp_cli_workload_help(FILE *out, const struct tvp_workload *workload);

void tvp_cli_free(struct tvp_cli *cli);

#endif
