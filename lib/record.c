/* record.c: the record stream; the contract is in record.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "exitcodes.h"
#include "record.h"
#include "util.h"

static const char *const names[RECORD_NSTATUS] = {
	[RECORD_VALID] = "valid",
	[RECORD_INVALID] = "invalid",
	[RECORD_NEW] = "new",
	[RECORD_EXPIRED] = "expired",
	[RECORD_ACTIVE_TIMEBOUND] = "active-timebound",
	[RECORD_ACTIVE_NONEXPIRING] = "active-nonexpiring",
	[RECORD_REVOKED] = "revoked",
};

const char *
record_status_name(enum record_status s)
{
	return (unsigned)s < RECORD_NSTATUS ? names[s] : "?";
}

int
record_status_parse(const char *s)
{
	int i;

	for (i = 0; i < RECORD_NSTATUS; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int terminal = -1;

void
record_terminal(int yes)
{
	terminal = yes;
}

static void
escape(struct buf *b, const char *s, int shown)
{
	const char *run = s;

	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		const char *esc;

		switch (c) {
		case '\\': esc = "\\\\"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\0': buf_add(b, run, (size_t)(s - run)); return;
		default:
			if (!shown)
				continue;
			if (c < 0x20 || c == 0x7f) {
				buf_add(b, run, (size_t)(s - run));
				buf_printf(b, "\\x%02x", c);
				run = s + 1;
			} else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
			    (unsigned char)s[1] <= 0x9f) {
				buf_add(b, run, (size_t)(s - run));
				buf_printf(b, "\\u%04x", (unsigned char)s[1]);
				run = ++s + 1;
			}
			continue;
		}
		buf_add(b, run, (size_t)(s - run));
		buf_add(b, esc, 2);
		run = s + 1;
	}
}

void
record_escape(struct buf *b, const char *s)
{
	if (terminal < 0)
		terminal = isatty(STDOUT_FILENO);
	escape(b, s, terminal);
}

void
record_escape_shown(struct buf *b, const char *s)
{
	escape(b, s, 1);
}

void
record_format(struct buf *b, const struct record *rec)
{
	buf_addu(b, rec->row);
	buf_addc(b, '\t');
	buf_adds(b, record_status_name(rec->status));
	buf_addc(b, '\t');
	record_escape(b, rec->email);
	buf_addc(b, '\t');
	record_escape(b, rec->name);
	buf_addc(b, '\t');
	record_escape(b, rec->detail);
	buf_addc(b, '\n');
}

void
record_reader_init(struct record_reader *rr, FILE *in, const char *name)
{
	memset(rr, 0, sizeof *rr);
	rr->in = in;
	rr->name = name;
	rr->limit = RECORD_STREAM_MAX;
}

/*
 * Read one line, LF included, into rr->line_p, holding no more than
 * RECORD_LINE_MAX bytes of it: return its length, 0 at the end, -1 on a
 * read error, -2 for a line too long, -3 past the stream's limit.  A NUL
 * byte is kept, for record_read to name.
 */
static ssize_t
read_line(struct record_reader *rr)
{
	size_t len = 0;
	int c;

	if (!rr->line_p) {
		rr->line_cap = 8192;
		rr->line_p = xmalloc(rr->line_cap);
	}
	while ((c = getc_unlocked(rr->in)) != EOF) {
		if (rr->limit && ++rr->read > rr->limit)
			return -3;
		if (len == RECORD_LINE_MAX)
			return -2;
		if (len + 1 == rr->line_cap) {
			rr->line_cap *= 2;
			rr->line_p = xrealloc(rr->line_p, rr->line_cap);
		}
		rr->line_p[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (ferror(rr->in))
		return -1;
	rr->line_p[len] = '\0';
	return (ssize_t)len;
}

void
record_reader_release(struct record_reader *rr)
{
	free(rr->line_p);
	rr->line_p = NULL;
	rr->line_cap = 0;
}

int
record_read_all(struct record_reader *rr, struct record_list *l)
{
	struct record rec;
	int rc;

	while ((rc = record_read(rr, &rec)) > 0) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 1024;
			l->rec = xrealloc(l->rec, l->cap * sizeof *l->rec);
		}
		rec.email = xstrdup(rec.email);
		rec.name = xstrdup(rec.name);
		rec.detail = xstrdup(rec.detail);
		l->rec[l->n++] = rec;
	}
	return rc;
}

