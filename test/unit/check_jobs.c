/*
 * check_jobs.c: the work queue: its claim walks an index and passes over
 * organizations that may not issue, leases keep workers apart, items end
 * as their holder says, credentials that may have left are revoked and
 * never withdrawn, a renewal supersedes on delivery, and the quota is held
 * per item.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "store.h"
#include "store_sqlite.h"
#include "unit.h"

static char dir[] = "/tmp/check_jobs.XXXXXX";
static char path[64];
static struct store *db;
static long long org, badge, job, t0;
static char month[8];		/* the jobs' month, which the quota counts */

/* A time n seconds after the items were submitted. */
#define T(n) (t0 + (n))

static long long
add_badge(long long org_id, const char *slug)
{
	struct store_badge b = { 0 };
	long long id;

	b.org_id = org_id;
	b.slug = (char *)slug, b.name = (char *)"B";
	b.subject = (char *)"s", b.body = (char *)"b";
	b.description = b.criteria = (char *)"";
	b.valid_days = -1;
	ck_assert_int_eq(store_badge_create(db, &b, &id), 0);
	return id;
}

static void
add_key(long long org_id)
{
	unsigned char pk[32] = { 1 }, sealed[80] = { 2 };

	ck_assert_int_eq(store_key_add(db, org_id, pk, sealed, sizeof sealed,
	    NULL), 0);
}

/* An organization that may issue: approved, Professional, with a key. */
static long long
add_org(const char *slug)
{
	long long id;

	ck_assert_int_eq(store_org_create(db, slug, slug, "professional",
	    &id), 0);
	store_org_set_approved(db, id, 1);
	store_org_set(db, id, STORE_ORG_STATUS_URL, "https://s.example/st");
	add_key(id);
	return id;
}

/* A job of n items p1@ .. pn@ of org's badge b, each holding its quota;
 * with skip_last the last one is skipped, as bulk-submit makes one. */
static long long
add_job(long long org_id, long long b, int n, int skip_last)
{
	long long j = store_job_create(db, org_id, b, 0, 0, store_now(db));
	int i;

	for (i = 1; i <= n; i++) {
		char email[32];
		int skip = skip_last && i == n;

		snprintf(email, sizeof email, "p%d@example.org", i);
		store_job_add_item(db, j, (unsigned long)i + 1, email, "P",
		    skip ? "active-nonexpiring" : "new", "",
		    skip ? "skipped" : "pending");
	}
	return j;
}

static void
setup(void)
{
	time_t now = time(NULL);

	strftime(month, sizeof month, "%Y-%m", gmtime(&now));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	db = store_open(path, STORE_CREATE);
	org = add_org("acme");
	badge = add_badge(org, "b");
	job = add_job(org, badge, 5, 1);
	t0 = store_now(db);
}

