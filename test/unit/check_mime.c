/*
 * check_mime.c: mime_build and mime_expand against the cases in
 * data/mime-*.  The messages are taken apart again here with a decoder
 * of their own (unfolding, RFC 2047 Q words, quoted-printable, base64),
 * written from the RFCs rather than from mime.c; test/cli/007*.t have
 * Python's email package read them too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "unit.h"

#define ID "urn:uuid:0B5E8D4C-3F1A-4C2E-9D7B-6A5F4E3D2C1B"
#define MSGID " <0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1b@example.org>"

static void
defaults(struct mime_message *m)
{
	static const char body[] = "Hello Ada,\nyour badge.\n";
	static const char json[] = "{\"id\":\"" ID "\"}\n";

	memset(m, 0, sizeof *m);
	m->from_addr = "Badges@Example.org";
	m->from_name = "Example Academy";
	m->to_addr = "ada@example.org";
	m->to_name = "Ada Lovelace";
	m->subject = "Your badge";
	m->body = body;
	m->body_len = sizeof body - 1;
	m->attachment = json;
	m->attachment_len = sizeof json - 1;
	m->credential_id = ID;
	m->date = 1700000000;
}

/* The next line of a case file that is not a comment, without its LF;
 * NULL at the end. */
static char *
next_case(FILE *f, char **line, size_t *cap)
{
	ssize_t n;

	while ((n = getline(line, cap, f)) > 0) {
		if ((*line)[0] == '#')
			continue;
		if ((*line)[n - 1] == '\n')
			(*line)[n - 1] = '\0';
		return *line;
	}
	return NULL;
}

static FILE *
open_data(const char *name)
{
	struct buf path = BUF_INIT;
	FILE *f;

	buf_printf(&path, "%s/test/unit/data/%s", unit_top(), name);
	f = fopen(path.p, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path.p);
	buf_release(&path);
	return f;
}

/* Split "A<TAB>B" into two unescaped fields. */
static void
split2(const char *line, struct buf *a, struct buf *b)
{
	const char *tab = strchr(line, '\t');

	ck_assert_msg(tab != NULL, "no TAB in '%s'", line);
	unit_unescape(a, line, (size_t)(tab - line));
	unit_unescape(b, tab + 1, strlen(tab + 1));
}

/*
 * The wire rules: every line ends in CRLF (no CR or LF alone), no line
 * is longer than max (except the one equal to long_line, if any), the
 * header block is printable ASCII, and the rest is ASCII with at most
 * TAB as a control character.
 */
static void
check_wire(const struct buf *msg, size_t max, const char *long_line)
{
	const char *p = msg->p, *end = msg->p + msg->len, *eol;
	int in_header = 1;

	ck_assert_uint_gt(msg->len, 2);
	ck_assert_msg(memcmp(end - 2, "\r\n", 2) == 0, "no final CRLF");
	for (; p < end; p = eol + 2) {
		const char *q;

		eol = memchr(p, '\r', (size_t)(end - p));
		ck_assert_msg(eol && eol + 1 < end && eol[1] == '\n',
		    "a CR without LF after offset %td", p - msg->p);
		ck_assert_msg(!memchr(p, '\n', (size_t)(eol - p)),
		    "a LF without CR at offset %td", p - msg->p);
		if (!long_line || (size_t)(eol - p) != strlen(long_line) ||
		    memcmp(p, long_line, strlen(long_line)) != 0)
			ck_assert_msg((size_t)(eol - p) <= max, "line of %td "
			    "columns: %.*s", eol - p, (int)(eol - p), p);
		for (q = p; q < eol; q++) {
			unsigned char c = (unsigned char)*q;

			ck_assert_msg((c >= 0x20 && c < 0x7f) ||
			    (!in_header && c == '\t'), "byte 0x%02x at offset "
			    "%td", c, q - msg->p);
		}
		if (eol == p)
			in_header = 0;
	}
}

/* The unfolded value of a header of the top-level block, after the
 * colon; NULL when it has none. */
static char *
header(const struct buf *msg, const char *name)
{
	struct buf v = BUF_INIT;
	const char *p = msg->p, *eol;
	size_t n = strlen(name);

	for (; (eol = strstr(p, "\r\n")) && eol != p; p = eol + 2) {
		if (strncmp(p, name, n) != 0 || p[n] != ':')
			continue;
		buf_add(&v, p + n + 1, (size_t)(eol - p - n - 1));
		while (eol[2] == ' ' || eol[2] == '\t') {
			p = eol + 2;
			eol = strstr(p, "\r\n");
			buf_add(&v, p, (size_t)(eol - p));
		}
		return buf_detach(&v);
	}
	return NULL;
}

