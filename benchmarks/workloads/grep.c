/* grep.c - count (and print) the lines of a file that match an extended regex, like LC_ALL=C grep -c -E. */
#define _GNU_SOURCE
#define PCRE2_CODE_UNIT_WIDTH 8
#include "grep.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pcre2.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "../plugin.h"
#include "ere.h"

#define GREP_WINDOW 4096              /* bytes one PCRE2 search covers before a tick */
#define GREP_SCAN_WINDOW 65536        /* bytes the prefilter searches for its literal before a tick */
#define GREP_SCAN_WINDOW_FREE (1 << 20) /* the same with the GIL off, where a tick costs nothing */
#define GREP_REFERENCE_SPAN 256      /* the reference's first GNU regex window after a match */
#define GREP_LITERAL_MAX ERE_STRING_MAX /* the longest literal the prefilter looks for */
#define GREP_LITERALS_MAX ERE_STRINGS_MAX /* the most literals it looks for at once */
#define GREP_BLOCK 64                 /* places one bit mask covers (find_literals) */
#define GREP_MASK_BLOCKS 64           /* blocks masked in one go (4 KiB) */
#define GREP_CANDIDATE_BYTES 1024     /* PCRE2 takes a window's rest where candidate lines come */
#define GREP_CANDIDATES_FREE 4        /* closer than this on average, past this many */
#define GREP_PROBE_WINDOWS 8          /* after a dense window, the prefilter looks again every 8th */
#define GREP_FIRST_BYTES_MAX 64       /* the most first bytes worth a prefilter */
#define GREP_JIT_STACK_MIN (32 << 10) /* a worker's PCRE2 JIT stack, bytes */
#define GREP_JIT_STACK_MAX (1 << 20)

enum grep_engine { GREP_PCRE2, GREP_POSIX };
enum grep_input { GREP_SHARED, GREP_SHIP };

/* What one worker needs to match with one engine, made by that worker as
 * its share of a run begins (worker->scratch): PCRE2's match data and JIT stack,
 * or a private copy of the GNU regex (glibc's re_search locks the pattern
 * it is given, which would serialise threads sharing one). */
struct grep_scratch {
	alignas(TVP_CACHE_LINE) bool ready;
	enum grep_engine engine;
	pcre2_match_data *match;
	pcre2_match_context *context;
	pcre2_jit_stack *jit_stack;
	struct re_pattern_buffer gnu;
	struct re_registers regs; /* GNU regex: the groups (see line_matches) */
	struct grep_scratch *fallback; /* PCRE2: GNU regex for lines it gives up on */
	pcre2_match_data *filter_match; /* GNU regex: for g->filter */
	void *altstack;       /* GNU regex: this thread's signal stack (on_sigsegv) */
};

/* The literals one of which every match holds (ere_literal, or
 * ere_literal_set), for a SIMD search (mask_literals): two bytes of each,
 * its first and the one at offset `second` (one literal: its last; a set:
 * its second), are compared at many places a step, as the distinct pairs
 * they make; where a pair agrees, a third byte (at `third`: one literal's
 * second, a set's third) as the distinct triples they make; the whole
 * literal only where those agree and it has other bytes. */
struct grep_literals {
	unsigned count;     /* 0: none (or --no-prefilter) */
	bool exact;         /* a line matches iff it holds one: no engine is asked */
	bool verify;        /* one has bytes besides those compared */
	bool line_start;    /* one literal, a newline then what every match
			     * starts its line with (ere_line_prefix) */
	size_t longest;
	size_t len[GREP_LITERALS_MAX];
	char text[GREP_LITERALS_MAX][GREP_LITERAL_MAX];
	size_t second;      /* 0: the first byte alone is compared */
	size_t third;       /* 0: no third byte */
	bool wide;          /* a set with a third byte: triples compared at once,
			     * no pairs first (they agree too often for a branch) */
	unsigned pairs, triples;
	unsigned char pair[GREP_LITERALS_MAX][3]; /* (the third byte unused) */
	unsigned char triple[GREP_LITERALS_MAX][3];
};

/* A set of bytes, for a SIMD search (find_bytes): rows[b >> 7][b & 15]
 * has bit (b >> 4) & 7 set for each byte b of it. */
struct grep_bytes {
	unsigned count;              /* 0: no set */
	unsigned char only;          /* the byte, when count is 1 */
	bool member[UCHAR_MAX + 1];
	uint8_t rows[2][16];
};

struct grep {
	const char *path, *regex;
	enum grep_engine engine;
	enum grep_input input;
	bool print;
	size_t unit_bytes;
	struct grep_literals literals; /* every match holds one: the prefilter's */
	struct grep_bytes first; /* --engine pcre2 with no literal: every match starts with one */
	bool avx2;          /* the CPU runs AVX2 (mask_literals, find_bytes) */
	int fd;
	const char *text;   /* the file, mapped read-only (NULL when it is empty) */
	size_t size;
	size_t *starts;     /* units + 1 offsets: unit u is [starts[u], starts[u + 1]) */
	bool buffered;      /* text was read into memory (a file that cannot be mapped) */
	struct ere *ere;    /* the regex, read as grep -E reads it */
	pcre2_code *code;   /* its PCRE2 form, compiled (and JIT-compiled) once */
	pcre2_code *filter; /* grep's superset DFA before GNU regex (ere_pcre2_filter) */
	bool jit;           /* the JIT took it (else PCRE2's interpreter runs) */
	char *gnu;          /* its GNU regex form (compiled by each worker) */
	size_t gnu_len;
	size_t longest, longest_at; /* the longest line: its length and offset */
	bool truncate_hook; /* TVP_GREP_TRUNCATE (tests): the first task truncates the file */
	bool sigsegv_caught; /* on_sigsegv installed (release puts back the one before) */
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
	{"engine", TVP_OPT_TEXT, "E", "pcre2", "pcre2 (JIT-compiled) or posix (glibc's GNU regex, as grep uses it)"},
	{"input", TVP_OPT_TEXT, "HOW", "shared", "process workers: shared (map the file) or ship (sent by pipe)"},
	{"unit-bytes", TVP_OPT_U64, "N", "1048576", "bytes per unit of work (line-aligned)"},
	{"print", TVP_OPT_FLAG, NULL, NULL, "print the matching lines as LINENO:LINE, like grep -n"},
	{"no-prefilter", TVP_OPT_FLAG, NULL, NULL, "ask the engine about every line, even those without the "
	 "regex's literal or a byte a match starts with"},
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

/* ---- The regex: one reading (ere.c), an engine for each form of it. */

/* Compile pattern (a PCRE2 form of the parse; freed here) into *out:
 * multiline (^ and $ at every line end, so a whole window is searched in
 * one call), newline LF, bytes not UTF-8; JIT-compiled when jit is not
 * NULL (*jit: it took). A form that does not compile is tvp's bug:
 * TVP_ERUNTIME. */
static int compile_pcre2(const struct grep *g, char *pattern, pcre2_code **out, bool *jit)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	int code;
	PCRE2_SIZE offset;
	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			     PCRE2_MULTILINE | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code, &offset, cc);
	pcre2_compile_context_free(cc);
	int status = 0;
	if (!*out) {
		PCRE2_UCHAR message[256];
		pcre2_get_error_message(code, message, sizeof message);
		status = tvp_err(TVP_ERUNTIME, "grep: tvp's PCRE2 form '%s' of the regex '%s' does not compile: %s (a bug in tvp)",
				 pattern, g->regex, (const char *)message);
	} else if (jit) {
		*jit = pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE) == 0;
	}
	free(pattern);
	return status;
}

/* re_set_syntax sets a global: threads compile one at a time. */
static pthread_mutex_t gnu_compile_lock = PTHREAD_MUTEX_INITIALIZER;

/* Compile the GNU regex form into re (with a fastmap), as grep does (with
 * its groups: see line_matches);
 * 0, or TVP_ERUNTIME with GNU regex's words. */
