/*
 * store_tools.c: what tests and tools need of the database and no
 * command does: the dump, the copy, the database's check of itself, and
 * the edits a test makes by hand.  The contract is in store.h.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "files.h"
#include "record.h"
#include "store_impl.h"
#include "util.h"

/*
 * The dump.  It lists the tables and reads their rows by its own SQL,
 * not through store_tables and the row reader: store_copy compares the
 * dumps to check what those moved, and a table they missed, or a value
 * they read wrong, would be missed or misread on both sides alike.
 */

/* Append the value of column i as store.h's dump writes it. */
static void
add_value(struct buf *b, struct store_stmt *st, int i)
{
	const unsigned char *p;
	struct store_value v;
	size_t j;

	store_col_value(st, i, &v);
	switch (v.type) {
	case STORE_NULL:
		buf_adds(b, "\\N");
		break;
	case STORE_INTEGER:
		buf_printf(b, "%lld", v.i);
		break;
	case STORE_REAL:
		buf_printf(b, "%.17g", v.r);
		break;
	case STORE_BLOB:
		for (p = v.p, j = 0; j < v.len; j++)
			buf_printf(b, "%02x", p[j]);
		break;
	case STORE_TEXT:
		record_escape_shown(b, v.p);
		break;
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Write the table named name: its heading, then its rows. */
static void
dump_table(struct store *s, const char *name, FILE *out)
{
	struct buf line = BUF_INIT, sql = BUF_INIT;
	struct store_stmt *rows;
	char **key, **cols, **order;
	size_t i, j, n, nkey, ncols;

	/* The primary key's columns in its order, then the others by name:
	 * an order the engine's way of declaring them does not change. */
	nkey = s->eng->key(s, name, &key);
	ncols = s->eng->columns(s, name, &cols);
	order = xcalloc(ncols ? ncols : 1, sizeof *order);
	for (n = 0; n < nkey; n++)
		order[n] = key[n];
	for (i = 0; i < ncols; i++) {
		for (j = 0; j < nkey && strcmp(cols[i], key[j]) != 0; j++)
			;
		if (j == nkey)
			order[n++] = cols[i];
	}
	qsort(order + nkey, n - nkey, sizeof *order, by_name);

	buf_addc(&line, '#');
	record_escape_shown(&line, name);
	buf_adds(&sql, "SELECT ");
	for (i = 0; i < n; i++) {
		buf_addc(&line, '\t');
		record_escape_shown(&line, order[i]);
		if (i)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, order[i]);
	}
	buf_addc(&line, '\n');
	fwrite(line.p, 1, line.len, out);

	/* The key's columns come first; a table without a key is ordered by
	 * all of them. */
	buf_adds(&sql, " FROM ");
	store_add_ident(&sql, name);
	buf_adds(&sql, " ORDER BY ");
	for (i = 0; i < (nkey ? nkey : n); i++)
		buf_printf(&sql, "%s%zu", i ? ", " : "", i + 1);
	rows = store_prepare(s, sql.p);
	while (store_row(s, rows)) {
		buf_reset(&line);
		record_escape_shown(&line, name);
		for (i = 0; i < n; i++) {
			buf_addc(&line, '\t');
			add_value(&line, rows, (int)i);
		}
		buf_addc(&line, '\n');
		fwrite(line.p, 1, line.len, out);
	}
	store_finalize(rows);
	free(order);
	store_names_free(cols, ncols);
	store_names_free(key, nkey);
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
	char **names;
	size_t i, n;

	/* The names first: each table is read by statements of its own. */
	n = s->eng->tables(s, &names);
	for (i = 0; i < n; i++)
		dump_table(s, names[i], out);
	store_names_free(names, n);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* The copy. */

int
store_backup(struct store *s, const char *path)
{
	struct store *to;
	struct stat st;
	long long rows;
	int tables, rc;

	if (s->eng->backup)
		return s->eng->backup(s, path);
	/* Another engine's database, as a new SQLite file. */
	if (lstat(path, &st) == 0 || errno != ENOENT)
		return STORE_EXISTS;
	to = store_open(path, STORE_CREATE);
	rc = store_copy(s, to, &rows, &tables, stderr);
	store_close(to);
	if (rc != 0) {
		unlink(path);
		errx(EXIT_SOFTWARE, "%s: the copy to %s failed", s->path, path);
	}
	return 0;
}

long long
store_check(struct store *s, enum store_check what, FILE *out)
{
	return s->eng->check(s, what, out);
}

/* The edits by hand. */

long long
store_items_due_now(struct store *s, long long job_id, long long now)
{
	static const char sql[] = "UPDATE job_item SET due = ?2 "
	    "WHERE state = 'deferred' AND (?1 = 0 OR job_id = ?1)";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, now);
	return store_exec(s, st);
}

int
store_item_set_recipient(struct store *s, long long job_id,
    unsigned long row, const char *email, const char *name)
{
	static const char sql[] = "UPDATE job_item SET email = "
	    "coalesce(?3, email), name = coalesce(?4, name) "
	    "WHERE job_id = ?1 AND row = ?2";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, job_id);
	store_bind_int(st, 2, (long long)row);
	/* NULL binds NULL: the column keeps its value. */
	store_bind_text_or_null(st, 3, email);
	store_bind_text_or_null(st, 4, name);
	return store_exec(s, st) ? 0 : STORE_NOTFOUND;
}