static void
teardown(void)
{
	char cmd[128];

	store_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A value the database gives, as text. */
#define q(...) unit_query(db, __VA_ARGS__)

/* Give item it a credential, as the worker's issue step does. */
static void
issue(const struct store_item *it, const char *lease, const char *id,
    const char *supersedes, long long expires)
{
	struct store_cred_new n = {
		id, org, badge, it->email, it->name, T(1), expires,
		supersedes, it->id, "{}", 0, 0
	};

	store_cred_insert(db, &n);
	ck_assert_int_eq(store_item_issued(db, it->id, lease, id), 0);
	ck_assert_int_eq(store_item_sending(db, it->id, lease), 0);
}

START_TEST(claim_uses_the_index)
{
	struct buf sql = BUF_INIT, plan = BUF_INIT;
	sqlite3_stmt *st;
	sqlite3 *raw;

	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	buf_printf(&sql, "EXPLAIN QUERY PLAN %s", store_sql(db, STORE_SQL_CLAIM));
	ck_assert_int_eq(sqlite3_prepare_v2(raw, sql.p, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		buf_adds(&plan, (const char *)sqlite3_column_text(st, 3));
		buf_addc(&plan, '\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(raw);
	ck_assert_msg(strstr(plan.p, "USING INDEX job_item_due"),
	    "the claim does not walk job_item_due:\n%s", plan.p);
	ck_assert_msg(!strstr(plan.p, "SCAN job_item"),
	    "the claim scans job_item:\n%s", plan.p);
	ck_assert_msg(!strstr(plan.p, "SCAN j") && !strstr(plan.p, "SCAN o"),
	    "the claim scans jobs or organizations:\n%s", plan.p);
	ck_assert_msg(!strstr(plan.p, "TEMP B-TREE"),
	    "the claim sorts:\n%s", plan.p);
	buf_release(&sql);
	buf_release(&plan);
}
END_TEST

START_TEST(leases)
{
	struct store_item it[8];
	struct store_job j;

	/* Four are due (the skipped one is done); a worker takes three. */
	ck_assert_int_eq(store_items_due(db, 0, T(100)), 4);
	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 3), 3);
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "processing");
	ck_assert_str_eq(j.org, "acme");
	/* A second worker gets only the one left. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(100), T(1000),
	    it + 3, 8), 1);
	ck_assert_uint_eq(store_items_claim(db, 0, "w3", T(150), T(210), it, 8), 0);
	/* w1 renews one of its three: it holds that one longer. */
	ck_assert_int_eq(store_item_hold(db, it[0].id, "w1", T(300)),
	    STORE_HELD);
	/* The lease runs out: w3 takes the other two of w1 over. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w3", T(161), T(221), it + 1,
	    8), 2);
	/* w1 no longer holds them: what it says is refused. */
	ck_assert_int_eq(store_item_hold(db, it[1].id, "w1", T(400)),
	    STORE_LOST);
	ck_assert_int_eq(store_item_sent(db, it[1].id, "w1", NULL, T(162)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_item_fail(db, it[1].id, "w1", "x", 1, 0, T(162)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_item_defer(db, it[1].id, "w1", T(500), "x", 1,
	    0), STORE_NOTFOUND);
	ck_assert_int_eq(store_item_release(db, it[1].id, "w1", T(162)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL, T(162)), 0);
	ck_assert_int_eq(store_item_sent(db, it[1].id, "w3", NULL, T(162)), 0);
	ck_assert_int_eq(store_item_defer(db, it[2].id, "w3", T(500), "451 x",
	    1, 0), 0);
	/* The deferred item waits for its time. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w4", T(200), T(260), it, 8), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w4", T(500), T(560), it, 8), 1);
	ck_assert_int_eq(it[0].attempts, 1);
	ck_assert_int_eq(store_item_release(db, it[0].id, "w4", T(500)), 0);
	ck_assert_str_eq(q("SELECT count(*) FROM job_item WHERE state = "
	    "'deferred' AND attempts = 1"), "1");
	ck_assert_uint_eq(store_items_claim(db, 0, "w4", T(500), T(560), it, 8), 1);
	ck_assert_int_eq(store_item_fail(db, it[0].id, "w4", "550 no", 1, 0,
	    T(501)), 0);
	store_jobs_finish(db, T(600));
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "processing");	/* w2's item is out */
	ck_assert_uint_eq(store_items_claim(db, 0, "w5", T(600), T(660), it, 8), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w5", T(1001), T(1060), it, 8),
	    1);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w5", NULL, T(1002)), 0);
	store_jobs_finish(db, T(1100));
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "completed");
	ck_assert_int_eq(j.sent, 3);
	ck_assert_int_eq(j.failed, 1);
	ck_assert_int_eq(j.skipped, 1);
	ck_assert_int_eq(j.pending, 0);
	/* The failed one's quota is released, the others' kept. */
	ck_assert_int_eq(store_quota_used(db, org, month), 3);
}
END_TEST

START_TEST(cancel)
{
	struct store_item it[8];
	struct store_job j;

	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 2), 2);
	ck_assert_int_eq(store_job_cancel(db, org + 1, job, T(120)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_job_cancel(db, org, job, T(120)), 0);
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "cancelled");
	ck_assert_int_eq(j.cancelled, 2);
	ck_assert_int_eq(j.pending, 2);		/* the two held */
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(150), T(210), it + 2,
	    8), 0);
	/* Its holder finds out: one was on the wire and is sent, the other
	 * ends cancelled. */
	ck_assert_int_eq(store_item_hold(db, it[0].id, "w1", T(200)),
	    STORE_CANCELLED);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL, T(130)), 0);
	ck_assert_int_eq(store_item_cancel(db, it[1].id, "w1", T(130)), 0);
	ck_assert_int_eq(store_job_cancel(db, org, job, T(130)), STORE_EXISTS);
	ck_assert_int_eq(store_job_get(db, 0, job, &j), 0);
	ck_assert_int_eq(j.cancelled, 3);
	ck_assert_int_eq(j.sent, 1);
	ck_assert_int_eq(j.pending, 0);
	ck_assert_int_eq(store_quota_used(db, org, month), 1);
}
END_TEST

