/*
 * store_job.c: what bulk submission writes: jobs and their items, quota
 * reservations, and the API keys' rate buckets.  The contract is in
 * store.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_impl.h"

long long
store_job_open_for(struct store *s, long long org_id, long long badge_id,
    const char *email)
{
	static const char sql[] = "SELECT j.id FROM job_item i "
	    "JOIN job j ON j.id = i.job_id WHERE i.email = ? "
	    "AND i.due IS NOT NULL AND j.org_id = ? AND j.badge_id = ? "
	    "LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);
	long long job = 0;

	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_int64(st, 3, badge_id);
	if (store_row(s, st))
		job = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return job;
}

long long
store_quota_used(struct store *s, long long org_id, const char *month)
{
	static const char sql[] = "SELECT count(*) FROM quota_use "
	    "WHERE org_id = ? AND month = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	long long n;

	sqlite3_bind_int64(st, 1, org_id);
	store_bind_text(st, 2, month);
	store_row(s, st);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

int
store_quota_counted(struct store *s, long long org_id, const char *month,
    const char *email)
{
	static const char sql[] = "SELECT 1 FROM quota_use "
	    "WHERE org_id = ? AND month = ? AND email = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	int found;

	sqlite3_bind_int64(st, 1, org_id);
	store_bind_text(st, 2, month);
	sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
	found = store_row(s, st);
	sqlite3_reset(st);
	return found;
}

void
store_quota_reserve(struct store *s, long long org_id, const char *month,
    const char *email, long long item_id)
{
	static const char sql[] = "INSERT OR IGNORE INTO quota_use "
	    "(org_id, month, email, job_item_id) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, org_id);
	store_bind_text(st, 2, month);
	store_bind_text(st, 3, email);
	sqlite3_bind_int64(st, 4, item_id);
	store_exec(s, st);
}

int
store_apikey_take(struct store *s, long long key_id, long long rate,
    long long now, long long *wait)
{
	static const char get[] = "SELECT tokens, tokens_at FROM api_key "
	    "WHERE id = ?";
	static const char put[] = "UPDATE api_key SET tokens = ?, "
	    "tokens_at = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, get);
	double tokens = (double)rate;

	if (rate <= 0) {
		*wait = -1;
		return 1;
	}
	sqlite3_bind_int64(st, 1, key_id);
	if (store_row(s, st) && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		double elapsed = (double)(now - sqlite3_column_int64(st, 1));

		tokens = sqlite3_column_double(st, 0);
		if (elapsed > 0)
			tokens += elapsed * (double)rate / 3600.0;
		if (tokens > (double)rate)
			tokens = (double)rate;
	}
	sqlite3_reset(st);
	if (tokens < 1.0) {
		*wait = (long long)ceil((1.0 - tokens) * 3600.0 /
		    (double)rate);
		return 1;
	}
	st = store_stmt(s, put);
	sqlite3_bind_double(st, 1, tokens - 1.0);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, key_id);
	store_exec(s, st);
	return 0;
}

long long
store_job_create(struct store *s, long long org_id, long long badge_id,
    long long key_id)
{
	static const char sql[] = "INSERT INTO job (org_id, badge_id, "
	    "api_key_id, created) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, badge_id);
	store_bind_int_or_null(st, 3, key_id, 0);
	sqlite3_bind_int64(st, 4, store_now());
	store_exec(s, st);
	return sqlite3_last_insert_rowid(s->db);
}

long long
store_job_add_item(struct store *s, long long job_id, unsigned long row,
    const char *email, const char *name, const char *class,
    const char *prior, const char *state)
{
	static const char sql[] = "INSERT INTO job_item (job_id, row, email, "
	    "name, class, prior, state, due) VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "CASE WHEN ?7 = 'pending' THEN ?8 END)";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, (long long)row);
	store_bind_text(st, 3, email);
	store_bind_text(st, 4, name);
	store_bind_text(st, 5, class);
	if (prior && *prior)
		store_bind_text(st, 6, prior);
	store_bind_text(st, 7, state);
	sqlite3_bind_int64(st, 8, store_now());
	store_exec(s, st);
	return sqlite3_last_insert_rowid(s->db);
}

/* The inner SELECT walks job_item_due from the oldest due time; UPDATE ...
 * RETURNING hands the claimed rows back in one step. */
