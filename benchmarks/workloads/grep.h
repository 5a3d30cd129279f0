/* grep.h - the parts of the grep workload that its unit tests call directly. */
#ifndef TVP_GREP_H
#define TVP_GREP_H

#include <stddef.h>

/* Cut size bytes of text into line-aligned units of at least unit_bytes
 * (the last may be shorter): every unit starts at the start of a line and
 * ends just after a newline or at the end of the text, so each line lies
 * in exactly one unit, however long it is. Returns the number of units;
 * *starts gets units + 1 offsets (unit u is [starts[u], starts[u + 1]),
 * starts[units] == size), to be freed by the caller. unit_bytes >= 1. */
size_t grep_split(const char *text, size_t size, size_t unit_bytes, size_t **starts);

/* The lines in n bytes that start at the start of a line: the newlines,
 * plus one for a last line without a newline. */
size_t grep_count_lines(const char *text, size_t n);

#endif
