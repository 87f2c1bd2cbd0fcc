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
 * is longer than max (except a continuation line of one token that holds
 * long_token, if any: what cannot be folded), the
 * header block is printable ASCII, and the rest is ASCII with at most
 * TAB as a control character.
 */
static void
check_wire(const struct buf *msg, size_t max, const char *long_token)
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
		if ((size_t)(eol - p) > max) {
			struct buf l = BUF_INIT;

			buf_add(&l, p, (size_t)(eol - p));
			ck_assert_msg(long_token && l.p[0] == ' ' &&
			    !strchr(l.p + 1, ' ') && strstr(l.p, long_token),
			    "line of %zu columns: %s", l.len, l.p);
			buf_release(&l);
		}
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

/* The unfolded value of header name in the n bytes of a header block at
 * h, after the colon; NULL when it has none. */
static char *
block_header(const char *h, size_t n, const char *name)
{
	struct buf block = BUF_INIT;
	char *v;

	buf_add(&block, h, n);
	buf_adds(&block, "\r\n");
	v = header(&block, name);
	buf_release(&block);
	return v;
}

/* A leaf of the MIME tree: its header block and its content. */
struct leaf {
	const char *head, *body;
	size_t head_len, len;
};

#define LEAVES_MAX 8

struct tree {
	const struct buf *msg;
	struct leaf leaf[LEAVES_MAX];
	size_t n;
	struct buf shape;	/* "multipart/mixed(text/plain,...)" */
};

/*
 * Take apart the entity of n bytes at p (headers, blank line, content),
 * from the RFC 2046 rules: a multipart's content is split at its
 * delimiter lines, each part taken apart in turn.  Check on the way that
 * each boundary occurs in the whole message only as its parameter and
 * its delimiters, and that no leaf holds "=_".
 */
static void
walk(struct tree *t, const char *p, size_t n)
{
	const char *blank = strstr(p, "\r\n\r\n"), *body, *end = p + n, *b, *q;
	struct buf delim = BUF_INIT, type = BUF_INIT;
	char *ct;
	size_t count = 0, parts = 0;

	ck_assert_msg(blank && blank < end, "an entity without a blank line");
	body = blank + 4;
	ct = block_header(p, (size_t)(blank - p), "Content-Type");
	ck_assert_ptr_nonnull(ct);
	for (q = ct + 1; *q && *q != ';'; q++)
		buf_addc(&type, *q);
	buf_add(&type, "", 0);
	buf_adds(&t->shape, type.p);
	if (strncmp(type.p, "multipart/", 10) != 0) {
		ck_assert_uint_lt(t->n, LEAVES_MAX);
		t->leaf[t->n].head = p;
		t->leaf[t->n].head_len = (size_t)(blank - p);
		t->leaf[t->n].body = body;
		t->leaf[t->n].len = (size_t)(end - body);
		t->n++;
		for (q = body; q + 1 < end; q++)
			ck_assert_msg(q[0] != '=' || q[1] != '_',
			    "=_ in a part");
		free(ct);
		buf_release(&type);
		buf_release(&delim);
		return;
	}
	ck_assert_ptr_nonnull(b = strstr(ct, "boundary=\""));
	b += 10;
	ck_assert_ptr_nonnull(q = strchr(b, '"'));
	buf_printf(&delim, "\r\n--%.*s", (int)(q - b), b);
	ck_assert_msg(strncmp(body, delim.p + 2, delim.len - 2) == 0,
	    "a preamble before the first delimiter");
	buf_addc(&t->shape, '(');
	for (q = body - 2;;) {
		const char *part = q + delim.len, *next;

		if (strncmp(part, "--", 2) == 0) {
			ck_assert_msg(part + 2 == end || (part + 4 == end &&
			    strncmp(part + 2, "\r\n", 2) == 0),
			    "text after a close delimiter");
			break;
		}
		ck_assert_msg(strncmp(part, "\r\n", 2) == 0, "a delimiter "
		    "line with more on it");
		part += 2;
		next = strstr(part, delim.p);
		ck_assert_msg(next && next < end, "a part without its end");
		if (parts++)
			buf_addc(&t->shape, ',');
		walk(t, part, (size_t)(next - part));
		q = next;
	}
	buf_addc(&t->shape, ')');
	for (q = t->msg->p; (q = strstr(q, delim.p + 4)); q++)
		count++;
	ck_assert_uint_eq(count, parts + 2);	/* the parameter, the
						 * delimiters, the close */
	free(ct);
	buf_release(&type);
	buf_release(&delim);
}