const char store_claim_sql[] =
    "UPDATE job_item SET state = 'claimed', lease = ?1, due = ?2 "
    "WHERE id IN (SELECT id FROM job_item WHERE due IS NOT NULL "
    "AND due <= ?3 AND (?4 = 0 OR job_id = ?4) ORDER BY due LIMIT ?5) "
    "RETURNING id, job_id, row, attempts, email, name, class, "
    "coalesce(prior, ''), coalesce(credential_id, '')";

size_t
store_items_claim(struct store *s, long long job_id, const char *lease,
    long long now, long long until, struct store_item *items, size_t n)
{
	static const char job[] = "SELECT org_id, badge_id, created "
	    "FROM job WHERE id = ?";
	static const char start[] = "UPDATE job SET status = 'processing', "
	    "started = ?2 WHERE id = ?1 AND status = 'pending'";
	sqlite3_stmt *st = store_stmt(s, store_claim_sql);
	size_t got = 0, i;

	sqlite3_bind_text(st, 1, lease, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, job_id);
	sqlite3_bind_int64(st, 5, (long long)n);
	while (got < n && store_row(s, st)) {
		struct store_item *it = &items[got++];

		memset(it, 0, sizeof *it);
		it->id = sqlite3_column_int64(st, 0);
		it->job_id = sqlite3_column_int64(st, 1);
		it->row = (unsigned long)sqlite3_column_int64(st, 2);
		it->attempts = sqlite3_column_int(st, 3);
		snprintf(it->email, sizeof it->email, "%s",
		    store_col_text(st, 4));
		snprintf(it->name, sizeof it->name, "%s",
		    store_col_text(st, 5));
		snprintf(it->class, sizeof it->class, "%s",
		    store_col_text(st, 6));
		snprintf(it->prior, sizeof it->prior, "%s",
		    store_col_text(st, 7));
		snprintf(it->credential_id, sizeof it->credential_id, "%s",
		    store_col_text(st, 8));
	}
	sqlite3_reset(st);
	for (i = 0; i < got; i++) {
		struct store_item *it = &items[i];

		st = store_stmt(s, job);
		sqlite3_bind_int64(st, 1, it->job_id);
		if (store_row(s, st)) {
			it->org_id = sqlite3_column_int64(st, 0);
			it->badge_id = sqlite3_column_int64(st, 1);
			it->submitted = sqlite3_column_int64(st, 2);
		}
		sqlite3_reset(st);
		st = store_stmt(s, start);
		sqlite3_bind_int64(st, 1, it->job_id);
		sqlite3_bind_int64(st, 2, now);
		store_exec(s, st);
	}
	return got;
}

long long
store_items_due(struct store *s, long long job_id, long long now)
{
	static const char sql[] = "SELECT count(*) FROM job_item "
	    "WHERE due IS NOT NULL AND due <= ?1 AND (?2 = 0 OR job_id = ?2)";
	sqlite3_stmt *st = store_stmt(s, sql);
	long long n;

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, job_id);
	store_row(s, st);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Run an item update that names (item, lease) as ?1, ?2. */
