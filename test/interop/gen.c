/*
 * gen.c: make signed credentials with hostile text, for the interop
 * checks (test/interop/check.js) and the benchmark.
 *
 *	gen [-n count] [-s seed] dir
 *	gen -e dir
 *
 * Writes dir/NNNN.json (the signed credential), dir/NNNN.nq (our
 * canonical N-Quads of the document) and dir/NNNN.proof.nq (of the proof
 * options), for NNNN from 0001.  Everything comes from the seed, keys and
 * ids included, so a run can be repeated exactly.
 *
 * With -e it writes instead a few readable credentials signed with the
 * W3C vc-di-eddsa test key, the base of the test/cli/credential-verify
 * cases: good (valid until 2099), forever (no validUntil), expired,
 * future (valid from the year 9000), controls (control characters in
 * the recipient's name) and full (every optional part: the issuer's url,
 * email, description and image, the achievement's type and image, a
 * credentialStatus), each as NAME.json, NAME.nq and NAME.proof.nq.
 *
 * Names, descriptions and criteria mix quotes, backslashes, TAB, CR, LF,
 * other control characters, U+007F, C1 controls, non-ASCII scripts,
 * emoji, line and paragraph separators, text that looks like N-Quads or
 * JSON-LD, and now and then a string tens of kilobytes long.  About half
 * carry each optional part of the credential (issuer url, email,
 * description and image, achievement type and image, credentialStatus).
 * Times run
 * from 2020 to 2025 for validFrom and from 2090 to 9999 for validUntil, so
 * that every credential is valid today.
 */
#include <err.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "canonical.h"
#include "credential.h"
#include "multibase.h"
#include "util.h"

static uint64_t state;

/* splitmix64: small, and the same on every machine. */
static uint64_t
next(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
below(unsigned n)
{
	return (unsigned)(next() % n);
}

static void
random_bytes(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)next();
}

static const char *const pieces[] = {
	"\"", "\\", "\\\\", "\t", "\r", "\n", "\r\n", "\x7f", "\b", "\f",
	"\xc2\x80", "\xc2\x85", "\xc2\x9f", "\xc2\xa0",	/* C1, NBSP */
	"caf\xc3\xa9", "Stra\xc3\x9f" "e", "\xe6\x97\xa5\xe6\x9c\xac",
	"\xd7\xa2\xd7\x91\xd7\xa8\xd7\x99\xd7\xaa",	/* Hebrew */
	"\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a",		/* Arabic */
	"\xf0\x9f\x98\x80", "\xf0\x9f\x8e\x93",	/* emoji */
	"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",	/* ZWJ sequence */
	"e\xcc\x81", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbb\xbf",
	"\xef\xbf\xbd", "\xee\x80\x80", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf",
	"\" .\n_:c14n0 <http://example.org/p> \"x", "\"^^<http://x>",
	"@id", "{\"@value\": 1}", "\\u0041", "\\n", "</script>", "'", "`",
	"%s%n", "${x}", "Ada", "Lovelace", "Python 101", " ", "  ", "-",
	"Z", "0", "<", ">", "&amp;", "_:b0",
};

/* One control character other than NUL, TAB, LF, CR. */
static void
add_control(struct buf *b)
{
	static const char c[] = "\x01\x02\x03\x04\x05\x06\x07\x0b\x0e\x0f"
	    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
	    "\x1f";

	buf_addc(b, c[below(sizeof c - 1)]);
}

/* Hostile text into b; empty only when empty_ok. */
static const char *
hostile(struct buf *b, int empty_ok)
{
	unsigned n, i, k;

	buf_reset(b);
	buf_add(b, "", 0);
	if (empty_ok && below(10) == 0)
		return b->p;
	n = 1 + below(24);
	if (below(40) == 0)
		n = 2000 + below(4000);	/* tens of kilobytes */
	for (i = 0; i < n; i++) {
		k = below(sizeof pieces / sizeof *pieces + 4);
		if (k >= sizeof pieces / sizeof *pieces)
			add_control(b);
		else
			buf_adds(b, pieces[k]);
	}
	return b->p;
}

