/*
 * store_job.c: what bulk submission writes: jobs and their items,
 * quota reservations, and the API keys' rate buckets.  The contract is
 * in store.h.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcodes.h"
#include "store_impl.h"
#include "util.h"

/* The quota's month ("2026-11") as a span of Unix time, [*from, *to);
 * an empty one if month is not one. */
static void
month_span(const char *month, long long *from, long long *to)
{
	struct tm tm = { 0 };
	int y, m;

	*from = *to = 0;
	if (sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	*from = (long long)timegm(&tm);
	tm.tm_mon++;
	*to = (long long)timegm(&tm);
}

/* The holds of an organization's items in a month: ?1 org, ?2 and ?3
 * the month's span. */
#define HOLDS_IN_MONTH "FROM job j JOIN job_item i ON i.job_id = j.id " \
	"WHERE j.org_id = ?1 AND j.created >= ?2 AND j.created < ?3 " \
	"AND " STORE_HOLDS("i")

long long
store_job_open_for(struct store *s, long long org_id, long long badge_id,
    const char *email)
{
	static const char sql[] = "SELECT j.id FROM job_item i "
	    "JOIN job j ON j.id = i.job_id WHERE i.email = ? "
	    "AND i.due IS NOT NULL AND j.org_id = ? AND j.badge_id = ? "
	    "LIMIT 1";
	struct store_stmt *st = store_stmt(s, sql);
	long long job = 0;

	store_bind_text(st, 1, email);
	store_bind_int(st, 2, org_id);
	store_bind_int(st, 3, badge_id);
	if (store_row(s, st))
		job = store_col_int(st, 0, 0);
	store_reset(st);
	return job;
}

/* Fill in what row st gives of recipient p; seq is that of the latest
 * credential found so far. */
static void
recipient_row(struct store_stmt *st, struct store_recipient *p,
    long long *seq)
{
	struct store_latest *l = &p->latest;
	long long issued;

	p->job = store_col_int(st, 1, 0);
	p->counted = store_col_int(st, 2, 0) != 0;
	if (store_col_type(st, 3) == STORE_NULL)
		return;
	/* The latest: issued last, and recorded last of those. */
	issued = store_col_int(st, 4, 0);
	if (p->has_latest && (issued < l->issued || (issued == l->issued &&
	    store_col_int(st, 7, 0) <= *seq)))
		return;
	p->has_latest = 1;
	snprintf(l->id, sizeof l->id, "%s", store_col_text(st, 3));
	l->issued = issued;
	l->expires = store_col_int(st, 5, 0);
	l->revoked = store_col_int(st, 6, 0);
	*seq = store_col_int(st, 7, 0);
	snprintf(l->reason, sizeof l->reason, "%s",
	    l->revoked ? store_col_text(st, 8) : "");
}

void
store_recipients(struct store *s, long long org_id, long long badge_id,
    const char *month, const char *const *emails, size_t n,
    struct store_recipient *out)
{
	struct store_stmt *st;
	struct buf list = BUF_INIT;
	long long *seq = xcalloc(n, sizeof *seq), from, to;

	memset(out, 0, n * sizeof *out);
	month_span(month, &from, &to);
	s->eng->list(&list, emails, n);
	st = store_stmt(s, store_sql(s, STORE_SQL_RECIPIENTS));
	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, badge_id);
	store_bind_int(st, 3, from);
	store_bind_text(st, 4, list.p);
	store_bind_int(st, 5, to);
	while (store_row(s, st)) {
		long long j = store_col_int(st, 0, -1);

		if (j >= 0 && (size_t)j < n)
			recipient_row(st, &out[j], &seq[j]);
	}
	store_reset(st);
	buf_release(&list);
	free(seq);
}

long long
store_quota_used(struct store *s, long long org_id, const char *month)
{
	static const char sql[] = "SELECT count(DISTINCT i.email) "
	    HOLDS_IN_MONTH;
	struct store_stmt *st = store_stmt(s, sql);
	long long n, from, to;

	month_span(month, &from, &to);
	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	store_row(s, st);
	n = store_col_int(st, 0, 0);
	store_reset(st);
	return n;
}

