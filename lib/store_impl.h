/*
 * store_impl.h: what the lib/store*.c files share, and the unit tests
 * that look inside the store; no command sees it.
 *
 * The store is written once, in SQL that both engines take (lib/store.c,
 * store_org.c, store_cred.c, store_job.c, store_status.c, store_tools.c,
 * store_copy.c), over a small driver each engine provides: SQLite in
 * lib/store_sqlite*.c, PostgreSQL in lib/store_pg*.c.  Nothing outside
 * those files knows which engine is in use.
 *
 * The SQL the engine-neutral files write:
 *	- parameters are "?" or "?N" (N from 1), each "?N" bound by index;
 *	- flags are integers 0 and 1: compared ("active <> 0"), never used
 *	  as a truth value by themselves;
 *	- a new row's id comes back by "RETURNING id" (store_insert);
 *	- planner hints of SQLite ("INDEXED BY name") are allowed: another
 *	  engine's driver drops them;
 *	- what the two cannot say alike is a statement of the engine's own,
 *	  store_sql(s, STORE_SQL_...).
 */
#ifndef CREDPIPE_STORE_IMPL_H
#define CREDPIPE_STORE_IMPL_H

#include <stddef.h>

#include "buf.h"
#include "store.h"

struct store_engine;

/* The schema version both engines write: each has a migration for every
 * version up to it (store_sqlite.c, store_pg_schema.c). */
#define STORE_SCHEMA_VERSION 9

/* 8 -> 9, the same on both engines (the comment is in store_sqlite.c). */
#define STORE_MIGRATE_9 "DROP TABLE quota_hold;" \
	"DROP INDEX job_item_open;" \
	"CREATE INDEX job_item_email ON job_item(email);"

/* A prepared statement: each engine's begins with this. */
struct store_stmt {
	const struct store_engine *eng;
};

/* A prepared statement, kept for the life of the connection. */
struct store_cached {
	const char *sql;	/* the statement's text, by address */
	struct store_stmt *st;	/* prepared from it */
};

struct store {
	const struct store_engine *eng;
	void *db;		/* the engine's connection */
	char *path;		/* what was opened, for messages: a file's
				 * path, or a URI without its password */
	struct store_cached *cache;	/* ncache statements, in cap slots */
	size_t ncache, cap;
	int made;		/* this open made the database */
};

/* The statements the engines say each in their own way. */
enum store_sql {
	STORE_SQL_CLAIM,	/* store_items_claim: ?1 lease, ?2 until,
				 * ?3 now, ?4 job (0: any), ?5 how many;
				 * updates the rows STORE_DUE_ITEMS finds,
				 * as STORE_CLAIM_SET says, and gives back
				 * STORE_CLAIM_COLS */
	STORE_SQL_RECIPIENTS,	/* store_recipients: ?1 org, ?2 badge,
				 * ?3 and ?5 the month's first second and
				 * the next month's, ?4 the emails as the
				 * engine's list makes them;
				 * STORE_RECIPIENTS over a table of them */
	STORE_SQL_ITEMS,	/* store_job_add_items: ?1 job, ?2 the due
				 * time of its pending items, ?3 .. ?8 lists
				 * of the rows, emails, names, classes,
				 * priors and states; NULL: the engine takes
				 * them as rows of a VALUES list instead */
	STORE_SQL_N
};

/* a OR b of two flags, as a flag. */
#define STORE_OR(a, b) "(CASE WHEN " a " <> 0 OR " b " <> 0 THEN 1 ELSE 0 END)"

/*
 * An organization o that may issue now, for an item of job j: the gates
 * of auth_may_issue (lib/auth.c) in SQL, and the job's badge present.
 * check_jobs holds the two to agreeing.
 */
#define STORE_MAY_ISSUE "(o.approved <> 0 AND (o.plan = 'professional' " \
	"OR o.plan = 'enterprise') AND o.status_url IS NOT NULL " \
	"AND EXISTS (SELECT 1 FROM signing_key k " \
	"WHERE k.org_id = o.id AND k.active <> 0) AND EXISTS (SELECT 1 " \
	"FROM badge b WHERE b.id = j.badge_id))"