/* An image IRI: a data URI of random base64 bytes, or an https URL. */
static const char *
random_image(struct buf *b)
{
	static const char *const heads[] = { "data:image/png;base64,",
	    "data:image/svg+xml;base64," };
	unsigned char bytes[600];
	size_t n = 1 + below(sizeof bytes);
	char *b64;

	buf_reset(b);
	if (below(4) == 0) {
		buf_printf(b, "https://img.example.org/%u.png?s=%u&t=[x]",
		    below(1000), below(10));
		return b->p;
	}
	random_bytes(bytes, n);
	b64 = xmalloc(sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL), bytes, n,
	    sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, "%s%s", heads[below(2)], b64);
	free(b64);
	return b->p;
}

/*
 * The optional parts, each in about half the credentials: the issuer's
 * url, email, description and image, the achievement's type and image
 * (now and then the issuer's image again: one node, one quad), and a
 * credentialStatus.
 */
static void
optional_fields(struct credential *c, struct buf *desc, struct buf *img1,
    struct buf *img2, struct buf *list)
{
	static const char *const urls[] = { "https://example.org",
	    "http://example.org/a?b=c&d=[1]#top", "https://example.org/%41/" };
	static const char *const types[] = { "Badge", "Certificate",
	    "MicroCredential", "ext:Hackathon.2026_winner-1" };

	if (below(2))
		c->issuer_url = urls[below(3)];
	if (below(2))
		c->issuer_email = "badges@example.org";
	if (below(2))
		c->issuer_description = hostile(desc, 1);
	if (below(2))
		c->issuer_image = random_image(img1);
	if (below(2))
		c->achievement_type = types[below(4)];
	if (below(2))
		c->achievement_image = c->issuer_image && below(3) == 0 ?
		    c->issuer_image : random_image(img2);
	if (below(2)) {
		buf_reset(list);
		buf_printf(list, "https://status.example.org/lists/%u.json",
		    below(5));
		c->status_list = list->p;
		c->status_index = below(131072);
	}
}

