/* test_grep.c - the grep workload: line-aligned units, line counts, the ERE dialect, the kernel against its reference. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../benchmarks/gil.h"
#include "../../benchmarks/plugin.h"
#include "../../benchmarks/workloads/ere.h"
#include "../../benchmarks/workloads/grep.h"

extern const struct tvp_workload tvp_workload_grep;

/* Every unit starts at a line start and ends after a newline or at the end;
 * units cover the text exactly; each unit but the last has >= unit_bytes. */
static void check_split(const char *text, size_t size, size_t unit_bytes)
{
	size_t *starts;
	size_t units = grep_split(text, size, unit_bytes, &starts);
	cr_assert_eq(starts[0], 0);
	cr_assert_eq(starts[units], size, "the units end at the end of the text");
	size_t lines = 0;
	for (size_t u = 0; u < units; u++) {
		size_t begin = starts[u], end = starts[u + 1];
		cr_assert_lt(begin, end, "unit %zu is empty", u);
		cr_assert(begin == 0 || text[begin - 1] == '\n', "unit %zu starts inside a line", u);
		cr_assert(end == size || text[end - 1] == '\n', "unit %zu ends inside a line", u);
		if (u + 1 < units)
			cr_assert_geq(end - begin, unit_bytes, "unit %zu is short", u);
		lines += grep_count_lines(text + begin, end - begin);
	}
	cr_assert_eq(lines, grep_count_lines(text, size),
		     "the units' lines add up to the text's (size %zu, unit %zu)", size, unit_bytes);
	free(starts);
}

Test(grep_split, an_empty_text_has_no_units)
{
	size_t *starts;
	cr_assert_eq(grep_split(NULL, 0, 10, &starts), 0);
	cr_assert_eq(starts[0], 0);
	free(starts);
}

Test(grep_split, boundaries_move_to_the_next_line_end)
{
	const char *text = "aaaa\nbb\ncccccc\nd\n";
	size_t *starts;
	size_t units = grep_split(text, strlen(text), 6, &starts);
	/* 6 bytes from 0 end inside "bb": the unit runs to that line's end. */
	cr_assert_eq(units, 3);
	cr_assert_eq(starts[1], 8);
	cr_assert_eq(starts[2], 15);
	cr_assert_eq(starts[3], strlen(text));
	free(starts);
	/* A boundary exactly after a newline stays there. */
	units = grep_split(text, strlen(text), 5, &starts);
	cr_assert_eq(starts[1], 5);
	free(starts);
}

Test(grep_split, a_line_longer_than_a_unit_stays_whole)
{
	char text[1000];
	memset(text, 'x', sizeof text);
	text[10] = '\n';  /* a short line, then one of 900 bytes, then a short one */
	text[911] = '\n';
	text[999] = '\n';
	check_split(text, sizeof text, 16);
	size_t *starts;
	size_t units = grep_split(text, sizeof text, 16, &starts);
	cr_assert_eq(units, 2, "the long line and the short line after it are one unit");
	cr_assert_eq(starts[1], 11 + 901);
	free(starts);
}

Test(grep_split, a_text_without_a_final_newline_ends_its_last_unit)
{
	const char *text = "abc\ndef\nghi";
	for (size_t unit = 1; unit <= 12; unit++)
		check_split(text, strlen(text), unit);
}

Test(grep_split, random_texts_and_unit_sizes)
{
	srand(7);
	char text[4096];
	for (int round = 0; round < 300; round++) {
		size_t size = (size_t)rand() % sizeof text;
		int newline_odds = 1 + rand() % 100; /* from all newlines to long lines */
		for (size_t i = 0; i < size; i++)
			text[i] = rand() % newline_odds == 0 ? '\n' : 'a';
		check_split(text, size, 1 + (size_t)rand() % 300);
	}
}

Test(grep_count_lines, newlines_and_a_last_line_without_one)
{
	cr_assert_eq(grep_count_lines("", 0), 0);
	cr_assert_eq(grep_count_lines("\n", 1), 1);
	cr_assert_eq(grep_count_lines("a", 1), 1);
	cr_assert_eq(grep_count_lines("a\nb", 3), 2);
	cr_assert_eq(grep_count_lines("a\nb\n", 4), 2);
	cr_assert_eq(grep_count_lines("\n\n\n", 3), 3);
}

/* ere reads as GNU grep -E reads it: its PCRE2 form and its GNU regex form. */
static void check_pattern(const char *ere, const char *pcre2, const char *gnu)
{
	struct ere *parsed;
	char message[256];
	cr_assert_eq(ere_parse(ere, &parsed, message, sizeof message), 0, "'%s': %s", ere, message);
	char *got = ere_pcre2(parsed);
	cr_assert_str_eq(got, pcre2, "PCRE2 form of '%s'", ere);
	free(got);
	size_t len;
	got = ere_gnu(parsed, &len);
	cr_assert_str_eq(got, gnu, "GNU regex form of '%s'", ere);
	cr_assert_eq(len, strlen(gnu));
	free(got);
	ere_free(parsed);
}

