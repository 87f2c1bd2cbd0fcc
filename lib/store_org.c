/*
 * store_sqlite_org.c: organizations, their signing keys, badges, members
 * and API keys, and the credentials list of org-admin.  The contract is
 * in store.h.
 */
#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "util.h"

/* Organizations. */

#define ORG_COLS "id, slug, name, plan, approved, quota, sender_email, " \
	"sender_name, created, status_url, url, email, description, image, " \
	"wallet_url, verifier_url"

static void
org_row(struct store_stmt *st, struct store_org *o)
{
	o->id = store_col_int(st, 0, 0);
	o->slug = (char *)store_col_text(st, 1);
	o->name = (char *)store_col_text(st, 2);
	o->plan = (char *)store_col_text(st, 3);
	o->approved = (int)store_col_int(st, 4, 0);
	o->quota = store_col_int(st, 5, -1);
	o->sender_email = (char *)store_col_text(st, 6);
	o->sender_name = (char *)store_col_text(st, 7);
	o->created = store_col_int(st, 8, 0);
	o->status_url = (char *)store_col_text(st, 9);
	o->url = (char *)store_col_text(st, 10);
	o->email = (char *)store_col_text(st, 11);
	o->description = (char *)store_col_text(st, 12);
	o->image = (char *)store_col_text(st, 13);
	o->wallet_url = (char *)store_col_text(st, 14);
	o->verifier_url = (char *)store_col_text(st, 15);
}

/* The text fields of a struct store_org, for copying and freeing. */
#define ORG_TEXTS(o) { &(o)->slug, &(o)->name, &(o)->plan, \
	&(o)->sender_email, &(o)->sender_name, &(o)->status_url, &(o)->url, \
	&(o)->email, &(o)->description, &(o)->image, &(o)->wallet_url, \
	&(o)->verifier_url }

/* Step st once; on a row, fill o with copies of its strings. */
static int
org_one(struct store *s, struct store_stmt *st, struct store_org *o)
{
	char **texts[] = ORG_TEXTS(o);
	size_t i;

	if (!store_row(s, st))
		return STORE_NOTFOUND;
	org_row(st, o);
	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		*texts[i] = xstrdup(*texts[i]);
	store_reset(st);
	return 0;
}

int
store_org_create(struct store *s, const char *slug, const char *name,
    const char *plan, long long *id)
{
	static const char sql[] = "INSERT INTO org (slug, name, plan, created)"
	    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, slug);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, plan);
	store_bind_int(st, 4, store_now(s));
	return store_insert(s, st, id);
}

int
store_org_get(struct store *s, const char *slug, struct store_org *o)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM org WHERE slug = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, slug);
	return org_one(s, st, o);
}

int
store_org_get_id(struct store *s, long long id, struct store_org *o)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM org WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, id);
	return org_one(s, st, o);
}

void
store_org_release(struct store_org *o)
{
	char **texts[] = ORG_TEXTS(o);
	size_t i;

	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		free(*texts[i]);
	memset(o, 0, sizeof *o);
}

void
store_org_list(struct store *s, store_org_fn *fn, void *arg)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM org ORDER BY slug";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_org o;

	while (store_row(s, st)) {
		org_row(st, &o);
		fn(&o, arg);
	}
}

/* Run an UPDATE whose parameters are (value, id). */
static void
set_int(struct store *s, const char *sql, long long id, long long v,
    long long none)
{
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int_or_null(st, 1, v, none);
	store_bind_int(st, 2, id);
	store_exec(s, st);
}

void
store_org_set_approved(struct store *s, long long id, int approved)
{
	static const char sql[] = "UPDATE org SET approved = ? WHERE id = ?";

	set_int(s, sql, id, approved != 0, -1);
}

void
store_org_set_quota(struct store *s, long long id, long long quota)
{
	static const char sql[] = "UPDATE org SET quota = ? WHERE id = ?";

	set_int(s, sql, id, quota, -1);
}

void
store_org_set_plan(struct store *s, long long id, const char *plan)
{
	static const char sql[] = "UPDATE org SET plan = ? WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, plan);
	store_bind_int(st, 2, id);
	store_exec(s, st);
}

