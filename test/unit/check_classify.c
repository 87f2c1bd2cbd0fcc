/*
 * check_classify.c: the table of recipient-check(1) from the database's
 * side: each recipient's latest credential decides, a recipient waiting
 * in an open job is not classified again, records edited by hand are
 * checked again, and the quota is counted in row order, a recipient once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "record.h"
#include "store.h"
#include "unit.h"

static char dir[] = "/tmp/check_classify.XXXXXX";
static char path[64];
static struct store *db;
static struct store_org org;
static long long badge, other, now;

static long long
add_badge(const char *slug)
{
	struct store_badge b = { 0 };
	long long id;

	b.org_id = org.id;
	b.slug = (char *)slug, b.name = (char *)"B";
	b.subject = (char *)"s", b.body = (char *)"b";
	b.description = b.criteria = (char *)"";
	b.valid_days = 30;
	ck_assert_int_eq(store_badge_create(db, &b, &id), 0);
	return id;
}

static void
import(long long b, const char *email, long long issued, long long expires,
    long long revoked, const char *id)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%s", id);
	ck_assert_int_eq(store_cred_import(db, org.id, b, email, "N", issued,
	    expires, revoked, "by hand", buf), 0);
}

static void
setup(void)
{
	long long id;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	db = store_open(path, STORE_CREATE);
	ck_assert_int_eq(store_org_create(db, "acme", "Acme", "professional",
	    &id), 0);
	ck_assert_int_eq(store_org_get_id(db, id, &org), 0);
	badge = add_badge("b");
	other = add_badge("other");
	now = store_now(db);
}

static void
teardown(void)
{
	char cmd[128];

	store_org_release(&org);
	store_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Classify one record; the result's detail is copied into detail. */
static enum record_status
one(struct classify *c, unsigned long row, enum record_status in,
    const char *email, char detail[256], char prior[64])
{
	struct record r = { row, in, email, "Ada", in == RECORD_INVALID ?
	    "bad row" : "" };
	struct classify_result res;

	classify_one(c, &r, &res);
	snprintf(detail, 256, "%s", res.detail);
	if (prior)
		snprintf(prior, 64, "%s", res.prior);
	ck_assert_int_eq(res.issuable, res.status == RECORD_NEW ||
	    res.status == RECORD_EXPIRED || res.status ==
	    RECORD_ACTIVE_TIMEBOUND || res.status == RECORD_REVOKED);
	return res.status;
}

#define ID(n) "urn:uuid:00000000-0000-4000-8000-00000000000" #n

/* The table itself, on its own: its order (revoked before expiry) and
 * its one boundary (an expiry at now is past). */
START_TEST(latest_table)
{
	struct store_latest l = { .issued = 100 };

	ck_assert_int_eq(classify_latest(NULL, 1000), RECORD_NEW);
	ck_assert_int_eq(classify_latest(&l, 1000),
	    RECORD_ACTIVE_NONEXPIRING);
	l.expires = 1000;
	ck_assert_int_eq(classify_latest(&l, 1000), RECORD_EXPIRED);
	ck_assert_int_eq(classify_latest(&l, 999), RECORD_ACTIVE_TIMEBOUND);
	l.revoked = 500;
	ck_assert_int_eq(classify_latest(&l, 999), RECORD_REVOKED);
	ck_assert_int_eq(classify_latest(&l, 2000), RECORD_REVOKED);
	l.expires = 0;
	ck_assert_int_eq(classify_latest(&l, 2000), RECORD_REVOKED);
}
END_TEST

