/* ere.h - one reading of an extended regex, LC_ALL=C grep -E's, and the patterns made from it for PCRE2 and GNU regex. */
#ifndef TVP_ERE_H
#define TVP_ERE_H

#include <stdbool.h>
#include <stddef.h>

/* GNU grep -E reads a regex with two parsers and matches with the one
 * that can: gnulib's dfa.c for most regexes, glibc's GNU regex (syntax
 * RE_SYNTAX_EGREP) when dfa.c's reading keeps a back-reference or a
 * bracket with [=x=] or [.x.] (a {0} repetition takes one away: `(a)\1{0}b`
 * is the DFA's alone), on the lines that pass the DFA. Both must accept it. The
 * two readings differ on a few odd forms, so ere_parse reads the regex
 * the way grep's matcher for it does:
 *   - dfa: a repetition operator with nothing before it repeats the empty
 *     regex (`*a` is `a`), and one after an anchor repeats the anchor
 *     (`^*a` is `(^)*a`, which matches any line with an a); `{1` and a
 *     leading `{` that is no interval are literal;
 *   - GNU regex: such an operator is skipped, and of a leading `{` only
 *     the brace (`{1}a` is `1}a`).
 * Everywhere else they agree: `)` with no `(` open is literal, a `{` that
 * starts no valid interval is literal, stacked repetitions nest (`a+?` is
 * `(a+)?`), `\<` `\>` `\b` `\B` `\w` `\W` `\s` `\S` `` \` `` `\'` are GNU's,
 * another backslashed character is itself, a backslash is literal in a
 * bracket. */

struct ere;

/* Parse text as LC_ALL=C grep -E does. 0 and *out (free with ere_free),
 * or -1 with GNU grep's message for a regex grep refuses in message.
 * A newline in text is refused (grep would read each line as a regex of
 * its own; tvp takes one). */
int ere_parse(const char *text, struct ere **out, char *message, size_t size);

void ere_free(struct ere *ere);

/* True when grep matches this regex with GNU regex (see above). */
bool ere_gnu_reading(const struct ere *ere);

/* The regex for PCRE2 (compile with PCRE2_MULTILINE, PCRE2_NEVER_UTF,
 * newline LF): no lazy or possessive quantifier, no escape but \xHH, \b,
 * \B, \w and \g{N}; no class or dot matches a newline, so a match never
 * spans two lines. Malloc'd. */
char *ere_pcre2(const struct ere *ere);

/* When grep matches with GNU regex (ere_gnu_reading), it first runs its
 * "superset" DFA: dfa.c's reading with each back-reference (and [=x=],
 * [.x.]) taken as any text; a line counts when it passes both
 * (`b?()\1({.)` needs a "{"). This is that reading for PCRE2; NULL for a
 * regex grep matches with its DFA alone. ere_pcre2 already asks both (a
 * lookahead). Malloc'd. */
char *ere_pcre2_filter(const struct ere *ere);

/* The regex for glibc's re_compile_pattern with syntax ERE_GNU_SYNTAX,
 * with the same meaning: the text itself when grep reads it with GNU
 * regex, else a form that GNU regex reads as dfa.c does. Its length in
 * *len (it may hold NUL bytes). Malloc'd. */
char *ere_gnu(const struct ere *ere, size_t *len);

/* A string that every match of the regex holds (the longest this reading
 * proves; as grep's kwset and dfa.c's dfamust find), at most size bytes
 * of it into out; its length, 0 when none is known (or it holds a newline,
 * which no line does). For GNU's reading, the one grep's DFA reads first:
 * a line must pass that too. */
size_t ere_literal(const struct ere *ere, char *out, size_t size);

/* A string every match starts its line with: the regex, read left to
 * right, is `^`, then this string, then anything (`^ab[0-9]` gives "ab";
 * an alternation at its top, none); at most size bytes of it into out (a
 * shorter start is still one). Its length, 0 when this reading proves none.
 * For GNU's reading, from grep's DFA reading, as ere_literal. */
size_t ere_line_prefix(const struct ere *ere, char *out, size_t size);

#define ERE_STRINGS_MAX 8  /* the most strings ere_literal_set gives */
#define ERE_STRING_MAX 256 /* the longest of them */

/* A few strings, one of which every match holds (as grep's kwset takes an
 * alternation of literals). */
struct ere_strings {
	size_t count; /* 0: none known */
	bool exact;   /* the regex matches these strings and nothing else (no
		       * anchor, no operator left): a line matches iff it holds one */
	size_t len[ERE_STRINGS_MAX];
	char text[ERE_STRINGS_MAX][ERE_STRING_MAX];
};

/* The strings one of which every match holds, into *out: from literals,
 * brackets of at most 4 bytes, alternations, and concatenations of those
 * (`(foo|bar)s` holds "foos" or "bars"), as few and as long as this
 * reading proves; none (count 0) when more than ERE_STRINGS_MAX would be
 * needed, or a match may be empty, or a string holds a newline (no line
 * does). For GNU's reading, from grep's DFA reading, and never exact. */
void ere_literal_set(const struct ere *ere, struct ere_strings *out);

/* GNU grep -E's syntax bits for GNU regex (grep.c's "egrep" matcher). */
#define ERE_GNU_SYNTAX RE_SYNTAX_EGREP

#endif
