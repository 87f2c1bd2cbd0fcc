/*
 * store_sqlite.c: the SQLite engine: opening the file, the schema and
 * its migrations, transactions, and the driver of statements that the
 * engine-neutral store files use (store_impl.h).  The contract is in
 * store.h.
 *
 * The schema is versioned with PRAGMA user_version.  migrations[i] takes
 * a database from version i to i + 1; store_open applies the missing ones
 * in one transaction.  A migration is never edited once released: a change
 * is a new entry at the end.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "files.h"
#include "json.h"
#include "store_sqlite.h"
#include "util.h"

/* "CRDP": marks the file as a credpipe database. */
#define APPLICATION_ID 0x43524450

static const char *const migrations[] = {
	/* 0 -> 1: organizations and who may act for them. */
	"CREATE TABLE org ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  plan TEXT NOT NULL DEFAULT 'free'"
	"    CHECK (plan IN ('free', 'professional', 'enterprise')),"
	"  approved INTEGER NOT NULL DEFAULT 0,"
	"  quota INTEGER CHECK (quota >= 0),"
	"  sender_email TEXT,"
	"  sender_name TEXT,"
	"  created INTEGER NOT NULL"
	");"
	"CREATE TABLE signing_key ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  public_key BLOB NOT NULL CHECK (length(public_key) = 32),"
	"  sealed_secret BLOB NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE UNIQUE INDEX signing_key_active ON signing_key(org_id)"
	"  WHERE active;"
	"CREATE TABLE badge ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  slug TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  criteria TEXT NOT NULL DEFAULT '',"
	"  valid_days INTEGER CHECK (valid_days > 0),"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (org_id, slug)"
	");"
	"CREATE TABLE member ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  email TEXT NOT NULL,"
	"  role TEXT NOT NULL"
	"    CHECK (role IN ('viewer', 'issuer', 'admin', 'owner')),"
	"  created INTEGER NOT NULL,"
	"  removed INTEGER"
	");"
	"CREATE UNIQUE INDEX member_email ON member(org_id, email)"
	"  WHERE removed IS NULL;"
	"CREATE TABLE api_key ("
	"  id INTEGER PRIMARY KEY,"
	"  prefix TEXT NOT NULL UNIQUE,"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32),"
	"  member_id INTEGER NOT NULL REFERENCES member(id),"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER,"
	"  revoked INTEGER,"
	"  rate INTEGER NOT NULL DEFAULT 10 CHECK (rate >= 0)"
	");"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  org_id INTEGER REFERENCES org(id),"
	"  action TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT ''"
	");",

	/* 1 -> 2: credentials, jobs, quota. */
	"CREATE TABLE credential ("
	"  id TEXT PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  badge_id INTEGER NOT NULL REFERENCES badge(id),"
	"  email TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  issued INTEGER NOT NULL,"
	"  expires INTEGER,"
	"  revoked INTEGER,"
	"  revoke_reason TEXT,"
	"  supersedes TEXT REFERENCES credential(id),"
	"  job_item_id INTEGER UNIQUE REFERENCES job_item(id),"
	"  document TEXT"
	");"
	/* Covers what classifying reads, in the order it wants them (the
	 * latest first; two issued in one second by the later expiry), so
	 * that a recipient's latest credential costs one index descent. */
	"CREATE INDEX credential_latest ON credential(org_id, badge_id,"
	"  email, issued, expires, revoked, id);"
	"CREATE INDEX credential_supersedes ON credential(supersedes)"
	"  WHERE supersedes IS NOT NULL;"
	"CREATE TABLE job ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  badge_id INTEGER NOT NULL REFERENCES badge(id),"
	"  api_key_id INTEGER REFERENCES api_key(id),"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN"
	"    ('pending', 'processing', 'completed', 'cancelled')),"
	"  created INTEGER NOT NULL,"
	"  started INTEGER,"
	"  finished INTEGER"
	");"
	"CREATE INDEX job_org ON job(org_id, id);"
	/* An item is claimable from its due time (when it was submitted,
	 * when a lease runs out, when a retry is due); a finished item (sent,
	 * failed, skipped, cancelled) has none, which keeps the partial
	 * indexes small.  The CHECKs spell their lists out with OR: an IN
	 * list would build a temporary table for every row written. */
	"CREATE TABLE job_item ("
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL REFERENCES job(id),"
	"  row INTEGER NOT NULL,"
	"  email TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  class TEXT NOT NULL CHECK (class = 'new' OR class = 'expired'"
	"    OR class = 'active-timebound' OR class = 'active-nonexpiring'"
	"    OR class = 'revoked'),"
	"  prior TEXT REFERENCES credential(id),"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending'"
	"    OR state = 'claimed' OR state = 'deferred' OR state = 'sent'"
	"    OR state = 'failed' OR state = 'skipped' OR state = 'cancelled'),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  due INTEGER,"
	"  lease TEXT,"
	"  credential_id TEXT REFERENCES credential(id),"
	"  reason TEXT"
	");"
	"CREATE INDEX job_item_job ON job_item(job_id, state);"
	"CREATE INDEX job_item_due ON job_item(due) WHERE due IS NOT NULL;"
	"CREATE TABLE quota_use ("
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  month TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  job_item_id INTEGER REFERENCES job_item(id),"
	"  PRIMARY KEY (org_id, month, email)"
	") WITHOUT ROWID;",

	/* 2 -> 3: a token bucket per API key for the submission rate, and
	 * the open items of a recipient, so that a roster submitted twice
	 * does not issue twice. */
	"ALTER TABLE api_key ADD COLUMN tokens REAL;"
	"ALTER TABLE api_key ADD COLUMN tokens_at INTEGER;"
	"CREATE INDEX job_item_open ON job_item(email)"
	"  WHERE due IS NOT NULL;",

	/* 3 -> 4: accountability and leases that hold.  An item records
	 * whether its credential may have left the machine (an attempt
	 * reached the end of DATA, or was under way when its worker died), so
	 * that only a credential that certainly never left is ever withdrawn.
	 * The quota is held per item (quota_hold) instead of per recipient, so
	 * that one item's failure cannot uncount a recipient another item
	 * delivered to; the holds are made from the old counts.  Withdrawing
	 * a credential checks the items that name it: index those columns. */
	"ALTER TABLE job_item ADD COLUMN may_have_left INTEGER NOT NULL"
	"  DEFAULT 0;"
	"ALTER TABLE job_item ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;"
	"UPDATE job_item SET may_have_left = 1 WHERE state = 'sent'"
	"  OR state = 'claimed' OR attempts > 0;"
	"CREATE INDEX job_item_prior ON job_item(prior)"
	"  WHERE prior IS NOT NULL;"
	"CREATE INDEX job_item_credential ON job_item(credential_id)"
	"  WHERE credential_id IS NOT NULL;"
	"CREATE TABLE quota_hold ("
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  month TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  job_item_id INTEGER NOT NULL REFERENCES job_item(id),"
	"  PRIMARY KEY (org_id, month, email, job_item_id)"
	") WITHOUT ROWID;"
	"INSERT OR IGNORE INTO quota_hold SELECT org_id, month, email,"
	"  job_item_id FROM quota_use WHERE job_item_id IS NOT NULL;"
	"INSERT OR IGNORE INTO quota_hold SELECT q.org_id, q.month, q.email,"
	"  i.id FROM quota_use q JOIN job j ON j.org_id = q.org_id"
	"  JOIN job_item i ON i.job_id = j.id AND i.email = q.email"
	"  WHERE strftime('%Y-%m', j.created, 'unixepoch') = q.month"
	"  AND (i.state = 'pending' OR i.state = 'claimed'"
	"  OR i.state = 'deferred' OR i.state = 'sent');"
	"DROP TABLE quota_use;",

	/* 4 -> 5: what the world sees.  An organization's public profile
	 * (url, email, description, image), the links its mail recommends,
	 * and the base URL of its status lists ('none': it chose to issue
	 * credentials that carry no status); a badge's image and
	 * achievementType.  Images are kept as the IRI credentials carry: a
	 * data: URI, or an https URL.  Status lists, one signing key each,
	 * hand out their indexes in the order of a keyed permutation (seed),
	 * so that an index says nothing of when its credential was issued;
	 * a credential records its list and index. */
	"ALTER TABLE org ADD COLUMN status_url TEXT;"
	"ALTER TABLE org ADD COLUMN url TEXT;"
	"ALTER TABLE org ADD COLUMN email TEXT;"
	"ALTER TABLE org ADD COLUMN description TEXT;"
	"ALTER TABLE org ADD COLUMN image TEXT;"
	"ALTER TABLE org ADD COLUMN wallet_url TEXT;"
	"ALTER TABLE org ADD COLUMN verifier_url TEXT;"
	"ALTER TABLE badge ADD COLUMN image TEXT;"
	"ALTER TABLE badge ADD COLUMN achievement_type TEXT;"
	"CREATE TABLE status_list ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES org(id),"
	"  key_id INTEGER NOT NULL REFERENCES signing_key(id),"
	"  url TEXT UNIQUE,"
	"  seed BLOB NOT NULL CHECK (length(seed) = 32),"
	"  size INTEGER NOT NULL CHECK (size > 0),"
	"  used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= size),"
	"  created INTEGER NOT NULL"
	");"
	"CREATE INDEX status_list_open ON status_list(org_id, key_id)"
	"  WHERE used < size;"
	"ALTER TABLE credential ADD COLUMN status_list_id INTEGER"
	"  REFERENCES status_list(id);"
	"ALTER TABLE credential ADD COLUMN status_index INTEGER;"
	"CREATE UNIQUE INDEX credential_status ON credential(status_list_id,"
	"  status_index) WHERE status_list_id IS NOT NULL;",

	/* 5 -> 6: members reach their commands over SSH (credpipe-shell):
	 * each of their public keys, one member's each while it is not
	 * revoked, with a rate bucket of its own as an API key has; a job
	 * records the SSH key that submitted it. */
	"CREATE TABLE ssh_key ("
	"  id INTEGER PRIMARY KEY,"
	"  member_id INTEGER NOT NULL REFERENCES member(id),"
	"  type TEXT NOT NULL,"
	"  blob TEXT NOT NULL,"
	"  comment TEXT NOT NULL DEFAULT '',"
	"  fingerprint TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER,"
	"  revoked INTEGER,"
	"  rate INTEGER NOT NULL DEFAULT 10 CHECK (rate >= 0),"
	"  tokens REAL,"
	"  tokens_at INTEGER"
	");"
	"CREATE UNIQUE INDEX ssh_key_blob ON ssh_key(blob)"
	"  WHERE revoked IS NULL;"
	"CREATE INDEX ssh_key_member ON ssh_key(member_id);"
	"ALTER TABLE job ADD COLUMN ssh_key_id INTEGER REFERENCES ssh_key(id);",

	/* 6 -> 7: members list their organization's credentials by the
	 * time they were issued (credential-list). */
	"CREATE INDEX credential_issued ON credential(org_id, issued);",

	/* 7 -> 8: the order credentials were recorded in, as a column of
	 * their own (seq) instead of SQLite's rowid, which no other engine
	 * has and a copy does not keep: it breaks the tie of two issued in
	 * one second.  Classifying reads it from its index. */
	"ALTER TABLE credential ADD COLUMN seq INTEGER;"
	"UPDATE credential SET seq = rowid;"
	"CREATE UNIQUE INDEX credential_seq ON credential(seq);"
	"DROP INDEX credential_latest;"
	"CREATE INDEX credential_latest ON credential(org_id, badge_id,"
	"  email, issued, expires, revoked, id, seq);",

	/* 8 -> 9: the quota held by the items themselves.  An item holds
	 * its recipient's place while it is pending, claimed, deferred or
	 * sent, in the month its job was created; that is what quota_hold
	 * recorded, a row for each item, and what it cost a submission to
	 * write.  Holds are counted through the recipient's items: index
	 * them all by email, not only the open ones. */
	STORE_MIGRATE_9,
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