/* The items due by ?3 of job ?4 (any when 0) that may be claimed. */
#define STORE_DUE_ITEMS "FROM job_item i CROSS JOIN job j " \
	"CROSS JOIN org o WHERE i.due IS NOT NULL AND i.due <= ?3 AND " \
	"(?4 = 0 OR i.job_id = ?4) AND j.id = i.job_id AND " \
	"o.id = j.org_id AND " STORE_MAY_ISSUE " "

/* What claiming sets, and what it gives back.  An attempt left under way
 * by a dead worker may have reached the relay: its credential may have
 * left. */
#define STORE_CLAIM_SET "state = 'claimed', lease = ?1, due = ?2, " \
	"may_have_left = " STORE_OR("may_have_left", "sending") ", " \
	"sending = 0 "
#define STORE_CLAIM_COLS "id, job_id, row, attempts, email, name, class, " \
	"coalesce(prior, ''), coalesce(credential_id, '')"

/* Whether item i holds its recipient's place in the quota of the month
 * its job was created in (store.h). */
#define STORE_HOLDS(i) i ".state IN ('pending', 'claimed', 'deferred', " \
	"'sent')"

/*
 * What store_recipients asks of a table roster, r(n, email), n the place
 * of each email in the list from 0: it joins the roster with the sets it
 * is checked against, so that the engine may hash them rather than look up
 * each recipient three times.  A row for each
 * credential of the badge the recipient holds (the latest is picked in
 * C, as store_cred_latest picks it), or one with NULLs for none.
 */
#define STORE_RECIPIENTS(roster) "WITH r(n, email) AS (" roster ") " \
	"SELECT r.n, coalesce(o.job, 0), CASE WHEN q.email IS NULL " \
	"THEN 0 ELSE 1 END, c.id, c.issued, c.expires, c.revoked, c.seq, " \
	"c.revoke_reason FROM r LEFT JOIN (SELECT i.email, min(j.id) AS job " \
	"FROM job_item i JOIN job j ON j.id = i.job_id " \
	"WHERE i.due IS NOT NULL AND j.org_id = ?1 AND j.badge_id = ?2 " \
	"GROUP BY i.email) o ON o.email = r.email " \
	"LEFT JOIN (SELECT DISTINCT i.email FROM job j " \
	"JOIN job_item i ON i.job_id = j.id WHERE j.org_id = ?1 " \
	"AND j.created >= ?3 AND j.created < ?5 AND " STORE_HOLDS("i") ") q " \
	"ON q.email = r.email " \
	"LEFT JOIN credential c ON c.org_id = ?1 AND c.badge_id = ?2 " \
	"AND c.email = r.email"

/*
 * An engine.  The statement calls take and give values as store.h's
 * store_value does; step returns 1 with a row, 0 at the end, and ends the
 * program on an error (through die) but for a UNIQUE or primary key
 * constraint, for which it returns -1 (store_insert's STORE_EXISTS).
 */
struct store_engine {
	const char *name;	/* "sqlite", "postgresql" */
	/* Whether path names a database of this engine. */
	int (*claims)(const char *path);
	/* Connect, check and migrate: store_open's contract. */
	struct store *(*open)(const char *path, int flags);
	void (*close)(struct store *s);
	int (*file_version)(struct store *s);

	/* 0, or STORE_RETRY when other writers held the database past
	 * STORE_BUSY_MS (no transaction is begun). */
	int (*begin)(struct store *s);
	void (*begin_read)(struct store *s);
	void (*commit)(struct store *s);
	void (*rollback)(struct store *s);
	void (*sync)(struct store *s, int full);
	long long (*now)(struct store *s);

	struct store_stmt *(*prepare)(struct store *s, const char *sql);
	void (*finalize)(struct store_stmt *st);
	void (*reset)(struct store_stmt *st);
	void (*bind)(struct store_stmt *st, int i, const struct store_value *v);
	int (*step)(struct store *s, struct store_stmt *st);
	int (*changes)(struct store *s, struct store_stmt *st);
	void (*column)(struct store_stmt *st, int i, struct store_value *v);
	/* Run SQL text of one or more statements with no parameters. */
	void (*run)(struct store *s, const char *sql, const char *what);
	void (*die)(struct store *s, const char *what)
	    __attribute__((noreturn));

	const char *const *sql;	/* STORE_SQL_N statements */
	/* Append the n strings v (valid UTF-8, or NULL for a null) to b
	 * as one value, a list that the engine's STORE_SQL_RECIPIENTS and
	 * STORE_SQL_ITEMS make a table of. */
	void (*list)(struct buf *b, const char *const *v, size_t n);