/* ere is refused with GNU grep's message. */
static void check_refused(const char *ere, const char *expect)
{
	struct ere *parsed;
	char message[256];
	cr_assert_eq(ere_parse(ere, &parsed, message, sizeof message), -1, "'%s' accepted", ere);
	cr_assert_null(parsed);
	cr_assert_str_eq(message, expect, "message for '%s'", ere);
}

Test(grep_pattern, ere_reads_as_gnu_grep_reads_it)
{
	check_pattern("abcde[a-m]", "abcde[a-m]", "abcde[abcdefghijklm]");
	check_pattern("^[a-z ]*$", "^[\\x20a-z]*$", "^[ abcdefghijklmnopqrstuvwxyz]{0,}$");
	check_pattern("[\\d]", "[\\x5cd]", "[\\d]");          /* backslash is literal in brackets */
	check_pattern("[]a]", "[\\x5da]", "[]a]");              /* ] first is literal */
	/* grep matches these with GNU regex, a line passing its superset DFA
	 * first (dfa.c's reading, an unknown bracket or back-reference being
	 * any text): PCRE2 asks both */
	check_pattern("[[=a=]]x", "^(?=.*?(?:.*x)).*?(?:ax)", "[[=a=]]x");
	check_pattern("\\<the\\>", "\\b(?=\\w)the\\b(?<=\\w)", "\\<the\\>");
	check_pattern("a{,3}", "a{0,3}", "a{0,3}");
	check_pattern("a+?", "a*", "a{0,}");                   /* (a+)?, never lazy */
	check_pattern("a**", "a*", "a{0,}");                   /* never possessive */
	check_pattern("a{1}{2}", "a{2}", "a{2,2}");
	check_pattern("a{2}{0,1}", "(?:a{2})?", "(a{2,2}){0,1}"); /* {0,2,4} is no interval */
	check_pattern("a)", "a\\x29", "a\\)");                  /* no ( open: literal */
	check_pattern("{1", "\\x7b1", "\\{1");                  /* no interval: literal */
	check_pattern("a{1", "a\\x7b1", "a\\{1");
	check_pattern("*a", "a", "a");                         /* dfa.c: the empty regex repeated */
	check_pattern("^*a", "a", "a");                        /* dfa.c: the anchor repeated, maybe never */
	check_pattern("(^){3}a", "^a", "^a");                  /* a test of the position, once */
	check_pattern("x(\\b+|$)*y", "xy", "xy");
	check_pattern("\\Az", "Az", "Az");                       /* a stray backslash: the letter */
	check_pattern("(?<=a)b", "\\x3c\\x3dab", "<=ab");
	check_pattern("{1}(a)\\1", "^(?=.*?(?:a.*)).*?(?:1\\x7d(a)\\g{1})", "{1}(a)\\1"); /* GNU skips the { */
	check_pattern("(b)^*a\\1", "^(?=.*?(?:ba.*)).*?(?:(b)^a\\g{1})", "(b)^*a\\1"); /* GNU skips the * */
	check_pattern("b?()\\1{,2}({.)", "^(?=.*?(?:b?.*\\x7b.)).*?(?:b?()\\g{1}{0,2}(.))",
		      "b?()\\1{,2}({.)");                   /* the DFA needs a {, GNU regex no */
	check_pattern("(^.){3}", "(?:^.){3}", "(^.)(^.)(^.)");   /* glibc errs on (^.){3} */
	check_pattern("x(\\<a){1,}", "x(?:\\b(?=\\w)a)+", "x(\\<a)(\\<a)*");
	check_pattern("(\\ba){0,2}", "(?:\\ba){0,2}", "(\\ba(\\ba)?)?");
	check_pattern(".", ".", ".");
	check_pattern("[^a]", "[^\\x0aa]", "[^a]");
}

/* ere's literal (ere_literal) is want. */
static void check_literal(const char *ere, const char *want)
{
	struct ere *parsed;
	char message[256], got[256];
	cr_assert_eq(ere_parse(ere, &parsed, message, sizeof message), 0, "'%s': %s", ere, message);
	size_t n = ere_literal(parsed, got, sizeof got);
	cr_assert_eq(n, strlen(want), "literal of '%s': '%.*s', not '%s'", ere, (int)n, got, want);
	cr_assert_eq(memcmp(got, want, n), 0, "literal of '%s': '%.*s', not '%s'", ere, (int)n, got, want);
	ere_free(parsed);
}