_Static_assert(sizeof migrations / sizeof *migrations ==
    STORE_SCHEMA_VERSION, "a migration for every schema version");

#define DB(s) ((sqlite3 *)(s)->db)

/* A statement: the driver's, as store_impl.h hands it around. */
struct sq_stmt {
	struct store_stmt base;
	sqlite3_stmt *st;
};

#define ST(p) (((struct sq_stmt *)(p))->st)

static void sq_die(struct store *, const char *) __attribute__((noreturn));

static void
sq_die(struct store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(DB(s)) & 0xff;
	int code = EXIT_IOERR;

	switch (rc) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		errx(EXIT_TEMPFAIL, "%s: the database is busy (%s); try "
		    "again later", s->path, what);
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		code = EXIT_DATAERR;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		code = EXIT_NOPERM;
		break;
	case SQLITE_NOMEM:
		code = EXIT_TEMPFAIL;
		break;
	}
	errx(code, "%s: %s: %s", s->path, what, sqlite3_errmsg(DB(s)));
}

static struct store_stmt *
sq_prepare(struct store *s, const char *sql)
{
	struct sq_stmt *q = xcalloc(1, sizeof *q);

	q->base.eng = &store_sqlite_engine;
	if (sqlite3_prepare_v3(DB(s), sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &q->st, NULL) != SQLITE_OK)
		sq_die(s, "prepare");
	return &q->base;
}

