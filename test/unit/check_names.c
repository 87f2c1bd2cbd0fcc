/* check_names.c: the slug, line, text, address and credential id rules
 * of names.h, with the reasons the commands' messages carry. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "names.h"
#include "unit.h"

static const char slug_why[] = "use 1 to 64 lowercase letters, digits "
    "and hyphens, not starting with a hyphen";
static const char not_utf8[] = "is not UTF-8";
static const char length[] = "must have 1 to 256 characters";
static const char control[] = "must not hold control characters";
static const char control_lf[] = "must not hold control characters but "
    "line ends";

/* A check, what it is given, and its reason (NULL: taken). */
static const struct {
	const char *(*check)(const char *);
	const char *s, *why;
} cases[] = {
	{ names_check_slug, "acme", NULL },
	{ names_check_slug, "a", NULL },
	{ names_check_slug, "0", NULL },
	{ names_check_slug, "python-101", NULL },
	{ names_check_slug, "a--b-", NULL },
	{ names_check_slug, "", slug_why },
	{ names_check_slug, "-acme", slug_why },
	{ names_check_slug, "Acme", slug_why },
	{ names_check_slug, "ac me", slug_why },
	{ names_check_slug, "ac_me", slug_why },
	{ names_check_slug, "ac.me", slug_why },
	{ names_check_slug, "caf\xc3\xa9", slug_why },
	{ names_check_slug, "../etc", slug_why },
	{ names_check_line, "Acme Training", NULL },
	{ names_check_line, "Jos\xc3\xa9 Garc\xc3\xad" "a", NULL },
	{ names_check_line, "\xf0\x9f\x8e\x93 Graduate", NULL },
	{ names_check_line, "a\xc2\xa0" "b", NULL },	/* NBSP is no control */
	{ names_check_line, "", length },
	{ names_check_line, "Jos\xe9", not_utf8 },	/* Windows-1252 */
	{ names_check_line, "\xc0\xaf", not_utf8 },	/* overlong */
	{ names_check_line, "\xed\xa0\x80", not_utf8 },	/* surrogate */
	{ names_check_line, "two\nlines", control },
	{ names_check_line, "tab\there", control },
	{ names_check_line, "crlf\r", control },
	{ names_check_line, "esc\x1b[31m", control },
	{ names_check_line, "del\x7f", control },
	{ names_check_line, "nel\xc2\x85", control },	/* U+0085 */
	{ names_check_line, "csi\xc2\x9b" "2J", control },	/* U+009B */
	{ names_check_lines, "", NULL },
	{ names_check_lines, "one line", NULL },
	{ names_check_lines, "Hello {{name}},\n\nbye\n", NULL },
	{ names_check_lines, "\n\n\n", NULL },
	{ names_check_lines, "caf\xc3\xa9\n", NULL },
	{ names_check_lines, "bad \xff\n", not_utf8 },
	{ names_check_lines, "crlf\r\n", control_lf },
	{ names_check_lines, "line\n\ttab", control_lf },
	{ names_check_lines, "ok\nesc\x1b", control_lf },
	{ names_check_lines, "ok\n\xc2\x9b" "2J", control_lf },
};

START_TEST(checks)
{
	const char *why = cases[_i].check(cases[_i].s);

	if (cases[_i].why)
		ck_assert_msg(why && strcmp(why, cases[_i].why) == 0,
		    "case %d: got '%s', want '%s'", _i, why ? why : "(taken)",
		    cases[_i].why);
	else
		ck_assert_msg(why == NULL, "case %d: refused: %s", _i, why);
}
END_TEST

/* The limits, counted in bytes for a slug and in characters for a line. */
START_TEST(limits)
{
	struct buf b = BUF_INIT;
	int i;

	for (i = 0; i < NAMES_SLUG_MAX; i++)
		buf_addc(&b, i ? 'a' + i % 26 : '7');
	ck_assert_ptr_null(names_check_slug(b.p));
	buf_addc(&b, 'z');
	ck_assert_str_eq(names_check_slug(b.p), slug_why);

	buf_reset(&b);
	for (i = 0; i < NAMES_LINE_MAX; i++)
		buf_adds(&b, "\xc3\xa9");	/* 512 bytes, 256 characters */
	ck_assert_ptr_null(names_check_line(b.p));
	buf_addc(&b, 'x');
	ck_assert_str_eq(names_check_line(b.p), length);
	ck_assert_ptr_null(names_check_lines(b.p));
	buf_release(&b);
}
END_TEST

START_TEST(email)
{
	char why[EMAIL_WHY_MAX], *e;

	e = names_email("Ada.Lovelace@Example.ORG", why);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e, "ada.lovelace@example.org");
	free(e);
	e = names_email("ops+badges@acme.example", why);
	ck_assert_str_eq(e, "ops+badges@acme.example");
	free(e);

	/* The reasons are email_check's; the input is left as it was. */
	ck_assert_ptr_null(names_email("no-at.example", why));
	ck_assert_str_eq(why, "no @ in email");
	ck_assert_ptr_null(names_email("", why));
	ck_assert_str_eq(why, "missing email");
	ck_assert_ptr_null(names_email("ada@localhost", why));
	ck_assert_str_eq(why, "email domain needs a dot (two labels)");
	ck_assert_ptr_null(names_email("ad a@example.org", why));
	ck_assert_ptr_null(names_email("ada@ex\xc3\xa4mple.org", why));
	ck_assert_str_eq(why, "non-ASCII address");
}
END_TEST

START_TEST(credential_id)
{
	static const char *const good[] = {
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6f",
		"urn:uuid:00000000-0000-0000-0000-000000000000",
		"urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff",
	};
	static const char *const bad[] = {
		"",
		"urn:uuid:",
		"0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6f",
		"URN:UUID:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6f",
		"urn:uuid:0B8F3A52-6E2D-4C1A-9F3E-7D5B2A1C4E6F",
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6",
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6f0",
		"urn:uuid:0b8f3a526-e2d-4c1a-9f3e-7d5b2a1c4e6f",
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6g",
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e_7d5b2a1c4e6f",
		"urn:uuid:------------------------------------",
		"urn:uuid:../../../../credpipe.db-----------",
		"urn:uuid:0b8f3a52-6e2d-4c1a-9f3e-7d5b2a1c4e6f\n",
	};
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ck_assert_msg(names_is_credential_id(good[i]), "refused %s",
		    good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!names_is_credential_id(bad[i]), "took '%s'",
		    bad[i]);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("names");

	tcase_add_loop_test(tc, checks, 0, sizeof cases / sizeof *cases);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, email);
	tcase_add_test(tc, credential_id);
	suite_add_tcase(s, tc);
	return s;
}
