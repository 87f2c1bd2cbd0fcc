/*
 * store-test: the command tests' way into the database for what no
 * command shows or does (not an installed command).  It goes through
 * lib/store.h alone, so that a test runs against any engine the store
 * has.
 *
 *	store-test [-d db] dump
 *	store-test [-d db] backup path
 *	store-test [-d db] check integrity | references
 *	store-test [-d db] due-now [job]
 *	store-test [-d db] job-add org badge
 *	store-test [-d db] key-add org public-key
 *	store-test [-d db] cred-revoke id reason
 *	store-test [-d db] sender org address name
 *	store-test [-d db] item-set job row email | name value
 *	store-test [-d db] quota org [email]
 *
 * dump writes the database as store_dump does.  backup copies it to a
 * new database at path.  check writes a line per problem the database
 * finds in itself, or "ok".  due-now makes the deferred items of a job
 * (of every job) due at once, as if their retry time had come.  job-add
 * adds an empty pending job of the organization's badge and prints its
 * id.  key-add adds a signing key of 64 hexadecimal digits, whose secret
 * is a single zero byte that nothing unseals, as the organization's
 * active key, and prints its id.  cred-revoke revokes a credential with
 * the reason as it is, and sender sets an organization's sender, and
 * item-set an item's email or name: none of them checks what it is
 * given.  quota prints how many unique recipients the organization's
 * quota counts this month, or with email 1 if it counts that one, else 0.
 * The database is -d db, else CREDPIPE_DB, else ./credpipe.db.
 * Exit 0, 1 when check found a problem, 64 for bad arguments, 65 when
 * what is named does not exist, 73 when backup's path does.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcodes.h"
#include "store.h"
#include "util.h"

static struct store *db;

static void
usage(void)
{
	fprintf(stderr, "usage: store-test [-d db] dump\n"
	    "       store-test [-d db] backup path\n"
	    "       store-test [-d db] check integrity | references\n"
	    "       store-test [-d db] due-now [job]\n"
	    "       store-test [-d db] job-add org badge\n"
	    "       store-test [-d db] key-add org public-key\n"
	    "       store-test [-d db] cred-revoke id reason\n"
	    "       store-test [-d db] sender org address name\n"
	    "       store-test [-d db] item-set job row email | name value\n"
	    "       store-test [-d db] quota org [email]\n");
	exit(EXIT_USAGE);
}

static long long
number(const char *what, const char *s)
{
	unsigned long v;

	if (parse_ulong(s, 1, (unsigned long)-1 / 2, &v) != 0)
		errx(EXIT_USAGE, "%s '%s': not a number", what, s);
	return (long long)v;
}

static long long
org_id(const char *slug)
{
	struct store_org o;
	long long id;

	if (store_org_get(db, slug, &o) != 0)
		errx(EXIT_DATAERR, "no organization '%s'", slug);
	id = o.id;
	store_org_release(&o);
	return id;
}

/* Each subcommand: argc and argv after its name. */

static int
cmd_dump(int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		usage();
	if (store_dump(db, stdout) != 0)
		err(EXIT_IOERR, "stdout");
	return 0;
}

static int
cmd_backup(int argc, char **argv)
{
	if (argc != 1)
		usage();
	if (store_backup(db, argv[0]) != 0)
		errx(EXIT_CANTCREAT, "%s: exists already", argv[0]);
	return 0;
}

static int
cmd_check(int argc, char **argv)
{
	enum store_check what;

	if (argc != 1)
		usage();
	if (strcmp(argv[0], "integrity") == 0)
		what = STORE_CHECK_INTEGRITY;
	else if (strcmp(argv[0], "references") == 0)
		what = STORE_CHECK_REFERENCES;
	else
		usage();
	if (store_check(db, what, stdout) != 0)
		return 1;
	puts("ok");
	return 0;
}

static int
cmd_due_now(int argc, char **argv)
{
	long long job = 0;

	if (argc > 1)
		usage();
	if (argc == 1)
		job = number("job", argv[0]);
	store_begin(db);
	store_items_due_now(db, job, store_now(db));
	store_commit(db);
	return 0;
}

