/* options.c - options declared as tables, and the one parser every command and workload uses. */
#include "options.h"

#include <string.h>

#include "util.h"

#define HELP_NAME "help"

size_t tvp_opts_count(const struct tvp_opt *opts)
{
	size_t count = 0;
	while (opts[count].name)
		count++;
	return count;
}

/* The param of the option called name[0 .. len) in tables; NULL if none. */
static struct tvp_param *find_param(const struct tvp_opt_table *tables, size_t ntables,
				    const char *name, size_t len)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; tables[t].opts[i].name; i++) {
			const char *known = tables[t].opts[i].name;
			if (strlen(known) == len && strncmp(known, name, len) == 0)
				return &tables[t].params[i];
		}
	return NULL;
}

/* The value of param's option at argv[*i]: after '=' when eq is not NULL,
 * else the next argument (advancing *i), which must not be an option.
 * 0, or TVP_EUSAGE after one line. */
static int take_value(const char *who, const struct tvp_opt *opt, int argc, char **argv, int *i,
		      const char *eq, const char **value)
{
	if (eq) {
		*value = eq + 1;
		return 0;
	}
	const char *metavar = opt->metavar ? opt->metavar : "VALUE";
	if (*i + 1 >= argc)
		return tvp_err(TVP_EUSAGE, "%s: --%s needs a value (%s)", who, opt->name, metavar);
	const char *next = argv[*i + 1];
	if (strncmp(next, "--", 2) == 0 && next[2] != '\0')
		return tvp_err(TVP_EUSAGE, "%s: --%s needs a value (%s), not the option '%s' "
			       "(write --%s=%s if that is the value)", who, opt->name, metavar, next,
			       opt->name, next);
	*value = argv[++*i];
	return 0;
}

/* Set param to text (NULL: no value) and convert it by its kind. 0, or
 * TVP_EUSAGE after one line. */
static int set_param(const char *who, struct tvp_param *param, const char *text, bool given)
{
	const struct tvp_opt *opt = param->opt;
	param->text = text;
	param->given = given;
	param->u64 = 0;
	param->real = 0;
	if (!text)
		return 0;
	if (opt->kind == TVP_OPT_U64 && tvp_parse_u64(text, &param->u64) != 0)
		return tvp_err(TVP_EUSAGE, "%s: --%s needs a whole number >= 0, not '%s'", who,
			       opt->name, text);
	if (opt->kind == TVP_OPT_DOUBLE && tvp_parse_double(text, &param->real) != 0)
		return tvp_err(TVP_EUSAGE, "%s: --%s needs a number, not '%s'", who, opt->name, text);
	return 0;
}

int tvp_opts_parse(const char *who, int argc, char **argv, const struct tvp_opt_table *tables,
		   size_t ntables)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; tables[t].opts[i].name; i++)
			tables[t].params[i] = (struct tvp_param){.opt = &tables[t].opts[i]};
	struct tvp_param *help = find_param(tables, ntables, HELP_NAME, strlen(HELP_NAME));
	if (help && help->opt->kind != TVP_OPT_FLAG)
		help = NULL;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (help && strcmp(arg, "-h") == 0)
			arg = "--" HELP_NAME;
		if (strncmp(arg, "--", 2) != 0)
			return tvp_err(TVP_EUSAGE, "%s: unexpected argument '%s' (options start with --; "
				       "see tvp %s --help)", who, arg, who);
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		struct tvp_param *param = find_param(tables, ntables, name, len);
		if (!param)
			return tvp_err(TVP_EUSAGE, "%s: unknown option '--%.*s' (see tvp %s --help)", who,
				       (int)len, name, who);
		const char *value = "1";
		if (param->opt->kind == TVP_OPT_FLAG) {
			if (eq)
				return tvp_err(TVP_EUSAGE, "%s: --%s takes no value", who, param->opt->name);
		} else if (take_value(who, param->opt, argc, argv, &i, eq, &value)) {
			return TVP_EUSAGE;
		}
		if (set_param(who, param, value, true))
			return TVP_EUSAGE;
		if (param == help)
			break; /* --help wins over whatever follows */
	}
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; tables[t].opts[i].name; i++) {
			struct tvp_param *param = &tables[t].params[i];
			if (!param->given && set_param(who, param, param->opt->fallback, false))
				return TVP_EUSAGE;
		}
	return 0;
}

int tvp_opt_range(const char *who, const struct tvp_param *param, uint64_t lo, uint64_t hi)
{
	if (!param->text || (param->u64 >= lo && param->u64 <= hi))
		return 0;
	return tvp_err(TVP_EUSAGE, "%s%s--%s must be a whole number from %llu to %llu, not '%s'",
		       who ? who : "", who ? ": " : "", param->opt->name, (unsigned long long)lo,
		       (unsigned long long)hi, param->text);
}

void tvp_opt_help(FILE *out, const struct tvp_opt *opt, const char *note)
{
	char left[64];
	snprintf(left, sizeof left, "--%s%s%s", opt->name, opt->metavar ? " " : "",
		 opt->metavar ? opt->metavar : "");
	fprintf(out, "  %-20s %s", left, opt->help);
	if (note)
		fprintf(out, " %s", note);
	if (opt->fallback && opt->kind != TVP_OPT_FLAG)
		fprintf(out, " [%s]", opt->fallback);
	fputc('\n', out);
}

void tvp_opts_help(FILE *out, const struct tvp_opt *opts)
{
	for (; opts->name; opts++)
		tvp_opt_help(out, opts, NULL);
}
