/*
 * store_sqlite_cred.c: credentials as org-admin and the members see them:
 * list, show, revoke.  The contract is in store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "util.h"
#include "uuid.h"

/* The order credentials are recorded in, which breaks a tie of two
 * issued in one second: one writer at a time (store.h) makes it unique,
 * and the schema holds it to that. */
#define NEXT_SEQ "(SELECT coalesce(max(seq), 0) + 1 FROM credential)"

/* A credential is superseded only once revoked: the successor is looked
 * for then. */
#define CRED_COLS "c.id, c.org_id, c.badge_id, b.slug, c.email, c.name, " \
	"c.issued, c.expires, c.revoked, c.revoke_reason, c.supersedes, " \
	"CASE WHEN c.revoked IS NOT NULL THEN (SELECT n.id FROM credential n " \
	"WHERE n.supersedes = c.id ORDER BY n.issued DESC, n.seq DESC " \
	"LIMIT 1) END, "

static void
cred_row(struct store_stmt *st, struct store_cred *c)
{
	c->id = (char *)store_col_text(st, 0);
	c->org_id = store_col_int(st, 1, 0);
	c->badge_id = store_col_int(st, 2, 0);
	c->badge_slug = (char *)store_col_text(st, 3);
	c->email = (char *)store_col_text(st, 4);
	c->name = (char *)store_col_text(st, 5);
	c->issued = store_col_int(st, 6, 0);
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
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, id);
	store_bind_int(st, 2, org_id);
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
	store_reset(st);
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
	    "ORDER BY c.issued, c.seq";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_cred c;

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, badge_id);
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
	"AND (?4 = 0 OR c.badge_id = ?4) AND (CAST(?5 AS TEXT) IS NULL OR " \
	"c.email = ?5) " \
	"ORDER BY c.issued " order ", c.seq " order
	static const char newest[] = QUERY("DESC"), oldest[] = QUERY("ASC");
#undef QUERY
	struct store_stmt *st = store_stmt(s, f->oldest ? oldest : newest);
	struct store_cred c;

	store_bind_int(st, 1, f->org_id);
	store_bind_int(st, 2, f->since);
	store_bind_int(st, 3, f->until ? f->until : 0x7fffffffffffffffLL);
	store_bind_int(st, 4, f->badge_id);
	if (f->email)
		store_bind_text(st, 5, f->email);
	else
		store_bind_null(st, 5);
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
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, store_now(s));
	store_bind_text(st, 2, reason);
	store_bind_text(st, 3, id);
	store_bind_int(st, 4, org_id);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

/*
 * The index hands a recipient's credentials over latest issued first,
 * covering what is read, each row with its seq; of those issued in the
 * same second the one recorded last (the greatest seq) is the latest.
 * Mostly one row is read, and the next to see it is not a tie.
 */
int
store_cred_latest(struct store *s, long long org_id, long long badge_id,
    const char *email, struct store_latest *l)
{
	static const char sql[] = "SELECT id, issued, expires, revoked, seq "
	    "FROM credential INDEXED BY credential_latest "
	    "WHERE org_id = ? AND badge_id = ? AND email = ? "
	    "ORDER BY issued DESC";
	static const char why[] = "SELECT revoke_reason FROM credential "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);
	long long seq = 0;
	int found = 0;

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, badge_id);
	store_bind_text(st, 3, email);
	while (store_row(s, st)) {
		if (found && store_col_int(st, 1, 0) != l->issued)
			break;
		if (!found || store_col_int(st, 4, 0) > seq) {
			snprintf(l->id, sizeof l->id, "%s",
			    store_col_text(st, 0));
			l->issued = store_col_int(st, 1, 0);
			l->expires = store_col_int(st, 2, 0);
			l->revoked = store_col_int(st, 3, 0);
			seq = store_col_int(st, 4, 0);
		}
		found = 1;
	}
	store_reset(st);
	if (!found)
		return STORE_NOTFOUND;
	l->reason[0] = '\0';
	if (l->revoked) {
		st = store_stmt(s, why);
		store_bind_text(st, 1, l->id);
		if (store_row(s, st))
			snprintf(l->reason, sizeof l->reason, "%s",
			    store_col_text(st, 0));
		store_reset(st);
	}
	return 0;
}

int
store_cred_import(struct store *s, long long org_id, long long badge_id,
    const char *email, const char *name, long long issued,
    long long expires, long long revoked, const char *reason, char id[64])
{
	static const char sql[] = "INSERT INTO credential (id, org_id, "
	    "badge_id, email, name, issued, expires, revoked, revoke_reason, "
	    "seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " NEXT_SEQ ") "
	    "ON CONFLICT DO NOTHING";
	struct store_stmt *st = store_stmt(s, sql);

	if (!id[0])
		uuid_urn(id);
	store_bind_text(st, 1, id);
	store_bind_int(st, 2, org_id);
	store_bind_int(st, 3, badge_id);
	store_bind_text(st, 4, email);
	store_bind_text(st, 5, name);
	store_bind_int(st, 6, issued);
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
	    "document, status_list_id, status_index, seq) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " NEXT_SEQ ")";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, c->id);
	store_bind_int(st, 2, c->org_id);
	store_bind_int(st, 3, c->badge_id);
	store_bind_text(st, 4, c->email);
	store_bind_text(st, 5, c->name);
	store_bind_int(st, 6, c->issued);
	store_bind_int_or_null(st, 7, c->expires, 0);
	if (c->supersedes && *c->supersedes)
		store_bind_text(st, 8, c->supersedes);
	store_bind_int_or_null(st, 9, c->job_item_id, 0);
	store_bind_text(st, 10, c->document);
	if (c->status_list_id) {
		store_bind_int(st, 11, c->status_list_id);
		store_bind_int(st, 12, (long long)c->status_index);
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
	    "expires > ?) ORDER BY issued DESC, seq DESC LIMIT 1";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, badge_id);
	store_bind_text(st, 3, email);
	store_bind_int(st, 4, now);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	snprintf(id, 64, "%s", store_col_text(st, 0));
	store_reset(st);
	return 0;
}
