/*
 * multibase.h: base58btc, and the multibase/multicodec forms of Ed25519
 * keys that did:key and Data Integrity proofs use.
 *
 * An Ed25519 public key in multibase is "z" + base58btc(0xed 0x01 || key);
 * a secret seed is "z" + base58btc(0x80 0x26 || seed).  The did:key of a
 * public key is "did:key:" + its multibase form, and its verification
 * method is that DID + "#" + the multibase form again.
 */
#ifndef CREDPIPE_MULTIBASE_H
#define CREDPIPE_MULTIBASE_H

#include <stddef.h>

/* Room for the multibase form of a 32-byte key with its NUL (it is 48
 * characters), a did:key and a verification method. */
#define MULTIBASE_KEY_MAX 64
#define DIDKEY_MAX (8 + MULTIBASE_KEY_MAX)
#define DIDKEY_VM_MAX (2 * DIDKEY_MAX)

/*
 * Write base58btc of n bytes into out, which has room for outsize bytes,
 * NUL-terminated.  Return the length written, or 0 when out is too small
 * (base58 needs at most n * 138 / 100 + 2 characters).
 */
size_t base58_encode(const unsigned char *in, size_t n, char *out,
    size_t outsize);

/*
 * Decode the base58btc string s into out (room for outsize bytes).
 * Return the number of bytes, or -1 for a character outside the alphabet
 * or an out that is too small.
 */
long base58_decode(const char *s, unsigned char *out, size_t outsize);

/* The multibase form of an Ed25519 public key ("z6Mk..."). */
void multibase_ed25519_pub(const unsigned char pk[32],
    char out[MULTIBASE_KEY_MAX]);

/* Parse the multibase form of an Ed25519 public key or secret seed.
 * Return 0, or -1 when s is not one. */
int multibase_parse_ed25519_pub(const char *s, unsigned char pk[32]);
int multibase_parse_ed25519_seed(const char *s, unsigned char seed[32]);

/* "did:key:z6Mk..." of a public key, and its verification method
 * "did:key:z6Mk...#z6Mk...". */
void didkey_from_ed25519(const unsigned char pk[32], char out[DIDKEY_MAX]);
void didkey_vm_from_ed25519(const unsigned char pk[32],
    char out[DIDKEY_VM_MAX]);

/* The public key of a did:key, with or without a "#fragment" that must
 * then repeat the key.  Return 0, or -1 when did is not an Ed25519
 * did:key. */
int didkey_to_ed25519(const char *did, unsigned char pk[32]);

#endif
