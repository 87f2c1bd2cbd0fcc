/*
 * image.c: PNG and SVG images known by their bytes, and their data: URIs;
 * the contract is in image.h.
 *
 * A PNG is walked chunk by chunk to its IEND, CRCs checked, so that a
 * file cut short or padded is refused whole.  An SVG is read only as far
 * as the start tag of its root element: enough to know it is an SVG
 * document, the way a browser decides it, without being an XML parser.
 */
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "credential.h"
#include "image.h"
#include "utf8.h"

/* The URI of the largest image fits what a credential may carry. */
_Static_assert(sizeof "data:image/svg+xml;base64," - 1 +
    (IMAGE_MAX + 2) / 3 * 4 <= CREDENTIAL_IMAGE_URI_MAX,
    "IMAGE_MAX too large for CREDENTIAL_IMAGE_URI_MAX");

#define SVG_NS "http://www.w3.org/2000/svg"

static const char *const heads[] = {
	NULL, "data:image/png;base64,", "data:image/svg+xml;base64,"
};

static enum image_type fail(char why[IMAGE_WHY_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum image_type
fail(char why[IMAGE_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, IMAGE_WHY_MAX, fmt, ap);
	va_end(ap);
	return IMAGE_NONE;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Whether the colour type c allows bit depth d (PNG section 11.2.2). */
static int
png_depth(unsigned c, unsigned d)
{
	switch (c) {
	case 0:
		return d == 1 || d == 2 || d == 4 || d == 8 || d == 16;
	case 3:
		return d == 1 || d == 2 || d == 4 || d == 8;
	case 2: case 4: case 6:
		return d == 8 || d == 16;
	}
	return 0;
}

static enum image_type
png(const unsigned char *p, size_t n, char why[IMAGE_WHY_MAX])
{
	size_t off = 8, idat = 0;
	int first = 1;

	while (off < n) {
		const unsigned char *c = p + off;
		char type[5];
		uint32_t len;
		size_t i;

		if (n - off < 12)
			return fail(why, "PNG: a chunk cut short");
		len = be32(c);
		for (i = 0; i < 4; i++) {
			unsigned char t = c[4 + i];

			if (!((t >= 'a' && t <= 'z') || (t >= 'A' && t <= 'Z')))
				return fail(why, "PNG: a chunk type that is "
				    "not four letters");
			type[i] = (char)t;
		}
		type[4] = '\0';
		if (len > n - off - 12)
			return fail(why, "PNG: chunk %s cut short", type);
		if (be32(c + 8 + len) !=
		    (uint32_t)crc32(0, c + 4, (uInt)len + 4))
			return fail(why, "PNG: chunk %s has a bad CRC", type);
		if (first) {
			uint32_t w, h;

			if (strcmp(type, "IHDR") != 0 || len != 13)
				return fail(why, "PNG: no IHDR chunk first");
			w = be32(c + 8);
			h = be32(c + 12);
			if (w == 0 || h == 0 || w > INT32_MAX || h > INT32_MAX)
				return fail(why, "PNG: a width or height out "
				    "of range");
			if (!png_depth(c[17], c[16]) || c[18] || c[19] ||
			    c[20] > 1)
				return fail(why, "PNG: an IHDR of no PNG "
				    "colour type, depth or method");
			first = 0;
		} else if (strcmp(type, "IHDR") == 0) {
			return fail(why, "PNG: a second IHDR chunk");
		} else if (strcmp(type, "IDAT") == 0) {
			idat++;
		} else if (strcmp(type, "IEND") == 0) {
			if (off + 12 + len != n)
				return fail(why, "PNG: bytes after IEND");
			if (!idat)
				return fail(why, "PNG: no IDAT chunk");
			return IMAGE_PNG;
		}
		off += 12 + len;
	}
	return fail(why, "PNG: no IEND chunk: the file is cut short");
}

static int
xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip white space from s up to end. */
static const char *
skip_space(const char *s, const char *end)
{
	while (s < end && xml_space(*s))
		s++;
	return s;
}

/* Whether the n bytes at s start with the string lit. */
static int
starts(const char *s, const char *end, const char *lit)
{
	size_t k = strlen(lit);

	return (size_t)(end - s) >= k && memcmp(s, lit, k) == 0;
}

/* The first occurrence of lit at or after s, or NULL. */
static const char *
find(const char *s, const char *end, const char *lit)
{
	size_t k = strlen(lit);

	for (; (size_t)(end - s) >= k; s++)
		if (memcmp(s, lit, k) == 0)
			return s;
	return NULL;
}

/* Past the '>' of a DOCTYPE at s (quoted literals may hold one), or
 * NULL: cut short, or an internal subset, which may declare entities. */
static const char *
skip_doctype(const char *s, const char *end, char why[IMAGE_WHY_MAX])
{
	char quote = 0;

	for (; s < end; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '[') {
			fail(why, "SVG: a DOCTYPE with an internal subset");
			return NULL;
		} else if (*s == '>') {
			return s + 1;
		}
	}
	fail(why, "SVG: a DOCTYPE cut short");
	return NULL;
}

/*
 * The start tag of the root element at s ("<" read): whether it is svg in
 * the SVG namespace.  Attributes are name = 'value' or "value"; only
 * xmlns is looked at.
 */
static enum image_type
svg_root(const char *s, const char *end, char why[IMAGE_WHY_MAX])
{
	const char *name = s;
	int ns = 0;

	while (s < end && !xml_space(*s) && *s != '/' && *s != '>')
		s++;
	if (s - name != 3 || memcmp(name, "svg", 3) != 0)
		return fail(why, "SVG: the root element is not svg");
	for (;;) {
		const char *attr, *value;
		size_t alen;
		char quote;

		s = skip_space(s, end);
		if (s < end && (*s == '>' || starts(s, end, "/>")))
			break;
		attr = s;
		while (s < end && !xml_space(*s) && !strchr("=/><\"'", *s))
			s++;
		alen = (size_t)(s - attr);
		s = skip_space(s, end);
		if (alen == 0 || s >= end || *s != '=')
			return fail(why, "SVG: the start tag of svg is not "
			    "well-formed");
		s = skip_space(s + 1, end);
		if (s >= end || (*s != '"' && *s != '\''))
			return fail(why, "SVG: the start tag of svg is not "
			    "well-formed");
		quote = *s++;
		value = s;
		while (s < end && *s != quote && *s != '<')
			s++;
		if (s >= end || *s != quote)
			return fail(why, "SVG: the start tag of svg is not "
			    "well-formed");
		if (alen == 5 && memcmp(attr, "xmlns", 5) == 0 &&
		    (size_t)(s - value) == strlen(SVG_NS) &&
		    memcmp(value, SVG_NS, strlen(SVG_NS)) == 0)
			ns = 1;
		s++;
	}
	if (!ns)
		return fail(why, "SVG: the root element is not in the SVG "
		    "namespace (xmlns=\"" SVG_NS "\")");
	return IMAGE_SVG;
}

static enum image_type
svg(const char *s, size_t n, char why[IMAGE_WHY_MAX])
{
	const char *end = s + n, *q;
	int partial;

	if (utf8_check(s, n, &partial) != n || memchr(s, '\0', n))
		return fail(why, "not a PNG or SVG image");
	if (starts(s, end, "\xef\xbb\xbf"))
		s += 3;
	for (;;) {
		s = skip_space(s, end);
		if (s >= end || *s != '<')
			return fail(why, "not a PNG or SVG image");
		if (starts(s, end, "<?")) {
			if (!(q = find(s + 2, end, "?>")))
				return fail(why, "SVG: a processing "
				    "instruction cut short");
			s = q + 2;
		} else if (starts(s, end, "<!--")) {
			if (!(q = find(s + 4, end, "-->")))
				return fail(why, "SVG: a comment cut short");
			s = q + 3;
		} else if (starts(s, end, "<!DOCTYPE")) {
			if (!(s = skip_doctype(s + 9, end, why)))
				return IMAGE_NONE;
		} else if (starts(s, end, "<!")) {
			return fail(why, "SVG: markup before the root element");
		} else {
			return svg_root(s + 1, end, why);
		}
	}
}

enum image_type
image_sniff(const void *p, size_t n, char why[IMAGE_WHY_MAX])
{
	static const struct {
		const char *magic;
		size_t len;
		const char *name;
	} others[] = {
		{ "GIF8", 4, "a GIF" },
		{ "\xff\xd8\xff", 3, "a JPEG" },
		{ "BM", 2, "a BMP" },
		{ "RIFF", 4, "a RIFF (WebP)" },
		{ "\0\0\1\0", 4, "an ICO" },
	};
	const unsigned char *b = p;
	size_t i;

	if (n == 0)
		return fail(why, "empty");
	if (n > IMAGE_MAX)
		return fail(why, "more than %d bytes", IMAGE_MAX);
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return png(b, n, why);
	for (i = 0; i < sizeof others / sizeof *others; i++)
		if (n >= others[i].len &&
		    memcmp(b, others[i].magic, others[i].len) == 0)
			return fail(why, "%s image; use PNG or SVG",
			    others[i].name);
	return svg(p, n, why);
}

const char *
image_mime_type(enum image_type t)
{
	return t == IMAGE_PNG ? "image/png" : t == IMAGE_SVG ?
	    "image/svg+xml" : NULL;
}

const char *
image_name(enum image_type t)
{
	return t == IMAGE_PNG ? "png" : t == IMAGE_SVG ? "svg" : NULL;
}

int
image_uri(struct buf *out, const void *p, size_t n, char why[IMAGE_WHY_MAX])
{
	enum image_type t = image_sniff(p, n, why);
	size_t len;

	if (t == IMAGE_NONE)
		return -1;
	len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	buf_adds(out, heads[t]);
	buf_grow(out, len);
	sodium_bin2base64(out->p + out->len, len, p, n,
	    sodium_base64_VARIANT_ORIGINAL);
	out->len += len - 1;
	return 0;
}

int
image_from_uri(const char *uri, struct buf *bytes, enum image_type *t,
    char why[IMAGE_WHY_MAX])
{
	enum image_type i, declared = IMAGE_NONE;
	const char *b64;
	size_t n, got;

	*t = IMAGE_NONE;
	buf_reset(bytes);
	for (i = IMAGE_PNG; i <= IMAGE_SVG; i++)
		if (strncmp(uri, heads[i], strlen(heads[i])) == 0)
			declared = i;
	if (declared == IMAGE_NONE) {
		fail(why, "not a data: URI of a PNG or SVG image");
		return -1;
	}
	b64 = uri + strlen(heads[declared]);
	n = strlen(b64);
	if (n / 4 * 3 > IMAGE_MAX + 2) {
		fail(why, "more than %d bytes", IMAGE_MAX);
		return -1;
	}
	buf_grow(bytes, n / 4 * 3 + 3);
	if (sodium_base642bin((unsigned char *)bytes->p, n / 4 * 3 + 3, b64, n,
	    NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n % 4 != 0) {
		fail(why, "not a data: URI of a PNG or SVG image: bad base64");
		return -1;
	}
	bytes->len = got;
	bytes->p[got] = '\0';
	if ((i = image_sniff(bytes->p, got, why)) != declared) {
		if (i != IMAGE_NONE)
			fail(why, "a data: URI of %s that holds %s",
			    image_mime_type(declared), image_mime_type(i));
		buf_reset(bytes);
		return -1;
	}
	*t = i;
	return 0;
}

int
image_load(const char *path, struct buf *uri, char why[IMAGE_WHY_MAX])
{
	struct buf b = BUF_INIT;
	FILE *f;
	size_t n;
	int rc = -1;

	if (!(f = fopen(path, "rb"))) {
		fail(why, "cannot read: %s", strerror(errno));
		return -1;
	}
	buf_grow(&b, IMAGE_MAX + 1);
	n = fread(b.p, 1, IMAGE_MAX + 1, f);
	if (ferror(f))
		fail(why, "cannot read: %s", strerror(errno));
	else
		rc = image_uri(uri, b.p, n, why);
	fclose(f);
	buf_release(&b);
	return rc;
}