static int
item_update(struct store *s, const char *sql, long long item_id,
    const char *lease, const char *text, long long t)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_text(st, 2, lease, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

int
store_item_issued(struct store *s, long long item_id, const char *lease,
    const char *credential_id)
{
	static const char sql[] = "UPDATE job_item SET credential_id = ?3 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return item_update(s, sql, item_id, lease, credential_id, 0);
}

int
store_item_sent(struct store *s, long long item_id, const char *lease,
    const char *reply)
{
	static const char sql[] = "UPDATE job_item SET state = 'sent', "
	    "due = NULL, lease = NULL, reason = ?3, attempts = attempts + 1 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return item_update(s, sql, item_id, lease, reply, 0);
}

int
store_item_defer(struct store *s, long long item_id, const char *lease,
    long long due, const char *reply, int counted)
{
	static const char sql[] = "UPDATE job_item SET state = 'deferred', "
	    "due = ?4, lease = NULL, reason = ?3, attempts = attempts + ?5 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_text(st, 2, lease, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reply, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, due);
	sqlite3_bind_int(st, 5, counted != 0);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

/* Finish an item without a delivery, releasing its quota. */
static int
item_end(struct store *s, const char *sql, long long item_id,
    const char *lease, const char *reason, long long t)
{
	static const char release[] = "DELETE FROM quota_use "
	    "WHERE job_item_id = ?";
	sqlite3_stmt *st;

	if (item_update(s, sql, item_id, lease, reason, t) != 0)
		return STORE_NOTFOUND;
	st = store_stmt(s, release);
	sqlite3_bind_int64(st, 1, item_id);
	store_exec(s, st);
	return 0;
}

int
store_item_fail(struct store *s, long long item_id, const char *lease,
    const char *reason, int counted)
{
	/* A credential whose mail never arrived is withdrawn, as if it had
	 * not been issued, and the one it superseded is reinstated: a
	 * later submission then classifies the recipient as before. */
	static const char find[] = "SELECT credential_id FROM job_item "
	    "WHERE id = ?1 AND lease = ?2 AND credential_id IS NOT NULL";
	static const char reinstate[] = "UPDATE credential SET revoked = NULL, "
	    "revoke_reason = NULL WHERE revoke_reason = 'superseded' AND id = "
	    "(SELECT supersedes FROM credential WHERE id = ?1)";
	static const char unlink[] = "UPDATE credential SET supersedes = NULL "
	    "WHERE supersedes = ?1";
	static const char withdraw[] = "DELETE FROM credential WHERE id = ?1";
	static const char sql[] = "UPDATE job_item SET state = 'failed', "
	    "due = NULL, lease = NULL, reason = ?3, credential_id = NULL, "
	    "attempts = attempts + ?4 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";
	static const char *const steps[] = { reinstate, unlink, withdraw };
	sqlite3_stmt *st = store_stmt(s, find);
	char cred[64] = "";
	size_t i;
	int rc;

	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_text(st, 2, lease, -1, SQLITE_STATIC);
	if (store_row(s, st)) {
		snprintf(cred, sizeof cred, "%s", store_col_text(st, 0));
		sqlite3_reset(st);
	}
	if ((rc = item_end(s, sql, item_id, lease, reason, counted != 0)) != 0 ||
	    !cred[0])
		return rc;
	for (i = 0; i < 3; i++) {
		st = store_stmt(s, steps[i]);
		sqlite3_bind_text(st, 1, cred, -1, SQLITE_STATIC);
		store_exec(s, st);
	}
	return 0;
}

int
store_item_skip(struct store *s, long long item_id, const char *lease,
    const char *reason)
{
	static const char sql[] = "UPDATE job_item SET state = 'skipped', "
	    "due = NULL, lease = NULL, reason = ?3 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return item_end(s, sql, item_id, lease, reason, 0);
}

int
store_item_release(struct store *s, long long item_id, const char *lease,
    long long now)
{
	static const char sql[] = "UPDATE job_item SET state = CASE "
	    "WHEN attempts > 0 THEN 'deferred' ELSE 'pending' END, "
	    "due = ?4, lease = NULL WHERE id = ?1 AND lease = ?2 "
	    "AND state = 'claimed'";

	return item_update(s, sql, item_id, lease, NULL, now);
}

void
store_jobs_finish(struct store *s, long long now)
{
	static const char sql[] = "UPDATE job SET status = 'completed', "
	    "finished = ?1 WHERE status = 'processing' AND NOT EXISTS "
	    "(SELECT 1 FROM job_item i WHERE i.job_id = job.id "
	    "AND i.due IS NOT NULL)";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, now);
	store_exec(s, st);
}

#define JOB_COLS "j.id, j.org_id, b.slug, j.status, j.created, " \
	"j.started, j.finished, " \
	"(SELECT count(*) FROM job_item i WHERE i.job_id = j.id), " \
	"(SELECT count(*) FROM job_item i WHERE i.job_id = j.id " \
	"  AND i.state = 'sent'), " \
	"(SELECT count(*) FROM job_item i WHERE i.job_id = j.id " \
	"  AND i.state = 'failed'), " \
	"(SELECT count(*) FROM job_item i WHERE i.job_id = j.id " \
	"  AND i.state = 'skipped'), " \
	"(SELECT count(*) FROM job_item i WHERE i.job_id = j.id " \
	"  AND i.state = 'cancelled') "

static void
job_row(sqlite3_stmt *st, struct store_job *j)
{
	j->id = sqlite3_column_int64(st, 0);
	j->org_id = sqlite3_column_int64(st, 1);
	snprintf(j->badge, sizeof j->badge, "%s", store_col_text(st, 2));
	snprintf(j->status, sizeof j->status, "%s", store_col_text(st, 3));
	j->created = sqlite3_column_int64(st, 4);
	j->started = store_col_int(st, 5, 0);
	j->finished = store_col_int(st, 6, 0);
	j->total = sqlite3_column_int64(st, 7);
	j->sent = sqlite3_column_int64(st, 8);
	j->failed = sqlite3_column_int64(st, 9);
	j->skipped = sqlite3_column_int64(st, 10);
	j->cancelled = sqlite3_column_int64(st, 11);
	j->pending = j->total - j->sent - j->failed - j->skipped -
	    j->cancelled;
}

void
store_job_list(struct store *s, long long org_id, store_job_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " JOB_COLS "FROM job j "
	    "JOIN badge b ON b.id = j.badge_id WHERE j.org_id = ? "
	    "ORDER BY j.id DESC";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct store_job j;

	sqlite3_bind_int64(st, 1, org_id);
	while (store_row(s, st)) {
		job_row(st, &j);
		fn(&j, arg);
	}
}

int
store_job_get(struct store *s, long long org_id, long long job_id,
    struct store_job *j)
{
	static const char sql[] = "SELECT " JOB_COLS "FROM job j "
	    "JOIN badge b ON b.id = j.badge_id WHERE j.org_id = ? "
	    "AND j.id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, job_id);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	job_row(st, j);
	sqlite3_reset(st);
	return 0;
}

void
store_job_failures(struct store *s, long long job_id, store_reason_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT coalesce(reason, ''), count(*) "
	    "FROM job_item WHERE job_id = ? AND state = 'failed' "
	    "GROUP BY reason ORDER BY count(*) DESC, reason";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, job_id);
	while (store_row(s, st))
		fn(store_col_text(st, 0), sqlite3_column_int64(st, 1), arg);
}