static int compile_gnu(const struct grep *g, struct re_pattern_buffer *re)
{
	memset(re, 0, sizeof *re);
	re->fastmap = tvp_xmalloc(UCHAR_MAX + 1);
	pthread_mutex_lock(&gnu_compile_lock);
	re_set_syntax(ERE_GNU_SYNTAX);
	const char *error = re_compile_pattern(g->gnu, g->gnu_len, re);
	if (!error && (re->re_nsub == 0 || !ere_gnu_reading(g->ere))) {
		/* No back-reference: no registers, 1.4-2x faster, and no search
		 * of the groups' bounds, which is exponential on some nested
		 * repetitions (`((:)++*|(){,}?[^ ]|,?){3,}`) where grep's DFA is not. */
		regfree(re);
		re->fastmap = tvp_xmalloc(UCHAR_MAX + 1);
		re_set_syntax(ERE_GNU_SYNTAX | RE_NO_SUB);
		error = re_compile_pattern(g->gnu, g->gnu_len, re);
	}
	pthread_mutex_unlock(&gnu_compile_lock);
	if (error) {
		regfree(re);
		return tvp_err(TVP_ERUNTIME, "grep: tvp's GNU regex form of '%s' does not compile: %s (a bug in tvp)",
			       g->regex, error);
	}
	return 0;
}

/* ---- Matching. */

#define GREP_GNU_FAILED (-1002) /* re_search's -2: an internal error (memory) */
#define GREP_FILTER_FAILED (-1003) /* PCRE2 failed on the superset filter */

static const char *engine_name(enum grep_engine engine)
{
	return engine == GREP_PCRE2 ? "pcre2" : "posix";
}

/* The engine's words for an error code line_matches or a search returned. */
static void engine_error(enum grep_engine engine, int64_t code, char *message, size_t size)
{
	if (engine == GREP_PCRE2)
		pcre2_get_error_message((int)code, (PCRE2_UCHAR *)message, size);
	else if (code == GREP_FILTER_FAILED)
		snprintf(message, size, "PCRE2 failed on grep's superset filter");
	else
		snprintf(message, size, "GNU regex's re_search failed (out of memory)");
}

/* ---- GNU regex recursing out of its stack (glibc: `(\B$)\1{,3}*` on a
 * line "["). GNU grep catches that and stops with "stack overflow" (exit
 * 2); so does tvp. A thread that runs GNU regex gets an alternate signal
 * stack for the handler. */

#define GREP_ALTSTACK_BYTES (64 << 10)

static _Thread_local volatile sig_atomic_t in_gnu_regex;
static _Thread_local void *thread_altstack;
static struct sigaction sigsegv_before;
static const char overflow_message[] =
	"tvp: grep: GNU regex overflowed its stack on a line (GNU grep stops with \"stack overflow\" too)\n";

/* SIGSEGV: inside GNU regex, say so and end (async-signal-safe calls
 * only); anywhere else, put back the handler before ours and return, so
 * the fault happens again and is handled as it was before. */
static void on_sigsegv(int signo)
{
	if (in_gnu_regex) {
		if (write(STDERR_FILENO, overflow_message, sizeof overflow_message - 1) < 0)
			_exit(TVP_EUSAGE);
		_exit(TVP_EUSAGE);
	}
	sigaction(signo, &sigsegv_before, NULL);
}

/* An alternate signal stack for the calling thread, unless it has one
 * already (ours, or a sanitizer's, which it unmaps itself as the thread
 * ends): the memory (for altstack_leave), or NULL. */
static void *altstack_enter(void)
{
	stack_t current;
	if (thread_altstack || (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)))
		return NULL;
	void *memory = tvp_xmalloc(GREP_ALTSTACK_BYTES);
	stack_t stack = {.ss_sp = memory, .ss_size = GREP_ALTSTACK_BYTES};
	if (sigaltstack(&stack, NULL) != 0) {
		free(memory);
		return NULL;
	}
	return thread_altstack = memory;
}

/* Free what altstack_enter returned (its thread may have ended; if it is
 * the caller, the stack is taken out of use first). */
static void altstack_leave(void *memory)
{
	if (!memory)
		return;
	if (thread_altstack == memory) {
		stack_t off = {.ss_flags = SS_DISABLE};
		sigaltstack(&off, NULL);
		thread_altstack = NULL;
	}
	free(memory);
}

/* Fill s for engine. 0, or TVP_ERUNTIME after one line (out of memory). */
static int scratch_make(const struct grep *g, struct grep_scratch *s, enum grep_engine engine)
{
	s->engine = engine;
	if (engine == GREP_PCRE2) {
		s->match = pcre2_match_data_create_from_pattern(g->code, NULL);
		s->context = pcre2_match_context_create(NULL);
		s->jit_stack = pcre2_jit_stack_create(GREP_JIT_STACK_MIN, GREP_JIT_STACK_MAX, NULL);
		s->ready = true; /* scratch_free frees what was made */
		if (!s->match || !s->context || !s->jit_stack)
			return tvp_err(TVP_ERUNTIME, "grep: out of memory for PCRE2 match data");
		pcre2_jit_stack_assign(s->context, NULL, s->jit_stack);
	} else {
		if (compile_gnu(g, &s->gnu) != 0)
			return TVP_ERUNTIME; /* it compiled in prepare: only memory can fail here */
		s->ready = true;
		if (g->filter && !(s->filter_match = pcre2_match_data_create(1, NULL)))
			return tvp_err(TVP_ERUNTIME, "grep: out of memory for PCRE2 match data");
		s->altstack = altstack_enter();
	}
	return 0;
}

/* Free what scratch_make made (nothing if it never ran). */
static void scratch_free(struct grep_scratch *s)
{
	if (!s->ready)
		return;
	if (s->engine == GREP_PCRE2) {
		pcre2_match_data_free(s->match);
		pcre2_match_context_free(s->context);
		pcre2_jit_stack_free(s->jit_stack);
	} else {
		regfree(&s->gnu);
		free(s->regs.start);
		free(s->regs.end);
		pcre2_match_data_free(s->filter_match);
		altstack_leave(s->altstack);
	}
	if (s->fallback) {
		scratch_free(s->fallback);
		free(s->fallback);
		s->fallback = NULL;
	}
	s->ready = false;
}