/* A claim left by a dead worker is cancelled with its job once its
 * lease has run out; and the operator (org 0) may cancel any job. */
START_TEST(cancel_dead_claims)
{
	struct store_item it[8];
	struct store_job j;

	ck_assert_uint_eq(store_items_claim(db, 0, "dead", T(100), T(160), it,
	    8), 4);
	issue(&it[0], "dead", "urn:uuid:00000000-0000-4000-8000-000000000001",
	    "", 0);
	ck_assert_int_eq(store_job_cancel(db, 0, job, T(170)), 0);
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_int_eq(j.cancelled, 4);
	ck_assert_int_eq(j.pending, 0);
	/* It was under way when its worker died: it may have left. */
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential"),
	    "not delivered: job cancelled");
}
END_TEST

/* The claim's gates are auth_may_issue's: for every combination of
 * approval, plan, signing key and status URL, the one claims exactly when
 * the other allows. */
START_TEST(gates_agree_with_auth)
{
	static const char *const plans[] = { "free", "professional",
	    "enterprise" };
	static const char *const urls[] = { "", "none", "https://x.example" };
	char err[AUTH_ERR_MAX];
	int approved, p, key, u;

	for (approved = 0; approved < 2; approved++)
	for (p = 0; p < 3; p++)
	for (key = 0; key < 2; key++)
	for (u = 0; u < 3; u++) {
		struct store_item it[4];
		struct store_org o;
		char slug[32], lease[48];
		long long id, b, jb;
		int may;

		snprintf(slug, sizeof slug, "o-%d-%d-%d-%d", approved, p, key,
		    u);
		ck_assert_int_eq(store_org_create(db, slug, slug, plans[p],
		    &id), 0);
		store_org_set_approved(db, id, approved);
		store_org_set(db, id, STORE_ORG_STATUS_URL, urls[u]);
		if (key)
			add_key(id);
		b = add_badge(id, "b");
		jb = add_job(id, b, 1, 0);
		ck_assert_int_eq(store_org_get(db, slug, &o), 0);
		may = auth_may_issue(db, &o, err) == 0;
		store_org_release(&o);
		snprintf(lease, sizeof lease, "w-%s", slug);
		ck_assert_int_eq(store_items_due(db, jb, T(10)), may);
		ck_assert_msg(store_items_claim(db, jb, lease, T(10), T(70), it,
		    4) == (size_t)may, "%s: auth says %d", slug, may);
	}
}
END_TEST

START_TEST(hold_sees_suspension)
{
	struct store_item it[8];

	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 8), 4);
	store_org_set_approved(db, org, 0);
	ck_assert_int_eq(store_item_hold(db, it[0].id, "w1", T(200)),
	    STORE_BLOCKED);
	/* Given back, it waits: not claimable while the gate is shut. */
	ck_assert_int_eq(store_item_release(db, it[0].id, "w1", T(110)), 0);
	ck_assert_int_eq(store_items_due(db, 0, T(300)), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(300), T(360), it, 8), 0);
	store_org_set_plan(db, org, "free");
	store_org_set_approved(db, org, 1);
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(300), T(360), it, 8), 0);
	store_org_set_plan(db, org, "enterprise");
	ck_assert_int_eq(store_items_due(db, 0, T(300)), 4);
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(300), T(360), it, 8), 4);
	ck_assert_int_eq(store_item_hold(db, it[0].id, "w2", T(400)),
	    STORE_HELD);
	/* A look says the same without renewing anything. */
	ck_assert_int_eq(store_item_check(db, it[1].id, "w2"), STORE_HELD);
	ck_assert_int_eq(store_item_check(db, it[1].id, "w1"), STORE_LOST);
	store_org_set_approved(db, org, 0);
	ck_assert_int_eq(store_item_check(db, it[1].id, "w2"), STORE_BLOCKED);
	store_org_set_approved(db, org, 1);
	ck_assert_int_eq(store_job_cancel(db, org, job, T(301)), 0);
	ck_assert_int_eq(store_item_check(db, it[1].id, "w2"),
	    STORE_CANCELLED);
	ck_assert_int_eq(atoll(q("SELECT due FROM job_item WHERE id = %lld",
	    it[1].id)), T(360));
}
END_TEST

