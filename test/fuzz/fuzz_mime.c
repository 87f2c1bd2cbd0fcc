/*
 * fuzz_mime.c: a libFuzzer target for the mail a recipient receives:
 * the templates (mime_expand, mime_expand_html) and the message
 * (mime_build), made as the worker makes them, from texts that come
 * from the database and so from anyone who can set them.
 *
 * The input: a byte of flags, then NUL-separated fields: the body's
 * template, the subject's, the recipient's name, the organization's (the
 * sender's display name), the badge's (the image's text too), the
 * attachment's name and the wallet's URL; what follows the seventh NUL
 * is the image.  A missing field is NULL.  The addresses, the credential
 * id and the attachment are fixed and valid.
 *
 * A template that fails goes to mime_build as it is, for the builder to
 * refuse or take.  Checked: a call that fails leaves its output as it
 * was and says why in a string; the HTML holds no control character but
 * TAB and LF; a message is all CRLF lines of at most 998 octets, its
 * header blocks (the message's and each part's) printable ASCII, the
 * rest ASCII with no control but TAB; and the same inputs build the same
 * bytes.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; replay.c runs the
 * same function over the kept inputs in every `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The flags, in the input's first byte. */
#define F_HTML 0x01	/* the HTML from the template (else from the body) */
#define F_IMAGE 0x02	/* the image given */
#define F_FILE 0x04	/* the attachment's name given */
#define F_DOMAIN 0x08	/* a Message-ID domain of its own */
#define F_UNTIL 0x10	/* {{valid_until}} set */
#define F_VERIFIER 0x20	/* {{verifier}} set */

#define NFIELDS 7
#define ID "urn:uuid:0b5e8d4c-3f1a-4c2e-9d7b-6a5f4e3d2c1b"
#define PREFIX "before\r\n"	/* what out holds before a call */

/* After a call that returned rc: out still starts with PREFIX, holds
 * only it on failure, and why is a string. */
static void
check_call(int rc, const struct buf *out, const char why[MIME_WHY_MAX])
{
	size_t n = sizeof PREFIX - 1;

	if (out->len < n || memcmp(out->p, PREFIX, n) != 0)
		abort();
	if (rc != 0 && (rc != -1 || out->len != n ||
	    !memchr(why, '\0', MIME_WHY_MAX)))
		abort();
}

/* Expand tmpl into out, which it leaves holding the expansion; return
 * 0, or -1 with out empty. */
static int
expand(struct buf *out, const char *tmpl, const struct mime_vars *v,
    int html)
{
	char why[MIME_WHY_MAX];
	size_t n = sizeof PREFIX - 1;
	int rc;

	buf_reset(out);
	buf_adds(out, PREFIX);
	memset(why, 'x', sizeof why);
	rc = html ? mime_expand_html(out, tmpl, v, why) :
	    mime_expand(out, tmpl, v, why);
	check_call(rc, out, why);
	memmove(out->p, out->p + n, out->len - n + 1);
	out->len -= n;
	return rc;
}

/* What mime_expand_html wrote holds no control character but TAB and
 * LF: none of C0, DEL, or C1 (U+0080 to U+009F, C2 80 to C2 9F). */
static void
check_html(const struct buf *html)
{
	size_t i;

	for (i = 0; i < html->len; i++) {
		unsigned char c = (unsigned char)html->p[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ||
		    (c == 0xc2 && i + 1 < html->len &&
		    (unsigned char)html->p[i + 1] >= 0x80 &&
		    (unsigned char)html->p[i + 1] <= 0x9f))
			abort();
	}
}

