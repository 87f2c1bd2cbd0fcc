/*
 * mime.c: the credential email and its templates; the contract is in
 * mime.h.
 *
 * Headers are written through a small folding writer that knows the
 * column it is at: a token that would pass column 76 goes on a new
 * continuation line instead.  Encoded-words are cut to the room left on
 * the line, never inside a UTF-8 character (RFC 2047 section 5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "email.h"
#include "mime.h"
#include "utf8.h"
#include "util.h"

#define FOLD 76			/* the longest header line we write */
#define WORD_MAX 75		/* the longest encoded-word (RFC 2047) */
#define UUID_LEN 36

static const char hex[] = "0123456789ABCDEF";

/* A header being written: the buffer and the column of its last line. */
struct hdr {
	struct buf *b;
	size_t col;
};

static void
hdr_begin(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	buf_adds(b, name);
	buf_addc(b, ':');
	h->col = strlen(name) + 1;
}

/* Add " token", first folding the line when the token does not fit. */
static void
hdr_token(struct hdr *h, const char *s, size_t n)
{
	if (h->col + 1 + n > FOLD && h->col > 0) {
		buf_adds(h->b, "\r\n");
		h->col = 0;
	}
	buf_addc(h->b, ' ');
	buf_add(h->b, s, n);
	h->col += 1 + n;
}

static void
hdr_end(struct hdr *h)
{
	buf_adds(h->b, "\r\n");
}

/* Characters Q encoding may leave as they are in any header (RFC 2047
 * section 5, rule 3: the strictest, for phrases). */
static int
q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/' || c == ' ';
}

/* The bytes of the UTF-8 character at s, and their Q-encoded width. */
static size_t
q_char(const char *s, size_t *width)
{
	const char *p = s;
	size_t n, i;

	utf8_next(&p);
	n = (size_t)(p - s);
	*width = 0;
	for (i = 0; i < n; i++)
		*width += q_literal((unsigned char)s[i]) ? 1 : 3;
	return n;
}

/*
 * Add the valid UTF-8 text s as a run of encoded-words.  Decoders drop
 * the white space between adjacent encoded-words, so the text, spaces
 * included, comes back exactly.
 */
static void
hdr_encoded(struct hdr *h, const char *s, size_t n)
{
	static const char open[] = "=?UTF-8?Q?";
	const size_t overhead = sizeof open - 1 + 2;
	size_t i = 0;

	while (i < n) {
		size_t room, w, width, len;

		room = h->col + 1 < FOLD ? FOLD - h->col - 1 : 0;
		if (room > WORD_MAX)
			room = WORD_MAX;
		q_char(s + i, &width);
		if (room < overhead + width) {
			buf_adds(h->b, "\r\n");
			h->col = 0;
			room = WORD_MAX;
		}
		buf_addc(h->b, ' ');
		buf_adds(h->b, open);
		w = overhead;
		while (i < n) {
			len = q_char(s + i, &width);
			if (w + width > room)
				break;
			for (; len > 0; len--, i++) {
				unsigned char c = (unsigned char)s[i];

				if (c == ' ') {
					buf_addc(h->b, '_');
				} else if (q_literal(c)) {
					buf_addc(h->b, c);
				} else {
					buf_addc(h->b, '=');
					buf_addc(h->b, hex[c >> 4]);
					buf_addc(h->b, hex[c & 15]);
				}
			}
			w += width;
		}
		buf_adds(h->b, "?=");
		h->col += 1 + w;
	}
}

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/*
 * Whether s can go out as it is: words of atext (a phrase) or of any
 * printable ASCII (unstructured text), one space between them, none at
 * either end, each short enough for a line, and nothing a decoder could
 * take for an encoded-word.
 */
static int
is_plain(const char *s, int phrase)
{
	size_t word = 0;
	const char *p;

	if (!*s || strstr(s, "=?"))
		return 0;
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == ' ') {
			if (word == 0 || p[1] == '\0')
				return 0;
			word = 0;
		} else if (phrase ? !is_atext(c) : c < 0x21 || c > 0x7e) {
			return 0;
		} else if (++word > WORD_MAX) {
			return 0;
		}
	}
	return 1;
}

/* Add text as it is, a word per token, or else as encoded-words. */
static void
hdr_text(struct hdr *h, const char *s, int phrase)
{
	const char *sp;

	if (!is_plain(s, phrase)) {
		hdr_encoded(h, s, strlen(s));
		return;
	}
	while ((sp = strchr(s, ' '))) {
		hdr_token(h, s, (size_t)(sp - s));
		s = sp + 1;
	}
	hdr_token(h, s, strlen(s));
}