static int
unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_encoded_word(const char *w, size_t n)
{
	return n >= 12 && strncmp(w, "=?UTF-8?Q?", 10) == 0 &&
	    memcmp(w + n - 2, "?=", 2) == 0;
}

/* Decode one =?UTF-8?Q?...?= word of n bytes. */
static void
decode_word(const char *w, size_t n, struct buf *out)
{
	size_t i;

	ck_assert_msg(n <= 75, "encoded-word of %zu characters", n);
	for (i = 10; i < n - 2; i++) {
		if (w[i] == '_') {
			buf_addc(out, ' ');
		} else if (w[i] == '=') {
			ck_assert(i + 2 < n - 2);
			ck_assert(unhex(w[i + 1]) >= 0 && unhex(w[i + 2]) >= 0);
			buf_addc(out, unhex(w[i + 1]) << 4 | unhex(w[i + 2]));
			i += 2;
		} else {
			ck_assert_msg(strchr("!*+-/", w[i]) ||
			    (w[i] >= 'a' && w[i] <= 'z') ||
			    (w[i] >= 'A' && w[i] <= 'Z') ||
			    (w[i] >= '0' && w[i] <= '9'),
			    "'%c' in an encoded-word", w[i]);
			buf_addc(out, w[i]);
		}
	}
}

/* RFC 2047 section 6.2: decode the words; white space between two
 * encoded-words goes, any other stays.  Leading white space goes. */
static char *
decode_header(const char *v)
{
	struct buf out = BUF_INIT, ws = BUF_INIT;
	int prev_encoded = 0, encoded;

	while (*v) {
		size_t n;

		if (*v == ' ' || *v == '\t') {
			buf_addc(&ws, *v++);
			continue;
		}
		n = strcspn(v, " \t");
		encoded = is_encoded_word(v, n);
		if (out.len && !(encoded && prev_encoded))
			buf_add(&out, ws.p, ws.len);
		if (encoded)
			decode_word(v, n, &out);
		else
			buf_add(&out, v, n);
		prev_encoded = encoded;
		v += n;
		buf_reset(&ws);
	}
	buf_release(&ws);
	buf_add(&out, "", 0);
	return buf_detach(&out);
}

static void
decode_qp(const char *s, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 1 < n && s[i + 1] == '\r') {
			ck_assert(i + 2 < n && s[i + 2] == '\n');
			i += 2;
		} else if (s[i] == '=') {
			ck_assert(i + 2 < n);
			ck_assert(unhex(s[i + 1]) >= 0 && unhex(s[i + 2]) >= 0);
			buf_addc(out, unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
			i += 2;
		} else {
			buf_addc(out, s[i]);
		}
	}
}

static void
decode_base64(const char *s, size_t n, struct buf *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v = 0;
	size_t i, bits = 0;

	for (i = 0; i < n; i++) {
		const char *c;

		if (s[i] == '\r' || s[i] == '\n' || s[i] == '=')
			continue;
		c = strchr(abc, s[i]);
		ck_assert_msg(c && s[i], "'%c' in base64", s[i]);
		v = v << 6 | (unsigned long)(c - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (int)(v >> bits & 0xff));
		}
	}
}

/*
 * Find the part whose Content-Type starts with type and return its
 * content (between the blank line and the next delimiter).  Check on the
 * way that the boundary occurs only as delimiters.
 */
static void
part(const struct buf *msg, const char *type, const char **p, size_t *n)
{
	char *ct = header(msg, "Content-Type"), *b, *q, *end;
	struct buf delim = BUF_INIT, want = BUF_INIT;
	const char *s;
	int count = 0;

	ck_assert_ptr_nonnull(ct);
	ck_assert_ptr_nonnull(b = strstr(ct, "boundary=\""));
	b += 10;
	ck_assert_ptr_nonnull(q = strchr(b, '"'));
	buf_printf(&delim, "\r\n--%.*s", (int)(q - b), b);
	for (s = msg->p; (s = strstr(s, delim.p + 4)); s++)
		count++;
	ck_assert_int_eq(count, 4);	/* the parameter, 3 delimiters */
	buf_printf(&want, "%s\r\nContent-Type: %s", delim.p, type);
	ck_assert_ptr_nonnull(s = strstr(msg->p, want.p));
	s = strstr(s, "\r\n\r\n") + 4;
	end = strstr(s, delim.p);
	ck_assert_ptr_nonnull(end);
	*p = s;
	*n = (size_t)(end - s);
	for (q = (char *)s; q + 1 < s + *n; q++)
		ck_assert_msg(q[0] != '=' || q[1] != '_', "=_ in a part");
	free(ct);
	buf_release(&delim);
	buf_release(&want);
}

