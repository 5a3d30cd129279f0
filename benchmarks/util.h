/* util.h - error reporting and number parsing shared by every part of tvp. */
#ifndef TVP_UTIL_H
#define TVP_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses: one meaning each, the same in every command. */
#define TVP_OK 0
#define TVP_ERUNTIME 1 /* a fault at run time, or a wrong answer */
#define TVP_EUSAGE 2   /* bad input on the command line */

/* Print "tvp: MESSAGE" as one line on stderr and return status, so that a
 * caller can write `return tvp_err(TVP_EUSAGE, "...")`. */
int tvp_err(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Who the lines of tvp_err say they are from: "tvp" unless set (an MPI
 * rank's "tvp rank 1 on node2"). name is copied. */
void tvp_err_who(const char *name);

/* As tvp_err, with ": strerror(errno)" appended (errno read on entry). */
int tvp_syserr(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* What tvp is doing now, in a few words ("computing the reference answer
 * (segmented sieve of Eratosthenes)"), for the messages of faults that can
 * strike anywhere: out of memory, --timeout. Set from one thread; read from
 * any thread or a signal handler (two buffers, swapped by one store). */
void tvp_activity_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *tvp_activity(void);

/* Allocation that cannot fail: on failure print "out of memory (N bytes,
 * while ACTIVITY)" as one line and _exit(1). count * size that overflows
 * is a failure too. */
void *tvp_xmalloc(size_t size);
void *tvp_xcalloc(size_t count, size_t size);
void *tvp_xrealloc(void *ptr, size_t size);
char *tvp_xstrdup(const char *text);

/* Parse a whole string as a number. Return 0 on success, -1 if the text is
 * not entirely a number of that kind or is out of range. u64 accepts an
 * optional k/M/G suffix (powers of 1000) and forms such as 2e6. */
int tvp_parse_u64(const char *text, uint64_t *out);
int tvp_parse_double(const char *text, double *out);

#endif
