/* json.c: the strict JSON reader and the string escaper; the contract is
 * in json.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "utf8.h"
#include "util.h"

struct parser {
	const char *start;	/* the text */
	const char *p;		/* the next byte to read */
	const char *end;	/* one past the last byte */
	char *why;		/* where a message goes */
	int failed;		/* a message is in why */
};

static int parse_value(struct parser *ps, struct json *v, int depth);

/* Say what is wrong at byte at, with its line and column; return -1. */
static int
fail_at(struct parser *ps, const char *at, const char *what)
{
	const char *q, *bol = ps->start;
	unsigned long line = 1;

	if (ps->failed)
		return -1;
	for (q = ps->start; q < at; q++)
		if (*q == '\n')
			line++, bol = q + 1;
	snprintf(ps->why, JSON_WHY_MAX, "line %lu, column %lu: %s", line,
	    (unsigned long)(at - bol) + 1, what);
	ps->failed = 1;
	return -1;
}

static void
skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the four hex digits of a \u escape at p; -1 when they are not. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;
	int i, d;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t
put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * Decode the escape after the backslash at *pp into out, advancing *pp
 * past it; return the bytes written (at most 4, never more than the
 * escape's own length), or -1.
 */
static int
unescape(struct parser *ps, const char **pp, char *out)
{
	const char *p = *pp + 1;
	long c, lo;

	if (p >= ps->end)
		return fail_at(ps, *pp, "unterminated string");
	switch (*p) {
	case '"': case '\\': case '/':
		*out = *p;
		break;
	case 'b': *out = '\b'; break;
	case 'f': *out = '\f'; break;
	case 'n': *out = '\n'; break;
	case 'r': *out = '\r'; break;
	case 't': *out = '\t'; break;
	case 'u':
		if ((c = hex4(p + 1, ps->end)) < 0)
			return fail_at(ps, *pp, "bad \\u escape");
		p += 4;
		if (c >= 0xdc00 && c <= 0xdfff)
			return fail_at(ps, *pp, "unpaired surrogate in a "
			    "\\u escape");
		if (c >= 0xd800 && c <= 0xdbff) {
			if (ps->end - p < 3 || p[1] != '\\' || p[2] != 'u' ||
			    (lo = hex4(p + 3, ps->end)) < 0xdc00 ||
			    lo > 0xdfff)
				return fail_at(ps, *pp, "unpaired surrogate "
				    "in a \\u escape");
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		}
		*pp = p + 1;
		return (int)put_utf8(out, (unsigned long)c);
	default:
		return fail_at(ps, *pp, "bad escape in a string");
	}
	*pp = p + 1;
	return 1;
}

/* A string at ps->p (its opening quote) into v. */
static int
parse_string(struct parser *ps, struct json *v)
{
	const char *q, *open = ps->p;
	size_t n = 0;
	char *out;
	int k;

	/* Find the closing quote first: the text unescaped is never longer
	 * than the text escaped, so that bounds the allocation. */
	for (q = open + 1; q < ps->end && *q != '"'; q++) {
		if ((unsigned char)*q < 0x20)
			return fail_at(ps, q, "control character in a "
			    "string (it must be escaped)");
		if (*q == '\\' && ++q == ps->end)
			break;
	}
	if (q >= ps->end)
		return fail_at(ps, open, "unterminated string");
	out = xmalloc((size_t)(q - open));
	for (ps->p = open + 1; ps->p < q;) {
		if (*ps->p != '\\') {
			out[n++] = *ps->p++;
			continue;
		}
		if ((k = unescape(ps, &ps->p, out + n)) < 0) {
			free(out);
			return -1;
		}
		n += (size_t)k;
	}
	out[n] = '\0';
	ps->p = q + 1;
	v->type = JSON_STRING;
	v->s = out;
	v->len = n;
	return 0;
}

static int
is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
parse_number(struct parser *ps, struct json *v)
{
	const char *p = ps->p, *start = ps->p;

	if (*p == '-')
		p++;
	if (!is_digit(p, ps->end))
		return fail_at(ps, start, "bad number");
	if (*p == '0') {
		if (is_digit(++p, ps->end))
			return fail_at(ps, start, "number with a leading "
			    "zero");
	} else {
		while (is_digit(p, ps->end))
			p++;
	}
	if (p < ps->end && *p == '.') {
		if (!is_digit(++p, ps->end))
			return fail_at(ps, start, "bad number");
		while (is_digit(p, ps->end))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, ps->end))
			return fail_at(ps, start, "bad number");
		while (is_digit(p, ps->end))
			p++;
	}
	v->type = JSON_NUMBER;
	v->s = xstrndup(start, (size_t)(p - start));
	v->len = (size_t)(p - start);
	ps->p = p;
	return 0;
}

/* Append an empty value to the items (and keys) of container v. */
static struct json *
add_item(struct json *v, size_t *cap)
{
	if (v->len == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		if (*cap > SIZE_MAX / sizeof *v->items)
			die_nomem();
		v->items = xrealloc(v->items, *cap * sizeof *v->items);
		if (v->type == JSON_OBJECT)
			v->keys = xrealloc(v->keys, *cap * sizeof *v->keys);
	}
	memset(&v->items[v->len], 0, sizeof *v->items);
	if (v->type == JSON_OBJECT)
		memset(&v->keys[v->len], 0, sizeof *v->keys);
	return &v->items[v->len++];
}

