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

#include "credential.h"
#include "email.h"
#include "image.h"
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

/* Refuse a file name that a quoted parameter could not carry as it is. */
static int
check_file_name(const char *s, char why[MIME_WHY_MAX])
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789._-";
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || strspn(s, ok) != n)
		return fail(why, "attachment name: not 1 to 128 letters, "
		    "digits, '.', '_' and '-', not starting with '.'");
	return 0;
}

/* Check every input; on success the addresses and the domain are the
 * checked, lowercased copies, and *type the image's. */
static int
check_message(const struct mime_message *m, struct buf *from, struct buf *to,
    struct buf *domain, char uuid[UUID_LEN + 1], enum image_type *type,
    char why[MIME_WHY_MAX])
{
	struct buf probe = BUF_INIT, checked = BUF_INIT;
	char iwhy[IMAGE_WHY_MAX];
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
	if (m->html && utf8_check(m->html, m->html_len, &partial) !=
	    m->html_len)
		return fail(why, "html: not valid UTF-8");
	*type = IMAGE_NONE;
	if (m->image && (*type = image_sniff(m->image, m->image_len, iwhy)) ==
	    IMAGE_NONE)
		return fail(why, "image: %s", iwhy);
	if (m->image_alt && check_text("image text", m->image_alt, why) != 0)
		return -1;
	if (m->attachment_name && check_file_name(m->attachment_name, why))
		return -1;
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

/* ---- HTML ---- */

/*
 * Where a template or a text goes: out as it is, or as the paragraphs of
 * an HTML body.  For HTML, line ends are counted and written only once
 * the next text comes: one is a <br>, more close the paragraph.
 */
struct sink {
	struct buf *out;
	int html;
	int in_p;	/* a <p> is open */
	int nl;		/* line ends since the last text */
	int cr;		/* the last byte was a CR (CRLF is one line end) */
};

/* Append the n bytes at s, valid UTF-8, escaped for HTML text and
 * attribute values; control characters but TAB are left out. */
static void
html_escape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '&')
			buf_adds(b, "&amp;");
		else if (c == '<')
			buf_adds(b, "&lt;");
		else if (c == '>')
			buf_adds(b, "&gt;");
		else if (c == '"')
			buf_adds(b, "&quot;");
		else if (c == '\'')
			buf_adds(b, "&#39;");
		else if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			i++;	/* U+0080-U+009F */
		else if ((c >= 0x20 && c != 0x7f) || c == '\t')
			buf_addc(b, c);
	}
}

/* Text is coming: write the line ends it follows. */
static void
html_break(struct sink *k)
{
	if (!k->in_p) {
		buf_adds(k->out, "<p>");
		k->in_p = 1;
	} else if (k->nl == 1) {
		buf_adds(k->out, "<br>\n");
	} else if (k->nl > 1) {
		buf_adds(k->out, "</p>\n<p>");
	}
	k->nl = 0;
}

static void
sink_text(struct sink *k, const char *s, size_t n)
{
	size_t i = 0, end;

	if (!k->html) {
		buf_add(k->out, s, n);
		return;
	}
	while (i < n) {
		if (s[i] == '\r' || s[i] == '\n') {
			if (s[i] == '\r' || !k->cr)
				k->nl++;
			k->cr = s[i++] == '\r';
			continue;
		}
		k->cr = 0;
		if ((s[i] == ' ' || s[i] == '\t') && (k->nl || !k->in_p)) {
			i++;
			continue;
		}
		for (end = i; end < n && s[end] != '\r' && s[end] != '\n';
		    end++)
			;
		html_break(k);
		html_escape(k->out, s + i, end - i);
		i = end;
	}
}

/* A value: in HTML isolated, so that its direction stays its own, or a
 * link to it. */
