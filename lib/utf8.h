/*
 * utf8.h: UTF-8 validation and the character questions the checkers ask.
 *
 * "Valid" means RFC 3629: shortest form, no surrogates (U+D800-U+DFFF),
 * nothing above U+10FFFF.
 */
#ifndef CREDPIPE_UTF8_H
#define CREDPIPE_UTF8_H

#include <stddef.h>

/*
 * Check n bytes.  Return n when they are all valid.  Otherwise return the
 * offset of the first byte that is not part of a valid sequence, and set
 * *partial to 1 when that offset starts a sequence that is valid so far
 * but cut short by the end of the bytes (more input may complete it), or
 * to 0 when the bytes there can never be valid.
 */
size_t utf8_check(const void *p, size_t n, int *partial);

/*
 * Decode one character of a valid UTF-8 string at *s, advance *s past it
 * and return the code point.  The string must have passed utf8_check.
 */
unsigned long utf8_next(const char **s);

/* Return the number of characters (code points) of a valid string. */
size_t utf8_count(const char *s, size_t n);

/*
 * Return a pointer to the first control character (Unicode general
 * category Cc: U+0000-U+001F, U+007F-U+009F) in the valid string s of n
 * bytes, or NULL when it has none.
 */
const char *utf8_find_control(const char *s, size_t n);

#endif