/* Build m, which must succeed, into out (emptied first). */
static void
build(struct buf *out, const struct mime_message *m)
{
	char why[MIME_WHY_MAX] = "";

	buf_reset(out);
	ck_assert_msg(mime_build(out, m, why) == 0, "refused: %s", why);
}

static void
assert_header(const struct buf *msg, const char *name, const char *want)
{
	char *v = header(msg, name), *d;

	ck_assert_msg(v != NULL, "no %s header", name);
	d = decode_header(v);
	ck_assert_msg(strcmp(d, want) == 0, "%s: got '%s', want '%s'", name, d,
	    want);
	free(v);
	free(d);
}

START_TEST(names_round_trip)
{
	struct buf name = BUF_INIT, msg = BUF_INIT, want = BUF_INIT;
	struct mime_message m;
	char *line = NULL;
	size_t cap = 0, ncases = 0;
	FILE *f = open_data("mime-names.txt");

	while (next_case(f, &line, &cap)) {
		unit_unescape(&name, line, strlen(line));
		defaults(&m);
		m.from_name = m.to_name = m.subject = name.p;
		build(&msg, &m);
		check_wire(&msg, 76, NULL);
		buf_reset(&want);
		buf_printf(&want, "%s <ada@example.org>", name.p);
		assert_header(&msg, "To", want.p);
		buf_reset(&want);
		buf_printf(&want, "%s <badges@example.org>", name.p);
		assert_header(&msg, "From", want.p);
		assert_header(&msg, "Subject", name.p);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 30);
	free(line);
	fclose(f);
	buf_release(&name);
	buf_release(&msg);
	buf_release(&want);
}
END_TEST

START_TEST(no_names)
{
	struct buf msg = BUF_INIT;
	struct mime_message m;

	defaults(&m);
	m.from_name = NULL;
	m.to_name = "";
	m.subject = "";
	build(&msg, &m);
	check_wire(&msg, 76, NULL);
	assert_header(&msg, "From", "badges@example.org");
	assert_header(&msg, "To", "ada@example.org");
	assert_header(&msg, "Subject", "");
	buf_release(&msg);
}
END_TEST

START_TEST(refused)
{
	struct buf field = BUF_INIT, value = BUF_INIT, msg = BUF_INIT;
	struct buf want = BUF_INIT;
	char *line = NULL, why[MIME_WHY_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f = open_data("mime-refused.tsv");

	while (next_case(f, &line, &cap)) {
		struct mime_message m;
		char *tab = strrchr(line, '\t');

		ck_assert_ptr_nonnull(tab);
		*tab = '\0';
		split2(line, &field, &value);
		unit_unescape(&want, tab + 1, strlen(tab + 1));
		defaults(&m);
		if (strcmp(field.p, "to_name") == 0)
			m.to_name = value.p;
		else if (strcmp(field.p, "from_name") == 0)
			m.from_name = value.p;
		else if (strcmp(field.p, "subject") == 0)
			m.subject = value.p;
		else if (strcmp(field.p, "to_addr") == 0)
			m.to_addr = value.p;
		else if (strcmp(field.p, "from_addr") == 0)
			m.from_addr = value.p;
		else if (strcmp(field.p, "credential_id") == 0)
			m.credential_id = value.p;
		else if (strcmp(field.p, "domain") == 0)
			m.domain = value.p;
		else if (strcmp(field.p, "body") == 0)
			m.body = value.p, m.body_len = value.len;
		else if (strcmp(field.p, "date") == 0)
			m.date = strtoll(value.p, NULL, 10);
		else
			ck_abort_msg("unknown field '%s'", field.p);
		buf_reset(&msg);
		buf_adds(&msg, "kept");
		memset(why, 0, sizeof why);
		ck_assert_msg(mime_build(&msg, &m, why) == -1,
		    "%s '%s' accepted", field.p, line);
		ck_assert_msg(strcmp(why, want.p) == 0, "%s: got '%s', want "
		    "'%s'", field.p, why, want.p);
		ck_assert_str_eq(msg.p, "kept");
		ncases++;
	}
	ck_assert_uint_ge(ncases, 30);
	free(line);
	fclose(f);
	buf_release(&field);
	buf_release(&value);
	buf_release(&msg);
	buf_release(&want);
}
END_TEST

START_TEST(attachment_bytes)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 56, 57, 58, 114, 1000,
		100000 };
	struct buf msg = BUF_INIT, got = BUF_INIT;
	unsigned long seed = 12345;
	unsigned char *bytes = malloc(100000);
	struct mime_message m;
	size_t i, k, n;
	const char *p;

	ck_assert_ptr_nonnull(bytes);
	for (i = 0; i < 100000; i++) {
		seed = seed * 1103515245 + 12345;
		bytes[i] = (unsigned char)(i < 256 ? i : seed >> 16);
	}
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		defaults(&m);
		m.attachment = bytes;
		m.attachment_len = sizes[k];
		build(&msg, &m);
		check_wire(&msg, 76, NULL);
		part(&msg, "application/json; name=\"credential.json\"", &p,
		    &n);
		for (i = 0; i + 78 <= n; i += 78)	/* full lines */
			ck_assert(p[i + 76] == '\r' && p[i + 77] == '\n');
		buf_reset(&got);
		decode_base64(p, n, &got);
		ck_assert_uint_eq(got.len, sizes[k]);
		ck_assert(sizes[k] == 0 || memcmp(got.p, bytes, sizes[k]) == 0);
	}
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-Disposition: "
	    "attachment; filename=\"credential.json\"\r\n"));
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-Transfer-Encoding: "
	    "base64\r\n"));
	free(bytes);
	buf_release(&msg);
	buf_release(&got);
}
END_TEST

