/*
 * store.c: the store whatever its engine: choosing the engine by what
 * is opened, transactions, the statement cache, binding and reading
 * values, the audit log.  The contract is in store.h; the engines'
 * drivers are in lib/store_sqlite*.c and lib/store_pg*.c.
 */
#include <err.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "store_impl.h"
#include "util.h"

static const struct store_engine *const engines[] = {
	&store_pg_engine,	/* postgresql://... */
	&store_sqlite_engine,	/* the default: any path */
};

struct store *
store_open(const char *path, int flags)
{
	size_t i;

	for (i = 0; i < sizeof engines / sizeof *engines - 1; i++)
		if (engines[i]->claims(path))
			break;
	return engines[i]->open(path, flags);
}

void
store_close(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ncache; i++)
		s->eng->finalize(s->cache[i].st);
	free(s->cache);
	s->cache = NULL;
	s->ncache = s->cap = 0;
	s->eng->close(s);
}

const char *
store_engine(struct store *s)
{
	return s->eng->name;
}

int
store_made(struct store *s)
{
	return s->made;
}

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

int
store_file_version(struct store *s)
{
	return s->eng->file_version(s);
}

void
store_begin(struct store *s)
{
	if (s->eng->begin(s) != 0)
		errx(EXIT_TEMPFAIL, "%s: the database is busy (begin); try "
		    "again later", s->path);
}

int
store_begin_try(struct store *s)
{
	return s->eng->begin(s);
}

void
store_begin_read(struct store *s)
{
	s->eng->begin_read(s);
}

void
store_commit(struct store *s)
{
	s->eng->commit(s);
}

void
store_rollback(struct store *s)
{
	s->eng->rollback(s);
}

void
store_sync(struct store *s, int full)
{
	s->eng->sync(s, full);
}

long long
store_now(struct store *s)
{
	return s->eng->now(s);
}

void
store_die(struct store *s, const char *what)
{
	s->eng->die(s, what);
}

/* Statements. */

struct store_stmt *
store_stmt(struct store *s, const char *sql)
{
	struct store_cached *c;
	size_t i;

	for (i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			s->eng->reset(s->cache[i].st);
			return s->cache[i].st;
		}
	}
	if (s->ncache == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->cache = xrealloc(s->cache, s->cap * sizeof *s->cache);
	}
	c = &s->cache[s->ncache];
	c->st = s->eng->prepare(s, sql);
	c->sql = sql;
	s->ncache++;
	return c->st;
}

struct store_stmt *
store_prepare(struct store *s, const char *sql)
{
	return s->eng->prepare(s, sql);
}

void
store_finalize(struct store_stmt *st)
{
	if (st)
		st->eng->finalize(st);
}

void
store_reset(struct store_stmt *st)
{
	st->eng->reset(st);
}

int
store_row(struct store *s, struct store_stmt *st)
{
	int rc = s->eng->step(s, st);

	if (rc < 0)
		store_die(s, "read");
	if (rc == 0)
		s->eng->reset(st);
	return rc;
}

int
store_exec(struct store *s, struct store_stmt *st)
{
	int rc, n;

	while ((rc = s->eng->step(s, st)) > 0)
		;
	if (rc < 0)
		store_die(s, "write");
	n = s->eng->changes(s, st);
	s->eng->reset(st);
	return n;
}

int
store_insert(struct store *s, struct store_stmt *st, long long *id)
{
	int rc = s->eng->step(s, st), rows = rc > 0, n;

	if (rc < 0) {
		s->eng->reset(st);
		return STORE_EXISTS;
	}
	if (rc > 0 && id)
		*id = store_col_int(st, 0, 0);
	while (rc > 0)
		rc = s->eng->step(s, st);
	if (rc < 0)
		store_die(s, "write");
	n = s->eng->changes(s, st);
	s->eng->reset(st);
	/* ON CONFLICT DO NOTHING: a row refused is none written. */
	return rows || n > 0 ? 0 : STORE_EXISTS;
}

/* Binding. */

void
store_bind_value(struct store_stmt *st, int i, const struct store_value *v)
{
	st->eng->bind(st, i, v);
}

void
store_bind_null(struct store_stmt *st, int i)
{
	struct store_value v = { .type = STORE_NULL };

	st->eng->bind(st, i, &v);
}

void
store_bind_int(struct store_stmt *st, int i, long long n)
{
	struct store_value v = { .type = STORE_INTEGER, .i = n };

	st->eng->bind(st, i, &v);
}

void
store_bind_real(struct store_stmt *st, int i, double r)
{
	struct store_value v = { .type = STORE_REAL, .r = r };

	st->eng->bind(st, i, &v);
}

