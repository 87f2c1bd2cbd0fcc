/*
 * store_sqlite_meta.c: what the SQLite engine says of its schema (for
 * the copy and the dump), its check of itself, and the copy of the file
 * as one snapshot.  The contract is in store.h and store_impl.h.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcodes.h"
#include "files.h"
#include "store_sqlite.h"
#include "util.h"

/* The first column of what sql gives, with one parameter bound to arg,
 * in *v; return how many. */
static size_t
names_of(struct store *s, const char *sql, const char *arg, char ***v)
{
	struct store_stmt *st = store_stmt(s, sql);
	size_t n = 0;

	*v = NULL;
	if (arg)
		store_bind_text(st, 1, arg);
	while (store_row(s, st)) {
		*v = xrealloc(*v, (n + 1) * sizeof **v);
		(*v)[n++] = xstrdup(store_col_text(st, 0));
	}
	return n;
}

size_t
store_sqlite_tables(struct store *s, char ***v)
{
	static const char sql[] = "SELECT name FROM sqlite_schema "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "ORDER BY name";

	return names_of(s, sql, NULL, v);
}

size_t
store_sqlite_columns(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT name FROM pragma_table_info(?) "
	    "ORDER BY cid";

	return names_of(s, sql, table, v);
}

size_t
store_sqlite_key(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT name FROM pragma_table_info(?) "
	    "WHERE pk > 0 ORDER BY pk";

	return names_of(s, sql, table, v);
}

size_t
store_sqlite_parents(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT DISTINCT \"table\" FROM "
	    "pragma_foreign_key_list(?)";

	return names_of(s, sql, table, v);
}

void
store_sqlite_defer_references(struct store *s)
{
	s->eng->run(s, "PRAGMA defer_foreign_keys = ON", "copy");
}

/* An INTEGER PRIMARY KEY hands out the next id past the greatest. */
void
store_sqlite_rows_written(struct store *s, const char *table)
{
	(void)s;
	(void)table;
}

long long
store_sqlite_check(struct store *s, enum store_check what, FILE *out)
{
	static const char integrity[] = "PRAGMA integrity_check";
	static const char references[] = "SELECT \"table\", rowid, parent "
	    "FROM pragma_foreign_key_check";
	struct store_stmt *st;
	long long n = 0;

	if (what == STORE_CHECK_INTEGRITY) {
		/* One row "ok" when all is well. */
		st = store_stmt(s, integrity);
		while (store_row(s, st)) {
			if (strcmp(store_col_text(st, 0), "ok") == 0)
				continue;
			fprintf(out, "%s\n", store_col_text(st, 0));
			n++;
		}
	} else {
		st = store_stmt(s, references);
		while (store_row(s, st)) {
			fprintf(out, "%s row %lld: no such %s\n",
			    store_col_text(st, 0), store_col_int(st, 1, 0),
			    store_col_text(st, 2));
			n++;
		}
	}
	return n;
}

int
store_sqlite_backup(struct store *s, const char *path)
{
	char why[FILES_WHY_MAX];
	sqlite3_backup *b;
	sqlite3 *to;
	int fd, rc, fin;

	if (files_check_dir(path, geteuid(), why) != 0)
		errx(EXIT_CONFIG, "%s", why);
	/* Made here, so that it starts mode 0600, and only if it is new. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		if (errno == EEXIST)
			return STORE_EXISTS;
		err(EXIT_CANTCREAT, "%s", path);
	}
	close(fd);
	if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		unlink(path);
		errx(EXIT_CANTCREAT, "%s: %s", path, sqlite3_errmsg(to));
	}
	/* All pages in one step: one snapshot of the source.  A busy
	 * step leaves the copy unfinished without failing the finish. */
	if (!(b = sqlite3_backup_init(to, "main", s->db, "main"))) {
		rc = sqlite3_errcode(to);
	} else {
		rc = sqlite3_backup_step(b, -1);
		fin = sqlite3_backup_finish(b);
		if (rc == SQLITE_DONE)
			rc = fin;
	}
	if (rc != SQLITE_OK) {
		sqlite3_close(to);
		unlink(path);
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
			errx(EXIT_TEMPFAIL, "%s: the database is busy (copy); "
			    "try again later", s->path);
		errx(EXIT_IOERR, "%s: copy to %s: %s", s->path, path,
		    sqlite3_errstr(rc));
	}
	if (sqlite3_close(to) != SQLITE_OK)
		errx(EXIT_IOERR, "%s: %s", path, sqlite3_errmsg(to));
	return 0;
}