/* The text with each LF, CRLF or CR made CRLF. */
static void
crlf(const char *s, size_t n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			buf_adds(out, "\r\n");
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			buf_addc(out, s[i]);
		}
	}
	buf_add(out, "", 0);
}

START_TEST(body_quoted_printable)
{
	struct buf text = BUF_INIT, msg = BUF_INIT, got = BUF_INIT;
	struct buf want = BUF_INIT;
	char *line = NULL;
	size_t cap = 0, ncases = 0;
	FILE *f = open_data("mime-bodies.txt");

	while (next_case(f, &line, &cap)) {
		struct mime_message m;
		const char *p, *l;
		size_t n;

		unit_unescape(&text, line, strlen(line));
		defaults(&m);
		m.body = text.p;
		m.body_len = text.len;
		build(&msg, &m);
		check_wire(&msg, 76, NULL);
		part(&msg, "text/plain; charset=utf-8", &p, &n);
		for (l = p; l < p + n; l = strstr(l, "\r\n") + 2) {
			const char *e = strstr(l, "\r\n");

			ck_assert_msg(e == l || (e[-1] != ' ' && e[-1] != '\t'),
			    "white space ends a line: '%.*s'", (int)(e - l), l);
			ck_assert_msg(strncmp(l, "From ", 5) != 0,
			    "a line starts with From: '%.*s'", (int)(e - l), l);
			if (e >= p + n)
				break;
		}
		buf_reset(&got);
		decode_qp(p, n, &got);
		buf_add(&got, "", 0);
		buf_reset(&want);
		crlf(text.p, text.len, &want);
		ck_assert_msg(got.len == want.len &&
		    memcmp(got.p, want.p, want.len) == 0,
		    "'%s' came back as '%s'", line, got.p);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 10);
	free(line);
	fclose(f);
	buf_release(&text);
	buf_release(&msg);
	buf_release(&got);
	buf_release(&want);
}
END_TEST

/* Build m and check its Message-ID header. */
static void
assert_message_id(const struct mime_message *m, const char *want)
{
	struct buf msg = BUF_INIT;
	char *id;

	build(&msg, m);
	id = header(&msg, "Message-ID");
	ck_assert_ptr_nonnull(id);
	ck_assert_str_eq(id, want);
	free(id);
	buf_release(&msg);
}

START_TEST(message_id_stable)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct mime_message m;

	defaults(&m);
	assert_message_id(&m, MSGID);

	/* The same inputs make the same bytes. */
	build(&a, &m);
	build(&b, &m);
	ck_assert(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);

	/* Sent again later, to a corrected name: the same Message-ID. */
	m.credential_id = "urn:uuid:0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1b";
	m.date += 86400;
	m.to_name = "Ada King";
	assert_message_id(&m, MSGID);

	/* Another credential, another Message-ID. */
	m.credential_id = "urn:uuid:0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1c";
	assert_message_id(&m, " <0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1c@"
	    "example.org>");

	/* A domain of its own, lowercased. */
	m.domain = "Mail.Example.NET";
	assert_message_id(&m, " <0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1c@"
	    "mail.example.net>");
	buf_release(&a);
	buf_release(&b);
}
END_TEST