static void
sink_value(struct sink *k, const char *s, int link)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return;
	if (!k->html) {
		buf_add(k->out, s, n);
		return;
	}
	html_break(k);
	if (link) {
		buf_adds(k->out, "<a href=\"");
		html_escape(k->out, s, n);
		buf_adds(k->out, "\">");
	} else {
		buf_adds(k->out, "<bdi>");
	}
	html_escape(k->out, s, n);
	buf_adds(k->out, link ? "</a>" : "</bdi>");
}

static void
sink_end(struct sink *k)
{
	if (k->html && k->in_p)
		buf_adds(k->out, "</p>\n");
	k->in_p = 0;
	k->nl = 0;
}

/*
 * The HTML document of the message: its title the subject, the image
 * first when there is one (cid names it), then the body's HTML, or the
 * body's text in paragraphs.  Nothing in it points outside the message.
 */
static void
html_document(struct buf *doc, const struct mime_message *m, const char *cid)
{
	struct sink k = { doc, 1, 0, 0, 0 };

	buf_adds(doc, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>");
	html_escape(doc, m->subject, strlen(m->subject));
	buf_adds(doc, "</title>\n</head>\n<body>\n");
	if (cid) {
		buf_printf(doc, "<p><img src=\"cid:%s\" alt=\"", cid);
		if (m->image_alt)
			html_escape(doc, m->image_alt, strlen(m->image_alt));
		buf_adds(doc, "\" width=\"128\"></p>\n");
	}
	if (m->html) {
		buf_add(doc, m->html, m->html_len);
	} else {
		sink_text(&k, m->body, m->body_len);
		sink_end(&k);
	}
	buf_adds(doc, "</body>\n</html>\n");
}

/* ---- the message ---- */

/* A part's header "NAME: VALUE; PARAM="FILE"", folded where it must. */
static void
add_param(struct buf *b, const char *header, const char *value,
    const char *param, const char *file)
{
	struct buf tok = BUF_INIT;
	struct hdr h;

	hdr_begin(&h, b, header);
	buf_printf(&tok, "%s;", value);
	hdr_token(&h, tok.p, tok.len);
	buf_reset(&tok);
	buf_printf(&tok, "%s=\"%s\"", param, file);
	hdr_token(&h, tok.p, tok.len);
	hdr_end(&h);
	buf_release(&tok);
}

/* The image part of the multipart/related, named after the attachment. */
static void
add_image(struct buf *out, const struct mime_message *m, enum image_type t,
    const char *file, const char *cid)
{
	struct buf name = BUF_INIT, tok = BUF_INIT;
	const char *dot = strrchr(file, '.');
	struct hdr h;

	buf_add(&name, file, dot ? (size_t)(dot - file) : strlen(file));
	buf_printf(&name, ".%s", image_name(t));
	add_param(out, "Content-Type", image_mime_type(t), "name", name.p);
	buf_adds(out, "Content-Transfer-Encoding: base64\r\n");
	hdr_begin(&h, out, "Content-ID");
	buf_printf(&tok, "<%s>", cid);
	hdr_token(&h, tok.p, tok.len);
	hdr_end(&h);
	add_param(out, "Content-Disposition", "inline", "filename", name.p);
	buf_adds(out, "\r\n");
	add_base64(out, m->image, m->image_len);
	buf_release(&name);
	buf_release(&tok);
}

int
mime_build(struct buf *out, const struct mime_message *m,
    char why[MIME_WHY_MAX])
{
	struct buf from = BUF_INIT, to = BUF_INIT, domain = BUF_INIT;
	struct buf tok = BUF_INIT, id = BUF_INIT, cid = BUF_INIT;
	struct buf doc = BUF_INIT;
	const char *file = m->attachment_name ? m->attachment_name :
	    "credential.json";
	char uuid[UUID_LEN + 1];
	size_t start = out->len;
	enum image_type type;
	struct hdr h;
	const char *u;
	int rc = -1;

	if (check_message(m, &from, &to, &domain, uuid, &type, why) != 0 ||
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

	/* Boundaries =_credpipe_HEX, =_credpipe_alt_HEX, =_credpipe_rel_HEX:
	 * no HEX holds an "l", so none starts another. */
	for (u = uuid; *u; u++)
		if (*u != '-')
			buf_addc(&id, *u);
	buf_printf(&cid, "image-%s@%s", uuid, domain.p);
	buf_printf(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"=_credpipe_%s\"\r\n"
	    "\r\n--=_credpipe_%s\r\n"
	    "Content-Type: multipart/alternative;\r\n"
	    " boundary=\"=_credpipe_alt_%s\"\r\n"
	    "\r\n--=_credpipe_alt_%s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	    id.p, id.p, id.p, id.p);
	add_qp(out, (const unsigned char *)m->body, m->body_len);
	buf_printf(out, "\r\n--=_credpipe_alt_%s\r\n", id.p);
	if (type != IMAGE_NONE)
		buf_printf(out, "Content-Type: multipart/related; "
		    "type=\"text/html\";\r\n"
		    " boundary=\"=_credpipe_rel_%s\"\r\n"
		    "\r\n--=_credpipe_rel_%s\r\n", id.p, id.p);
	buf_adds(out, "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	html_document(&doc, m, type != IMAGE_NONE ? cid.p : NULL);
	add_qp(out, (const unsigned char *)doc.p, doc.len);
	if (type != IMAGE_NONE) {
		buf_printf(out, "\r\n--=_credpipe_rel_%s\r\n", id.p);
		add_image(out, m, type, file, cid.p);
		buf_printf(out, "\r\n--=_credpipe_rel_%s--", id.p);
	}
	buf_printf(out, "\r\n--=_credpipe_alt_%s--\r\n--=_credpipe_%s\r\n",
	    id.p, id.p);
	add_param(out, "Content-Type", "application/json", "name", file);
	add_param(out, "Content-Disposition", "attachment", "filename", file);
	buf_adds(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64(out, m->attachment, m->attachment_len);
	buf_printf(out, "\r\n--=_credpipe_%s--\r\n", id.p);
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
	buf_release(&id);
	buf_release(&cid);
	buf_release(&doc);
	return rc;
}

/* ---- templates ---- */

/* The placeholders: their names, their values, and which are links. */
static const struct {
	const char *name;
	size_t off;
	int link;
} names[] = {
	{ "name", offsetof(struct mime_vars, name), 0 },
	{ "badge", offsetof(struct mime_vars, badge), 0 },
	{ "org", offsetof(struct mime_vars, org), 0 },
	{ "credential_id", offsetof(struct mime_vars, credential_id), 0 },
	{ "valid_until", offsetof(struct mime_vars, valid_until), 0 },
	{ "file", offsetof(struct mime_vars, file), 0 },
	{ "wallet", offsetof(struct mime_vars, wallet), 1 },
	{ "verifier", offsetof(struct mime_vars, verifier), 1 },
};

/* The index in names of a placeholder name, its value in *value; -1 when
 * the name is unknown. */
static int
lookup(const char *name, size_t n, const struct mime_vars *v,
    const char **value)
{
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n &&
		    memcmp(names[i].name, name, n) == 0) {
			*value = *(const char *const *)
			    ((const char *)v + names[i].off);
			return (int)i;
		}
	return -1;
}

/* Whether the string s is valid UTF-8, as html_escape needs it: there a
 * control character dropped from between stray bytes could join them
 * into a C1 control. */
static int
is_utf8(const char *s)
{
	size_t n = strlen(s);
	int partial;

	return utf8_check(s, n, &partial) == n;
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

/*
 * Whether the tag from open to close (past its "}}") is alone on its
 * line, p being where the text not yet written starts: then *from is
 * where the line starts and *next past its line end.
 */
static int
standalone(const char *tmpl, const char *p, const char *open,
    const char *close, const char **from, const char **next)
{
	const char *s = open, *e = close;

	while (s > p && (s[-1] == ' ' || s[-1] == '\t'))
		s--;
	if (s > tmpl && s[-1] != '\n' && s[-1] != '\r')
		return 0;
	while (*e == ' ' || *e == '\t')
		e++;
	if (*e == '\r')
		e += e[1] == '\n' ? 2 : 1;
	else if (*e == '\n')
		e++;
	else if (*e)
		return 0;
	*from = s;
	*next = e;
	return 1;
}

static int
expand(struct sink *k, const char *tmpl, const struct mime_vars *v,
    char why[MIME_WHY_MAX])
{
	size_t start = k->out->len, slen = 0;
	const char *p = tmpl, *open, *close, *name, *end, *section = NULL;
	char ssigil = 0;
	int skip = 0;

	if (k->html && !is_utf8(tmpl)) {
		fail(why, "template: not valid UTF-8");
		goto fail;
	}
	while ((open = strstr(p, "{{"))) {
		const char *value, *from = open, *next;
		char sigil = 0;
		size_t n;
		int i;

		if (!(close = strstr(open + 2, "}}"))) {
			fail(why, "template: {{ without }} at offset %zu",
			    (size_t)(open - tmpl));
			goto fail;
		}
		for (name = open + 2; *name == ' '; name++)
			;
		if (*name == '#' || *name == '^' || *name == '/')
			for (sigil = *name++; *name == ' '; name++)
				;
		for (end = close; end > name && end[-1] == ' '; end--)
			;
		n = (size_t)(end - name);
		if ((i = lookup(name, n, v, &value)) < 0) {
			if (is_word(name, n))
				fail(why, "template: unknown placeholder "
				    "{{%.*s%.*s}}", sigil != 0, &sigil,
				    (int)n, name);
			else
				fail(why, "template: unknown placeholder at "
				    "offset %zu", (size_t)(open - tmpl));
			goto fail;
		}
		next = close + 2;
		if (sigil)
			standalone(tmpl, p, open, next, &from, &next);
		if (!skip)
			sink_text(k, p, (size_t)(from - p));
		if (sigil == '#' || sigil == '^') {
			if (section) {
				fail(why, "template: {{%c%s}} inside "
				    "{{%c%.*s}}", sigil, names[i].name, ssigil,
				    (int)slen, section);
				goto fail;
			}
			section = name;
			slen = n;
			ssigil = sigil;
			skip = (sigil == '#') == !(value && *value);
		} else if (sigil == '/') {
			if (!section || slen != n || memcmp(section, name, n)) {
				fail(why, "template: {{/%s}} without its "
				    "{{#%s}}", names[i].name, names[i].name);
				goto fail;
			}
			section = NULL;
			skip = 0;
		} else if (!skip) {
			if (names[i].link && k->html && value && *value &&
			    !credential_is_url(value, 1)) {
				fail(why, "template: {{%s}} is not an https "
				    "URL", names[i].name);
				goto fail;
			}
			if (k->html && value && !is_utf8(value)) {
				fail(why, "template: {{%s}} is not valid "
				    "UTF-8", names[i].name);
				goto fail;
			}
			sink_value(k, value, names[i].link);
		}
		p = next;
	}
	if (section) {
		fail(why, "template: {{%c%.*s}} without its {{/%.*s}}", ssigil,
		    (int)slen, section, (int)slen, section);
		goto fail;
	}
	sink_text(k, p, strlen(p));
	sink_end(k);
	return 0;
fail:
	if (k->out->p) {
		k->out->len = start;
		k->out->p[start] = '\0';
	}
	return -1;
}

int
mime_expand(struct buf *out, const char *tmpl, const struct mime_vars *v,
    char why[MIME_WHY_MAX])
{
	struct sink k = { out, 0, 0, 0, 0 };

	return expand(&k, tmpl, v, why);
}

int
mime_expand_html(struct buf *out, const char *tmpl,
    const struct mime_vars *v, char why[MIME_WHY_MAX])
{
	struct sink k = { out, 1, 0, 0, 0 };

	return expand(&k, tmpl, v, why);
}
