/* strset.c: a set of strings; the contract is in strset.h. */
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
	struct strset old = *t;
	size_t i, j;

	t->cap = old.cap ? old.cap * 2 : 1024;
	t->off = xcalloc(t->cap, sizeof *t->off);
	t->val = xcalloc(t->cap, sizeof *t->val);
	for (j = 0; j < old.cap; j++) {
		const char *k;

		if (!old.off[j])
			continue;
		k = t->keys.p + old.off[j] - 1;
		i = hash(k, strlen(k)) & (t->cap - 1);
		while (t->off[i])
			i = (i + 1) & (t->cap - 1);
		t->off[i] = old.off[j];
		t->val[i] = old.val[j];
	}
	free(old.off);
	free(old.val);
}

unsigned long
strset_add(struct strset *t, const char *s, size_t n, unsigned long val)
{
	size_t i;

	if (2 * (t->used + 1) > t->cap)
		grow(t);
	i = hash(s, n) & (t->cap - 1);
	while (t->off[i]) {
		const char *k = t->keys.p + t->off[i] - 1;

		if (strncmp(k, s, n) == 0 && k[n] == '\0')
			return t->val[i];
		i = (i + 1) & (t->cap - 1);
	}
	t->off[i] = t->keys.len + 1;
	t->val[i] = val;
	t->used++;
	buf_add(&t->keys, s, n);
	buf_addc(&t->keys, '\0');
	return 0;
}

void
strset_release(struct strset *t)
{
	buf_release(&t->keys);
	free(t->off);
	free(t->val);
	memset(t, 0, sizeof *t);
}
