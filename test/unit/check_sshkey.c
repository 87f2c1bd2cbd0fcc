/* check_sshkey.c: OpenSSH public key lines and their fingerprints. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sshkey.h"
#include "unit.h"

static const char *const good[] = {
	"ed25519", "ecdsa-256", "ecdsa-384", "ecdsa-521", "rsa-2048",
	"rsa-3072",
};

/* Each key ssh-keygen made is taken, with ssh-keygen's fingerprint and
 * the comment it was given. */
START_TEST(keys)
{
	struct buf line = BUF_INIT, fp = BUF_INIT, want = BUF_INIT;
	char path[128], why[SSHKEY_WHY_MAX];
	struct sshkey k;

	snprintf(path, sizeof path, "test/data/ssh/%s.pub", good[_i]);
	unit_slurp(&line, path);
	snprintf(path, sizeof path, "test/data/ssh/%s.fp", good[_i]);
	unit_slurp(&fp, path);
	ck_assert_int_gt(line.len, 0);
	line.p[--line.len] = '\0';
	fp.p[--fp.len] = '\0';
	ck_assert_msg(sshkey_parse(&k, line.p, why) == 0, "%s: %s", good[_i],
	    why);
	ck_assert_str_eq(k.fingerprint, fp.p);
	buf_printf(&want, "member@laptop %s", good[_i]);
	ck_assert_str_eq(k.comment, want.p);
	ck_assert_ptr_nonnull(strstr(line.p, k.blob));
	ck_assert_int_eq(strncmp(line.p, k.type, strlen(k.type)), 0);
	sshkey_release(&k);
	buf_release(&line);
	buf_release(&fp);
	buf_release(&want);
}
END_TEST

/* Spaces and TABs around the fields are not part of them; a line without
 * a comment has "". */
START_TEST(spacing)
{
	struct buf line = BUF_INIT, again = BUF_INIT;
	char why[SSHKEY_WHY_MAX], *sp;
	struct sshkey k, k2;

	unit_slurp(&line, "test/data/ssh/ed25519.pub");
	line.p[--line.len] = '\0';
	ck_assert_int_eq(sshkey_parse(&k, line.p, why), 0);
	sp = strchr(strchr(line.p, ' ') + 1, ' ');
	*sp = '\0';
	buf_printf(&again, " \t%s \t", line.p);
	ck_assert_int_eq(sshkey_parse(&k2, again.p, why), 0);
	ck_assert_str_eq(k2.comment, "");
	ck_assert_str_eq(k2.fingerprint, k.fingerprint);
	ck_assert_str_eq(k2.blob, k.blob);
	sshkey_release(&k);
	sshkey_release(&k2);
	buf_release(&line);
	buf_release(&again);
}
END_TEST

START_TEST(refused)
{
	FILE *f = unit_cases("test/data/ssh/refused");
	char *line = NULL, *want, why[SSHKEY_WHY_MAX];
	struct buf in = BUF_INIT;
	struct sshkey k;
	size_t cap = 0;
	int n = 0;

	while (unit_next_case(f, &line, &cap, &want)) {
		unit_unescape(&in, line, strlen(line));
		why[0] = '\0';
		ck_assert_msg(sshkey_parse(&k, in.p, why) == -1, "taken: %s",
		    line);
		ck_assert_msg(strstr(why, want), "%s: '%s' lacks '%s'", line,
		    why, want);
		sshkey_release(&k);
		n++;
	}
	ck_assert_int_ge(n, 17);
	fclose(f);
	free(line);
	buf_release(&in);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("sshkey");
	TCase *tc = tcase_create("sshkey");

	tcase_add_loop_test(tc, keys, 0, sizeof good / sizeof *good);
	tcase_add_test(tc, spacing);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}
