/* corpus.c - `tvp corpus`: writes the Edinburgh talk's search file, deterministic from a seed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry.h"

#define CORPUS_MIN_LINE 10         /* characters per line, not counting the newline */
#define CORPUS_MAX_LINE 80
#define CORPUS_ALPHABET "abcdefghijklmnopqrstuvwxyz "
#define CORPUS_SYMBOLS 27          /* letters of CORPUS_ALPHABET */
#define CORPUS_DIGITS_PER_DRAW 13  /* 27^13 < 2^64: base-27 digits in one draw */
#define CORPUS_BUFFER (8u << 20)   /* bytes per write(2) */
#define CORPUS_MAX_LINES 10000000000ULL /* about 460 GB: beyond that, surely a typo */
#define CORPUS_DEFAULT_LINES "100000"   /* about 4.6 MB */

static volatile sig_atomic_t corpus_interrupted;

static void corpus_on_signal(int sig)
{
	corpus_interrupted = sig;
}

/* splitmix64: a fast, well-mixed 64-bit generator; the same stream on every machine. */
static uint64_t corpus_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Characters from [a-z ], 13 per 64-bit draw (one base-27 digit each). */
struct corpus_chars {
	uint64_t state, digits;
	unsigned left;
};

static char corpus_char(struct corpus_chars *chars)
{
	if (chars->left == 0) {
		chars->digits = corpus_next(&chars->state);
		chars->left = CORPUS_DIGITS_PER_DRAW;
	}
	char c = CORPUS_ALPHABET[chars->digits % CORPUS_SYMBOLS];
	chars->digits /= CORPUS_SYMBOLS;
	chars->left--;
	return c;
}

/* Write used bytes of buffer to fd. 0, or TVP_ERUNTIME (message printed)
 * on a write error or when a signal asked us to stop. */
static int corpus_flush(int fd, const char *path, const char *buffer, size_t used)
{
	if (corpus_interrupted) {
		errno = EINTR;
		return tvp_syserr(TVP_ERUNTIME, "corpus: stopped writing %s", path);
	}
	if (tvp_write_all(fd, buffer, used) != 0)
		return tvp_syserr(TVP_ERUNTIME, "corpus: cannot write %s", path);
	return 0;
}

/* Write lines lines to fd. 0, or TVP_ERUNTIME (message printed) on a
 * write error or an interrupting signal. *bytes gets the bytes written. */
static int corpus_write(int fd, const char *path, uint64_t lines, uint64_t seed,
			uint64_t *bytes)
{
	struct corpus_chars chars = {.state = seed};
	uint64_t lengths = seed ^ 0x5851f42d4c957f2dULL; /* a second stream: line lengths */
	char *buffer = tvp_xmalloc(CORPUS_BUFFER);
	size_t used = 0;
	int status = 0;
	*bytes = 0;
	for (uint64_t line = 0; line < lines && !status; line++) {
		unsigned length = CORPUS_MIN_LINE +
				  (unsigned)(corpus_next(&lengths) %
					     (CORPUS_MAX_LINE - CORPUS_MIN_LINE + 1));
		for (unsigned i = 0; i < length; i++)
			buffer[used++] = corpus_char(&chars);
		buffer[used++] = '\n';
		if (used + CORPUS_MAX_LINE + 1 > CORPUS_BUFFER) {
			status = corpus_flush(fd, path, buffer, used);
			*bytes += used;
			used = 0;
		}
	}
	if (!status && used) {
		status = corpus_flush(fd, path, buffer, used);
		*bytes += used;
	}
	free(buffer);
	return status;
}

static void corpus_usage(FILE *out)
{
	fprintf(out,
		"usage: tvp corpus --out FILE [--lines N] [--seed S]\n"
		"Writes the Edinburgh talk's search file: N lines of %d-%d characters drawn\n"
		"from [a-z ], the same bytes for the same seed on every machine. The full\n"
		"size is --lines 25M (about 1.1 GB). The file appears complete or not at all.\n\n"
		"  --out FILE   the file to write (replaced if it exists)\n"
		"  --lines N    lines to write [%s]\n"
		"  --seed S     the seed [1]\n",
		CORPUS_MIN_LINE, CORPUS_MAX_LINE, CORPUS_DEFAULT_LINES);
}

