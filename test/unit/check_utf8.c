/* check_utf8.c: UTF-8 validation and the character helpers. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"
#include "utf8.h"

/* Bytes, where the first problem is, and whether it is a cut sequence. */
static const struct {
	const char *s;
	size_t len, bad;
	int partial;
} checks[] = {
	{ "plain ascii text", 16, 16, 0 },
	{ "caf\xc3\xa9", 5, 5, 0 },
	{ "\xf0\x9f\x8e\x93 cap", 8, 8, 0 },
	{ "\xef\xbf\xbf", 3, 3, 0 },			/* U+FFFF is valid */
	{ "\xf4\x8f\xbf\xbf", 4, 4, 0 },		/* U+10FFFF */
	{ "Jos\xe9 Garc\xed" "a", 11, 3, 0 },		/* Windows-1252 */
	{ "\xc0\xaf", 2, 0, 0 },			/* overlong '/' */
	{ "\xe0\x80\xaf", 3, 0, 0 },			/* overlong */
	{ "\xed\xa0\x80", 3, 0, 0 },			/* surrogate */
	{ "\xf4\x90\x80\x80", 4, 0, 0 },		/* past U+10FFFF */
	{ "\xf5\x80\x80\x80", 4, 0, 0 },
	{ "ab\x80", 3, 2, 0 },				/* lone continuation */
	{ "abcdefgh\xc3", 9, 8, 1 },			/* cut at the end */
	{ "abcdefgh\xf0\x9f\x8e", 11, 8, 1 },
	{ "ab\xc3x", 4, 2, 0 },				/* cut, then ASCII */
	{ "0123456789abcdef\xff", 17, 16, 0 },
};

START_TEST(check)
{
	int partial = -1;
	size_t got = utf8_check(checks[_i].s, checks[_i].len, &partial);

	ck_assert_uint_eq(got, checks[_i].bad);
	ck_assert_int_eq(partial, checks[_i].partial);
}
END_TEST

START_TEST(count_and_next)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x93";

	ck_assert_uint_eq(utf8_count(s, strlen(s)), 4);
	ck_assert_uint_eq(utf8_next(&s), 'a');
	ck_assert_uint_eq(utf8_next(&s), 0xe9);
	ck_assert_uint_eq(utf8_next(&s), 0x20ac);
	ck_assert_uint_eq(utf8_next(&s), 0x1f393);
	ck_assert_int_eq(*s, '\0');
}
END_TEST

START_TEST(controls)
{
	const char *s;

	ck_assert_ptr_null(utf8_find_control("Ada \xc3\xa9 \xc2\xa0", 9));
	s = "Ada\tL";
	ck_assert_ptr_eq(utf8_find_control(s, 5), s + 3);
	s = "Ada\x7f";
	ck_assert_ptr_eq(utf8_find_control(s, 4), s + 3);
	s = "Ada\xc2\x85";				/* U+0085 NEL */
	ck_assert_ptr_eq(utf8_find_control(s, 5), s + 3);
	s = "Ada\xc2\x9f";
	ck_assert_ptr_eq(utf8_find_control(s, 5), s + 3);
}
END_TEST

START_TEST(buffers)
{
	struct buf b = BUF_INIT;
	char *p;
	int i;

	for (i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_uint_eq(strlen(b.p), 1000);
	buf_reset(&b);
	buf_printf(&b, "%s-%d", "row", 42);
	buf_addu(&b, 0);
	buf_addu(&b, 18446744073709551615ull);
	ck_assert_str_eq(b.p, "row-42018446744073709551615");
	p = buf_detach(&b);
	/* Detached, it holds nothing and is the empty string, never NULL. */
	ck_assert_ptr_eq(b.p, buf_slop);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_str_eq(b.p, "");
	ck_assert_str_eq(p, "row-42018446744073709551615");
	free(p);
	p = buf_detach(&b);
	ck_assert_str_eq(p, "");
	free(p);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_loop_test(tc, check, 0, sizeof checks / sizeof *checks);
	tcase_add_test(tc, count_and_next);
	tcase_add_test(tc, controls);
	tcase_add_test(tc, buffers);
	suite_add_tcase(s, tc);
	return s;
}
