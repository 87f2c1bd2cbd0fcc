/*
 * check_canonical.c: the canonical N-Quads.  The proof options against the
 * W3C vector, a credential against the output of jsonld.canonize, the
 * literal escapes, and the refusal of blank nodes whose first-degree
 * hashes collide.
 *
 * canonical.c is included whole so that the last test can hand its
 * static canonicalize() a graph no credential makes.
 */
#include "../../lib/canonical.c"

#include "json.h"
#include "multibase.h"
#include "unit.h"

/* The proof options of the W3C vector: same key, same created, same
 * text. */
START_TEST(w3c_proof_options)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	struct credential c = { 0 };

	ck_assert_int_eq(didkey_to_ed25519("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg"
	    "7k1pZZ6pvBQ7XJPt4swbTQ2", c.issuer_pk), 0);
	ck_assert_int_eq(credential_parse_time("2023-02-24T23:36:38Z",
	    &c.created), 0);
	canonical_proof(&c, &got);
	unit_slurp(&want, "test/data/vc-di-eddsa/eddsa-rdfc-2022/"
	    "proofCanonDataInt.txt");
	ck_assert_str_eq(got.p, want.p);
	buf_release(&got);
	buf_release(&want);
}
END_TEST

/* good.nq is what jsonld.canonize wrote for good.json. */
START_TEST(document_as_jsonld)
{
	struct buf text = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];
	struct credential c;
	struct json *doc;

	unit_slurp(&text, "test/cli/credential-verify/good.json");
	unit_slurp(&want, "test/cli/credential-verify/good.nq");
	doc = json_parse(text.p, text.len, jwhy);
	ck_assert_msg(doc != NULL, "%s", jwhy);
	ck_assert_msg(credential_parse(&c, doc, why) == 0, "%s", why);
	buf_adds(&got, "kept: ");
	ck_assert_int_eq(canonical_document(&c, &got, why), 0);
	ck_assert_str_eq(got.p + 6, want.p);
	ck_assert_int_eq(strncmp(got.p, "kept: ", 6), 0);
	json_free(doc);
	buf_release(&text);
	buf_release(&got);
	buf_release(&want);
}
END_TEST

START_TEST(literals)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain text", "\"plain text\"" },
		{ "\"\\", "\"\\\"\\\\\"" },
		{ "\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"" },
		{ "\x01\x07\x0b\x0e\x1f\x7f", "\"\\u0001\\u0007\\u000B\\u000E"
		    "\\u001F\\u007F\"" },
		{ " ~'<>{}^`|", "\" ~'<>{}^`|\"" },
		{ "\xc2\x80\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xf0\x9f\x98\x80",
		    "\"\xc2\x80\xc2\x85\xe2\x80\xa8\xef\xbb\xbf"
		    "\xf0\x9f\x98\x80\"" },
		{ "\\u0041", "\"\\\\u0041\"" },
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf_reset(&b);
		canonical_literal(&b, cases[i].in);
		ck_assert_str_eq(b.p, cases[i].out);
	}
	buf_release(&b);
}
END_TEST

/* Two blank nodes with the same quads have the same first-degree hash:
 * RDFC-1.0 would go on to N-degree hashing; we refuse and write nothing. */
START_TEST(collision)
{
	struct graph g = { .n = 0, .nblank = 2 };
	char why[CREDENTIAL_WHY_MAX] = "";
	struct buf out = BUF_INIT;

	add(&g, iri("urn:x:s"), "urn:x:p", blank(0));
	add(&g, iri("urn:x:s"), "urn:x:p", blank(1));
	add(&g, blank(0), "urn:x:q", literal("same", NULL));
	add(&g, blank(1), "urn:x:q", literal("same", NULL));
	ck_assert_int_eq(canonicalize(&g, &out, why), -1);
	ck_assert_str_eq(why, "two blank nodes have the same first-degree "
	    "hash; refusing a canonical form that could be wrong");
	ck_assert_uint_eq(out.len, 0);

	/* One literal apart, they are labelled by their hashes. */
	g.q[3].o.s = "other";
	ck_assert_int_eq(canonicalize(&g, &out, why), 0);
	ck_assert_ptr_nonnull(strstr(out.p, "_:c14n0"));
	ck_assert_ptr_nonnull(strstr(out.p, "_:c14n1"));
	ck_assert_ptr_null(strstr(out.p, "_:c14n2"));
	buf_release(&out);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("canonical");
	TCase *tc = tcase_create("canonical");

	tcase_add_test(tc, w3c_proof_options);
	tcase_add_test(tc, document_as_jsonld);
	tcase_add_test(tc, literals);
	tcase_add_test(tc, collision);
	suite_add_tcase(s, tc);
	return s;
}
