/* util.c - error reporting and number parsing shared by every part of tvp. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char who[96] = "tvp";

void tvp_err_who(const char *name) { snprintf(who, sizeof who, "%s", name); }

static void vreport(const char *fmt, va_list ap, const char *suffix)
{
	char line[1024];
	int n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		line[0] = '\0';
	/* One write, so lines from several processes do not interleave. */
	char out[1200];
	int len = snprintf(out, sizeof out, "%s: %s%s%s\n", who, line,
			   suffix ? ": " : "", suffix ? suffix : "");
	if (len > (int)sizeof out - 1)
		len = (int)sizeof out - 1;
	if (len > 0 && write(STDERR_FILENO, out, (size_t)len) < 0)
		return;
}

int tvp_err(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap, NULL);
	va_end(ap);
	return status;
}

int tvp_syserr(int status, const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;
	va_start(ap, fmt);
	vreport(fmt, ap, why);
	va_end(ap);
	return status;
}

#define ACTIVITY_MAX 400
static char activity_text[2][ACTIVITY_MAX] = {"starting", "starting"};
static volatile int activity_now; /* which buffer readers use */

void tvp_activity_set(const char *fmt, ...)
{
	int next = !activity_now;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(activity_text[next], ACTIVITY_MAX, fmt, ap);
	va_end(ap);
	activity_now = next;
}

const char *tvp_activity(void) { return activity_text[activity_now]; }

static _Noreturn void out_of_memory(const char *size_text)
{
	tvp_err(TVP_ERUNTIME, "out of memory (%s bytes, while %s)", size_text, tvp_activity());
	_exit(TVP_ERUNTIME);
}

static void *checked(void *ptr, size_t size)
{
	if (!ptr && size) {
		char text[32];
		snprintf(text, sizeof text, "%zu", size);
		out_of_memory(text);
	}
	return ptr;
}

void *tvp_xmalloc(size_t size) { return checked(malloc(size ? size : 1), size); }
void *tvp_xcalloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		char text[64];
		snprintf(text, sizeof text, "%zu x %zu", count, size);
		out_of_memory(text);
	}
	return checked(calloc(count ? count : 1, size ? size : 1), count * size);
}
void *tvp_xrealloc(void *ptr, size_t size)
{
	return checked(realloc(ptr, size ? size : 1), size);
}
char *tvp_xstrdup(const char *text)
{
	return checked(strdup(text), strlen(text) + 1);
}

int tvp_parse_u64(const char *text, uint64_t *out)
{
	/* strtoull would skip white space and negate a '-': "\t-1" is not 2^64-1. */
	if (!text || !*text || *text == '-' || *text == '+' || isspace((unsigned char)*text))
		return -1;
	char *end;
	errno = 0;
	unsigned long long value = strtoull(text, &end, 10);
	if (errno)
		return -1;
	if (*end == 'e' || *end == 'E' || *end == '.') {
		/* 2e6 or 1.5e6: accept only when the value is a whole number. */
		double d = strtod(text, &end);
		if (*end || !isfinite(d) || d < 0 || d >= 18446744073709551616.0 ||
		    d != floor(d))
			return -1;
		*out = (uint64_t)d;
		return 0;
	}
	uint64_t scale = 1;
	if (*end == 'k' || *end == 'K')
		scale = 1000, end++;
	else if (*end == 'M')
		scale = 1000000, end++;
	else if (*end == 'G')
		scale = 1000000000, end++;
	if (*end || end == text)
		return -1;
	if (value > UINT64_MAX / scale)
		return -1;
	*out = (uint64_t)value * scale;
	return 0;
}

int tvp_parse_double(const char *text, double *out)
{
	if (!text || !*text || isspace((unsigned char)*text))
		return -1;
	char *end;
	errno = 0;
	double value = strtod(text, &end);
	if (errno || *end || end == text || !isfinite(value))
		return -1;
	*out = value;
	return 0;
}