static int fail(char why[MIME_WHY_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(char why[MIME_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, MIME_WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Refuse text that is not valid UTF-8 or that holds a control
 * character. */
static int
check_text(const char *what, const char *s, char why[MIME_WHY_MAX])
{
	size_t n = strlen(s);
	const char *c;
	int partial;

	if (utf8_check(s, n, &partial) != n)
		return fail(why, "%s: not valid UTF-8", what);
	if ((c = utf8_find_control(s, n)))
		return fail(why, "%s: control character U+%04lX", what,
		    utf8_next(&c));
	return 0;
}

/* Copy an address, lowercased, into out, or refuse it. */
static int
check_addr(const char *what, const char *s, struct buf *out,
    char why[MIME_WHY_MAX])
{
	char ewhy[EMAIL_WHY_MAX];

	buf_reset(out);
	buf_adds(out, s);
	if (email_check(out->p, out->len, ewhy) != 0)
		return fail(why, "%s: %s", what, ewhy);
	return 0;
}

/* Copy the UUID of a "urn:uuid:" id, lowercased, into uuid. */
static int
check_uuid(const char *id, char uuid[UUID_LEN + 1], char why[MIME_WHY_MAX])
{
	size_t i;

	if (strncasecmp(id, "urn:uuid:", 9) != 0 ||
	    strlen(id + 9) != UUID_LEN)
		return fail(why, "credential id: not urn:uuid: and a UUID");
	for (i = 0; i < UUID_LEN; i++) {
		char c = id[9 + i];
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-' : !strchr("0123456789abcdefABCDEF", c))
			return fail(why,
			    "credential id: not urn:uuid: and a UUID");
		uuid[i] = (char)(c >= 'A' && c <= 'F' ? c + 'a' - 'A' : c);
	}
	uuid[UUID_LEN] = '\0';
	return 0;
}

static void
add_address(struct buf *b, const char *header, const char *name,
    const char *addr)
{
	struct hdr h;
	struct buf tok = BUF_INIT;

	hdr_begin(&h, b, header);
	if (name && *name) {
		hdr_text(&h, name, 1);
		buf_printf(&tok, "<%s>", addr);
		hdr_token(&h, tok.p, tok.len);
	} else {
		hdr_token(&h, addr, strlen(addr));
	}
	hdr_end(&h);
	buf_release(&tok);
}

static int
add_date(struct buf *b, long long date, char why[MIME_WHY_MAX])
{
	static const char days[7][4] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	time_t t = (time_t)date;
	struct tm tm;

	if (date < 0 || (long long)t != date || !gmtime_r(&t, &tm) ||
	    tm.tm_year > 9999 - 1900)
		return fail(why, "date: out of range");
	buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

/*
 * Quoted-printable (RFC 2045 section 6.7) with CRLF for every line end of
 * the text.  Lines stay within 76 columns, the soft break's "=" included;
 * white space before a line end is encoded, and so is the F of a line
 * that starts "From ", which some mailbox formats would mangle.
 */
static void
add_qp(struct buf *b, const unsigned char *s, size_t n)
{
	size_t i = 0, col = 0;

	while (i < n) {
		unsigned char c = s[i];
		int lit;

		if (c == '\r' || c == '\n') {
			buf_adds(b, "\r\n");
			col = 0;
			i += c == '\r' && i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
			continue;
		}
		lit = (c >= 0x21 && c <= 0x7e && c != '=') || c == ' ' ||
		    c == '\t';
		if ((c == ' ' || c == '\t') &&
		    (i + 1 == n || s[i + 1] == '\r' || s[i + 1] == '\n'))
			lit = 0;
		if (col + (lit ? 1 : 3) > FOLD - 1) {
			buf_adds(b, "=\r\n");
			col = 0;
		}
		if (col == 0 && n - i >= 5 && memcmp(s + i, "From ", 5) == 0)
			lit = 0;
		if (lit) {
			buf_addc(b, c);
			col++;
		} else {
			buf_addc(b, '=');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
			col += 3;
		}
		i++;
	}
}

/* Base64 (RFC 2045 section 6.8) in lines of 76 columns joined by CRLF. */
static void
add_base64(struct buf *b, const unsigned char *s, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)s[i] << 16;
		size_t left = n - i;

		if (i > 0 && i % 57 == 0)
			buf_adds(b, "\r\n");
		if (left > 1)
			v |= (unsigned long)s[i + 1] << 8;
		if (left > 2)
			v |= s[i + 2];
		buf_addc(b, abc[v >> 18 & 63]);
		buf_addc(b, abc[v >> 12 & 63]);
		buf_addc(b, left > 1 ? abc[v >> 6 & 63] : '=');
		buf_addc(b, left > 2 ? abc[v & 63] : '=');
	}
}

/* Check every input; on success the addresses and the domain are the
 * checked, lowercased copies. */
static int
check_message(const struct mime_message *m, struct buf *from, struct buf *to,
    struct buf *domain, char uuid[UUID_LEN + 1], char why[MIME_WHY_MAX])
{
	struct buf probe = BUF_INIT, checked = BUF_INIT;
	int partial, rc;

	if (check_addr("sender address", m->from_addr, from, why) != 0 ||
	    check_addr("recipient address", m->to_addr, to, why) != 0)
		return -1;
	if (m->from_name && check_text("sender name", m->from_name, why) != 0)
		return -1;
	if (m->to_name && check_text("recipient name", m->to_name, why) != 0)
		return -1;
	if (check_text("subject", m->subject, why) != 0)
		return -1;
	if (utf8_check(m->body, m->body_len, &partial) != m->body_len)
		return fail(why, "body: not valid UTF-8");
	if (check_uuid(m->credential_id, uuid, why) != 0)
		return -1;
	buf_reset(domain);
	if (!m->domain) {
		buf_adds(domain, strchr(from->p, '@') + 1);
		return 0;
	}
	/* The domain rules are those of an address's domain. */
	buf_printf(&probe, "postmaster@%s", m->domain);
	rc = check_addr("message-id domain", probe.p, &checked, why);
	if (rc == 0)
		buf_adds(domain, checked.p + 11);
	buf_release(&probe);
	buf_release(&checked);
	return rc;
}

int
mime_build(struct buf *out, const struct mime_message *m,
    char why[MIME_WHY_MAX])
{
	struct buf from = BUF_INIT, to = BUF_INIT, domain = BUF_INIT;
	struct buf tok = BUF_INIT, bound = BUF_INIT;
	char uuid[UUID_LEN + 1];
	size_t start = out->len;
	struct hdr h;
	const char *u;
	int rc = -1;

	if (check_message(m, &from, &to, &domain, uuid, why) != 0 ||
	    add_date(out, m->date, why) != 0)
		goto done;
	add_address(out, "From", m->from_name, from.p);
	add_address(out, "To", m->to_name, to.p);
	hdr_begin(&h, out, "Subject");
	if (*m->subject)
		hdr_text(&h, m->subject, 0);
	hdr_end(&h);
	hdr_begin(&h, out, "Message-ID");
	buf_printf(&tok, "<%s@%s>", uuid, domain.p);
	hdr_token(&h, tok.p, tok.len);
	hdr_end(&h);

	buf_adds(&bound, "=_credpipe_");
	for (u = uuid; *u; u++)
		if (*u != '-')
			buf_addc(&bound, *u);
	buf_printf(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n"
	    "\r\n--%s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	    bound.p, bound.p);
	add_qp(out, (const unsigned char *)m->body, m->body_len);
	buf_printf(out, "\r\n--%s\r\n"
	    "Content-Type: application/json; name=\"credential.json\"\r\n"
	    "Content-Disposition: attachment; filename=\"credential.json\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", bound.p);
	add_base64(out, m->attachment, m->attachment_len);
	buf_printf(out, "\r\n--%s--\r\n", bound.p);
	rc = 0;
done:
	if (rc != 0 && out->p) {
		out->len = start;
		out->p[start] = '\0';
	}
	buf_release(&from);
	buf_release(&to);
	buf_release(&domain);
	buf_release(&tok);
	buf_release(&bound);
	return rc;
}

/* The value a placeholder name stands for; 0 when the name is unknown. */
static int
lookup(const char *name, size_t n, const struct mime_vars *v,
    const char **value)
{
	static const struct {
		const char *name;
		size_t off;
	} names[] = {
		{ "name", offsetof(struct mime_vars, name) },
		{ "badge", offsetof(struct mime_vars, badge) },
		{ "org", offsetof(struct mime_vars, org) },
		{ "credential_id", offsetof(struct mime_vars, credential_id) },
		{ "valid_until", offsetof(struct mime_vars, valid_until) },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, name, n) == 0) {
			*value = *(const char *const *)
			    ((const char *)v + names[i].off);
			return 1;
		}
	return 0;
}

/* A placeholder name worth quoting in a message: short, [a-z0-9_]. */
static int
is_word(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && s[i] != '_' &&
		    !(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return n > 0 && n <= 32;
}

int
mime_expand(struct buf *out, const char *tmpl, const struct mime_vars *v,
    char why[MIME_WHY_MAX])
{
	size_t start = out->len;
	const char *p = tmpl, *open, *close, *name, *end;

	while ((open = strstr(p, "{{"))) {
		const char *value;
		size_t n;

		buf_add(out, p, (size_t)(open - p));
		if (!(close = strstr(open + 2, "}}"))) {
			fail(why, "template: {{ without }} at offset %zu",
			    (size_t)(open - tmpl));
			goto fail;
		}
		for (name = open + 2; *name == ' '; name++)
			;
		for (end = close; end > name && end[-1] == ' '; end--)
			;
		n = (size_t)(end - name);
		if (!lookup(name, n, v, &value)) {
			if (is_word(name, n))
				fail(why, "template: unknown placeholder "
				    "{{%.*s}}", (int)n, name);
			else
				fail(why, "template: unknown placeholder at "
				    "offset %zu", (size_t)(open - tmpl));
			goto fail;
		}
		if (value)
			buf_adds(out, value);
		p = close + 2;
	}
	buf_adds(out, p);
	return 0;
fail:
	if (out->p) {
		out->len = start;
		out->p[start] = '\0';
	}
	return -1;
}
