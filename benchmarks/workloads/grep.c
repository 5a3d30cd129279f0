/* grep.c - count (and print) the lines of a file that match an extended regex, like LC_ALL=C grep -c -E. */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include "grep.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tvp.h"

#define GREP_WINDOW 4096              /* bytes one PCRE2 search covers before a tick */
#define GREP_JIT_STACK_MIN (32 << 10) /* a worker's PCRE2 JIT stack, bytes */
#define GREP_JIT_STACK_MAX (1 << 20)

enum grep_engine { GREP_PCRE2, GREP_POSIX };
enum grep_input { GREP_SHARED, GREP_SHIP };

/* What one worker needs to match on its own, made by that worker on its
 * first task and kept for the job: PCRE2's match data and JIT stack, and a
 * private copy of the POSIX regex (glibc's regexec locks the regex_t it is
 * given, which would serialise threads sharing one). */
struct grep_scratch {
	alignas(TVP_CACHE_LINE) bool ready;
	pcre2_match_data *match;
	pcre2_match_context *context;
	pcre2_jit_stack *jit_stack;
	regex_t posix;
	struct tvp_buf line; /* posix: the line as a C string (regexec reads one) */
};

struct grep {
	const char *path, *regex;
	enum grep_engine engine;
	enum grep_input input;
	bool print;
	size_t unit_bytes;
	int fd;
	const char *text;   /* the file, mapped read-only (NULL when it is empty) */
	size_t size;
	size_t *starts;     /* units + 1 offsets: unit u is [starts[u], starts[u + 1]) */
	pcre2_code *code;   /* --engine pcre2: compiled (and JIT-compiled) once */
	bool jit;           /* the JIT took it (else PCRE2's interpreter runs) */
	regex_t posix;      /* --engine posix: compiled once, copied per worker */
	bool posix_ready;
	struct grep_scratch *scratch; /* TVP_MAX_WORKERS, one per worker id */
};

/* What a task emits, after its --print records: the last bytes of its result. */
struct grep_part {
	uint64_t matches; /* matching lines */
	uint64_t lines;   /* lines searched (counted only with --print) */
	uint64_t bytes;   /* bytes searched: a check that every byte arrived */
	int64_t error;    /* 0, or the engine's error code (the search stopped) */
};

/* A --print record: the count of unmatched lines since the previous
 * record (or the task's start) as a base-128 varint, then the matching
 * line and a newline. A task of B bytes emits at most 2B + 1 of them. */

static const struct tvp_opt grep_opts[] = {
	{"file", TVP_OPT_TEXT, "FILE", NULL, "the file to search (make one with tvp corpus)"},
	{"regex", TVP_OPT_TEXT, "RE", NULL, "POSIX extended regex, as grep -E reads it"},
	{"engine", TVP_OPT_TEXT, "E", "pcre2", "pcre2 (JIT-compiled) or posix (regcomp/regexec)"},
	{"input", TVP_OPT_TEXT, "HOW", "shared", "process workers: shared (map the file) or ship (sent by pipe)"},
	{"unit-bytes", TVP_OPT_U64, "N", "1048576", "bytes per unit of work (line-aligned)"},
	{"print", TVP_OPT_FLAG, NULL, NULL, "print the matching lines as LINENO:LINE, like grep -n"},
	{NULL},
};

/* ---- Cutting the file into units. */

size_t grep_split(const char *text, size_t size, size_t unit_bytes, size_t **starts)
{
	size_t cap = size / unit_bytes + 2, units = 0;
	size_t *at = tvp_xmalloc(cap * sizeof *at);
	size_t pos = 0;
	while (pos < size) {
		if (units + 2 > cap)
			at = tvp_xrealloc(at, (cap *= 2) * sizeof *at);
		at[units++] = pos;
		if (size - pos <= unit_bytes) {
			pos = size;
		} else {
			/* End just after the first newline at or past pos + unit_bytes - 1. */
			size_t from = pos + unit_bytes - 1;
			const char *newline = memchr(text + from, '\n', size - from);
			pos = newline ? (size_t)(newline - text) + 1 : size;
		}
	}
	at[units] = size;
	*starts = at;
	return units;
}