int
store_quota_counted(struct store *s, long long org_id, const char *month,
    const char *email)
{
	static const char sql[] = "SELECT 1 " HOLDS_IN_MONTH
	    " AND i.email = ?4 LIMIT 1";
	struct store_stmt *st = store_stmt(s, sql);
	long long from, to;
	int found;

	month_span(month, &from, &to);
	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, from);
	store_bind_int(st, 3, to);
	store_bind_text(st, 4, email);
	found = store_row(s, st);
	store_reset(st);
	return found;
}

/* Take a token from a bucket that get reads (tokens, tokens_at of ?1)
 * and put writes (?1 tokens, ?2 when, ?3 the id): see store.h. */
static int
take(struct store *s, const char *get, const char *put, long long key_id,
    long long rate, long long now, long long *wait)
{
	struct store_stmt *st = store_stmt(s, get);
	double tokens = (double)rate;

	if (rate <= 0) {
		*wait = -1;
		return 1;
	}
	store_bind_int(st, 1, key_id);
	if (store_row(s, st) && store_col_type(st, 0) != STORE_NULL) {
		double elapsed = (double)(now - store_col_int(st, 1, 0));

		tokens = store_col_real(st, 0);
		if (elapsed > 0)
			tokens += elapsed * (double)rate / 3600.0;
		if (tokens > (double)rate)
			tokens = (double)rate;
	}
	store_reset(st);
	if (tokens < 1.0) {
		*wait = (long long)ceil((1.0 - tokens) * 3600.0 /
		    (double)rate);
		return 1;
	}
	st = store_stmt(s, put);
	store_bind_real(st, 1, tokens - 1.0);
	store_bind_int(st, 2, now);
	store_bind_int(st, 3, key_id);
	store_exec(s, st);
	return 0;
}

int
store_apikey_take(struct store *s, long long key_id, long long rate,
    long long now, long long *wait)
{
	static const char get[] = "SELECT tokens, tokens_at FROM api_key "
	    "WHERE id = ?";
	static const char put[] = "UPDATE api_key SET tokens = ?, "
	    "tokens_at = ? WHERE id = ?";

	return take(s, get, put, key_id, rate, now, wait);
}

int
store_sshkey_take(struct store *s, long long key_id, long long rate,
    long long now, long long *wait)
{
	static const char get[] = "SELECT tokens, tokens_at FROM ssh_key "
	    "WHERE id = ?";
	static const char put[] = "UPDATE ssh_key SET tokens = ?, "
	    "tokens_at = ? WHERE id = ?";

	return take(s, get, put, key_id, rate, now, wait);
}

long long
store_job_create(struct store *s, long long org_id, long long badge_id,
    long long api_key_id, long long ssh_key_id, long long now)
{
	static const char sql[] = "INSERT INTO job (org_id, badge_id, "
	    "api_key_id, ssh_key_id, created) VALUES (?, ?, ?, ?, ?) "
	    "RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);
	long long id = 0;

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, badge_id);
	store_bind_int_or_null(st, 3, api_key_id, 0);
	store_bind_int_or_null(st, 4, ssh_key_id, 0);
	store_bind_int(st, 5, now);
	if (store_insert(s, st, &id) != 0)
		store_die(s, "write");
	return id;
}

long long
store_job_add_item(struct store *s, long long job_id, unsigned long row,
    const char *email, const char *name, const char *class,
    const char *prior, const char *state)
{
	static const char sql[] = "INSERT INTO job_item (job_id, row, email, "
	    "name, class, prior, state, due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, CASE WHEN ?7 = 'pending' THEN (SELECT created FROM job "
	    "WHERE id = ?1) END) RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);
	long long id = 0;

	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, (long long)row);
	store_bind_text(st, 3, email);
	store_bind_text(st, 4, name);
	store_bind_text(st, 5, class);
	if (prior && *prior)
		store_bind_text(st, 6, prior);
	store_bind_text(st, 7, state);
	if (store_insert(s, st, &id) != 0)
		store_die(s, "write");
	return id;
}