void
store_bind_text(struct store_stmt *st, int i, const char *t)
{
	struct store_value v = { .type = STORE_TEXT };

	v.p = t ? t : "";
	v.len = strlen(v.p);
	st->eng->bind(st, i, &v);
}

void
store_bind_text_or_null(struct store_stmt *st, int i, const char *t)
{
	if (t)
		store_bind_text(st, i, t);
	else
		store_bind_null(st, i);
}

void
store_bind_blob(struct store_stmt *st, int i, const void *p, size_t len)
{
	struct store_value v = { .type = STORE_BLOB, .p = p, .len = len };

	st->eng->bind(st, i, &v);
}

void
store_bind_int_or_null(struct store_stmt *st, int i, long long v,
    long long none)
{
	if (v == none)
		store_bind_null(st, i);
	else
		store_bind_int(st, i, v);
}

/* Columns. */

void
store_col_value(struct store_stmt *st, int i, struct store_value *v)
{
	memset(v, 0, sizeof *v);
	st->eng->column(st, i, v);
}

enum store_type
store_col_type(struct store_stmt *st, int i)
{
	struct store_value v;

	store_col_value(st, i, &v);
	return v.type;
}

long long
store_col_int(struct store_stmt *st, int i, long long none)
{
	struct store_value v;

	store_col_value(st, i, &v);
	switch (v.type) {
	case STORE_INTEGER:
		return v.i;
	case STORE_REAL:
		return (long long)v.r;
	case STORE_NULL:
		return none;
	default:
		return strtoll(v.p ? v.p : "0", NULL, 10);
	}
}

double
store_col_real(struct store_stmt *st, int i)
{
	struct store_value v;

	store_col_value(st, i, &v);
	switch (v.type) {
	case STORE_INTEGER:
		return (double)v.i;
	case STORE_REAL:
		return v.r;
	default:
		return 0;
	}
}

const char *
store_col_text(struct store_stmt *st, int i)
{
	struct store_value v;

	store_col_value(st, i, &v);
	if (v.type == STORE_TEXT && v.p)
		return v.p;
	return "";
}

const void *
store_col_blob(struct store_stmt *st, int i, size_t *len)
{
	struct store_value v;

	store_col_value(st, i, &v);
	if (v.type != STORE_BLOB && v.type != STORE_TEXT) {
		*len = 0;
		return NULL;
	}
	*len = v.len;
	return v.p;
}

void
store_add_ident(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

void
store_month(long long t, char month[8])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(month, 8, "%Y-%m", &tm);
}

void
store_names_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* Who acts, and the audit log. */

const char *
store_actor(void)
{
	static char name[64];
	struct passwd *pw;

	if (!name[0]) {
		if ((pw = getpwuid(getuid())))
			snprintf(name, sizeof name, "%s", pw->pw_name);
		else
			snprintf(name, sizeof name, "uid %ld",
			    (long)getuid());
	}
	return name;
}

void
store_audit(struct store *s, long long org_id, const char *action,
    const char *detail)
{
	store_audit_by(s, store_actor(), org_id, action, detail);
}

void
store_audit_by(struct store *s, const char *actor, long long org_id,
    const char *action, const char *detail)
{
	static const char sql[] =
	    "INSERT INTO audit (at, actor, org_id, action, detail) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, store_now(s));
	store_bind_text(st, 2, actor);
	store_bind_int_or_null(st, 3, org_id, 0);
	store_bind_text(st, 4, action);
	store_bind_text(st, 5, detail);
	store_exec(s, st);
}

void
store_audit_list(struct store *s, long long org_id, long long n,
    store_audit_fn *fn, void *arg)
{
	static const char sql[] = "SELECT * FROM (SELECT a.id, a.at, "
	    "a.actor, coalesce(o.slug, '') AS org, a.action, a.detail "
	    "FROM audit a LEFT JOIN org o ON o.id = a.org_id "
	    "WHERE ?1 = 0 OR a.org_id = ?1 ORDER BY a.id DESC LIMIT ?2) "
	    "AS l ORDER BY id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_audit_entry e;

	store_bind_int(st, 1, org_id);
	/* Every entry: more than any log holds (LIMIT -1 is SQLite's). */
	store_bind_int(st, 2, n < 0 ? (1LL << 62) : n);
	while (store_row(s, st)) {
		e.id = store_col_int(st, 0, 0);
		e.at = store_col_int(st, 1, 0);
		e.actor = store_col_text(st, 2);
		e.org = store_col_text(st, 3);
		e.action = store_col_text(st, 4);
		e.detail = store_col_text(st, 5);
		fn(&e, arg);
	}
}