static void
sq_finalize(struct store_stmt *st)
{
	sqlite3_finalize(ST(st));
	free(st);
}

static void
sq_reset(struct store_stmt *st)
{
	sqlite3_reset(ST(st));
	sqlite3_clear_bindings(ST(st));
}

static void
sq_bind(struct store_stmt *st, int i, const struct store_value *v)
{
	sqlite3_stmt *q = ST(st);

	if ((v->type == STORE_TEXT || v->type == STORE_BLOB) &&
	    v->len > INT_MAX)
		errx(EXIT_DATAERR, "a value of %zu bytes is too long", v->len);
	switch (v->type) {
	case STORE_NULL:
		sqlite3_bind_null(q, i);
		break;
	case STORE_INTEGER:
		sqlite3_bind_int64(q, i, v->i);
		break;
	case STORE_REAL:
		sqlite3_bind_double(q, i, v->r);
		break;
	case STORE_TEXT:
		sqlite3_bind_text(q, i, v->p ? v->p : "", (int)v->len,
		    SQLITE_TRANSIENT);
		break;
	case STORE_BLOB:
		/* A NULL pointer would bind NULL, not an empty blob. */
		if (v->len == 0)
			sqlite3_bind_zeroblob(q, i, 0);
		else
			sqlite3_bind_blob(q, i, v->p, (int)v->len,
			    SQLITE_TRANSIENT);
		break;
	}
}

