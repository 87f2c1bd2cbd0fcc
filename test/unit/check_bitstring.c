/*
 * check_bitstring.c: status list bits and their encodedList: bit order,
 * a round trip, the same text for the same bits, and the refusals of a
 * hostile encodedList (not base64url, not GZIP, a bomb, too short).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bitstring.h"
#include "unit.h"

START_TEST(bit_order)
{
	unsigned char b[2] = { 0, 0 };

	bitstring_set(b, 0);
	bitstring_set(b, 9);
	ck_assert_int_eq(b[0], 0x80);
	ck_assert_int_eq(b[1], 0x40);
	ck_assert_int_eq(bitstring_get(b, 2, 0), 1);
	ck_assert_int_eq(bitstring_get(b, 2, 1), 0);
	ck_assert_int_eq(bitstring_get(b, 2, 9), 1);
	ck_assert_int_eq(bitstring_get(b, 2, 16), -1);
}
END_TEST

START_TEST(round_trip)
{
	static unsigned char bits[BITSTRING_LIST_SIZE / 8];
	struct buf a = BUF_INIT, b = BUF_INIT, out = BUF_INIT;
	char why[BITSTRING_WHY_MAX];
	unsigned long i;

	memset(bits, 0, sizeof bits);
	for (i = 0; i < 1000; i++)
		bitstring_set(bits, (i * 7919) % BITSTRING_LIST_SIZE);
	bitstring_encode(bits, sizeof bits, &a);
	bitstring_encode(bits, sizeof bits, &b);
	ck_assert_str_eq(a.p, b.p);
	/* "u", then base64url of a GZIP header with no time in it. */
	ck_assert_int_eq(a.p[0], 'u');
	ck_assert_int_eq(strncmp(a.p + 1, "H4sIAAAAAAAC", 12), 0);
	ck_assert_ptr_null(strpbrk(a.p, "+/="));
	ck_assert_int_eq(bitstring_decode(a.p, &out, why), 0);
	ck_assert_uint_eq(out.len, sizeof bits);
	ck_assert_int_eq(memcmp(out.p, bits, sizeof bits), 0);
	buf_release(&a);
	buf_release(&b);
	buf_release(&out);
}
END_TEST

/* GZIP the n bytes at p, then "u" and base64url, as a hostile list would
 * be made. */
static void
encode_raw(const unsigned char *p, size_t n, int level, struct buf *out)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64, b64;
	unsigned char *gz = malloc(cap);

	ck_assert_ptr_nonnull(gz);
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	b64 = sodium_base64_ENCODED_LEN(z.total_out,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	buf_reset(out);
	buf_addc(out, 'u');
	buf_grow(out, b64);
	sodium_bin2base64(out->p + 1, b64, gz, z.total_out,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out->len += b64 - 1;
	deflateEnd(&z);
	free(gz);
}

START_TEST(refusals)
{
	struct buf enc = BUF_INIT, out = BUF_INIT;
	char why[BITSTRING_WHY_MAX];
	unsigned char *zeros;

	ck_assert_int_eq(bitstring_decode("", &out, why), -1);
	ck_assert_int_eq(bitstring_decode("zH4sI", &out, why), -1);
	ck_assert_int_eq(bitstring_decode("u!!!!", &out, why), -1);
	ck_assert_msg(strstr(why, "base64url"), "%s", why);
	ck_assert_int_eq(bitstring_decode("uAAAAAAAA", &out, why), -1);
	ck_assert_msg(strstr(why, "GZIP"), "%s", why);
	/* A bomb: 64 MiB of zeros in a few kilobytes. */
	zeros = calloc(1, 64 << 20);
	ck_assert_ptr_nonnull(zeros);
	encode_raw(zeros, 64 << 20, 9, &enc);
	ck_assert_uint_lt(enc.len, 200000);
	ck_assert_int_eq(bitstring_decode(enc.p, &out, why), -1);
	ck_assert_msg(strstr(why, "larger than"), "%s", why);
	ck_assert_uint_eq(out.len, 0);
	/* Too short: 8 bytes. */
	encode_raw(zeros, 8, 9, &enc);
	ck_assert_int_eq(bitstring_decode(enc.p, &out, why), -1);
	ck_assert_msg(strstr(why, "fewer than"), "%s", why);
	/* Trailing bytes after the stream. */
	encode_raw(zeros, BITSTRING_LIST_SIZE / 8, 9, &enc);
	ck_assert_int_eq(bitstring_decode(enc.p, &out, why), 0);
	enc.len -= 2;		/* cut the stream short */
	enc.p[enc.len] = '\0';
	ck_assert_int_eq(bitstring_decode(enc.p, &out, why), -1);
	free(zeros);
	buf_release(&enc);
	buf_release(&out);
}
END_TEST

/* Every entry of a list, once each, in an order the seed decides. */
START_TEST(permutation)
{
	static unsigned char seen[BITSTRING_LIST_SIZE / 8];
	unsigned char seed[32], other[32];
	unsigned long n, first[8], same = 0, rising = 0, prev = 0;

	memset(seen, 0, sizeof seen);
	memset(seed, 7, sizeof seed);
	memset(other, 8, sizeof other);
	for (n = 0; n < BITSTRING_LIST_SIZE; n++) {
		unsigned long i = bitstring_index(seed, n);

		ck_assert_uint_lt(i, BITSTRING_LIST_SIZE);
		ck_assert_msg(bitstring_get(seen, sizeof seen, i) == 0,
		    "entry %lu given twice (n = %lu)", i, n);
		bitstring_set(seen, i);
		if (n < 8)
			first[n] = i;
		if (n > 0 && i > prev)
			rising++;
		prev = i;
	}
	for (n = 0; n < 8; n++)
		if (bitstring_index(other, n) == first[n])
			same++;
	ck_assert_uint_lt(same, 2);
	/* Not the order of n: about as many steps go up as down. */
	ck_assert_uint_gt(rising, BITSTRING_LIST_SIZE * 45 / 100);
	ck_assert_uint_lt(rising, BITSTRING_LIST_SIZE * 55 / 100);
	ck_assert_uint_eq(bitstring_index(seed, 3), first[3]);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("bitstring");
	TCase *tc = tcase_create("bitstring");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, bit_order);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, permutation);
	suite_add_tcase(s, tc);
	return s;
}