/* Did PCRE2 give up (a match, depth or heap limit) rather than answer? */
static bool pcre2_gave_up(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	       rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

/* Does the line [line, line + len) (no newline in it) match, by s's
 * engine? 1 yes, 0 no, or a negative engine error code. GNU regex takes
 * lines up to INT_MAX bytes (prepare checks), and is asked for its groups
 * as grep asks: without them glibc skips the check that drops impossible
 * paths, and `(^.){3}` matches "abc". */
static int line_matches(const struct grep *g, struct grep_scratch *s, const char *line,
			size_t len)
{
	if (s->engine == GREP_PCRE2) {
		/* pcre2_jit_match skips the checks pcre2_match makes on every call. */
		int rc = g->jit ? pcre2_jit_match(g->code, (PCRE2_SPTR)line, len, 0, 0, s->match, s->context)
				: pcre2_match(g->code, (PCRE2_SPTR)line, len, 0, 0, s->match, s->context);
		return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
	}
	if (g->filter) { /* grep's superset DFA first (ere.h); if PCRE2 gives up
			  * on it, GNU regex alone decides */
		int rc = pcre2_match(g->filter, (PCRE2_SPTR)line, len, 0, 0, s->filter_match, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0 && !pcre2_gave_up(rc))
			return GREP_FILTER_FAILED;
	}
	in_gnu_regex = 1;
	regoff_t rc = re_search(&s->gnu, line, (regoff_t)len, 0, (regoff_t)len,
				s->gnu.no_sub ? NULL : &s->regs);
	in_gnu_regex = 0;
	return rc >= 0 ? 1 : rc == -1 ? 0 : GREP_GNU_FAILED;
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

/* line_matches; but a line PCRE2 gives up on is asked of GNU regex, which
 * has no such limit and gives grep's answer (grep's own matcher for such
 * regexes): that line alone then shares its engine with the reference. */
static int line_decided(const struct grep *g, struct grep_scratch *s, const char *line,
			size_t len)
{
	int found = line_matches(g, s, line, len);
	if (found < 0 && s->engine == GREP_PCRE2 && pcre2_gave_up(found) && len <= INT_MAX) {
		if (!s->fallback) {
			s->fallback = tvp_xcalloc(1, sizeof *s->fallback);
			if (scratch_make(g, s->fallback, GREP_POSIX) != 0) {
				scratch_free(s->fallback);
				free(s->fallback);
				s->fallback = NULL;
				return GREP_GNU_FAILED;
			}
		}
		found = line_matches(g, s->fallback, line, len);
	}
	return found;
}

/* The plain way: take each line in turn and ask the engine about it;
 * *unmatched counts the lines since the last --print record, in and out. */
static void search_lines(struct tvp_worker *worker, const struct grep *g,
			 struct grep_scratch *s, const char *text, size_t len,
			 struct grep_part *part, uint64_t *unmatched)
{
	uint64_t gap = *unmatched;
	for (size_t pos = 0; pos < len;) {
		size_t stop = line_stop(text, len, pos);
		int found = line_decided(g, s, text + pos, stop - pos);
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
	*unmatched = gap;
}

/* The end of the window that starts at pos: whole lines, at least bytes
 * of them, or up to len. */
static size_t window_end(const char *text, size_t len, size_t pos, size_t bytes)
{
	if (len - pos <= bytes)
		return len;
	size_t end = line_stop(text, len, pos + bytes - 1) + 1;
	return end > len ? len : end;
}

/* No line of [pos, end) matched: with --print, they are searched and
 * unmatched (part->lines and *gap). */
static void skip_lines(const struct grep *g, const char *text, size_t pos, size_t end,
		       struct grep_part *part, uint64_t *gap)
{
	if (g->print) {
		uint64_t lines = grep_count_lines(text + pos, end - pos);
		part->lines += lines;
		*gap += lines;
	}
}

/* The line [start, stop) was decided (found: 1 or 0, or an engine error)
 * and the lines from pos before it did not match: count them, print it
 * when it matches. False (part->error set) on an error. */
__attribute__((always_inline)) /* once per line where every line matches */
static inline bool take_line(struct tvp_worker *worker, const struct grep *g, const char *text,
		      size_t pos, size_t start, size_t stop, int found, struct grep_part *part,
		      uint64_t *gap)
{
	if (found < 0) {
		part->error = found;
		return false;
	}
	skip_lines(g, text, pos, start, part, gap);
	if (g->print)
		part->lines++;
	if (found) {
		part->matches++;
		if (g->print)
			emit_line(worker, *gap, text + start, stop - start);
		*gap = 0;
	} else {
		++*gap;
	}
	return true;
}

/* The fast way (PCRE2): search a window of whole lines in one call; the
 * first match names the next matching line; go on after that line, so
 * the engine restarts once per matching line and once per window, never
 * per line. A match that runs past its line's newline proves nothing, so
 * that line is asked about alone. The GIL ticks once per window and once
 * per matching line; *unmatched as for search_lines. */
static void search_windows(struct tvp_worker *worker, const struct grep *g,
			   struct grep_scratch *s, const char *text, size_t len,
			   struct grep_part *part, uint64_t *unmatched)
{
	uint64_t gap = *unmatched;
	size_t pos = 0;    /* the start of the first line not yet decided */
	size_t window = 0; /* the end of the lines searched in one call */
	while (pos < len) {
		if (pos >= window)
			window = window_end(text, len, pos, GREP_WINDOW);
		/* pcre2_jit_match skips the checks pcre2_match makes on every call. */
		int rc = g->jit ? pcre2_jit_match(g->code, (PCRE2_SPTR)text, window, pos, 0,
						  s->match, s->context)
				: pcre2_match(g->code, (PCRE2_SPTR)text, window, pos, 0, s->match,
					      s->context);
		size_t at = rc >= 0 ? pcre2_get_ovector_pointer(s->match)[0] : window + 1;
		if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
			if (pcre2_gave_up(rc)) { /* the rest line by line (line_decided) */
				search_lines(worker, g, s, text + pos, len - pos, part, &gap);
				*unmatched = gap;
			} else {
				part->error = rc;
			}
			return;
		}
		/* A match (of $, say) just after the window's last newline is on no line. */
		bool phantom = at == window && (at == 0 || text[at - 1] == '\n');
		if (at > window || phantom) { /* no line of the window matches */
			skip_lines(g, text, pos, window, part, &gap);
			pos = window;
			tvp_tick(worker);
			continue;
		}
		const char *newline = memrchr(text + pos, '\n', at - pos);
		size_t start = newline ? (size_t)(newline - text) + 1 : pos;
		size_t stop = line_stop(text, len, at);
		int found = 1;
		if (pcre2_get_ovector_pointer(s->match)[1] > stop)
			found = line_decided(g, s, text + start, stop - start);
		if (!take_line(worker, g, text, pos, start, stop, found, part, &gap))
			return;
		pos = stop + 1;
		tvp_tick(worker);
	}
	*unmatched = gap;
}

/* Does one of the literals start at place, with room bytes left in the
 * text? (Byte by byte: the literals are short, and most differ early.) */
static bool literal_at(const struct grep_literals *set, const char *place, size_t room)
{
	for (unsigned j = 0; j < set->count; j++) {
		size_t n = set->len[j], i = 0;
		while (i < n && i < room && place[i] == set->text[j][i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

#ifdef __x86_64__
/* Of the places found (bits) in the block at p, room bytes before the
 * text's end, those where a whole literal starts. */
static uint64_t whole_literals(const struct grep_literals *set, const char *p, size_t room,
			       uint64_t found)
{
	uint64_t kept = 0;
	for (uint64_t rest = found; rest; rest &= rest - 1) {
		size_t k = (size_t)__builtin_ctzll(rest);
		if (literal_at(set, p + k, room - k))
			kept |= rest & -rest;
	}
	return kept;
}

/* The places of the 32 at p where a tuple agrees (its second byte at
 * offset second, when two; its third at third, when three), as bits (AVX2). */
__attribute__((target("avx2"), always_inline))
static inline uint32_t tuples_avx2(const char *p, __m256i x, size_t second, size_t third,
				   const __m256i (*want)[3], unsigned tuples, bool two, bool three)
{
	__m256i y = two ? _mm256_loadu_si256((const __m256i *)(p + second)) : x;
	__m256i z = three ? _mm256_loadu_si256((const __m256i *)(p + third)) : x;
	__m256i any = _mm256_setzero_si256();
	for (unsigned k = 0; k < tuples; k++) {
		__m256i agree = _mm256_cmpeq_epi8(x, want[k][0]);
		if (two)
			agree = _mm256_and_si256(agree, _mm256_cmpeq_epi8(y, want[k][1]));
		if (three)
			agree = _mm256_and_si256(agree, _mm256_cmpeq_epi8(z, want[k][2]));
		any = _mm256_or_si256(any, agree);
	}
	return (uint32_t)_mm256_movemask_epi8(any);
}

/* The places of the 64 at p that hold byte (AVX2), as bits. */
__attribute__((target("avx2"), always_inline))
static inline uint64_t block_equals_avx2(const char *p, __m256i byte)
{
	__m256i x0 = _mm256_loadu_si256((const __m256i *)p);
	__m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));
	return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, byte)) |
	       (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x1, byte)) << 32;
}

/* masks_avx2 for tuples byte tuples (set->wide: the triples, else the
 * pairs), with or without the newlines: constants where it is inlined, so
 * that every byte stays in a register. */
__attribute__((target("avx2"), always_inline))
static inline size_t masks_avx2_tuples(const char *text, size_t len, size_t blocks,
				       const struct grep_literals *set, unsigned tuples,
				       bool with_newlines, uint64_t *hits, uint64_t *newlines)
{
	const unsigned char(*tuple)[3] = set->wide ? set->triple : set->pair;
	__m256i want[GREP_LITERALS_MAX][3];
	for (unsigned k = 0; k < tuples; k++)
		for (int i = 0; i < 3; i++)
			want[k][i] = _mm256_set1_epi8((char)tuple[k][i]);
	const size_t second = set->second, third = set->third;
	const bool two = second > 0, three = set->wide;
	const __m256i newline = _mm256_set1_epi8('\n');
	/* one literal's third byte, compared here where a pair agrees: a call
	 * to a function would save and restore the constants around it */
	const __m256i third_byte = _mm256_set1_epi8((char)set->triple[0][2]);
	for (size_t b = 0; b < blocks; b++) {
		const char *p = text + b * GREP_BLOCK;
		__m256i x0 = _mm256_loadu_si256((const __m256i *)p);
		__m256i x1 = _mm256_loadu_si256((const __m256i *)(p + 32));
		uint64_t found = tuples_avx2(p, x0, second, third, want, tuples, two, three) |
				 (uint64_t)tuples_avx2(p + 32, x1, second, third, want, tuples, two, three) << 32;
		if (found && third && !three) /* one literal (a set is wide) */
			found &= block_equals_avx2(p + third, third_byte);
		if (found && set->verify)
			found = whole_literals(set, p, len - b * GREP_BLOCK, found);
		hits[b] = found;
		if (with_newlines)
			newlines[b] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, newline)) |
				      (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x1, newline)) << 32;
		else if (found)
			return b + 1;
	}
	return blocks;
}

