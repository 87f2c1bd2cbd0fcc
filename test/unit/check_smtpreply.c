/*
 * check_smtpreply.c: the SMTP reply reader against the cases in
 * data/smtpreply.tsv, each fed whole, a byte at a time and cut in two at
 * every offset; and the limits of a line and of a text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "smtpreply.h"
#include "unit.h"

/* Feed the n bytes at p in chunks of step bytes (0: whole), after a cut
 * at offset cut; check the code and the text. */
static void
feed_check(const char *p, size_t n, size_t cut, size_t step, int code,
    const char *text, const char *what)
{
	struct smtpreply r;
	size_t off = 0;

	smtpreply_init(&r);
	smtpreply_feed(&r, p, cut);
	for (off = cut; off < n; ) {
		size_t k = step && step < n - off ? step : n - off;

		smtpreply_feed(&r, p + off, k);
		off += k;
	}
	ck_assert_msg(r.code == code, "%s (cut %zu, step %zu): code %d, "
	    "want %d", what, cut, step, r.code, code);
	ck_assert_msg(strcmp(r.text.p ? r.text.p : "", text) == 0,
	    "%s (cut %zu, step %zu): text '%s', want '%s'", what, cut, step,
	    r.text.p ? r.text.p : "", text);
	smtpreply_release(&r);
}

/* The same, fed whole and in chunks of step bytes. */
static void
feed_both(const struct buf *in, size_t step, int code, const char *text,
    const char *what)
{
	feed_check(in->p, in->len, 0, 0, code, text, what);
	feed_check(in->p, in->len, 0, step, code, text, what);
}

START_TEST(cases)
{
	FILE *f = unit_cases("test/unit/data/smtpreply.tsv");
	struct buf in = BUF_INIT;
	char *line = NULL, *want, *text;
	size_t cap = 0, ncases = 0, cut;

	while (unit_next_case(f, &line, &cap, &want)) {
		ck_assert_ptr_nonnull(text = strchr(want, '\t'));
		*text++ = '\0';
		unit_unescape(&in, line, strlen(line));
		for (cut = 0; cut <= in.len; cut++)
			feed_check(in.p, in.len, cut, 0, atoi(want), text,
			    line);
		feed_check(in.p, in.len, 0, 1, atoi(want), text, line);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 20);
	free(line);
	fclose(f);
	buf_release(&in);
}
END_TEST

/* A line past SMTPREPLY_LINE_MAX is cut, and the next line is read. */
START_TEST(long_line)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	size_t i;

	buf_adds(&in, "250 ");
	for (i = 0; i < 3 * SMTPREPLY_LINE_MAX; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, "\r\n550 5.7.1 refused\r\n");
	feed_both(&in, 7, 550, "550 5.7.1 refused", "long 250");

	buf_reset(&in);
	buf_adds(&in, "554 ");
	buf_adds(&want, "554 ");
	for (i = 0; i < 3 * SMTPREPLY_LINE_MAX; i++) {
		buf_addc(&in, 'a' + i % 26);
		if (want.len < SMTPREPLY_TEXT_MAX)
			buf_addc(&want, 'a' + i % 26);
	}
	buf_adds(&in, "\r\n");
	feed_both(&in, 100, 554, want.p, "long 554");
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* A reply of many lines stops at SMTPREPLY_TEXT_MAX bytes, its last
 * lines dropped whole. */
START_TEST(many_lines)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	size_t i;

	buf_adds(&want, "452");
	for (i = 0; i < 100; i++) {
		buf_adds(&in, "452-4.5.3 too many recipients\r\n");
		if (want.len + 1 < SMTPREPLY_TEXT_MAX)
			buf_adds(&want, " 4.5.3 too many recipients");
	}
	buf_adds(&in, "452 4.5.3 the end\r\n");
	want.len = SMTPREPLY_TEXT_MAX;
	want.p[want.len] = '\0';
	feed_both(&in, 13, 452, want.p, "100 lines");
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* reset forgets the code, the text and a line half read. */
START_TEST(reset)
{
	static const char first[] = "550 no\r\n452 4.5.3 half";
	struct smtpreply r;

	smtpreply_init(&r);
	smtpreply_feed(&r, first, sizeof first - 1);
	ck_assert_int_eq(r.code, 550);
	ck_assert_str_eq(r.text.p, "550 no");
	smtpreply_reset(&r);
	ck_assert_int_eq(r.code, 0);
	ck_assert_uint_eq(r.text.len, 0);
	smtpreply_feed(&r, "421 bye\r\n", 9);
	ck_assert_int_eq(r.code, 421);
	ck_assert_str_eq(r.text.p, "421 bye");
	smtpreply_release(&r);
	ck_assert_int_eq(r.code, 0);
	ck_assert_uint_eq(r.text.cap, 0);
	ck_assert_str_eq(r.text.p, "");
	smtpreply_feed(&r, "451 x\r\n", 7);
	ck_assert_str_eq(r.text.p, "451 x");
	smtpreply_release(&r);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("smtpreply");
	TCase *tc = tcase_create("smtpreply");

	tcase_add_test(tc, cases);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, many_lines);
	tcase_add_test(tc, reset);
	suite_add_tcase(s, tc);
	return s;
}