/* Items added in one statement, and the parameters of each. */
#define ITEMS_BATCH 500
#define ITEM_PARAMS 8

/* Append rows groups of width parameters to b, for a VALUES list of many
 * rows in one statement: "(?, ?), (?, ?)".  They are numbered in order,
 * from 1; "?N" would cost SQLite a search of those before it for each. */
static void
add_values(struct buf *b, int width, size_t rows)
{
	size_t r;
	int i;

	for (r = 0; r < rows; r++) {
		buf_adds(b, r ? ", (?" : "(?");
		for (i = 1; i < width; i++)
			buf_adds(b, ", ?");
		buf_addc(b, ')');
	}
}

/* The INSERT of n items, ITEM_PARAMS for each. */
static char *
items_sql(size_t n)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "INSERT INTO job_item (job_id, row, email, name, class, "
	    "prior, state, due) VALUES ");
	add_values(&b, ITEM_PARAMS, n);
	return buf_detach(&b);
}

/* Add the n items in one statement that takes each column as a list. */
static void
add_items_listed(struct store *s, long long job_id, long long due,
    const struct store_new_item *it, size_t n)
{
	enum { ROW, EMAIL, NAME, CLASS, PRIOR, STATE, NCOLS };
	const char **col = xcalloc(n * NCOLS, sizeof *col);
	char *rows = xcalloc(n, 24);
	struct buf list[NCOLS];
	struct store_stmt *st;
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		snprintf(rows + 24 * i, 24, "%lu", it[i].row);
		col[ROW * n + i] = rows + 24 * i;
		col[EMAIL * n + i] = it[i].email;
		col[NAME * n + i] = it[i].name;
		col[CLASS * n + i] = it[i].class;
		col[PRIOR * n + i] = it[i].prior && *it[i].prior ?
		    it[i].prior : NULL;
		col[STATE * n + i] = it[i].state;
	}
	st = store_stmt(s, store_sql(s, STORE_SQL_ITEMS));
	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, due);
	for (c = 0; c < NCOLS; c++) {
		list[c] = (struct buf)BUF_INIT;
		s->eng->list(&list[c], col + (size_t)c * n, n);
		store_bind_text(st, 3 + c, list[c].p);
	}
	store_exec(s, st);
	for (c = 0; c < NCOLS; c++)
		buf_release(&list[c]);
	free(rows);
	free(col);
}

void
store_job_add_items(struct store *s, long long job_id,
    const struct store_new_item *it, size_t n)
{
	static const char created[] = "SELECT created FROM job WHERE id = ?";
	static char *full;
	struct store_stmt *st = store_stmt(s, created);
	long long due;
	size_t at, i;

	store_bind_int(st, 1, job_id);
	if (!store_row(s, st))
		errx(EXIT_SOFTWARE, "store_job_add_items: no job %lld", job_id);
	due = store_col_int(st, 0, 0);
	store_reset(st);
	if (store_sql(s, STORE_SQL_ITEMS)) {
		add_items_listed(s, job_id, due, it, n);
		return;
	}
	if (!full)
		full = items_sql(ITEMS_BATCH);
	for (at = 0; at < n; at += ITEMS_BATCH) {
		size_t k = n - at < ITEMS_BATCH ? n - at : ITEMS_BATCH;
		char *part = NULL;

		if (k == ITEMS_BATCH) {
			st = store_stmt(s, full);
		} else {
			part = items_sql(k);
			st = store_prepare(s, part);
		}
		for (i = 0; i < k; i++) {
			const struct store_new_item *p = &it[at + i];
			int f = 1 + ITEM_PARAMS * (int)i;

			store_bind_int(st, f++, job_id);
			store_bind_int(st, f, (long long)p->row);
			store_bind_text(st, f + 1, p->email);
			store_bind_text(st, f + 2, p->name);
			store_bind_text(st, f + 3, p->class);
			if (p->prior && *p->prior)
				store_bind_text(st, f + 4, p->prior);
			else
				store_bind_null(st, f + 4);
			store_bind_text(st, f + 5, p->state);
			if (strcmp(p->state, "pending") == 0)
				store_bind_int(st, f + 6, due);
			else
				store_bind_null(st, f + 6);
		}
		if (store_insert(s, st, NULL) != 0)
			store_die(s, "write");
		if (part) {
			store_finalize(st);
			free(part);
		}
	}
}