/* mask_literals' loop over whole blocks of text (len bytes; AVX2, 32
 * places a step): the text holds every byte a literal needs there. With
 * newlines NULL it stops after the first block with a hit. The blocks
 * masked. */
__attribute__((target("avx2")))
static size_t masks_avx2(const char *text, size_t len, size_t blocks,
			 const struct grep_literals *set, uint64_t *hits, uint64_t *newlines)
{
	bool with = newlines != NULL;
	switch (set->wide ? set->triples : set->pairs) {
	case 1:
		return with ? masks_avx2_tuples(text, len, blocks, set, 1, true, hits, newlines)
			    : masks_avx2_tuples(text, len, blocks, set, 1, false, hits, NULL);
	case 2:
		return with ? masks_avx2_tuples(text, len, blocks, set, 2, true, hits, newlines)
			    : masks_avx2_tuples(text, len, blocks, set, 2, false, hits, NULL);
	case 3:
		return with ? masks_avx2_tuples(text, len, blocks, set, 3, true, hits, newlines)
			    : masks_avx2_tuples(text, len, blocks, set, 3, false, hits, NULL);
	default:
		return masks_avx2_tuples(text, len, blocks, set, set->wide ? set->triples : set->pairs,
					 with, hits, newlines);
	}
}

/* Of the places found in the block at p, those where a triple agrees
 * (SSE2, for a CPU without AVX2). */
static uint64_t triples_sse2(const char *p, const struct grep_literals *set, uint64_t found)
{
	uint64_t kept = 0;
	for (unsigned quarter = 0; quarter < GREP_BLOCK; quarter += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + quarter));
		__m128i y = _mm_loadu_si128((const __m128i *)(p + quarter + set->second));
		__m128i z = _mm_loadu_si128((const __m128i *)(p + quarter + set->third));
		__m128i any = _mm_setzero_si128();
		for (unsigned k = 0; k < set->triples; k++) {
			const unsigned char *t = set->triple[k];
			__m128i agree = _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)t[0])),
						      _mm_cmpeq_epi8(y, _mm_set1_epi8((char)t[1])));
			agree = _mm_and_si128(agree, _mm_cmpeq_epi8(z, _mm_set1_epi8((char)t[2])));
			any = _mm_or_si128(any, agree);
		}
		kept |= (uint64_t)(uint16_t)_mm_movemask_epi8(any) << quarter;
	}
	return found & kept;
}

/* masks_avx2 for a CPU without AVX2: SSE2, 16 places a step. */
static size_t masks_sse2(const char *text, size_t len, size_t blocks,
			 const struct grep_literals *set, uint64_t *hits, uint64_t *newlines)
{
	__m128i first[GREP_LITERALS_MAX], second[GREP_LITERALS_MAX];
	for (unsigned k = 0; k < set->pairs; k++) {
		first[k] = _mm_set1_epi8((char)set->pair[k][0]);
		second[k] = _mm_set1_epi8((char)set->pair[k][1]);
	}
	const __m128i newline = _mm_set1_epi8('\n');
	for (size_t b = 0; b < blocks; b++) {
		const char *p = text + b * GREP_BLOCK;
		uint64_t found = 0, ends = 0;
		for (unsigned quarter = 0; quarter < GREP_BLOCK; quarter += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(p + quarter));
			__m128i y = _mm_loadu_si128((const __m128i *)(p + quarter + set->second));
			__m128i any = _mm_setzero_si128();
			for (unsigned k = 0; k < set->pairs; k++)
				any = _mm_or_si128(any, _mm_and_si128(_mm_cmpeq_epi8(x, first[k]),
								      _mm_cmpeq_epi8(y, second[k])));
			found |= (uint64_t)(uint16_t)_mm_movemask_epi8(any) << quarter;
			ends |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, newline)) << quarter;
		}
		if (found && set->third)
			found = triples_sse2(p, set, found);
		if (found && set->verify)
			found = whole_literals(set, p, len - b * GREP_BLOCK, found);
		hits[b] = found;
		if (newlines)
			newlines[b] = ends;
		else if (found)
			return b + 1;
	}
	return blocks;
}

/* find_bytes' loop (AVX2, 32 bytes a step): each byte's low nibble picks
 * a row of the set's bit matrix, its high nibble the bit in the row. The
 * index of the first byte not yet looked at; or *hit, the first of [0,
 * len) that is in the set. */
__attribute__((target("avx2")))
static size_t bytes_avx2(const char *text, size_t len, const struct grep_bytes *set,
			 const char **hit)
{
	__m256i rows_low = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->rows[0]));
	__m256i rows_high = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->rows[1]));
	__m256i bit = _mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128,
				       1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
	__m256i nibble = _mm256_set1_epi8(0x0f);
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(text + i));
		__m256i low = _mm256_and_si256(x, nibble);
		__m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
		/* a byte of 0x80 or more (its top bit) takes its row from rows[1] */
		__m256i row = _mm256_blendv_epi8(_mm256_shuffle_epi8(rows_low, low),
						 _mm256_shuffle_epi8(rows_high, low), x);
		__m256i want = _mm256_shuffle_epi8(bit, high);
		unsigned in = (unsigned)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(_mm256_and_si256(row, want), want));
		if (in) {
			*hit = text + i + (unsigned)__builtin_ctz(in);
			return i;
		}
	}
	return i;
}
#endif

/* mask_literals place by place, for the last places of a text and where
 * there is no SSE2: blocks of places from text, len bytes before the
 * text's end (a place past it holds nothing); whole literals compared.
 * The blocks masked (newlines NULL: up to the first with a hit). */
static size_t masks_scalar(const char *text, size_t len, size_t blocks,
			   const struct grep_literals *set, uint64_t *hits, uint64_t *newlines)
{
	for (size_t b = 0; b < blocks; b++) {
		uint64_t h = 0, n = 0;
		for (size_t k = 0, at = b * GREP_BLOCK; k < GREP_BLOCK && at < len; k++, at++) {
			h |= (uint64_t)literal_at(set, text + at, len - at) << k;
			n |= (uint64_t)(text[at] == '\n') << k;
		}
		hits[b] = h;
		if (newlines)
			newlines[b] = n;
		else if (h)
			return b + 1;
	}
	return blocks;
}

/* Bit masks of the first blocks (at most `blocks`, GREP_BLOCK places each)
 * of [text, text + len): bit k of hits[b] is set iff one of g->literals
 * starts at place b * GREP_BLOCK + k, and of newlines[b] iff that place
 * holds a newline; bits past len are clear. The number of blocks masked,
 * which cover min(len, blocks * GREP_BLOCK) places; with newlines NULL (a
 * search for the first hit) it stops after the first block with a hit,
 * so that only the last block masked may hold one. The
 * literals' pairs are compared at 32 places a step (AVX2; 16 with SSE2)
 * where the text holds every byte a literal needs, whole literals where a
 * pair agrees and a literal is longer, and at the text's last places. */