size_t grep_count_lines(const char *text, size_t n)
{
	size_t lines = 0;
	const char *end = text + n, *p = text;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		lines++;
		p++;
	}
	return lines + (n > 0 && text[n - 1] != '\n');
}

/* ---- The regex: grep -E's dialect for PCRE2. */

struct pattern {
	struct tvp_buf text, origin; /* origin: one size_t per byte of text */
};

/* Append len bytes to the pattern, each noted as coming from ere[from]. */
static void put(struct pattern *out, const char *bytes, size_t len, size_t from)
{
	tvp_buf_append(&out->text, bytes, len);
	for (size_t i = 0; i < len; i++)
		tvp_buf_append(&out->origin, &from, sizeof from);
}

/* One literal byte inside a PCRE2 class. */
static void put_class_byte(struct pattern *out, unsigned char c, size_t from)
{
	if (isalnum(c) || c >= 0x80) {
		put(out, (const char *)&c, 1, from);
	} else {
		char escaped[2] = {'\\', (char)c};
		put(out, escaped, 2, from);
	}
}

/* The bracket expression at ere[i] (ere[i] == '['); returns where it ends. */
static size_t put_bracket(struct pattern *out, const char *ere, size_t i)
{
	size_t j = i + 1;
	put(out, "[", 1, i);
	if (ere[j] == '^')
		put(out, "^", 1, j++);
	if (ere[j] == ']')
		put_class_byte(out, ']', j++);
	size_t first = j;
	while (ere[j] && ere[j] != ']') {
		char kind = ere[j + 1];
		if (ere[j] == '[' && (kind == ':' || kind == '=' || kind == '.')) {
			const char *close = strchr(ere + j + 2, kind);
			while (close && close[1] != ']')
				close = strchr(close + 1, kind);
			if (close) {
				size_t inner = (size_t)(close - ere) - (j + 2);
				if (kind != ':' && inner == 1) /* [=a=] and [.a.]: the byte itself */
					put_class_byte(out, (unsigned char)ere[j + 2], j);
				else
					put(out, ere + j, inner + 4, j);
				j += inner + 4;
				continue;
			}
		}
		if (ere[j] == '-' && j > first && ere[j + 1] != ']')
			put(out, "-", 1, j); /* a range */
		else
			put_class_byte(out, (unsigned char)ere[j], j);
		j++;
	}
	if (!ere[j]) /* unterminated: let PCRE2 say so */
		return j;
	put(out, "]", 1, j);
	return j + 1;
}

char *grep_pcre2_pattern(const char *ere, size_t **origin)
{
	struct pattern out = {{0}, {0}};
	size_t i = 0;
	while (ere[i]) {
		if (ere[i] == '\\' && ere[i + 1] == '<') {
			put(&out, "\\b(?=\\w)", 8, i);
			i += 2;
		} else if (ere[i] == '\\' && ere[i + 1] == '>') {
			put(&out, "\\b(?<=\\w)", 9, i);
			i += 2;
		} else if (ere[i] == '\\' && ere[i + 1]) {
			put(&out, ere + i, 2, i);
			i += 2;
		} else if (ere[i] == '[') {
			i = put_bracket(&out, ere, i);
		} else if (ere[i] == '{' && ere[i + 1] == ',' && i > 0) {
			put(&out, "{0,", 3, i);
			i += 2;
		} else {
			put(&out, ere + i, 1, i);
			i++;
		}
	}
	size_t end = i;
	put(&out, "", 1, end); /* the NUL, mapped to the end of ere */
	if (origin)
		*origin = (size_t *)out.origin.data;
	else
		tvp_buf_free(&out.origin);
	return (char *)out.text.data;
}