START_TEST(fixed_headers)
{
	struct buf msg = BUF_INIT;
	struct mime_message m;

	defaults(&m);
	build(&msg, &m);
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nMIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-Type: "
	    "multipart/mixed;\r\n boundary=\"=_"));
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n"));
	assert_header(&msg, "From", "Example Academy <badges@example.org>");
	buf_release(&msg);
}
END_TEST

START_TEST(dates)
{
	struct buf secs = BUF_INIT, want = BUF_INIT, msg = BUF_INIT;
	char *line = NULL, *got;
	size_t cap = 0, ncases = 0;
	FILE *f = open_data("mime-dates.tsv");

	while (next_case(f, &line, &cap)) {
		struct mime_message m;

		split2(line, &secs, &want);
		defaults(&m);
		m.date = strtoll(secs.p, NULL, 10);
		build(&msg, &m);
		got = header(&msg, "Date");
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got + 1, want.p);
		free(got);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 5);
	free(line);
	fclose(f);
	buf_release(&secs);
	buf_release(&want);
	buf_release(&msg);
}
END_TEST

/* An address longer than a line cannot be folded: it stands alone. */
START_TEST(long_address)
{
	struct buf addr = BUF_INIT, line = BUF_INIT, msg = BUF_INIT;
	struct mime_message m;
	int i;

	for (i = 0; i < 64; i++)
		buf_addc(&addr, 'a');
	buf_addc(&addr, '@');
	for (i = 0; i < 63; i++)
		buf_addc(&addr, 'b');
	buf_addc(&addr, '.');
	for (i = 0; i < 63; i++)
		buf_addc(&addr, 'c');
	buf_addc(&addr, '.');
	for (i = 0; i < 57; i++)
		buf_addc(&addr, 'd');
	buf_adds(&addr, ".org");
	ck_assert_uint_eq(addr.len, 254);
	buf_printf(&line, " <%s>", addr.p);
	defaults(&m);
	m.to_addr = addr.p;
	build(&msg, &m);
	check_wire(&msg, 76, line.p);
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nTo: Ada Lovelace\r\n <a"));
	buf_reset(&line);
	buf_printf(&line, "Ada Lovelace <%s>", addr.p);
	assert_header(&msg, "To", line.p);
	buf_release(&addr);
	buf_release(&line);
	buf_release(&msg);
}
END_TEST

START_TEST(templates)
{
	struct buf tmpl = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
	struct mime_vars v = { "Ada", "Python 101", "Example", "urn:uuid:1",
		NULL };
	char *line = NULL, why[MIME_WHY_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f = open_data("mime-templates.tsv");

	while (next_case(f, &line, &cap)) {
		int rc;

		split2(line, &tmpl, &want);
		buf_reset(&out);
		buf_adds(&out, ">");
		memset(why, 0, sizeof why);
		rc = mime_expand(&out, tmpl.p, &v, why);
		if (strncmp(want.p, "error: ", 7) == 0) {
			ck_assert_msg(rc == -1, "'%s' expanded", line);
			ck_assert_str_eq(why, want.p + 7);
			ck_assert_str_eq(out.p, ">");
		} else {
			ck_assert_msg(rc == 0, "'%s': %s", line, why);
			ck_assert_str_eq(out.p + 1, want.p);
		}
		ncases++;
	}
	ck_assert_uint_ge(ncases, 15);
	free(line);
	fclose(f);
	buf_release(&tmpl);
	buf_release(&want);
	buf_release(&out);
}
END_TEST

/* A value that looks like a placeholder stays as it is. */
START_TEST(expand_once)
{
	struct mime_vars v = { "{{org}}", NULL, "Example", NULL, NULL };
	struct buf out = BUF_INIT;
	char why[MIME_WHY_MAX];

	ck_assert_int_eq(mime_expand(&out, "{{name}}/{{badge}}/{{org}}", &v,
	    why), 0);
	ck_assert_str_eq(out.p, "{{org}}//Example");
	buf_release(&out);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("mime");

	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, no_names);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, attachment_bytes);
	tcase_add_test(tc, body_quoted_printable);
	tcase_add_test(tc, message_id_stable);
	tcase_add_test(tc, fixed_headers);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, long_address);
	tcase_add_test(tc, templates);
	tcase_add_test(tc, expand_once);
	suite_add_tcase(s, tc);
	return s;
}