size_t
store_items_claim(struct store *s, long long job_id, const char *lease,
    long long now, long long until, struct store_item *items, size_t n)
{
	static const char job[] = "SELECT org_id, badge_id, created "
	    "FROM job WHERE id = ?";
	static const char start[] = "UPDATE job SET status = 'processing', "
	    "started = ?2 WHERE id = ?1 AND status = 'pending'";
	struct store_stmt *st = store_stmt(s, store_sql(s, STORE_SQL_CLAIM));
	size_t got = 0, i;

	store_bind_text(st, 1, lease);
	store_bind_int(st, 2, until);
	store_bind_int(st, 3, now);
	store_bind_int(st, 4, job_id);
	store_bind_int(st, 5, (long long)n);
	while (got < n && store_row(s, st)) {
		struct store_item *it = &items[got++];

		memset(it, 0, sizeof *it);
		it->id = store_col_int(st, 0, 0);
		it->job_id = store_col_int(st, 1, 0);
		it->row = (unsigned long)store_col_int(st, 2, 0);
		it->attempts = (int)store_col_int(st, 3, 0);
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
	store_reset(st);
	for (i = 0; i < got; i++) {
		struct store_item *it = &items[i];

		st = store_stmt(s, job);
		store_bind_int(st, 1, it->job_id);
		if (store_row(s, st)) {
			it->org_id = store_col_int(st, 0, 0);
			it->badge_id = store_col_int(st, 1, 0);
			it->submitted = store_col_int(st, 2, 0);
		}
		store_reset(st);
		st = store_stmt(s, start);
		store_bind_int(st, 1, it->job_id);
		store_bind_int(st, 2, now);
		store_exec(s, st);
	}
	return got;
}

long long
store_items_due(struct store *s, long long job_id, long long now)
{
	static const char sql[] = "SELECT count(*) " STORE_DUE_ITEMS;
	struct store_stmt *st = store_stmt(s, sql);
	long long n;

	store_bind_int(st, 3, now);
	store_bind_int(st, 4, job_id);
	store_row(s, st);
	n = store_col_int(st, 0, 0);
	store_reset(st);
	return n;
}

/* What a held item has become: its job cancelled, its organization
 * allowed to issue. */
#define HOLD_COLS "(SELECT j.status = 'cancelled' FROM job j " \
	"WHERE j.id = job_item.job_id), (SELECT " STORE_MAY_ISSUE " FROM job j " \
	"JOIN org o ON o.id = j.org_id WHERE j.id = job_item.job_id)"

/* Step a statement that gives HOLD_COLS for a held item, or no row. */
static enum store_hold
hold_row(struct store *s, struct store_stmt *st)
{
	enum store_hold h = STORE_LOST;

	if (store_row(s, st)) {
		if ((int)store_col_int(st, 0, 0))
			h = STORE_CANCELLED;
		else if (!(int)store_col_int(st, 1, 0))
			h = STORE_BLOCKED;
		else
			h = STORE_HELD;
		store_row(s, st);
	}
	return h;
}

enum store_hold
store_item_hold(struct store *s, long long item_id, const char *lease,
    long long until)
{
	static const char sql[] = "UPDATE job_item SET due = ?3 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed' "
	    "RETURNING " HOLD_COLS;
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, lease);
	store_bind_int(st, 3, until);
	return hold_row(s, st);
}

enum store_hold
store_item_check(struct store *s, long long item_id, const char *lease)
{
	static const char sql[] = "SELECT " HOLD_COLS " FROM job_item "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, lease);
	return hold_row(s, st);
}

/* Run an update of a held item: ?1 the item, ?2 the lease, ?3 a text
 * (NULL: none), ?4 .. ?6 numbers.  Return 0, or STORE_NOTFOUND when the
 * lease is not held. */
