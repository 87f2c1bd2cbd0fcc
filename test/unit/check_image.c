/*
 * check_image.c: image_sniff, the data: URIs both ways and image_load,
 * against the cases in data/image-* and the files of test/data/image.
 * PNG cases are written as chunks and given their CRCs here (zlib's
 * crc32), so that each case changes one thing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "credential.h"
#include "image.h"
#include "unit.h"

static const char sig[] = "\x89PNG\r\n\x1a\n";

/* Check that the n bytes at p are of type want ("png", "svg") or are
 * refused with "error: " and the reason. */
static void
assert_sniff(const void *p, size_t n, const char *want, const char *what)
{
	char why[IMAGE_WHY_MAX] = "";
	enum image_type t = image_sniff(p, n, why);

	if (strncmp(want, "error: ", 7) == 0) {
		ck_assert_msg(t == IMAGE_NONE, "%s: taken as %s", what,
		    image_name(t));
		ck_assert_msg(strcmp(why, want + 7) == 0, "%s: got '%s', "
		    "want '%s'", what, why, want + 7);
	} else {
		ck_assert_msg(t != IMAGE_NONE, "%s: refused: %s", what, why);
		ck_assert_str_eq(image_name(t), want);
	}
}

static void
add_be32(struct buf *b, unsigned long v)
{
	buf_addc(b, (int)(v >> 24 & 0xff));
	buf_addc(b, (int)(v >> 16 & 0xff));
	buf_addc(b, (int)(v >> 8 & 0xff));
	buf_addc(b, (int)(v & 0xff));
}

static void
add_hex(struct buf *b, const char *hex, size_t n)
{
	size_t i;

	ck_assert_msg(n % 2 == 0, "odd hex '%.*s'", (int)n, hex);
	for (i = 0; i < n; i += 2) {
		char two[3] = { hex[i], hex[i + 1], 0 };

		buf_addc(b, (int)strtol(two, NULL, 16));
	}
}

/* Append a chunk of type t with the n data bytes at d, its CRC right or
 * not. */
static void
add_chunk(struct buf *b, const char *t, const void *d, size_t n, int good)
{
	unsigned long crc;

	add_be32(b, n);
	buf_add(b, t, 4);
	buf_add(b, d, n);
	crc = crc32(0, (const unsigned char *)b->p + b->len - n - 4,
	    (uInt)n + 4);
	add_be32(b, good ? crc : crc ^ 1);
}

/* A PNG from the chunks of a case: "TYPE:HEX[!] ... raw:HEX". */
static void
make_png(struct buf *png, const char *spec)
{
	struct buf data = BUF_INIT;
	const char *p = spec;

	buf_reset(png);
	buf_add(png, sig, 8);
	while (*p) {
		size_t n = strcspn(p, " "), hex;
		const char *colon = memchr(p, ':', n);
		int good = p[n - 1] != '!';

		ck_assert_msg(colon && colon - p == (colon[-1] == 'w' ? 3 : 4),
		    "bad chunk in '%s'", spec);
		hex = n - (size_t)(colon + 1 - p) - !good;
		buf_reset(&data);
		add_hex(&data, colon + 1, hex);
		if (strncmp(p, "raw:", 4) == 0)
			buf_add(png, data.p, data.len);
		else
			add_chunk(png, p, data.p, data.len, good);
		p += n;
		p += *p == ' ';
	}
	buf_release(&data);
}

/* The bytes of a case of image-sniff.tsv: its escapes undone. */
static void
unescaped(struct buf *b, const char *line)
{
	unit_unescape(b, line, strlen(line));
}

/* Each case of the file rel, made into bytes by make, must be sniffed as
 * it says; at least min of them. */
static void
sniff_file(const char *rel, void (*make)(struct buf *, const char *),
    size_t min)
{
	struct buf in = BUF_INIT;
	char *line = NULL, *want;
	size_t cap = 0, n = 0;
	FILE *f = unit_cases(rel);

	while (unit_next_case(f, &line, &cap, &want)) {
		make(&in, line);
		assert_sniff(in.p, in.len, want, line);
		n++;
	}
	ck_assert_uint_ge(n, min);
	free(line);
	fclose(f);
	buf_release(&in);
}