static int
parse_array(struct parser *ps, struct json *v, int depth)
{
	size_t cap = 0;

	v->type = JSON_ARRAY;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (parse_value(ps, add_item(v, &cap), depth) != 0)
			return -1;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return 0;
		}
		return fail_at(ps, ps->p, "expected ',' or ']' in an array");
	}
}

/* Sort order of member names, for finding duplicates. */
static int
key_cmp(const struct json *a, const struct json *b)
{
	int c;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if ((c = memcmp(a->s, b->s, a->len)) != 0)
		return c;
	return (a > b) - (a < b);	/* earlier member first */
}

static int
key_qcmp(const void *a, const void *b)
{
	return key_cmp(*(struct json *const *)a, *(struct json *const *)b);
}

/* Refuse an object whose member names are not all different: sort them,
 * then point at the second of the earliest pair that repeats. */
static int
check_duplicates(struct parser *ps, const struct json *v,
    const char *const *pos)
{
	struct json **sorted;
	size_t i, bad = v->len;

	if (v->len < 2)
		return 0;
	sorted = xcalloc(v->len, sizeof *sorted);
	for (i = 0; i < v->len; i++)
		sorted[i] = &v->keys[i];
	qsort(sorted, v->len, sizeof *sorted, key_qcmp);
	for (i = 1; i < v->len; i++) {
		const struct json *a = sorted[i - 1], *b = sorted[i];
		size_t at = (size_t)(b - v->keys);

		if (a->len == b->len && memcmp(a->s, b->s, a->len) == 0 &&
		    at < bad)
			bad = at;
	}
	free(sorted);
	if (bad == v->len)
		return 0;
	return fail_at(ps, pos[bad], "duplicate member name");
}

static int
parse_object(struct parser *ps, struct json *v, int depth)
{
	const char **pos = NULL;	/* where each member name starts */
	size_t cap = 0, poscap = 0;
	int r = -1;

	v->type = JSON_OBJECT;
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct json *item;

		skip_space(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail_at(ps, ps->p, "expected a member name in an "
			    "object");
			break;
		}
		item = add_item(v, &cap);
		if (poscap < cap) {
			poscap = cap;
			pos = xrealloc(pos, poscap * sizeof *pos);
		}
		pos[v->len - 1] = ps->p;
		if (parse_string(ps, &v->keys[v->len - 1]) != 0)
			break;
		skip_space(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			fail_at(ps, ps->p, "expected ':' after a member name");
			break;
		}
		ps->p++;
		if (parse_value(ps, item, depth) != 0)
			break;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			r = check_duplicates(ps, v, pos);
			break;
		}
		fail_at(ps, ps->p, "expected ',' or '}' in an object");
		break;
	}
	free(pos);
	return r;
}

static int
match_word(struct parser *ps, const char *word, enum json_type type,
    struct json *v)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return fail_at(ps, ps->p, "unexpected character");
	ps->p += n;
	v->type = type;
	return 0;
}

static int
parse_value(struct parser *ps, struct json *v, int depth)
{
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, "unexpected end of input");
	switch (*ps->p) {
	case '{':
	case '[':
		if (depth >= JSON_DEPTH_MAX)
			return fail_at(ps, ps->p, "nested too deeply");
		return *ps->p == '{' ? parse_object(ps, v, depth + 1) :
		    parse_array(ps, v, depth + 1);
	case '"':
		return parse_string(ps, v);
	case 't':
		return match_word(ps, "true", JSON_TRUE, v);
	case 'f':
		return match_word(ps, "false", JSON_FALSE, v);
	case 'n':
		return match_word(ps, "null", JSON_NULL, v);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, v);
		return fail_at(ps, ps->p, "unexpected character");
	}
}

/* Free what v holds, not v itself. */
static void
release(struct json *v)
{
	size_t i;

	if (v->type == JSON_ARRAY || v->type == JSON_OBJECT) {
		for (i = 0; i < v->len; i++) {
			release(&v->items[i]);
			if (v->keys)
				release(&v->keys[i]);
		}
	}
	free(v->items);
	free(v->keys);
	free(v->s);
}

struct json *
json_parse(const char *text, size_t n, char why[JSON_WHY_MAX])
{
	struct parser ps = { text, text, text + n, why, 0 };
	struct json *v = xcalloc(1, sizeof *v);
	size_t bad;
	int partial;

	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		fail_at(&ps, text, "byte order mark before the JSON text");
	else if ((bad = utf8_check(text, n, &partial)) < n)
		fail_at(&ps, text + bad, "not UTF-8");
	else if (parse_value(&ps, v, 0) == 0) {
		skip_space(&ps);
		if (ps.p < ps.end)
			fail_at(&ps, ps.p, "text after the JSON value");
	}
	if (ps.failed) {
		json_free(v);
		return NULL;
	}
	return v;
}

void
json_free(struct json *v)
{
	if (!v)
		return;
	release(v);
	free(v);
}

const struct json *
json_get(const struct json *v, const char *key)
{
	size_t i, n = strlen(key);

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->len; i++)
		if (v->keys[i].len == n && memcmp(v->keys[i].s, key, n) == 0)
			return &v->items[i];
	return NULL;
}

void
json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s, *end = s + n;

	buf_grow(b, n + 2);
	buf_addc(b, '"');
	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc = NULL;
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			esc = u;
		}
		buf_adds(b, esc);
	}
	buf_add(b, run, (size_t)(end - run));
	buf_addc(b, '"');
}
