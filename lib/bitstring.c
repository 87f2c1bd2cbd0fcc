/* bitstring.c: status list bits and their encodedList; the contract is in
 * bitstring.h. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bitstring.h"
#include "util.h"

#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

void
bitstring_encode(const unsigned char *bits, size_t n, struct buf *out)
{
	z_stream z;
	unsigned char *gz;
	size_t cap = compressBound((uLong)n) + 32, b64;

	memset(&z, 0, sizeof z);
	gz = xmalloc(cap);
	/* 16 + 15: a GZIP header, which zlib writes with time 0. */
	if (deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		die_nomem();
	z.next_in = (unsigned char *)bits;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die_nomem();
	b64 = sodium_base64_ENCODED_LEN(z.total_out, VARIANT);
	buf_grow(out, b64 + 1);
	buf_addc(out, 'u');
	sodium_bin2base64(out->p + out->len, b64, gz, z.total_out, VARIANT);
	out->len += b64 - 1;
	deflateEnd(&z);
	free(gz);
}

int
bitstring_decode(const char *encoded, struct buf *bits,
    char why[BITSTRING_WHY_MAX])
{
	size_t n = strlen(encoded), len;
	unsigned char *gz, chunk[16384];
	z_stream z;
	int rc, result = -1;

	buf_reset(bits);
	if (encoded[0] != 'u' || n < 2) {
		snprintf(why, BITSTRING_WHY_MAX, "the encodedList is not u and "
		    "base64url");
		return -1;
	}
	gz = xmalloc(n);
	if (sodium_base642bin(gz, n, encoded + 1, n - 1, NULL, &len, NULL,
	    VARIANT) != 0) {
		snprintf(why, BITSTRING_WHY_MAX, "the encodedList is not u and "
		    "base64url");
		free(gz);
		return -1;
	}
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		die_nomem();
	z.next_in = gz;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			snprintf(why, BITSTRING_WHY_MAX, "the encodedList is "
			    "not GZIP");
			goto done;
		}
		if (bits->len + (sizeof chunk - z.avail_out) >
		    BITSTRING_BYTES_MAX) {
			snprintf(why, BITSTRING_WHY_MAX, "the list is larger "
			    "than %d entries", BITSTRING_BYTES_MAX * 8);
			goto done;
		}
		buf_add(bits, chunk, sizeof chunk - z.avail_out);
	} while (rc != Z_STREAM_END && (z.avail_in > 0 || z.avail_out == 0));
	if (rc != Z_STREAM_END || z.avail_in != 0) {
		snprintf(why, BITSTRING_WHY_MAX, "the encodedList is not one "
		    "whole GZIP stream");
		goto done;
	}
	if (bits->len < BITSTRING_LIST_SIZE / 8) {
		snprintf(why, BITSTRING_WHY_MAX, "the list has fewer than %d "
		    "entries", BITSTRING_LIST_SIZE);
		goto done;
	}
	result = 0;
done:
	inflateEnd(&z);
	free(gz);
	if (result != 0)
		buf_reset(bits);
	return result;
}

int
bitstring_get(const unsigned char *bits, size_t n, unsigned long index)
{
	if (index / 8 >= n)
		return -1;
	return bits[index / 8] >> (7 - index % 8) & 1;
}

void
bitstring_set(unsigned char *bits, unsigned long index)
{
	bits[index / 8] |= (unsigned char)(0x80 >> (index % 8));
}

/* One round of the Feistel network: 9 bits of BLAKE2b of (round, half). */
static unsigned
round_fn(const unsigned char seed[32], unsigned round, unsigned half)
{
	unsigned char in[3] = { (unsigned char)round, (unsigned char)half,
	    (unsigned char)(half >> 8) }, out[8];

	crypto_generichash(out, sizeof out, in, sizeof in, seed, 32);
	return (out[0] | (unsigned)out[1] << 8) & 0x1ff;
}

unsigned long
bitstring_index(const unsigned char seed[32], unsigned long n)
{
	unsigned long x = n;
	unsigned l, r, t, i;

	/* 18 bits, two halves of 9; walk the cycle until it falls within
	 * the 17 bits of the list (half the time, at once). */
	do {
		l = (unsigned)(x >> 9) & 0x1ff;
		r = (unsigned)x & 0x1ff;
		for (i = 0; i < 4; i++) {
			t = r;
			r = l ^ round_fn(seed, i, r);
			l = t;
		}
		x = (unsigned long)l << 9 | r;
	} while (x >= BITSTRING_LIST_SIZE);
	return x;
}