Test(grep_pattern, the_literal_every_match_holds)
{
	check_literal("abcde[a-m]", "abcde");
	check_literal("abcde", "abcde");
	check_literal("[x]yz", "xyz");
	check_literal("^[a-z ]*$", "");
	check_literal(".", "");
	check_literal("a|b", "");
	check_literal("abc|abd", "ab");
	check_literal("xabc|yzbc", "bc");
	check_literal("(foo|foo)bar", "foobar");
	check_literal("q(ab|cd)z", "q");
	check_literal("ab(cd)+ef", "abcd");
	check_literal("ab(cd)*ef", "ab");
	check_literal("(ab)?cdef", "cdef");
	check_literal("x{0}abc", "abc");
	check_literal("\\<word\\>", "word");
	check_literal("[0-9]+kg([a-z]|z)", "kg");
	check_literal("(a)(b)\\1xyz", "xyz");       /* a back-reference: GNU's reading */
	check_literal("a[[.b.]]cd", "cd");        /* [.b.]: any text in grep's DFA */
}

/* ere's line prefix (ere_line_prefix) is want. */
static void check_line_prefix(const char *ere, const char *want)
{
	struct ere *parsed;
	char message[256], got[256];
	cr_assert_eq(ere_parse(ere, &parsed, message, sizeof message), 0, "'%s': %s", ere, message);
	size_t n = ere_line_prefix(parsed, got, sizeof got);
	cr_assert(n == strlen(want) && !memcmp(got, want, n), "line prefix of '%s': '%.*s', not '%s'", ere,
		  (int)n, got, want);
	ere_free(parsed);
}

Test(grep_pattern, the_string_every_match_starts_its_line_with)
{
	check_line_prefix("^ab", "ab");
	check_line_prefix("^ab[0-9]", "ab");
	check_line_prefix("^^ab", "ab");
	check_line_prefix("^(ab)c", "abc");
	check_line_prefix("^[x]y", "xy");
	check_line_prefix("^ab*", "a");       /* b* may be nothing */
	check_line_prefix("^a.*hello", "a");
	check_line_prefix("^(a)\\1x", "a"); /* GNU's reading: the back-reference is any text in grep's DFA */
	check_line_prefix("^a^b", "a");       /* matches nothing; "a" is still true of every match */
	check_line_prefix("ab", "");          /* no anchor */
	check_line_prefix("x^ab", "");
	check_line_prefix("^a|^b", "");       /* an alternation at the top */
	check_line_prefix("^*ab", "");        /* dfa.c: (^)*ab, any line with ab */
	check_line_prefix("^[ab]c", "");
	check_line_prefix("^$", "");
	check_line_prefix("^", "");
}

/* ere's literal set (ere_literal_set) is want (a NULL-ended list, in
 * order; none when want[0] is NULL), exact or not. */
static void check_set(const char *ere, bool exact, const char *const *want)
{
	struct ere *parsed;
	char message[256];
	cr_assert_eq(ere_parse(ere, &parsed, message, sizeof message), 0, "'%s': %s", ere, message);
	struct ere_strings got;
	ere_literal_set(parsed, &got);
	size_t count = 0;
	while (want[count])
		count++;
	cr_assert_eq(got.count, count, "'%s': %zu strings, not %zu", ere, got.count, count);
	for (size_t i = 0; i < count; i++)
		cr_assert(got.len[i] == strlen(want[i]) && !memcmp(got.text[i], want[i], got.len[i]),
			  "'%s': string %zu is '%.*s', not '%s'", ere, i, (int)got.len[i], got.text[i], want[i]);
	if (count)
		cr_assert_eq(got.exact, exact, "'%s': exact %d, not %d", ere, got.exact, exact);
	ere_free(parsed);
}

#define SET(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(grep_pattern, the_literal_set_every_match_holds_one_of)
{
	check_set("q", true, SET("q"));
	check_set("hello", true, SET("hello"));
	check_set("foo|bar|baz", true, SET("foo", "bar", "baz"));
	check_set("abc|abc", true, SET("abc"));
	check_set("(foo|bar)s", true, SET("foos", "bars"));
	check_set("[xy]z", true, SET("xz", "yz"));
	check_set("a{3}", true, SET("aaa"));
	check_set("x{0}abc", true, SET("abc"));
	check_set("(a|)b", true, SET("ab", "b"));
	check_set("^ab", false, SET("ab"));                /* an anchor: not exact */
	check_set("\\<foo\\>|bar", false, SET("foo", "bar"));
	check_set("foo[a-z]|bar", false, SET("foo", "bar"));
	check_set("abcde[a-m]", false, SET("abcde"));
	check_set("(ab)+", false, SET("ab"));
	check_set("a{2,3}", false, SET("a"));
	check_set("[a-c]x[0-9]+yz", false, SET("yz"));      /* the longer side */
	check_set("(a|b|c)(d|e|f)", false, SET("a", "b", "c")); /* 9 strings: too many */
	check_set("(a)\\1|x", false, SET("a", "x"));         /* GNU's reading: never exact */
	check_set("a|", false, SET(NULL));                  /* an empty match: none */
	check_set("a?", false, SET(NULL));
	check_set("[0-9]", false, SET(NULL));               /* 10 bytes: none */
	check_set("a|.", false, SET(NULL));
	check_set("^$", false, SET(NULL));
}

