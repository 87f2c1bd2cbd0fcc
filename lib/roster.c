/*
 * roster.c: the roster reader; the contract is in roster.h.
 *
 * Bytes go through three stages: the first three are sniffed for a byte
 * order mark; then each chunk is checked for UTF-8 and NUL bytes, a
 * sequence cut by the chunk's end being carried over to the next; then the
 * checked bytes go to libcsv (see parse), whose callbacks collect one record's fields
 * (field) and act at its end (endrow).  libcsv runs with CSV_REPALL_NL so
 * that blank lines reach endrow and keep the spreadsheet row numbers; the
 * LF of a CRLF also arrives as an empty row, which endrow recognises.
 */
#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "email.h"
#include "roster.h"
#include "strset.h"
#include "utf8.h"
#include "util.h"

/* Blank lines reach endrow; quotes are checked (see parse). */
#define CSV_OPTS (CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI)

struct roster {
	struct csv_parser csv;
	roster_fn *fn;
	void *arg;
	size_t limit;		/* bytes allowed */
	size_t total;		/* bytes fed so far */
	unsigned char head[3];	/* the first bytes, until sniffed */
	size_t headlen;
	int sniffed;		/* the byte order mark question is settled */
	unsigned char carry[4];	/* an unfinished UTF-8 sequence */
	size_t carrylen;
	size_t carryoff;	/* its offset in the file */
	unsigned long row;	/* the row being read */
	int after_cr;		/* the last row ended with a CR */
	size_t col;		/* fields seen in this row */
	int nonempty;		/* some field of this row has text */
	int have_header;
	size_t name_col, email_col;
	struct buf cells;	/* header cells, each NUL-terminated */
	struct buf ignored;	/* what roster_ignored returns */
	size_t nignored;	/* how many columns it names */
	struct buf name, email;	/* this row's two fields */
	struct buf detail;	/* this row's reasons */
	struct strset seen;	/* emails, with the row of each */
	int failed;
	unsigned long err_row;
	char err[160];
};

static void field(void *p, size_t n, void *arg);
static void endrow(int c, void *arg);