static size_t mask_literals(const struct grep *g, const char *text, size_t len, size_t blocks,
			    uint64_t *hits, uint64_t *newlines)
{
	const struct grep_literals *set = &g->literals;
	size_t vector = 0; /* blocks whose compared bytes all lie in the text */
#ifdef __x86_64__
	if (len >= set->longest - 1 + GREP_BLOCK) {
		vector = (len - (set->longest - 1)) / GREP_BLOCK;
		vector = vector < blocks ? vector : blocks;
		size_t done = g->avx2 ? masks_avx2(text, len, vector, set, hits, newlines)
				      : masks_sse2(text, len, vector, set, hits, newlines);
		if (!newlines && hits[done - 1]) /* a search for the first hit found one */
			blocks = vector = done;
	}
#endif
	size_t rest = (len - vector * GREP_BLOCK + GREP_BLOCK - 1) / GREP_BLOCK;
	rest = rest < blocks - vector ? rest : blocks - vector;
	return vector + masks_scalar(text + vector * GREP_BLOCK, len - vector * GREP_BLOCK, rest, set,
				     hits + vector, newlines ? newlines + vector : NULL);
}

/* The first place of [text, text + len) where one of g->literals starts,
 * or NULL. (glibc's memmem reads about 1 GB/s; measured, 1 thread of this
 * machine, in CPU time, one literal's first and last bytes compared: SSE2
 * 7-9 GB/s, AVX2 19-20, PCRE2's JIT 12-13, memchr 25.) */
static const char *find_literals(const struct grep *g, const char *text, size_t len)
{
	uint64_t hits[GREP_MASK_BLOCKS];
	for (size_t pos = 0; pos < len;) {
		size_t blocks = mask_literals(g, text + pos, len - pos, GREP_MASK_BLOCKS, hits, NULL);
		pos += blocks * GREP_BLOCK;
		if (hits[blocks - 1]) /* the only block that may hold one */
			return text + pos - GREP_BLOCK + (size_t)__builtin_ctzll(hits[blocks - 1]);
	}
	return NULL;
}

/* With a line-start literal (g->literals.line_start: a newline, then
 * what every match starts its line with), the first line of [pos,
 * window) of text that starts with it: pos starts a line, so it is
 * compared there, and the next ones are found by their newline. */
static const char *find_line_start(const struct grep *g, const char *text, size_t pos,
				   size_t window)
{
	const char *start = g->literals.text[0] + 1;
	size_t n = g->literals.len[0] - 1;
	if (window - pos >= n && !memcmp(text + pos, start, n))
		return text + pos;
	const char *newline = find_literals(g, text + pos, window - pos);
	return newline ? newline + 1 : NULL;
}

/* count_literal_lines' step over masked blocks, compiled for a CPU with
 * and without the popcnt instruction. */
__attribute__((always_inline))
static inline uint64_t count_blocks(const uint64_t *hits, const uint64_t *newlines, size_t blocks,
				    bool *carry)
{
	uint64_t lines = 0;
	bool in = *carry;
	for (size_t b = 0; b < blocks; b++) {
		uint64_t sum = hits[b] + ~newlines[b];
		bool out = sum < hits[b];
		uint64_t total = sum + in;
		out |= total < sum;
		lines += (uint64_t)__builtin_popcountll(total & newlines[b]);
		in = out;
	}
	*carry = in;
	return lines;
}

#ifdef __x86_64__
__attribute__((target("popcnt")))
static uint64_t count_blocks_popcnt(const uint64_t *hits, const uint64_t *newlines, size_t blocks,
				    bool *carry)
{
	return count_blocks(hits, newlines, blocks, carry);
}
#endif

/* The lines of [text, text + len) (whole lines) that hold one of
 * g->literals, counted with no step per line: where the regex is exactly
 * those literals (g->literals.exact), its matching lines. With a block's
 * hits H and newlines N as bits, H + ~N carries from each hit through
 * every byte that is no newline and stops at the next newline, setting
 * its bit: so (H + ~N + carry) & N are the newlines that end a line
 * holding a literal, and the carry out says the line still open holds one. */
static uint64_t count_literal_lines(const struct grep *g, const char *text, size_t len)
{
	uint64_t hits[GREP_MASK_BLOCKS], newlines[GREP_MASK_BLOCKS], lines = 0;
	bool carry = false;
	for (size_t pos = 0; pos < len;) {
		size_t blocks = mask_literals(g, text + pos, len - pos, GREP_MASK_BLOCKS, hits, newlines);
#ifdef __x86_64__
		if (g->avx2) /* every CPU with AVX2 has popcnt */
			lines += count_blocks_popcnt(hits, newlines, blocks, &carry);
		else
#endif
			lines += count_blocks(hits, newlines, blocks, &carry);
		pos += blocks * GREP_BLOCK;
	}
	return lines + carry;
}

/* The first byte of [text, text + len) in g->first, or NULL. */
static const char *find_bytes(const struct grep *g, const char *text, size_t len)
{
	const struct grep_bytes *set = &g->first;
	if (set->count == 1)
		return memchr(text, set->only, len);
	size_t i = 0;
#ifdef __x86_64__
	if (g->avx2) {
		const char *hit = NULL;
		i = bytes_avx2(text, len, set, &hit);
		if (hit)
			return hit;
	}
#endif
	for (; i < len; i++)
		if (set->member[(unsigned char)text[i]])
			return text + i;
	return NULL;
}

/* The plain search of [text, text + len) (whole lines), as --no-prefilter
 * runs it: PCRE2 by windows, GNU regex line by line. */
static void search_plain(struct tvp_worker *worker, const struct grep *g, struct grep_scratch *s,
			 const char *text, size_t len, struct grep_part *part, uint64_t *unmatched)
{
	if (g->engine == GREP_PCRE2)
		search_windows(worker, g, s, text, len, part, unmatched);
	else
		search_lines(worker, g, s, text, len, part, unmatched);
}

/* The prefilter: every match holds one of g->literals (or starts with a
 * byte of g->first), so look for it in windows of whole lines
 * (GREP_SCAN_WINDOW bytes or more under a GIL, GREP_SCAN_WINDOW_FREE
 * without) and ask the engine only about the lines that hold it
 * (line_decided); where the regex is exactly the
 * literals, such a line matches, and no engine is asked. Where candidate
 * lines come closer than one per GREP_CANDIDATE_BYTES (past the first
 * GREP_CANDIDATES_FREE of a window), the rest of the window is searched
 * faster than a step per line: counted by bit masks (count_literal_lines)
 * where the regex is exactly the literals and nothing is printed, else by
 * PCRE2 itself (search_plain), and so are the next windows, but every
 * GREP_PROBE_WINDOWS-th, which looks for candidates again; GNU regex,
 * which the plain path asks about every line, keeps the prefilter. The
 * GIL ticks once per window and once per candidate line (or as
 * search_plain does). */
