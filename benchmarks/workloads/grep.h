/* grep.h - the parts of the grep workload that its unit tests call directly. */
#ifndef TVP_GREP_H
#define TVP_GREP_H

/* Both engines read --regex as LC_ALL=C grep -E does (ere.h: one parse,
 * GNU grep's rules, GNU grep's refusals and messages), and each is checked
 * by the other. Where tvp and GNU grep 3.8 (glibc 2.36, C locale) still
 * differ, and why:
 *   - a newline in the regex: grep reads each line as a regex of its own;
 *     tvp refuses it (exit 2): it takes one regex;
 *   - a regex grep matches with GNU regex (a back-reference, or [=x=] or
 *     [.x.] in a bracket) where glibc's matcher errs, e.g. (:?*)\1 finds
 *     no empty match in "xa ax": grep prints glibc's count; tvp's
 *     reference asks both engines about each line of such a regex, and
 *     on a line they disagree on the run fails (exit 1) in one line that
 *     names it and what each engine said; no count is given as verified,
 *     as none can be checked by an independent engine
 *     (tests/integration/grep.bats). In 100,000 fuzz cases (seed 400)
 *     these were the only disagreements: 20 regexes, each a match glibc
 *     misses. A group that takes only the empty string, repeated, then
 *     referred to (`(){2}\1` matches no line); an optional group of an
 *     anchor (`($)?\1`); a split of counted iterations (`(.+){2}b\1`
 *     misses "a3b3"); and, with such a part in one branch, a plain match
 *     of another (`b|(){2}\1t` misses "tb");
 *   - glibc's matcher also errs on a repeated group with an anchor in it
 *     (`(^.){3}` matches "abc" when not asked for its groups; asked,
 *     `[ -~]*(\<[a-z]\w)+` misses " (<zbcw)+", and finding the groups'
 *     bounds is exponential on `((:)++*|(){,}?[^ ]|,?){3,}`), where grep
 *     uses its DFA: --engine posix asks for no groups where there is no
 *     back-reference and writes such a repetition out (`(^.)(^.)(^.)`),
 *     up to 16 copies; past that, the engines' disagreement fails the run
 *     (exit 1);
 *   - NUL bytes: grep's binary-file rules (a file with a NUL is binary;
 *     it may then take a NUL as a line's end) can change its count; tvp
 *     reads every file as text, a NUL a byte like any other (grep -a);
 *   - a locale other than C: tvp always reads bytes as the C locale does
 *     (grep in UTF-8 reads characters, and its ranges and classes differ);
 *   - GNU regex takes lines up to INT_MAX bytes: --engine posix refuses a
 *     longer line (exit 2); grep's own DFA counts it, as --engine pcre2 does;
 *   - a line PCRE2 gives up on (its match limit) is decided by GNU regex,
 *     which has no limit (grep's answer); that line's check then shares
 *     its engine with the reference. */

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
