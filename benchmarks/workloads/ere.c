/* ere.c - parse an extended regex as LC_ALL=C grep -E does; emit it for PCRE2 and for GNU regex. */
#define _GNU_SOURCE
#include "ere.h"

#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ipc.h"
#include "../util.h"

#define ERE_BYTES 256
#define ERE_CLASS_NAME_MAX 32 /* dfa.c: a longer [:name:] is no class */

/* A set of bytes (a bracket, a dot, \w, or one literal byte). */
struct ere_set {
	uint64_t bits[ERE_BYTES / 64];
};

enum ere_kind {
	ERE_EMPTY,   /* matches the empty string */
	ERE_SET,     /* one byte of set */
	ERE_BOL, ERE_EOL, ERE_WORD_BEGIN, ERE_WORD_END, ERE_WORD_EDGE, ERE_NOT_WORD_EDGE,
	ERE_BACKREF, /* \number */
	ERE_GROUP,   /* ( left ), capturing group number */
	ERE_CAT,     /* left then right */
	ERE_ALT,     /* left or right */
	ERE_REPEAT,  /* left {min,max}; max -1: no bound */
};

struct ere_node {
	enum ere_kind kind;
	int left, right; /* children (node indexes), -1 when none */
	int min, max, number;
	struct ere_set set;
};

struct ere {
	struct ere_node *nodes;
	size_t count, cap;
	int root;
	bool gnu;        /* GNU regex's reading (see ere.h) */
	const char *text;
	struct ere *filter; /* with gnu: dfa.c's reading, as grep's superset DFA
			     * reads it before GNU regex sees a line: a back-reference
			     * or [=x=] [.x.] (ERE_BACKREF leaves) matches any text */
};

/* ---- Sets. */

static void set_add(struct ere_set *s, unsigned c)
{
	s->bits[c / 64] |= UINT64_C(1) << (c % 64);
}

static bool set_has(const struct ere_set *s, unsigned c)
{
	return s->bits[c / 64] >> (c % 64) & 1;
}

static void set_invert(struct ere_set *s)
{
	for (size_t i = 0; i < ERE_BYTES / 64; i++)
		s->bits[i] = ~s->bits[i];
}

static size_t set_count(const struct ere_set *s)
{
	size_t n = 0;
	for (size_t i = 0; i < ERE_BYTES / 64; i++)
		n += (size_t)__builtin_popcountll(s->bits[i]);
	return n;
}

/* The C locale's classes, as <ctype.h> has them in "C" (spelled out: tvp
 * never calls setlocale, but a library might). */
static bool in_class(const char *name, unsigned c)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9', alpha = upper || lower;
	bool print = c >= 0x20 && c < 0x7f, space = c == ' ' || (c >= '\t' && c <= '\r');
	if (!strcmp(name, "alpha")) return alpha;
	if (!strcmp(name, "upper")) return upper;
	if (!strcmp(name, "lower")) return lower;
	if (!strcmp(name, "digit")) return digit;
	if (!strcmp(name, "xdigit")) return digit || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
	if (!strcmp(name, "space")) return space;
	if (!strcmp(name, "punct")) return print && c != ' ' && !alpha && !digit;
	if (!strcmp(name, "alnum")) return alpha || digit;
	if (!strcmp(name, "print")) return print;
	if (!strcmp(name, "graph")) return print && c != ' ';
	if (!strcmp(name, "cntrl")) return c < 0x20 || c == 0x7f;
	if (!strcmp(name, "blank")) return c == ' ' || c == '\t';
	return false;
}

