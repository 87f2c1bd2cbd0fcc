/*
 * proof.h: the arithmetic of an eddsa-rdfc-2022 Data Integrity proof
 * (W3C vc-di-eddsa, sections 3.3.4 to 3.3.6), on canonical texts.
 *
 * The data signed is SHA-256(canonical proof options) followed by
 * SHA-256(canonical document): 64 bytes.  The signature is Ed25519
 * (libsodium) over those bytes, and the proofValue is "z" followed by the
 * base58btc of the 64-byte signature.  canonical.h makes the texts.
 */
#ifndef CREDPIPE_PROOF_H
#define CREDPIPE_PROOF_H

#include <stddef.h>

/* Room for a proofValue with its NUL: "z" and at most 88 base58btc
 * characters for 64 bytes. */
#define PROOF_VALUE_MAX 96

/* The bytes signed: SHA-256 of the proof options' canonical text, then
 * SHA-256 of the document's. */
void proof_hash(const char *proof_nq, size_t proof_len, const char *doc_nq,
    size_t doc_len, unsigned char hash[64]);

/* Sign the hash with libsodium's 64-byte Ed25519 secret key sk and write
 * the proofValue.  sk is read, never copied. */
void proof_sign(const unsigned char hash[64], const unsigned char sk[64],
    char value[PROOF_VALUE_MAX]);

/* Decode a proofValue into its signature.  Return 0, or -1 when value is
 * not "z" + the base58btc of exactly 64 bytes. */
int proof_decode(const char *value, unsigned char sig[64]);

/* Check value against hash and the Ed25519 public key pk.  Return 0 when
 * the signature holds; -1 when it does not, or when value is not one. */
int proof_verify(const unsigned char hash[64], const unsigned char pk[32],
    const char *value);

#endif