void
store_job_items(struct store *s, long long job_id, int failed_only,
    store_item_fn *fn, void *arg)
{
	static const char sql[] = "SELECT row, email, name, state, "
	    "credential_id, attempts, reason FROM job_item WHERE job_id = ?1 "
	    "AND (?2 = 0 OR state = 'failed') ORDER BY row, id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct store_item_view v;

	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, failed_only);
	while (store_row(s, st)) {
		v.row = (unsigned long)sqlite3_column_int64(st, 0);
		v.email = store_col_text(st, 1);
		v.name = store_col_text(st, 2);
		v.state = store_col_text(st, 3);
		v.credential_id = store_col_text(st, 4);
		v.attempts = sqlite3_column_int(st, 5);
		v.reason = store_col_text(st, 6);
		fn(&v, arg);
	}
}

int
store_job_cancel(struct store *s, long long org_id, long long job_id,
    long long now)
{
	static const char job[] = "UPDATE job SET status = 'cancelled', "
	    "finished = ?3 WHERE id = ?1 AND org_id = ?2 "
	    "AND (status = 'pending' OR status = 'processing')";
	static const char release[] = "DELETE FROM quota_use WHERE "
	    "job_item_id IN (SELECT id FROM job_item WHERE job_id = ? "
	    "AND (state = 'pending' OR state = 'deferred'))";
	static const char items[] = "UPDATE job_item SET state = 'cancelled', "
	    "due = NULL, reason = 'cancelled' WHERE job_id = ? "
	    "AND (state = 'pending' OR state = 'deferred')";
	struct store_job j;
	sqlite3_stmt *st;

	if (store_job_get(s, org_id, job_id, &j) != 0)
		return STORE_NOTFOUND;
	st = store_stmt(s, job);
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_int64(st, 3, now);
	if (store_exec(s, st) == 0)
		return STORE_EXISTS;
	st = store_stmt(s, release);
	sqlite3_bind_int64(st, 1, job_id);
	store_exec(s, st);
	st = store_stmt(s, items);
	sqlite3_bind_int64(st, 1, job_id);
	store_exec(s, st);
	return 0;
}
