/*
 * check_strset.c: the string set: keys are bytes with a length, NULs and
 * all, and every key is found again with its number after the table grew.
 */
#include <stdio.h>
#include <string.h>

#include "strset.h"
#include "unit.h"

/* Keys that differ only after a NUL, or that are prefixes of each other. */
static const struct {
	const char *s;
	size_t n;
} tricky[] = {
	{ "", 0 },
	{ "a", 1 },
	{ "ab", 2 },
	{ "abc", 3 },
	{ "a\0", 2 },
	{ "a\0b", 3 },
	{ "a\0c", 3 },
	{ "a\0b\0", 4 },
	{ "\0", 1 },
	{ "\0\0", 2 },
	{ "ab\0", 3 },
};

#define NTRICKY (sizeof tricky / sizeof *tricky)

START_TEST(tricky_keys)
{
	struct strset t = STRSET_INIT;
	size_t i;

	for (i = 0; i < NTRICKY; i++)
		ck_assert_uint_eq(strset_add(&t, tricky[i].s, tricky[i].n,
		    i + 1), 0);
	for (i = 0; i < NTRICKY; i++)
		ck_assert_msg(strset_add(&t, tricky[i].s, tricky[i].n,
		    100) == i + 1, "key %zu not found with its number", i);
	ck_assert_uint_eq(t.used, NTRICKY);
	strset_release(&t);
}
END_TEST

/* Keys "x\0" and two letters: equal up to their first NUL, so a
 * comparison that stops at a NUL takes one for another when they share a
 * probe sequence. */
START_TEST(after_nul)
{
	struct strset t = STRSET_INIT;
	char k[4] = { 'x', '\0', 0, 0 };
	unsigned long c;

	for (c = 0; c < 400; c++) {
		k[2] = 'a' + c % 20;
		k[3] = 'a' + c / 20;
		ck_assert_msg(strset_add(&t, k, 4, c + 1) == 0,
		    "key %lu taken for another", c);
	}
	for (c = 0; c < 400; c++) {
		k[2] = 'a' + c % 20;
		k[3] = 'a' + c / 20;
		ck_assert_uint_eq(strset_add(&t, k, 4, 1000), c + 1);
	}
	ck_assert_uint_eq(t.used, 400);
	strset_release(&t);
}
END_TEST

/* Key number i: its decimal digits around a NUL, so that a key read up
 * to its first NUL is a prefix shared by many keys. */
static size_t
key(char *k, size_t i)
{
	int n = snprintf(k, 32, "k%zu", i % 7);

	k[n++] = '\0';
	n += snprintf(k + n, 32 - n, "%zu", i);
	return n;
}

START_TEST(growth)
{
	enum { N = 20000 };
	struct strset t = STRSET_INIT;
	char k[32];
	size_t i, n;

	for (i = 0; i < N; i++) {
		n = key(k, i);
		ck_assert_msg(strset_add(&t, k, n, i + 1) == 0,
		    "key %zu found before it was added", i);
	}
	ck_assert_uint_eq(t.used, N);
	ck_assert_uint_ge(t.cap, 2 * N);
	for (i = 0; i < N; i++) {
		n = key(k, i);
		ck_assert_msg(strset_add(&t, k, n, N + 1) == i + 1,
		    "key %zu lost after growth", i);
	}
	ck_assert_uint_eq(t.used, N);
	for (i = 0; i < NTRICKY; i++)
		ck_assert_uint_eq(strset_add(&t, tricky[i].s, tricky[i].n,
		    N + 1 + i), 0);
	for (i = 0; i < NTRICKY; i++)
		ck_assert_uint_eq(strset_add(&t, tricky[i].s, tricky[i].n, 1),
		    N + 1 + i);
	strset_release(&t);
	ck_assert_uint_eq(t.used, 0);
	ck_assert_uint_eq(t.cap, 0);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("strset");
	TCase *tc = tcase_create("strset");

	tcase_add_test(tc, tricky_keys);
	tcase_add_test(tc, after_nul);
	tcase_add_test(tc, growth);
	suite_add_tcase(s, tc);
	return s;
}