/* The tree of a message (the caller releases t->shape). */
static void
tree(struct tree *t, const struct buf *msg)
{
	memset(t, 0, sizeof *t);
	t->msg = msg;
	walk(t, msg->p, msg->len);
}

/* The first leaf whose Content-Type starts with type. */
static const struct leaf *
find_leaf(const struct tree *t, const char *type)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		char *ct = block_header(t->leaf[i].head, t->leaf[i].head_len,
		    "Content-Type");
		int hit = ct && strncmp(ct + 1, type, strlen(type)) == 0;

		free(ct);
		if (hit)
			return &t->leaf[i];
	}
	ck_abort_msg("no part of type %s", type);
	return NULL;
}

/* The content of the part whose Content-Type starts with type. */
static void
part(const struct buf *msg, const char *type, const char **p, size_t *n)
{
	struct tree t;
	const struct leaf *l;

	tree(&t, msg);
	l = find_leaf(&t, type);
	*p = l->body;
	*n = l->len;
	buf_release(&t.shape);
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
		else if (strcmp(field.p, "attachment_name") == 0)
			m.attachment_name = value.p;
		else if (strcmp(field.p, "image") == 0)
			m.image = value.p, m.image_len = value.len;
		else if (strcmp(field.p, "image_alt") == 0)
			m.image_alt = value.p;
		else if (strcmp(field.p, "html") == 0)
			m.html = value.p, m.html_len = value.len;
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
	ck_assert_uint_ge(ncases, 45);
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
	defaults(&m);
	m.to_addr = addr.p;
	build(&msg, &m);
	check_wire(&msg, 76, addr.p);
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nTo: Ada Lovelace\r\n <a"));
	buf_reset(&line);
	buf_printf(&line, "Ada Lovelace <%s>", addr.p);
	assert_header(&msg, "To", line.p);
	buf_release(&addr);
	buf_release(&line);
	buf_release(&msg);
}
END_TEST

typedef int expand_fn(struct buf *, const char *, const struct mime_vars *,
    char[MIME_WHY_MAX]);

/* Expand each template of the case file name with fn and v: at least min
 * cases, each giving what it says or refused with the reason it says. */