START_TEST(sniff_cases)
{
	sniff_file("test/unit/data/image-sniff.tsv", unescaped, 40);
}
END_TEST

START_TEST(png_cases)
{
	sniff_file("test/unit/data/image-png.tsv", make_png, 25);
}
END_TEST

/* A valid PNG of exactly n bytes: a 1x1 image and a tEXt chunk to fill. */
static void
png_of_size(struct buf *png, size_t n)
{
	struct buf text = BUF_INIT;

	make_png(png, "IHDR:00000001000000010806000000 IDAT:789c630001000005"
	    "0001");
	ck_assert_uint_ge(n, png->len + 12 + 12 + 8);
	buf_adds(&text, "Comment");
	buf_addc(&text, 0);
	while (text.len < n - png->len - 12 - 12)
		buf_addc(&text, 'x');
	add_chunk(png, "tEXt", text.p, text.len, 1);
	add_chunk(png, "IEND", "", 0, 1);
	ck_assert_uint_eq(png->len, n);
	buf_release(&text);
}

START_TEST(size_limits)
{
	struct buf png = BUF_INIT, uri = BUF_INIT, back = BUF_INIT;
	char why[IMAGE_WHY_MAX];
	enum image_type t;

	png_of_size(&png, IMAGE_MAX);
	assert_sniff(png.p, png.len, "png", "64 KiB");
	ck_assert_int_eq(image_uri(&uri, png.p, png.len, why), 0);
	ck_assert_uint_le(uri.len, CREDENTIAL_IMAGE_URI_MAX);
	ck_assert(credential_is_image(uri.p));
	ck_assert_int_eq(image_from_uri(uri.p, &back, &t, why), 0);
	ck_assert(t == IMAGE_PNG && back.len == png.len &&
	    memcmp(back.p, png.p, png.len) == 0);

	png_of_size(&png, IMAGE_MAX + 1);
	assert_sniff(png.p, png.len, "error: more than 65536 bytes",
	    "64 KiB + 1");
	buf_reset(&uri);
	buf_adds(&uri, "kept");
	ck_assert_int_eq(image_uri(&uri, png.p, png.len, why), -1);
	ck_assert_str_eq(uri.p, "kept");
	buf_release(&png);
	buf_release(&uri);
	buf_release(&back);
}
END_TEST

/* The data: URI of a known image, as another base64 encoder wrote it. */
START_TEST(uri_known)
{
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
	static const char want[] = "data:image/svg+xml;base64,PHN2ZyB4bWxuc"
	    "z0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";
	struct buf uri = BUF_INIT, back = BUF_INIT;
	char why[IMAGE_WHY_MAX];
	enum image_type t;

	buf_adds(&uri, ">");
	ck_assert_int_eq(image_uri(&uri, svg, sizeof svg - 1, why), 0);
	ck_assert_str_eq(uri.p + 1, want);
	ck_assert_uint_eq(uri.len, sizeof want);
	ck_assert_int_eq(image_from_uri(want, &back, &t, why), 0);
	ck_assert_int_eq(t, IMAGE_SVG);
	ck_assert_str_eq(back.p, svg);
	ck_assert_str_eq(image_mime_type(IMAGE_SVG), "image/svg+xml");
	ck_assert_str_eq(image_mime_type(IMAGE_PNG), "image/png");
	ck_assert_ptr_null(image_mime_type(IMAGE_NONE));
	buf_release(&uri);
	buf_release(&back);
}
END_TEST

START_TEST(uri_refused)
{
	struct buf uri = BUF_INIT, bytes = BUF_INIT;
	char *line = NULL, *want, why[IMAGE_WHY_MAX];
	size_t cap = 0, n = 0;
	enum image_type t;
	FILE *f = unit_cases("test/unit/data/image-uri.tsv");

	while (unit_next_case(f, &line, &cap, &want)) {
		unit_unescape(&uri, line, strlen(line));
		buf_reset(&bytes);
		buf_adds(&bytes, "old");
		t = IMAGE_PNG;
		memset(why, 0, sizeof why);
		ck_assert_msg(image_from_uri(uri.p, &bytes, &t, why) == -1,
		    "'%s' taken", line);
		ck_assert_msg(strcmp(why, want) == 0, "'%s': got '%s', want "
		    "'%s'", line, why, want);
		ck_assert_int_eq(t, IMAGE_NONE);
		ck_assert_uint_eq(bytes.len, 0);
		n++;
	}
	ck_assert_uint_ge(n, 15);
	free(line);
	fclose(f);
	buf_release(&uri);
	buf_release(&bytes);
}
END_TEST