void
record_list_release(struct record_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->rec[i].email);
		free((char *)l->rec[i].name);
		free((char *)l->rec[i].detail);
	}
	free(l->rec);
	memset(l, 0, sizeof *l);
}

static int bad(struct record_reader *rr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
bad(struct record_reader *rr, const char *fmt, ...)
{
	char why[120];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(rr->err, sizeof rr->err, "%.100s:%lu: not a credpipe record "
	    "(%s); is it a CSV file? run it through csv-validate first",
	    rr->name, rr->line, why);
	rr->code = EXIT_DATAERR;
	return -1;
}

/* Unescape the field that starts at s in place, up to the next TAB or the
 * end; return the character after it, or NULL on a bad escape. */
static char *
unescape(char *s, char **end)
{
	char *w = s;

	for (; *s && *s != '\t'; s++) {
		if (*s != '\\') {
			*w++ = *s;
			continue;
		}
		switch (*++s) {
		case '\\': *w++ = '\\'; break;
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		default: return NULL;
		}
	}
	*end = s;
	return w;
}

int
record_split(char *line, char **fields, int max)
{
	char *s = line, *w, *end, sep = '\t';
	int n;

	for (n = 0; sep == '\t'; n++) {
		if (n == max)
			return -2;
		fields[n] = s;
		if (!(w = unescape(s, &end)))
			return -1;
		sep = *end;
		*w = '\0';
		s = end + 1;
	}
	return n;
}

int
record_read_line(struct record_reader *rr, size_t *len)
{
	ssize_t n;

	errno = 0;
	n = read_line(rr);
	if (n == -1) {
		snprintf(rr->err, sizeof rr->err, "%s: %s", rr->name,
		    strerror(errno ? errno : EIO));
		rr->code = EXIT_IOERR;
		return -1;
	}
	if (n == -3) {
		snprintf(rr->err, sizeof rr->err, "%.100s: more than %zu bytes "
		    "of records; split the roster and submit its parts one "
		    "after the other", rr->name, rr->limit);
		rr->code = EXIT_DATAERR;
		return -1;
	}
	if (n == 0)
		return 0;
	rr->line++;
	if (n == -2)
		return -2;
	if (rr->line_p[n - 1] == '\n')
		rr->line_p[--n] = '\0';
	*len = (size_t)n;
	return 1;
}

int
record_read(struct record_reader *rr, struct record *rec)
{
	char *f[5], *s;
	size_t len;
	int nf, st;

	if ((st = record_read_line(rr, &len)) == -2)
		return bad(rr, "a line longer than %d bytes", RECORD_LINE_MAX);
	if (st <= 0)
		return st;
	s = rr->line_p;
	if (memchr(s, '\0', len))
		return bad(rr, "NUL byte");
	if (memchr(s, '\r', len))
		return bad(rr, "carriage return; CRLF line ends?");
	nf = record_split(s, f, 5);
	if (nf == -1)
		return bad(rr, "bad backslash escape");
	if (nf == -2)
		return bad(rr, "more than 5 fields");
	if (nf < 5)
		return bad(rr, "%d field%s, expected 5", nf, nf > 1 ? "s" : "");
	if (parse_ulong(f[0], 1, RECORD_ROW_MAX, &rec->row) != 0)
		return bad(rr, "row '%.20s' is not a positive number up to %lld",
		    f[0], RECORD_ROW_MAX);
	if ((st = record_status_parse(f[1])) < 0)
		return bad(rr, "unknown status '%.30s'", f[1]);
	rec->status = (enum record_status)st;
	rec->email = f[2];
	rec->name = f[3];
	rec->detail = f[4];
	return 1;
}
