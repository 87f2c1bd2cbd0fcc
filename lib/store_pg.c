/*
 * store_pg.c: the PostgreSQL engine: the connection, the driver of
 * statements that the engine-neutral store files use (store_impl.h),
 * transactions, the database's clock and errors.  The contract is in
 * store.h.
 *
 * The neutral SQL is SQLite's dialect where the two differ in spelling
 * alone: a statement's text is translated once, "?N" and "?" to "$N",
 * SQLite's planner hints (INDEXED BY name) dropped.  It is prepared on
 * the server at its first execution, when the values bound say what
 * type each parameter is: SQLite's are typed by value, PostgreSQL's by
 * statement.  Results come whole, in text; a blob is decoded when read.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "exitcodes.h"
#include "store_pg.h"
#include "util.h"

/* Type oids (pg_type.h, which only the server's headers have). */
enum {
	OID_BOOL = 16,
	OID_BYTEA = 17,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_TEXT = 25,
	OID_OID = 26,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700
};

/* The one lock every write transaction takes first ("CRDP"). */
#define WRITER_LOCK "1129465936"
/* The server's clock, Unix seconds. */
#define CLOCK "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint"

struct pg_stmt {
	struct store_stmt base;
	struct store *s;
	char *sql;		/* translated */
	int n;			/* parameters: the greatest index */
	unsigned char *used;	/* [n + 1]: whether the text has $i */
	char name[24];		/* on the server; "" until prepared */
	char **val;		/* [n]: bound values, NULL for NULL */
	int *len, *fmt, *type;	/* [n] */
	PGresult *res;		/* of the last execution */
	int row, rows;		/* the current row, and how many */
	unsigned char **blob;	/* [columns]: decoded bytea of the row */
	size_t *bloblen;
	int ncols;
};

#define Q(p) ((struct pg_stmt *)(p))

void
store_pg_error(struct store *s, PGresult *r)
{
	struct pg *pg = PG(s);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
	    NULL;

	snprintf(pg->sqlstate, sizeof pg->sqlstate, "%s", state ? state : "");
	free(pg->error);
	pg->error = xstrdup(msg ? msg : PQerrorMessage(pg->conn));
	pg->error[strcspn(pg->error, "\n")] = '\0';
}

void
store_pg_die(struct store *s, const char *what)
{
	struct pg *pg = PG(s);
	const char *st = pg->sqlstate, *msg = pg->error ? pg->error :
	    "unknown error";

	if (PQstatus(pg->conn) != CONNECTION_OK || strncmp(st, "08", 2) == 0)
		errx(EXIT_TEMPFAIL, "%s: the database is unreachable (%s): %s; "
		    "try again later", s->path, what, msg);
	if (strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0 ||
	    strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0)
		errx(EXIT_TEMPFAIL, "%s: the database is busy (%s): %s; try "
		    "again later", s->path, what, msg);
	if (strncmp(st, "53", 2) == 0)
		errx(EXIT_TEMPFAIL, "%s: %s: %s", s->path, what, msg);
	if (strncmp(st, "28", 2) == 0 || strcmp(st, "42501") == 0)
		errx(EXIT_NOPERM, "%s: %s: %s", s->path, what, msg);
	if (strncmp(st, "22", 2) == 0 || strncmp(st, "23", 2) == 0)
		errx(EXIT_DATAERR, "%s: %s: %s", s->path, what, msg);
	errx(EXIT_IOERR, "%s: %s: %s", s->path, what, msg);
}

/* Whether result r is a success; else keep its error. */
static int
ok(struct store *s, PGresult *r)
{
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return 1;
	store_pg_error(s, r);
	return 0;
}

void
store_pg_run(struct store *s, const char *sql, const char *what)
{
	PGresult *r = PQexec(PG(s)->conn, sql);

	if (!ok(s, r)) {
		PQclear(r);
		store_pg_die(s, what);
	}
	PQclear(r);
}

/* Statements. */