void
store_org_set_sender(struct store *s, long long id, const char *email,
    const char *name)
{
	static const char sql[] = "UPDATE org SET sender_email = ?, "
	    "sender_name = ? WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, email);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, id);
	store_exec(s, st);
}

void
store_org_set(struct store *s, long long id, enum store_org_field f,
    const char *value)
{
	static const char *const sql[] = {
		[STORE_ORG_STATUS_URL] =
		    "UPDATE org SET status_url = nullif(?, '') WHERE id = ?",
		[STORE_ORG_URL] =
		    "UPDATE org SET url = nullif(?, '') WHERE id = ?",
		[STORE_ORG_EMAIL] =
		    "UPDATE org SET email = nullif(?, '') WHERE id = ?",
		[STORE_ORG_DESCRIPTION] =
		    "UPDATE org SET description = nullif(?, '') WHERE id = ?",
		[STORE_ORG_IMAGE] =
		    "UPDATE org SET image = nullif(?, '') WHERE id = ?",
		[STORE_ORG_WALLET_URL] =
		    "UPDATE org SET wallet_url = nullif(?, '') WHERE id = ?",
		[STORE_ORG_VERIFIER_URL] =
		    "UPDATE org SET verifier_url = nullif(?, '') WHERE id = ?",
	};
	struct store_stmt *st = store_stmt(s, sql[f]);

	store_bind_text(st, 1, value);
	store_bind_int(st, 2, id);
	store_exec(s, st);
}

/* Signing keys. */

/* The new key goes in inactive, so that a refused one changes nothing;
 * then the active key retires and the new one takes its place (the
 * signing_key_active index allows one active key at a time). */
int
store_key_add(struct store *s, long long org_id, const unsigned char pk[32],
    const unsigned char *sealed, size_t len, long long *id)
{
	static const char add[] = "INSERT INTO signing_key (org_id, "
	    "public_key, sealed_secret, created, active) "
	    "VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING RETURNING id";
	static const char retire[] =
	    "UPDATE signing_key SET active = 0 WHERE org_id = ? AND active <> 0";
	static const char activate[] =
	    "UPDATE signing_key SET active = 1 WHERE id = ?";
	struct store_stmt *st = store_stmt(s, add);
	long long key_id;

	store_bind_int(st, 1, org_id);
	store_bind_blob(st, 2, pk, 32);
	store_bind_blob(st, 3, sealed, len);
	store_bind_int(st, 4, store_now(s));
	if (store_insert(s, st, &key_id) != 0)
		return STORE_EXISTS;
	st = store_stmt(s, retire);
	store_bind_int(st, 1, org_id);
	store_exec(s, st);
	st = store_stmt(s, activate);
	store_bind_int(st, 1, key_id);
	store_exec(s, st);
	if (id)
		*id = key_id;
	return 0;
}

#define KEY_COLS "id, public_key, sealed_secret, created, active"

static void
key_row(struct store_stmt *st, struct store_key *k)
{
	size_t len;
	const void *pk = store_col_blob(st, 1, &len);

	k->id = store_col_int(st, 0, 0);
	/* The schema checks the length. */
	memcpy(k->pk, pk, len == 32 ? 32 : 0);
	k->sealed = (unsigned char *)store_col_blob(st, 2, &k->sealed_len);
	k->created = store_col_int(st, 3, 0);
	k->active = (int)store_col_int(st, 4, 0);
}

/* Step st once; on a row, fill k with a copy of its sealed secret. */
static int
key_one(struct store *s, struct store_stmt *st, struct store_key *k)
{
	unsigned char *sealed;

	if (!store_row(s, st))
		return STORE_NOTFOUND;
	key_row(st, k);
	sealed = xmalloc(k->sealed_len);
	memcpy(sealed, k->sealed, k->sealed_len);
	k->sealed = sealed;
	store_reset(st);
	return 0;
}

