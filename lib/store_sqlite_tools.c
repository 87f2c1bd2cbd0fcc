/*
 * store_sqlite_tools.c: what tests and tools need of the database and no
 * command does: the dump, the copy, the database's check of itself, and
 * the edits a test makes by hand.  The contract is in store.h.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "files.h"
#include "record.h"
#include "store_sqlite.h"
#include "util.h"

/*
 * The dump.  It lists the tables and reads their rows by its own SQL,
 * not through store_tables and the row reader: store_copy compares the
 * dumps to check what those moved, and a table they missed, or a value
 * they read wrong, would be missed or misread on both sides alike.
 */

/* Append the value of column i as store.h's dump writes it. */
static void
add_value(struct buf *b, sqlite3_stmt *st, int i)
{
	const unsigned char *p;
	int j, n;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		buf_adds(b, "\\N");
		break;
	case SQLITE_INTEGER:
		buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		buf_printf(b, "%.17g", sqlite3_column_double(st, i));
		break;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, i);
		n = sqlite3_column_bytes(st, i);
		for (j = 0; j < n; j++)
			buf_printf(b, "%02x", p[j]);
		break;
	default:
		record_escape_shown(b, store_col_text(st, i));
		break;
	}
}

/* Write the table named name: its heading, then its rows. */
static void
dump_table(struct store *s, const char *name, FILE *out)
{
	/* The primary key's columns in its order, then the others by name:
	 * an order the engine's way of declaring them does not change. */
	static const char cols_sql[] = "SELECT name, pk FROM "
	    "pragma_table_info(?) ORDER BY pk = 0, pk, name";
	sqlite3_stmt *st = store_stmt(s, cols_sql), *rows;
	struct buf line = BUF_INIT, sql = BUF_INIT;
	int i, n = 0, nkey = 0;

	buf_addc(&line, '#');
	record_escape_shown(&line, name);
	buf_adds(&sql, "SELECT ");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while (store_row(s, st)) {
		buf_addc(&line, '\t');
		record_escape_shown(&line, store_col_text(st, 0));
		if (n++)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, store_col_text(st, 0));
		if (sqlite3_column_int(st, 1) > 0)
			nkey++;
	}
	buf_addc(&line, '\n');
	fwrite(line.p, 1, line.len, out);

	/* The key's columns come first; a table without a key is ordered by
	 * all of them. */
	buf_adds(&sql, " FROM ");
	store_add_ident(&sql, name);
	buf_adds(&sql, " ORDER BY ");
	for (i = 0; i < (nkey ? nkey : n); i++)
		buf_printf(&sql, "%s%d", i ? ", " : "", i + 1);
	if (sqlite3_prepare_v2(s->db, sql.p, -1, &rows, NULL) != SQLITE_OK)
		store_die(s, "prepare");
	while (store_row(s, rows)) {
		buf_reset(&line);
		record_escape_shown(&line, name);
		for (i = 0; i < n; i++) {
			buf_addc(&line, '\t');
			add_value(&line, rows, i);
		}
		buf_addc(&line, '\n');
		fwrite(line.p, 1, line.len, out);
	}
	sqlite3_finalize(rows);
	buf_release(&sql);
	buf_release(&line);
}

int
store_dump(struct store *s, FILE *out)
{
	int rc;

	store_begin_read(s);
	rc = store_dump_in(s, out);
	store_commit(s);
	return rc;
}

int
store_dump_in(struct store *s, FILE *out)
{
	static const char tables_sql[] = "SELECT name FROM sqlite_schema "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "ORDER BY name";
	sqlite3_stmt *st;
	char **names = NULL;
	size_t i, n = 0;

	/* The names first: each table is read by statements of its own. */
	st = store_stmt(s, tables_sql);
	while (store_row(s, st)) {
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(store_col_text(st, 0));
	}
	for (i = 0; i < n; i++) {
		dump_table(s, names[i], out);
		free(names[i]);
	}
	free(names);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* The copy. */

int
store_backup(struct store *s, const char *path)
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

/* The check. */

long long
store_check(struct store *s, enum store_check what, FILE *out)
{
	static const char integrity[] = "PRAGMA integrity_check";
	static const char references[] = "SELECT \"table\", rowid, parent "
	    "FROM pragma_foreign_key_check";
	sqlite3_stmt *st;
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
			fprintf(out, "%s row %s: no such %s\n",
			    store_col_text(st, 0), store_col_text(st, 1),
			    store_col_text(st, 2));
			n++;
		}
	}
	return n;
}

/* The edits by hand. */

long long
store_items_due_now(struct store *s, long long job_id, long long now)
{
	static const char sql[] = "UPDATE job_item SET due = ?2 "
	    "WHERE state = 'deferred' AND (?1 = 0 OR job_id = ?1)";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, now);
	return store_exec(s, st);
}

int
store_item_set_recipient(struct store *s, long long job_id,
    unsigned long row, const char *email, const char *name)
{
	static const char sql[] = "UPDATE job_item SET email = "
	    "coalesce(?3, email), name = coalesce(?4, name) "
	    "WHERE job_id = ?1 AND row = ?2";
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int64(st, 2, (long long)row);
	/* NULL binds NULL: the column keeps its value. */
	sqlite3_bind_text(st, 3, email, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}
