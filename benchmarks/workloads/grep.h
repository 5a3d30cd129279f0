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

/* The PCRE2 pattern with the meaning of a POSIX extended regex as GNU grep
 * reads it: backslash is literal inside brackets, \< and \> are word
 * starts and ends, {,n} is {0,n}; everything else is passed through.
 * origin (if not NULL) gets, per byte of the result, the offset in ere it
 * came from (for error messages). Both are malloc'd; the caller frees.
 * Left as PCRE2 reads them (where GNU grep differs): escapes such as \d,
 * lookaround, and a quantifier after a quantifier (a*+ is possessive in
 * PCRE2, (a*)+ in ERE); and PCRE2 backtracks, so a pathological regex can
 * hit its match limit (a runtime fault) where grep's automaton would not. */
char *grep_pcre2_pattern(const char *ere, size_t **origin);

#endif