/* Whether p starts the word w (a keyword of the text). */
static int
word(const char *p, const char *w)
{
	size_t n = strlen(w);

	return strncmp(p, w, n) == 0 && !(p[n] == '_' ||
	    (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
	    (p[n] >= '0' && p[n] <= '9'));
}

static const char *
skip_ident(const char *p)
{
	while (*p == ' ')
		p++;
	while (*p == '_' || (*p >= 'a' && *p <= 'z') ||
	    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
		p++;
	return p;
}

/* Translate the neutral text of q->sql's source into q. */
static void
translate(struct pg_stmt *q, const char *sql)
{
	struct buf b = BUF_INIT;
	const char *p = sql;
	int cap = 0;

	while (*p) {
		if (*p == '\'' || *p == '"') {
			char end = *p;

			buf_addc(&b, *p++);
			/* A quote doubled inside is two of these rounds. */
			while (*p && *p != end)
				buf_addc(&b, *p++);
			if (*p)
				buf_addc(&b, *p++);
		} else if (*p == '?') {
			int i = 0;

			for (p++; *p >= '0' && *p <= '9'; p++)
				i = 10 * i + (*p - '0');
			if (i == 0)
				i = q->n + 1;
			if (i > q->n)
				q->n = i;
			if (q->n >= cap) {
				int old = cap;

				cap = 2 * q->n + 8;
				q->used = xrealloc(q->used, (size_t)cap);
				memset(q->used + old, 0, (size_t)(cap - old));
			}
			q->used[i] = 1;
			buf_printf(&b, "$%d", i);
		} else if ((p == sql || p[-1] == ' ') &&
		    word(p, "INDEXED BY")) {
			p = skip_ident(p + strlen("INDEXED BY"));
		} else {
			buf_addc(&b, *p++);
		}
	}
	q->sql = buf_detach(&b);
}

static struct store_stmt *
pg_prepare(struct store *s, const char *sql)
{
	struct pg_stmt *q = xcalloc(1, sizeof *q);

	q->base.eng = &store_pg_engine;
	q->s = s;
	translate(q, sql);
	if (q->n > 0) {
		q->val = xcalloc((size_t)q->n, sizeof *q->val);
		q->len = xcalloc((size_t)q->n, sizeof *q->len);
		q->fmt = xcalloc((size_t)q->n, sizeof *q->fmt);
		q->type = xcalloc((size_t)q->n, sizeof *q->type);
	}
	return &q->base;
}

/* Let go of the row's decoded blobs. */
static void
drop_blobs(struct pg_stmt *q)
{
	int i;

	for (i = 0; i < q->ncols; i++) {
		if (q->blob[i])
			PQfreemem(q->blob[i]);
		q->blob[i] = NULL;
	}
}

static void
pg_reset(struct store_stmt *st)
{
	struct pg_stmt *q = Q(st);
	int i;

	drop_blobs(q);
	PQclear(q->res);
	q->res = NULL;
	q->row = q->rows = 0;
	for (i = 0; i < q->n; i++) {
		free(q->val[i]);
		q->val[i] = NULL;
		q->len[i] = q->fmt[i] = q->type[i] = 0;
	}
}

static void
pg_finalize(struct store_stmt *st)
{
	struct pg_stmt *q = Q(st);
	char sql[48];

	pg_reset(st);
	if (q->name[0] && PQstatus(PG(q->s)->conn) == CONNECTION_OK) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
		PQclear(PQexec(PG(q->s)->conn, sql));
	}
	free(q->blob);
	free(q->bloblen);
	free(q->val);
	free(q->len);
	free(q->fmt);
	free(q->type);
	free(q->used);
	free(q->sql);
	free(q);
}

static void
pg_bind(struct store_stmt *st, int i, const struct store_value *v)
{
	struct pg_stmt *q = Q(st);
	char num[32];

	/* As SQLite does, a parameter the text does not have takes no
	 * value: a caller binds the same values to statements that use some
	 * of them. */
	if (i < 1 || i > q->n)
		return;
	i--;
	free(q->val[i]);
	q->val[i] = NULL;
	q->fmt[i] = 0;
	switch (v->type) {
	case STORE_NULL:
		q->type[i] = 0;
		return;
	case STORE_INTEGER:
		snprintf(num, sizeof num, "%lld", v->i);
		q->val[i] = xstrdup(num);
		q->type[i] = OID_INT8;
		break;
	case STORE_REAL:
		snprintf(num, sizeof num, "%.17g", v->r);
		q->val[i] = xstrdup(num);
		q->type[i] = OID_FLOAT8;
		break;
	case STORE_TEXT:
		q->val[i] = xmalloc(v->len + 1);
		memcpy(q->val[i], v->p ? v->p : "", v->len);
		q->val[i][v->len] = '\0';
		q->type[i] = OID_TEXT;
		break;
	case STORE_BLOB:
		q->val[i] = xmalloc(v->len ? v->len : 1);
		memcpy(q->val[i], v->p, v->len);
		q->fmt[i] = 1;
		q->type[i] = OID_BYTEA;
		break;
	}
	if (v->len > 0x7fffffff)
		errx(EXIT_DATAERR, "a value of %zu bytes is too long", v->len);
	q->len[i] = (int)(v->type == STORE_BLOB ? v->len :
	    strlen(q->val[i]));
}

/* Prepare q on the server, its parameters typed by what is bound now. */
static void
server_prepare(struct store *s, struct pg_stmt *q)
{
	struct pg *pg = PG(s);
	Oid *types = NULL;
	PGresult *r;
	int i;

	if (q->n > 0)
		types = xcalloc((size_t)q->n, sizeof *types);
	for (i = 0; i < q->n; i++)
		types[i] = !q->used[i + 1] ? OID_TEXT : (Oid)q->type[i];
	snprintf(q->name, sizeof q->name, "s%lu", ++pg->names);
	r = PQprepare(pg->conn, q->name, q->sql, q->n, types);
	free(types);
	if (!ok(s, r)) {
		PQclear(r);
		warnx("%s: in: %s", s->path, q->sql);
		store_pg_die(s, "prepare");
	}
	PQclear(r);
}

static int
pg_step(struct store *s, struct store_stmt *st)
{
	struct pg_stmt *q = Q(st);

	if (!q->res) {
		if (!q->name[0])
			server_prepare(s, q);
		q->res = PQexecPrepared(PG(s)->conn, q->name, q->n,
		    (const char *const *)q->val, q->len, q->fmt, 0);
		if (!ok(s, q->res)) {
			PQclear(q->res);
			q->res = NULL;
			if (strcmp(PG(s)->sqlstate, "23505") == 0)
				return -1;
			store_pg_die(s, "read");
		}
		q->rows = PQntuples(q->res);
		q->row = -1;
		if (PQnfields(q->res) > q->ncols) {
			drop_blobs(q);
			q->ncols = PQnfields(q->res);
			q->blob = xrealloc(q->blob, (size_t)q->ncols *
			    sizeof *q->blob);
			q->bloblen = xrealloc(q->bloblen, (size_t)q->ncols *
			    sizeof *q->bloblen);
			memset(q->blob, 0, (size_t)q->ncols * sizeof *q->blob);
		}
	}
	drop_blobs(q);
	if (q->row + 1 >= q->rows) {
		q->row = q->rows;
		return 0;
	}
	q->row++;
	return 1;
}

static int
pg_changes(struct store *s, struct store_stmt *st)
{
	const char *n = Q(st)->res ? PQcmdTuples(Q(st)->res) : "";

	(void)s;
	return *n ? atoi(n) : 0;
}

static void
pg_column(struct store_stmt *st, int i, struct store_value *v)
{
	struct pg_stmt *q = Q(st);
	const char *t;

	if (!q->res || q->row < 0 || q->row >= q->rows ||
	    i >= PQnfields(q->res) || PQgetisnull(q->res, q->row, i)) {
		v->type = STORE_NULL;
		return;
	}
	t = PQgetvalue(q->res, q->row, i);
	switch (PQftype(q->res, i)) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		v->type = STORE_INTEGER;
		v->i = strtoll(t, NULL, 10);
		break;
	case OID_BOOL:
		v->type = STORE_INTEGER;
		v->i = t[0] == 't';
		break;
	case OID_NUMERIC:
		/* sum() of integers is numeric: whole, it is an integer. */
		if (!strpbrk(t, ".eEN")) {
			v->type = STORE_INTEGER;
			v->i = strtoll(t, NULL, 10);
			break;
		}
		/* FALLTHROUGH */
	case OID_FLOAT4:
	case OID_FLOAT8:
		v->type = STORE_REAL;
		v->r = strtod(t, NULL);
		break;
	case OID_BYTEA:
		if (!q->blob[i])
			q->blob[i] = PQunescapeBytea((const unsigned char *)t,
			    &q->bloblen[i]);
		if (!q->blob[i])
			errx(EXIT_TEMPFAIL, "out of memory");
		v->type = STORE_BLOB;
		v->p = q->blob[i];
		v->len = q->bloblen[i];
		break;
	default:
		v->type = STORE_TEXT;
		v->p = t;
		v->len = (size_t)PQgetlength(q->res, q->row, i);
		break;
	}
}

