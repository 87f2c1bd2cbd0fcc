/*
 * strset.h: a set of strings, each with a number: which row first had an
 * email, for instance.  Open addressing; the strings are copied in.  A
 * string is its bytes and their count, so it may hold NUL bytes.
 */
#ifndef CREDPIPE_STRSET_H
#define CREDPIPE_STRSET_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct strset_slot {
	size_t off;		/* offset of the string in keys + 1; 0 = empty */
	size_t len;		/* its bytes */
	uint64_t hash;		/* the hash of those bytes */
	unsigned long val;	/* the number given with it */
};

struct strset {
	struct buf keys;	/* the strings, one after another */
	struct strset_slot *slot;	/* cap slots */
	size_t cap, used;	/* slots (a power of two), slots in use */
};

#define STRSET_INIT { BUF_INIT, NULL, 0, 0 }

/* If the n bytes at s are in the set, return their number; otherwise add
 * them with number val (which must not be 0) and return 0. */
unsigned long strset_add(struct strset *t, const char *s, size_t n,
    unsigned long val);

/* The number of the n bytes at s, or 0 when they are not in the set. */
unsigned long strset_get(const struct strset *t, const char *s, size_t n);

/* Free what the set holds; it is STRSET_INIT again. */
void strset_release(struct strset *t);

#endif
