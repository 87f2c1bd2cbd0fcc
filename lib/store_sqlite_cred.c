/*
 * store_sqlite_cred.c: credentials as org-admin and the members see them:
 * list, show, revoke.  The contract is in store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_sqlite.h"
#include "util.h"
#include "uuid.h"

/* A credential is superseded only once revoked: the successor is looked
 * for then. */
#define CRED_COLS "c.id, c.org_id, c.badge_id, b.slug, c.email, c.name, " \
	"c.issued, c.expires, c.revoked, c.revoke_reason, c.supersedes, " \
	"CASE WHEN c.revoked IS NOT NULL THEN (SELECT n.id FROM credential n " \
	"WHERE n.supersedes = c.id ORDER BY n.issued DESC, n.rowid DESC " \
	"LIMIT 1) END, "

static void
cred_row(sqlite3_stmt *st, struct store_cred *c)
{
	c->id = (char *)store_col_text(st, 0);
	c->org_id = sqlite3_column_int64(st, 1);
	c->badge_id = sqlite3_column_int64(st, 2);
	c->badge_slug = (char *)store_col_text(st, 3);
	c->email = (char *)store_col_text(st, 4);
	c->name = (char *)store_col_text(st, 5);
	c->issued = sqlite3_column_int64(st, 6);
	c->expires = store_col_int(st, 7, 0);
	c->revoked = store_col_int(st, 8, 0);
	c->revoke_reason = (char *)store_col_text(st, 9);
	c->supersedes = (char *)store_col_text(st, 10);
	c->superseded_by = (char *)store_col_text(st, 11);
	c->document = (char *)store_col_text(st, 12);
}

int
store_cred_get(struct store *s, long long org_id, const char *id,
    struct store_cred *c)
{
	static const char sql[] = "SELECT " CRED_COLS "c.document "
	    "FROM credential c JOIN badge b ON b.id = c.badge_id "
	    "WHERE c.id = ?1 AND (?2 = 0 OR c.org_id = ?2)";
	sqlite3_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	cred_row(st, c);
	c->id = xstrdup(c->id);
	c->badge_slug = xstrdup(c->badge_slug);
	c->email = xstrdup(c->email);
	c->name = xstrdup(c->name);
	c->revoke_reason = xstrdup(c->revoke_reason);
	c->supersedes = xstrdup(c->supersedes);
	c->superseded_by = xstrdup(c->superseded_by);
	c->document = xstrdup(c->document);
	sqlite3_reset(st);
	return 0;
}

void
store_cred_release(struct store_cred *c)
{
	free(c->id);
	free(c->badge_slug);
	free(c->email);
	free(c->name);
	free(c->revoke_reason);
	free(c->supersedes);
	free(c->superseded_by);
	free(c->document);
	memset(c, 0, sizeof *c);
}

void
store_cred_list(struct store *s, long long org_id, long long badge_id,
    store_cred_fn *fn, void *arg)
{
	static const char sql[] = "SELECT " CRED_COLS "'' "
	    "FROM credential c JOIN badge b ON b.id = c.badge_id "
	    "WHERE c.org_id = ?1 AND (?2 = 0 OR c.badge_id = ?2) "
	    "ORDER BY c.issued, c.rowid";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct store_cred c;

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, badge_id);
	while (store_row(s, st)) {
		cred_row(st, &c);
		fn(&c, arg);
	}
}

const char *
store_cred_state(const struct store_cred *c, long long now)
{
	if (c->revoked)
		return c->superseded_by[0] && strcmp(c->revoke_reason,
		    "superseded") == 0 ? "superseded" : "revoked";
	if (c->expires && c->expires <= now)
		return "expired";
	return "active";
}

void
store_cred_query(struct store *s, const struct store_cred_filter *f,
    store_cred_fn *fn, void *arg)
{
#define QUERY(order) "SELECT " CRED_COLS "'' FROM credential c " \
	"INDEXED BY credential_issued JOIN badge b ON b.id = c.badge_id " \
	"WHERE c.org_id = ?1 AND c.issued >= ?2 AND c.issued < ?3 " \
	"AND (?4 = 0 OR c.badge_id = ?4) AND (?5 IS NULL OR c.email = ?5) " \
	"ORDER BY c.issued " order ", c.rowid " order
	static const char newest[] = QUERY("DESC"), oldest[] = QUERY("ASC");
#undef QUERY
	sqlite3_stmt *st = store_stmt(s, f->oldest ? oldest : newest);
	struct store_cred c;

	sqlite3_bind_int64(st, 1, f->org_id);
	sqlite3_bind_int64(st, 2, f->since);
	sqlite3_bind_int64(st, 3, f->until ? f->until : 0x7fffffffffffffffLL);
	sqlite3_bind_int64(st, 4, f->badge_id);
	if (f->email)
		store_bind_text(st, 5, f->email);
	else
		sqlite3_bind_null(st, 5);
	while (store_row(s, st)) {
		cred_row(st, &c);
		if (!f->state || strcmp(store_cred_state(&c, f->now),
		    f->state) == 0)
			fn(&c, arg);
	}
}