static void fail(struct roster *r, unsigned long row, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct roster *r, unsigned long row, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = 1;
	r->err_row = row;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

struct roster *
roster_new(size_t limit, roster_fn *fn, void *arg)
{
	struct roster *r = xcalloc(1, sizeof *r);

	if (csv_init(&r->csv, CSV_OPTS) != 0)
		die_nomem();
	csv_set_realloc_func(&r->csv, xrealloc);
	csv_set_free_func(&r->csv, free);
	csv_set_blk_size(&r->csv, 1024);
	r->fn = fn;
	r->arg = arg;
	r->limit = limit;
	r->row = 1;
	return r;
}

void
roster_free(struct roster *r)
{
	if (!r)
		return;
	csv_free(&r->csv);
	buf_release(&r->cells);
	buf_release(&r->ignored);
	buf_release(&r->name);
	buf_release(&r->email);
	buf_release(&r->detail);
	strset_release(&r->seen);
	free(r);
}

const char *
roster_error(const struct roster *r)
{
	return r->err;
}

unsigned long
roster_error_row(const struct roster *r)
{
	return r->err_row;
}

const char *
roster_ignored(const struct roster *r, size_t *count)
{
	*count = r->nignored;
	return r->nignored ? r->ignored.p : NULL;
}

/*
 * Hand n checked bytes, which start at file offset off, to libcsv.
 *
 * libcsv runs in strict mode, which stops at a quote it cannot place.  A
 * quote inside an unquoted field (Bob "The Builder" Smith) is then taken
 * as it is, as spreadsheets do: that one byte goes through in lenient
 * mode.  Text after the closing quote of a quoted field ("Ada" Lovelace)
 * is a file error: lenient libcsv would reopen the quote and swallow the
 * rest of the file into one field.
 */
static void
parse(struct roster *r, const char *p, size_t n, size_t off)
{
	while (n && !r->failed) {
		size_t k = csv_parse(&r->csv, p, n, field, endrow, r);

		if (k == n)
			return;
		if (csv_error(&r->csv) != CSV_EPARSE)
			die_nomem();
		if (r->csv.quoted) {
			fail(r, r->row, "text after the closing quote of a "
			    "field at byte offset %zu; put the whole field in "
			    "quotes and double any quote inside it", off + k);
			return;
		}
		csv_set_opts(&r->csv, CSV_OPTS & ~CSV_STRICT);
		csv_parse(&r->csv, p + k, 1, field, endrow, r);
		csv_set_opts(&r->csv, CSV_OPTS);
		p += k + 1, n -= k + 1, off += k + 1;
	}
}

static void
bad_byte(struct roster *r, size_t off, int nul)
{
	if (nul)
		fail(r, r->row, "NUL byte at byte offset %zu (is the file "
		    "UTF-16?); save it as CSV UTF-8", off);
	else
		fail(r, r->row, "invalid UTF-8 at byte offset %zu; save the "
		    "file as CSV UTF-8", off);
}

/* Check n bytes that start at file offset off and pass the good ones on. */
static void
scan(struct roster *r, const unsigned char *p, size_t n, size_t off)
{
	const unsigned char *nul;
	size_t good;
	int partial;

	/* Finish a sequence the last chunk cut short, a byte at a time. */
	while (r->carrylen && n) {
		size_t k;

		r->carry[r->carrylen++] = *p++;
		n--, off++;
		k = utf8_check(r->carry, r->carrylen, &partial);
		if (k == r->carrylen) {
			parse(r, (char *)r->carry, r->carrylen, r->carryoff);
			r->carrylen = 0;
		} else if (!partial) {
			bad_byte(r, r->carryoff, 0);
			return;
		}
	}
	if (r->failed)
		return;
	good = utf8_check(p, n, &partial);
	nul = memchr(p, '\0', good);
	if (nul) {
		parse(r, (const char *)p, (size_t)(nul - p), off);
		bad_byte(r, off + (size_t)(nul - p), 1);
		return;
	}
	parse(r, (const char *)p, good, off);
	if (r->failed || good == n)
		return;
	if (partial) {
		r->carrylen = n - good;
		r->carryoff = off + good;
		memcpy(r->carry, p + good, r->carrylen);
		return;
	}
	bad_byte(r, off + good, 0);
}

/* Decide on a byte order mark from the first bytes (fewer than three only
 * at the end of the input), then scan them. */
static void
sniff(struct roster *r)
{
	const unsigned char *h = r->head;
	size_t skip = 0;

	r->sniffed = 1;
	if (r->headlen >= 2 && ((h[0] == 0xff && h[1] == 0xfe) ||
	    (h[0] == 0xfe && h[1] == 0xff))) {
		fail(r, 1, "the file is UTF-16 or UTF-32 encoded (it starts "
		    "with a byte order mark); save it as CSV UTF-8");
		return;
	}
	if (r->headlen == 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf)
		skip = 3;
	scan(r, h + skip, r->headlen - skip, skip);
}

int
roster_feed(struct roster *r, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t off = r->total;

	if (r->failed)
		return -1;
	if (n > r->limit - r->total) {
		fail(r, 0, "the file is larger than %zu bytes (-s raises "
		    "the limit)", r->limit);
		return -1;
	}
	r->total += n;
	if (!r->sniffed) {
		size_t k = sizeof r->head - r->headlen;

		if (k > n)
			k = n;
		memcpy(r->head + r->headlen, s, k);
		r->headlen += k;
		s += k, n -= k, off += k;
		if (r->headlen < sizeof r->head)
			return 0;
		sniff(r);
	}
	if (!r->failed)
		scan(r, s, n, off);
	return r->failed ? -1 : 0;
}

int
roster_finish(struct roster *r)
{
	if (r->failed)
		return -1;
	if (!r->sniffed)
		sniff(r);
	if (!r->failed && r->carrylen)
		bad_byte(r, r->carryoff, 0);
	if (r->failed)
		return -1;
	if (csv_fini(&r->csv, field, endrow, r) != 0)
		fail(r, r->row, "a quoted field never ends (a \" with no "
		    "closing \")");
	else if (!r->have_header)
		fail(r, 0, "no header row; the first row must name the "
		    "columns name and email");
	return r->failed ? -1 : 0;
}

/* The length of the space at s (n bytes), or 0: a space, or one of the
 * Unicode spaces a spreadsheet may pass over before a formula. */
static size_t
space_at(const char *s, size_t n)
{
	static const char *const spaces[] = {
		"\xc2\xa0",				/* no-break space */
		"\xe1\x9a\x80",			/* ogham space mark */
		"\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82",
		"\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
		"\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88",
		"\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\x8b",	/* en .. zero width */
		"\xe2\x80\xaf", "\xe2\x81\x9f",	/* narrow, math */
		"\xe3\x80\x80",			/* ideographic */
		"\xef\xbb\xbf",			/* byte order mark */
	};
	size_t i, k;

	if (n && s[0] == ' ')
		return 1;
	for (i = 0; i < sizeof spaces / sizeof *spaces; i++) {
		k = strlen(spaces[i]);
		if (n >= k && memcmp(s, spaces[i], k) == 0)
			return k;
	}
	return 0;
}

int
roster_formula(const char *s, size_t n)
{
	size_t k;

	while ((k = space_at(s, n)) > 0)
		s += k, n -= k;
	return n > 0 && strchr("=+-@\t\r", *s) != NULL && *s;
}

/* Trim spaces and TABs at both ends of s[0..*n), after dropping the
 * apostrophe that guards a formula (roster_formula). */
static char *
clean(char *s, size_t *n)
{
	size_t len = *n;

	if (len >= 2 && s[0] == '\'' && roster_formula(s + 1, len - 1))
		s++, len--;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	s[len] = '\0';
	*n = len;
	return s;
}

int
roster_check_name(const char *s, size_t n, struct buf *reasons)
{
	size_t before = reasons->len;
	int partial;

	if (n == 0)
		buf_join(reasons, "; ", "missing name");
	if (utf8_check(s, n, &partial) != n)
		buf_join(reasons, "; ", "name is not UTF-8");
	else if (utf8_find_control(s, n))
		buf_join(reasons, "; ", "control character in name");
	if (utf8_count(s, n) > ROSTER_NAME_MAX)
		buf_join(reasons, "; ", "name longer than 256 characters");
	return reasons->len != before;
}

static void
judge(struct roster *r)
{
	struct roster_row out;
	char why[EMAIL_WHY_MAX];
	char *name, *email;
	size_t nlen, elen;
	unsigned long first;

	buf_add(&r->name, "", 0);	/* make sure both are allocated */
	buf_add(&r->email, "", 0);
	nlen = r->name.len;
	elen = r->email.len;
	name = clean(r->name.p, &nlen);
	email = clean(r->email.p, &elen);
	buf_reset(&r->detail);
	roster_check_name(name, nlen, &r->detail);
	if (email_check(email, elen, why) != 0)
		buf_join(&r->detail, "; ", why);
	if (elen && (first = strset_add(&r->seen, email, elen, r->row))) {
		snprintf(why, sizeof why, "duplicate of row %lu", first);
		buf_join(&r->detail, "; ", why);
	}
	buf_add(&r->detail, "", 0);
	out.row = r->row;
	out.name = name;
	out.email = email;
	out.valid = r->detail.len == 0;
	out.detail = r->detail.p;
	r->fn(&out, r->arg);
}

/* The header row: find name and email, list the rest. */
static void
header(struct roster *r)
{
	char *cell = r->cells.p, *next;
	size_t i, name = 0, email = 0;	/* column number + 1 */

	for (i = 0; i < r->col; i++, cell = next) {
		size_t *which = NULL;
		size_t n = strlen(cell);
		char *c;

		next = cell + n + 1;
		c = clean(cell, &n);

		if (strcasecmp(c, "name") == 0)
			which = &name;
		else if (strcasecmp(c, "email") == 0)
			which = &email;
		if (which && *which) {
			fail(r, r->row, "column '%s' appears twice "
			    "(columns %zu and %zu)", c, *which, i + 1);
			return;
		}
		if (which) {
			*which = i + 1;
			continue;
		}
		if (r->nignored++)
			buf_adds(&r->ignored, ", ");
		if (n)
			buf_printf(&r->ignored, "'%s'", c);
		else
			buf_printf(&r->ignored, "column %zu", i + 1);
	}
	if (!name || !email) {
		fail(r, r->row, "the header has no '%s' column; it must name "
		    "the columns name and email", name ? "email" : "name");
		return;
	}
	r->name_col = name - 1;
	r->email_col = email - 1;
	r->have_header = 1;
}

static void
field(void *p, size_t n, void *arg)
{
	struct roster *r = arg;

	if (r->failed)
		return;
	if (n)
		r->nonempty = 1;
	if (!r->have_header) {
		buf_add(&r->cells, p, n);
		buf_addc(&r->cells, '\0');
	} else if (r->col == r->name_col) {
		buf_add(&r->name, p, n);
	} else if (r->col == r->email_col) {
		buf_add(&r->email, p, n);
	}
	r->col++;
}

static void
endrow(int c, void *arg)
{
	struct roster *r = arg;

	if (r->failed)
		return;
	if (c == '\n' && r->after_cr && r->col == 0) {
		r->after_cr = 0;	/* the LF of a CRLF: same row */
		return;
	}
	r->after_cr = c == '\r';
	if (r->nonempty) {
		if (r->have_header)
			judge(r);
		else
			header(r);
	}
	r->col = 0;
	r->nonempty = 0;
	buf_reset(&r->cells);
	buf_reset(&r->name);
	buf_reset(&r->email);
	r->row++;
}