static void
template_cases(const char *name, expand_fn *fn, const struct mime_vars *v,
    size_t min)
{
	struct buf tmpl = BUF_INIT, want = BUF_INIT, out = BUF_INIT;
	char *line = NULL, why[MIME_WHY_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f = open_data(name);

	while (next_case(f, &line, &cap)) {
		int rc;

		split2(line, &tmpl, &want);
		buf_reset(&out);
		buf_adds(&out, ">");
		memset(why, 0, sizeof why);
		rc = fn(&out, tmpl.p, v, why);
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
	ck_assert_uint_ge(ncases, min);
	free(line);
	fclose(f);
	buf_release(&tmpl);
	buf_release(&want);
	buf_release(&out);
}

START_TEST(templates)
{
	struct mime_vars v = { "Ada", "Python 101", "Example", "urn:uuid:1",
		NULL, "python-101.json", "https://wallet.example/add", NULL };

	template_cases("mime-templates.tsv", mime_expand, &v, 40);
}
END_TEST

/* A value that looks like a placeholder stays as it is. */
START_TEST(expand_once)
{
	struct mime_vars v = { "{{org}}", NULL, "Example", NULL, NULL, NULL,
		NULL, NULL };
	struct buf out = BUF_INIT;
	char why[MIME_WHY_MAX];

	ck_assert_int_eq(mime_expand(&out, "{{name}}/{{badge}}/{{org}}", &v,
	    why), 0);
	ck_assert_str_eq(out.p, "{{org}}//Example");
	buf_release(&out);
}
END_TEST

/* The decoded text of the leaf whose Content-Type starts with type. */
static void
decoded(const struct buf *msg, const char *type, struct buf *out)
{
	const char *p;
	size_t n;
	char *cte;
	struct tree t;
	const struct leaf *l;

	tree(&t, msg);
	l = find_leaf(&t, type);
	p = l->body;
	n = l->len;
	cte = block_header(l->head, l->head_len, "Content-Transfer-Encoding");
	ck_assert_ptr_nonnull(cte);
	buf_reset(out);
	if (strcmp(cte, " base64") == 0)
		decode_base64(p, n, out);
	else
		decode_qp(p, n, out);
	buf_add(out, "", 0);
	free(cte);
	buf_release(&t.shape);
}

/* The unfolded header name of the leaf of type. */
static char *
leaf_header(const struct buf *msg, const char *type, const char *name)
{
	struct tree t;
	const struct leaf *l;
	char *v;

	tree(&t, msg);
	l = find_leaf(&t, type);
	v = block_header(l->head, l->head_len, name);
	buf_release(&t.shape);
	return v;
}

static void
assert_shape(const struct buf *msg, const char *want)
{
	struct tree t;

	tree(&t, msg);
	ck_assert_str_eq(t.shape.p, want);
	buf_release(&t.shape);
}

START_TEST(structure)
{
	static const struct {
		const char *image, *shape;
	} cases[] = {
		{ NULL, "multipart/mixed(multipart/alternative(text/plain,"
		    "text/html),application/json)" },
		{ "test/data/image/badge.png", "multipart/mixed(multipart/"
		    "alternative(text/plain,multipart/related(text/html,"
		    "image/png)),application/json)" },
		{ "test/data/image/badge.svg", "multipart/mixed(multipart/"
		    "alternative(text/plain,multipart/related(text/html,"
		    "image/svg+xml)),application/json)" },
	};
	struct buf msg = BUF_INIT, image = BUF_INIT;
	struct mime_message m;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		defaults(&m);
		if (cases[i].image) {
			unit_slurp(&image, cases[i].image);
			m.image = image.p;
			m.image_len = image.len;
		}
		build(&msg, &m);
		check_wire(&msg, 76, NULL);
		assert_shape(&msg, cases[i].shape);
	}
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-Type: multipart/"
	    "related; type=\"text/html\";\r\n boundary=\"=_"));
	buf_release(&msg);
	buf_release(&image);
}
END_TEST

/* Without an HTML of its own, the message makes it from the text. */
START_TEST(html_from_text)
{
	struct buf msg = BUF_INIT, html = BUF_INIT;
	struct mime_message m;

	defaults(&m);
	m.subject = "Your <badge> & 'more'";
	build(&msg, &m);
	decoded(&msg, "text/html; charset=utf-8", &html);
	ck_assert_str_eq(html.p, "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n"
	    "<meta charset=\"utf-8\">\r\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\r\n"
	    "<title>Your &lt;badge&gt; &amp; &#39;more&#39;</title>\r\n"
	    "</head>\r\n<body>\r\n"
	    "<p>Hello Ada,<br>\r\nyour badge.</p>\r\n"
	    "</body>\r\n</html>\r\n");
	buf_release(&msg);
	buf_release(&html);
}
END_TEST

START_TEST(html_templates)
{
	struct mime_vars v = { "<script>alert(1)</script> & \"quotes\" "
		"'single'", "Python 101", "\xd7\x90\xd7\xa7\xd7\x93\xd7\x9e"
		"\xd7\x99\xd7\x94 \xe2\x80\xae evil", "urn:uuid:1", NULL,
		"python-101.json", "https://wallet.example/add?a=1&b='2'",
		NULL };

	template_cases("mime-html.tsv", mime_expand_html, &v, 20);
}
END_TEST