/* Compile for PCRE2: multiline (^ and $ at every line end, so a whole
 * window is searched in one call), newline is LF, bytes not UTF-8. */
static int compile_pcre2(struct grep *g)
{
	size_t *origin;
	char *pattern = grep_pcre2_pattern(g->regex, &origin);
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	int code;
	PCRE2_SIZE offset;
	g->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				PCRE2_MULTILINE | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code,
				&offset, cc);
	pcre2_compile_context_free(cc);
	int status = 0;
	if (!g->code) {
		PCRE2_UCHAR message[256];
		pcre2_get_error_message(code, message, sizeof message);
		size_t at = offset <= strlen(pattern) ? origin[offset] : strlen(g->regex);
		status = tvp_err(TVP_EUSAGE, "grep: invalid regex '%s': %s at offset %zu (PCRE2)",
				 g->regex, (const char *)message, at);
	} else {
		g->jit = pcre2_jit_compile(g->code, PCRE2_JIT_COMPLETE) == 0;
	}
	free(pattern);
	free(origin);
	return status;
}

/* regcomp for grep -E lines; 0, or TVP_EUSAGE with regerror's words. */
static int compile_posix(regex_t *re, const char *regex)
{
	int code = regcomp(re, regex, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
	if (code) {
		char message[256];
		regerror(code, re, message, sizeof message);
		return tvp_err(TVP_EUSAGE, "grep: invalid regex '%s': %s (POSIX regcomp gives no offset)",
			       regex, message);
	}
	return 0;
}

/* ---- Matching. */

/* The engine's words for an error code line_matches or a search returned. */
static void engine_error(const struct grep *g, int64_t code, char *message, size_t size)
{
	if (g->engine == GREP_PCRE2)
		pcre2_get_error_message((int)code, (PCRE2_UCHAR *)message, size);
	else
		regerror((int)(-1000 - code), NULL, message, size);
}

/* Fill s for the job's engine; out of memory ends the process (status 1). */
static void scratch_make(const struct grep *g, struct grep_scratch *s)
{
	if (g->engine == GREP_PCRE2) {
		s->match = pcre2_match_data_create_from_pattern(g->code, NULL);
		s->context = pcre2_match_context_create(NULL);
		s->jit_stack = pcre2_jit_stack_create(GREP_JIT_STACK_MIN, GREP_JIT_STACK_MAX, NULL);
		if (!s->match || !s->context || !s->jit_stack) {
			tvp_err(TVP_ERUNTIME, "out of memory for PCRE2 match data");
			_exit(TVP_ERUNTIME);
		}
		pcre2_jit_stack_assign(s->context, NULL, s->jit_stack);
	} else if (compile_posix(&s->posix, g->regex) != 0) {
		_exit(TVP_ERUNTIME); /* it compiled in prepare: only memory can fail here */
	}
	s->ready = true;
}

/* Free what scratch_make made (nothing if it never ran). */
static void scratch_free(const struct grep *g, struct grep_scratch *s)
{
	if (!s->ready)
		return;
	if (g->engine == GREP_PCRE2) {
		pcre2_match_data_free(s->match);
		pcre2_match_context_free(s->context);
		pcre2_jit_stack_free(s->jit_stack);
	} else {
		regfree(&s->posix);
		tvp_buf_free(&s->line);
	}
	s->ready = false;
}

/* Does the line [line, line + len) (no newline in it) match? 1 yes, 0 no,
 * or a negative engine error code. */
static int line_matches(const struct grep *g, struct grep_scratch *s, const char *line,
			size_t len)
{
	if (g->engine == GREP_PCRE2) {
		int rc = pcre2_match(g->code, (PCRE2_SPTR)line, len, 0, 0, s->match, s->context);
		return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
	}
	/* A copy ending in NUL: regexec takes a C string (and sanitizers read
	 * it up to the NUL), while REG_STARTEND still lets a NUL byte inside
	 * the line be searched like any other byte. */
	s->line.len = 0;
	tvp_buf_append(&s->line, line, len);
	tvp_buf_append(&s->line, "", 1);
	regmatch_t bounds = {.rm_so = 0, .rm_eo = (regoff_t)len};
	int rc = regexec(&s->posix, (const char *)s->line.data, 1, &bounds, REG_STARTEND);
	return rc == 0 ? 1 : rc == REG_NOMATCH ? 0 : -1000 - rc;
}

/* A --print record for a matching line, gap unmatched lines after the last one. */
static void emit_line(struct tvp_worker *worker, uint64_t gap, const char *line, size_t len)
{
	unsigned char varint[10];
	size_t n = 0;
	do {
		varint[n] = gap & 0x7f;
		gap >>= 7;
		varint[n] |= gap ? 0x80 : 0;
		n++;
	} while (gap);
	tvp_emit(worker, varint, n);
	tvp_emit(worker, line, len);
	tvp_emit(worker, "\n", 1);
}

/* Where the line holding offset at ends: its newline, or len. */
static size_t line_stop(const char *text, size_t len, size_t at)
{
	const char *newline = memchr(text + at, '\n', len - at);
	return newline ? (size_t)(newline - text) : len;
}

/* The plain way: take each line in turn and ask the engine about it. */
static void search_lines(struct tvp_worker *worker, const struct grep *g,
			 struct grep_scratch *s, const char *text, size_t len,
			 struct grep_part *part)
{
	uint64_t gap = 0;
	for (size_t pos = 0; pos < len;) {
		size_t stop = line_stop(text, len, pos);
		int found = line_matches(g, s, text + pos, stop - pos);
		if (found < 0) {
			part->error = found;
			return;
		}
		part->lines++;
		if (found) {
			part->matches++;
			if (g->print)
				emit_line(worker, gap, text + pos, stop - pos);
			gap = 0;
		} else {
			gap++;
		}
		pos = stop + 1;
		tvp_tick(worker);
	}
}

/* The fast way (PCRE2): search a window of whole lines in one call; the
 * first match names the next matching line; go on after that line. A
 * match that runs past its line's newline (a class like [^a] matches a
 * newline) proves nothing, so that line is asked about alone. */
static void search_windows(struct tvp_worker *worker, const struct grep *g,
			   struct grep_scratch *s, const char *text, size_t len,
			   struct grep_part *part)
{
	uint64_t gap = 0;
	size_t pos = 0;    /* the start of the first line not yet decided */
	size_t window = 0; /* the end of the lines searched in one call */
	while (pos < len) {
		if (pos >= window) {
			window = len - pos <= GREP_WINDOW ? len
			       : line_stop(text, len, pos + GREP_WINDOW - 1) + 1;
			if (window > len)
				window = len;
		}
		/* pcre2_jit_match skips the checks pcre2_match makes on every call. */
		int rc = g->jit ? pcre2_jit_match(g->code, (PCRE2_SPTR)text, window, pos, 0,
						  s->match, s->context)
				: pcre2_match(g->code, (PCRE2_SPTR)text, window, pos, 0, s->match,
					      s->context);
		size_t at = rc >= 0 ? pcre2_get_ovector_pointer(s->match)[0] : window + 1;
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
			part->error = rc;
			return;
		}
		/* A match (of $, say) just after the window's last newline is on no line. */
		bool phantom = at == window && (at == 0 || text[at - 1] == '\n');
		if (at > window || phantom) { /* no line of the window matches */
			if (g->print) {
				uint64_t lines = grep_count_lines(text + pos, window - pos);
				part->lines += lines;
				gap += lines;
			}
			pos = window;
			tvp_tick(worker);
			continue;
		}
		const char *newline = memrchr(text + pos, '\n', at - pos);
		size_t start = newline ? (size_t)(newline - text) + 1 : pos;
		size_t stop = line_stop(text, len, at);
		int found = 1;
		if (pcre2_get_ovector_pointer(s->match)[1] > stop)
			found = line_matches(g, s, text + start, stop - start);
		if (found < 0) {
			part->error = found;
			return;
		}
		if (g->print) {
			uint64_t before = grep_count_lines(text + pos, start - pos);
			part->lines += before + 1;
			gap += before;
		}
		if (found) {
			part->matches++;
			if (g->print)
				emit_line(worker, gap, text + start, stop - start);
			gap = 0;
		} else {
			gap++;
		}
		pos = stop + 1;
		tvp_tick(worker);
	}
}

