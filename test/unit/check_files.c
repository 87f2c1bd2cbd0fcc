/*
 * check_files.c: which files are trusted: owner, modes, links, and the
 * directory that holds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "files.h"
#include "unit.h"

static char dir[] = "/tmp/check_files.XXXXXX";
static char file[80], sub[80], subfile[96], link_path[80];

static void
setup(void)
{
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/credpipe.db", dir);
	snprintf(sub, sizeof sub, "%s/shared", dir);
	snprintf(subfile, sizeof subfile, "%s/credpipe.key", sub);
	snprintf(link_path, sizeof link_path, "%s/link", dir);
	ck_assert_ptr_nonnull(f = fopen(file, "w"));
	fclose(f);
	ck_assert_int_eq(chmod(file, 0600), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_ptr_nonnull(f = fopen(subfile, "w"));
	fclose(f);
	ck_assert_int_eq(chmod(subfile, 0600), 0);
	ck_assert_int_eq(symlink(file, link_path), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(modes)
{
	char why[FILES_WHY_MAX], path[128];
	uid_t me = geteuid();

	ck_assert_int_eq(files_check(file, 0, me, why), 0);
	ck_assert_int_eq(files_check(file, FILES_SECRET, me, why), 0);
	/* Readable by others: fine for the database, not for a secret. */
	ck_assert_int_eq(chmod(file, 0644), 0);
	ck_assert_int_eq(files_check(file, 0, me, why), 0);
	ck_assert_int_eq(files_check(file, FILES_SECRET, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "chmod 600"), "%s", why);
	ck_assert_int_eq(chmod(file, 0620), 0);
	ck_assert_int_eq(files_check(file, 0, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "mode 620"), "%s", why);
	ck_assert_int_eq(chmod(file, 0606), 0);
	ck_assert_int_eq(files_check(file, 0, me, why), EXIT_CONFIG);
	/* Another user's file is never trusted, whatever its mode. */
	ck_assert_int_eq(chmod(file, 0600), 0);
	ck_assert_int_eq(files_check(file, 0, me + 1, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "owned by another user") &&
	    strstr(why, "chown"), "%s", why);
	/* Not a regular file, or a link. */
	ck_assert_int_eq(files_check(sub, 0, me, why), EXIT_CONFIG);
	ck_assert_int_eq(files_check(link_path, 0, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "not a regular file"), "%s", why);
	/* A file that is not there: refused, unless optional (a -wal that
	 * another process just removed). */
	snprintf(path, sizeof path, "%s-wal", file);
	ck_assert_int_eq(files_check(path, 0, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "No such file"), "%s", why);
	ck_assert_int_eq(files_check(path, FILES_OPTIONAL, me, why), 0);
	/* Optional, but there: judged as any other. */
	ck_assert_int_eq(files_check(link_path, FILES_OPTIONAL, me, why),
	    EXIT_CONFIG);
}
END_TEST

START_TEST(directories)
{
	char why[FILES_WHY_MAX], path[128];
	uid_t me = geteuid();

	ck_assert_int_eq(files_check(subfile, FILES_SECRET, me, why), 0);
	ck_assert_int_eq(chmod(sub, 0770), 0);
	ck_assert_int_eq(files_check(subfile, FILES_SECRET, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "writable by its group"), "%s", why);
	ck_assert_int_eq(chmod(sub, 0777), 0);
	ck_assert_int_eq(files_check(subfile, FILES_SECRET, me, why), EXIT_CONFIG);
	ck_assert_msg(strstr(why, "writable by others") &&
	    strstr(why, "chmod go-w"), "%s", why);
	/* Sticky and ours: others cannot swap our files there. */
	ck_assert_int_eq(chmod(sub, 01777), 0);
	ck_assert_int_eq(files_check(subfile, FILES_SECRET, me, why), 0);
	/* Sticky but someone else's (as /tmp is root's). */
	ck_assert_int_eq(files_check_dir(subfile, me + 1, why), EXIT_CONFIG);
	/* A file not made yet is judged by its directory alone. */
	ck_assert_int_eq(chmod(sub, 0777), 0);
	snprintf(path, sizeof path, "%s/new.db", sub);
	ck_assert_int_eq(files_check_dir(path, me, why), EXIT_CONFIG);
	ck_assert_int_eq(chmod(sub, 0700), 0);
	ck_assert_int_eq(files_check_dir(path, me, why), 0);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, modes);
	tcase_add_test(tc, directories);
	suite_add_tcase(s, tc);
	return s;
}