static void search_candidates(struct tvp_worker *worker, const struct grep *g,
			      struct grep_scratch *s, const char *text, size_t len,
			      struct grep_part *part)
{
	uint64_t gap = 0;
	size_t pos = 0;    /* the start of the first line not yet decided */
	size_t window = 0; /* the end of the lines searched in one call */
	size_t opened = 0, candidates = 0; /* where this window starts; its candidate lines */
	size_t dense_windows = 0; /* in a row, searched past their candidates */
	bool probe = true;        /* this window: look for candidates first */
	/* a window's end is found ahead of the search, a read that misses the
	 * cache, and its last bytes are masked one by one: with the GIL off,
	 * where nothing ticks, fewer windows (measured, `abcde[a-m]` serial
	 * over 1.1 GB: 1 MiB windows took 1/8 less time than 64 KiB) */
	const size_t scan_window = worker->gil ? GREP_SCAN_WINDOW : GREP_SCAN_WINDOW_FREE;
	while (pos < len) {
		if (pos >= window) {
			window = window_end(text, len, pos, scan_window);
			opened = pos;
			candidates = 0;
			probe = dense_windows % GREP_PROBE_WINDOWS == 0;
		}
		bool dense = !probe || (candidates > GREP_CANDIDATES_FREE &&
					candidates * GREP_CANDIDATE_BYTES > pos - opened);
		if (dense && g->literals.exact && !g->print) {
			part->matches += count_literal_lines(g, text + pos, window - pos);
			pos = window;
			dense_windows++;
			tvp_tick(worker);
			continue;
		}
		if (dense && g->engine == GREP_PCRE2 && !g->literals.exact) {
			search_plain(worker, g, s, text + pos, window - pos, part, &gap);
			if (part->error)
				return;
			pos = window;
			dense_windows++;
			continue;
		}
		const char *hit = g->literals.line_start ? find_line_start(g, text, pos, window)
				: g->literals.count ? find_literals(g, text + pos, window - pos)
						    : find_bytes(g, text + pos, window - pos);
		if (!hit) {
			skip_lines(g, text, pos, window, part, &gap);
			pos = window;
			dense_windows = 0;
			tvp_tick(worker);
			continue;
		}
		size_t at = (size_t)(hit - text);
		const char *newline = memrchr(text + pos, '\n', at - pos);
		size_t start = newline ? (size_t)(newline - text) + 1 : pos;
		size_t stop = line_stop(text, len, at);
		int found = g->literals.exact ? 1 : line_decided(g, s, text + start, stop - start);
		if (!take_line(worker, g, text, pos, start, stop, found, part, &gap))
			return;
		pos = stop + 1;
		candidates++;
		tvp_tick(worker);
	}
}

/* PCRE2's own study of its form of the regex: the bytes one of which
 * starts every match, into *set (count 0: none known, or more than
 * GREP_FIRST_BYTES_MAX, too many to be worth a prefilter). */
static void first_bytes(const pcre2_code *code, struct grep_bytes *set)
{
	memset(set, 0, sizeof *set);
	uint32_t type = 0, unit = 0;
	const uint8_t *bitmap = NULL;
	if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) != 0)
		return;
	if (type == 1) { /* one byte starts every match */
		if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) != 0)
			return;
		/* PCRE2 may mean it in either case (`a|A` starts with a
		 * "caseless" a), a flag it does not report: take both. */
		set->member[tolower((int)(unit & UCHAR_MAX))] = true;
		set->member[toupper((int)(unit & UCHAR_MAX))] = true;
	} else if (type == 0) { /* a set of bytes does, or nothing is known */
		if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &bitmap) != 0 || !bitmap)
			return;
		for (unsigned c = 0; c <= UCHAR_MAX; c++)
			set->member[c] = bitmap[c / 8] >> (c % 8) & 1;
	} else { /* 2: a match starts at a line's start; PCRE2 goes there itself */
		return;
	}
	for (unsigned c = 0; c <= UCHAR_MAX; c++) {
		if (!set->member[c])
			continue;
		set->count++;
		set->only = (unsigned char)c;
		set->rows[c >> 7][c & 0x0f] |= (uint8_t)(1u << (c >> 4 & 7));
	}
	if (set->count > GREP_FIRST_BYTES_MAX)
		set->count = 0;
}

/* The worker's own scratch (worker_start), on its own thread: threads
 * never share one, processes make their own. 0, or TVP_ERUNTIME said. */
static int grep_worker_start(struct tvp_worker *worker)
{
	const struct grep *g = worker->job->state;
	struct grep_scratch *s = aligned_alloc(TVP_CACHE_LINE, sizeof *s);
	if (!s)
		return tvp_err(TVP_ERUNTIME, "grep: out of memory for worker %zu's match data",
			       worker->id);
	memset(s, 0, sizeof *s);
	worker->scratch = s;
	return scratch_make(g, s, g->engine);
}

/* Free what grep_worker_start made (worker_end). */
static void grep_worker_end(struct tvp_worker *worker)
{
	if (!worker->scratch)
		return;
	scratch_free(worker->scratch);
	free(worker->scratch);
	worker->scratch = NULL;
}

/* ---- The workload. */

/* The message a SIGBUS prints: the mapped file shrank under us. */
static char sigbus_message[512];
static size_t sigbus_message_len;
static struct sigaction sigbus_before;

/* SIGBUS: a page of the mapping is past the file's end now. Say which
 * file changed and end (async-signal-safe calls only). */
static void on_sigbus(int signo)
{
	(void)signo;
	if (write(STDERR_FILENO, sigbus_message, sigbus_message_len) < 0)
		_exit(TVP_ERUNTIME);
	_exit(TVP_ERUNTIME);
}

/* Read the whole of g->fd into memory (a file the kernel cannot map, or
 * says is empty: /proc, /sys). 0, or TVP_EUSAGE said. */
static int read_file(struct grep *g)
{
	struct tvp_buf text = {0};
	char block[65536];
	for (;;) {
		ssize_t got = read(g->fd, block, sizeof block);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return tvp_syserr(TVP_EUSAGE, "grep: cannot read --file %s", g->path);
		if (got == 0)
			break;
		tvp_buf_append(&text, block, (size_t)got);
	}
	g->text = (const char *)text.data;
	g->size = text.len;
	g->buffered = true;
	return 0;
}

/* Open --file (never blocking: a FIFO is refused, not waited on), then map
 * it, or read it when it cannot be mapped or says it is empty. 0, or
 * TVP_EUSAGE / TVP_ERUNTIME said. */