Test(grep_pattern, what_grep_refuses_is_refused_with_its_message)
{
	check_refused("a{}", "Invalid content of \\{\\}");
	check_refused("a{2,1}", "Invalid content of \\{\\}");
	check_refused("a[1-3-5]c", "Invalid range end");
	check_refused("a[[:]:]]b", "Invalid character class name");
	check_refused("[[:<:]]a", "Invalid character class name");
	check_refused("(ab", "Unmatched ( or \\(");
	check_refused("(*)", "Unmatched ( or \\(");
	check_refused("a\\", "Trailing backslash");
	check_refused("[:space:]", "character class syntax is [[:space:]], not [:space:]");
	check_refused("(a)\\2", "Invalid back reference");
	check_refused("a{32768}", "Regular expression too big");
	check_refused("a\nb", "a newline in the regex (tvp takes one regex, not a list)");
}

/* A temporary file with text; its name in path (size 64). */
static void make_file(char *path, const char *text, size_t len)
{
	strcpy(path, "/tmp/tvp-test-grep-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

#define GREP_PARAMS 7 /* file, regex, engine, input, unit-bytes, print, no-prefilter */

/* A job as the CLI would make it: file, regex, engine, unit-bytes, and
 * --no-prefilter unless prefilter. */
static void make_job(struct tvp_job *job, struct tvp_param *params, const char *file,
		     const char *regex, const char *engine, const char *unit_bytes, bool prefilter)
{
	const struct tvp_workload *wl = &tvp_workload_grep;
	const char *values[GREP_PARAMS] = {file, regex, engine, "shared", unit_bytes, NULL,
					   prefilter ? NULL : "yes"};
	cr_assert_str_eq(wl->opts[GREP_PARAMS - 1].name, "no-prefilter");
	memset(job, 0, sizeof *job);
	job->workload = wl;
	job->params = params;
	job->nparams = GREP_PARAMS;
	for (size_t i = 0; i < GREP_PARAMS; i++) {
		params[i] = (struct tvp_param){.opt = &wl->opts[i], .text = values[i],
					       .given = values[i] != NULL};
		if (wl->opts[i].kind == TVP_OPT_U64)
			cr_assert_eq(tvp_parse_u64(values[i], &params[i].u64), 0);
	}
}

/* A modern GIL (CPython 3's defaults) that the calling thread enters as
 * worker, its counters in stats; leave_gil undoes it. */
static struct tvp_gil *enter_modern_gil(struct tvp_worker *worker, struct tvp_gil_stats *stats)
{
	struct tvp_gil_config modern = {.mode = TVP_GIL_MODERN, .interval_s = TVP_GIL_INTERVAL_MS / 1e3,
					.check = TVP_GIL_CHECK, .segment = TVP_GIL_SEGMENT};
	struct tvp_gil *gil = tvp_gil_create(&modern);
	worker->gil = tvp_gil_enter(gil, stats);
	return gil;
}

static void leave_gil(struct tvp_worker *worker, struct tvp_gil *gil)
{
	tvp_gil_leave(worker->gil);
	worker->gil = NULL;
	tvp_gil_destroy(gil);
}

/* Run the kernel on every unit alone and on all units at once; both
 * totals must equal the line-by-line reference, and expect. Each engine,
 * with the prefilter (AVX2 where the CPU has it, and SSE2) and without,
 * and with the prefilter under a GIL (its windows are smaller). */
static void check_kernel(const char *text, const char *regex, const char *unit_bytes,
			 unsigned long long expect)
{
	char path[64];
	make_file(path, text, strlen(text));
	for (int way = 0; way < 8; way++) {
		int e = way % 2;
		bool under_gil = way >= 6;
		bool prefilter = way != 2 && way != 3, avx2 = way < 4 || under_gil;
		if (avx2)
			unsetenv("TVP_GREP_NO_AVX2");
		else
			setenv("TVP_GREP_NO_AVX2", "1", 1);
		struct tvp_job job;
		struct tvp_param params[GREP_PARAMS];
		make_job(&job, params, path, regex, e ? "posix" : "pcre2", unit_bytes, prefilter);
		cr_assert_eq(tvp_workload_grep.prepare(&job), 0);
		char reference[TVP_ANSWER_MAX];
		cr_assert_eq(tvp_workload_grep.reference_answer(&job, reference), 0);
		char want[32];
		snprintf(want, sizeof want, "%llu", expect);
		cr_assert_str_eq(reference, want, "reference for '%s'", regex);

		struct tvp_buf out = {0};
		struct tvp_worker worker = {.job = &job, .out = &out};
		cr_assert_eq(tvp_workload_grep.worker_start(&worker), 0); /* its match data */
		struct tvp_gil_stats stats = {0};
		struct tvp_gil *gil = under_gil ? enter_modern_gil(&worker, &stats) : NULL;
		size_t results_size = (job.units + 1) * sizeof(struct tvp_result);
		struct tvp_result *results = aligned_alloc(TVP_CACHE_LINE, results_size); /* its alignment */
		cr_assert_not_null(results);
		memset(results, 0, results_size);
		const struct tvp_result **ordered = tvp_xcalloc(job.units + 1, sizeof *ordered);
		for (size_t u = 0; u < job.units; u++) {
			out = (struct tvp_buf){0};
			tvp_workload_grep.kernel(&worker, (struct tvp_task){u, 1}, NULL, 0);
			results[u] = (struct tvp_result){.buf = out, .first = u, .count = 1};
			ordered[u] = &results[u];
		}
		char answer[TVP_ANSWER_MAX];
		cr_assert_eq(tvp_workload_grep.reduce(&job, ordered, job.units, answer), 0);
		cr_assert_str_eq(answer, want, "units one by one, '%s' (%s%s%s%s)", regex,
				 e ? "posix" : "pcre2", prefilter ? "" : ", --no-prefilter", avx2 ? "" : ", no AVX2",
				 gil ? ", under a GIL" : "");
		for (size_t u = 0; u < job.units; u++)
			tvp_buf_free(&results[u].buf);
		out = (struct tvp_buf){0};
		tvp_workload_grep.kernel(&worker, (struct tvp_task){0, job.units}, NULL, 0);
		results[0] = (struct tvp_result){.buf = out, .first = 0, .count = job.units};
		ordered[0] = &results[0];
		cr_assert_eq(tvp_workload_grep.reduce(&job, ordered, job.units ? 1 : 0, answer), 0);
		cr_assert_str_eq(answer, want, "all units at once, '%s' (way %d)", regex, way);
		tvp_buf_free(&out);
		free(results);
		free(ordered);
		if (gil)
			leave_gil(&worker, gil);
		tvp_workload_grep.worker_end(&worker);
		tvp_workload_grep.release(&job);
	}
	unsetenv("TVP_GREP_NO_AVX2");
	unlink(path);
}

Test(grep_kernel, counts_match_lines_at_every_unit_size)
{
	const char *text = "abcdef\n\nxyz abcdem\nabcdez\n  \nabc\nabcdea";
	const char *sizes[] = {"1", "2", "7", "8", "30", "1000"};
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		check_kernel(text, "abcde[a-m]", sizes[i], 3);
		check_kernel(text, "^", sizes[i], 7);
		check_kernel(text, "^$", sizes[i], 1);
		check_kernel(text, "[0-9]", sizes[i], 0);
		check_kernel(text, "c$", sizes[i], 1);
		check_kernel(text, "a$", sizes[i], 1);   /* the last line has no newline */
	}
}

Test(grep_kernel, a_class_that_matches_a_newline_does_not_join_lines)
{
	/* [^x] and \s match a newline in PCRE2; grep never matches across lines. */
	check_kernel("ab\ncd\nabxcd\n", "b[^x]c", "4096", 0);
	check_kernel("ab\ncd\nabxcd\n", "b\\s*c", "4096", 0);
	check_kernel("ab\ncd\nabxcd\nb c\n", "b[^x]c", "4096", 1);
	check_kernel("a\n\nb\n", "a[^z]*$", "4096", 1);
}

Test(grep_kernel, the_prefilter_asks_only_lines_with_the_literal_and_misses_none)
{
	/* 20000 lines, over 64 KiB windows: "abcdek" (a match) on every 7th,
	 * "abcdez" (the literal, no match) on every 11th, at moving places. */
	struct tvp_buf text = {0};
	unsigned long long want = 0;
	for (int i = 0; i < 20000; i++) {
		char line[64];
		int n = snprintf(line, sizeof line, "%*sline %d%s%s\n", i % 13, "", i,
				 i % 7 ? "" : " abcdek", i % 11 ? "" : "abcdez");
		tvp_buf_append(&text, line, (size_t)n);
		want += i % 7 == 0;
	}
	tvp_buf_append(&text, "", 1);
	check_kernel((const char *)text.data, "abcde[a-m]", "1048576", want);
	check_kernel((const char *)text.data, "abcde[a-m]", "1000", want);
	check_kernel((const char *)text.data, "abcdez$", "1048576", 1819); /* i % 11 == 0 */
	tvp_buf_free(&text);
}

/* The lines of text that hold one of strings (a NULL-ended list), found
 * line by line with memmem: what a regex that is exactly those strings
 * matches. */
static unsigned long long lines_holding(const char *text, const char *const *strings)
{
	unsigned long long count = 0;
	for (const char *line = text; *line;) {
		const char *newline = strchr(line, '\n');
		size_t len = newline ? (size_t)(newline - line) : strlen(line);
		bool holds = false;
		for (const char *const *s = strings; *s; s++)
			holds = holds || memmem(line, len, *s, strlen(*s));
		count += holds;
		line += len + (newline != NULL);
	}
	return count;
}

/* The regexes that are exactly a set of literals (the prefilter counts
 * their lines with no engine), with the set of each. */
static const char *const exact_regexes[] = {"q", "fo", "foo|bar|baz", "ab|ba", "[qz]", "(f|b)(o|a)r",
					    "aaaa", "oof|foo|ofo", "a|b|f|o|q|r|z|x"};
static const char *const *const exact_sets[] = {
	SET("q"), SET("fo"), SET("foo", "bar", "baz"), SET("ab", "ba"), SET("q", "z"),
	SET("for", "far", "bor", "bar"), SET("aaaa"), SET("oof", "foo", "ofo"),
	SET("a", "b", "f", "o", "q", "r", "z", "x")};

/* size random bytes of alphabet, a newline one in every line_every or so (rand_r state). */
static char *random_text(size_t size, const char *alphabet, unsigned line_every, unsigned *state)
{
	char *text = tvp_xmalloc(size + 1);
	size_t letters = strlen(alphabet);
	for (size_t i = 0; i < size; i++)
		text[i] = (unsigned)rand_r(state) % line_every == 0 ? '\n'
								    : alphabet[(unsigned)rand_r(state) % letters];
	text[size] = '\0';
	return text;
}

Test(grep_kernel, a_regex_that_is_a_set_of_literals_counts_the_lines_holding_one)
{
	/* short texts (under one 64-byte block, a few blocks) and long ones
	 * (over 4 KiB mask batches and 64 KiB windows), at unit sizes that
	 * cut them in many places */
	const size_t sizes[] = {0, 1, 2, 5, 63, 64, 65, 66, 127, 128, 130, 300, 4097, 70000};
	const char *units[] = {"1", "100", "1048576"};
	unsigned state = 20;
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		for (unsigned every = 3; every <= 200; every *= 8) {
			char *text = random_text(sizes[i], "abfoqrz ", every, &state);
			for (size_t r = 0; r < sizeof exact_regexes / sizeof *exact_regexes; r++)
				check_kernel(text, exact_regexes[r], units[(i + r) % 3],
					     lines_holding(text, exact_sets[r]));
			free(text);
		}
	}
}

