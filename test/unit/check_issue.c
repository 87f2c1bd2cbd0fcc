/*
 * check_issue.c: issuing one item's credential: each result stays its
 * own organization's and badge's however many organizations a batch
 * holds, the latest credential decides again at issue time, supersession
 * waits for delivery, a credential is made once per item, and a key that
 * cannot be unsealed makes the item wait.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credential.h"
#include "issue.h"
#include "json.h"
#include "sign.h"
#include "store.h"
#include "store_impl.h"
#include "unit.h"

#define NORGS 40

static char dir[] = "/tmp/check_issue.XXXXXX";
static char path[64], keypath[80];
static struct store *db;
static struct sign_master *master;
static struct issuer *is;
static long long t0;

struct org {
	long long id, badge[2];
	unsigned char pk[32];
	char slug[16], name[32];
};
static struct org orgs[NORGS];

static void
make_org(struct org *o, int i, int valid_days)
{
	unsigned char sealed[SIGN_SEALED_LEN];
	struct store_badge b = { 0 };
	char slug[16], name[32];
	int k;

	snprintf(o->slug, sizeof o->slug, "org%d", i);
	snprintf(o->name, sizeof o->name, "Organization %d", i);
	ck_assert_int_eq(store_org_create(db, o->slug, o->name, "professional",
	    &o->id), 0);
	store_org_set_approved(db, o->id, 1);
	store_org_set(db, o->id, STORE_ORG_STATUS_URL, "https://s.example/status");
	sign_keypair_new(master, o->pk, sealed);
	ck_assert_int_eq(store_key_add(db, o->id, o->pk, sealed, sizeof sealed,
	    NULL), 0);
	for (k = 0; k < 2; k++) {
		snprintf(slug, sizeof slug, "badge%d", k);
		snprintf(name, sizeof name, "Badge %d of %d", k, i);
		b.org_id = o->id;
		b.slug = slug, b.name = name;
		b.subject = (char *)"s", b.body = (char *)"b";
		b.description = b.criteria = (char *)"";
		b.valid_days = valid_days;
		ck_assert_int_eq(store_badge_create(db, &b, &o->badge[k]), 0);
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
	ck_assert_int_eq(sign_master_create(keypath, err), 0);
	ck_assert_int_eq(sign_master_load(keypath, &master, err), 0);
	db = store_open(path, STORE_CREATE);
	for (i = 0; i < NORGS; i++)
		make_org(&orgs[i], i, i == 0 ? 30 : -1);
	is = issuer_new(db, master);
	t0 = store_now(db);
}

static void
teardown(void)
{
	char cmd[128];

	issuer_free(is);
	store_close(db);
	sign_master_free(master);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Submit one item for email to badge k of o, of class cls naming prior,
 * and claim it into it. */
static void
submit(const struct org *o, int k, const char *email, const char *cls,
    const char *prior, struct store_item *it)
{
	long long job = store_job_create(db, o->id, o->badge[k], 0, 0,
	    store_now(db));

	store_job_add_item(db, job, 2, email, "Ada", cls, prior, "pending");
	ck_assert_uint_eq(store_items_claim(db, job, "w", t0 + 5, t0 + 600, it,
	    1), 1);
}

/* Parse and verify a signed document, and check it is o's and badge k's,
 * for email. */
static void
check_document(const struct buf *doc, const struct org *o, int k,
    const char *email)
{
	char why[CREDENTIAL_WHY_MAX], jwhy[JSON_WHY_MAX];
	char hash[CREDENTIAL_HASH_MAX], name[32];
	struct credential c;
	struct json *j = json_parse(doc->p, doc->len, jwhy);

	ck_assert_msg(j != NULL, "%s", jwhy);
	ck_assert_msg(credential_parse(&c, j, why) == 0, "%s", why);
	ck_assert_msg(credential_verify(&c, why) == 0, "%s", why);
	ck_assert_msg(memcmp(c.issuer_pk, o->pk, 32) == 0,
	    "%s: signed with another organization's key", o->slug);
	ck_assert_str_eq(c.issuer_name, o->name);
	snprintf(name, sizeof name, "Badge %d of %d", k, (int)(o - orgs));
	ck_assert_str_eq(c.achievement_name, name);
	credential_identity_hash(email, c.salt, hash);
	ck_assert_str_eq(c.identity_hash, hash);
	json_free(j);
}