static int
sq_step(struct store *s, struct store_stmt *st)
{
	int rc = sqlite3_step(ST(st)), ext;

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	ext = sqlite3_extended_errcode(DB(s));
	if (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return -1;
	sq_die(s, "read");
}

static int
sq_changes(struct store *s, struct store_stmt *st)
{
	(void)st;
	return sqlite3_changes(DB(s));
}

static void
sq_column(struct store_stmt *st, int i, struct store_value *v)
{
	sqlite3_stmt *q = ST(st);

	switch (sqlite3_column_type(q, i)) {
	case SQLITE_NULL:
		v->type = STORE_NULL;
		break;
	case SQLITE_INTEGER:
		v->type = STORE_INTEGER;
		v->i = sqlite3_column_int64(q, i);
		break;
	case SQLITE_FLOAT:
		v->type = STORE_REAL;
		v->r = sqlite3_column_double(q, i);
		break;
	case SQLITE_BLOB:
		v->type = STORE_BLOB;
		v->p = sqlite3_column_blob(q, i);
		v->len = (size_t)sqlite3_column_bytes(q, i);
		break;
	default:
		v->type = STORE_TEXT;
		v->p = sqlite3_column_text(q, i);
		v->len = (size_t)sqlite3_column_bytes(q, i);
		break;
	}
}

/* Run SQL text that returns no rows we need. */
static void
sq_run(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(DB(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		sq_die(s, what);
}

static int
pragma_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(DB(s), sql, -1, &st, NULL) != SQLITE_OK)
		sq_die(s, "prepare");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else if (sqlite3_errcode(DB(s)) != SQLITE_DONE)
		sq_die(s, "read");
	sqlite3_finalize(st);
	return v;
}

static int
sq_file_version(struct store *s)
{
	return pragma_int(s, "PRAGMA user_version");
}

static int
sq_begin(struct store *s)
{
	if (sqlite3_exec(DB(s), "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	    SQLITE_OK)
		return 0;
	if ((sqlite3_extended_errcode(DB(s)) & 0xff) == SQLITE_BUSY)
		return STORE_RETRY;
	sq_die(s, "begin");
}

static void
sq_begin_read(struct store *s)
{
	sq_run(s, "BEGIN", "begin");
}

static void
sq_commit(struct store *s)
{
	sq_run(s, "COMMIT", "commit");
}

static void
sq_rollback(struct store *s)
{
	sq_run(s, "ROLLBACK", "rollback");
}

static void
sq_sync(struct store *s, int full)
{
	sq_run(s, full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", "sync");
}

/* The file is on this host: the database's clock is this host's. */
static long long
sq_now(struct store *s)
{
	(void)s;
	return (long long)time(NULL);
}

/* Bring the schema up to date, inside the write lock so that two
 * programs opening a new file at once do not both migrate it.  A file is
 * up to date only with credpipe's application id as well as the current
 * version: another program's file may have any user_version. */
static void
migrate(struct store *s)
{
	int v, app;
	char sql[64];

	if (pragma_int(s, "PRAGMA application_id") == APPLICATION_ID &&
	    sq_file_version(s) == NMIGRATIONS)
		return;
	if (sq_begin(s) != 0)
		sq_die(s, "migrate");
	v = sq_file_version(s);
	app = pragma_int(s, "PRAGMA application_id");
	if (v > NMIGRATIONS)
		errx(EXIT_CONFIG, "%s: the database has schema version %d, "
		    "newer than this credpipe knows (%d); use a newer "
		    "credpipe", s->path, v, NMIGRATIONS);
	if (app != APPLICATION_ID && (v > 0 || app != 0 ||
	    pragma_int(s, "SELECT count(*) FROM sqlite_schema") > 0))
		errx(EXIT_DATAERR, "%s: not a credpipe database", s->path);
	s->made = v == 0;
	for (; v < NMIGRATIONS; v++)
		sq_run(s, migrations[v], "migrate");
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", NMIGRATIONS);
	sq_run(s, sql, "migrate");
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
	    APPLICATION_ID);
	sq_run(s, sql, "migrate");
	sq_commit(s);
}

/*
 * Refuse a database the running user cannot trust (files.h): the file,
 * and its -wal and -shm when they are there, since SQLite reads them as
 * part of it.
 */
static void
check_files(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char why[FILES_WHY_MAX];
	struct buf p = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		buf_reset(&p);
		buf_printf(&p, "%s%s", path, suffixes[i]);
		if (files_check(p.p, i ? FILES_OPTIONAL : 0, geteuid(),
		    why) != 0)
			errx(EXIT_CONFIG, "%s", why);
	}
	buf_release(&p);
}

/* Any path: the default engine. */
static int
sq_claims(const char *path)
{
	(void)path;
	return 1;
}

static struct store *
sq_open(const char *path, int flags)
{
	char why[FILES_WHY_MAX];
	struct store *s;
	struct stat st;
	sqlite3 *db;

	if (stat(path, &st) != 0) {
		int fd;

		if (errno != ENOENT)
			err(EXIT_NOINPUT, "%s", path);
		if (!(flags & STORE_CREATE))
			errx(EXIT_NOINPUT, "%s: no such database; CREDPIPE_DB "
			    "or -d names the one to use (the operator makes one "
			    "with org-admin init)", path);
		if (files_check_dir(path, geteuid(), why) != 0)
			errx(EXIT_CONFIG, "%s", why);
		/* Create it ourselves, so that it starts mode 0600. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) < 0 && errno != EEXIST)
			err(EXIT_CANTCREAT, "%s", path);
		if (fd >= 0)
			close(fd);
	} else if (S_ISDIR(st.st_mode)) {
		errx(EXIT_NOINPUT, "%s: is a directory", path);
	}
	check_files(path);

	s = xcalloc(1, sizeof *s);
	s->eng = &store_sqlite_engine;
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		s->db = db;
		sq_die(s, "open");
	}
	s->db = db;
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	sq_run(s, "PRAGMA foreign_keys = ON", "open");
	migrate(s);
	{
		/* WAL is a property of the file: set it once. */
		sqlite3_stmt *q;

		if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1,
		    &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
			sq_die(s, "open");
		sqlite3_finalize(q);
	}
	sq_run(s, "PRAGMA synchronous = FULL", "open");
	return s;
}

static void
sq_close(struct store *s)
{
	if (sqlite3_close(DB(s)) != SQLITE_OK)
		sq_die(s, "close");
	free(s->path);
	free(s);
}

/* The claim: UPDATE ... RETURNING hands the claimed rows back in one
 * step; CROSS JOIN keeps the walk on job_item_due, from the oldest due
 * time.  One writer at a time: no other claimer can take the rows. */
static const char *const sq_sql[STORE_SQL_N] = {
	[STORE_SQL_CLAIM] = "UPDATE job_item SET " STORE_CLAIM_SET
	    "WHERE id IN (SELECT i.id " STORE_DUE_ITEMS "ORDER BY i.due "
	    "LIMIT ?5) RETURNING " STORE_CLAIM_COLS,
	[STORE_SQL_RECIPIENTS] = STORE_RECIPIENTS("SELECT key, value "
	    "FROM json_each(?4)"),
};

/* A list is a JSON array of strings. */
static void
sq_list(struct buf *b, const char *const *v, size_t n)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		if (v[i])
			json_escape(b, v[i], strlen(v[i]));
		else
			buf_adds(b, "null");
	}
	buf_addc(b, ']');
}

const struct store_engine store_sqlite_engine = {
	.name = "sqlite",
	.claims = sq_claims,
	.open = sq_open,
	.close = sq_close,
	.file_version = sq_file_version,
	.begin = sq_begin,
	.begin_read = sq_begin_read,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.sync = sq_sync,
	.now = sq_now,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind = sq_bind,
	.step = sq_step,
	.changes = sq_changes,
	.column = sq_column,
	.run = sq_run,
	.die = sq_die,
	.sql = sq_sql,
	.list = sq_list,
	.tables = store_sqlite_tables,
	.columns = store_sqlite_columns,
	.key = store_sqlite_key,
	.parents = store_sqlite_parents,
	.defer_references = store_sqlite_defer_references,
	.rows_written = store_sqlite_rows_written,
	.check = store_sqlite_check,
	.backup = store_sqlite_backup,
};
