/*
 * strset.c: a set of strings; the contract is in strset.h.  Each slot
 * keeps its string's length and hash, so growing rehashes nothing and
 * finds every string where strset_add would look for it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strset.h"
#include "util.h"

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static void
grow(struct strset *t)
{
	struct strset_slot *old = t->slot;
	size_t oldcap = t->cap, i, j;

	t->cap = oldcap ? oldcap * 2 : 1024;
	t->slot = xcalloc(t->cap, sizeof *t->slot);
	for (j = 0; j < oldcap; j++) {
		if (!old[j].off)
			continue;
		i = old[j].hash & (t->cap - 1);
		while (t->slot[i].off)
			i = (i + 1) & (t->cap - 1);
		t->slot[i] = old[j];
	}
	free(old);
}

/* The slot that holds the n bytes at s (hash h), or the empty one where
 * they would go. */
static struct strset_slot *
find(const struct strset *t, const char *s, size_t n, uint64_t h)
{
	struct strset_slot *e;
	size_t i;

	for (i = h & (t->cap - 1); (e = &t->slot[i])->off;
	    i = (i + 1) & (t->cap - 1))
		if (e->hash == h && e->len == n &&
		    memcmp(t->keys.p + e->off - 1, s, n) == 0)
			break;
	return e;
}

unsigned long
strset_get(const struct strset *t, const char *s, size_t n)
{
	return t->cap ? find(t, s, n, hash(s, n))->val : 0;
}

unsigned long
strset_add(struct strset *t, const char *s, size_t n, unsigned long val)
{
	uint64_t h = hash(s, n);
	struct strset_slot *e;

	if (2 * (t->used + 1) > t->cap)
		grow(t);
	if ((e = find(t, s, n, h))->off)
		return e->val;
	e->off = t->keys.len + 1;
	e->len = n;
	e->hash = h;
	e->val = val;
	t->used++;
	buf_add(&t->keys, s, n);
	return 0;
}

void
strset_release(struct strset *t)
{
	buf_release(&t->keys);
	free(t->slot);
	memset(t, 0, sizeof *t);
}