static void
random_uuid(char out[CREDENTIAL_ID_MAX])
{
	unsigned char u[16];
	char hex[33];

	random_bytes(u, sizeof u);
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	sodium_bin2hex(hex, sizeof hex, u, sizeof u);
	snprintf(out, CREDENTIAL_ID_MAX, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s",
	    hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static void
write_file(const char *dir, const char *name, const char *ext,
    const struct buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
	if (!(f = fopen(path, "wb")))
		err(73, "%s", path);
	if (fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0)
		err(74, "%s", path);
}

/* Sign c and write dir/NAME.json, dir/NAME.nq and dir/NAME.proof.nq. */
static void
emit(const char *dir, const char *name, struct credential *c,
    const unsigned char *sk)
{
	struct buf json = BUF_INIT, nq = BUF_INIT;
	char why[CREDENTIAL_WHY_MAX];

	if (credential_build_signed(c, sk, &json, why) != 0 ||
	    canonical_document(c, &nq, why) != 0)
		errx(1, "%s: %s", name, why);
	write_file(dir, name, ".json", &json);
	write_file(dir, name, ".nq", &nq);
	buf_reset(&nq);
	canonical_proof(c, &nq);
	write_file(dir, name, ".proof.nq", &nq);
	buf_release(&json);
	buf_release(&nq);
}

/* The example with every optional part: full.json. */
static void
full(const char *dir, const unsigned char pk[32], const unsigned char *sk)
{
	static const char png[] = "data:image/png;base64,iVBORw0KGgoAAAANSUhEU"
	    "gAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU"
	    "5ErkJggg==";
	struct credential c = { 0 };
	char hash[CREDENTIAL_HASH_MAX];

	c.id = "urn:uuid:5d3c1b2a-7e6f-4a89-b0c1-d2e3f4a5b6c7";
	c.name = "Python 101";
	memcpy(c.issuer_pk, pk, 32);
	c.issuer_name = "Example University";
	c.issuer_url = "https://university.example.org";
	c.issuer_email = "badges@university.example.org";
	c.issuer_description = "A university that issues badges.";
	c.issuer_image = "https://university.example.org/logo.png";
	if (credential_parse_time("2025-09-01T09:00:00Z", &c.valid_from) != 0)
		errx(1, "bad time");
	c.awarded = c.created = c.valid_from;
	c.recipient_name = "Ada Lovelace";
	c.salt = "5f1c0a7e9d3b2c4a6e8f0a1b2c3d4e5f";
	credential_identity_hash("ada@example.org", c.salt, hash);
	c.identity_hash = hash;
	c.achievement_id = "https://example.org/badges/python-101";
	c.achievement_type = "Certificate";
	c.achievement_name = "Python 101";
	c.achievement_description = "Writes, tests and documents small Python "
	    "programs.";
	c.criteria = "Passed the final project review.";
	c.achievement_image = png;
	c.status_list = "https://university.example.org/status/1.json";
	c.status_index = 94567;
	emit(dir, "full", &c, sk);
}

/* The readable examples of -e. */
static void
examples(const char *dir)
{
	static const char w3c_seed[] =
	    "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
	static const struct {
		const char *name, *id, *recipient, *from, *until;
	} ex[] = {
		{ "good", "urn:uuid:3b6e7f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b",
		    "Ada Lovelace", "2025-09-01T09:00:00Z",
		    "2099-09-01T09:00:00Z" },
		{ "forever", "urn:uuid:0f4d6a52-93c1-4b7e-8d2a-61e5f3b9c7d4",
		    "Zo\xc3\xab \"Zed\" O'Brien\t\xf0\x9f\x8e\x93",
		    "2025-09-01T09:00:00Z", NULL },
		{ "expired", "urn:uuid:7c2e9b14-5a3f-4d61-b8e0-2f9a6c4d1e73",
		    "Grace Hopper", "2019-01-01T00:00:00Z",
		    "2020-01-01T00:00:00Z" },
		{ "future", "urn:uuid:c5a8d3e1-2b7f-4c90-a6d4-8e1f3b5c7a92",
		    "Alan Turing", "9000-01-01T00:00:00Z", NULL },
		{ "controls", "urn:uuid:9e1b4c7d-3a6f-4e28-b5d0-7c2a8f1e6b39",
		    "\x1b[31mMallory\x1b[0m\\\r\nOK\x7f\xc2\x85\x01",
		    "2025-09-01T09:00:00Z", NULL },
	};
	unsigned char seed[32], pk[32], sk[64];
	char hash[CREDENTIAL_HASH_MAX];
	size_t i;

	if (multibase_parse_ed25519_seed(w3c_seed, seed) != 0)
		errx(1, "bad test key");
	crypto_sign_seed_keypair(pk, sk, seed);
	for (i = 0; i < sizeof ex / sizeof *ex; i++) {
		struct credential c = { 0 };

		c.id = ex[i].id;
		c.name = "Python 101";
		memcpy(c.issuer_pk, pk, sizeof pk);
		c.issuer_name = "Example University";
		if (credential_parse_time(ex[i].from, &c.valid_from) != 0 ||
		    (ex[i].until && credential_parse_time(ex[i].until,
		    &c.valid_until) != 0))
			errx(1, "bad time");
		c.awarded = c.created = c.valid_from;
		c.recipient_name = ex[i].recipient;
		c.salt = "5f1c0a7e9d3b2c4a6e8f0a1b2c3d4e5f";
		credential_identity_hash("ada@example.org", c.salt, hash);
		c.identity_hash = hash;
		c.achievement_id = "https://example.org/badges/python-101";
		c.achievement_name = "Python 101";
		c.achievement_description = "Writes, tests and documents small "
		    "Python programs.";
		c.criteria = "Passed the final project review.";
		emit(dir, ex[i].name, &c, sk);
	}
	full(dir, pk, sk);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen [-n count] [-s seed] dir\n"
	    "       gen -e dir\n");
	exit(64);
}

int
main(int argc, char *argv[])
{
	static const char *const badge_iris[] = {
		"https://example.org/badges/python-101",
		"http://example.org/b?x=[1]&y='a'(b)*+,;=%41~#frag@:",
		"urn:example:badge:7",
		"https://example.org/%F0%9F%98%80/",
	};
	struct buf name = BUF_INIT, org = BUF_INIT, person = BUF_INIT;
	struct buf badge = BUF_INIT, desc = BUF_INIT, crit = BUF_INIT;
	struct buf email = BUF_INIT, idesc = BUF_INIT, img1 = BUF_INIT;
	struct buf img2 = BUF_INIT, list = BUF_INIT;
	unsigned char seed[32], pk[32], sk[64];
	char id[CREDENTIAL_ID_MAX], badge_id[CREDENTIAL_ID_MAX];
	char salt[CREDENTIAL_SALT_MAX], hash[CREDENTIAL_HASH_MAX];
	char stem[16];
	unsigned long count = 200, seedarg = 1;
	unsigned i;
	int c, ex = 0;

	while ((c = getopt(argc, argv, "en:s:")) != -1) {
		switch (c) {
		case 'e':
			ex = 1;
			break;
		case 'n':
			if (parse_ulong(optarg, 1, 100000, &count) != 0)
				errx(64, "-n: bad count '%s'", optarg);
			break;
		case 's':
			if (parse_ulong(optarg, 0, (unsigned long)-1,
			    &seedarg) != 0)
				errx(64, "-s: bad seed '%s'", optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	if (sodium_init() < 0)
		errx(70, "cannot initialise libsodium");
	if (ex) {
		examples(argv[optind]);
		return 0;
	}
	state = seedarg;

	for (i = 1; i <= count; i++) {
		struct credential cr = { 0 };
		unsigned k;

		/* A new issuer key every few credentials. */
		if (i % 7 == 1) {
			random_bytes(seed, sizeof seed);
			crypto_sign_seed_keypair(pk, sk, seed);
		}
		random_uuid(id);
		cr.id = id;
		cr.name = hostile(&name, 0);
		memcpy(cr.issuer_pk, pk, sizeof pk);
		cr.issuer_name = hostile(&org, 0);
		cr.valid_from = 1577836800 + (int64_t)below(6 * 365 * 86400);
		cr.awarded = below(4) ? cr.valid_from :
		    cr.valid_from - (int64_t)below(86400 * 30);
		cr.created = cr.valid_from;
		switch (below(4)) {
		case 0:
		case 1:
			cr.valid_until = 0;
			break;
		case 2:
			cr.valid_until = 3786912000 +
			    (int64_t)below(10 * 365 * 86400);
			break;
		default:
			cr.valid_until = CREDENTIAL_TIME_LAST;
		}
		cr.recipient_name = hostile(&person, 0);
		random_bytes(seed, 16);
		sodium_bin2hex(salt, sizeof salt, seed, 16);
		buf_reset(&email);
		buf_printf(&email, "person.%u@example.org", i);
		credential_identity_hash(email.p, salt, hash);
		cr.identity_hash = hash;
		cr.salt = salt;
		k = below(5);
		if (k < 4) {
			cr.achievement_id = badge_iris[k];
		} else {
			random_uuid(badge_id);
			cr.achievement_id = badge_id;
		}
		cr.achievement_name = hostile(&badge, 0);
		cr.achievement_description = hostile(&desc, 1);
		cr.criteria = hostile(&crit, 1);
		optional_fields(&cr, &idesc, &img1, &img2, &list);

		snprintf(stem, sizeof stem, "%04u", i);
		emit(argv[optind], stem, &cr, sk);
	}
	buf_release(&name);
	buf_release(&org);
	buf_release(&person);
	buf_release(&badge);
	buf_release(&desc);
	buf_release(&crit);
	buf_release(&email);
	buf_release(&idesc);
	buf_release(&img1);
	buf_release(&img2);
	buf_release(&list);
	return 0;
}