/* The lines of text that start with prefix. */
static unsigned long long lines_starting(const char *text, const char *prefix)
{
	unsigned long long count = 0;
	size_t n = strlen(prefix);
	for (const char *line = text; *line;) {
		const char *newline = strchr(line, '\n');
		size_t len = newline ? (size_t)(newline - line) : strlen(line);
		count += len >= n && !memcmp(line, prefix, n);
		line += len + (newline != NULL);
	}
	return count;
}

Test(grep_kernel, a_line_start_literal_finds_the_lines_that_start_with_it)
{
	/* `^ab` looks for a newline then "ab", and compares the first line of
	 * each search in place: at the text's start, at every unit's start,
	 * and over 64 KiB windows; rare (^abq), frequent (^a) and dense */
	check_kernel("ab", "^ab", "100", 1);
	check_kernel("ab\nab", "^ab", "1", 2);
	check_kernel("xab\nab\n\nab", "^ab", "100", 2);
	check_kernel("a\nb\nab\n", "^ab", "100", 1);
	const size_t sizes[] = {0, 3, 64, 65, 300, 4097, 70000, 300000};
	const char *units[] = {"1", "100", "1048576"};
	const char *prefixes[] = {"ab", "a", "abq", "b a"};
	unsigned state = 31;
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		for (unsigned every = 3; every <= 200; every *= 8) {
			char *text = random_text(sizes[i], "abq ", every, &state);
			for (size_t r = 0; r < sizeof prefixes / sizeof *prefixes; r++) {
				char regex[16];
				snprintf(regex, sizeof regex, "^%s", prefixes[r]);
				check_kernel(text, regex, units[(i + r) % 3], lines_starting(text, prefixes[r]));
			}
			free(text);
		}
	}
}

