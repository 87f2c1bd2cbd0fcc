/*
 * store_sqlite.c: opening the SQLite database, the schema and its
 * migrations, and the helpers the other lib/store_sqlite*.c files use.
 * The contract is in store.h.
 *
 * The schema is versioned with PRAGMA user_version.  migrations[i] takes
 * a database from version i to i + 1; store_open applies the missing ones
 * in one transaction.  A migration is never edited once released: a change
 * is a new entry at the end.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "files.h"
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
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

int
store_schema_version(void)
{
	return NMIGRATIONS;
}

void
store_die(struct store *s, const char *what)
{
	int rc = sqlite3_extended_errcode(s->db) & 0xff;
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
	errx(code, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql)
{
	struct store_cached *c;
	size_t i;

	for (i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	}
	if (s->ncache == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->cache = xrealloc(s->cache, s->cap * sizeof *s->cache);
	}
	c = &s->cache[s->ncache];
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->st, NULL) != SQLITE_OK)
		store_die(s, "prepare");
	c->sql = sql;
	s->ncache++;
	return c->st;
}

int
store_exec(struct store *s, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		store_die(s, "write");
	sqlite3_reset(st);
	return sqlite3_changes(s->db);
}

int
store_insert(struct store *s, sqlite3_stmt *st, long long *id)
{
	int rc = sqlite3_step(st), ext = sqlite3_extended_errcode(s->db);

	if (rc != SQLITE_DONE && (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)) {
		sqlite3_reset(st);
		return STORE_EXISTS;
	}
	if (rc != SQLITE_DONE)
		store_die(s, "write");
	sqlite3_reset(st);
	if (id)
		*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int
store_row(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		store_die(s, "read");
	sqlite3_reset(st);
	return 0;
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void
store_bind_int_or_null(sqlite3_stmt *st, int i, long long v, long long none)
{
	if (v == none)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

const char *
store_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

long long
store_col_int(sqlite3_stmt *st, int i, long long none)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return none;
	return sqlite3_column_int64(st, i);
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

/* Run SQL text that returns no rows we need. */
static void
run(struct store *s, const char *sql, const char *what)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		store_die(s, what);
}

static int
pragma_int(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		store_die(s, "prepare");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else if (sqlite3_errcode(s->db) != SQLITE_DONE)
		store_die(s, "read");
	sqlite3_finalize(st);
	return v;
}

int
store_file_version(struct store *s)
{
	return pragma_int(s, "PRAGMA user_version");
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
	    store_file_version(s) == NMIGRATIONS)
		return;
	store_begin(s);
	v = store_file_version(s);
	app = pragma_int(s, "PRAGMA application_id");
	if (v > NMIGRATIONS)
		errx(EXIT_CONFIG, "%s: the database has schema version %d, "
		    "newer than this credpipe knows (%d); use a newer "
		    "credpipe", s->path, v, NMIGRATIONS);
	if (app != APPLICATION_ID && (v > 0 || app != 0 ||
	    pragma_int(s, "SELECT count(*) FROM sqlite_schema") > 0))
		errx(EXIT_DATAERR, "%s: not a credpipe database", s->path);
	for (; v < NMIGRATIONS; v++)
		run(s, migrations[v], "migrate");
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", NMIGRATIONS);
	run(s, sql, "migrate");
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d",
	    APPLICATION_ID);
	run(s, sql, "migrate");
	store_commit(s);
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

struct store *
store_open(const char *path, int flags)
{
	char why[FILES_WHY_MAX];
	struct store *s;
	struct stat st;

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
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
		store_die(s, "open");
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	run(s, "PRAGMA foreign_keys = ON", "open");
	migrate(s);
	{
		/* WAL is a property of the file: set it once. */
		sqlite3_stmt *q;

		if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1,
		    &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
			store_die(s, "open");
		sqlite3_finalize(q);
	}
	run(s, "PRAGMA synchronous = FULL", "open");
	return s;
}

void
store_close(struct store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	free(s->cache);
	if (sqlite3_close(s->db) != SQLITE_OK)
		store_die(s, "close");
	free(s->path);
	free(s);
}

void
store_begin(struct store *s)
{
	run(s, "BEGIN IMMEDIATE", "begin");
}

void
store_begin_read(struct store *s)
{
	run(s, "BEGIN", "begin");
}

void
store_commit(struct store *s)
{
	run(s, "COMMIT", "commit");
}

void
store_rollback(struct store *s)
{
	run(s, "ROLLBACK", "rollback");
}

void
store_sync(struct store *s, int full)
{
	run(s, full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", "sync");
}

long long
store_now(void)
{
	return (long long)time(NULL);
}

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
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, store_now());
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
	    "a.actor, coalesce(o.slug, ''), a.action, a.detail FROM audit a "
	    "LEFT JOIN org o ON o.id = a.org_id WHERE ?1 = 0 OR a.org_id = ?1 "
	    "ORDER BY a.id DESC LIMIT ?2) ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct store_audit_entry e;

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, n);
	while (store_row(s, st)) {
		e.id = sqlite3_column_int64(st, 0);
		e.at = sqlite3_column_int64(st, 1);
		e.actor = store_col_text(st, 2);
		e.org = store_col_text(st, 3);
		e.action = store_col_text(st, 4);
		e.detail = store_col_text(st, 5);
		fn(&e, arg);
	}
}