int
store_key_active(struct store *s, long long org_id, struct store_key *k)
{
	static const char sql[] = "SELECT " KEY_COLS " FROM signing_key "
	    "WHERE org_id = ? AND active <> 0";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	return key_one(s, st, k);
}

int
store_key_get(struct store *s, long long key_id, struct store_key *k)
{
	static const char sql[] = "SELECT " KEY_COLS " FROM signing_key "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, key_id);
	return key_one(s, st, k);
}

int
store_key_owner(struct store *s, const unsigned char pk[32],
    long long *org_id)
{
	static const char sql[] = "SELECT org_id FROM signing_key "
	    "WHERE public_key = ? ORDER BY id LIMIT 1";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_blob(st, 1, pk, 32);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	*org_id = store_col_int(st, 0, 0);
	store_reset(st);
	return 0;
}

void
store_key_release(struct store_key *k)
{
	free(k->sealed);
	memset(k, 0, sizeof *k);
}

void
store_key_list(struct store *s, long long org_id, store_key_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " KEY_COLS " FROM signing_key "
	    "WHERE org_id = ? ORDER BY id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_key k;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		key_row(st, &k);
		fn(&k, arg);
	}
}

/* Badges. */

#define BADGE_COLS "id, org_id, slug, name, description, criteria, " \
	"valid_days, subject, body, created, image, achievement_type"

static void
badge_row(struct store_stmt *st, struct store_badge *b)
{
	b->id = store_col_int(st, 0, 0);
	b->org_id = store_col_int(st, 1, 0);
	b->slug = (char *)store_col_text(st, 2);
	b->name = (char *)store_col_text(st, 3);
	b->description = (char *)store_col_text(st, 4);
	b->criteria = (char *)store_col_text(st, 5);
	b->valid_days = store_col_int(st, 6, -1);
	b->subject = (char *)store_col_text(st, 7);
	b->body = (char *)store_col_text(st, 8);
	b->created = store_col_int(st, 9, 0);
	b->image = (char *)store_col_text(st, 10);
	b->achievement_type = (char *)store_col_text(st, 11);
}

/* The text fields of a struct store_badge, for copying and freeing. */
#define BADGE_TEXTS(b) { &(b)->slug, &(b)->name, &(b)->description, \
	&(b)->criteria, &(b)->subject, &(b)->body, &(b)->image, \
	&(b)->achievement_type }

int
store_badge_create(struct store *s, const struct store_badge *b,
    long long *id)
{
	static const char sql[] = "INSERT INTO badge (org_id, slug, name, "
	    "description, criteria, valid_days, subject, body, created, image, "
	    "achievement_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, ''), "
	    "nullif(?, '')) ON CONFLICT DO NOTHING RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, b->org_id);
	store_bind_text(st, 2, b->slug);
	store_bind_text(st, 3, b->name);
	store_bind_text(st, 4, b->description);
	store_bind_text(st, 5, b->criteria);
	store_bind_int_or_null(st, 6, b->valid_days, -1);
	store_bind_text(st, 7, b->subject);
	store_bind_text(st, 8, b->body);
	store_bind_int(st, 9, store_now(s));
	store_bind_text(st, 10, b->image);
	store_bind_text(st, 11, b->achievement_type);
	return store_insert(s, st, id);
}

/* Step st once; on a row, fill b with copies of its strings. */
static int
badge_one(struct store *s, struct store_stmt *st, struct store_badge *b)
{
	char **texts[] = BADGE_TEXTS(b);
	size_t i;

	if (!store_row(s, st))
		return STORE_NOTFOUND;
	badge_row(st, b);
	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		*texts[i] = xstrdup(*texts[i]);
	store_reset(st);
	return 0;
}

int
store_badge_get(struct store *s, long long org_id, const char *slug,
    struct store_badge *b)
{
	static const char sql[] = "SELECT " BADGE_COLS " FROM badge "
	    "WHERE org_id = ? AND slug = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	store_bind_text(st, 2, slug);
	return badge_one(s, st, b);
}

int
store_badge_get_id(struct store *s, long long id, struct store_badge *b)
{
	static const char sql[] = "SELECT " BADGE_COLS " FROM badge "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, id);
	return badge_one(s, st, b);
}

