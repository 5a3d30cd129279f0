/* options.h - options declared as tables, and the one parser every command and workload uses. */
#ifndef TVP_OPTIONS_H
#define TVP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum tvp_opt_kind { TVP_OPT_U64, TVP_OPT_DOUBLE, TVP_OPT_TEXT, TVP_OPT_FLAG };

/* One option, as a table lists it (the table ends with an entry whose name
 * is NULL). */
struct tvp_opt {
	const char *name;     /* without the leading "--" */
	enum tvp_opt_kind kind;
	const char *metavar;  /* shown in help and messages: "N", "FILE" */
	const char *fallback; /* the default as text; NULL: no default */
	const char *help;     /* one line */
};

/* One option's value (kept in the order of its table). */
struct tvp_param {
	const struct tvp_opt *opt;
	const char *text; /* as given, or the fallback; NULL when neither */
	uint64_t u64;
	double real;
	bool given; /* on the command line, not the fallback */
};

/* A table of options and the params its values go into, one per entry. */
struct tvp_opt_table {
	const struct tvp_opt *opts;
	struct tvp_param *params;
};

/* The entries of a table, not counting its end. */
size_t tvp_opts_count(const struct tvp_opt *opts);

/* Parse argv[1 .. argc) against tables: `--name VALUE`, `--name=VALUE`,
 * `--flag`; a name is looked up in the tables in order. Every param gets
 * its opt; a value is converted by its kind (u64 as tvp_parse_u64, double
 * as tvp_parse_double); an option given twice takes its last value; a
 * param not given takes its fallback, with given false. An option never
 * swallows the next option: `--out --lines` is a missing value (write
 * `--out=--lines` if that is the value). `--help` (or `-h`), where a table
 * has a flag "help", ends the parse: it is given and what follows is not
 * read. Returns 0, or TVP_EUSAGE after one line "tvp: WHO: ...": an
 * argument that is not an option, an unknown option, a value given to a
 * flag, a missing value, a value that is not a number of its kind. */
int tvp_opts_parse(const char *who, int argc, char **argv, const struct tvp_opt_table *tables,
		   size_t ntables);

/* 0 when param has no value or its whole number is in [lo, hi]; else
 * TVP_EUSAGE after one line "tvp: WHO: --NAME must be a whole number from
 * LO to HI, not 'TEXT'" (who NULL: no "WHO: ", for the common options,
 * which are tvp's own, not a workload's). */
int tvp_opt_range(const char *who, const struct tvp_param *param, uint64_t lo, uint64_t hi);

/* Help: "  --name METAVAR       help[ note] [fallback]", one line an option;
 * note may be NULL. */
void tvp_opt_help(FILE *out, const struct tvp_opt *opt, const char *note);
void tvp_opts_help(FILE *out, const struct tvp_opt *opts);

#endif
