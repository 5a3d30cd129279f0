/* test_options.c - the one option parser: values by kind, fallbacks, --help, and each bad input's one line. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../benchmarks/options.h"
#include "../../benchmarks/util.h"

static const struct tvp_opt opts[] = {
	{"lines", TVP_OPT_U64, "N", "10", "lines to write"},
	{"ratio", TVP_OPT_DOUBLE, "F", "0.5", "a fraction"},
	{"out", TVP_OPT_TEXT, "FILE", NULL, "the file"},
	{"pin", TVP_OPT_FLAG, NULL, NULL, "pin the workers"},
	{"help", TVP_OPT_FLAG, NULL, NULL, "show this help"},
	{NULL},
};
enum { LINES, RATIO, OUT, PIN, HELP, NOPTS };

static const struct tvp_opt extra_opts[] = {
	{"lines", TVP_OPT_TEXT, "X", NULL, "shadowed by the first table's --lines"},
	{"width", TVP_OPT_U64, "W", "640", "a second table's own option"},
	{NULL},
};
enum { EXTRA_LINES, WIDTH };

/* What one parse did: its status, its params, and what it printed on stderr. */
struct parsed {
	int status;
	struct tvp_param params[NOPTS], extra[2];
	char err[512];
};

/* Standard error into a pipe, until stderr_end puts it back. */
struct capture {
	int saved, pipe[2];
};

static void stderr_begin(struct capture *c)
{
	c->saved = dup(STDERR_FILENO);
	cr_assert(pipe(c->pipe) == 0 && c->saved >= 0);
	dup2(c->pipe[1], STDERR_FILENO);
}

/* Put stderr back; what was written meanwhile (a few lines) into text. */
static void stderr_end(struct capture *c, char *text, size_t size)
{
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	close(c->pipe[1]);
	ssize_t len = read(c->pipe[0], text, size - 1);
	text[len > 0 ? len : 0] = '\0';
	close(c->pipe[0]);
}

/* Parse "cmd" and the NULL-ended words after it against opts (and
 * extra_opts when with_extra), stderr captured into p->err. */
static void parse(struct parsed *p, bool with_extra, ...)
{
	char *argv[32] = {"cmd"};
	int argc = 1;
	va_list ap;
	va_start(ap, with_extra);
	for (const char *word; (word = va_arg(ap, const char *)) && argc < 31;)
		argv[argc++] = (char *)word;
	va_end(ap);
	const struct tvp_opt_table tables[] = {{opts, p->params}, {extra_opts, p->extra}};
	struct capture capture;
	stderr_begin(&capture);
	p->status = tvp_opts_parse("cmd", argc, argv, tables, with_extra ? 2 : 1);
	stderr_end(&capture, p->err, sizeof p->err);
}

/* The parse fails as bad input with exactly the one line want. */
#define expect_bad(want, ...)                                                               \
	do {                                                                                \
		struct parsed p_;                                                           \
		parse(&p_, false, __VA_ARGS__, NULL);                                       \
		cr_assert_eq(p_.status, TVP_EUSAGE, "status %d for %s", p_.status, want);   \
		cr_assert_str_eq(p_.err, "tvp: " want "\n");                                \
	} while (0)

Test(options, values_convert_by_kind_and_fallbacks_fill_the_rest)
{
	struct parsed p;
	parse(&p, false, "--lines", "2k", "--ratio=0.25", "--pin", NULL);
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert_str_empty(p.err);
	cr_assert(p.params[LINES].given && p.params[LINES].u64 == 2000);
	cr_assert_str_eq(p.params[LINES].text, "2k");
	cr_assert(p.params[RATIO].given && p.params[RATIO].real == 0.25);
	cr_assert(p.params[PIN].given);
	cr_assert(!p.params[OUT].given && p.params[OUT].text == NULL, "no value, no fallback");
	cr_assert(!p.params[HELP].given);
	cr_assert_eq(p.params[OUT].opt, &opts[OUT]);

	parse(&p, false, NULL);
	cr_assert_eq(p.status, 0);
	cr_assert(!p.params[LINES].given && p.params[LINES].u64 == 10, "the fallback, not given");
	cr_assert_str_eq(p.params[RATIO].text, "0.5");
}

Test(options, an_option_given_twice_takes_its_last_value)
{
	struct parsed p;
	parse(&p, false, "--lines", "1", "--out", "a", "--lines=7", "--out=b", NULL);
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert_eq(p.params[LINES].u64, 7);
	cr_assert_str_eq(p.params[OUT].text, "b");
}

Test(options, a_name_is_looked_up_in_the_tables_in_order)
{
	struct parsed p;
	parse(&p, true, "--width", "800", "--lines", "3", NULL);
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert(p.extra[WIDTH].given && p.extra[WIDTH].u64 == 800);
	cr_assert(p.params[LINES].given && p.params[LINES].u64 == 3, "the first table's --lines");
	cr_assert(!p.extra[EXTRA_LINES].given);
	cr_assert_eq(p.extra[EXTRA_LINES].opt, &extra_opts[EXTRA_LINES]);
}