void
store_badge_release(struct store_badge *b)
{
	char **texts[] = BADGE_TEXTS(b);
	size_t i;

	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		free(*texts[i]);
	memset(b, 0, sizeof *b);
}

void
store_badge_list(struct store *s, long long org_id, store_badge_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " BADGE_COLS " FROM badge "
	    "WHERE org_id = ? ORDER BY slug";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_badge b;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		badge_row(st, &b);
		fn(&b, arg);
	}
}

void
store_badge_update(struct store *s, const struct store_badge *b)
{
	static const char sql[] = "UPDATE badge SET name = ?, "
	    "description = ?, criteria = ?, valid_days = ?, subject = ?, "
	    "body = ?, image = nullif(?, ''), achievement_type = nullif(?, '') "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, b->name);
	store_bind_text(st, 2, b->description);
	store_bind_text(st, 3, b->criteria);
	store_bind_int_or_null(st, 4, b->valid_days, -1);
	store_bind_text(st, 5, b->subject);
	store_bind_text(st, 6, b->body);
	store_bind_text(st, 7, b->image);
	store_bind_text(st, 8, b->achievement_type);
	store_bind_int(st, 9, b->id);
	store_exec(s, st);
}

/* Members. */

#define MEMBER_COLS "id, org_id, email, role, created"

static void
member_row(struct store_stmt *st, struct store_member *m)
{
	m->id = store_col_int(st, 0, 0);
	m->org_id = store_col_int(st, 1, 0);
	m->email = (char *)store_col_text(st, 2);
	m->role = (char *)store_col_text(st, 3);
	m->created = store_col_int(st, 4, 0);
}

int
store_member_add(struct store *s, long long org_id, const char *email,
    const char *role, long long *id)
{
	static const char sql[] = "INSERT INTO member (org_id, email, role, "
	    "created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	store_bind_text(st, 2, email);
	store_bind_text(st, 3, role);
	store_bind_int(st, 4, store_now(s));
	return store_insert(s, st, id);
}

int
store_member_get(struct store *s, long long org_id, const char *email,
    struct store_member *m)
{
	static const char sql[] = "SELECT " MEMBER_COLS " FROM member "
	    "WHERE org_id = ? AND email = ? AND removed IS NULL";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, org_id);
	store_bind_text(st, 2, email);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	member_row(st, m);
	m->email = xstrdup(m->email);
	m->role = xstrdup(m->role);
	store_reset(st);
	return 0;
}

void
store_member_release(struct store_member *m)
{
	free(m->email);
	free(m->role);
	memset(m, 0, sizeof *m);
}

int
store_member_remove(struct store *s, long long org_id, const char *email)
{
	/* The row stays, marked removed, for the audit trail and the jobs
	 * that name its keys; the keys are revoked, API and SSH. */
	static const char keys[] = "UPDATE api_key SET revoked = ?1 "
	    "WHERE revoked IS NULL AND member_id = (SELECT id FROM member "
	    "WHERE org_id = ?2 AND email = ?3 AND removed IS NULL)";
	static const char ssh[] = "UPDATE ssh_key SET revoked = ?1 "
	    "WHERE revoked IS NULL AND member_id = (SELECT id FROM member "
	    "WHERE org_id = ?2 AND email = ?3 AND removed IS NULL)";
	static const char sql[] = "UPDATE member SET removed = ?1 "
	    "WHERE org_id = ?2 AND email = ?3 AND removed IS NULL";
	struct store_stmt *st = store_stmt(s, keys);

	store_bind_int(st, 1, store_now(s));
	store_bind_int(st, 2, org_id);
	store_bind_text(st, 3, email);
	store_exec(s, st);
	st = store_stmt(s, ssh);
	store_bind_int(st, 1, store_now(s));
	store_bind_int(st, 2, org_id);
	store_bind_text(st, 3, email);
	store_exec(s, st);
	st = store_stmt(s, sql);
	store_bind_int(st, 1, store_now(s));
	store_bind_int(st, 2, org_id);
	store_bind_text(st, 3, email);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

void
store_member_list(struct store *s, long long org_id, store_member_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " MEMBER_COLS " FROM member "
	    "WHERE org_id = ? AND removed IS NULL ORDER BY email";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_member m;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		member_row(st, &m);
		fn(&m, arg);
	}
}