	/* The schema, as store_tables and the dump read it: the tables'
	 * names (sorted by their bytes), a table's columns in the order
	 * of their declaration, its primary key's columns in its order, the
	 * tables it refers to.  Each gives a vector of strings and its
	 * length; store_names_free frees it. */
	size_t (*tables)(struct store *s, char ***v);
	size_t (*columns)(struct store *s, const char *table, char ***v);
	size_t (*key)(struct store *s, const char *table, char ***v);
	size_t (*parents)(struct store *s, const char *table, char ***v);
	/* The writer of rows: make references checked at the commit; once
	 * a table's rows are in, bring what hands out its ids past them. */
	void (*defer_references)(struct store *s);
	void (*rows_written)(struct store *s, const char *table);
	long long (*check)(struct store *s, enum store_check what, FILE *out);
	/* store_backup, or NULL: then the backup is a store_copy into a
	 * new SQLite file. */
	int (*backup)(struct store *s, const char *path);
};

extern const struct store_engine store_sqlite_engine;
extern const struct store_engine store_pg_engine;

/* The engine's statement for what. */
#define store_sql(s, what) ((s)->eng->sql[(what)])

/* The prepared statement for sql (a string constant: it is cached by its
 * address, for as long as s is open), reset and with its bindings
 * cleared.  The cache grows as needed; store_close finalizes it. */
struct store_stmt *store_stmt(struct store *s, const char *sql);
/* A statement of text made at run time, finalized by store_finalize. */
struct store_stmt *store_prepare(struct store *s, const char *sql);
void store_finalize(struct store_stmt *st);
/* Let go of a statement's row and what it holds (a read lock, a result)
 * before it is used again. */
void store_reset(struct store_stmt *st);

/* End the program over the last error of s: see store.h. */
void store_die(struct store *s, const char *what) __attribute__((noreturn));

/* Step st to completion (no rows expected); die on error.  Return the
 * number of rows changed. */
int store_exec(struct store *s, struct store_stmt *st);

/* Step an INSERT; with "RETURNING id", store the new row's id in *id
 * (when id is not NULL).  Return 0, or STORE_EXISTS when a UNIQUE or
 * PRIMARY KEY constraint refuses it: a statement that expects that says
 * "ON CONFLICT DO NOTHING", since on PostgreSQL an error would end the
 * transaction.  Die on any other error. */
int store_insert(struct store *s, struct store_stmt *st, long long *id);

/* Step st once: 1 with a row, 0 at the end; die on error. */
int store_row(struct store *s, struct store_stmt *st);

/* Binding: text is copied; an empty string binds as text (never NULL),
 * as does NULL with store_bind_text, and store_bind_text_or_null binds
 * NULL as NULL.  -1 (or the value none) binds NULL with
 * store_bind_int_or_null. */
void store_bind_int(struct store_stmt *st, int i, long long v);
void store_bind_real(struct store_stmt *st, int i, double v);
void store_bind_text(struct store_stmt *st, int i, const char *v);
void store_bind_text_or_null(struct store_stmt *st, int i, const char *v);
void store_bind_blob(struct store_stmt *st, int i, const void *p,
    size_t len);
void store_bind_null(struct store_stmt *st, int i);
void store_bind_int_or_null(struct store_stmt *st, int i, long long v,
    long long none);
void store_bind_value(struct store_stmt *st, int i,
    const struct store_value *v);

/* Columns of the current row, from 0: NULL text as "", NULL integer as
 * none.  A blob's bytes, and text, live until the next step or reset. */
enum store_type store_col_type(struct store_stmt *st, int i);
long long store_col_int(struct store_stmt *st, int i, long long none);
double store_col_real(struct store_stmt *st, int i);
const char *store_col_text(struct store_stmt *st, int i);
const void *store_col_blob(struct store_stmt *st, int i, size_t *len);
void store_col_value(struct store_stmt *st, int i, struct store_value *v);

/* Append the name s (a table's, a column's) to b as an SQL identifier,
 * double-quoted, a quote inside doubled: for SQL made from the schema. */
void store_add_ident(struct buf *b, const char *s);

void store_names_free(char **v, size_t n);

#endif