/* Transactions. */

/* BEGIN, the writer's lock and the clock in one round trip, as the
 * worker's transactions are many and short.  An error stops the text
 * where it happened and is what PQexec returns. */
static int
pg_begin(struct store *s)
{
	struct pg *pg = PG(s);
	PGresult *r;

	r = PQexec(pg->conn, pg->nosync ? "BEGIN;"
	    "SET LOCAL synchronous_commit = off;"
	    "SELECT pg_advisory_xact_lock(" WRITER_LOCK ");" CLOCK :
	    "BEGIN;SELECT pg_advisory_xact_lock(" WRITER_LOCK ");" CLOCK);
	if (ok(s, r) && PQntuples(r) == 1) {
		pg->txn_now = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		pg->have_now = 1;
		PQclear(r);
		return 0;
	}
	PQclear(r);
	if (strcmp(pg->sqlstate, "55P03") != 0)
		store_pg_die(s, "begin");
	store_pg_run(s, "ROLLBACK", "begin");
	return STORE_RETRY;
}

static void
pg_begin_read(struct store *s)
{
	store_pg_run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    "begin");
}

static void
pg_commit(struct store *s)
{
	PG(s)->have_now = 0;
	store_pg_run(s, "COMMIT", "commit");
}

static void
pg_rollback(struct store *s)
{
	PG(s)->have_now = 0;
	store_pg_run(s, "ROLLBACK", "rollback");
}