/* Withdrawn only when it certainly never left; revoked otherwise, and the
 * knowledge that it may have left is never forgotten. */
START_TEST(accountability)
{
	static const char id1[] = "urn:uuid:00000000-0000-4000-8000-000000000001";
	static const char id2[] = "urn:uuid:00000000-0000-4000-8000-000000000002";
	static const char id3[] = "urn:uuid:00000000-0000-4000-8000-000000000003";
	static const char id4[] = "urn:uuid:00000000-0000-4000-8000-000000000004";
	struct store_item it[8];

	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 8), 4);
	issue(&it[0], "w1", id1, "", 0);
	{
		char pre[64] = "urn:uuid:00000000-0000-4000-8000-0000000000f2";

		ck_assert_int_eq(store_cred_import(db, org, badge,
		    it[1].email, "P", T(-100), T(10000), 0, "", pre), 0);
		issue(&it[1], "w1", id2, pre, 0);
	}
	issue(&it[2], "w1", id3, "", 0);
	issue(&it[3], "w1", id4, "", 0);
	/* 5xx to RCPT: nothing left the machine; withdrawn. */
	ck_assert_int_eq(store_item_fail(db, it[0].id, "w1", "550 no", 1, 0,
	    T(101)), 0);
	ck_assert_str_eq(q("SELECT count(*) FROM credential WHERE id = "
	    "'urn:uuid:00000000-0000-4000-8000-000000000001'"), "0");
	ck_assert_str_eq(q("SELECT coalesce(credential_id, '-') FROM job_item "
	    "WHERE row = 2"), "-");
	/* Lost after the end of DATA, then given up: revoked. */
	ck_assert_int_eq(store_item_fail(db, it[1].id, "w1", "gave up after 1 "
	    "attempts: connection lost", 1, 1, T(101)), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'urn:uuid:00000000-0000-4000-8000-000000000002'"),
	    "not delivered: gave up after 1 attempts: connection lost");
	ck_assert_str_eq(q("SELECT coalesce(supersedes, '-') FROM credential "
	    "WHERE id = 'urn:uuid:00000000-0000-4000-8000-000000000002'"),
	    "-");
	/* Lost after DATA once, then refused before DATA: still revoked. */
	ck_assert_int_eq(store_item_defer(db, it[2].id, "w1", T(100), "lost",
	    1, 1), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(100), T(160), it + 4,
	    8), 1);
	ck_assert_int_eq(store_item_fail(db, it[4].id, "w2", "550 gone", 1, 0,
	    T(101)), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'urn:uuid:00000000-0000-4000-8000-000000000003'"),
	    "not delivered: 550 gone");
	/* Under way when its worker died: the next claim treats it as one
	 * that may have left. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w3", T(161), T(220), it + 4,
	    8), 1);
	ck_assert_int_eq(store_item_fail(db, it[4].id, "w3", "550 gone", 1, 0,
	    T(162)), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'urn:uuid:00000000-0000-4000-8000-000000000004'"),
	    "not delivered: 550 gone");
	ck_assert_str_eq(q("SELECT count(*) FROM credential"), "4");
	ck_assert_str_eq(q("SELECT coalesce(revoked, 'active') FROM credential "
	    "WHERE id = 'urn:uuid:00000000-0000-4000-8000-0000000000f2'"),
	    "active");
	ck_assert_str_eq(q("PRAGMA foreign_key_check"), "");
}
END_TEST

/* The credential a renewal replaces stays active until the renewal is
 * delivered; an expired one is linked, not revoked. */