START_TEST(latest_decides)
{
	const struct classify_totals *t;
	struct classify *c;
	char d[256], p[64];

	import(badge, "exp@example.org", now - 900, now - 100, 0, ID(1));
	import(badge, "act@example.org", now - 900, now + 900, 0, ID(2));
	import(badge, "rev@example.org", now - 900, now + 900, now - 50, ID(3));
	/* Never expiring: a credential without expiry. */
	import(badge, "for@example.org", now - 900, 0, 0, ID(4));
	/* Two credentials: the later one decides. */
	import(badge, "two@example.org", now - 900, 0, 0, ID(5));
	import(badge, "two@example.org", now - 800, now + 900, now - 10,
	    ID(6));
	/* Two in one second: the one recorded last decides. */
	import(badge, "tie@example.org", now - 700, now + 900, now - 10,
	    ID(8));
	import(badge, "tie@example.org", now - 700, now + 900, 0,
	    "urn:uuid:00000000-0000-4000-8000-000000000000");
	/* Another badge's credential does not count. */
	import(other, "new@example.org", now - 900, 0, 0, ID(7));

	c = classify_new(db, &org, badge, now);
	ck_assert_int_eq(one(c, 2, RECORD_VALID, "new@example.org", d, p),
	    RECORD_NEW);
	ck_assert_str_eq(d, "");
	ck_assert_str_eq(p, "");
	ck_assert_int_eq(one(c, 3, RECORD_VALID, "exp@example.org", d, p),
	    RECORD_EXPIRED);
	ck_assert_str_eq(p, ID(1));
	ck_assert_msg(strstr(d, ID(1)) && strstr(d, "expired"), "%s", d);
	ck_assert_int_eq(one(c, 4, RECORD_VALID, "act@example.org", d, p),
	    RECORD_ACTIVE_TIMEBOUND);
	ck_assert_msg(strstr(d, "expires"), "%s", d);
	ck_assert_int_eq(one(c, 5, RECORD_VALID, "rev@example.org", d, p),
	    RECORD_REVOKED);
	ck_assert_msg(strstr(d, "revoked") && strstr(d, "by hand"), "%s", d);
	ck_assert_int_eq(one(c, 6, RECORD_VALID, "for@example.org", d, p),
	    RECORD_ACTIVE_NONEXPIRING);
	ck_assert_msg(strstr(d, "does not expire"), "%s", d);
	ck_assert_int_eq(one(c, 7, RECORD_VALID, "two@example.org", d, p),
	    RECORD_REVOKED);
	ck_assert_str_eq(p, ID(6));
	ck_assert_int_eq(one(c, 8, RECORD_VALID, "tie@example.org", d, p),
	    RECORD_ACTIVE_TIMEBOUND);
	ck_assert_str_eq(p, "urn:uuid:00000000-0000-4000-8000-000000000000");
	ck_assert_int_eq(one(c, 9, RECORD_INVALID, "bad@", d, NULL),
	    RECORD_INVALID);
	ck_assert_str_eq(d, "bad row");
	t = classify_totals(c);
	ck_assert_uint_eq(t->rows, 8);
	ck_assert_uint_eq(t->issuable, 6);
	ck_assert_uint_eq(t->renewals, 3);
	ck_assert_uint_eq(t->skipped, 1);
	ck_assert_uint_eq(t->invalid, 1);
	ck_assert_int_eq(t->cost, 6);
	classify_free(c);
}
END_TEST

/* A stream edited by hand is checked again; a recipient already waiting
 * in a job of the badge is not issued twice. */
START_TEST(checked_again)
{
	struct classify *c;
	long long job;
	char d[256];

	job = store_job_create(db, org.id, badge, 0, 0, store_now(db));
	store_job_add_item(db, job, 2, "wait@example.org", "W", "new", "",
	    "pending");
	c = classify_new(db, &org, badge, now);
	ck_assert_int_eq(one(c, 2, RECORD_VALID, "Upper@example.org", d, NULL),
	    RECORD_INVALID);
	ck_assert_str_eq(d, "email not in lowercase");
	ck_assert_int_eq(one(c, 3, RECORD_VALID, "a@b", d, NULL),
	    RECORD_INVALID);
	ck_assert_int_eq(one(c, 4, RECORD_VALID, "ok@example.org", d, NULL),
	    RECORD_NEW);
	ck_assert_int_eq(one(c, 5, RECORD_VALID, "ok@example.org", d, NULL),
	    RECORD_INVALID);
	ck_assert_str_eq(d, "duplicate of row 4");
	ck_assert_int_eq(one(c, 6, RECORD_VALID, "wait@example.org", d, NULL),
	    RECORD_INVALID);
	snprintf(d + 128, 64, "waiting in job %lld already", job);
	ck_assert_str_eq(d, d + 128);
	classify_free(c);
	/* Another badge's open job does not hold the recipient back. */
	c = classify_new(db, &org, other, now);
	ck_assert_int_eq(one(c, 2, RECORD_VALID, "wait@example.org", d, NULL),
	    RECORD_NEW);
	classify_free(c);
}
END_TEST

/* Quota 4, one recipient counted this month already: it costs nothing;
 * new ones are counted in row order until the headroom is gone. */