/* The wire rules of a message of n bytes at p. */
static void
check_wire(const char *p, size_t n)
{
	const char *end = p + n, *eol;
	int header = 1;

	if (n < 2 || memcmp(end - 2, "\r\n", 2) != 0)
		abort();
	for (; p < end; p = eol + 2) {
		size_t len;
		const char *q;

		if (!(eol = memchr(p, '\r', (size_t)(end - p))) ||
		    eol + 1 == end || eol[1] != '\n' ||
		    memchr(p, '\n', (size_t)(eol - p)))
			abort();
		len = (size_t)(eol - p);
		if (len > 998)
			abort();
		for (q = p; q < eol; q++) {
			unsigned char c = (unsigned char)*q;

			if (c == 0x7f || c >= 0x80 ||
			    (c < 0x20 && (header || c != '\t')))
				abort();
		}
		/* A delimiter, not the close one, starts a part's headers;
		 * no content can hold "=_". */
		if (len > 4 && memcmp(p, "--=_", 4) == 0)
			header = memcmp(eol - 2, "--", 2) != 0;
		else if (len == 0)
			header = 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char json[] = "{\"id\":\"" ID "\"}\n";
	const char *field[NFIELDS] = { NULL }, *p, *end;
	struct buf copy = BUF_INIT, subject = BUF_INIT, body = BUF_INIT;
	struct buf html = BUF_INIT, out = BUF_INIT, again = BUF_INIT;
	const char *image = NULL;
	size_t image_len = 0, i;
	char why[MIME_WHY_MAX];
	struct mime_message m;
	struct mime_vars v;
	unsigned flags;
	int rc;

	if (size == 0)
		return 0;
	flags = data[0];
	/* A copy, NUL-terminated, so that every field is a string. */
	buf_add(&copy, data + 1, size - 1);
	p = copy.p;
	end = copy.p + copy.len;
	for (i = 0; i < NFIELDS && p <= end; i++) {
		field[i] = p;
		p += strlen(p) + 1;
	}
	if (p <= end) {
		image = p;
		image_len = (size_t)(end - p);
	}

	memset(&v, 0, sizeof v);
	v.name = field[2];
	v.org = field[3];
	v.badge = field[4];
	v.credential_id = ID;
	v.valid_until = flags & F_UNTIL ? "2030-01-01T00:00:00Z" : NULL;
	v.file = flags & F_FILE && field[5] ? field[5] : "credential.json";
	v.wallet = field[6];
	v.verifier = flags & F_VERIFIER ? "https://verify.example/" : NULL;
	if (expand(&subject, field[1] ? field[1] : "", &v, 0) != 0)
		buf_adds(&subject, field[1] ? field[1] : "");
	if (expand(&body, field[0] ? field[0] : "", &v, 0) != 0)
		buf_adds(&body, field[0] ? field[0] : "");
	buf_add(&subject, "", 0);
	buf_add(&body, "", 0);

	memset(&m, 0, sizeof m);
	m.from_addr = "Badges@Example.org";
	m.from_name = field[3];
	m.to_addr = "ada@example.org";
	m.to_name = field[2];
	m.subject = subject.p;
	m.body = body.p;
	m.body_len = body.len;
	m.attachment = json;
	m.attachment_len = sizeof json - 1;
	m.credential_id = ID;
	m.date = 1700000000;
	if (flags & F_DOMAIN)
		m.domain = "mail.example.org";
	if (flags & F_HTML && expand(&html, field[0] ? field[0] : "", &v,
	    1) == 0) {
		check_html(&html);
		m.html = html.p;
		m.html_len = html.len;
	}
	if (flags & F_IMAGE && image) {
		m.image = image;
		m.image_len = image_len;
		m.image_alt = field[4];
	}
	if (flags & F_FILE)
		m.attachment_name = field[5];

	buf_adds(&out, PREFIX);
	memset(why, 'x', sizeof why);
	rc = mime_build(&out, &m, why);
	check_call(rc, &out, why);
	if (rc == 0) {
		check_wire(out.p + sizeof PREFIX - 1,
		    out.len - (sizeof PREFIX - 1));
		if (mime_build(&again, &m, why) != 0 ||
		    again.len != out.len - (sizeof PREFIX - 1) ||
		    memcmp(again.p, out.p + sizeof PREFIX - 1, again.len) != 0)
			abort();
	}
	buf_release(&copy);
	buf_release(&subject);
	buf_release(&body);
	buf_release(&html);
	buf_release(&out);
	buf_release(&again);
	return 0;
}
