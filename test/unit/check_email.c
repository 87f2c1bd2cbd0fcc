/* check_email.c: email_check against the cases in data/emails.tsv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "email.h"
#include "unit.h"

START_TEST(cases)
{
	struct buf path = BUF_INIT, in = BUF_INIT, want = BUF_INIT;
	char *line = NULL, why[EMAIL_WHY_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f;

	buf_printf(&path, "%s/test/unit/data/emails.tsv", unit_top());
	f = fopen(path.p, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path.p);
	while (getline(&line, &cap, f) > 0) {
		char *t1, *t2, *nl;
		int rc;

		if (line[0] == '#')
			continue;
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		t1 = strchr(line, '\t');
		ck_assert_ptr_nonnull(t1);
		t2 = strchr(t1 + 1, '\t');
		ck_assert_ptr_nonnull(t2);
		unit_unescape(&in, line, (size_t)(t1 - line));
		unit_unescape(&want, t1 + 1, (size_t)(t2 - t1 - 1));
		memset(why, 0, sizeof why);
		rc = email_check(in.p, in.len, why);
		ck_assert_msg(strcmp(in.p, want.p) == 0, "'%s' normalised to "
		    "'%s', want '%s'", line, in.p, want.p);
		if (strcmp(t2 + 1, "ok") == 0)
			ck_assert_msg(rc == 0, "'%s' refused: %s", line, why);
		else
			ck_assert_msg(rc == -1 && strcmp(why, t2 + 1) == 0,
			    "'%s': got %d '%s', want '%s'", line, rc, why,
			    t2 + 1);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 30);
	free(line);
	fclose(f);
	buf_release(&path);
	buf_release(&in);
	buf_release(&want);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("email");
	TCase *tc = tcase_create("email");

	tcase_add_test(tc, cases);
	suite_add_tcase(s, tc);
	return s;
}