/* The calling worker's scratch, made on its first task. Only worker id
 * touches slot id: threads never share one; processes own their copies. */
static struct grep_scratch *scratch_of(struct tvp_worker *worker)
{
	const struct grep *g = worker->job->state;
	struct grep_scratch *s = &g->scratch[worker->id];
	if (!s->ready)
		scratch_make(g, s);
	return s;
}

/* ---- The workload. */

/* Check the options, compile the regex, map the file, cut it into units.
 * Bad options, regex or file: TVP_EUSAGE; a failed mmap: TVP_ERUNTIME. */
static int grep_prepare(struct tvp_job *job)
{
	struct grep *g = tvp_xcalloc(1, sizeof *g);
	job->state = g;
	g->fd = -1;
	g->path = tvp_param_text(job, "file");
	g->regex = tvp_param_text(job, "regex");
	const char *engine = tvp_param_text(job, "engine");
	const char *input = tvp_param_text(job, "input");
	g->print = tvp_param_flag(job, "print");
	uint64_t unit_bytes = tvp_param_u64(job, "unit-bytes");
	if (!g->path)
		return tvp_err(TVP_EUSAGE, "grep: --file FILE is required (make one with tvp corpus)");
	if (!g->regex)
		return tvp_err(TVP_EUSAGE, "grep: --regex RE is required");
	if (!strcmp(engine, "pcre2"))
		g->engine = GREP_PCRE2;
	else if (!strcmp(engine, "posix"))
		g->engine = GREP_POSIX;
	else
		return tvp_err(TVP_EUSAGE, "grep: unknown engine '%s' (engines: pcre2, posix)", engine);
	if (!strcmp(input, "shared"))
		g->input = GREP_SHARED;
	else if (!strcmp(input, "ship"))
		g->input = GREP_SHIP;
	else
		return tvp_err(TVP_EUSAGE, "grep: unknown input '%s' (input: shared, ship)", input);
	if (unit_bytes == 0 || unit_bytes > SIZE_MAX / 4)
		return tvp_err(TVP_EUSAGE, "grep: --unit-bytes must be at least 1, not '%s'",
			       tvp_param_text(job, "unit-bytes"));
	g->unit_bytes = (size_t)unit_bytes;

	int status = g->engine == GREP_PCRE2 ? compile_pcre2(g) : compile_posix(&g->posix, g->regex);
	if (status)
		return status;
	g->posix_ready = g->engine == GREP_POSIX;

	g->fd = open(g->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (g->fd < 0 || fstat(g->fd, &st) != 0)
		return tvp_syserr(TVP_EUSAGE, "grep: cannot read --file %s", g->path);
	if (!S_ISREG(st.st_mode))
		return tvp_err(TVP_EUSAGE, "grep: --file %s is not a regular file", g->path);
	g->size = (size_t)st.st_size;
	if (g->size) {
		void *map = mmap(NULL, g->size, PROT_READ, MAP_PRIVATE, g->fd, 0);
		if (map == MAP_FAILED)
			return tvp_syserr(TVP_ERUNTIME, "grep: cannot map --file %s", g->path);
		g->text = map;
	}
	job->units = grep_split(g->text, g->size, g->unit_bytes, &g->starts);
	job->default_chunk = 1;
	job->ship_input = g->input == GREP_SHIP; /* threads and serial read the mapping anyway */
	size_t scratch_size = TVP_MAX_WORKERS * sizeof *g->scratch;
	g->scratch = aligned_alloc(TVP_CACHE_LINE, scratch_size);
	if (!g->scratch)
		return tvp_syserr(TVP_ERUNTIME, "grep: cannot allocate the workers' match data");
	memset(g->scratch, 0, scratch_size);
	return 0;
}

/* The reference: every line of the file in turn, asked of the same engine
 * on its own, with no units, windows or workers. */
static int grep_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct grep *g = job->state;
	struct grep_scratch s = {0};
	scratch_make(g, &s);
	uint64_t matches = 0;
	int status = 0;
	for (size_t pos = 0; pos < g->size;) {
		size_t stop = line_stop(g->text, g->size, pos);
		int found = line_matches(g, &s, g->text + pos, stop - pos);
		if (found < 0) {
			char message[256];
			engine_error(g, found, message, sizeof message);
			status = tvp_err(TVP_ERUNTIME, "grep: the %s engine failed on the line at byte %zu: %s",
					 g->engine == GREP_PCRE2 ? "pcre2" : "posix", pos, message);
			break;
		}
		matches += (uint64_t)found;
		pos = stop + 1;
	}
	scratch_free(g, &s);
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)matches);
	return status;
}