/* A link is a link only to an https page; the text takes it as it is. */
START_TEST(html_link_refused)
{
	static const char *const bad[] = { "javascript:alert(1)",
	    "http://wallet.example/", "https://", "data:text/html,x",
	    "https://wallet.example/\"><script>" };
	struct mime_vars v = { 0 };
	struct buf out = BUF_INIT;
	char why[MIME_WHY_MAX];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		v.wallet = v.verifier = bad[i];
		buf_reset(&out);
		ck_assert_int_eq(mime_expand_html(&out, "{{wallet}}", &v, why),
		    -1);
		ck_assert_str_eq(why, "template: {{wallet}} is not an https "
		    "URL");
		ck_assert_int_eq(mime_expand_html(&out, "{{verifier}}", &v,
		    why), -1);
		ck_assert_str_eq(why, "template: {{verifier}} is not an https "
		    "URL");
		ck_assert_uint_eq(out.len, 0);
		ck_assert_int_eq(mime_expand(&out, "{{wallet}}", &v, why), 0);
		ck_assert_str_eq(out.p, bad[i]);
	}
	buf_release(&out);
}
END_TEST

/* A value the HTML shows must be UTF-8 (a value it does not show need
 * not be); the text takes it as it is. */
START_TEST(html_value_not_utf8)
{
	struct mime_vars v = { 0 };
	struct buf out = BUF_INIT;
	char why[MIME_WHY_MAX];

	v.badge = "\xc2\x01\x99";
	buf_adds(&out, ">");
	ck_assert_int_eq(mime_expand_html(&out, "Hello {{badge}}", &v, why),
	    -1);
	ck_assert_str_eq(why, "template: {{badge}} is not valid UTF-8");
	ck_assert_str_eq(out.p, ">");
	ck_assert_int_eq(mime_expand_html(&out, "{{^badge}}none{{/badge}}",
	    &v, why), 0);
	ck_assert_str_eq(out.p, ">");
	ck_assert_int_eq(mime_expand(&out, "{{badge}}", &v, why), 0);
	ck_assert_str_eq(out.p, ">\xc2\x01\x99");
	buf_release(&out);
}
END_TEST

/* The image: inline, named after the attachment, the bytes given, shown
 * by the HTML through its Content-ID; and nothing outside the message. */