Test(grep_kernel, dense_candidates_over_many_windows_miss_no_line)
{
	/* q on most lines, over 11 windows of 64 KiB: after a dense window the
	 * next ones are counted (q) or searched by PCRE2 (q[a-z]) without
	 * looking for candidates first, but every 8th looks again */
	unsigned state = 7;
	char *text = random_text(700000, "abfoqrz ", 24, &state);
	for (int i = 300000; i < 400000; i++) /* a stretch with no q: sparse again */
		if (text[i] == 'q')
			text[i] = 'x';
	const char *const *letters = SET("qa", "qb", "qf", "qo", "qq", "qr", "qz");
	check_kernel(text, "q", "1048576", lines_holding(text, SET("q")));
	check_kernel(text, "q", "100000", lines_holding(text, SET("q")));
	check_kernel(text, "q[a-z]", "1048576", lines_holding(text, letters));
	check_kernel(text, "q[a-z]", "100000", lines_holding(text, letters));
	free(text);
}

/* size bytes of lines of 39 x's, NUL-ended (free it). */
static char *x_lines(size_t size)
{
	char *text = tvp_xmalloc(size + 1);
	for (size_t i = 0; i < size; i++)
		text[i] = i % 40 == 39 ? '\n' : 'x';
	text[size] = '\0';
	return text;
}