static int load_file(struct grep *g)
{
	g->fd = open(g->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (g->fd < 0 || fstat(g->fd, &st) != 0)
		return tvp_syserr(TVP_EUSAGE, "grep: cannot read --file %s", g->path);
	if (!S_ISREG(st.st_mode))
		return tvp_err(TVP_EUSAGE, "grep: --file %s is not a regular file", g->path);
	if (st.st_size == 0)
		return read_file(g); /* empty, or a /proc file that says so */
	g->size = (size_t)st.st_size;
	void *map = mmap(NULL, g->size, PROT_READ, MAP_PRIVATE, g->fd, 0);
	if (map == MAP_FAILED) {
		if (errno != ENODEV && errno != EINVAL && errno != EACCES)
			return tvp_syserr(TVP_ERUNTIME, "grep: cannot map --file %s", g->path);
		g->size = 0;
		return read_file(g); /* /sys: a size but no mapping */
	}
	g->text = map;
	int n = snprintf(sigbus_message, sizeof sigbus_message,
			 "tvp: grep: --file %s changed during the run (it is shorter than when it was mapped)\n",
			 g->path);
	sigbus_message_len = n < 0 ? 0 : (size_t)n < sizeof sigbus_message ? (size_t)n : sizeof sigbus_message - 1;
	struct sigaction on = {.sa_handler = on_sigbus};
	sigemptyset(&on.sa_mask);
	sigaction(SIGBUS, &on, &sigbus_before);
	return 0;
}

/* g->longest and g->longest_at: only units longer than INT_MAX bytes can
 * hold a line that long, so only those are scanned. */
static void find_longest_line(struct grep *g, size_t units)
{
	g->longest = 0;
	for (size_t u = 0; u < units; u++) {
		size_t begin = g->starts[u], end = g->starts[u + 1];
		if (end - begin <= INT_MAX) {
			if (end - begin > g->longest) {
				g->longest = end - begin; /* an upper bound is enough below INT_MAX */
				g->longest_at = begin;
			}
			continue;
		}
		for (size_t pos = begin; pos < end;) {
			size_t stop = line_stop(g->text, end, pos);
			if (stop - pos > g->longest) {
				g->longest = stop - pos;
				g->longest_at = pos;
			}
			pos = stop + 1;
		}
	}
}

/* The shortest of count lengths; 0 when there are none. */
static size_t shortest_of(const size_t *len, size_t count)
{
	size_t shortest = count ? SIZE_MAX : 0;
	for (size_t i = 0; i < count; i++)
		shortest = len[i] < shortest ? len[i] : shortest;
	return shortest;
}

/* The prefilter's literals (g->literals), from the regex's reading: the
 * strings ere_literal_set proves when the regex is exactly them (then no
 * engine is needed) or when they are longer than the one literal
 * ere_literal proves (and than one byte: PCRE2's first bytes do as well),
 * else that literal. */
static void choose_literals(struct grep *g)
{
	struct grep_literals *out = &g->literals;
	struct ere_strings set;
	ere_literal_set(g->ere, &set);
	size_t shortest = shortest_of(set.len, set.count);
	char literal[GREP_LITERAL_MAX];
	size_t n = ere_literal(g->ere, literal, sizeof literal);
	memset(out, 0, sizeof *out);
	if (set.count && (set.exact || (shortest >= 2 && shortest > n))) {
		out->count = (unsigned)set.count;
		out->exact = set.exact;
		for (size_t i = 0; i < set.count; i++) {
			out->len[i] = set.len[i];
			memcpy(out->text[i], set.text[i], set.len[i]);
		}
	} else if (n) {
		out->count = 1;
		out->len[0] = n;
		memcpy(out->text[0], literal, n);
	}
	/* `^ab`: a newline then "ab" is rarer than "ab" anywhere, as rare as
	 * the lines that match; taken unless a literal found elsewhere in the
	 * regex is longer (`^a.*hello` looks for "hello") */
	char prefix[GREP_LITERAL_MAX - 1];
	size_t p = ere_line_prefix(g->ere, prefix, sizeof prefix);
	if (p && !out->exact && p >= shortest_of(out->len, out->count)) {
		memset(out, 0, sizeof *out);
		out->count = 1;
		out->line_start = true;
		out->len[0] = p + 1;
		out->text[0][0] = '\n';
		memcpy(out->text[0] + 1, prefix, p);
	}
	for (unsigned j = 0; j < out->count; j++)
		out->longest = out->len[j] > out->longest ? out->len[j] : out->longest;
	/* one literal: its first and last bytes (rarer together than the first
	 * two in words), then its second; a set: every literal's first two, so
	 * one load serves all, then its third */
	bool one = out->count == 1;
	out->second = one ? out->len[0] - 1 : shortest >= 2 ? 1 : 0;
	out->third = one ? (out->len[0] >= 3 ? 1 : 0) : shortest >= 3 ? 2 : 0;
	for (unsigned j = 0; j < out->count; j++) {
		const char *t = out->text[j];
		unsigned char triple[3] = {(unsigned char)t[0], (unsigned char)t[out->second],
					   (unsigned char)t[out->third]};
		unsigned k = 0;
		while (k < out->pairs && memcmp(out->pair[k], triple, 2))
			k++;
		if (k == out->pairs)
			memcpy(out->pair[out->pairs++], triple, 3);
		for (k = 0; k < out->triples && memcmp(out->triple[k], triple, 3);)
			k++;
		if (out->third && k == out->triples)
			memcpy(out->triple[out->triples++], triple, 3);
		for (size_t i = 1; i < out->len[j]; i++)
			out->verify |= i != out->second && i != out->third;
	}
	out->wide = !one && out->third;
}

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

	char message[256];
	if (ere_parse(g->regex, &g->ere, message, sizeof message) != 0)
		return tvp_err(TVP_EUSAGE, "grep: invalid regex '%s': %s", g->regex, message);
	bool prefilter = !tvp_param_flag(job, "no-prefilter");
	if (prefilter)
		choose_literals(g);
	int status = compile_pcre2(g, ere_pcre2(g->ere), &g->code, &g->jit);
	/* PCRE2's first bytes come from its own form of the regex: --engine
	 * posix, whose reference is PCRE2, does not take them (it would share
	 * a mistake in that form with its reference). */
	if (!status && prefilter && !g->literals.count && g->engine == GREP_PCRE2)
		first_bytes(g->code, &g->first);
#ifdef __x86_64__
	/* TVP_GREP_NO_AVX2 (tests): the SSE2 and plain searches, as a CPU without AVX2 runs */
	g->avx2 = __builtin_cpu_supports("avx2") && !getenv("TVP_GREP_NO_AVX2");
#endif
	char *filter = ere_pcre2_filter(g->ere);
	if (!status && filter)
		status = compile_pcre2(g, filter, &g->filter, NULL);
	if (status)
		return status;
	g->gnu = ere_gnu(g->ere, &g->gnu_len);
	struct re_pattern_buffer check;
	if ((status = compile_gnu(g, &check)) != 0)
		return status;
	regfree(&check);
	struct sigaction on = {.sa_handler = on_sigsegv, .sa_flags = SA_ONSTACK};
	sigemptyset(&on.sa_mask);
	sigaction(SIGSEGV, &on, &sigsegv_before);
	g->sigsegv_caught = true;

	if ((status = load_file(g)) != 0)
		return status;
	job->units = grep_split(g->text, g->size, g->unit_bytes, &g->starts);
	find_longest_line(g, job->units);
	if (g->engine == GREP_POSIX && g->longest > INT_MAX)
		return tvp_err(TVP_EUSAGE, "grep: --engine posix cannot search the line at byte %zu of %s: "
			       "it is %zu bytes long, and GNU regex takes at most %d (--engine pcre2 can)",
			       g->longest_at, g->path, g->longest, INT_MAX);
	job->default_chunk = 1;
	job->ship_input = g->input == GREP_SHIP; /* threads and serial read the mapping anyway */
	g->truncate_hook = getenv("TVP_GREP_TRUNCATE") != NULL;
	return 0;
}

/* The reference of --engine pcre2 for a regex with no back-reference:
 * GNU regex searches whole windows of lines, from the first line not yet
 * decided to the window's end; the line where the match starts matches,
 * unless the match runs past its newline (`.` and `[^x]` take one here),
 * when that line is asked about alone; the search goes on after it. No
 * PCRE2, no prefilter, no units. *matches counted; 0, or GNU regex's error
 * code with *where the window it was in. GNU regex costs the length it is
 * given on some regexes (`.`: a search of 64 KiB takes 0.2-0.9 ms however
 * early it matches), so after a matching line the next lines are asked
 * alone until one does not match, and then a window of GREP_REFERENCE_SPAN
 * bytes is searched, doubled after each window with no match. */
static int reference_windows(const struct grep *g, struct grep_scratch *s, uint64_t *matches,
			     size_t *where)
{
	size_t window = 0, span = GREP_REFERENCE_SPAN;
	bool by_lines = false; /* the last line asked matched: ask the next alone */
	for (size_t pos = 0; pos < g->size;) {
		if (by_lines) {
			size_t stop = line_stop(g->text, g->size, pos);
			int found = line_matches(g, s, g->text + pos, stop - pos);
			if (found < 0) {
				*where = pos;
				return found;
			}
			*matches += (uint64_t)found;
			by_lines = found;
			pos = stop + 1;
			continue;
		}
		if (pos >= window)
			window = window_end(g->text, g->size, pos, span);
		regoff_t size = (regoff_t)(window - pos);
		in_gnu_regex = 1;
		regoff_t rc = re_search(&s->gnu, g->text + pos, size, 0, size, NULL);
		in_gnu_regex = 0;
		if (rc < -1) {
			*where = pos;
			return GREP_GNU_FAILED;
		}
		size_t at = pos + (size_t)rc;
		/* none, or an empty match after the window's last newline (on no line) */
		if (rc == -1 || (at == window && (at == 0 || g->text[at - 1] == '\n'))) {
			pos = window;
			span = span < GREP_SCAN_WINDOW ? 2 * span : GREP_SCAN_WINDOW;
			continue;
		}
		size_t stop = line_stop(g->text, g->size, at);
		/* up to the line's newline: a match past it takes that byte, and
		 * GNU regex's re_match costs the length it is given (`.*` over a
		 * whole window at every line was quadratic) */
		regoff_t line = (regoff_t)(stop < window ? stop + 1 - pos : window - pos);
		in_gnu_regex = 1;
		regoff_t length = re_match(&s->gnu, g->text + pos, line, rc, NULL);
		in_gnu_regex = 0;
		int found = 1;
		if (length < 0 || at + (size_t)length > stop) { /* past its newline: the line alone */
			const char *newline = memrchr(g->text + pos, '\n', at - pos);
			size_t start = newline ? (size_t)(newline - g->text) + 1 : pos;
			found = line_matches(g, s, g->text + start, stop - start);
		}
		if (found < 0) {
			*where = pos;
			return found;
		}
		*matches += (uint64_t)found;
		pos = stop + 1;
		by_lines = found;
		window = 0; /* the next window small again */
		span = GREP_REFERENCE_SPAN;
	}
	return 0;
}

