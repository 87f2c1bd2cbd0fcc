/* check_multibase.c: base58btc and did:key, against the W3C key pair. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "multibase.h"
#include "unit.h"

START_TEST(base58_known)
{
	static const struct {
		const char *hex, *b58;
	} cases[] = {
		{ "", "" },
		{ "00", "1" },
		{ "0000ff", "115Q" },
		{ "61", "2g" },
		{ "626262", "a3gV" },
		{ "636363", "aPEr" },
		{ "73696d706c792061206c6f6e6720737472696e67",
		    "2cFupjhnEsSn59qHXstmK2ffpLv2" },
		{ "00eb15231dfceb60925886b67d065299925915aeb172c06647",
		    "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		unsigned char bin[64], back[64];
		char out[128];
		size_t n = strlen(cases[i].hex) / 2;

		sodium_hex2bin(bin, sizeof bin, cases[i].hex,
		    strlen(cases[i].hex), NULL, NULL, NULL);
		ck_assert_uint_eq(base58_encode(bin, n, out, sizeof out),
		    strlen(cases[i].b58));
		ck_assert_str_eq(out, cases[i].b58);
		ck_assert_int_eq(base58_decode(out, back, sizeof back),
		    (long)n);
		ck_assert_mem_eq(back, bin, n);
	}
	ck_assert_int_eq(base58_decode("0OIl", NULL, 0), -1);
	ck_assert_uint_eq(base58_encode((const unsigned char *)"abc", 3,
	    (char[3]){ 0 }, 3), 0);
}
END_TEST

/* The W3C vc-di-eddsa key pair: the seed's public key, and its
 * multibase, must give the published publicKeyMultibase. */
START_TEST(w3c_key_pair)
{
	static const char pub[] =
	    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
	static const char priv[] =
	    "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
	unsigned char seed[32], pk[32], sk[64], pk2[32];
	char mb[MULTIBASE_KEY_MAX], did[DIDKEY_MAX], vm[DIDKEY_VM_MAX];
	char path[4096], file[512];
	size_t n;
	FILE *f;

	/* The published values, read from the vector file itself. */
	snprintf(path, sizeof path, "%s/test/data/vc-di-eddsa/"
	    "keyPair.json", unit_top());
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(file, 1, sizeof file - 1, f);
	file[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(file, pub));
	ck_assert_ptr_nonnull(strstr(file, priv));

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(multibase_parse_ed25519_seed(priv, seed), 0);
	crypto_sign_seed_keypair(pk, sk, seed);
	multibase_ed25519_pub(pk, mb);
	ck_assert_str_eq(mb, pub);
	didkey_from_ed25519(pk, did);
	ck_assert_str_eq(did, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
	didkey_vm_from_ed25519(pk, vm);
	ck_assert_str_eq(vm, "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
	ck_assert_int_eq(didkey_to_ed25519(vm, pk2), 0);
	ck_assert_mem_eq(pk2, pk, 32);
	ck_assert_int_eq(didkey_to_ed25519(did, pk2), 0);
	ck_assert_int_eq(multibase_parse_ed25519_pub(priv, pk2), -1);
	ck_assert_int_eq(multibase_parse_ed25519_seed(pub, seed), -1);
	ck_assert_int_eq(didkey_to_ed25519("did:web:example.org", pk2), -1);
	ck_assert_int_eq(didkey_to_ed25519(
	    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#other",
	    pk2), -1);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("multibase");
	TCase *tc = tcase_create("multibase");

	tcase_add_test(tc, base58_known);
	tcase_add_test(tc, w3c_key_pair);
	suite_add_tcase(s, tc);
	return s;
}