START_TEST(image_part)
{
	struct buf msg = BUF_INIT, png = BUF_INIT, html = BUF_INIT;
	struct buf got = BUF_INIT, want = BUF_INIT, frag = BUF_INIT;
	struct mime_vars v = { "Ada", "Python 101", "Example", NULL, NULL,
		"python-101.json", "https://wallet.example/add",
		"https://verify.example/" };
	struct mime_message m;
	char why[MIME_WHY_MAX], *h;
	const char *p;

	unit_slurp(&png, "test/data/image/badge.png");
	ck_assert_int_eq(mime_expand_html(&frag, "Hello {{name}}.\n\n"
	    "Wallet: {{wallet}}\nVerifier: {{verifier}}\n", &v, why), 0);
	defaults(&m);
	m.image = png.p;
	m.image_len = png.len;
	m.image_alt = "Python 101 <&>";
	m.attachment_name = "python-101.json";
	m.html = frag.p;
	m.html_len = frag.len;
	build(&msg, &m);
	check_wire(&msg, 76, NULL);

	decoded(&msg, "image/png", &got);
	ck_assert(got.len == png.len && memcmp(got.p, png.p, png.len) == 0);
	h = leaf_header(&msg, "image/png", "Content-Type");
	ck_assert_str_eq(h, " image/png; name=\"python-101.png\"");
	free(h);
	h = leaf_header(&msg, "image/png", "Content-Disposition");
	ck_assert_str_eq(h, " inline; filename=\"python-101.png\"");
	free(h);
	h = leaf_header(&msg, "image/png", "Content-ID");
	ck_assert_str_eq(h, " <image-0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1b@"
	    "example.org>");
	free(h);
	h = leaf_header(&msg, "application/json", "Content-Disposition");
	ck_assert_str_eq(h, " attachment; filename=\"python-101.json\"");
	free(h);

	decoded(&msg, "text/html", &html);
	buf_printf(&want, "<body>\r\n<p><img src=\"cid:image-0b5e8d4c-3f1a-"
	    "4c2e-9d7b-6a5f4e3d2c1b@example.org\" alt=\"Python 101 &lt;&amp;"
	    "&gt;\" width=\"128\"></p>\r\n<p>Hello <bdi>Ada</bdi>.</p>\r\n"
	    "<p>Wallet: <a href=\"https://wallet.example/add\">https://wallet."
	    "example/add</a><br>\r\nVerifier: <a href=\"https://verify."
	    "example/\">https://verify.example/</a></p>\r\n</body>");
	ck_assert_msg(strstr(html.p, want.p), "HTML: %s", html.p);
	/* Its only URLs are the two links, each twice (href and text). */
	for (p = html.p; (p = strstr(p, "http")); p++)
		ck_assert_msg(!strncmp(p, "https://wallet.example/add", 26) ||
		    !strncmp(p, "https://verify.example/", 23),
		    "a URL in the HTML: %.40s", p);
	ck_assert_ptr_null(strstr(html.p, "<script"));
	ck_assert_ptr_null(strstr(html.p, "<style"));
	ck_assert_ptr_null(strstr(html.p, "<link"));
	ck_assert_ptr_null(strstr(html.p, "url("));

	/* An image and no attachment name: named after credential.json. */
	m.attachment_name = NULL;
	build(&msg, &m);
	h = leaf_header(&msg, "image/png", "Content-Disposition");
	ck_assert_str_eq(h, " inline; filename=\"credential.png\"");
	free(h);
	buf_release(&msg);
	buf_release(&png);
	buf_release(&html);
	buf_release(&got);
	buf_release(&want);
	buf_release(&frag);
}
END_TEST

/* A file name too long for a line stands alone on its own. */
START_TEST(long_file_name)
{
	struct buf name = BUF_INIT, msg = BUF_INIT, png = BUF_INIT;
	struct buf want = BUF_INIT;
	struct mime_message m;
	char *h;

	unit_slurp(&png, "test/data/image/badge.png");
	while (name.len < 123)
		buf_addc(&name, 'n');
	buf_adds(&name, ".json");
	defaults(&m);
	m.attachment_name = name.p;
	m.image = png.p;
	m.image_len = png.len;
	build(&msg, &m);
	name.p[100] = '\0';	/* in the image's name too */
	check_wire(&msg, 76, name.p);
	name.p[100] = 'n';
	h = leaf_header(&msg, "application/json", "Content-Type");
	buf_printf(&want, " application/json; name=\"%s\"", name.p);
	ck_assert_str_eq(h, want.p);
	free(h);

	/* A Message-ID that fits, a Content-ID that does not. */
	m.attachment_name = NULL;
	m.domain = "sender-of-badges.mail.example.org";
	build(&msg, &m);
	check_wire(&msg, 76, "@sender-of-badges.mail.example.org>");
	ck_assert_ptr_nonnull(strstr(msg.p, "\r\nContent-ID:\r\n <image-"));
	h = leaf_header(&msg, "image/png", "Content-ID");
	ck_assert_str_eq(h, " <image-0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1b@"
	    "sender-of-badges.mail.example.org>");
	free(h);
	buf_release(&name);
	buf_release(&msg);
	buf_release(&png);
	buf_release(&want);
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
	tcase_add_test(tc, structure);
	tcase_add_test(tc, html_from_text);
	tcase_add_test(tc, html_templates);
	tcase_add_test(tc, html_link_refused);
	tcase_add_test(tc, html_value_not_utf8);
	tcase_add_test(tc, image_part);
	tcase_add_test(tc, long_file_name);
	suite_add_tcase(s, tc);
	return s;
}
