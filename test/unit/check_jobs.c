/*
 * check_jobs.c: the work queue: its claim walks an index, leases keep
 * workers apart, and items end as the worker says.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_impl.h"
#include "unit.h"

static char dir[] = "/tmp/check_jobs.XXXXXX";
static char path[64];
static struct store *db;
static long long org, badge, job, t0;

/* A time n seconds after the items were submitted. */
#define T(n) (t0 + (n))

static void
setup(void)
{
	struct store_badge b = { 0 };
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	db = store_open(path, STORE_CREATE);
	ck_assert_int_eq(store_org_create(db, "acme", "Acme", "professional",
	    &org), 0);
	b.org_id = org;
	b.slug = (char *)"b", b.name = (char *)"B";
	b.subject = (char *)"s", b.body = (char *)"b";
	b.description = b.criteria = (char *)"";
	b.valid_days = -1;
	ck_assert_int_eq(store_badge_create(db, &b, &badge), 0);
	job = store_job_create(db, org, badge, 0);
	t0 = store_now();
	for (i = 1; i <= 5; i++) {
		char email[32];
		long long item;

		snprintf(email, sizeof email, "p%d@example.org", i);
		item = store_job_add_item(db, job, (unsigned long)i + 1, email,
		    "P", "new", "", i == 5 ? "skipped" : "pending");
		store_quota_reserve(db, org, "2026-11", email, item);
	}
}

static void
teardown(void)
{
	char cmd[128];

	store_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(claim_uses_the_index)
{
	struct buf sql = BUF_INIT, plan = BUF_INIT;
	sqlite3_stmt *st;
	sqlite3 *raw;

	ck_assert_int_eq(sqlite3_open(path, &raw), SQLITE_OK);
	buf_printf(&sql, "EXPLAIN QUERY PLAN %s", store_claim_sql);
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
	/* A second worker gets only the one left. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(100), T(1000),
	    it + 3, 8), 1);
	ck_assert_uint_eq(store_items_claim(db, 0, "w3", T(150), T(210), it, 8), 0);
	/* The lease runs out: w3 takes w1's three over. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w3", T(161), T(221), it, 8), 3);
	/* w1 no longer holds them: what it says is refused. */
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w3", NULL), 0);
	ck_assert_int_eq(store_item_defer(db, it[1].id, "w3", T(500), "451 x",
	    1), 0);
	ck_assert_int_eq(store_item_release(db, it[2].id, "w3", T(161)), 0);
	/* The deferred item waits for its time; the released one is due. */
	ck_assert_uint_eq(store_items_claim(db, 0, "w4", T(200), T(260), it, 8), 1);
	ck_assert_int_eq(store_item_fail(db, it[0].id, "w4", "550 no", 1), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w4", T(500), T(560), it, 8), 1);
	ck_assert_int_eq(it[0].attempts, 1);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w4", NULL), 0);
	store_jobs_finish(db, T(600));
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "processing");	/* w2's item is out */
	ck_assert_uint_eq(store_items_claim(db, 0, "w5", T(600), T(660), it, 8), 0);
	ck_assert_uint_eq(store_items_claim(db, 0, "w5", T(1001), T(1060), it, 8),
	    1);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w5", NULL), 0);
	store_jobs_finish(db, T(1100));
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "completed");
	ck_assert_int_eq(j.sent, 3);
	ck_assert_int_eq(j.failed, 1);
	ck_assert_int_eq(j.skipped, 1);
	ck_assert_int_eq(j.pending, 0);
	/* The failed one's quota is released, the others' kept. */
	ck_assert_int_eq(store_quota_used(db, org, "2026-11"), 4);
}
END_TEST

START_TEST(cancel)
{
	struct store_item it[8];
	struct store_job j;

	ck_assert_uint_eq(store_items_claim(db, 0, "w1", T(100), T(160), it, 1), 1);
	ck_assert_int_eq(store_job_cancel(db, org + 1, job, T(120)),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_job_cancel(db, org, job, T(120)), 0);
	ck_assert_int_eq(store_job_get(db, org, job, &j), 0);
	ck_assert_str_eq(j.status, "cancelled");
	ck_assert_int_eq(j.cancelled, 3);
	ck_assert_int_eq(j.pending, 1);		/* the one in flight */
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", T(150), T(210), it + 1, 8),
	    0);
	ck_assert_int_eq(store_item_sent(db, it[0].id, "w1", NULL), 0);
	ck_assert_int_eq(store_job_cancel(db, org, job, T(130)), STORE_EXISTS);
	ck_assert_int_eq(store_quota_used(db, org, "2026-11"), 2);
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
	suite_add_tcase(s, tc);
	return s;
}