Test(options, unknown_option_and_stray_argument)
{
	expect_bad("cmd: unknown option '--bogus' (see tvp cmd --help)", "--bogus", "3");
	expect_bad("cmd: unknown option '--line' (see tvp cmd --help)", "--line=3");
	expect_bad("cmd: unknown option '--' (see tvp cmd --help)", "--");
	expect_bad("cmd: unexpected argument 'stray' (options start with --; see tvp cmd --help)",
		   "--pin", "stray");
	expect_bad("cmd: unexpected argument '-lines' (options start with --; see tvp cmd --help)",
		   "-lines", "3");
	struct parsed p;
	parse(&p, false, "--width", "3", NULL);
	cr_assert_eq(p.status, TVP_EUSAGE, "a second table's option is unknown without it");
}

Test(options, missing_value)
{
	expect_bad("cmd: --out needs a value (FILE)", "--out");
	expect_bad("cmd: --lines needs a value (N)", "--pin", "--lines");
}

Test(options, a_value_that_looks_like_an_option_is_never_swallowed)
{
	expect_bad("cmd: --out needs a value (FILE), not the option '--pin' (write --out=--pin if "
		   "that is the value)", "--out", "--pin");
	expect_bad("cmd: --lines needs a value (N), not the option '--help' (write --lines=--help if "
		   "that is the value)", "--lines", "--help");
	struct parsed p;
	parse(&p, false, "--out=--pin", NULL);
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert_str_eq(p.params[OUT].text, "--pin");
	cr_assert(!p.params[PIN].given);
	parse(&p, false, "--out", "-", "--out", "--", NULL);
	cr_assert_eq(p.status, 0, "'-' and '--' are values: %s", p.err);
	cr_assert_str_eq(p.params[OUT].text, "--");
}

Test(options, a_value_that_is_not_a_number_of_its_kind)
{
	expect_bad("cmd: --lines needs a whole number >= 0, not 'x'", "--lines", "x");
	expect_bad("cmd: --lines needs a whole number >= 0, not '-1'", "--lines", "-1");
	expect_bad("cmd: --lines needs a whole number >= 0, not '1.5'", "--lines=1.5");
	expect_bad("cmd: --ratio needs a number, not 'half'", "--ratio", "half");
	expect_bad("cmd: --pin takes no value", "--pin=yes");
}

Test(options, out_of_range)
{
	struct parsed p;
	parse(&p, false, "--lines", "6", NULL);
	cr_assert_eq(p.status, 0);
	cr_assert_eq(tvp_opt_range("cmd", &p.params[LINES], 1, 6), 0, "the bounds are included");
	cr_assert_eq(tvp_opt_range("cmd", &p.params[OUT], 1, 5), 0, "no value: nothing to check");

	struct capture capture;
	char err[512];
	stderr_begin(&capture);
	int above = tvp_opt_range("cmd", &p.params[LINES], 1, 5);
	int below = tvp_opt_range(NULL, &p.params[LINES], 7, 9);
	stderr_end(&capture, err, sizeof err);
	cr_assert_eq(above, TVP_EUSAGE);
	cr_assert_eq(below, TVP_EUSAGE);
	cr_assert_str_eq(err, "tvp: cmd: --lines must be a whole number from 1 to 5, not '6'\n"
			      "tvp: --lines must be a whole number from 7 to 9, not '6'\n");
}

Test(options, help_ends_the_parse_but_not_what_came_before)
{
	struct parsed p;
	parse(&p, false, "--help", "--bogus", "stray", NULL);
	cr_assert_eq(p.status, 0, "%s", p.err);
	cr_assert(p.params[HELP].given);
	cr_assert_str_empty(p.err);
	parse(&p, false, "--lines", "3", "-h", "--lines", "x", NULL);
	cr_assert_eq(p.status, 0, "-h is --help: %s", p.err);
	cr_assert(p.params[HELP].given && p.params[LINES].u64 == 3);
	expect_bad("cmd: unknown option '--bogus' (see tvp cmd --help)", "--bogus", "--help");
	expect_bad("cmd: --help takes no value", "--help=1");
}

Test(options, help_lines_show_metavar_help_note_and_default)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	cr_assert_not_null(out);
	tvp_opt_help(out, &opts[OUT], "for fork, pool");
	tvp_opts_help(out, extra_opts);
	tvp_opt_help(out, &opts[PIN], NULL);
	fclose(out);
	cr_assert_str_eq(text, "  --out FILE           the file for fork, pool\n"
			       "  --lines X            shadowed by the first table's --lines\n"
			       "  --width W            a second table's own option [640]\n"
			       "  --pin                pin the workers\n");
	free(text);
	cr_assert_eq(tvp_opts_count(opts), NOPTS);
}