static int
held_update(struct store *s, const char *sql, long long item_id,
    const char *lease, const char *text, long long a, long long b,
    long long c)
{
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, item_id);
	store_bind_text(st, 2, lease);
	if (text)
		store_bind_text(st, 3, text);
	store_bind_int(st, 4, a);
	store_bind_int(st, 5, b);
	store_bind_int(st, 6, c);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

/*
 * An item has ended without a delivery (its row says so already, and so
 * it holds no quota): revoke its credential if it may have left, or
 * withdraw it if it certainly did not.  why completes the revocation's
 * reason, "not delivered: WHY".
 */
static void
settle(struct store *s, long long item_id, const char *why, long long now)
{
	static const char find[] = "SELECT credential_id, may_have_left "
	    "FROM job_item WHERE id = ? AND credential_id IS NOT NULL";
	/* Never delivered, it superseded nothing. */
	static const char revoke[] = "UPDATE credential SET revoked = ?2, "
	    "revoke_reason = 'not delivered: ' || ?3, supersedes = NULL "
	    "WHERE id = ?1 AND revoked IS NULL";
	static const char detach[] = "UPDATE job_item SET credential_id = NULL "
	    "WHERE id = ?";
	static const char unlink[] = "UPDATE credential SET supersedes = NULL "
	    "WHERE supersedes = ?";
	static const char withdraw[] = "DELETE FROM credential WHERE id = ?";
	struct store_stmt *st = store_stmt(s, find);
	char cred[64] = "";
	int left = 0;

	store_bind_int(st, 1, item_id);
	if (store_row(s, st)) {
		snprintf(cred, sizeof cred, "%s", store_col_text(st, 0));
		left = (int)store_col_int(st, 1, 0);
		store_reset(st);
	}
	if (cred[0] && left) {
		st = store_stmt(s, revoke);
		store_bind_text(st, 1, cred);
		store_bind_int(st, 2, now);
		store_bind_text(st, 3, why);
		store_exec(s, st);
	} else if (cred[0]) {
		st = store_stmt(s, detach);
		store_bind_int(st, 1, item_id);
		store_exec(s, st);
		st = store_stmt(s, unlink);
		store_bind_text(st, 1, cred);
		store_exec(s, st);
		st = store_stmt(s, withdraw);
		store_bind_text(st, 1, cred);
		store_exec(s, st);
	}
}

int
store_item_issued(struct store *s, long long item_id, const char *lease,
    const char *credential_id)
{
	static const char sql[] = "UPDATE job_item SET credential_id = ?3 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return held_update(s, sql, item_id, lease, credential_id, 0, 0, 0);
}

int
store_item_sending(struct store *s, long long item_id, const char *lease)
{
	static const char sql[] = "UPDATE job_item SET sending = 1 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return held_update(s, sql, item_id, lease, NULL, 0, 0, 0);
}

int
store_item_sent(struct store *s, long long item_id, const char *lease,
    const char *note, long long now)
{
	static const char sql[] = "UPDATE job_item SET state = 'sent', "
	    "due = NULL, lease = NULL, reason = ?3, attempts = attempts + 1, "
	    "may_have_left = 1, sending = 0 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";
	static const char supersede[] = "UPDATE credential SET revoked = ?2, "
	    "revoke_reason = 'superseded' WHERE revoked IS NULL AND "
	    "(expires IS NULL OR expires > ?2) AND id = (SELECT c.supersedes "
	    "FROM job_item i JOIN credential c ON c.id = i.credential_id "
	    "WHERE i.id = ?1)";
	struct store_stmt *st;

	if (held_update(s, sql, item_id, lease, note, 0, 0, 0) != 0)
		return STORE_NOTFOUND;
	st = store_stmt(s, supersede);
	store_bind_int(st, 1, item_id);
	store_bind_int(st, 2, now);
	store_exec(s, st);
	return 0;
}

