/*
 * store_sqlite.h: what the lib/store_sqlite*.c files share: the parts of
 * the SQLite engine (store_impl.h) that read the schema and the file.
 */
#ifndef CREDPIPE_STORE_SQLITE_H
#define CREDPIPE_STORE_SQLITE_H

#include <sqlite3.h>

#include "store_impl.h"

size_t store_sqlite_tables(struct store *s, char ***v);
size_t store_sqlite_columns(struct store *s, const char *table, char ***v);
size_t store_sqlite_key(struct store *s, const char *table, char ***v);
size_t store_sqlite_parents(struct store *s, const char *table, char ***v);
void store_sqlite_defer_references(struct store *s);
void store_sqlite_rows_written(struct store *s, const char *table);
long long store_sqlite_check(struct store *s, enum store_check what,
    FILE *out);
int store_sqlite_backup(struct store *s, const char *path);

#endif