/* GNU grep matches a regex with a back-reference (or [=x=], [.x.]) with
 * GNU regex, and glibc's matcher differs from PCRE2 on some of them
 * (grep.h): on the line at byte pos GNU regex says gnu (1 match, 0 not),
 * PCRE2 the other. Neither count can then be verified by an independent
 * engine: say so in one line; TVP_ERUNTIME, as for a wrong answer. */
static int engines_differ(const struct grep *g, size_t pos, int gnu)
{
	return tvp_err(TVP_ERUNTIME, "grep: GNU grep matches '%s' with GNU regex (a back-reference, or [=x=] or "
		       "[.x.]), and GNU regex and PCRE2 disagree on the line at byte %zu (GNU regex: %s, "
		       "PCRE2: %s), as glibc's matcher does on some such regexes: no count can be verified "
		       "(GNU grep prints GNU regex's)", g->regex, pos, gnu ? "a match" : "no match",
		       gnu ? "no match" : "a match");
}

/* The reference: every line of the file in turn, asked of the other
 * engine on its own (GNU regex checks PCRE2, PCRE2 checks GNU regex), with
 * no units, prefilter or workers: a fault in either engine's form of the
 * regex is a wrong answer. GNU regex searches windows of lines where the
 * regex has no back-reference (reference_windows). A line too long for
 * GNU regex (over INT_MAX bytes; only --engine pcre2 takes one) is asked
 * of PCRE2 alone, and a line PCRE2 gives up on (its match limit) of GNU
 * regex alone. Where grep matches with GNU regex, each line is asked of
 * both engines, and a line they disagree on ends it (engines_differ). */
static int grep_reference(struct tvp_job *job, char answer[TVP_ANSWER_MAX])
{
	const struct grep *g = job->state;
	struct grep_scratch other = {0}, pcre2 = {0}, own = {0}, checked = {0};
	int status = scratch_make(g, &other, g->engine == GREP_PCRE2 ? GREP_POSIX : GREP_PCRE2);
	if (!status && g->longest > INT_MAX)
		status = scratch_make(g, &pcre2, GREP_PCRE2);
	if (!status && ere_gnu_reading(g->ere)) /* the engines may read it differently: ask both */
		status = scratch_make(g, &checked, g->engine);
	uint64_t matches = 0;
	/* TVP_GREP_REFERENCE_LINES (tests): line by line always */
	bool windows = g->engine == GREP_PCRE2 && !ere_gnu_reading(g->ere) &&
		       g->longest <= INT_MAX - GREP_SCAN_WINDOW && !getenv("TVP_GREP_REFERENCE_LINES");
	size_t where = 0;
	int failed = !status && windows ? reference_windows(g, &other, &matches, &where) : 0;
	if (failed < 0) {
		char message[256];
		engine_error(GREP_POSIX, failed, message, sizeof message);
		status = tvp_err(TVP_ERUNTIME, "grep: the posix engine failed in the lines from byte %zu: %s",
				 where, message);
	}
	for (size_t pos = windows ? g->size : 0; !status && pos < g->size;) {
		size_t stop = line_stop(g->text, g->size, pos);
		struct grep_scratch *s = stop - pos > INT_MAX ? &pcre2 : &other;
		int found = line_matches(g, s, g->text + pos, stop - pos);
		if (found < 0 && s->engine == GREP_PCRE2 && g->engine == GREP_POSIX) {
			/* PCRE2 gave up (its match limit) where GNU regex has no limit:
			 * this line alone is asked of GNU regex, on its own. */
			if (!own.ready && (status = scratch_make(g, &own, GREP_POSIX)) != 0)
				break;
			found = line_matches(g, s = &own, g->text + pos, stop - pos);
		}
		if (found < 0) {
			char message[256];
			engine_error(s->engine, found, message, sizeof message);
			status = tvp_err(TVP_ERUNTIME, "grep: the %s engine failed on the line at byte %zu: %s",
					 engine_name(s->engine), pos, message);
			break;
		}
		int mine = checked.ready && stop - pos <= INT_MAX
				   ? line_decided(g, &checked, g->text + pos, stop - pos) : found;
		if (mine >= 0 && mine != found) {
			status = engines_differ(g, pos, g->engine == GREP_POSIX ? mine : found);
			break;
		}
		matches += (uint64_t)found;
		pos = stop + 1;
	}
	scratch_free(&other);
	scratch_free(&pcre2);
	scratch_free(&own);
	scratch_free(&checked);
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
	struct grep_scratch *s = worker->scratch;
	if (g->truncate_hook && task.first == 0 && truncate(g->path, 0) != 0)
		tvp_syserr(TVP_ERUNTIME, "grep: TVP_GREP_TRUNCATE: cannot truncate %s", g->path);
	if (g->literals.count || g->first.count)
		search_candidates(worker, g, s, text, len, &part);
	else
		search_plain(worker, g, s, text, len, &part, &(uint64_t){0});
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
		engine_error(g->engine, part->error, message, sizeof message);
		return tvp_err(TVP_ERUNTIME, "grep: the %s engine failed in the task at unit %zu: %s",
			       engine_name(g->engine), result->first, message);
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
	if (g->buffered) { /* read once already: the file may not read the same twice */
		memcpy(out->data, g->text + begin, len);
		out->len = len;
		return 0;
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

/* A write to stdout failed: a reader that left ends us quietly with
 * grep's status (128 + SIGPIPE, as a shell shows grep killed by it);
 * anything else (a full disk, a closed stdout) is one line and status 1. */
static int print_failed(void)
{
	int error = errno;
	clearerr(stdout);
	if (error == EPIPE)
		return 128 + SIGPIPE;
	errno = error;
	return tvp_syserr(TVP_ERUNTIME, "grep: cannot print the matching lines");
}

/* --print: every matching line as LINENO:LINE on stdout, in file order;
 * every write checked (print_failed). */
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
			if (printf("%llu:", (unsigned long long)line) < 0 ||
			    fwrite(p, 1, (size_t)(newline - p) + 1, stdout) != (size_t)(newline - p) + 1)
				return print_failed();
			p = newline + 1;
		}
		before += part.lines;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return print_failed();
	return 0;
}

/* Free everything prepare and the in-process workers made. */
static void grep_release(struct tvp_job *job)
{
	struct grep *g = job->state;
	if (!g)
		return;
	if (g->code)
		pcre2_code_free(g->code);
	if (g->filter)
		pcre2_code_free(g->filter);
	ere_free(g->ere);
	free(g->gnu);
	if (g->buffered) {
		free((void *)g->text);
	} else if (g->text) {
		munmap((void *)g->text, g->size);
		sigaction(SIGBUS, &sigbus_before, NULL);
	}
	if (g->fd >= 0)
		close(g->fd);
	if (g->sigsegv_caught)
		sigaction(SIGSEGV, &sigsegv_before, NULL);
	free(g->starts);
	free(g);
	job->state = NULL;
}

const struct tvp_workload tvp_workload_grep = {
	.name = "grep",
	.summary = "count the lines of a file matching a regex, like LC_ALL=C grep -c -E (the Edinburgh talk)",
	.reference = "the other engine (GNU regex for pcre2, PCRE2 for posix) on its own, with no units, prefilter or workers",
	.opts = grep_opts,
	.prepare = grep_prepare,
	.reference_answer = grep_reference,
	.kernel = grep_kernel,
	.worker_start = grep_worker_start,
	.worker_end = grep_worker_end,
	.result_bound = grep_result_bound,
	.reduce = grep_reduce,
	.pack = grep_pack,
	.finish = grep_finish,
	.release = grep_release,
};
