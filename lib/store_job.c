/*
 * store_job.c: what bulk submission writes: jobs and their items, quota
 * reservations, and the API keys' rate buckets.  The contract is in
 * store.h.
 */
#include <math.h>

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