int
store_cred_revoke(struct store *s, long long org_id, const char *id,
    const char *reason)
{
	static const char sql[] = "UPDATE credential SET revoked = ?, "
	    "revoke_reason = ? WHERE id = ?3 AND (?4 = 0 OR org_id = ?4) "
	    "AND revoked IS NULL";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, store_now());
	store_bind_text(st, 2, reason);
	store_bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, org_id);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

/*
 * The index hands a recipient's credentials over latest issued first,
 * covering what is read, each row with its rowid; of those issued in the
 * same second the one recorded last (the greatest rowid) is the latest.
 * Mostly one row is read, and the next to see it is not a tie.
 */
int
store_cred_latest(struct store *s, long long org_id, long long badge_id,
    const char *email, struct store_latest *l)
{
	static const char sql[] = "SELECT id, issued, expires, revoked, rowid "
	    "FROM credential INDEXED BY credential_latest "
	    "WHERE org_id = ? AND badge_id = ? AND email = ? "
	    "ORDER BY issued DESC";
	static const char why[] = "SELECT revoke_reason FROM credential "
	    "WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql);
	long long rowid = 0;
	int found = 0;

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, badge_id);
	sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
	while (store_row(s, st)) {
		if (found && sqlite3_column_int64(st, 1) != l->issued)
			break;
		if (!found || sqlite3_column_int64(st, 4) > rowid) {
			snprintf(l->id, sizeof l->id, "%s",
			    store_col_text(st, 0));
			l->issued = sqlite3_column_int64(st, 1);
			l->expires = store_col_int(st, 2, 0);
			l->revoked = store_col_int(st, 3, 0);
			rowid = sqlite3_column_int64(st, 4);
		}
		found = 1;
	}
	sqlite3_reset(st);
	if (!found)
		return STORE_NOTFOUND;
	l->reason[0] = '\0';
	if (l->revoked) {
		st = store_stmt(s, why);
		sqlite3_bind_text(st, 1, l->id, -1, SQLITE_STATIC);
		if (store_row(s, st))
			snprintf(l->reason, sizeof l->reason, "%s",
			    store_col_text(st, 0));
		sqlite3_reset(st);
	}
	return 0;
}

int
store_cred_import(struct store *s, long long org_id, long long badge_id,
    const char *email, const char *name, long long issued,
    long long expires, long long revoked, const char *reason, char id[64])
{
	static const char sql[] = "INSERT INTO credential (id, org_id, "
	    "badge_id, email, name, issued, expires, revoked, revoke_reason) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	if (!id[0])
		uuid_urn(id);
	store_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	sqlite3_bind_int64(st, 3, badge_id);
	store_bind_text(st, 4, email);
	store_bind_text(st, 5, name);
	sqlite3_bind_int64(st, 6, issued);
	store_bind_int_or_null(st, 7, expires, 0);
	store_bind_int_or_null(st, 8, revoked, 0);
	if (revoked)
		store_bind_text(st, 9, reason);
	return store_insert(s, st, NULL);
}

void
store_cred_insert(struct store *s, const struct store_cred_new *c)
{
	static const char sql[] = "INSERT INTO credential (id, org_id, "
	    "badge_id, email, name, issued, expires, supersedes, job_item_id, "
	    "document, status_list_id, status_index) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, c->id);
	sqlite3_bind_int64(st, 2, c->org_id);
	sqlite3_bind_int64(st, 3, c->badge_id);
	store_bind_text(st, 4, c->email);
	store_bind_text(st, 5, c->name);
	sqlite3_bind_int64(st, 6, c->issued);
	store_bind_int_or_null(st, 7, c->expires, 0);
	if (c->supersedes && *c->supersedes)
		store_bind_text(st, 8, c->supersedes);
	store_bind_int_or_null(st, 9, c->job_item_id, 0);
	store_bind_text(st, 10, c->document);
	if (c->status_list_id) {
		sqlite3_bind_int64(st, 11, c->status_list_id);
		sqlite3_bind_int64(st, 12, (long long)c->status_index);
	}
	store_exec(s, st);
}

int
store_cred_held(struct store *s, long long org_id, long long badge_id,
    const char *email, long long now, char id[64])
{
	static const char sql[] = "SELECT id FROM credential "
	    "INDEXED BY credential_latest WHERE org_id = ? AND badge_id = ? "
	    "AND email = ? AND revoked IS NULL AND (expires IS NULL OR "
	    "expires > ?) ORDER BY issued DESC, rowid DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, badge_id);
	sqlite3_bind_text(st, 3, email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	snprintf(id, 64, "%s", store_col_text(st, 0));
	sqlite3_reset(st);
	return 0;
}