static int
cmd_quota(int argc, char **argv)
{
	char month[8];
	long long org;

	if (argc < 1 || argc > 2)
		usage();
	store_begin_read(db);
	org = org_id(argv[0]);
	store_month(store_now(db), month);
	printf("%lld\n", argc == 2 ? store_quota_counted(db, org, month,
	    argv[1]) : store_quota_used(db, org, month));
	store_commit(db);
	return 0;
}

static int
cmd_job_add(int argc, char **argv)
{
	struct store_badge b;
	long long org, id;

	if (argc != 2)
		usage();
	store_begin(db);
	org = org_id(argv[0]);
	if (store_badge_get(db, org, argv[1], &b) != 0)
		errx(EXIT_DATAERR, "organization %s has no badge '%s'",
		    argv[0], argv[1]);
	id = store_job_create(db, org, b.id, 0, 0, store_now(db));
	store_badge_release(&b);
	store_commit(db);
	printf("%lld\n", id);
	return 0;
}

static int
cmd_key_add(int argc, char **argv)
{
	static const unsigned char sealed[1];
	unsigned char pk[32];
	long long id;
	size_t i;

	if (argc != 2)
		usage();
	if (strlen(argv[1]) != 2 * sizeof pk ||
	    strspn(argv[1], "0123456789abcdefABCDEF") != 2 * sizeof pk)
		errx(EXIT_USAGE, "public key '%s': not 64 hexadecimal digits",
		    argv[1]);
	for (i = 0; i < sizeof pk; i++)
		sscanf(argv[1] + 2 * i, "%2hhx", &pk[i]);
	store_begin(db);
	if (store_key_add(db, org_id(argv[0]), pk, sealed, sizeof sealed,
	    &id) != 0)
		errx(EXIT_DATAERR, "the key is refused: it exists already");
	store_commit(db);
	printf("%lld\n", id);
	return 0;
}

static int
cmd_cred_revoke(int argc, char **argv)
{
	if (argc != 2)
		usage();
	store_begin(db);
	if (store_cred_revoke(db, 0, argv[0], argv[1]) != 0)
		errx(EXIT_DATAERR, "no credential '%s' that is not revoked",
		    argv[0]);
	store_commit(db);
	return 0;
}

static int
cmd_sender(int argc, char **argv)
{
	if (argc != 3)
		usage();
	store_begin(db);
	store_org_set_sender(db, org_id(argv[0]), argv[1], argv[2]);
	store_commit(db);
	return 0;
}

static int
cmd_item_set(int argc, char **argv)
{
	long long job, row;
	int email;

	if (argc != 4)
		usage();
	job = number("job", argv[0]);
	row = number("row", argv[1]);
	if (strcmp(argv[2], "email") == 0)
		email = 1;
	else if (strcmp(argv[2], "name") == 0)
		email = 0;
	else
		usage();
	store_begin(db);
	if (store_item_set_recipient(db, job, (unsigned long)row,
	    email ? argv[3] : NULL, email ? NULL : argv[3]) != 0)
		errx(EXIT_DATAERR, "job %lld has no row %lld", job, row);
	store_commit(db);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "dump", cmd_dump },
	{ "backup", cmd_backup },
	{ "check", cmd_check },
	{ "due-now", cmd_due_now },
	{ "job-add", cmd_job_add },
	{ "key-add", cmd_key_add },
	{ "cred-revoke", cmd_cred_revoke },
	{ "sender", cmd_sender },
	{ "item-set", cmd_item_set },
	{ "quota", cmd_quota },
};

int
main(int argc, char *argv[])
{
	const char *path = getenv("CREDPIPE_DB");
	size_t i;
	int c, rc;

	cmd_begin(argv);
	while ((c = getopt(argc, argv, "d:")) != -1) {
		if (c != 'd')
			usage();
		path = optarg;
	}
	argc -= optind, argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof commands / sizeof *commands)
		usage();
	db = store_open(config_db(path && *path ? path : NULL), 0);
	rc = commands[i].fn(argc - 1, argv + 1);
	store_close(db);
	close_stdout();
	return rc;
}
