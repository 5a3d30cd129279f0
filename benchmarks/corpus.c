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
 * (*value set, *i advanced), 0 if not, -1 (message printed) if the value
 * is missing (see tvp_option_value). */
static int corpus_option(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *arg = argv[*i];
	size_t len = strlen(name);
	if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0)
		return 0;
	const char *eq = arg[2 + len] == '=' ? arg + 2 + len : NULL;
	if (!eq && arg[2 + len] != '\0')
		return 0;
	return tvp_option_value("corpus", name, "VALUE", argc, argv, i, eq, value) ? -1 : 1;
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
	.main = corpus_main,
};