int
store_item_defer(struct store *s, long long item_id, const char *lease,
    long long due, const char *reply, int counted, int data_sent)
{
	static const char sql[] = "UPDATE job_item SET state = 'deferred', "
	    "due = ?4, lease = NULL, reason = ?3, attempts = attempts + ?5, "
	    "may_have_left = " STORE_OR("may_have_left", "?6") ", sending = 0 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	return held_update(s, sql, item_id, lease, reply, due, counted != 0,
	    data_sent != 0);
}

int
store_item_fail(struct store *s, long long item_id, const char *lease,
    const char *reason, int counted, int data_sent, long long now)
{
	static const char sql[] = "UPDATE job_item SET state = 'failed', "
	    "due = NULL, lease = NULL, reason = ?3, attempts = attempts + ?4, "
	    "may_have_left = " STORE_OR("may_have_left", "?5") ", sending = 0 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	if (held_update(s, sql, item_id, lease, reason, counted != 0,
	    data_sent != 0, 0) != 0)
		return STORE_NOTFOUND;
	settle(s, item_id, reason, now);
	return 0;
}

int
store_item_skip(struct store *s, long long item_id, const char *lease,
    const char *reason)
{
	static const char sql[] = "UPDATE job_item SET state = 'skipped', "
	    "due = NULL, lease = NULL, reason = ?3, sending = 0 "
	    "WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	if (held_update(s, sql, item_id, lease, reason, 0, 0, 0) != 0)
		return STORE_NOTFOUND;
	settle(s, item_id, reason, 0);
	return 0;
}

/* What ends an item of a cancelled job, then settle.  Its holder knows
 * it sent nothing; an attempt a dead worker left under way may have. */
#define CANCEL_SET "state = 'cancelled', due = NULL, lease = NULL, " \
	"reason = 'cancelled', "

int
store_item_cancel(struct store *s, long long item_id, const char *lease,
    long long now)
{
	static const char sql[] = "UPDATE job_item SET " CANCEL_SET
	    "sending = 0 WHERE id = ?1 AND lease = ?2 AND state = 'claimed'";

	if (held_update(s, sql, item_id, lease, NULL, 0, 0, 0) != 0)
		return STORE_NOTFOUND;
	settle(s, item_id, "job cancelled", now);
	return 0;
}

int
store_item_release(struct store *s, long long item_id, const char *lease,
    long long due)
{
	static const char sql[] = "UPDATE job_item SET state = CASE "
	    "WHEN attempts > 0 THEN 'deferred' ELSE 'pending' END, "
	    "due = ?4, lease = NULL, sending = 0 WHERE id = ?1 AND lease = ?2 "
	    "AND state = 'claimed'";

	return held_update(s, sql, item_id, lease, NULL, due, 0, 0);
}

void
store_jobs_finish(struct store *s, long long now)
{
	static const char sql[] = "UPDATE job SET status = 'completed', "
	    "finished = ?1 WHERE status = 'processing' AND NOT EXISTS "
	    "(SELECT 1 FROM job_item i WHERE i.job_id = job.id "
	    "AND i.due IS NOT NULL)";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, now);
	store_exec(s, st);
}

#define JOB_COLS "j.id, j.org_id, o.slug, b.slug, j.status, j.created, " \
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
job_row(struct store_stmt *st, struct store_job *j)
{
	j->id = store_col_int(st, 0, 0);
	j->org_id = store_col_int(st, 1, 0);
	snprintf(j->org, sizeof j->org, "%s", store_col_text(st, 2));
	snprintf(j->badge, sizeof j->badge, "%s", store_col_text(st, 3));
	snprintf(j->status, sizeof j->status, "%s", store_col_text(st, 4));
	j->created = store_col_int(st, 5, 0);
	j->started = store_col_int(st, 6, 0);
	j->finished = store_col_int(st, 7, 0);
	j->total = store_col_int(st, 8, 0);
	j->sent = store_col_int(st, 9, 0);
	j->failed = store_col_int(st, 10, 0);
	j->skipped = store_col_int(st, 11, 0);
	j->cancelled = store_col_int(st, 12, 0);
	j->pending = j->total - j->sent - j->failed - j->skipped -
	    j->cancelled;
}

#define JOB_FROM "FROM job j JOIN org o ON o.id = j.org_id " \
	"JOIN badge b ON b.id = j.badge_id "

