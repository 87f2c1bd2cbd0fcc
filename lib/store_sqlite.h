/*
 * store_sqlite.h: what the lib/store_sqlite*.c files share, and the unit
 * tests that look inside the file; no command sees it.
 */
#ifndef CREDPIPE_STORE_SQLITE_H
#define CREDPIPE_STORE_SQLITE_H

#include <sqlite3.h>

#include "buf.h"
#include "store.h"

/* A prepared statement, kept for the life of the connection. */
struct store_cached {
	const char *sql;	/* the statement's text, by address */
	sqlite3_stmt *st;	/* prepared from it */
};

struct store {
	sqlite3 *db;
	char *path;		/* as given to store_open, for messages */
	struct store_cached *cache;	/* ncache statements, in cap slots */
	size_t ncache, cap;
};

/* The statement that claims work (store_items_claim); the tests check its
 * query plan. */
extern const char store_claim_sql[];

/* The prepared statement for sql (a string constant: it is cached by its
 * address, for as long as s is open), reset and with its bindings
 * cleared.  The cache grows as needed; store_close finalizes it. */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);

/* End the program over the last error of s: see store.h. */
void store_die(struct store *s, const char *what) __attribute__((noreturn));

/* Step st to completion (no rows expected); die on error.  Return the
 * number of rows changed. */
int store_exec(struct store *s, sqlite3_stmt *st);

/* Step an INSERT; store its rowid in *id (when id is not NULL).  Return
 * 0, or STORE_EXISTS when a UNIQUE or PRIMARY KEY constraint refuses it;
 * die on any other error. */
int store_insert(struct store *s, sqlite3_stmt *st, long long *id);

/* Step st once: 1 with a row, 0 at the end; die on error. */
int store_row(struct store *s, sqlite3_stmt *st);

/* Bind helpers: an empty string as text (never NULL); -1 (or 0 where the
 * field says so) as NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_int_or_null(sqlite3_stmt *st, int i, long long v,
    long long none);

/* Column helpers: NULL text as "", NULL integer as none. */
const char *store_col_text(sqlite3_stmt *st, int i);
long long store_col_int(sqlite3_stmt *st, int i, long long none);

/* Append the name s (a table's, a column's) to b as an SQL identifier,
 * double-quoted, a quote inside doubled: for SQL made from the schema. */
void store_add_ident(struct buf *b, const char *s);

#endif