/* API keys. */

#define APIKEY_COLS "k.id, k.prefix, k.hash, k.member_id, m.email, " \
	"m.role, m.org_id, k.created, k.last_used, k.revoked, k.rate"

static void
apikey_row(struct store_stmt *st, struct store_apikey *k)
{
	size_t len;
	const void *hash = store_col_blob(st, 2, &len);

	k->id = store_col_int(st, 0, 0);
	k->prefix = (char *)store_col_text(st, 1);
	/* The schema checks the length. */
	memcpy(k->hash, hash, len == 32 ? 32 : 0);
	k->member_id = store_col_int(st, 3, 0);
	k->member_email = (char *)store_col_text(st, 4);
	k->role = (char *)store_col_text(st, 5);
	k->org_id = store_col_int(st, 6, 0);
	k->created = store_col_int(st, 7, 0);
	k->last_used = store_col_int(st, 8, 0);
	k->revoked = store_col_int(st, 9, 0);
	k->rate = store_col_int(st, 10, 0);
}

void
store_apikey_add(struct store *s, long long member_id, const char *prefix,
    const unsigned char hash[32], long long rate)
{
	static const char sql[] = "INSERT INTO api_key (prefix, hash, "
	    "member_id, created, rate) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT DO NOTHING";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, prefix);
	store_bind_blob(st, 2, hash, 32);
	store_bind_int(st, 3, member_id);
	store_bind_int(st, 4, store_now(s));
	store_bind_int(st, 5, rate);
	if (store_insert(s, st, NULL) != 0)
		store_die(s, "api key prefix taken");
}

int
store_apikey_get(struct store *s, const char *prefix,
    struct store_apikey *k)
{
	static const char sql[] = "SELECT " APIKEY_COLS " FROM api_key k "
	    "JOIN member m ON m.id = k.member_id WHERE k.prefix = ?";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_text(st, 1, prefix);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	apikey_row(st, k);
	k->prefix = xstrdup(k->prefix);
	k->member_email = xstrdup(k->member_email);
	k->role = xstrdup(k->role);
	store_reset(st);
	return 0;
}

void
store_apikey_release(struct store_apikey *k)
{
	free(k->prefix);
	free(k->member_email);
	free(k->role);
	memset(k, 0, sizeof *k);
}

void
store_apikey_list(struct store *s, long long org_id, store_apikey_fn *fn,
    void *arg)
{
	static const char sql[] = "SELECT " APIKEY_COLS " FROM api_key k "
	    "JOIN member m ON m.id = k.member_id WHERE m.org_id = ? "
	    "ORDER BY k.id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_apikey k;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		apikey_row(st, &k);
		fn(&k, arg);
	}
}

int
store_apikey_revoke(struct store *s, long long org_id, const char *prefix)
{
	static const char sql[] = "UPDATE api_key SET revoked = ?1 "
	    "WHERE prefix = ?2 AND revoked IS NULL AND (?3 = 0 OR member_id "
	    "IN (SELECT id FROM member WHERE org_id = ?3))";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, store_now(s));
	store_bind_text(st, 2, prefix);
	store_bind_int(st, 3, org_id);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

void
store_apikey_touch(struct store *s, long long id)
{
	static const char sql[] = "UPDATE api_key SET last_used = ? "
	    "WHERE id = ?";

	set_int(s, sql, id, store_now(s), -1);
}

/* SSH keys. */

#define SSHKEY_COLS "k.id, k.member_id, m.email, m.role, m.org_id, " \
	"coalesce(m.removed, 0), k.type, k.blob, k.comment, k.fingerprint, " \
	"k.created, k.last_used, k.revoked, k.rate, o.slug"
#define SSHKEY_FROM " FROM ssh_key k JOIN member m ON m.id = k.member_id " \
	"JOIN org o ON o.id = m.org_id "

