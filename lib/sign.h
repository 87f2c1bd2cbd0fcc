/*
 * sign.h: the master key and the organizations' Ed25519 signing keys.
 *
 * Each organization signs with its own Ed25519 key pair.  The secret half
 * is stored sealed: crypto_secretbox (XSalsa20-Poly1305) under the master
 * key, a random 32-byte key in a file of its own that only its owner may
 * read.  Whoever holds the database without the master key holds no
 * secret.  Unsealed secrets and the master key live in sodium_malloc'd
 * memory (guard pages, no swap where the system allows) and are wiped when
 * freed.
 *
 * The master key file holds the key as 64 hexadecimal digits and a
 * newline.
 */
#ifndef CREDPIPE_SIGN_H
#define CREDPIPE_SIGN_H

#include <stddef.h>

/* The size of a sealed secret: nonce, MAC and the 32-byte seed. */
#define SIGN_SEALED_LEN (24 + 16 + 32)

/* Room for a message from these functions. */
#define SIGN_ERR_MAX 640

struct sign_master;

/* Initialise libsodium; every function here calls it, commands that use
 * libsodium directly call it first.  Ends the program if it fails. */
void sign_init(void);

/*
 * Create a new master key file at path, mode 0600, never overwriting.
 * Return 0, or an exit status (EXIT_CANTCREAT) with err set.
 */
int sign_master_create(const char *path, char err[SIGN_ERR_MAX]);

/*
 * Load the master key at path.  Refuse (EXIT_CONFIG) a file that group or
 * others may read or write, that is not a regular file, or that does not
 * hold a key, saying how to fix it; EXIT_NOINPUT when it cannot be
 * opened.  Return 0 and *m, which sign_master_free frees.
 */
int sign_master_load(const char *path, struct sign_master **m,
    char err[SIGN_ERR_MAX]);
void sign_master_free(struct sign_master *m);

/* Make a new key pair: its public key, and its secret sealed under m. */
void sign_keypair_new(const struct sign_master *m, unsigned char pk[32],
    unsigned char sealed[SIGN_SEALED_LEN]);

/*
 * Unseal a secret key into libsodium's 64-byte Ed25519 form, in
 * sodium_malloc'd memory that sign_secret_free wipes and frees.  Check it
 * against pk.  Return NULL, with err set, when it cannot be unsealed (a
 * wrong master key) or does not match.
 */
unsigned char *sign_unseal(const struct sign_master *m,
    const unsigned char *sealed, size_t len, const unsigned char pk[32],
    char err[SIGN_ERR_MAX]);
void sign_secret_free(unsigned char *sk);

#endif
