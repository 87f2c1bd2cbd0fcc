/* unit.h: what a unit test file provides to main.c, and shared helpers. */
#ifndef CREDPIPE_UNIT_H
#define CREDPIPE_UNIT_H

#include <check.h>
#include <stddef.h>

#include "buf.h"

/* The tests of one module. */
Suite *suite(void);

/* The directory of the source tree ($TOP, or "." when unset). */
const char *unit_top(void);

/* Set b to the n bytes at s with the \t and \xNN escapes of the case
 * files undone, NUL-terminated. */
void unit_unescape(struct buf *b, const char *s, size_t n);

#endif
