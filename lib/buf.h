/*
 * buf.h: growable byte buffers.
 *
 * A struct buf owns its bytes.  Its contents are always NUL-terminated,
 * so b.p can be used as a C string when the bytes hold no NUL, and b.p is
 * never NULL: a buffer that has allocated nothing points at buf_slop, a
 * static empty string that is never written (nor freed).  A struct buf
 * zeroed by calloc or memset has allocated nothing either, and the
 * functions below take it, but its b.p is NULL until its first growth:
 * initialise with BUF_INIT where b.p is read before anything is added.
 * Allocation failure ends the program (see xmalloc in util.h): callers
 * never check.
 *
 *	struct buf b = BUF_INIT;
 *	buf_adds(&b, "hello");
 *	...
 *	buf_release(&b);
 */
#ifndef CREDPIPE_BUF_H
#define CREDPIPE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;	/* the bytes, NUL-terminated; buf_slop until the
			 * first growth */
	size_t len;	/* bytes in use, not counting the NUL */
	size_t cap;	/* bytes allocated; 0: none, p is not ours */
};

extern char buf_slop[1];

#define BUF_INIT { buf_slop, 0, 0 }

/* Make room for n more bytes (and the NUL) without changing len. */
void buf_grow(struct buf *b, size_t n);

/* Append n bytes, a C string, or one byte. */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, int c);

/* Append printf-style text. */
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The same with a va_list. */
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Append s, after sep when the buffer is not empty. */
void buf_join(struct buf *b, const char *sep, const char *s);

/* Append an unsigned number in decimal. */
void buf_addu(struct buf *b, unsigned long long n);

/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Free the memory; the buffer is BUF_INIT again. */
void buf_release(struct buf *b);

/* Return the bytes as a NUL-terminated string the caller frees, and
 * leave the buffer empty (BUF_INIT).  Never NULL. */
char *buf_detach(struct buf *b);

#endif