void
store_job_list(struct store *s, long long org_id, store_job_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " JOB_COLS JOB_FROM
	    "WHERE ?1 = 0 OR j.org_id = ?1 ORDER BY j.id DESC";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_job j;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		job_row(st, &j);
		fn(&j, arg);
	}
}

int
store_job_get(struct store *s, long long org_id, long long job_id,
    struct store_job *j)
{
	static const char sql[] = "SELECT " JOB_COLS JOB_FROM
	    "WHERE (?1 = 0 OR j.org_id = ?1) AND j.id = ?2";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, job_id);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	job_row(st, j);
	store_reset(st);
	return 0;
}

void
store_job_waits(struct store *s, long long job_id, long long *claimed,
    long long *next_due)
{
	static const char sql[] = "SELECT coalesce(sum(CASE WHEN state = 'claimed' "
	    "THEN 1 ELSE 0 END), 0), coalesce(min(CASE WHEN state = 'deferred' THEN due END), 0) "
	    "FROM job_item WHERE job_id = ? AND state IN ('claimed', "
	    "'deferred')";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, job_id);
	*claimed = *next_due = 0;
	if (store_row(s, st)) {
		*claimed = store_col_int(st, 0, 0);
		*next_due = store_col_int(st, 1, 0);
		store_reset(st);
	}
}

void
store_job_failures(struct store *s, long long job_id, store_reason_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT coalesce(reason, ''), count(*) "
	    "FROM job_item WHERE job_id = ? AND state = 'failed' "
	    "GROUP BY reason ORDER BY count(*) DESC, reason";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, job_id);
	while (store_row(s, st))
		fn(store_col_text(st, 0), store_col_int(st, 1, 0), arg);
}

void
store_job_items(struct store *s, long long job_id, int failed_only,
    store_item_fn *fn, void *arg)
{
	static const char sql[] = "SELECT row, email, name, state, "
	    "credential_id, attempts, reason FROM job_item WHERE job_id = ?1 "
	    "AND (?2 = 0 OR state = 'failed') ORDER BY row, id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_item_view v;

	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, failed_only);
	while (store_row(s, st)) {
		v.row = (unsigned long)store_col_int(st, 0, 0);
		v.email = store_col_text(st, 1);
		v.name = store_col_text(st, 2);
		v.state = store_col_text(st, 3);
		v.credential_id = store_col_text(st, 4);
		v.attempts = (int)store_col_int(st, 5, 0);
		v.reason = store_col_text(st, 6);
		fn(&v, arg);
	}
}

int
store_job_cancel(struct store *s, long long org_id, long long job_id,
    long long now)
{
	static const char job[] = "UPDATE job SET status = 'cancelled', "
	    "finished = ?3 WHERE id = ?1 AND (?2 = 0 OR org_id = ?2) "
	    "AND (status = 'pending' OR status = 'processing')";
	static const char unheld[] = "SELECT id FROM job_item "
	    "WHERE job_id = ?1 AND due IS NOT NULL AND (state <> 'claimed' "
	    "OR due <= ?2)";
	static const char item[] = "UPDATE job_item SET " CANCEL_SET
	    "may_have_left = " STORE_OR("may_have_left", "sending") ", "
	    "sending = 0 "
	    "WHERE id = ?";
	struct store_job j;
	struct store_stmt *st;
	long long *ids = NULL;
	size_t n = 0, cap = 0, i;

	if (store_job_get(s, org_id, job_id, &j) != 0)
		return STORE_NOTFOUND;
	st = store_stmt(s, job);
	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, org_id);
	store_bind_int(st, 3, now);
	if (store_exec(s, st) == 0)
		return STORE_EXISTS;
	st = store_stmt(s, unheld);
	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, now);
	while (store_row(s, st)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = store_col_int(st, 0, 0);
	}
	for (i = 0; i < n; i++) {
		st = store_stmt(s, item);
		store_bind_int(st, 1, ids[i]);
		store_exec(s, st);
		settle(s, ids[i], "job cancelled", now);
	}
	free(ids);
	return 0;
}
