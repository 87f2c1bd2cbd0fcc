/*
 * main.c: the driver every unit test links with.  Each check_MODULE.c
 * defines suite(); this runs it without forking noise and writes TAP on
 * stdout for prove.  The exit status is the number of failed tests.
 */
#include <check.h>
#include <stdlib.h>

#include "unit.h"

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *
unit_top(void)
{
	const char *top = getenv("TOP");

	return top && *top ? top : ".";
}

void
unit_unescape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == 't') {
			buf_addc(b, '\t');
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };
			buf_addc(b, (int)strtol(hex, NULL, 16));
			i += 3;
		} else {
			buf_addc(b, s[i]);
		}
	}
	buf_add(b, "", 0);
}
