/*
 * check_credential.c: the credential document.  Times against
 * data/times.tsv; ids, salts and the identity hash; the writer and the
 * reader against test/cli/credential-verify/good.json (which this library
 * wrote); signing with the W3C test key; the field rules; and that a
 * change to any field breaks the signature.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "credential.h"
#include "json.h"
#include "multibase.h"
#include "unit.h"

/* good.json, read: its text, its tree and the credential. */
struct good {
	struct buf text;
	struct json *doc;
	struct credential c;
};

static void
read_good(struct good *g)
{
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];

	memset(g, 0, sizeof *g);
	unit_slurp(&g->text, "test/cli/credential-verify/good.json");
	g->doc = json_parse(g->text.p, g->text.len, jwhy);
	ck_assert_msg(g->doc != NULL, "%s", jwhy);
	ck_assert_msg(credential_parse(&g->c, g->doc, why) == 0, "%s", why);
}

static void
release_good(struct good *g)
{
	json_free(g->doc);
	buf_release(&g->text);
}

START_TEST(times)
{
	char *line = NULL, *want, back[CREDENTIAL_TIME_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f = unit_cases("test/unit/data/times.tsv");

	while (unit_next_case(f, &line, &cap, &want)) {
		int64_t t = -1;
		int rc = credential_parse_time(line, &t);

		if (strcmp(want, "bad") == 0) {
			ck_assert_msg(rc == -1, "'%s' accepted", line);
			ck_assert_int_eq(t, -1);
		} else {
			ck_assert_msg(rc == 0, "'%s' refused", line);
			ck_assert_int_eq(t, strtoll(want, NULL, 10));
			credential_format_time(t, back);
			ck_assert_str_eq(back, line);
		}
		ncases++;
	}
	ck_assert_uint_ge(ncases, 30);
	free(line);
	fclose(f);
}
END_TEST

/* Every day from 1970 to 9999 at a varying time of day: format, then
 * parse, gives the time back.  (One assertion at the end: Check records
 * every assertion it passes, which would be slow here.) */
START_TEST(time_round_trip)
{
	char s[CREDENTIAL_TIME_MAX], first_bad[CREDENTIAL_TIME_MAX] = "";
	int64_t t, back;

	for (t = 0; t <= CREDENTIAL_TIME_LAST; t += 86400 + 3607) {
		credential_format_time(t, s);
		if ((credential_parse_time(s, &back) != 0 || back != t) &&
		    !first_bad[0])
			memcpy(first_bad, s, sizeof s);
	}
	ck_assert_msg(!first_bad[0], "%s does not round-trip", first_bad);
	credential_format_time(CREDENTIAL_TIME_LAST, s);
	ck_assert_str_eq(s, "9999-12-31T23:59:59Z");
}
END_TEST

START_TEST(ids_and_hashes)
{
	char id[CREDENTIAL_ID_MAX], id2[CREDENTIAL_ID_MAX];
	char salt[CREDENTIAL_SALT_MAX], hash[CREDENTIAL_HASH_MAX];
	int i;

	ck_assert_int_ge(sodium_init(), 0);
	credential_new_id(id);
	credential_new_id(id2);
	ck_assert_str_ne(id, id2);
	ck_assert_uint_eq(strlen(id), 45);
	ck_assert_int_eq(strncmp(id, "urn:uuid:", 9), 0);
	for (i = 9; i < 45; i++)
		ck_assert(i == 17 || i == 22 || i == 27 || i == 32 ?
		    id[i] == '-' : strchr("0123456789abcdef", id[i]) != NULL);
	ck_assert_int_eq(id[23], '4');
	ck_assert_ptr_nonnull(strchr("89ab", id[28]));

	credential_new_salt(salt);
	ck_assert_uint_eq(strlen(salt), 32);
	ck_assert_uint_eq(strspn(salt, "0123456789abcdef"), 32);

	/* printf 'ada@example.org5f1c0a7e9d3b2c4a6e8f0a1b2c3d4e5f' |
	 * sha256sum */
	credential_identity_hash("ada@example.org",
	    "5f1c0a7e9d3b2c4a6e8f0a1b2c3d4e5f", hash);
	ck_assert_str_eq(hash, "sha256$533619cbf5ad91e10cb643cb7ecb718be762"
	    "55d0b88e5af6534572afd9a1e394");
}
END_TEST

/* good.json read and written again is the same text; signed again with
 * the same key, the same signature (Ed25519 is deterministic). */
START_TEST(round_trip)
{
	struct buf out = BUF_INIT;
	char why[CREDENTIAL_WHY_MAX], was[PROOF_VALUE_MAX];
	unsigned char pk[32], sk[64];
	struct good g;

	read_good(&g);
	ck_assert_str_eq(g.c.recipient_name, "Ada Lovelace");
	ck_assert_int_eq(g.c.valid_until, 4091936400);
	ck_assert_int_eq(credential_write_json(&g.c, &out, why), 0);
	ck_assert_str_eq(out.p, g.text.p);
	ck_assert_int_eq(credential_verify(&g.c, why), 0);

	unit_w3c_key(pk, sk);
	ck_assert_mem_eq(pk, g.c.issuer_pk, 32);
	memcpy(was, g.c.proof_value, sizeof was);
	buf_reset(&out);
	ck_assert_msg(credential_build_signed(&g.c, sk, &out, why) == 0, "%s",
	    why);
	ck_assert_str_eq(g.c.proof_value, was);
	ck_assert_str_eq(out.p, g.text.p);

	/* Without a proof, the writer leaves it out and verify says so. */
	g.c.proof_value[0] = '\0';
	buf_reset(&out);
	ck_assert_int_eq(credential_write_json(&g.c, &out, why), 0);
	ck_assert_ptr_null(strstr(out.p, "\"proof\""));
	ck_assert_int_eq(credential_verify(&g.c, why), -1);
	ck_assert_str_eq(why, "no proof");
	buf_release(&out);
	release_good(&g);
}
END_TEST

START_TEST(wrong_key)
{
	unsigned char pk[32], sk[64];
	char why[CREDENTIAL_WHY_MAX];
	struct buf out = BUF_INIT;
	struct good g;

	read_good(&g);
	crypto_sign_keypair(pk, sk);
	ck_assert_int_eq(credential_build_signed(&g.c, sk, &out, why), -1);
	ck_assert_str_eq(why, "the secret key is not the issuer's");
	ck_assert_uint_eq(out.len, 0);
	buf_release(&out);
	release_good(&g);
}
END_TEST

/* Each rule of struct credential, broken once. */
START_TEST(rules)
{
	static const char bad_id[] = "'id' is not a urn:uuid: of lowercase "
	    "hex digits";
	static const char bad_salt[] = "'credentialSubject.identifier.salt' "
	    "is not 1 to 64 lowercase hex digits";
	static const char bad_iri[] = "'credentialSubject.achievement.id' is "
	    "not an http, https or urn IRI of RFC 3986 characters";
	struct buf out = BUF_INIT, iri = BUF_INIT;
	char why[CREDENTIAL_WHY_MAX];
	struct credential c;
	struct good g;
	int i;

	read_good(&g);
	buf_adds(&iri, "https:");
	while (iri.len < 2048)
		buf_addc(&iri, 'a');
	for (i = 0; i < 21; i++) {
		const char *want = NULL;

		c = g.c;
		switch (i) {
		case 0: c.id = "urn:uuid:3B6E7F0A-8C1D-4E2F-9A3B-5C6D7E8F9A0B";
			want = bad_id;
			break;
		case 1: c.id = "urn:uuid:3b6e7f0a8c1d4e2f9a3b5c6d7e8f9a0b";
			want = bad_id;
			break;
		case 2: c.name = "";
			want = "'name' is empty";
			break;
		case 3: c.issuer_name = NULL;
			want = "'issuer.name' is missing";
			break;
		case 4: c.recipient_name = "Ad\xe9";
			want = "'credentialSubject.name' is not UTF-8";
			break;
		case 5: c.achievement_description = "";
			break;	/* allowed */
		case 6: c.criteria = "\xed\xa0\x80";
			want = "'credentialSubject.achievement.criteria."
			    "narrative' is not UTF-8";
			break;
		case 7: c.valid_from = -1;
			want = "'validFrom' is not a time from 1970 to 9999";
			break;
		case 8: c.created = CREDENTIAL_TIME_LAST + 1;
			want = "'proof.created' is not a time from 1970 to 9999";
			break;
		case 9: c.valid_until = c.valid_from;
			want = "'validUntil' is not after validFrom";
			break;
		case 10: c.identity_hash = "sha256$533619CBF5AD91E10CB643CB7EC"
			    "B718BE76255D0B88E5AF6534572AFD9A1E394";
			want = "'credentialSubject.identifier.identityHash' is "
			    "not sha256$ and 64 lowercase hex digits";
			break;
		case 11: c.salt = "";
			want = bad_salt;
			break;
		case 12: c.salt = "salt!";
			want = bad_salt;
			break;
		case 13: c.achievement_id = "ftp://example.org/badge";
			want = bad_iri;
			break;
		case 14: c.achievement_id = "https://example.org/a b";
			want = bad_iri;
			break;
		case 15: c.achievement_id = "urn:";
			want = bad_iri;
			break;
		case 16: c.achievement_id = "https://example.org/<script>";
			want = bad_iri;
			break;
		case 17: c.achievement_id = iri.p;
			break;	/* 2048 characters: allowed */
		case 18: c.achievement_id = "https://example.org/\xc3\xa9";
			want = bad_iri;
			break;
		case 19: c.achievement_id = c.id;
			want = "'credentialSubject.achievement.id' is the "
			    "credential's own id";
			break;
		case 20: strcpy(c.proof_value, "zz");
			want = "'proof.proofValue' is not z and the base58btc of "
			    "a 64-byte signature";
			break;
		}
		memset(why, 0, sizeof why);
		buf_reset(&out);
		if (!want) {
			ck_assert_msg(credential_check(&c, why) == 0,
			    "case %d: %s", i, why);
			continue;
		}
		ck_assert_int_eq(credential_check(&c, why), -1);
		ck_assert_str_eq(why, want);
		ck_assert_int_eq(credential_write_json(&c, &out, why), -1);
		ck_assert_uint_eq(out.len, 0);
	}
	/* One character more is too long. */
	buf_addc(&iri, 'a');
	c = g.c;
	c.achievement_id = iri.p;
	ck_assert_int_eq(credential_check(&c, why), -1);
	buf_release(&out);
	buf_release(&iri);
	release_good(&g);
}
END_TEST

/* Change any value the proof covers, and the signature no longer
 * holds. */
START_TEST(every_field_is_signed)
{
	char why[CREDENTIAL_WHY_MAX];
	struct credential c;
	struct good g;
	int i;

	read_good(&g);
	for (i = 0; i < 16; i++) {
		c = g.c;
		switch (i) {
		case 0: c.id = "urn:uuid:3b6e7f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0c";
			break;
		case 1: c.name = "Python 102"; break;
		case 2: c.issuer_name = "Example College"; break;
		case 3: c.valid_from++; break;
		case 4: c.valid_until = 0; break;
		case 5: c.awarded--; break;
		case 6: c.recipient_name = "Ada Byron"; break;
		case 7: c.identity_hash = "sha256$0000000000000000000000000000"
			    "000000000000000000000000000000000000"; break;
		case 8: c.salt = "00"; break;
		case 9: c.achievement_id = "https://example.org/badges/x"; break;
		case 10: c.achievement_name = "Python 102"; break;
		case 11: c.achievement_description = ""; break;
		case 12: c.criteria = "Attended."; break;
		case 13: c.created++; break;
		case 14: c.issuer_pk[5] ^= 1; break;
		case 15: c.proof_value[10] = c.proof_value[10] == 'A' ? 'B' :
			    'A'; break;
		}
		ck_assert_msg(credential_verify(&c, why) == -1, "case %d", i);
		ck_assert_str_eq(why, "signature does not match");
	}
	ck_assert_int_eq(credential_verify(&g.c, why), 0);
	release_good(&g);
}
END_TEST

/* full.json: every optional part, written back byte for byte, and each
 * part under the signature. */
START_TEST(full_round_trip)
{
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct credential c, t;
	struct json *doc;
	int i;

	unit_slurp(&text, "test/cli/credential-verify/full.json");
	ck_assert_ptr_nonnull(doc = json_parse(text.p, text.len, jwhy));
	ck_assert_msg(credential_parse(&c, doc, why) == 0, "%s", why);
	ck_assert_str_eq(c.issuer_email, "badges@university.example.org");
	ck_assert_str_eq(c.achievement_type, "Certificate");
	ck_assert_str_eq(c.status_list,
	    "https://university.example.org/status/1.json");
	ck_assert_uint_eq(c.status_index, 94567);
	ck_assert_int_eq(credential_write_json(&c, &out, why), 0);
	ck_assert_str_eq(out.p, text.p);
	ck_assert_int_eq(credential_verify(&c, why), 0);
	for (i = 0; i < 8; i++) {
		t = c;
		switch (i) {
		case 0: t.issuer_url = "https://university.example.org/x";
			break;
		case 1: t.issuer_email = NULL; break;
		case 2: t.issuer_description = "Another."; break;
		case 3: t.issuer_image = NULL; break;
		case 4: t.achievement_type = "Badge"; break;
		case 5: t.achievement_image = "https://example.org/b.png";
			break;
		case 6: t.status_index = 94568; break;
		case 7: t.status_list = NULL; break;
		}
		ck_assert_msg(credential_verify(&t, why) == -1, "case %d", i);
		ck_assert_str_eq(why, "signature does not match");
	}
	json_free(doc);
	buf_release(&text);
	buf_release(&out);
}
END_TEST

/* The field rules of the optional parts. */
START_TEST(optional_rules)
{
	static const struct {
		const char *s;
		int url, https, image;
	} iris[] = {
		{ "https://example.org", 1, 1, 1 },
		{ "http://example.org/a?b=[1]", 1, 0, 0 },
		{ "https://", 0, 0, 0 },
		{ "https:///x", 0, 0, 0 },
		{ "ftp://example.org", 0, 0, 0 },
		{ "https://example.org/a b", 0, 0, 0 },
		{ "https://example.org/\"", 0, 0, 0 },
		{ "javascript:alert(1)", 0, 0, 0 },
		{ "data:image/png;base64,iVBORw0KGgo=", 0, 0, 1 },
		{ "data:image/svg+xml;base64,PHN2Zy8+", 0, 0, 1 },
		{ "data:image/png;base64,", 0, 0, 0 },
		{ "data:image/png;base64,iVBORw0KGgo", 0, 0, 0 },
		{ "data:image/gif;base64,R0lGODlh", 0, 0, 0 },
		{ "data:text/html;base64,PGI+", 0, 0, 0 },
		{ "data:image/png,iVBORw0KGgo=", 0, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof iris / sizeof *iris; i++) {
		ck_assert_msg(credential_is_url(iris[i].s, 0) == iris[i].url,
		    "%s", iris[i].s);
		ck_assert_msg(credential_is_url(iris[i].s, 1) == iris[i].https,
		    "%s", iris[i].s);
		ck_assert_msg(credential_is_image(iris[i].s) == iris[i].image,
		    "%s", iris[i].s);
	}
	ck_assert(credential_is_achievement_type("Badge"));
	ck_assert(credential_is_achievement_type("ext:Hackathon_2026.win-1"));
	ck_assert(!credential_is_achievement_type("badge"));
	ck_assert(!credential_is_achievement_type("ext:"));
	ck_assert(!credential_is_achievement_type("ext:a b"));
}
END_TEST

/* The status list credential: signed, written, read back, verified;
 * each part under the signature; its shape enforced. */
START_TEST(status_list)
{
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];
	struct credential_list l = { 0 }, r, t;
	struct buf out = BUF_INIT, again = BUF_INIT;
	unsigned char pk[32], sk[64];
	struct json *doc;
	int i;

	unit_w3c_key(pk, sk);
	l.id = "https://example.org/status/3.json";
	memcpy(l.issuer_pk, pk, 32);
	l.valid_from = l.created = 1764650000;
	l.encoded_list = "uH4sIAAAAAAACA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
	ck_assert_msg(credential_list_build_signed(&l, sk, &out, why) == 0,
	    "%s", why);
	ck_assert_ptr_nonnull(strstr(out.p, "\"BitstringStatusListCredential\""));
	ck_assert_ptr_nonnull(strstr(out.p, "\"id\": "
	    "\"https://example.org/status/3.json#list\""));
	ck_assert_ptr_nonnull(doc = json_parse(out.p, out.len, jwhy));
	ck_assert_msg(credential_list_parse(&r, doc, why) == 0, "%s", why);
	ck_assert_int_eq(credential_list_verify(&r, why), 0);
	ck_assert_msg(credential_list_build_signed(&r, sk, &again, why) == 0,
	    "%s", why);
	ck_assert_str_eq(again.p, out.p);
	for (i = 0; i < 5; i++) {
		t = r;
		switch (i) {
		case 0: t.id = "https://example.org/status/4.json"; break;
		case 1: t.valid_from++; break;
		case 2: t.encoded_list = "uH4sIAAAAAAACA-3BMQEAAADCoPVPbQwfoAAA"
			    "AAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAB"; break;
		case 3: t.created--; break;
		case 4: t.issuer_pk[3] ^= 1; break;
		}
		ck_assert_msg(credential_list_verify(&t, why) == -1, "case %d",
		    i);
	}
	json_free(doc);

	/* A credential is not a list, and a list must be the shape. */
	unit_slurp(&again, "test/cli/credential-verify/good.json");
	ck_assert_ptr_nonnull(doc = json_parse(again.p, again.len, jwhy));
	ck_assert_int_eq(credential_list_parse(&r, doc, why), -1);
	json_free(doc);
	l.id = "http://example.org/status/3.json";
	ck_assert_int_eq(credential_list_build_signed(&l, sk, &again, why), -1);
	l.id = "https://example.org/status/3.json#x";
	ck_assert_int_eq(credential_list_build_signed(&l, sk, &again, why), -1);
	buf_release(&out);
	buf_release(&again);
}
END_TEST

/* What the reader refuses that the writer never writes. */
START_TEST(parse_refuses)
{
	static const struct {
		const char *json, *why;
	} cases[] = {
		{ "[]", "not a JSON object" },
		{ "{}", "'id' is missing" },
		{ "{\"id\": 1}", "'id' is not a string" },
		{ "{\"id\": \"urn:uuid:3b6e7f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b\", "
		    "\"x\": 1}", "'x' is not a property of this credential" },
		{ "{\"id\": \"urn:uuid:3b6e7f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b\"}",
		    "'@context' is missing" },
	};
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];
	struct credential c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct json *doc = json_parse(cases[i].json,
		    strlen(cases[i].json), jwhy);

		ck_assert_ptr_nonnull(doc);
		ck_assert_int_eq(credential_parse(&c, doc, why), -1);
		ck_assert_str_eq(why, cases[i].why);
		json_free(doc);
	}
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("credential");
	TCase *tc = tcase_create("credential");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, times);
	tcase_add_test(tc, time_round_trip);
	tcase_add_test(tc, ids_and_hashes);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, wrong_key);
	tcase_add_test(tc, rules);
	tcase_add_test(tc, every_field_is_signed);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, full_round_trip);
	tcase_add_test(tc, optional_rules);
	tcase_add_test(tc, status_list);
	suite_add_tcase(s, tc);
	return s;
}