/* One task: its bytes (shipped, or read from the mapping), searched by the
 * engine's way; emits the --print records, then the grep_part summary. */
static void grep_kernel(struct tvp_worker *worker, struct tvp_task task, const void *input,
			size_t input_len)
{
	const struct grep *g = worker->job->state;
	size_t begin = g->starts[task.first], end = g->starts[task.first + task.count];
	const char *text = input ? input : g->text ? g->text + begin : "";
	size_t len = input ? input_len : end - begin;
	struct grep_part part = {.bytes = len};
	struct grep_scratch *s = scratch_of(worker);
	if (g->engine == GREP_PCRE2)
		search_windows(worker, g, s, text, len, &part);
	else
		search_lines(worker, g, s, text, len, &part);
	tvp_emit(worker, &part, sizeof part);
}

/* The summary, plus with --print at most 2B + 1 record bytes for B bytes. */
static size_t grep_result_bound(const struct tvp_job *job, struct tvp_task task)
{
	const struct grep *g = job->state;
	size_t bytes = g->starts[task.first + task.count] - g->starts[task.first];
	return sizeof(struct grep_part) + (g->print ? 2 * bytes + 1 : 0);
}

/* The summary at the end of one task's result; 0, or TVP_ERUNTIME (said). */
static int read_part(const struct grep *g, const struct tvp_result *result, struct grep_part *part)
{
	size_t expect = g->starts[result->first + result->count] - g->starts[result->first];
	if (result->buf.len < sizeof *part)
		return tvp_err(TVP_ERUNTIME, "grep: the task at unit %zu returned %zu bytes, too few",
			       result->first, result->buf.len);
	memcpy(part, result->buf.data + result->buf.len - sizeof *part, sizeof *part);
	if (part->error) {
		char message[256];
		engine_error(g, part->error, message, sizeof message);
		return tvp_err(TVP_ERUNTIME, "grep: the %s engine failed in the task at unit %zu: %s",
			       g->engine == GREP_PCRE2 ? "pcre2" : "posix", result->first, message);
	}
	if (part->bytes != expect)
		return tvp_err(TVP_ERUNTIME, "grep: the task at unit %zu searched %llu bytes, not %zu",
			       result->first, (unsigned long long)part->bytes, expect);
	return 0;
}

