/*
 * json.h: a strict JSON reader (RFC 8259) and the string escaper of the
 * writers.
 *
 * The reader exists so that credential-verify reads a credential exactly
 * as it was written, or refuses it.  It accepts only what RFC 8259 calls
 * a JSON text, and on top of that refuses what would let two readers see
 * different documents:
 * - bytes that are not valid UTF-8 (RFC 3629), a byte order mark, and
 *   \u escapes that leave a surrogate unpaired;
 * - an object with the same member name twice (compared after unescaping);
 * - nesting deeper than JSON_DEPTH_MAX;
 * - anything but whitespace after the value.
 * Numbers are checked against the grammar and kept as text: nothing here
 * converts them.
 *
 * A parsed value is a tree that owns all its memory; json_free frees it.
 * Strings are unescaped, NUL-terminated and carry their length, since
 * "\u0000" may put a NUL inside one.
 */
#ifndef CREDPIPE_JSON_H
#define CREDPIPE_JSON_H

#include <stddef.h>

#include "buf.h"

/* Containers nested deeper than this are refused. */
#define JSON_DEPTH_MAX 64

/* Room for any message json_parse writes, with its NUL. */
#define JSON_WHY_MAX 128

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json {
	enum json_type type;
	char *s;		/* STRING: the text, unescaped; NUMBER: as
				 * written; NUL-terminated; else NULL */
	size_t len;		/* STRING, NUMBER: bytes of s; ARRAY, OBJECT:
				 * number of items */
	struct json *items;	/* ARRAY: the elements; OBJECT: the member
				 * values, in document order */
	struct json *keys;	/* OBJECT: the member names, STRING values,
				 * keys[i] naming items[i] */
};

/*
 * Parse the n bytes at text as one JSON text.  Return the value, which
 * the caller frees with json_free, or NULL with a message in why such as
 * "line 3, column 14: duplicate member 'name'" (lines and columns count
 * from 1; a column counts bytes).
 */
struct json *json_parse(const char *text, size_t n, char why[JSON_WHY_MAX]);

/* Free a value returned by json_parse and everything in it.  NULL is
 * allowed. */
void json_free(struct json *v);

/* The value of the member named key of the object v, or NULL when v is
 * not an object or has no such member. */
const struct json *json_get(const struct json *v, const char *key);

/*
 * Append the n bytes at s, which must be valid UTF-8, to b as a JSON
 * string with its quotes.  Escaped: '"' and '\' with a backslash; the
 * control characters U+0000 to U+001F as \b \t \n \f \r or \u00XX.
 * Everything else, U+007F and all non-ASCII included, is copied as it is,
 * as JSON allows.
 */
void json_escape(struct buf *b, const char *s, size_t n);

#endif
