/*
 * check_worker.c: the worker's loop end to end, into a maildir: a run
 * over many organizations and badges mails each credential under its own
 * organization and badge, passes over organizations that may not issue
 * and cancelled jobs, and stops at its item limit.
 */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sign.h"
#include "store.h"
#include "store_impl.h"
#include "unit.h"
#include "worker.h"

#define NORGS 20
#define NRCPT 3

static char dir[] = "/tmp/check_worker.XXXXXX";
static char path[64], keypath[80], maildir[80];
static struct store *db;
static struct sign_master *master;
static long long org_ids[NORGS], jobs[NORGS][2];

/* Organization i, approved and Professional, with a key unless nokey,
 * two badges, and a job of NRCPT recipients for each. */
static void
make_org(int i, int nokey)
{
	unsigned char pk[32], sealed[SIGN_SEALED_LEN];
	struct store_badge b = { 0 };
	char slug[16], name[32], sender[48], bslug[16], bname[32];
	long long bid;
	int k, r;

	snprintf(slug, sizeof slug, "org%d", i);
	snprintf(name, sizeof name, "Org %d", i);
	snprintf(sender, sizeof sender, "badges@org%d.example", i);
	ck_assert_int_eq(store_org_create(db, slug, name, "professional",
	    &org_ids[i]), 0);
	store_org_set_approved(db, org_ids[i], 1);
	store_org_set(db, org_ids[i], STORE_ORG_STATUS_URL,
	    "https://s.example/status");
	store_org_set_sender(db, org_ids[i], sender, name);
	if (!nokey) {
		sign_keypair_new(master, pk, sealed);
		ck_assert_int_eq(store_key_add(db, org_ids[i], pk, sealed,
		    sizeof sealed, NULL), 0);
	}
	for (k = 0; k < 2; k++) {
		snprintf(bslug, sizeof bslug, "b%d", k);
		snprintf(bname, sizeof bname, "Badge %d", k);
		b.org_id = org_ids[i];
		b.slug = bslug, b.name = bname;
		b.subject = (char *)"{{org}} / {{badge}}";
		b.body = (char *)"Hello {{name}}";
		b.description = b.criteria = (char *)"";
		b.valid_days = -1;
		ck_assert_int_eq(store_badge_create(db, &b, &bid), 0);
		jobs[i][k] = store_job_create(db, org_ids[i], bid, 0, 0,
		    store_now(db));
		for (r = 0; r < NRCPT; r++) {
			char email[32];

			/* Recipients shared between organizations. */
			snprintf(email, sizeof email, "r%d@example.org",
			    (i + r) % 7);
			store_job_add_item(db, jobs[i][k], (unsigned long)r + 2,
			    email, "Ada", "new", "", "pending");
		}
	}
}

static void
setup(void)
{
	char err[SIGN_ERR_MAX];
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	snprintf(keypath, sizeof keypath, "%s/credpipe.key", dir);
	snprintf(maildir, sizeof maildir, "%s/out", dir);
	ck_assert_int_eq(sign_master_create(keypath, err), 0);
	ck_assert_int_eq(sign_master_load(keypath, &master, err), 0);
	db = store_open(path, STORE_CREATE);
	store_begin(db);
	for (i = 0; i < NORGS; i++)
		make_org(i, i == 2);
	store_commit(db);
}

static void
teardown(void)
{
	char cmd[128];

	store_close(db);
	sign_master_free(master);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
run(long long max_items)
{
	struct worker_options o;

	worker_defaults(&o);
	o.db = path;
	o.master = keypath;
	o.maildir = maildir;
	o.batch = 7;		/* batches that span organizations */
	o.max_items = max_items;
	return worker_run(&o);
}

/* A number the database gives. */
#define n(...) atoll(unit_query(db, __VA_ARGS__))

/* The bytes of the file at an absolute path, NUL-terminated. */
static void
slurp(struct buf *b, const char *file)
{
	char chunk[4096];
	size_t got;
	FILE *f = fopen(file, "rb");

	ck_assert_msg(f != NULL, "cannot open %s", file);
	buf_add(b, "", 0);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, got);
	buf_add(b, "", 1);
	fclose(f);
}

/* A header line of a message (without its name), or "". */
static void
header(const char *msg, const char *name, char *out, size_t len)
{
	const char *p = msg;
	size_t n = strlen(name);

	out[0] = '\0';
	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			const char *e = strstr(p, "\r\n");

			snprintf(out, len, "%.*s", (int)(e - p - n - 2),
			    p + n + 2);
			return;
		}
		if (strncmp(p, "\r\n", 2) == 0)
			return;
	}
}

/*
 * Check one delivered message against the database: the credential its
 * Message-ID names belongs to the organization whose sender the envelope,
 * the From and the Subject name, and to the badge of the Subject.
 */
