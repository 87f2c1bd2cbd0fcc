/* buf.c: growable byte buffers; the contract is in buf.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

char buf_slop[1];

void
buf_grow(struct buf *b, size_t n)
{
	size_t need, was = b->cap;

	if (n > SIZE_MAX - b->len - 1)
		die_nomem();
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	if (b->cap > SIZE_MAX / 2)
		die_nomem();
	b->cap = b->cap ? b->cap * 2 : 64;
	if (b->cap < need)
		b->cap = need;
	b->p = xrealloc(was ? b->p : NULL, b->cap);
	if (!was)
		b->p[0] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, int c)
{
	if (b->len + 1 >= b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	buf_grow(b, 64);
	va_copy(copy, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, copy);
	va_end(copy);
	if (n < 0)
		die_nomem();
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_join(struct buf *b, const char *sep, const char *s)
{
	if (b->len)
		buf_adds(b, sep);
	buf_adds(b, s);
}

void
buf_addu(struct buf *b, unsigned long long n)
{
	char tmp[24];
	char *e = tmp + sizeof tmp, *s = e;

	do
		*--s = (char)('0' + n % 10);
	while (n /= 10);
	buf_add(b, s, (size_t)(e - s));
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap)
		b->p[0] = '\0';
}

void
buf_release(struct buf *b)
{
	if (b->cap)
		free(b->p);
	b->p = buf_slop;
	b->len = b->cap = 0;
}

char *
buf_detach(struct buf *b)
{
	char *p;

	if (!b->cap)
		buf_grow(b, 0);
	p = b->p;
	b->p = buf_slop;
	b->len = b->cap = 0;
	return p;
}
