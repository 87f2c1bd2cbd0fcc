/*
 * bitstring.h: the bits of a W3C Bitstring Status List v1.0 and their
 * encodedList form.
 *
 * A list is a string of bits, index 0 the most significant bit of the
 * first byte (the spec's left to right).  Its encodedList is "u" (the
 * multibase prefix of base64url without padding) and the base64url of the
 * GZIP of the bytes.  The GZIP stream is made with the header's time 0,
 * so the same bits always give the same text.
 */
#ifndef CREDPIPE_BITSTRING_H
#define CREDPIPE_BITSTRING_H

#include <stddef.h>

#include "buf.h"

/* The entries of a list credpipe makes: the spec's minimum, 16 KiB. */
#define BITSTRING_LIST_SIZE 131072

/* The most bytes a decoded list may have (16 Mi entries): a larger one
 * is refused, so that a hostile list cannot fill memory. */
#define BITSTRING_BYTES_MAX 2097152

/* Room for a reason, with the NUL. */
#define BITSTRING_WHY_MAX 96

/* Append the encodedList of the n bytes at bits to out. */
void bitstring_encode(const unsigned char *bits, size_t n, struct buf *out);

/*
 * Decode an encodedList into bits (reset first).  Return 0, or -1 with
 * why: not "u" and base64url, not GZIP, larger than BITSTRING_BYTES_MAX,
 * or shorter than BITSTRING_LIST_SIZE entries.
 */
int bitstring_decode(const char *encoded, struct buf *bits,
    char why[BITSTRING_WHY_MAX]);

/* Bit index of the n bytes at bits: 0 or 1, or -1 when it is beyond
 * them. */
int bitstring_get(const unsigned char *bits, size_t n, unsigned long index);

/* Set bit index of bits, which has room for it. */
void bitstring_set(unsigned char *bits, unsigned long index);

/*
 * The n-th entry (n below BITSTRING_LIST_SIZE) that a list with this seed
 * hands out: a permutation of the entries, so that no two n share one,
 * keyed by the seed (a Feistel network over BLAKE2b, walked into range),
 * so that an entry says nothing of n to whoever lacks the seed.
 */
unsigned long bitstring_index(const unsigned char seed[32], unsigned long n);

#endif