/* A value the database gives, as text. */
#define q(...) unit_query(db, __VA_ARGS__)

/*
 * One batch over forty organizations and both their badges: every result
 * still names its own organization and badge when the batch is done, as
 * the worker reads them to build each mail.
 */
START_TEST(many_organizations)
{
	static struct issue_result r[NORGS * 2];
	struct store_item it;
	char email[32];
	int i, k;

	memset(r, 0, sizeof r);
	store_begin(db);
	for (i = 0; i < NORGS; i++)
		for (k = 0; k < 2; k++) {
			snprintf(email, sizeof email, "r%d@example.org", i % 3);
			submit(&orgs[i], k, email, "new", "", &it);
			issue_item(is, &it, "w", t0 + 5, &r[i * 2 + k]);
			ck_assert_int_eq(r[i * 2 + k].outcome, ISSUE_OK);
		}
	store_commit(db);
	for (i = 0; i < NORGS; i++)
		for (k = 0; k < 2; k++) {
			const struct issue_result *x = &r[i * 2 + k];
			char name[32];

			snprintf(email, sizeof email, "r%d@example.org", i % 3);
			ck_assert_str_eq(x->org->org.slug, orgs[i].slug);
			ck_assert_str_eq(x->org->org.name, orgs[i].name);
			ck_assert_int_eq(x->badge->badge.org_id, orgs[i].id);
			snprintf(name, sizeof name, "Badge %d of %d", k, i);
			ck_assert_str_eq(x->badge->badge.name, name);
			check_document(&x->document, &orgs[i], k, email);
			buf_release(&r[i * 2 + k].document);
		}
	/* After a reset the organizations are read again, as they are. */
	issuer_reset(is);
	store_begin(db);
	store_org_set_sender(db, orgs[3].id, "new@org3.example", "New");
	submit(&orgs[3], 0, "x@example.org", "new", "", &it);
	issue_item(is, &it, "w", t0 + 5, &r[0]);
	store_commit(db);
	ck_assert_str_eq(r[0].org->org.sender_email, "new@org3.example");
	buf_release(&r[0].document);
}
END_TEST

/* The latest credential decides again at issue time, and nothing is
 * revoked until a delivery. */
