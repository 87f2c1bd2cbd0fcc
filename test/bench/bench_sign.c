/*
 * bench_sign.c: how many credentials one core builds, canonicalises and
 * signs per second, against Ed25519 signing alone.
 *
 *	bench_sign [seconds]
 *
 * Each credential is what the job worker makes: a fresh id and salt, the
 * identity hash of an email, then credential_build_signed (the checks, the
 * canonical N-Quads of document and proof options, two SHA-256, one
 * Ed25519 signature, the JSON).  Prints "credentials/s ed25519/s" on
 * stdout.
 */
#include <err.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "credential.h"

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

int
main(int argc, char *argv[])
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	struct job j = { { 0 }, NULL, BUF_INIT, 0 };
	double creds, sigs;

	if (sodium_init() < 0)
		errx(1, "cannot initialise libsodium");
	if (!(j.sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)))
		errx(1, "sodium_malloc");
	crypto_sign_keypair(j.pk, j.sk);
	creds = rate(secs, issue, &j);
	sigs = rate(secs, sign_only, &j);
	printf("%.0f %.0f\n", creds, sigs);
	sodium_free(j.sk);
	buf_release(&j.json);
	return 0;
}