START_TEST(supersede_on_delivery)
{
	static const char old1[] = "urn:uuid:00000000-0000-4000-8000-0000000000a1";
	static const char old2[] = "urn:uuid:00000000-0000-4000-8000-0000000000a2";
	static const char new1[] = "urn:uuid:00000000-0000-4000-8000-0000000000b1";
	static const char new2[] = "urn:uuid:00000000-0000-4000-8000-0000000000b2";
	static const char new3[] = "urn:uuid:00000000-0000-4000-8000-0000000000b3";
	char id[64];
	struct store_item it[8];

	snprintf(id, sizeof id, "%s", old1);
	ck_assert_int_eq(store_cred_import(db, org, badge, "p1@example.org",
	    "P", T(-100), T(10000), 0, "", id), 0);
	snprintf(id, sizeof id, "%s", old2);
	ck_assert_int_eq(store_cred_import(db, org, badge, "p2@example.org",
	    "P", T(-100), T(-50), 0, "", id), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 8), 4);
	issue(&it[0], "w1", new1, old1, T(20000));
	issue(&it[1], "w1", new2, old2, T(20000));
	ck_assert_str_eq(q("SELECT count(*) FROM credential WHERE revoked "
	    "IS NOT NULL"), "0");
	ck_assert_int_eq(store_cred_held(db, org, badge, "p1@example.org",
	    T(100), id), 0);
	ck_assert_str_eq(id, new1);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL, T(101)), 0);
	ck_assert_int_eq(store_item_sent(db, it[1].id, "w1", NULL, T(101)), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'urn:uuid:00000000-0000-4000-8000-0000000000a1'"), "superseded");
	ck_assert_str_eq(q("SELECT coalesce(revoked, 'active') FROM credential "
	    "WHERE id = 'urn:uuid:00000000-0000-4000-8000-0000000000a2'"),
	    "active");
	/* A renewal never delivered leaves its predecessor alone. */
	snprintf(id, sizeof id, "urn:uuid:00000000-0000-4000-8000-0000000000a3");
	ck_assert_int_eq(store_cred_import(db, org, badge, "p3@example.org",
	    "P", T(-100), T(10000), 0, "", id), 0);
	issue(&it[2], "w1", new3, id, T(20000));
	ck_assert_int_eq(store_item_fail(db, it[2].id, "w1", "x", 1, 1, T(101)),
	    0);
	ck_assert_str_eq(q("SELECT coalesce(revoked, 'active') FROM credential "
	    "WHERE id = 'urn:uuid:00000000-0000-4000-8000-0000000000a3'"),
	    "active");
	ck_assert_int_eq(store_cred_held(db, org, badge, "p3@example.org",
	    T(100), id), 0);
	ck_assert_str_eq(id, "urn:uuid:00000000-0000-4000-8000-0000000000a3");
	ck_assert_int_eq(store_cred_held(db, org, badge, "p2@example.org",
	    T(100), id), 0);
	ck_assert_str_eq(id, new2);
	ck_assert_int_eq(store_cred_held(db, org, badge, "p4@example.org",
	    T(100), id), STORE_NOTFOUND);
}
END_TEST

/* A recipient counted by two items (two badges, one month) stays
 * counted when the one that counted them first fails. */
START_TEST(quota_held_per_item)
{
	long long b2 = add_badge(org, "b2");
	long long j2 = add_job(org, b2, 1, 0);
	struct store_item it[8];

	ck_assert_int_eq(store_quota_used(db, org, month), 4);
	ck_assert_int_eq(store_quota_counted(db, org, month,
	    "p1@example.org"), 1);
	ck_assert_uint_eq(store_items_claim(db, j2, "w1", T(100), T(160), it, 8),
	    1);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL, T(101)), 0);
	ck_assert_uint_eq(store_items_claim(db, job, "w1", T(100), T(160), it, 8),
	    4);
	ck_assert_int_eq(store_item_fail(db, it[0].id, "w1", "550", 1, 0,
	    T(101)), 0);
	ck_assert_int_eq(store_item_fail(db, it[1].id, "w1", "550", 1, 0,
	    T(101)), 0);
	ck_assert_int_eq(store_quota_counted(db, org, month,
	    "p1@example.org"), 1);
	ck_assert_int_eq(store_quota_counted(db, org, month,
	    "p2@example.org"), 0);
	ck_assert_int_eq(store_quota_used(db, org, month), 3);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *tc = tcase_create("jobs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, claim_uses_the_index);
	tcase_add_test(tc, leases);
	tcase_add_test(tc, cancel);
	tcase_add_test(tc, cancel_dead_claims);
	tcase_add_test(tc, gates_agree_with_auth);
	tcase_add_test(tc, hold_sees_suspension);
	tcase_add_test(tc, accountability);
	tcase_add_test(tc, supersede_on_delivery);
	tcase_add_test(tc, quota_held_per_item);
	suite_add_tcase(s, tc);
	return s;
}