static void
check_message(const char *file)
{
	static const char sql[] = "SELECT o.sender_email, o.name, b.name, "
	    "c.email FROM credential c JOIN org o ON o.id = c.org_id "
	    "JOIN badge b ON b.id = c.badge_id WHERE c.id = ?";
	char rp[128], from[256], subject[256], mid[128], to[256];
	char want[512], id[64];
	struct buf msg = BUF_INIT;
	struct store_stmt *st;

	slurp(&msg, file);
	header(msg.p, "Return-Path", rp, sizeof rp);
	header(msg.p, "From", from, sizeof from);
	header(msg.p, "Subject", subject, sizeof subject);
	header(msg.p, "Message-ID", mid, sizeof mid);
	header(msg.p, "Delivered-To", to, sizeof to);
	ck_assert_msg(strlen(mid) > 37, "%s: Message-ID '%s'", file, mid);
	snprintf(id, sizeof id, "urn:uuid:%.36s", mid + 1);
	st = store_prepare(db, sql);
	store_bind_text(st, 1, id);
	ck_assert_msg(store_row(db, st), "%s: no credential %s", file, id);
	snprintf(want, sizeof want, "<%s>", store_col_text(st, 0));
	ck_assert_str_eq(rp, want);
	ck_assert_msg(strstr(from, want), "%s: From '%s', want %s", file, from,
	    want);
	snprintf(want, sizeof want, "%s / %s", store_col_text(st, 1),
	    store_col_text(st, 2));
	ck_assert_str_eq(subject, want);
	ck_assert_str_eq(to, store_col_text(st, 3));
	store_finalize(st);
	buf_release(&msg);
}

/* The messages in the maildir's new/, each checked; return how many. */
static int
check_maildir(void)
{
	char sub[160], file[512];
	struct dirent *e;
	DIR *d;
	int count = 0;

	snprintf(sub, sizeof sub, "%s/new", maildir);
	ck_assert_ptr_nonnull(d = opendir(sub));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof file, "%s/%s", sub, e->d_name);
		check_message(file);
		count++;
	}
	closedir(d);
	return count;
}

START_TEST(each_under_its_own)
{
	int want = (NORGS - 1) * 2 * NRCPT;

	ck_assert_int_eq(run(0), 0);
	ck_assert_int_eq(check_maildir(), want);
	ck_assert_int_eq(n("SELECT count(*) FROM job_item WHERE state = "
	    "'sent'"), want);
	/* The organization without a key waits, untouched. */
	ck_assert_int_eq(n("SELECT count(*) FROM job_item i JOIN job j ON "
	    "j.id = i.job_id WHERE j.org_id = %lld AND i.state = 'pending' AND "
	    "i.credential_id IS NULL AND i.attempts = 0", org_ids[2]),
	    2 * NRCPT);
	/* One credential per item sent, no other. */
	ck_assert_int_eq(n("SELECT count(*) FROM credential"), want);
	ck_assert_int_eq(n("SELECT count(*) FROM job WHERE status = "
	    "'completed'"), (NORGS - 1) * 2);
}
END_TEST

/* Not approved, on the Free plan, a cancelled job: none of it is sent;
 * approved again, it is. */
START_TEST(gates_and_cancel)
{
	int want = (NORGS - 4) * 2 * NRCPT;

	store_begin(db);
	store_org_set_approved(db, org_ids[0], 0);
	store_org_set_plan(db, org_ids[1], "free");
	ck_assert_int_eq(store_job_cancel(db, org_ids[3], jobs[3][1],
	    store_now(db)), 0);
	store_commit(db);
	ck_assert_int_eq(run(0), 0);
	ck_assert_int_eq(check_maildir(), want + NRCPT);
	ck_assert_int_eq(n("SELECT count(*) FROM job_item i JOIN job j ON "
	    "j.id = i.job_id WHERE j.org_id IN (%lld, %lld, %lld) AND i.state "
	    "= 'pending' AND i.credential_id IS NULL", org_ids[0], org_ids[1],
	    org_ids[2]), 3 * 2 * NRCPT);
	ck_assert_int_eq(n("SELECT count(*) FROM job_item WHERE state = "
	    "'cancelled'"), NRCPT);
	store_begin(db);
	store_org_set_approved(db, org_ids[0], 1);
	store_org_set_plan(db, org_ids[1], "enterprise");
	store_commit(db);
	ck_assert_int_eq(run(0), 0);
	ck_assert_int_eq(check_maildir(), want + NRCPT + 2 * 2 * NRCPT);
}
END_TEST

START_TEST(item_limit)
{
	ck_assert_int_eq(run(5), 0);
	ck_assert_int_eq(check_maildir(), 5);
	ck_assert_int_eq(n("SELECT count(*) FROM job_item WHERE state = "
	    "'sent'"), 5);
	ck_assert_int_eq(n("SELECT count(*) FROM job_item WHERE state = "
	    "'claimed'"), 0);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("worker");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, each_under_its_own);
	tcase_add_test(tc, gates_and_cancel);
	tcase_add_test(tc, item_limit);
	suite_add_tcase(s, tc);
	return s;
}
