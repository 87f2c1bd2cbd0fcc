/*
 * check_proof.c: the eddsa-rdfc-2022 arithmetic against the W3C
 * vc-di-eddsa test vectors.  From each vector's canonical texts and key,
 * the hashes, the signature and the proofValue must equal the published
 * ones byte for byte.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "proof.h"
#include "unit.h"

/* The vector directories, under test/data/vc-di-eddsa. */
static const char *const vectors[] = {
	"eddsa-rdfc-2022",
	"eddsa-rdfc-2022/employ",
};

/* A file of a vector directory. */
static void
vector_file(struct buf *b, const char *dir, const char *name)
{
	char rel[512];

	snprintf(rel, sizeof rel, "test/data/vc-di-eddsa/%s/%s", dir,
	    name);
	unit_slurp(b, rel);
}

static void
assert_hex(const unsigned char *p, size_t n, const struct buf *want,
    const char *what)
{
	char hex[257];

	ck_assert_uint_le(2 * n + 1, sizeof hex);
	sodium_bin2hex(hex, sizeof hex, p, n);
	ck_assert_msg(want->len == 2 * n && memcmp(hex, want->p, 2 * n) == 0,
	    "%s: got %s, want %s", what, hex, want->p);
}

START_TEST(w3c_vectors)
{
	struct buf doc = BUF_INIT, opts = BUF_INIT, want = BUF_INIT;
	unsigned char pk[32], sk[64], hash[64], sig[64];
	char value[PROOF_VALUE_MAX];
	const char *dir = vectors[_i];

	unit_w3c_key(pk, sk);
	vector_file(&doc, dir, "canonDocDataInt.txt");
	vector_file(&opts, dir, "proofCanonDataInt.txt");
	proof_hash(opts.p, opts.len, doc.p, doc.len, hash);

	vector_file(&want, dir, "proofHashDataInt.txt");
	assert_hex(hash, 32, &want, "proof options hash");
	vector_file(&want, dir, "docHashDataInt.txt");
	assert_hex(hash + 32, 32, &want, "document hash");
	vector_file(&want, dir, "combinedHashDataInt.txt");
	assert_hex(hash, 64, &want, "combined hash");

	proof_sign(hash, sk, value);
	ck_assert_int_eq(proof_decode(value, sig), 0);
	vector_file(&want, dir, "sigHexDataInt.txt");
	assert_hex(sig, 64, &want, "signature");
	vector_file(&want, dir, "sigBTC58DataInt.txt");
	ck_assert_str_eq(value, want.p);

	ck_assert_int_eq(proof_verify(hash, pk, value), 0);
	hash[63] ^= 1;
	ck_assert_int_eq(proof_verify(hash, pk, value), -1);
	buf_release(&doc);
	buf_release(&opts);
	buf_release(&want);
}
END_TEST

START_TEST(decode)
{
	unsigned char sig[64], zero[64] = { 0 };
	char value[PROOF_VALUE_MAX];

	ck_assert_int_eq(proof_decode("", sig), -1);
	ck_assert_int_eq(proof_decode("z", sig), -1);
	ck_assert_int_eq(proof_decode("u2YwC8z3ap7yx", sig), -1);
	ck_assert_int_eq(proof_decode("z0OIl", sig), -1);
	/* 65 bytes, and at most 63. */
	ck_assert_int_eq(proof_decode("z1" "2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPd"
	    "Sb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme", sig),
	    -1);
	ck_assert_int_eq(proof_decode("z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5"
	    "xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahK", sig), -1);
	/* 64 zero bytes are 64 '1's. */
	memset(value, '1', 65);
	value[0] = 'z';
	value[65] = '\0';
	ck_assert_int_eq(proof_decode(value, sig), 0);
	ck_assert_mem_eq(sig, zero, 64);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("proof");
	TCase *tc = tcase_create("proof");

	tcase_add_loop_test(tc, w3c_vectors, 0,
	    (int)(sizeof vectors / sizeof *vectors));
	tcase_add_test(tc, decode);
	suite_add_tcase(s, tc);
	return s;
}