Test(grep_kernel, literals_at_the_ends_of_the_file_and_across_block_and_window_edges)
{
	check_kernel("q", "q", "100", 1);
	check_kernel("q\n", "q", "100", 1);
	check_kernel("\nq", "q", "100", 1);
	check_kernel("foo", "foo|bar|baz", "100", 1);
	check_kernel("xx\nbaz", "foo|bar|baz", "100", 1);
	check_kernel("bar\nxx\nba", "foo|bar|baz", "100", 1);
	/* lines of 39 x's; a literal written over [at, at + 3) for at near the
	 * edges of 64-byte blocks, 4 KiB mask batches and windows (64 KiB under
	 * a GIL, 1 MiB without; where it covers a newline, two lines become one) */
	const size_t edges[] = {64, 128, 4096, 65536, 65536 * 2, 1 << 20, 2 << 20};
	size_t size = (2 << 20) + 200;
	char *text = x_lines(size);
	for (size_t k = 0; k < sizeof edges / sizeof *edges; k++)
		for (size_t back = 0; back <= 4; back++)
			memcpy(text + edges[k] - back + (k * 7 % 3), back % 2 ? "baz" : "foo", 3);
	memcpy(text + size - 3, "bar", 3); /* at the very end, no newline after it */
	memcpy(text, "foo", 3);            /* at the very start */
	const char *const *set = exact_sets[2];
	check_kernel(text, "foo|bar|baz", "1048576", lines_holding(text, set));
	check_kernel(text, "foo|bar|baz", "4096", lines_holding(text, set));
	check_kernel(text, "foo|bar|baz", "1000", lines_holding(text, set));
	free(text);
}

/* The GIL's ticks in one search of all of text for regex (one unit),
 * under a modern GIL; the answer must be expect. */
static uint64_t ticks_under_gil(const char *text, const char *regex, const char *engine,
				unsigned long long expect)
{
	char path[64];
	make_file(path, text, strlen(text));
	struct tvp_job job;
	struct tvp_param params[GREP_PARAMS];
	make_job(&job, params, path, regex, engine, "1000000000", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), 0);
	cr_assert_eq(job.units, 1);
	struct tvp_buf out = {0};
	struct tvp_worker worker = {.job = &job, .out = &out};
	cr_assert_eq(tvp_workload_grep.worker_start(&worker), 0);
	struct tvp_gil_stats stats = {0};
	struct tvp_gil *gil = enter_modern_gil(&worker, &stats);
	tvp_workload_grep.kernel(&worker, (struct tvp_task){0, 1}, NULL, 0);
	leave_gil(&worker, gil);
	struct tvp_result result = {.buf = out, .first = 0, .count = 1};
	const struct tvp_result *ordered[] = {&result};
	char answer[TVP_ANSWER_MAX], want[32];
	cr_assert_eq(tvp_workload_grep.reduce(&job, ordered, 1, answer), 0);
	snprintf(want, sizeof want, "%llu", expect);
	cr_assert_str_eq(answer, want, "'%s' under a GIL (%s)", regex, engine);
	tvp_buf_free(&out);
	tvp_workload_grep.worker_end(&worker);
	tvp_workload_grep.release(&job);
	unlink(path);
	return stats.ticks;
}

Test(grep_kernel, under_a_gil_the_prefilter_ticks_once_per_64_KiB_window_and_candidate_line)
{
	/* 26215 lines of 39 x's (1048600 bytes): windows of whole lines, at
	 * least 65536 bytes, are 65560 (1639 lines), so 16 of them */
	char *text = x_lines(26215 * 40);
	const char *engines[] = {"pcre2", "posix"};
	for (int e = 0; e < 2; e++) {
		cr_assert_eq(ticks_under_gil(text, "foo", engines[e], 0), 16, "%s", engines[e]);
		memcpy(text + 40 * 2000, "foo", 3);    /* two candidate lines: one matches */
		memcpy(text + 40 * 9000, "foo", 3);
		text[40 * 9000 + 3] = '\n';           /* "foo" then a line of 35 x's */
		cr_assert_eq(ticks_under_gil(text, "^foo$", engines[e], 1), 16 + 2, "%s", engines[e]);
		memset(text + 40 * 2000, 'x', 3);
		memset(text + 40 * 9000, 'x', 4);
	}
	free(text);
}

