/*
 * record.h: the record stream that flows between the commands
 * (man/credpipe-records.5 is its contract).
 *
 * One record a line, five TAB-separated fields:
 *
 *	ROW <TAB> STATUS <TAB> EMAIL <TAB> NAME <TAB> DETAIL <LF>
 *
 * In every field backslash is written \\, TAB \t, LF \n and CR \r;
 * nothing else is escaped, and a reader refuses any other backslash pair.
 */
#ifndef CREDPIPE_RECORD_H
#define CREDPIPE_RECORD_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* The greatest ROW a reader accepts: what the database stores as a signed
 * 64-bit integer. */
#define RECORD_ROW_MAX LLONG_MAX

enum record_status {
	RECORD_VALID,			/* csv-validate: the row is good */
	RECORD_INVALID,			/* not issuable; DETAIL says why */
	RECORD_NEW,			/* recipient-check: see recipient-check(1) */
	RECORD_EXPIRED,
	RECORD_ACTIVE_TIMEBOUND,
	RECORD_ACTIVE_NONEXPIRING,
	RECORD_REVOKED,
	RECORD_NSTATUS
};

struct record {
	unsigned long row;		/* spreadsheet row number, from 1 to
					 * RECORD_ROW_MAX */
	enum record_status status;
	const char *email;		/* never NULL; may be "" */
	const char *name;		/* never NULL; may be "" */
	const char *detail;		/* never NULL; may be "" */
};

/* The status as written in a stream ("active-timebound"), and back:
 * record_status_parse returns -1 for a name it does not know. */
const char *record_status_name(enum record_status s);
int record_status_parse(const char *s);

/* Append one record, escaped and ending in LF, to b. */
void record_format(struct buf *b, const struct record *rec);

/*
 * Append s, escaped as a field, to b.  When standard output is a
 * terminal, the other control characters are shown too, so that no text
 * of a roster or a database reaches the terminal as a command: a C0
 * control or DEL as \xHH, a C1 control (U+0080 to U+009F) as \uHHHH.
 * Only people see those; what a pipe gets is exactly the stream.
 */
void record_escape(struct buf *b, const char *s);

/* Decide for record_escape whether standard output is a terminal: 1 or
 * 0; -1 (the default) asks isatty(3) once. */
void record_terminal(int yes);

/* Append s to b escaped as record_escape does for a terminal, whatever
 * standard output is: for messages that quote a field. */
void record_escape_shown(struct buf *b, const char *s);

/*
 * Split a line (no LF) into at most max TAB-separated fields, unescaping
 * each in place; fields[i] point into line.  Return the number of fields,
 * -1 for a bad escape, -2 for more than max fields.
 */
int record_split(char *line, char **fields, int max);

/*
 * A reader of a stream.  The strings of the record it fills point into
 * the reader and stay valid until the next record_read or
 * record_reader_release.
 */
struct record_reader {
	FILE *in;
	const char *name;	/* the input's name in messages ("stdin") */
	unsigned long line;	/* the line last read, from 1 */
	char *line_p;		/* that line, unescaped in place */
	size_t line_cap;	/* bytes allocated for it */
	size_t limit;		/* the most bytes of the stream it reads
				 * (0: no limit); record_reader_init sets
				 * RECORD_STREAM_MAX */
	size_t read;		/* bytes read so far */
	char err[400];		/* after -1: "stdin:3: not a credpipe ..." */
	int code;		/* after -1: EXIT_DATAERR or EXIT_IOERR */
};

/* The longest line a reader takes, LF included: five fields of the
 * longest a roster can make, escaped, with room to spare. */
#define RECORD_LINE_MAX 65536

/* The most bytes of a stream a reader takes by default: some 300,000
 * records, thirty times what a roster of 1 MiB makes. */
#define RECORD_STREAM_MAX (32UL << 20)

/* Start reading from in; name is used in messages. */
void record_reader_init(struct record_reader *rr, FILE *in, const char *name);

/*
 * Read the next record.  Return 1 with rec filled, 0 at the end of the
 * stream, or -1 with rr->err and rr->code set: a line that is not a
 * record (wrong number of fields, a ROW that is not a positive number up
 * to RECORD_ROW_MAX, an unknown STATUS, a bad escape) or a read error.
 * The message of a line that is not a record hints at the usual cause, a
 * CSV file piped in without csv-validate.
 */
int record_read(struct record_reader *rr, struct record *rec);

/*
 * Read one line of any kind with the same bounds: return 1 with it in
 * rr->line_p (its LF removed; it may hold NUL bytes) and its length in
 * *len, 0 at the end, -2 for a line longer than RECORD_LINE_MAX (counted
 * in rr->line), or -1 with rr->err and rr->code (a read error, the
 * stream's limit).
 */
int record_read_line(struct record_reader *rr, size_t *len);

/* Free what the reader holds (not the FILE). */
void record_reader_release(struct record_reader *rr);

/* A whole stream, held: its records, their strings copied. */
struct record_list {
	struct record *rec;
	size_t n, cap;
};

#define RECORD_LIST_INIT { NULL, 0, 0 }

/* Read the rest of rr into l: 0 at the end of the stream, or -1 as
 * record_read (what was read before stays in l). */
int record_read_all(struct record_reader *rr, struct record_list *l);

/* Free what l holds; it is RECORD_LIST_INIT again. */
void record_list_release(struct record_list *l);

#endif