/* The answer: the sum of the tasks' match counts. */
static int grep_reduce(struct tvp_job *job, const struct tvp_result *const *ordered,
		       size_t ntasks, char answer[TVP_ANSWER_MAX])
{
	const struct grep *g = job->state;
	uint64_t total = 0;
	for (size_t k = 0; k < ntasks; k++) {
		struct grep_part part;
		int status = read_part(g, ordered[k], &part);
		if (status)
			return status;
		total += part.matches;
	}
	snprintf(answer, TVP_ANSWER_MAX, "%llu", (unsigned long long)total);
	return 0;
}

/* --input ship: the task's bytes, read from the file with pread (the
 * parent reads, the worker receives them down its pipe). */
static int grep_pack(const struct tvp_job *job, struct tvp_task task, struct tvp_buf *out)
{
	const struct grep *g = job->state;
	size_t begin = g->starts[task.first], len = g->starts[task.first + task.count] - begin;
	if (out->cap < len) {
		out->data = tvp_xrealloc(out->data, len);
		out->cap = len;
	}
	for (size_t done = 0; done < len;) {
		ssize_t got = pread(g->fd, out->data + done, len - done, (off_t)(begin + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO; /* the file shrank under us */
			return tvp_syserr(TVP_ERUNTIME, "grep: cannot read %s", g->path);
		}
		done += (size_t)got;
	}
	out->len = len;
	return 0;
}

/* --print: every matching line as LINENO:LINE on stdout, in file order. */
static int grep_finish(struct tvp_job *job, const struct tvp_result *const *ordered, size_t ntasks)
{
	const struct grep *g = job->state;
	if (!g->print)
		return 0;
	uint64_t before = 0; /* lines in the tasks before this one */
	for (size_t k = 0; k < ntasks; k++) {
		struct grep_part part;
		int status = read_part(g, ordered[k], &part);
		if (status)
			return status;
		const unsigned char *p = ordered[k]->buf.data;
		const unsigned char *end = p + ordered[k]->buf.len - sizeof part;
		uint64_t line = before;
		while (p < end) {
			uint64_t gap = 0;
			for (unsigned shift = 0; p < end; shift += 7) {
				gap |= (uint64_t)(*p & 0x7f) << shift;
				if (!(*p++ & 0x80))
					break;
			}
			line += gap + 1;
			const unsigned char *newline = memchr(p, '\n', (size_t)(end - p));
			if (!newline || line > before + part.lines)
				return tvp_err(TVP_ERUNTIME, "grep: a garbled --print record in the task at unit %zu",
					       ordered[k]->first);
			printf("%llu:", (unsigned long long)line);
			fwrite(p, 1, (size_t)(newline - p) + 1, stdout);
			p = newline + 1;
		}
		before += part.lines;
	}
	if (fflush(stdout) != 0)
		return tvp_syserr(TVP_ERUNTIME, "grep: cannot print the matching lines");
	return 0;
}

/* Free everything prepare and the in-process workers made. */
static void grep_release(struct tvp_job *job)
{
	struct grep *g = job->state;
	if (!g)
		return;
	if (g->scratch)
		for (size_t w = 0; w < TVP_MAX_WORKERS; w++)
			scratch_free(g, &g->scratch[w]);
	free(g->scratch);
	if (g->code)
		pcre2_code_free(g->code);
	if (g->posix_ready)
		regfree(&g->posix);
	if (g->text)
		munmap((void *)g->text, g->size);
	if (g->fd >= 0)
		close(g->fd);
	free(g->starts);
	free(g);
	job->state = NULL;
}

const struct tvp_workload tvp_workload_grep = {
	.name = "grep",
	.summary = "count the lines of a file matching a regex, like LC_ALL=C grep -c -E (the Edinburgh talk)",
	.reference = "the same engine asked about each line of the whole file in turn",
	.opts = grep_opts,
	.prepare = grep_prepare,
	.reference_answer = grep_reference,
	.kernel = grep_kernel,
	.result_bound = grep_result_bound,
	.reduce = grep_reduce,
	.pack = grep_pack,
	.finish = grep_finish,
	.release = grep_release,
};