/* Taken up by the next write transaction's BEGIN, or by the open one. */
static void
pg_sync(struct store *s, int full)
{
	struct pg *pg = PG(s);

	pg->nosync = !full;
	if (PQtransactionStatus(pg->conn) == PQTRANS_INTRANS)
		store_pg_run(s, full ? "SET LOCAL synchronous_commit = on" :
		    "SET LOCAL synchronous_commit = off", "sync");
}

/* The server's clock: the one every worker's leases are measured by,
 * whatever its own host's clock says.  In a write transaction, the time
 * it began (its lock taken): one time for all it records. */
static long long
pg_now(struct store *s)
{
	struct pg *pg = PG(s);
	long long t;

	if (pg->have_now && PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		return pg->txn_now;
	if (!pg->now)
		pg->now = pg_prepare(s, CLOCK);
	if (pg_step(s, pg->now) != 1)
		store_pg_die(s, "clock");
	t = strtoll(PQgetvalue(Q(pg->now)->res, 0, 0), NULL, 10);
	pg_reset(pg->now);
	return t;
}

static int
pg_file_version(struct store *s)
{
	return store_pg_version(s);
}

/* The connection. */

static int
pg_claims(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0;
}

/* Whether the URI holds a password: user:password@ before the host, or
 * a password= parameter. */
static int
has_password(const char *uri)
{
	const char *a = strstr(uri, "://") + 3;
	size_t n = strcspn(a, "/?");
	const char *at = memchr(a, '@', n), *q = strchr(uri, '?');

	if (at && memchr(a, ':', (size_t)(at - a)))
		return 1;
	for (; q; q = strchr(q + 1, '&'))
		if (strncmp(q + 1, "password=", 9) == 0)
			return 1;
	return 0;
}

static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static struct store *
pg_open(const char *uri, int flags)
{
	struct store *s;
	struct pg *pg;
	const char *msg;

	if (has_password(uri))
		errx(EXIT_USAGE, "%s: a password in the URI would show in ps(1); "
		    "put it in ~/.pgpass or the file PGPASSFILE names", uri);
	s = xcalloc(1, sizeof *s);
	s->eng = &store_pg_engine;
	s->path = xstrdup(uri);
	s->db = pg = xcalloc(1, sizeof *pg);
	pg->conn = PQconnectdb(uri);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		msg = PQerrorMessage(pg->conn);
		store_pg_error(s, NULL);
		if (strstr(msg, "authentication") || strstr(msg, "password"))
			errx(EXIT_NOPERM, "%s: %s", uri, pg->error);
		if (strstr(msg, "does not exist"))
			errx(EXIT_NOINPUT, "%s: %s", uri, pg->error);
		errx(EXIT_TEMPFAIL, "%s: the database is unreachable: %s; try "
		    "again later", uri, pg->error);
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	store_pg_run(s, "SET client_min_messages = warning;"
	    "SET lock_timeout = '10s';"
	    "SET TIME ZONE 'UTC';"
	    "SET synchronous_commit = on", "open");
	store_pg_migrate(s, flags);
	return s;
}

static void
pg_close(struct store *s)
{
	struct pg *pg = PG(s);

	if (pg->now)
		pg_finalize(pg->now);
	PQfinish(pg->conn);
	free(pg->error);
	free(pg);
	free(s->path);
	free(s);
}

/*
 * The claim.  Each due item is locked as it is taken, and an item another
 * claimer has locked is passed over (SKIP LOCKED): claimers never wait
 * for each other, and no two take one item.
 */
static const char *const pg_sql[STORE_SQL_N] = {
	[STORE_SQL_CLAIM] = "UPDATE job_item SET " STORE_CLAIM_SET
	    "WHERE id IN (SELECT i.id " STORE_DUE_ITEMS "ORDER BY i.due "
	    "LIMIT ?5 FOR UPDATE OF i SKIP LOCKED) RETURNING "
	    STORE_CLAIM_COLS,
	[STORE_SQL_RECIPIENTS] = STORE_RECIPIENTS("SELECT n - 1, email "
	    "FROM unnest(CAST(?4 AS text[])) WITH ORDINALITY AS u(email, n)"),
	/* One statement, whatever the count: the server checks each row's
	 * references the same, but parses, plans and answers once. */
	[STORE_SQL_ITEMS] = "INSERT INTO job_item (job_id, row, email, name, "
	    "class, prior, state, due) SELECT ?1, u.row, u.email, u.name, "
	    "u.class, u.prior, u.state, CASE WHEN u.state = 'pending' THEN ?2 "
	    "END FROM unnest(CAST(?3 AS bigint[]), CAST(?4 AS text[]), "
	    "CAST(?5 AS text[]), CAST(?6 AS text[]), CAST(?7 AS text[]), "
	    "CAST(?8 AS text[])) WITH ORDINALITY "
	    "AS u(row, email, name, class, prior, state, n) ORDER BY u.n",
};

/* A list is an array's text: {"a","b",NULL}, '"' and '\' escaped with a
 * backslash.  The planner reads its length when it plans for it. */
static void
pg_list(struct buf *b, const char *const *v, size_t n)
{
	const char *p;
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		if (!v[i]) {
			buf_adds(b, "NULL");
			continue;
		}
		buf_addc(b, '"');
		for (p = v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *p);
		}
		buf_addc(b, '"');
	}
	buf_addc(b, '}');
}

const struct store_engine store_pg_engine = {
	.name = "postgresql",
	.claims = pg_claims,
	.open = pg_open,
	.close = pg_close,
	.file_version = pg_file_version,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.sync = pg_sync,
	.now = pg_now,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind = pg_bind,
	.step = pg_step,
	.changes = pg_changes,
	.column = pg_column,
	.run = store_pg_run,
	.die = store_pg_die,
	.sql = pg_sql,
	.list = pg_list,
	.tables = store_pg_tables,
	.columns = store_pg_columns,
	.key = store_pg_key,
	.parents = store_pg_parents,
	.defer_references = store_pg_defer_references,
	.rows_written = store_pg_rows_written,
	.check = store_pg_check,
	.backup = NULL,
};
