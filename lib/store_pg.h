/*
 * store_pg.h: what the lib/store_pg*.c files share: the PostgreSQL
 * engine's connection, and its parts that make and read the schema.
 */
#ifndef CREDPIPE_STORE_PG_H
#define CREDPIPE_STORE_PG_H

#include <libpq-fe.h>

#include "store_impl.h"

/* The connection of a store on PostgreSQL (its s->db). */
struct pg {
	PGconn *conn;
	char sqlstate[6];	/* of the last error, "" for none */
	char *error;		/* its message, first line */
	unsigned long names;	/* server-side statements made */
	struct store_stmt *now;	/* the clock's statement */
	int nosync;		/* commits skip the sync (store_sync 0) */
	int have_now;		/* in a write transaction: */
	long long txn_now;	/* the clock read as it began */
};

#define PG(s) ((struct pg *)(s)->db)

/* Keep the error of result r (NULL: of the connection) for die. */
void store_pg_error(struct store *s, PGresult *r);
void store_pg_die(struct store *s, const char *what)
    __attribute__((noreturn));
/* Run SQL text without parameters; die on an error. */
void store_pg_run(struct store *s, const char *sql, const char *what);

/* Bring the schema up to date, or make it (flags: STORE_CREATE). */
void store_pg_migrate(struct store *s, int flags);
int store_pg_version(struct store *s);

size_t store_pg_tables(struct store *s, char ***v);
size_t store_pg_columns(struct store *s, const char *table, char ***v);
size_t store_pg_key(struct store *s, const char *table, char ***v);
size_t store_pg_parents(struct store *s, const char *table, char ***v);
void store_pg_defer_references(struct store *s);
void store_pg_rows_written(struct store *s, const char *table);
long long store_pg_check(struct store *s, enum store_check what,
    FILE *out);

#endif