static bool class_exists(const char *name)
{
	static const char *const names[] = {"alpha", "upper", "lower", "digit", "xdigit", "space",
					    "punct", "alnum", "print", "graph", "cntrl", "blank"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static void set_class(struct ere_set *s, const char *name)
{
	for (unsigned c = 0; c < ERE_BYTES; c++)
		if (in_class(name, c))
			set_add(s, c);
}

/* ---- The lexer: dfa.c's lex() for RE_SYNTAX_EGREP in the C locale. */

enum ere_token {
	T_END, T_SET, T_BOL, T_EOL, T_WORD_BEGIN, T_WORD_END, T_WORD_EDGE, T_NOT_WORD_EDGE,
	T_BACKREF, T_QMARK, T_STAR, T_PLUS, T_REPMN, T_OR, T_LPAREN, T_RPAREN,
};

struct parser {
	struct ere *ere;
	const char *text;
	size_t pos, len;
	int parens, groups;
	bool unknown_bracket; /* a [=x=] or [.x.]: grep hands the regex to GNU regex */
	/* the current token */
	enum ere_token tok;
	size_t start;   /* where it starts in text */
	bool brace;     /* a literal '{' that starts no interval */
	int min, max, number;
	struct ere_set set;
	/* an error */
	bool failed;
	char *message;
	size_t message_size;
};

static void fail(struct parser *p, const char *message)
{
	if (!p->failed)
		snprintf(p->message, p->message_size, "%s", message);
	p->failed = true;
}

static int next_byte(struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->text[p->pos++] : -1;
}

/* A byte inside a bracket: "unbalanced [" when there is none. */
static int bracket_byte(struct parser *p)
{
	int c = next_byte(p);
	if (c < 0)
		fail(p, "unbalanced [");
	return c;
}

/* One element of a bracket at p->pos: a byte, [:class:], [=x=] or [.x.].
 * *kind gets 0 for a byte (in *c), ':' for a class (added to set), '='
 * or '.' for [=x=] and [.x.] (x in *c; such a name must be one byte, as
 * GNU regex checks). Returns false at an error. */
static bool bracket_element(struct parser *p, int first, int *kind, int *c, struct ere_set *set)
{
	*kind = 0;
	*c = first;
	if (first != '[' || p->pos >= p->len)
		return true;
	int open = (unsigned char)p->text[p->pos];
	if (open != ':' && open != '.' && open != '=')
		return true;
	p->pos++;
	char name[ERE_CLASS_NAME_MAX + 1];
	size_t len = 0;
	bool too_long = false;
	for (;;) {
		int b = bracket_byte(p);
		if (b < 0)
			return false;
		if (p->pos >= p->len || (b == open && p->text[p->pos] == ']'))
			break;
		if (len < ERE_CLASS_NAME_MAX)
			name[len++] = (char)b;
		else
			too_long = true;
	}
	name[len] = '\0';
	if (bracket_byte(p) < 0) /* the ']' */
		return false;
	*kind = open;
	if (open == ':') {
		if (too_long || !class_exists(name)) {
			fail(p, "invalid character class");
			return false;
		}
		set_class(set, name);
	} else {
		p->unknown_bracket = true;
		*c = (unsigned char)name[0]; /* GNU regex took it only if one byte */
	}
	return true;
}

/* The bracket after '[' (dfa.c's parse_bracket_exp, C locale): its set. */
static void lex_bracket(struct parser *p)
{
	struct ere_set *set = &p->set;
	memset(set, 0, sizeof *set);
	int c = bracket_byte(p);
	if (c < 0)
		return;
	bool invert = c == '^';
	if (invert && (c = bracket_byte(p)) < 0)
		return;
	/* dfa.c refuses [:space:]: bit 0 the first byte is a colon, bit 1 the
	 * last, bit 2 another byte, bit 3 a range or a class. */
	int colons = c == ':';
	for (bool first = true;; first = false) {
		if (!first && c == ']')
			break;
		colons &= ~2;
		int kind, low;
		if (!bracket_element(p, c, &kind, &low, set))
			return;
		if (kind)
			colons |= 8;
		/* a range: low - high, unless the - is last */
		if (kind != ':' && kind != '=' && p->pos + 1 < p->len && p->text[p->pos] == '-' &&
		    p->text[p->pos + 1] != ']') {
			p->pos++;
			int high_kind, high;
			if ((c = bracket_byte(p)) < 0 || !bracket_element(p, c, &high_kind, &high, set))
				return;
			colons |= 8;
			for (int b = low; b <= high; b++)
				set_add(set, (unsigned)b);
		} else if (kind != ':') {
			if (kind == 0)
				colons |= low == ':' ? 2 : 4;
			set_add(set, (unsigned)low);
		}
		if ((c = bracket_byte(p)) < 0)
			return;
	}
	if (colons == 7)
		fail(p, "character class syntax is [[:space:]], not [:space:]");
	if (invert)
		set_invert(set);
}

/* An interval after '{' at p->pos: true and p->min, p->max (and pos past
 * the '}') when it is one; false when the '{' is a literal. */
static bool lex_interval(struct parser *p)
{
	size_t at = p->pos;
	int min = -1, max = -1;
	for (; at < p->len && p->text[at] >= '0' && p->text[at] <= '9'; at++)
		min = min < 0 ? p->text[at] - '0' : (min * 10 + p->text[at] - '0' > RE_DUP_MAX
						      ? RE_DUP_MAX + 1 : min * 10 + p->text[at] - '0');
	if (at < p->len) {
		if (p->text[at] != ',') {
			max = min;
		} else {
			if (min < 0)
				min = 0;
			while (++at < p->len && p->text[at] >= '0' && p->text[at] <= '9')
				max = max < 0 ? p->text[at] - '0'
				    : (max * 10 + p->text[at] - '0' > RE_DUP_MAX
				       ? RE_DUP_MAX + 1 : max * 10 + p->text[at] - '0');
		}
	}
	if (!(at < p->len && p->text[at] == '}' && min >= 0 && (max < 0 || min <= max)))
		return false;
	if (max > RE_DUP_MAX || min > RE_DUP_MAX)
		fail(p, "regular expression too big");
	p->min = min;
	p->max = max;
	p->pos = at + 1;
	return true;
}

/* A literal byte as the current token. */
static void lex_literal(struct parser *p, int c)
{
	memset(&p->set, 0, sizeof p->set);
	set_add(&p->set, (unsigned)c);
	p->tok = T_SET;
}

/* The next token into p. */
static void lex(struct parser *p)
{
	p->start = p->pos;
	p->brace = false;
	int c = next_byte(p);
	if (c < 0) {
		p->tok = T_END;
		return;
	}
	bool backslash = c == '\\';
	if (backslash && (c = next_byte(p)) < 0) {
		fail(p, "unfinished \\ escape");
		p->tok = T_END;
		return;
	}
	switch (c) {
	case '^': if (backslash) break; p->tok = T_BOL; return;
	case '$': if (backslash) break; p->tok = T_EOL; return;
	case '`': if (!backslash) break; p->tok = T_BOL; return;
	case '\'': if (!backslash) break; p->tok = T_EOL; return;
	case '<': if (!backslash) break; p->tok = T_WORD_BEGIN; return;
	case '>': if (!backslash) break; p->tok = T_WORD_END; return;
	case 'b': if (!backslash) break; p->tok = T_WORD_EDGE; return;
	case 'B': if (!backslash) break; p->tok = T_NOT_WORD_EDGE; return;
	case '?': if (backslash) break; p->tok = T_QMARK; return;
	case '*': if (backslash) break; p->tok = T_STAR; return;
	case '+': if (backslash) break; p->tok = T_PLUS; return;
	case '|': if (backslash) break; p->tok = T_OR; return;
	case '(': if (backslash) break; p->parens++; p->tok = T_LPAREN; return;
	case ')':
		if (backslash || p->parens == 0)
			break;
		p->parens--;
		p->tok = T_RPAREN;
		return;
	case '{':
		if (backslash)
			break;
		if (lex_interval(p)) {
			p->tok = T_REPMN;
			return;
		}
		lex_literal(p, c);
		p->brace = true;
		return;
	case '.':
		if (backslash)
			break;
		memset(&p->set, 0xff, sizeof p->set);
		p->tok = T_SET;
		return;
	case 's': case 'S': case 'w': case 'W':
		if (!backslash)
			break;
		memset(&p->set, 0, sizeof p->set);
		for (unsigned b = 0; b < ERE_BYTES; b++)
			if ((c | 0x20) == 's' ? in_class("space", b) : in_class("alnum", b) || b == '_')
				set_add(&p->set, b);
		if (c == 'S' || c == 'W')
			set_invert(&p->set);
		p->tok = T_SET;
		return;
	case '[': {
		if (backslash)
			break;
		bool unknown = p->unknown_bracket;
		p->unknown_bracket = false;
		lex_bracket(p);
		p->tok = T_SET;
		if (p->unknown_bracket && !p->ere->gnu) { /* dfa.c: GNU regex decides */
			p->tok = T_BACKREF;
			p->number = 0;
		}
		p->unknown_bracket |= unknown;
		return;
	}
	default:
		if (backslash && c >= '1' && c <= '9') {
			p->number = c - '0';
			p->tok = T_BACKREF;
			return;
		}
		break;
	}
	lex_literal(p, c);
}

/* ---- The parser: dfa.c's grammar; where GNU regex reads differently
 * (p->ere->gnu), regcomp.c's parse_expression. */

static int node(struct parser *p, enum ere_kind kind, int left, int right)
{
	struct ere *e = p->ere;
	if (e->count == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->nodes = tvp_xrealloc(e->nodes, e->cap * sizeof *e->nodes);
	}
	e->nodes[e->count] = (struct ere_node){.kind = kind, .left = left, .right = right};
	return (int)e->count++;
}

static bool is_repeat(enum ere_token t)
{
	return t == T_QMARK || t == T_STAR || t == T_PLUS || t == T_REPMN;
}

static bool is_anchor(enum ere_kind k)
{
	return k >= ERE_BOL && k <= ERE_NOT_WORD_EDGE;
}

static int regexp(struct parser *p);

/* An atom; leading: nothing before it in its branch but anchors (where
 * GNU regex skips repetition operators and a '{' that starts none). */
static int atom(struct parser *p, bool leading)
{
	if (p->ere->gnu && leading) { /* GNU regex skips an operator with nothing to repeat */
		bool skipped = false;
		while (!p->failed && (is_repeat(p->tok) || p->brace)) {
			p->pos = p->start + 1;
			lex(p);
			skipped = true;
		}
		if (skipped && p->tok == T_RPAREN) { /* and takes a ')' after it as itself */
			p->parens++;
			lex_literal(p, ')');
		}
	}
	int n;
	switch (p->tok) {
	case T_SET:
		n = node(p, ERE_SET, -1, -1);
		p->ere->nodes[n].set = p->set;
		break;
	case T_BOL: n = node(p, ERE_BOL, -1, -1); break;
	case T_EOL: n = node(p, ERE_EOL, -1, -1); break;
	case T_WORD_BEGIN: n = node(p, ERE_WORD_BEGIN, -1, -1); break;
	case T_WORD_END: n = node(p, ERE_WORD_END, -1, -1); break;
	case T_WORD_EDGE: n = node(p, ERE_WORD_EDGE, -1, -1); break;
	case T_NOT_WORD_EDGE: n = node(p, ERE_NOT_WORD_EDGE, -1, -1); break;
	case T_BACKREF:
		n = node(p, ERE_BACKREF, -1, -1);
		p->ere->nodes[n].number = p->number;
		break;
	case T_LPAREN: {
		int number = ++p->groups;
		lex(p);
		int inner = regexp(p);
		if (p->tok != T_RPAREN)
			fail(p, "unbalanced (");
		n = node(p, ERE_GROUP, inner, -1);
		p->ere->nodes[n].number = number;
		break;
	}
	default:
		return node(p, ERE_EMPTY, -1, -1); /* nothing consumed */
	}
	lex(p);
	return n;
}

static int closure(struct parser *p, bool leading)
{
	int n = atom(p, leading);
	if (p->ere->gnu && is_anchor(p->ere->nodes[n].kind))
		return n; /* GNU regex: an anchor takes no repetition */
	while (!p->failed && is_repeat(p->tok)) {
		int min = p->tok == T_PLUS ? 1 : p->tok == T_REPMN ? p->min : 0;
		int max = p->tok == T_QMARK ? 1 : p->tok == T_REPMN ? p->max : -1;
		n = node(p, ERE_REPEAT, n, -1);
		p->ere->nodes[n].min = min;
		p->ere->nodes[n].max = max;
		lex(p);
	}
	return n;
}

static int branch(struct parser *p)
{
	int n = closure(p, true);
	while (!p->failed && p->tok != T_RPAREN && p->tok != T_OR && p->tok != T_END) {
		const struct ere_node *last = &p->ere->nodes[n];
		if (last->kind == ERE_CAT)
			last = &p->ere->nodes[last->right];
		bool after_anchor = is_anchor(last->kind) || last->kind == ERE_EMPTY;
		n = node(p, ERE_CAT, n, closure(p, after_anchor));
	}
	return n;
}

static int regexp(struct parser *p)
{
	int n = branch(p);
	while (!p->failed && p->tok == T_OR) {
		lex(p);
		n = node(p, ERE_ALT, n, branch(p));
	}
	return n;
}

/* ---- Simplifying dfa.c's reading (no back-references there, so groups
 * may go): the same language, in a form neither GNU regex nor PCRE2
 * takes exponential time over (`(\b+)*` nests empty loops). */

/* Does node n match only the empty string (a test of the position)? */
static bool zero_width(const struct ere *e, int n)
{
	const struct ere_node *x = &e->nodes[n];
	switch (x->kind) {
	case ERE_EMPTY:
		return true;
	case ERE_GROUP:
	case ERE_REPEAT:
		return zero_width(e, x->left);
	case ERE_CAT:
	case ERE_ALT:
		return zero_width(e, x->left) && zero_width(e, x->right);
	default:
		return is_anchor(x->kind);
	}
}

/* Node n in a simpler form with the same meaning: a test of the position
 * repeated is the test (at least once) or nothing (maybe never); a
 * repetition of a repetition is one when their counts join up (inner
 * {a,b} and outer {c,d} with a <= 1 or c == d: {a*c, b*d}); {1} goes. */
static int simplify(struct ere *e, int n)
{
	struct ere_node *x = &e->nodes[n];
	if (x->left >= 0)
		x->left = simplify(e, x->left);
	if (x->right >= 0)
		x->right = simplify(e, x->right);
	x = &e->nodes[n];
	if (x->kind == ERE_GROUP)
		return x->left;
	if (x->kind == ERE_CAT && e->nodes[x->left].kind == ERE_EMPTY)
		return x->right;
	if (x->kind == ERE_CAT && e->nodes[x->right].kind == ERE_EMPTY)
		return x->left;
	if (x->kind != ERE_REPEAT)
		return n;
	if (x->max == 0)
		return x->left = -1, x->kind = ERE_EMPTY, n;
	if (zero_width(e, x->left)) {
		if (x->min > 0)
			return x->left;
		x->kind = ERE_EMPTY;
		x->left = -1;
		return n;
	}
	if ((x->min == 1 && x->max == 1) || e->nodes[x->left].kind == ERE_BACKREF)
		return x->left; /* (a back-reference in dfa.c's reading is any text) */
	const struct ere_node *inner = &e->nodes[x->left];
	if (inner->kind == ERE_REPEAT && (inner->min <= 1 || x->min == x->max)) {
		long min = (long)inner->min * x->min;
		long max = inner->max < 0 || x->max < 0 ? -1 : (long)inner->max * x->max;
		if (min <= RE_DUP_MAX && max <= RE_DUP_MAX) {
			x->min = (int)min;
			x->max = (int)max;
			x->left = inner->left;
			return simplify(e, n);
		}
	}
	return n;
}

/* Parse with the reading gnu; 0, or -1 with the message. */
static int parse_as(struct ere *e, bool gnu, char *message, size_t size)
{
	e->count = 0;
	e->gnu = gnu;
	struct parser p = {.ere = e, .text = e->text, .len = strlen(e->text),
			   .message = message, .message_size = size};
	lex(&p);
	e->root = regexp(&p);
	if (!p.failed && p.tok != T_END)
		fail(&p, "unbalanced )");
	if (p.failed)
		return -1;
	if (!gnu)
		e->root = simplify(e, e->root);
	return 0;
}

/* Does node n hold a back-reference (in dfa.c's reading: also an
 * unknown bracket) that a {0} did not take away? */
static bool has_backref(const struct ere *e, int n)
{
	const struct ere_node *x = &e->nodes[n];
	return x->kind == ERE_BACKREF || (x->left >= 0 && has_backref(e, x->left)) ||
	       (x->right >= 0 && has_backref(e, x->right));
}

int ere_parse(const char *text, struct ere **out, char *message, size_t size)
{
	*out = NULL;
	if (strchr(text, '\n')) {
		snprintf(message, size, "a newline in the regex (tvp takes one regex, not a list)");
		return -1;
	}
	/* grep first compiles every regex with GNU regex, its errors first. */
	struct re_pattern_buffer check = {0};
	re_set_syntax(ERE_GNU_SYNTAX | RE_NO_SUB);
	const char *error = re_compile_pattern(text, strlen(text), &check);
	regfree(&check);
	if (error) {
		snprintf(message, size, "%s", error);
		return -1;
	}
	/* grep parses every regex with dfa.c too (its errors next) ... */
	struct ere *dfa = tvp_xcalloc(1, sizeof *dfa);
	dfa->text = text;
	if (parse_as(dfa, false, message, size) < 0) {
		ere_free(dfa);
		return -1;
	}
	if (!has_backref(dfa, dfa->root)) {
		*out = dfa;
		return 0;
	}
	/* ... and matches with GNU regex where its DFA holds a back-reference
	 * or an unknown bracket ({0} takes them away: `(a)\1{0}b` is the DFA's
	 * alone), a line that passes the DFA's reading. */
	struct ere *e = tvp_xcalloc(1, sizeof *e);
	e->text = text;
	e->filter = dfa;
	if (parse_as(e, true, message, size) < 0) {
		ere_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

void ere_free(struct ere *ere)
{
	if (!ere)
		return;
	ere_free(ere->filter);
	free(ere->nodes);
	free(ere);
}

bool ere_gnu_reading(const struct ere *ere)
{
	return ere->gnu;
}

/* ---- The literal every match holds (as grep's kwset and dfa.c's dfamust find it). */

#define ERE_LITERAL_MAX 256 /* longer known strings are cut (what stays is still in every match) */

/* A string of known bytes. */
struct lit {
	size_t n;
	char s[ERE_LITERAL_MAX];
};

/* What every string a node matches has: exact (it is always one string,
 * e), a prefix l, a suffix r and a substring in. When exact, l = r = in = e. */
struct must {
	bool exact;
	struct lit e, l, r, in;
};

static void lit_cat(struct lit *out, const struct lit *a, const struct lit *b, bool keep_end)
{
	size_t n = a->n + b->n;
	char joined[2 * ERE_LITERAL_MAX];
	memcpy(joined, a->s, a->n);
	memcpy(joined + a->n, b->s, b->n);
	size_t from = n > ERE_LITERAL_MAX && keep_end ? n - ERE_LITERAL_MAX : 0;
	out->n = n - from > ERE_LITERAL_MAX ? ERE_LITERAL_MAX : n - from;
	memcpy(out->s, joined + from, out->n);
}

static const struct lit *lit_longer(const struct lit *a, const struct lit *b)
{
	return b->n > a->n ? b : a;
}

static void must_exact(struct must *m, const struct lit *e)
{
	m->exact = true;
	m->e = m->l = m->r = m->in = *e;
}

/* What every match of node n holds. Recursive, as emit is. */
static void must_of(const struct ere *e, int n, struct must *m)
{
	const struct ere_node *x = &e->nodes[n];
	memset(m, 0, sizeof *m);
	switch (x->kind) {
	case ERE_SET:
		if (set_count(&x->set) == 1) {
			struct lit one = {.n = 1};
			for (unsigned c = 0; c < ERE_BYTES; c++)
				if (set_has(&x->set, c))
					one.s[0] = (char)c;
			must_exact(m, &one);
		}
		return;
	case ERE_BACKREF: /* any text, as far as this reading knows */
		return;
	case ERE_GROUP:
		must_of(e, x->left, m);
		return;
	case ERE_REPEAT:
		if (x->min >= 1)
			must_of(e, x->left, m);
		if (x->min >= 1 && !(x->min == 1 && x->max == 1))
			m->exact = false; /* l, r and in stay true of every match */
		else if (x->max == 0)
			must_exact(m, &(struct lit){0});
		return;
	case ERE_CAT: { /* on the heap: a long regex nests as deep as it is long */
		struct must *w = tvp_xcalloc(3, sizeof *w); /* a, b, and w[2].e scratch */
		must_of(e, x->left, &w[0]);
		must_of(e, x->right, &w[1]);
		const struct must *a = &w[0], *b = &w[1];
		struct lit *joint = &w[2].e;
		if (a->exact && b->exact && a->e.n + b->e.n <= ERE_LITERAL_MAX) {
			lit_cat(joint, &a->e, &b->e, false);
			must_exact(m, joint);
		} else {
			static const struct lit none;
			lit_cat(&m->l, a->exact ? &a->e : &a->l, a->exact ? &b->l : &none, false);
			lit_cat(&m->r, b->exact ? &a->r : &none, b->exact ? &b->e : &b->r, true);
			lit_cat(joint, &a->r, &b->l, false);
			m->in = *lit_longer(lit_longer(&a->in, &b->in), lit_longer(joint, lit_longer(&m->l, &m->r)));
		}
		free(w);
		return;
	}
	case ERE_ALT: {
		struct must *ab = tvp_xcalloc(2, sizeof *ab);
		must_of(e, x->left, &ab[0]);
		must_of(e, x->right, &ab[1]);
		const struct must *a = &ab[0], *b = &ab[1];
		if (a->exact && b->exact && a->e.n == b->e.n && !memcmp(a->e.s, b->e.s, a->e.n)) {
			must_exact(m, &a->e);
		} else {
			while (m->l.n < a->l.n && m->l.n < b->l.n && a->l.s[m->l.n] == b->l.s[m->l.n])
				m->l.s[m->l.n] = a->l.s[m->l.n], m->l.n++;
			size_t k = 0;
			while (k < a->r.n && k < b->r.n && a->r.s[a->r.n - 1 - k] == b->r.s[b->r.n - 1 - k])
				k++;
			m->r.n = k;
			memcpy(m->r.s, a->r.s + a->r.n - k, k);
			m->in = *lit_longer(&m->l, &m->r);
		}
		free(ab);
		return;
	}
	default: /* the empty string, or a test of the position */
		must_exact(m, &(struct lit){0});
		return;
	}
}

size_t ere_literal(const struct ere *ere, char *out, size_t size)
{
	const struct ere *e = ere->gnu ? ere->filter : ere; /* a line must pass grep's DFA reading */
	if (!e || size == 0)
		return 0;
	struct must *m = tvp_xcalloc(1, sizeof *m);
	must_of(e, e->root, m);
	size_t n = m->in.n < size ? m->in.n : size;
	if (memchr(m->in.s, '\n', m->in.n))
		n = 0; /* no line holds it: leave the question to the engine */
	memcpy(out, m->in.s, n);
	free(m);
	return n;
}

/* ---- The string every match starts its line with (ere_line_prefix). */

struct line_prefix {
	bool anchored; /* the ^ has been read */
	size_t n, size;
	char *out;
};

/* Read node n's concatenation left to right into *p; false where the
 * prefix ends (anything but the ^ and then one-byte sets). */
static bool line_prefix_of(const struct ere *e, int n, struct line_prefix *p)
{
	const struct ere_node *x = &e->nodes[n];
	switch (x->kind) {
	case ERE_CAT:
		return line_prefix_of(e, x->left, p) && line_prefix_of(e, x->right, p);
	case ERE_GROUP:
		return line_prefix_of(e, x->left, p);
	case ERE_EMPTY:
		return true;
	case ERE_BOL: /* a second ^ right after the first holds where it does */
		return p->n == 0 ? (p->anchored = true) : false;
	case ERE_SET:
		if (!p->anchored || p->n == p->size || set_count(&x->set) != 1)
			return false;
		for (unsigned c = 0; c < ERE_BYTES; c++)
			if (set_has(&x->set, c))
				p->out[p->n] = (char)c;
		if (p->out[p->n] == '\n') /* no line holds it: what came before still starts them */
			return false;
		p->n++;
		return true;
	default:
		return false;
	}
}

size_t ere_line_prefix(const struct ere *ere, char *out, size_t size)
{
	const struct ere *e = ere->gnu ? ere->filter : ere; /* a line must pass grep's DFA reading */
	if (!e)
		return 0;
	struct line_prefix p = {.size = size, .out = out};
	line_prefix_of(e, e->root, &p);
	return p.anchored ? p.n : 0;
}

/* ---- The strings one of which every match holds (ere_literal_set). */

#define ERE_SET_BYTES_MAX 4 /* a bracket of at most this many bytes is their alternation */

_Static_assert(ERE_STRING_MAX == ERE_LITERAL_MAX, "ere.h's strings are ere.c's literals");

/* A set of strings; {""} (the empty string alone) tells nothing. */
struct strs {
	size_t count;
	struct lit m[ERE_STRINGS_MAX];
};

/* What every match of a node holds, as sets (the rules of dfa.c's
 * dfamust, with a set where it keeps one string): exact, it matches the
 * strings e and no other (then l = r = in = e); else it starts with a
 * string of l, ends with one of r, and holds one of in. */
struct holds {
	bool exact;
	struct strs e, l, r, in;
};

static const struct strs strs_nothing = {.count = 1};

/* Add l to s unless it is there; false when s is full. */
static bool strs_add(struct strs *s, const struct lit *l)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->m[i].n == l->n && !memcmp(s->m[i].s, l->s, l->n))
			return true;
	if (s->count == ERE_STRINGS_MAX)
		return false;
	s->m[s->count++] = *l;
	return true;
}

/* out = a's strings and b's; false (out unset) when they are too many. */
static bool strs_union(const struct strs *a, const struct strs *b, struct strs *out)
{
	struct strs *both = tvp_xmalloc(sizeof *both);
	*both = *a;
	bool fits = true;
	for (size_t i = 0; fits && i < b->count; i++)
		fits = strs_add(both, &b->m[i]);
	if (fits)
		*out = *both;
	free(both);
	return fits;
}

/* out = every string of a followed by every one of b; false (out unset)
 * when that takes too many strings or too long ones. */
static bool strs_product(const struct strs *a, const struct strs *b, struct strs *out)
{
	struct strs *joined = tvp_xcalloc(1, sizeof *joined);
	bool fits = a->count * b->count <= ERE_STRINGS_MAX;
	for (size_t i = 0; fits && i < a->count; i++) {
		for (size_t j = 0; fits && j < b->count; j++) {
			struct lit l;
			fits = a->m[i].n + b->m[j].n <= ERE_LITERAL_MAX;
			if (fits) {
				lit_cat(&l, &a->m[i], &b->m[j], false);
				fits = strs_add(joined, &l);
			}
		}
	}
	if (fits)
		*out = *joined;
	free(joined);
	return fits;
}

/* How much holding one of s tells: its shortest string's length. */
static size_t strs_score(const struct strs *s)
{
	size_t shortest = SIZE_MAX;
	for (size_t i = 0; i < s->count; i++)
		shortest = s->m[i].n < shortest ? s->m[i].n : shortest;
	return s->count ? shortest : 0;
}

/* The one of a and b that tells more (the first on a tie of score and count). */
static const struct strs *strs_better(const struct strs *a, const struct strs *b)
{
	size_t sa = strs_score(a), sb = strs_score(b);
	return sb > sa || (sb == sa && b->count < a->count) ? b : a;
}

/* A set that holds the empty string tells nothing: make it {""}. */
static void strs_tidy(struct strs *s)
{
	if (strs_score(s) == 0)
		*s = strs_nothing;
}

static void holds_exact(struct holds *h, const struct strs *e)
{
	h->exact = true;
	h->e = h->l = h->r = h->in = *e;
}

/* What every match of node n holds. Recursive, as must_of is. */
static void holds_of(const struct ere *e, int n, struct holds *h)
{
	const struct ere_node *x = &e->nodes[n];
	memset(h, 0, sizeof *h);
	h->l = h->r = h->in = strs_nothing;
	switch (x->kind) {
	case ERE_EMPTY:
		holds_exact(h, &strs_nothing);
		return;
	case ERE_SET: {
		if (set_count(&x->set) > ERE_SET_BYTES_MAX)
			return;
		struct strs bytes = {0};
		for (unsigned c = 0; c < ERE_BYTES; c++)
			if (set_has(&x->set, c))
				strs_add(&bytes, &(struct lit){.n = 1, .s = {(char)c}});
		holds_exact(h, &bytes);
		return;
	}
	case ERE_GROUP:
		holds_of(e, x->left, h);
		return;
	case ERE_REPEAT: {
		if (x->max == 0) {
			holds_exact(h, &strs_nothing);
			return;
		}
		if (x->min == 0) /* maybe none of it */
			return;
		holds_of(e, x->left, h);
		if ((x->min == 1 && x->max == 1) || !h->exact)
			return;
		struct strs *power = tvp_xcalloc(2, sizeof *power); /* a{3}: "aaa" */
		power[0] = h->e;
		bool fits = x->min == x->max;
		for (int k = 1; fits && k < x->min; k++) {
			fits = strs_product(&power[0], &h->e, &power[1]);
			power[0] = power[1];
		}
		if (fits) {
			holds_exact(h, &power[0]);
		} else { /* each match holds a copy of the node, first and last */
			h->exact = false;
			strs_tidy(&h->l);
			strs_tidy(&h->r);
			strs_tidy(&h->in);
		}
		free(power);
		return;
	}
	case ERE_CAT: { /* on the heap: a long regex nests as deep as it is long */
		struct holds *ab = tvp_xcalloc(2, sizeof *ab);
		struct strs *joint = tvp_xcalloc(1, sizeof *joint);
		holds_of(e, x->left, &ab[0]);
		holds_of(e, x->right, &ab[1]);
		const struct holds *a = &ab[0], *b = &ab[1];
		if (a->exact && b->exact && strs_product(&a->e, &b->e, joint)) {
			holds_exact(h, joint);
		} else {
			h->l = a->l;
			if (a->exact)
				strs_product(&a->e, &b->l, &h->l);
			h->r = b->r;
			if (b->exact)
				strs_product(&a->r, &b->e, &h->r);
			if (!strs_product(&a->r, &b->l, joint))
				*joint = strs_nothing;
			strs_tidy(&h->l);
			strs_tidy(&h->r);
			strs_tidy(joint);
			h->in = *strs_better(strs_better(&a->in, &b->in), strs_better(joint, strs_better(&h->l, &h->r)));
		}
		free(joint);
		free(ab);
		return;
	}
	case ERE_ALT: {
		struct holds *ab = tvp_xcalloc(2, sizeof *ab);
		struct strs *either = tvp_xcalloc(1, sizeof *either);
		holds_of(e, x->left, &ab[0]);
		holds_of(e, x->right, &ab[1]);
		const struct holds *a = &ab[0], *b = &ab[1];
		if (a->exact && b->exact && strs_union(&a->e, &b->e, either)) {
			holds_exact(h, either);
		} else {
			if (!strs_union(&a->l, &b->l, &h->l))
				h->l = strs_nothing;
			if (!strs_union(&a->r, &b->r, &h->r))
				h->r = strs_nothing;
			if (!strs_union(&a->in, &b->in, either))
				*either = strs_nothing;
			strs_tidy(&h->l);
			strs_tidy(&h->r);
			strs_tidy(either);
			h->in = *strs_better(either, strs_better(&h->l, &h->r));
		}
		free(either);
		free(ab);
		return;
	}
	default: /* a test of the position, or a back-reference (any text in this reading) */
		return;
	}
}

void ere_literal_set(const struct ere *ere, struct ere_strings *out)
{
	const struct ere *e = ere->gnu ? ere->filter : ere; /* a line must pass grep's DFA reading */
	memset(out, 0, sizeof *out);
	struct holds *h = tvp_xcalloc(1, sizeof *h);
	holds_of(e, e->root, h);
	const struct strs *in = &h->in;
	bool usable = strs_score(in) > 0;
	for (size_t i = 0; i < in->count; i++)
		usable = usable && !memchr(in->m[i].s, '\n', in->m[i].n);
	if (usable) {
		out->count = in->count;
		out->exact = h->exact && !ere->gnu;
		for (size_t i = 0; i < in->count; i++) {
			out->len[i] = in->m[i].n;
			memcpy(out->text[i], in->m[i].s, in->m[i].n);
		}
	}
	free(h);
}

/* ---- Emitting. */

static void put(struct tvp_buf *out, const char *text)
{
	tvp_buf_append(out, text, strlen(text));
}

static void putf(struct tvp_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct tvp_buf *out, const char *fmt, ...)
{
	char text[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	put(out, text);
}

static bool alnum(unsigned c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* One byte for PCRE2, in a class or out of one. */
static void pcre2_byte(struct tvp_buf *out, unsigned c)
{
	if (alnum(c))
		tvp_buf_append(out, &(char){(char)c}, 1);
	else
		putf(out, "\\x%02x", c);
}

/* Take the newline out of *set (no line holds one) and spell the sets
 * that need no bracket: none (as nothing), every byte (a dot), one byte
 * (by byte). True when done; *n gets the set's size. */
static bool set_plain(struct tvp_buf *out, struct ere_set *set, size_t *n, const char *nothing,
		      void (*byte)(struct tvp_buf *out, unsigned c))
{
	set->bits['\n' / 64] &= ~(UINT64_C(1) << ('\n' % 64));
	*n = set_count(set);
	if (*n == 0 || *n == ERE_BYTES - 1) {
		put(out, *n ? "." : nothing);
		return true;
	}
	if (*n > 1)
		return false;
	for (unsigned c = 0; c < ERE_BYTES; c++)
		if (set_has(set, c))
			byte(out, c);
	return true;
}

/* A set for PCRE2 (ranges of \xHH). */
static void pcre2_set(struct tvp_buf *out, struct ere_set without)
{
	size_t n;
	if (set_plain(out, &without, &n, "[^\\x00-\\xff]", pcre2_byte))
		return;
	bool negate = n > ERE_BYTES / 2;
	if (negate) { /* the complement, with the newline in it */
		set_invert(&without);
		set_add(&without, '\n');
	}
	put(out, negate ? "[^" : "[");
	for (unsigned c = 0; c < ERE_BYTES;) {
		if (!set_has(&without, c)) {
			c++;
			continue;
		}
		unsigned end = c;
		while (end + 1 < ERE_BYTES && set_has(&without, end + 1))
			end++;
		pcre2_byte(out, c);
		if (end > c) {
			if (end > c + 1)
				put(out, "-");
			pcre2_byte(out, end);
		}
		c = end + 1;
	}
	put(out, "]");
}

/* One byte for GNU regex outside a bracket. */
static void gnu_byte(struct tvp_buf *out, unsigned c)
{
	if (strchr(".[]()*+?{}|^$\\", (int)c) && c)
		put(out, "\\");
	tvp_buf_append(out, &(char){(char)c}, 1);
}

/* A set without the newline as a GNU regex bracket that means exactly it:
 * ']' first, '[' '^' '-' last (never a [: [. [= or a leading ^), each
 * byte on its own (no range: their order is the collation's). */
static void gnu_set(struct tvp_buf *out, struct ere_set set)
{
	size_t n; /* no byte: nothing follows a line's end; a dot takes every byte */
	if (set_plain(out, &set, &n, "($.)", gnu_byte))
		return;
	bool negate = n > ERE_BYTES / 2;
	if (negate) { /* the complement; a line holds no newline to match */
		set_invert(&set);
		set.bits['\n' / 64] &= ~(UINT64_C(1) << ('\n' % 64));
	}
	put(out, negate ? "[^" : "[");
	if (set_has(&set, ']'))
		put(out, "]");
	bool any = set_has(&set, ']');
	for (unsigned c = 0; c < ERE_BYTES; c++)
		if (set_has(&set, c) && !strchr("][^-", (int)c)) {
			tvp_buf_append(out, &(char){(char)c}, 1);
			any = true;
		}
	if (set_has(&set, '['))
		put(out, "["), any = true;
	if (set_has(&set, '^') && any)
		put(out, "^");
	if (set_has(&set, '-'))
		put(out, "-");
	if (set_has(&set, '^') && !any)
		put(out, "^"); /* after the '-': [-^] */
	put(out, "]");
}

/* How one engine spells what the parse holds. */
struct dialect {
	void (*set)(struct tvp_buf *out, struct ere_set set);
	const char *bol, *eol, *word_begin, *word_end, *word_edge, *not_word_edge;
	const char *backref;  /* a printf format for the group number */
	const char *open;     /* a group that is no capturing group of the text */
	bool pcre2;           /* *, +, ?, {n} for PCRE2; {m,n} always for GNU */
};

static const struct dialect pcre2_dialect = {
	pcre2_set, "^", "$", "\\b(?=\\w)", "\\b(?<=\\w)", "\\b", "\\B", "\\g{%d}", "(?:", true,
};

static const struct dialect gnu_dialect = {
	gnu_set, "^", "$", "\\<", "\\>", "\\b", "\\B", "\\%d", "(", false,
};

/* Is node n one atom a quantifier may follow directly? */
static bool single(const struct ere *e, int n)
{
	enum ere_kind k = e->nodes[n].kind;
	return k == ERE_SET || k == ERE_GROUP || k == ERE_BACKREF;
}

/* The repetition {min,max} (max -1: no bound) in d's spelling. */
static void emit_count(const struct dialect *d, int min, int max, struct tvp_buf *out)
{
	if (d->pcre2 && max < 0 && min <= 1)
		put(out, min ? "+" : "*");
	else if (max < 0)
		putf(out, "{%d,}", min);
	else if (d->pcre2 && min == 0 && max == 1)
		put(out, "?");
	else if (d->pcre2 && min == max)
		putf(out, "{%d}", min);
	else
		putf(out, "{%d,%d}", min, max);
}

#define GREP_UNROLL_MAX 16 /* copies, at most, of a repeated part with an anchor */

/* Does node n hold an anchor? */
static bool has_anchor(const struct ere *e, int n)
{
	const struct ere_node *x = &e->nodes[n];
	return is_anchor(x->kind) || (x->left >= 0 && has_anchor(e, x->left)) ||
	       (x->right >= 0 && has_anchor(e, x->right));
}

static void emit(const struct ere *e, const struct dialect *d, int n, struct tvp_buf *out);

/* X{m,n} with an anchor in X, for GNU regex, whose matcher errs on such
 * repetitions (`(^.){3}`, `(\<_?){1,}`): m copies of (X), then n - m
 * nested optional ones, or (X)* when there is no bound. */
static void emit_unrolled(const struct ere *e, const struct dialect *d, const struct ere_node *x,
			  struct tvp_buf *out)
{
	for (int i = 0; i < x->min; i++) {
		put(out, "(");
		emit(e, d, x->left, out);
		put(out, ")");
	}
	if (x->max < 0) {
		put(out, "(");
		emit(e, d, x->left, out);
		put(out, ")*");
		return;
	}
	for (int i = x->min; i < x->max; i++) {
		put(out, "(");
		emit(e, d, x->left, out);
	}
	for (int i = x->min; i < x->max; i++)
		put(out, ")?");
}

/* Node n of e in d's spelling. Groups stay capturing only in GNU regex's
 * reading (the only one with back-references). */
static void emit(const struct ere *e, const struct dialect *d, int n, struct tvp_buf *out)
{
	const struct ere_node *x = &e->nodes[n];
	switch (x->kind) {
	case ERE_EMPTY: break;
	case ERE_SET: d->set(out, x->set); break;
	case ERE_BOL: put(out, d->bol); break;
	case ERE_EOL: put(out, d->eol); break;
	case ERE_WORD_BEGIN: put(out, d->word_begin); break;
	case ERE_WORD_END: put(out, d->word_end); break;
	case ERE_WORD_EDGE: put(out, d->word_edge); break;
	case ERE_NOT_WORD_EDGE: put(out, d->not_word_edge); break;
	case ERE_BACKREF: /* in dfa.c's reading, grep's superset DFA: any text */
		putf(out, e->gnu ? d->backref : ".*", x->number);
		break;
	case ERE_GROUP:
		put(out, e->gnu ? "(" : d->open);
		emit(e, d, x->left, out);
		put(out, ")");
		break;
	case ERE_CAT:
	case ERE_ALT: {
		bool alt = x->kind == ERE_ALT;
		put(out, alt ? d->open : "");
		emit(e, d, x->left, out);
		put(out, alt ? "|" : "");
		emit(e, d, x->right, out);
		put(out, alt ? ")" : "");
		break;
	}
	case ERE_REPEAT: {
		if (!d->pcre2 && !e->gnu && has_anchor(e, x->left) &&
		    (x->max < 0 ? x->min : x->max) <= GREP_UNROLL_MAX) {
			emit_unrolled(e, d, x, out);
			break;
		}
		bool wrap = !single(e, x->left);
		put(out, wrap ? d->open : "");
		emit(e, d, x->left, out);
		put(out, wrap ? ")" : "");
		emit_count(d, x->min, x->max, out);
		break;
	}
	}
}

char *ere_pcre2(const struct ere *ere)
{
	struct tvp_buf out = {0};
	if (ere->filter) { /* a line that passes dfa.c's reading and matches GNU's */
		put(&out, "^(?=.*?(?:");
		emit(ere->filter, &pcre2_dialect, ere->filter->root, &out);
		put(&out, ")).*?(?:");
	}
	emit(ere, &pcre2_dialect, ere->root, &out);
	if (ere->filter)
		put(&out, ")");
	tvp_buf_append(&out, "", 1);
	return (char *)out.data;
}

char *ere_pcre2_filter(const struct ere *ere)
{
	if (!ere->filter)
		return NULL;
	struct tvp_buf out = {0};
	emit(ere->filter, &pcre2_dialect, ere->filter->root, &out);
	tvp_buf_append(&out, "", 1);
	return (char *)out.data;
}

char *ere_gnu(const struct ere *ere, size_t *len)
{
	struct tvp_buf out = {0};
	if (ere->gnu)
		put(&out, ere->text);
	else
		emit(ere, &gnu_dialect, ere->root, &out);
	*len = out.len;
	tvp_buf_append(&out, "", 1);
	return (char *)out.data;
}
