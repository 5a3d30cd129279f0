/* corpus.c - `tvp corpus`: writes the Edinburgh talk's search file, deterministic from a seed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hash.h"
#include "outfile.h"
#include "registry.h"

#define CORPUS_MIN_LINE 10         /* characters per line, not counting the newline */
#define CORPUS_MAX_LINE 80
#define CORPUS_ALPHABET "abcdefghijklmnopqrstuvwxyz "
#define CORPUS_SYMBOLS 27          /* letters of CORPUS_ALPHABET */
#define CORPUS_DIGITS_PER_DRAW 13  /* 27^13 < 2^64: base-27 digits in one draw */
#define CORPUS_BUFFER (8u << 20)   /* bytes per write(2) */
#define CORPUS_MAX_LINES 10000000000ULL /* about 460 GB: beyond that, surely a typo */
#define CORPUS_DEFAULT_LINES "100000"   /* about 4.6 MB */

/* Characters from [a-z ], 13 per 64-bit draw (one base-27 digit each). */
struct corpus_chars {
	uint64_t state, digits;
	unsigned left;
};

static char corpus_char(struct corpus_chars *chars)
{
	if (chars->left == 0) {
		chars->digits = tvp_splitmix64(&chars->state);
		chars->left = CORPUS_DIGITS_PER_DRAW;
	}
	char c = CORPUS_ALPHABET[chars->digits % CORPUS_SYMBOLS];
	chars->digits /= CORPUS_SYMBOLS;
	chars->left--;
	return c;
}

/* Write used bytes of buffer to fd. 0, or TVP_ERUNTIME (message printed)
 * on a write error. */
static int corpus_flush(int fd, const char *path, const char *buffer, size_t used)
{
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
				  (unsigned)(tvp_splitmix64(&lengths) %
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

/* Positions in corpus_opts. */
enum { OPT_OUT, OPT_LINES, OPT_SEED };

static const struct tvp_opt corpus_opts[] = {
	{"out", TVP_OPT_TEXT, "FILE", NULL, "the file to write (replaced if it exists); required"},
	{"lines", TVP_OPT_U64, "N", CORPUS_DEFAULT_LINES, "lines to write (25M: the talk's 1.1 GB)"},
	{"seed", TVP_OPT_U64, "S", "1", "the seed"},
	{NULL},
};

/* tvp corpus: 0 when the file is written; 2 for bad input; 1 when writing failed
 * (the file is then untouched and no temporary file is left). */
static int corpus_run(const struct tvp_param *params)
{
	if (tvp_opt_range("corpus", &params[OPT_LINES], 0, CORPUS_MAX_LINES))
		return TVP_EUSAGE;
	const char *out = params[OPT_OUT].text;
	uint64_t lines = params[OPT_LINES].u64, seed = params[OPT_SEED].u64;
	if (!out || !*out)
		return tvp_err(TVP_EUSAGE, "corpus: --out FILE is required (see tvp corpus --help)");

	/* Opened before any line is made: a bad name is bad input (exit 2);
	 * the file appears complete or not at all (outfile.h), and a signal
	 * leaves nothing behind (cleanup.h). */
	tvp_cleanup_install();
	struct tvp_outfile file;
	int status = tvp_outfile_open(&file, out, "corpus --out");
	if (status)
		return status;
	double start = tvp_now();
	uint64_t bytes;
	status = corpus_write(fileno(file.file), out, lines, seed, &bytes);
	if (!status)
		status = tvp_outfile_commit(&file);
	tvp_outfile_discard(&file);
	if (!status)
		printf("tvp corpus: %llu lines, %llu bytes in %s (seed %llu, %.2f s)\n",
		       (unsigned long long)lines, (unsigned long long)bytes, out,
		       (unsigned long long)seed, tvp_now() - start);
	return status;
}

const struct tvp_command tvp_command_corpus = {
	.name = "corpus",
	.summary = "write the talk's search file: lines of 10-80 chars of [a-z ] (for grep)",
	.synopsis = "--out FILE [options]",
	.description = "Writes the Edinburgh talk's search file: lines of 10-80 characters drawn\n"
		       "from [a-z ], the same bytes for the same seed on every machine. The file\n"
		       "appears complete or not at all.",
	.opts = corpus_opts,
	.run = corpus_run,
};
