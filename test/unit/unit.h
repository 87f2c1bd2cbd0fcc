/* unit.h: what a unit test file provides to main.c, and shared helpers. */
#ifndef CREDPIPE_UNIT_H
#define CREDPIPE_UNIT_H

#include <check.h>

/* The tests of one module. */
Suite *suite(void);

/* The directory of the source tree ($TOP, or "." when unset). */
const char *unit_top(void);

#endif