/* Parse "--name VALUE" or "--name=VALUE" at argv[*i]: 1 if it is --name
 * (*value set, *i advanced), 0 if not, -1 (message printed) if the value is missing. */
static int corpus_option(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);
	if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0)
		return 0;
	if (arg[2 + len] == '=') {
		*value = arg + 3 + len;
		return 1;
	}
	if (arg[2 + len] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		tvp_err(TVP_EUSAGE, "corpus: --%s needs a value", name);
		return -1;
	}
	*value = argv[++*i];
	return 1;
}

/* tvp corpus: 0 when the file is written; 2 for bad input; 1 when writing failed
 * (the file is then untouched and no temporary file is left). */
static int corpus_main(int argc, char **argv)
{
	const char *out = NULL, *lines_text = CORPUS_DEFAULT_LINES, *seed_text = "1";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			corpus_usage(stdout);
			return 0;
		}
		int found;
		if ((found = corpus_option(argc, argv, &i, "out", &out)) ||
		    (found = corpus_option(argc, argv, &i, "lines", &lines_text)) ||
		    (found = corpus_option(argc, argv, &i, "seed", &seed_text))) {
			if (found < 0)
				return TVP_EUSAGE;
			continue;
		}
		return tvp_err(TVP_EUSAGE, "corpus: unexpected argument '%s' (see tvp corpus --help)",
			       argv[i]);
	}
	uint64_t lines, seed;
	if (tvp_parse_u64(lines_text, &lines) != 0 || lines > CORPUS_MAX_LINES)
		return tvp_err(TVP_EUSAGE, "corpus: --lines needs a whole number from 0 to %llu, not '%s'",
			       CORPUS_MAX_LINES, lines_text);
	if (tvp_parse_u64(seed_text, &seed) != 0)
		return tvp_err(TVP_EUSAGE, "corpus: --seed needs a whole number >= 0, not '%s'",
			       seed_text);
	if (!out || !*out)
		return tvp_err(TVP_EUSAGE, "corpus: --out FILE is required (see tvp corpus --help)");

	size_t size = strlen(out) + 16;
	char *temp = tvp_xmalloc(size);
	snprintf(temp, size, "%s.XXXXXX", out);
	int fd = mkstemp(temp);
	if (fd < 0) {
		int status = tvp_syserr(TVP_EUSAGE, "corpus: cannot write %s", out);
		free(temp);
		return status;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask); /* mkstemp makes 0600; a corpus is an ordinary file */

	struct sigaction stop = {.sa_handler = corpus_on_signal}, old_int, old_term;
	sigaction(SIGINT, &stop, &old_int);
	sigaction(SIGTERM, &stop, &old_term);
	double start = tvp_now();
	uint64_t bytes;
	int status = corpus_write(fd, out, lines, seed, &bytes);
	if (close(fd) != 0 && !status)
		status = tvp_syserr(TVP_ERUNTIME, "corpus: cannot write %s", out);
	if (!status && rename(temp, out) != 0)
		status = tvp_syserr(TVP_ERUNTIME, "corpus: cannot rename %s to %s", temp, out);
	if (status)
		unlink(temp);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(temp);
	if (corpus_interrupted)
		raise(corpus_interrupted); /* die of the signal, as the caller expects */
	if (!status)
		printf("tvp corpus: %llu lines, %llu bytes in %s (seed %llu, %.2f s)\n",
		       (unsigned long long)lines, (unsigned long long)bytes, out,
		       (unsigned long long)seed, tvp_now() - start);
	return status;
}

const struct tvp_command tvp_command_corpus = {
	.name = "corpus",
	.summary = "write the talk's search file: lines of 10-80 chars of [a-z ] (for grep)",
	.main = corpus_main,
};
