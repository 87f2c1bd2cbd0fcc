/* sign.c: master key and sealed signing keys; the contract is in sign.h. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "files.h"
#include "sign.h"

struct sign_master {
	unsigned char key[crypto_secretbox_KEYBYTES];
};

void
sign_init(void)
{
	if (sodium_init() < 0)
		errx(EXIT_TEMPFAIL, "libsodium: cannot initialise");
}

int
sign_master_create(const char *path, char err[SIGN_ERR_MAX])
{
	unsigned char key[crypto_secretbox_KEYBYTES];
	char hex[2 * sizeof key + 2], why[FILES_WHY_MAX];
	int fd;
	ssize_t n;

	sign_init();
	if (files_check_dir(path, geteuid(), why) != 0) {
		snprintf(err, SIGN_ERR_MAX, "master key %s", why);
		return EXIT_CONFIG;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		snprintf(err, SIGN_ERR_MAX, "%s: %s", path, strerror(errno));
		return EXIT_CANTCREAT;
	}
	crypto_secretbox_keygen(key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	sodium_memzero(key, sizeof key);
	hex[2 * sizeof key] = '\n';
	n = write(fd, hex, 2 * sizeof key + 1);
	sodium_memzero(hex, sizeof hex);
	if (n != (ssize_t)(2 * sizeof key + 1) || fsync(fd) != 0) {
		snprintf(err, SIGN_ERR_MAX, "%s: %s", path,
		    n < 0 ? strerror(errno) : "short write");
		close(fd);
		unlink(path);
		return EXIT_CANTCREAT;
	}
	if (close(fd) != 0) {
		snprintf(err, SIGN_ERR_MAX, "%s: %s", path, strerror(errno));
		unlink(path);
		return EXIT_CANTCREAT;
	}
	return 0;
}

int
sign_master_load(const char *path, struct sign_master **mp,
    char err[SIGN_ERR_MAX])
{
	struct sign_master *m;
	char hex[2 * crypto_secretbox_KEYBYTES + 2], why[FILES_WHY_MAX];
	size_t len;
	ssize_t n;
	int fd;

	sign_init();
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, SIGN_ERR_MAX, "master key %s: %s", path,
		    strerror(errno));
		return errno == ELOOP ? EXIT_CONFIG : EXIT_NOINPUT;
	}
	if (files_check(path, FILES_SECRET, geteuid(), why) != 0) {
		snprintf(err, SIGN_ERR_MAX, "master key %s", why);
		close(fd);
		return EXIT_CONFIG;
	}
	/* 64 hex digits and an optional newline, nothing more. */
	n = read(fd, hex, sizeof hex);
	close(fd);
	len = 2 * crypto_secretbox_KEYBYTES;
	m = sodium_malloc(sizeof *m);
	if (!m)
		errx(EXIT_TEMPFAIL, "out of memory");
	if ((n != (ssize_t)len && !(n == (ssize_t)len + 1 &&
	    hex[len] == '\n')) || sodium_hex2bin(m->key, sizeof m->key, hex,
	    len, NULL, NULL, NULL) != 0) {
		sodium_memzero(hex, sizeof hex);
		sodium_free(m);
		snprintf(err, SIGN_ERR_MAX, "master key %s: not a credpipe "
		    "master key (64 hexadecimal digits)", path);
		return EXIT_CONFIG;
	}
	sodium_memzero(hex, sizeof hex);
	*mp = m;
	return 0;
}

void
sign_master_free(struct sign_master *m)
{
	if (m)
		sodium_free(m);	/* wipes */
}

void
sign_keypair_new(const struct sign_master *m, unsigned char pk[32],
    unsigned char sealed[SIGN_SEALED_LEN])
{
	unsigned char *seed, *sk;

	sign_init();
	seed = sodium_malloc(crypto_sign_SEEDBYTES);
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (!seed || !sk)
		errx(EXIT_TEMPFAIL, "out of memory");
	randombytes_buf(seed, crypto_sign_SEEDBYTES);
	crypto_sign_seed_keypair(pk, sk, seed);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES, seed,
	    crypto_sign_SEEDBYTES, sealed, m->key);
	sodium_free(seed);
	sodium_free(sk);
}

unsigned char *
sign_unseal(const struct sign_master *m, const unsigned char *sealed,
    size_t len, const unsigned char pk[32], char err[SIGN_ERR_MAX])
{
	unsigned char *seed, *sk, check[crypto_sign_PUBLICKEYBYTES];

	sign_init();
	if (len != SIGN_SEALED_LEN) {
		snprintf(err, SIGN_ERR_MAX, "sealed signing key has %zu "
		    "bytes, not %d", len, SIGN_SEALED_LEN);
		return NULL;
	}
	seed = sodium_malloc(crypto_sign_SEEDBYTES);
	sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (!seed || !sk)
		errx(EXIT_TEMPFAIL, "out of memory");
	if (crypto_secretbox_open_easy(seed, sealed +
	    crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
	    sealed, m->key) != 0) {
		snprintf(err, SIGN_ERR_MAX, "cannot unseal the signing key: "
		    "is this the master key it was made with?");
		sodium_free(seed);
		sodium_free(sk);
		return NULL;
	}
	crypto_sign_seed_keypair(check, sk, seed);
	sodium_free(seed);
	if (sodium_memcmp(check, pk, sizeof check) != 0) {
		snprintf(err, SIGN_ERR_MAX, "the sealed signing key does not "
		    "match its public key");
		sodium_free(sk);
		return NULL;
	}
	return sk;
}

void
sign_secret_free(unsigned char *sk)
{
	if (sk)
		sodium_free(sk);
}