START_TEST(quota_in_row_order)
{
	const struct classify_totals *t;
	struct classify *c;
	long long job;
	char d[256];

	store_org_set_quota(db, org.id, 4);
	store_org_release(&org);
	ck_assert_int_eq(store_org_get(db, "acme", &org), 0);
	job = store_job_create(db, org.id, other, 0, 0, store_now(db));
	/* Its pending item holds its place. */
	store_job_add_item(db, job, 2, "old@example.org", "O", "new", "",
	    "pending");
	c = classify_new(db, &org, badge, now);
	ck_assert_int_eq(classify_totals(c)->used, 1);
	ck_assert_int_eq(one(c, 2, RECORD_VALID, "a@example.org", d, NULL),
	    RECORD_NEW);
	ck_assert_int_eq(one(c, 3, RECORD_VALID, "b@example.org", d, NULL),
	    RECORD_NEW);
	ck_assert_int_eq(one(c, 4, RECORD_VALID, "c@example.org", d, NULL),
	    RECORD_NEW);
	ck_assert_int_eq(one(c, 5, RECORD_VALID, "d@example.org", d, NULL),
	    RECORD_INVALID);
	ck_assert_str_eq(d, "over monthly quota (4 of 4 used)");
	/* Counted already: passes although the quota is full. */
	ck_assert_int_eq(one(c, 6, RECORD_VALID, "old@example.org", d, NULL),
	    RECORD_NEW);
	t = classify_totals(c);
	ck_assert_int_eq(t->used, 4);
	ck_assert_int_eq(t->cost, 3);
	ck_assert_int_eq(t->quota, 4);
	ck_assert_uint_eq(t->issuable, 4);
	ck_assert_uint_eq(t->invalid, 1);
	classify_free(c);
}
END_TEST

/* Looked up ahead (classify_lookup) or one by one, every record comes
 * out the same: the latest decides, ties by the order recorded, a
 * waiting or counted recipient, duplicates and bad emails. */
START_TEST(lookup_agrees)
{
	static const char *const emails[] = { "new@example.org",
		"exp@example.org", "two@example.org", "tie@example.org",
		"wait@example.org", "old@example.org", "Upper@example.org",
		"a@b", "exp@example.org", "q{'}?@example.org", "" };
	const size_t n = sizeof emails / sizeof *emails;
	struct record rec[sizeof emails / sizeof *emails];
	struct classify *c[2];
	long long job;
	size_t i;

	import(badge, "exp@example.org", now - 900, now - 100, 0, ID(1));
	import(badge, "two@example.org", now - 900, 0, 0, ID(5));
	import(badge, "two@example.org", now - 800, now + 900, now - 10,
	    ID(6));
	import(badge, "tie@example.org", now - 700, now + 900, now - 10,
	    ID(8));
	import(badge, "tie@example.org", now - 700, now + 900, 0, ID(9));
	import(badge, "q{'}?@example.org", now - 700, 0, 0, ID(2));
	import(other, "new@example.org", now - 900, 0, 0, ID(7));
	job = store_job_create(db, org.id, badge, 0, 0, store_now(db));
	store_job_add_item(db, job, 2, "wait@example.org", "W", "new", "",
	    "pending");
	store_job_add_item(db, job, 3, "old@example.org", "O", "new", "",
	    "pending");
	c[0] = classify_new(db, &org, badge, now);
	c[1] = classify_new(db, &org, badge, now);
	for (i = 0; i < n; i++) {
		struct record r = { i + 2, RECORD_VALID, emails[i], "Ada", "" };

		rec[i] = r;
	}
	classify_lookup(c[1], rec, n);
	for (i = 0; i < n; i++) {
		char d[2][256], p[2][64];
		enum record_status st[2];
		int k;

		for (k = 0; k < 2; k++)
			st[k] = one(c[k], i + 2, RECORD_VALID, emails[i], d[k],
			    p[k]);
		ck_assert_int_eq(st[1], st[0]);
		ck_assert_str_eq(d[1], d[0]);
		ck_assert_str_eq(p[1], p[0]);
	}
	ck_assert_int_eq(classify_totals(c[1])->cost,
	    classify_totals(c[0])->cost);
	ck_assert_int_eq(classify_totals(c[0])->cost, 4);
	classify_free(c[0]);
	classify_free(c[1]);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("classify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, latest_table);
	tcase_add_test(tc, latest_decides);
	tcase_add_test(tc, checked_again);
	tcase_add_test(tc, quota_in_row_order);
	tcase_add_test(tc, lookup_agrees);
	suite_add_tcase(s, tc);
	return s;
}
