/* check_util.c: the time functions, against the C library's. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "util.h"

/* What gmtime and strftime make of t. */
static void
libc_time(long long t, char out[64])
{
	time_t tt = (time_t)t;
	struct tm tm;

	ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
	strftime(out, 64, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Every day's first and last second from 1970 to 2100, and a spread of
 * seconds between, agree with the C library, and read back as
 * themselves; so do the last second iso_time writes by hand. */
START_TEST(iso_time_agrees)
{
	char got[ISO_TIME_MAX], want[64];
	long long t, back;

	for (t = 0; t < 4102444800LL; t += 86400) {
		long long s[] = { t, t + 86399, t + (t / 86400 * 7919) % 86400 };
		size_t i;

		for (i = 0; i < sizeof s / sizeof *s; i++) {
			iso_time(s[i], got);
			libc_time(s[i], want);
			ck_assert_str_eq(got, want);
			ck_assert_int_eq(parse_iso_time(got, &back), 0);
			ck_assert_int_eq(back, s[i]);
		}
	}
	iso_time(253402300799LL, got);
	ck_assert_str_eq(got, "9999-12-31T23:59:59Z");
	iso_time(951825600LL, got);
	ck_assert_str_eq(got, "2000-02-29T12:00:00Z");
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, iso_time_agrees);
	suite_add_tcase(s, tc);
	return s;
}
