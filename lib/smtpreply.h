/*
 * smtpreply.h: the replies of an SMTP server, read from the bytes it
 * sends, in chunks of any size (lib/transport.c has them from libcurl,
 * a few lines or part of one at a time).
 *
 * A line ends in LF, a CR before it dropped; only its first
 * SMTPREPLY_LINE_MAX bytes are kept.  A line that does not start with a
 * reply code (a digit 1 to 5, then two digits) is ignored.  A reply is
 * its lines "CODE-TEXT", if any, up to a last line "CODE TEXT" or
 * "CODE"; the code is the last line's.  The text of a reply is the code
 * of its first line, then the TEXT of each line after a space, every
 * byte outside printable ASCII written '?', cut at SMTPREPLY_TEXT_MAX
 * bytes: "550 5.1.1 no such user".
 *
 * The reader keeps the first reply whose code is 400 or more, the one
 * that failed the transfer; the replies after it are read and dropped.
 *
 *	struct smtpreply r;
 *	smtpreply_init(&r);
 *	smtpreply_feed(&r, p, n);	(as often as bytes come)
 *	if (r.code) ... r.text ...
 *	smtpreply_release(&r);
 */
#ifndef CREDPIPE_SMTPREPLY_H
#define CREDPIPE_SMTPREPLY_H

#include <stddef.h>

#include "buf.h"

/* The longest reply text kept, in bytes. */
#define SMTPREPLY_TEXT_MAX 512

/* The longest reply line read, in bytes (RFC 5321 allows 512). */
#define SMTPREPLY_LINE_MAX 1024

struct smtpreply {
	int code;		/* the first reply of 400 or more, or 0 */
	struct buf text;	/* its text; empty (p may be NULL) while
				 * code is 0 */
	struct buf line;	/* the line being read */
	struct buf reply;	/* the text of the reply being read */
};

/* Start with nothing read. */
void smtpreply_init(struct smtpreply *r);

/* Read the n bytes at p, which may hold any bytes, NUL included, and
 * start or end anywhere in a line. */
void smtpreply_feed(struct smtpreply *r, const char *p, size_t n);

/* Forget all that was read, for a new transfer, keeping the memory. */
void smtpreply_reset(struct smtpreply *r);

/* Free the memory; the reader is as smtpreply_init left it. */
void smtpreply_release(struct smtpreply *r);

#endif