static void
sshkey_row(struct store_stmt *st, struct store_sshkey *k)
{
	k->id = store_col_int(st, 0, 0);
	k->member_id = store_col_int(st, 1, 0);
	k->member_email = (char *)store_col_text(st, 2);
	k->role = (char *)store_col_text(st, 3);
	k->org_id = store_col_int(st, 4, 0);
	k->member_removed = store_col_int(st, 5, 0);
	k->type = (char *)store_col_text(st, 6);
	k->blob = (char *)store_col_text(st, 7);
	k->comment = (char *)store_col_text(st, 8);
	k->fingerprint = (char *)store_col_text(st, 9);
	k->created = store_col_int(st, 10, 0);
	k->last_used = store_col_int(st, 11, 0);
	k->revoked = store_col_int(st, 12, 0);
	k->rate = store_col_int(st, 13, 0);
	k->org_slug = (char *)store_col_text(st, 14);
}

#define SSHKEY_TEXTS(k) { &(k)->member_email, &(k)->role, &(k)->type, \
	&(k)->blob, &(k)->comment, &(k)->fingerprint, &(k)->org_slug }

int
store_sshkey_add(struct store *s, long long member_id, const char *type,
    const char *blob, const char *comment, const char *fingerprint,
    long long rate, long long *id)
{
	static const char sql[] = "INSERT INTO ssh_key (member_id, type, "
	    "blob, comment, fingerprint, created, rate) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, member_id);
	store_bind_text(st, 2, type);
	store_bind_text(st, 3, blob);
	store_bind_text(st, 4, comment);
	store_bind_text(st, 5, fingerprint);
	store_bind_int(st, 6, store_now(s));
	store_bind_int(st, 7, rate);
	return store_insert(s, st, id);
}

int
store_sshkey_get(struct store *s, long long id, struct store_sshkey *k)
{
	static const char sql[] = "SELECT " SSHKEY_COLS SSHKEY_FROM
	    "WHERE k.id = ?";
	struct store_stmt *st = store_stmt(s, sql);
	char **texts[] = SSHKEY_TEXTS(k);
	size_t i;

	store_bind_int(st, 1, id);
	if (!store_row(s, st))
		return STORE_NOTFOUND;
	sshkey_row(st, k);
	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		*texts[i] = xstrdup(*texts[i]);
	store_reset(st);
	return 0;
}

void
store_sshkey_release(struct store_sshkey *k)
{
	char **texts[] = SSHKEY_TEXTS(k);
	size_t i;

	for (i = 0; i < sizeof texts / sizeof *texts; i++)
		free(*texts[i]);
	memset(k, 0, sizeof *k);
}

void
store_sshkey_list(struct store *s, long long org_id, long long member_id,
    int active_only, store_sshkey_fn *fn, void *arg)
{
	static const char sql[] = "SELECT " SSHKEY_COLS SSHKEY_FROM
	    "WHERE (?1 = 0 OR "
	    "m.org_id = ?1) AND (?2 = 0 OR k.member_id = ?2) AND (?3 = 0 OR "
	    "(k.revoked IS NULL AND m.removed IS NULL)) ORDER BY k.id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_sshkey k;

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, member_id);
	store_bind_int(st, 3, active_only != 0);
	while (store_row(s, st)) {
		sshkey_row(st, &k);
		fn(&k, arg);
	}
}

int
store_sshkey_revoke(struct store *s, long long org_id, long long id)
{
	static const char sql[] = "UPDATE ssh_key SET revoked = ?1 "
	    "WHERE id = ?2 AND revoked IS NULL AND (?3 = 0 OR member_id "
	    "IN (SELECT id FROM member WHERE org_id = ?3))";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, store_now(s));
	store_bind_int(st, 2, id);
	store_bind_int(st, 3, org_id);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}

void
store_sshkey_touch(struct store *s, long long id)
{
	static const char sql[] = "UPDATE ssh_key SET last_used = ? "
	    "WHERE id = ?";

	set_int(s, sql, id, store_now(s), -1);
}