START_TEST(classes_at_issue)
{
	const struct org *o = &orgs[0];	/* badges valid 30 days */
	struct issue_result r = { 0 };
	struct store_item it;
	char old[64] = "", rev[64] = "", id[64];

	store_begin(db);
	/* Active and time-bound: superseded, but only on delivery. */
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[0],
	    "a@example.org", "A", t0 - 100, t0 + 1000, 0, "", old), 0);
	submit(o, 0, "a@example.org", "active-timebound", old, &it);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_OK);
	ck_assert_str_eq(r.reason, "");
	ck_assert_str_eq(q("SELECT supersedes FROM credential WHERE id = '%s'",
	    r.credential_id), old);
	ck_assert_str_eq(q("SELECT coalesce(revoked, 'active') FROM credential "
	    "WHERE id = '%s'", old), "active");
	ck_assert_int_eq(store_item_sent(db, it.id, "w", NULL, t0 + 6), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'%s'", old), "superseded");

	/* Submitted as new, expired since: issued as a renewal, with a note. */
	old[0] = '\0';
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[0],
	    "b@example.org", "B", t0 - 100, t0 - 10, 0, "", old), 0);
	submit(o, 0, "b@example.org", "new", "", &it);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_OK);
	ck_assert_str_eq(r.reason, "issued as expired: it was new when "
	    "submitted");
	ck_assert_str_eq(q("SELECT supersedes FROM credential WHERE id = '%s'",
	    r.credential_id), old);

	/* The item has its credential already (its worker died): the same
	 * one again, nothing new. */
	snprintf(id, sizeof id, "%s", r.credential_id);
	ck_assert_uint_eq(store_items_claim(db, 0, "w2", t0 + 700, t0 + 900, &it,
	    1), 1);
	ck_assert_str_eq(it.credential_id, id);
	issue_item(is, &it, "w2", t0 + 700, &r);
	ck_assert_int_eq(r.outcome, ISSUE_OK);
	ck_assert_str_eq(r.credential_id, id);
	ck_assert_str_eq(q("SELECT count(*) FROM credential WHERE email = '%s'",
	    "b@example.org"), "2");
	/* ... unless it was revoked meanwhile: then it is not sent. */
	ck_assert_int_eq(store_cred_revoke(db, 0, id, "by hand"), 0);
	issue_item(is, &it, "w2", t0 + 700, &r);
	ck_assert_int_eq(r.outcome, ISSUE_FAIL);
	ck_assert_msg(strstr(r.reason, "revoked before it was delivered: by "
	    "hand"), "%s", r.reason);

	/* Issued to the recipient after the job was submitted: skipped. */
	submit(o, 1, "c@example.org", "new", "", &it);
	it.submitted = t0 - 50;
	id[0] = '\0';
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[1],
	    "c@example.org", "C", t0 - 10, t0 + 1000, 0, "", id), 0);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_SKIP);
	ck_assert_msg(strstr(r.reason, "after this job was submitted"), "%s",
	    r.reason);

	/* A renewal never delivered, revoked "not delivered", left its
	 * predecessor active: the fresh one replaces that predecessor. */
	old[0] = rev[0] = '\0';
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[1],
	    "d@example.org", "D", t0 - 200, t0 + 1000, 0, "", old), 0);
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[1],
	    "d@example.org", "D", t0 - 100, t0 + 1000, t0 - 50,
	    "not delivered: gave up", rev), 0);
	submit(o, 1, "d@example.org", "revoked", rev, &it);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_OK);
	ck_assert_str_eq(q("SELECT supersedes FROM credential WHERE id = '%s'",
	    r.credential_id), old);
	ck_assert_int_eq(store_item_sent(db, it.id, "w", NULL, t0 + 6), 0);
	ck_assert_str_eq(q("SELECT revoke_reason FROM credential WHERE id = "
	    "'%s'", old), "superseded");
	store_commit(db);
	buf_release(&r.document);
}
END_TEST

/* A badge that never expires: an active credential is skipped. */
START_TEST(nonexpiring_skipped)
{
	const struct org *o = &orgs[1];
	struct issue_result r = { 0 };
	struct store_item it;
	char id[64] = "";

	store_begin(db);
	ck_assert_int_eq(store_cred_import(db, o->id, o->badge[0],
	    "e@example.org", "E", t0 - 100, 0, 0, "", id), 0);
	submit(o, 0, "e@example.org", "new", "", &it);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_SKIP);
	ck_assert_msg(strstr(r.reason, "does not expire"), "%s", r.reason);
	store_commit(db);
	buf_release(&r.document);
}
END_TEST

/* A signing key the master key cannot open: the item waits, nothing is
 * issued. */
START_TEST(unsealable_key_waits)
{
	static const char sql[] = "UPDATE signing_key SET sealed_secret = "
	    "zeroblob(72) WHERE org_id = ?";
	const struct org *o = &orgs[2];
	struct issue_result r = { 0 };
	struct store_item it;
	struct store_stmt *st;

	st = store_prepare(db, sql);
	store_bind_int(st, 1, o->id);
	ck_assert_int_eq(store_exec(db, st), 1);
	store_finalize(st);
	store_begin(db);
	submit(o, 0, "f@example.org", "new", "", &it);
	issue_item(is, &it, "w", t0 + 5, &r);
	ck_assert_int_eq(r.outcome, ISSUE_WAIT);
	ck_assert_msg(r.reason[0], "no reason");
	ck_assert_str_eq(q("SELECT count(*) FROM credential WHERE email = '%s'",
	    "f@example.org"), "0");
	store_commit(db);
	buf_release(&r.document);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("issue");
	TCase *tc = tcase_create("issue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, many_organizations);
	tcase_add_test(tc, classes_at_issue);
	tcase_add_test(tc, nonexpiring_skipped);
	tcase_add_test(tc, unsealable_key_waits);
	suite_add_tcase(s, tc);
	return s;
}
