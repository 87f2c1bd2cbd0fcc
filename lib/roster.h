/*
 * roster.h: the roster reader (man/csv-validate.1).
 *
 * A roster is a CSV file with a header row naming the columns name and
 * email.  The reader takes its bytes in chunks of any size (roster_feed),
 * so a file is never held in memory whole, and calls back once for every
 * data row, with the row judged by the rules of man/csv-validate.1:
 * trimmed fields, the email lowercased and checked, duplicates named.
 *
 * What it guarantees:
 * - Row numbers are spreadsheet rows.  Every record counts one row, however
 *   many lines its quoted fields span; every line end outside quotes (CRLF,
 *   LF or CR alone) ends a row; blank rows are skipped but counted.
 * - The whole input is valid UTF-8 with no NUL byte (a UTF-8 byte order
 *   mark is dropped), or the reader stops with a file error naming the row
 *   and the byte offset (0-based, counted from the first byte of the file).
 * - It stops with a file error on a UTF-16 or UTF-32 byte order mark,
 *   input over the size limit, an unterminated quoted field, no header
 *   row, a header without name or email, or name or email twice.
 *
 * After a file error the rows already passed to the callback must be
 * thrown away: the file as a whole is refused.
 */
#ifndef CREDPIPE_ROSTER_H
#define CREDPIPE_ROSTER_H

#include <stddef.h>

#include "buf.h"

/* The default size limit, in bytes. */
#define ROSTER_LIMIT 1048576

/* Names and addresses longer than these are invalid. */
#define ROSTER_NAME_MAX 256	/* characters */

struct roster_row {
	unsigned long row;	/* spreadsheet row number; the header is 1 */
	int valid;		/* 1 when the row passed every rule */
	const char *email;	/* trimmed, lowercased; "" when missing */
	const char *name;	/* trimmed; "" when missing */
	const char *detail;	/* "" when valid, else reasons joined by "; " */
};

/* Called once per data row, in order.  The strings live until the
 * callback returns. */
typedef void roster_fn(const struct roster_row *row, void *arg);

struct roster;

/* A reader for input of at most limit bytes; never NULL. */
struct roster *roster_new(size_t limit, roster_fn *fn, void *arg);

/* Push the next n bytes.  Return 0, or -1 on a file error (see
 * roster_error); after an error every call returns -1 at once. */
int roster_feed(struct roster *r, const void *p, size_t n);

/* Say the input has ended.  Return 0, or -1 on a file error. */
int roster_finish(struct roster *r);

/* After -1: the message (never NULL) and the row it concerns (0 when it
 * concerns the whole file). */
const char *roster_error(const struct roster *r);
unsigned long roster_error_row(const struct roster *r);

/* Once the header has been read: the header cells that are neither name
 * nor email, as "'phone', 'notes', column 5" (a cell with no text is named
 * by its column number), or NULL when there are none; *count is set to
 * their number. */
const char *roster_ignored(const struct roster *r, size_t *count);

/*
 * The name rules, for a trimmed name of n bytes: append what is wrong
 * ("missing name", "name is not UTF-8", "control character in name",
 * "name longer than 256 characters") to reasons, joined by "; ".  Return
 * 1 when something is, else 0.
 */
int roster_check_name(const char *s, size_t n, struct buf *reasons);

/*
 * The CSV formula guard (OWASP CSV injection): whether the n bytes at s
 * are a cell a spreadsheet could take for a formula, one that begins,
 * after any spaces (ASCII or Unicode: no-break, en, em, thin, ideographic
 * and the like, and U+FEFF), with = + - @ TAB or CR.  job-status -f
 * writes such a cell with an apostrophe before it, and csv-validate
 * removes an apostrophe exactly when what follows it is such a cell.
 */
int roster_formula(const char *s, size_t n);

/* Free the reader and everything it holds.  NULL is allowed. */
void roster_free(struct roster *r);

#endif
