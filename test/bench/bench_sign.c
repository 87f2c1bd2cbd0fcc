/*
 * bench_sign.c: how many credentials one core builds, canonicalises and
 * signs per second, against Ed25519 signing alone.
 *
 *	bench_sign [seconds]
 *
 * Each credential is what the job worker makes: a fresh id and salt, the
 * identity hash of an email, then credential_build_signed (the checks, the
 * canonical N-Quads of document and proof options, two SHA-256, one
 * Ed25519 signature, the JSON), with a status entry.  Then the same with
 * the badge's image embedded, a PNG of 20 KiB as its data: URI.  Prints
 * "credentials/s ed25519/s with-image/s" on stdout.
 */
#include <err.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "buf.h"
#include "credential.h"
#include "image.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run fn over and over for about secs seconds; return calls per second. */
static double
rate(double secs, void (*fn)(void *), void *arg)
{
	double t0 = now(), t;
	unsigned long n = 0, i;

	do {
		for (i = 0; i < 256; i++)
			fn(arg);
		n += 256;
	} while ((t = now()) - t0 < secs);
	return (double)n / (t - t0);
}

struct job {
	unsigned char pk[32];
	unsigned char *sk;	/* sodium_malloc'd, as the worker holds it */
	struct buf json;
	unsigned long n;
	const char *image;	/* the badge's image IRI, or NULL */
};

static void
issue(void *arg)
{
	struct job *j = arg;
	char id[CREDENTIAL_ID_MAX], salt[CREDENTIAL_SALT_MAX];
	char hash[CREDENTIAL_HASH_MAX], why[CREDENTIAL_WHY_MAX];
	char email[64];
	struct credential c = { 0 };

	credential_new_id(id);
	credential_new_salt(salt);
	snprintf(email, sizeof email, "person.%lu@example.org", j->n++);
	credential_identity_hash(email, salt, hash);
	c.id = id;
	c.name = "Python 101";
	memcpy(c.issuer_pk, j->pk, sizeof j->pk);
	c.issuer_name = "Example University";
	c.valid_from = c.awarded = c.created = 1767225600;
	c.valid_until = 1830297600;
	c.recipient_name = "Ada Lovelace";
	c.identity_hash = hash;
	c.salt = salt;
	c.achievement_id = "https://example.org/badges/python-101";
	c.achievement_name = "Python 101";
	c.achievement_description = "Writes, tests and documents small Python "
	    "programs.";
	c.criteria = "Passed the final project review with a mark of 60% or "
	    "more.";
	c.status_list = "https://example.org/status/1.json";
	c.status_index = j->n % 131072;
	c.achievement_image = j->image;
	buf_reset(&j->json);
	if (credential_build_signed(&c, j->sk, &j->json, why) != 0)
		errx(1, "%s", why);
}

static void
sign_only(void *arg)
{
	struct job *j = arg;
	unsigned char sig[64], msg[64] = { 1 };

	crypto_sign_detached(sig, NULL, msg, sizeof msg, j->sk);
}

static void
add_chunk(struct buf *b, const char *type, const void *d, size_t n)
{
	unsigned char len[4] = { (unsigned char)(n >> 24),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 8),
	    (unsigned char)n };
	unsigned long crc;
	size_t at = b->len;

	buf_add(b, len, 4);
	buf_add(b, type, 4);
	buf_add(b, d, n);
	crc = crc32(0, (const unsigned char *)b->p + at + 4, (uInt)n + 4);
	len[0] = (unsigned char)(crc >> 24);
	len[1] = (unsigned char)(crc >> 16);
	len[2] = (unsigned char)(crc >> 8);
	len[3] = (unsigned char)crc;
	buf_add(b, len, 4);
}

/* The data: URI of a real PNG of 20 KiB: 100x50 RGBA of noise, which
 * does not compress, padded to the byte. */
static void
image_20k(struct buf *uri)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 100, 0, 0, 0, 50, 8,
	    6, 0, 0, 0 };
	unsigned char raw[50 * 401], z[sizeof raw + 1024];
	struct buf png = BUF_INIT, pad = BUF_INIT;
	char why[IMAGE_WHY_MAX];
	uLongf zn = sizeof z;
	size_t i;

	randombytes_buf(raw, sizeof raw);
	for (i = 0; i < 50; i++)
		raw[i * 401] = 0;	/* filter type None */
	if (compress(z, &zn, raw, sizeof raw) != Z_OK)
		errx(1, "compress");
	buf_add(&png, "\x89PNG\r\n\x1a\n", 8);
	add_chunk(&png, "IHDR", ihdr, sizeof ihdr);
	add_chunk(&png, "IDAT", z, zn);
	if (png.len + 12 + 12 + 8 > 20480)
		errx(1, "the image is over 20 KiB already");
	buf_add(&pad, "Comment", 8);
	while (png.len + 12 + pad.len + 12 < 20480)
		buf_addc(&pad, 'x');
	add_chunk(&png, "tEXt", pad.p, pad.len);
	add_chunk(&png, "IEND", "", 0);
	if (png.len != 20480 || image_uri(uri, png.p, png.len, why) != 0)
		errx(1, "the 20 KiB image: %zu bytes: %s", png.len, why);
	buf_release(&png);
	buf_release(&pad);
}

int
main(int argc, char *argv[])
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	struct job j = { { 0 }, NULL, BUF_INIT, 0, NULL };
	struct buf image = BUF_INIT;
	double creds, sigs, with_image;

	if (sodium_init() < 0)
		errx(1, "cannot initialise libsodium");
	if (!(j.sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)))
		errx(1, "sodium_malloc");
	crypto_sign_keypair(j.pk, j.sk);
	image_20k(&image);
	creds = rate(secs, issue, &j);
	sigs = rate(secs, sign_only, &j);
	j.image = image.p;
	with_image = rate(secs, issue, &j);
	printf("%.0f %.0f %.0f\n", creds, sigs, with_image);
	sodium_free(j.sk);
	buf_release(&j.json);
	buf_release(&image);
	return 0;
}