Test(grep_kernel, a_literal_split_by_a_newline_matches_no_line)
{
	check_kernel("fo\no\nba\nr\nb\naz\n", "foo|bar|baz", "100", 0);
	check_kernel("fo\no\nba\nr\nb\naz\n", "foo", "100", 0);
	/* the split at the edge of a 64-byte block, and in the text's last places */
	char text[200];
	memset(text, 'x', sizeof text);
	memcpy(text + 60, "\nfo\nox\nb\nar\n", 12);
	memcpy(text + 190, "\nba\nz\nfo\n", 9);
	text[sizeof text - 1] = '\0';
	check_kernel(text, "foo|bar|baz", "1048576", 0);
	check_kernel(text, "foo", "1048576", 0);
	check_kernel(text, "bar", "1048576", 0);
}

Test(grep_kernel, overlapping_literals_of_a_set_count_their_line_once)
{
	check_kernel("aba\nbab\nabab\nxx\n", "ab|ba", "100", 3);
	check_kernel("foof\noofoo\nfo\n", "foo|oof", "100", 2);
	check_kernel("aaaa\naaa\naa\na\n", "aa|aaa", "100", 3);
	check_kernel("foobarbaz\nbazbarfoo\n", "foo|bar|baz", "100", 2);
}

Test(grep_kernel, a_literal_longer_than_a_block_is_compared_in_full)
{
	/* 100 bytes: three compared a step, then the whole; near the end too */
	char literal[101], text[1200] = "";
	for (int i = 0; i < 100; i++)
		literal[i] = (char)('a' + i % 7);
	literal[100] = '\0';
	char almost[101];
	memcpy(almost, literal, sizeof almost);
	almost[50] = 'z'; /* its first, second and last bytes, but not the whole */
	snprintf(text, sizeof text, "%s\nxx%sxx\n%s\n%s\n%.60s\n%s", literal, literal, almost, almost,
		 literal, literal);
	check_kernel(text, literal, "1048576", 3);
	check_kernel(text, literal, "50", 3);
	text[strlen(text) - 1] = '\0'; /* the last one cut short by the end */
	check_kernel(text, literal, "1048576", 2);
}

Test(grep_kernel, no_line_follows_the_last_newline)
{
	/* An empty match just after the last newline is on no line (a search
	 * of whole windows finds one there). */
	check_kernel("abc\nde\n", "^$", "4096", 0);
	check_kernel("abc\nde\n", "^x*$", "4096", 0);
	check_kernel("abc\nde\n\n", "^$", "4096", 1);
}

Test(grep_kernel, an_empty_file_counts_zero)
{
	check_kernel("", "^", "16", 0);
}

Test(grep_prepare, bad_input_is_a_usage_error)
{
	struct tvp_job job;
	struct tvp_param params[GREP_PARAMS];
	char path[64];
	make_file(path, "abc\n", 4);
	make_job(&job, params, path, "(ab", "pcre2", "100", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), TVP_EUSAGE);
	tvp_workload_grep.release(&job);
	make_job(&job, params, path, "(ab", "posix", "100", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), TVP_EUSAGE);
	tvp_workload_grep.release(&job);
	make_job(&job, params, "/nonexistent/file", "a", "pcre2", "100", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), TVP_EUSAGE);
	tvp_workload_grep.release(&job);
	make_job(&job, params, "/tmp", "a", "pcre2", "100", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), TVP_EUSAGE);
	tvp_workload_grep.release(&job);
	make_job(&job, params, path, "a", "pcre2", "0", true);
	cr_assert_eq(tvp_workload_grep.prepare(&job), TVP_EUSAGE);
	tvp_workload_grep.release(&job);
	unlink(path);
}

Test(grep_kernel, a_line_pcre2_gives_up_on_is_decided_by_gnu_regex)
{
	/* PCRE2 backtracks out of its match limit on 40 a's; grep (and GNU
	 * regex) say no match, and so must every path of the kernel. */
	char text[42];
	memset(text, 'a', 40);
	text[40] = '\n';
	text[41] = '\0';
	check_kernel(text, "^(a|aa)+(a|aa)+(a|aa)+[^a]", "100", 0);
	check_kernel(text, "^(a|aa)+(a|aa)+(a|aa)+a$", "100", 1);
}