/* Each file: its type, or its refusal; a good one's URI gives back its
 * bytes, and credentials take it. */
START_TEST(files)
{
	struct buf path = BUF_INIT, bytes = BUF_INIT, uri = BUF_INIT;
	struct buf back = BUF_INIT;
	char *line = NULL, *want, why[IMAGE_WHY_MAX];
	size_t cap = 0, n = 0;
	enum image_type t;
	FILE *f = unit_cases("test/unit/data/image-files.tsv");

	while (unit_next_case(f, &line, &cap, &want)) {
		buf_reset(&path);
		buf_printf(&path, "test/data/image/%s", line);
		unit_slurp(&bytes, path.p);
		assert_sniff(bytes.p, bytes.len, want, line);
		buf_reset(&path);
		buf_printf(&path, "%s/test/data/image/%s", unit_top(), line);
		buf_reset(&uri);
		buf_adds(&uri, "x");
		memset(why, 0, sizeof why);
		if (strncmp(want, "error: ", 7) == 0) {
			ck_assert_int_eq(image_load(path.p, &uri, why), -1);
			ck_assert_str_eq(why, want + 7);
			ck_assert_str_eq(uri.p, "x");
			n++;
			continue;
		}
		ck_assert_msg(image_load(path.p, &uri, why) == 0, "%s: %s",
		    line, why);
		ck_assert(credential_is_image(uri.p + 1));
		ck_assert_int_eq(image_from_uri(uri.p + 1, &back, &t, why), 0);
		ck_assert_str_eq(image_name(t), want);
		ck_assert(back.len == bytes.len &&
		    memcmp(back.p, bytes.p, bytes.len) == 0);
		ck_assert_int_eq(strncmp(uri.p + 1, "data:", 5), 0);
		ck_assert_ptr_nonnull(strstr(uri.p, image_mime_type(t)));
		n++;
	}
	ck_assert_uint_ge(n, 7);
	free(line);
	fclose(f);
	buf_release(&path);
	buf_release(&bytes);
	buf_release(&uri);
	buf_release(&back);
}
END_TEST

/* image_load reads no more than it must, and says why it cannot. */
START_TEST(load_refused)
{
	char path[] = "/tmp/check_image.XXXXXX", why[IMAGE_WHY_MAX];
	struct buf png = BUF_INIT, uri = BUF_INIT;
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "wb"));
	png_of_size(&png, IMAGE_MAX + 1);
	ck_assert_uint_eq(fwrite(png.p, 1, png.len, f), png.len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(image_load(path, &uri, why), -1);
	ck_assert_str_eq(why, "more than 65536 bytes");
	ck_assert_uint_eq(uri.len, 0);
	ck_assert_int_eq(truncate(path, 0), 0);
	ck_assert_int_eq(image_load(path, &uri, why), -1);
	ck_assert_str_eq(why, "empty");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(image_load(path, &uri, why), -1);
	ck_assert_str_eq(why, "cannot read: No such file or directory");
	ck_assert_int_eq(image_load("/", &uri, why), -1);
	ck_assert_str_eq(why, "cannot read: Is a directory");
	ck_assert_uint_eq(uri.len, 0);
	buf_release(&png);
	buf_release(&uri);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("image");

	tcase_add_test(tc, sniff_cases);
	tcase_add_test(tc, png_cases);
	tcase_add_test(tc, size_limits);
	tcase_add_test(tc, uri_known);
	tcase_add_test(tc, uri_refused);
	tcase_add_test(tc, files);
	tcase_add_test(tc, load_refused);
	suite_add_tcase(s, tc);
	return s;
}
