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
