/*
 * store_sqlite_copy.c: rows as values, the way a whole database moves
 * between stores.  First what SQLite provides: its tables in the order of
 * their references, a reader and a writer of rows.  Then store_copy,
 * which uses those and store.h alone, so that another engine provides the
 * three and copies to and from SQLite with the same code.  The contract
 * is in store.h.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "exitcodes.h"
#include "store_sqlite.h"
#include "util.h"

/* The tables. */

/* The names of what sql, with one parameter bound to arg, gives, in *v;
 * return how many. */
static size_t
names_of(struct store *s, const char *sql, const char *arg, char ***v)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t n = 0;

	*v = NULL;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	while (store_row(s, st)) {
		*v = xrealloc(*v, (n + 1) * sizeof **v);
		(*v)[n++] = xstrdup(store_col_text(st, 0));
	}
	return n;
}

static void
names_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* Whether every table that table i refers to, but itself, is placed. */
static int
parents_placed(char **names, size_t n, const int *placed, size_t i,
    struct store *s)
{
	static const char sql[] = "SELECT DISTINCT \"table\" FROM "
	    "pragma_foreign_key_list(?)";
	char **p;
	size_t np, j, k;
	int ok = 1;

	np = names_of(s, sql, names[i], &p);
	for (j = 0; j < np && ok; j++) {
		if (strcmp(p[j], names[i]) == 0)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(p[j], names[k]) == 0 && !placed[k])
				ok = 0;
	}
	names_free(p, np);
	return ok;
}

size_t
store_tables(struct store *s, struct store_table **t)
{
	static const char tables_sql[] = "SELECT name FROM sqlite_schema "
	    "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "ORDER BY name";
	static const char cols_sql[] = "SELECT name FROM "
	    "pragma_table_info(?) ORDER BY cid";
	char **names;
	size_t n, i, k;
	int *placed;

	n = names_of(s, tables_sql, NULL, &names);
	placed = xcalloc(n ? n : 1, sizeof *placed);
	*t = xcalloc(n ? n : 1, sizeof **t);
	/*
	 * Kahn's order, by name among those ready: the first table whose
	 * parents are all placed; in a cycle, where none is, the first
	 * left.
	 */
	for (k = 0; k < n; k++) {
		for (i = 0; i < n; i++)
			if (!placed[i] && parents_placed(names, n, placed, i, s))
				break;
		if (i == n)
			for (i = 0; placed[i]; i++)
				;
		placed[i] = 1;
		(*t)[k].name = xstrdup(names[i]);
		(*t)[k].ncols = names_of(s, cols_sql, names[i], &(*t)[k].cols);
	}
	free(placed);
	names_free(names, n);
	return n;
}

void
store_tables_release(struct store_table *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		names_free(t[i].cols, t[i].ncols);
	}
	free(t);
}

/* The reader. */

struct store_reader {
	struct store *s;
	sqlite3_stmt *st;
	struct store_value *v;
	size_t n;
};

struct store_reader *
store_reader_open(struct store *s, const struct store_table *t)
{
	static const char key_sql[] = "SELECT name FROM pragma_table_info(?) "
	    "WHERE pk > 0 ORDER BY pk";
	struct store_reader *r = xcalloc(1, sizeof *r);
	struct buf sql = BUF_INIT;
	char **key;
	size_t i, nkey;

	buf_adds(&sql, "SELECT ");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, t->cols[i]);
	}
	buf_adds(&sql, " FROM ");
	store_add_ident(&sql, t->name);
	/* The key's order, as the dump has it; without a key, all
	 * columns'. */
	nkey = names_of(s, key_sql, t->name, &key);
	buf_adds(&sql, " ORDER BY ");
	for (i = 0; i < (nkey ? nkey : t->ncols); i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, nkey ? key[i] : t->cols[i]);
	}
	names_free(key, nkey);
	if (sqlite3_prepare_v2(s->db, sql.p, -1, &r->st, NULL) != SQLITE_OK)
		store_die(s, "prepare");
	buf_release(&sql);
	r->s = s;
	r->n = t->ncols;
	r->v = xcalloc(r->n ? r->n : 1, sizeof *r->v);
	return r;
}

const struct store_value *
store_reader_next(struct store_reader *r)
{
	struct store_value *v;
	size_t i;

	if (!store_row(r->s, r->st))
		return NULL;
	for (i = 0; i < r->n; i++) {
		v = &r->v[i];
		memset(v, 0, sizeof *v);
		switch (sqlite3_column_type(r->st, (int)i)) {
		case SQLITE_NULL:
			v->type = STORE_NULL;
			break;
		case SQLITE_INTEGER:
			v->type = STORE_INTEGER;
			v->i = sqlite3_column_int64(r->st, (int)i);
			break;
		case SQLITE_FLOAT:
			v->type = STORE_REAL;
			v->r = sqlite3_column_double(r->st, (int)i);
			break;
		case SQLITE_BLOB:
			v->type = STORE_BLOB;
			v->p = sqlite3_column_blob(r->st, (int)i);
			v->len = (size_t)sqlite3_column_bytes(r->st, (int)i);
			break;
		default:
			v->type = STORE_TEXT;
			v->p = sqlite3_column_text(r->st, (int)i);
			v->len = (size_t)sqlite3_column_bytes(r->st, (int)i);
			break;
		}
	}
	return r->v;
}

void
store_reader_close(struct store_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->st);
	free(r->v);
	free(r);
}

/* The writer. */

struct store_writer {
	struct store *s;
	sqlite3_stmt *st;
	size_t n;
};

struct store_writer *
store_writer_open(struct store *s, const struct store_table *t)
{
	struct store_writer *w = xcalloc(1, sizeof *w);
	struct buf sql = BUF_INIT;
	size_t i;

	/* Until the transaction ends: a row may come before the row it
	 * names (a cycle), and the check is made before the commit. */
	if (sqlite3_exec(s->db, "PRAGMA defer_foreign_keys = ON", NULL, NULL,
	    NULL) != SQLITE_OK)
		store_die(s, "copy");
	buf_adds(&sql, "INSERT INTO ");
	store_add_ident(&sql, t->name);
	buf_adds(&sql, " (");
	for (i = 0; i < t->ncols; i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, t->cols[i]);
	}
	buf_adds(&sql, ") VALUES (");
	for (i = 0; i < t->ncols; i++)
		buf_adds(&sql, i ? ", ?" : "?");
	buf_adds(&sql, ")");
	if (sqlite3_prepare_v2(s->db, sql.p, -1, &w->st, NULL) != SQLITE_OK)
		store_die(s, "prepare");
	buf_release(&sql);
	w->s = s;
	w->n = t->ncols;
	return w;
}

/* Bind value v as parameter i.  The bytes are the reader's until its
 * next row, which comes after this row is written: no copy. */
static void
bind_value(struct store_writer *w, int i, const struct store_value *v)
{
	if ((v->type == STORE_TEXT || v->type == STORE_BLOB) &&
	    v->len > INT_MAX)
		errx(EXIT_DATAERR, "%s: a value of %zu bytes is too long",
		    w->s->path, v->len);
	switch (v->type) {
	case STORE_NULL:
		sqlite3_bind_null(w->st, i);
		break;
	case STORE_INTEGER:
		sqlite3_bind_int64(w->st, i, v->i);
		break;
	case STORE_REAL:
		sqlite3_bind_double(w->st, i, v->r);
		break;
	case STORE_TEXT:
		sqlite3_bind_text(w->st, i, v->p ? v->p : "", (int)v->len,
		    SQLITE_STATIC);
		break;
	case STORE_BLOB:
		/* A NULL pointer would bind NULL, not an empty blob. */
		if (v->len == 0)
			sqlite3_bind_zeroblob(w->st, i, 0);
		else
			sqlite3_bind_blob(w->st, i, v->p, (int)v->len,
			    SQLITE_STATIC);
		break;
	}
}

void
store_writer_row(struct store_writer *w, const struct store_value *v)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		bind_value(w, (int)i + 1, &v[i]);
	if (sqlite3_step(w->st) != SQLITE_DONE)
		store_die(w->s, "copy");
	sqlite3_reset(w->st);
	sqlite3_clear_bindings(w->st);
}

void
store_writer_close(struct store_writer *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->st);
	free(w);
}

/* The copy, of any engine to any: store.h alone from here on. */

/* Whether no table of s has a row. */
static int
empty(struct store *s)
{
	struct store_table *t;
	struct store_reader *r;
	size_t i, n;
	int none = 1;

	n = store_tables(s, &t);
	for (i = 0; i < n && none; i++) {
		r = store_reader_open(s, &t[i]);
		none = store_reader_next(r) == NULL;
		store_reader_close(r);
	}
	store_tables_release(t, n);
	return none;
}

/* Copy table t of from into to; return its rows. */
static long long
copy_table(struct store *from, struct store *to, const struct store_table *t)
{
	struct store_reader *r = store_reader_open(from, t);
	struct store_writer *w = store_writer_open(to, t);
	const struct store_value *v;
	long long n = 0;

	while ((v = store_reader_next(r))) {
		store_writer_row(w, v);
		n++;
	}
	store_writer_close(w);
	store_reader_close(r);
	return n;
}

/* A dump of s in its transaction, into a file of its own, rewound. */
static FILE *
dump_of(struct store *s)
{
	FILE *f;

	if (!(f = tmpfile()))
		err(EXIT_CANTCREAT, "a temporary file for the comparison");
	if (store_dump_in(s, f) != 0 || fseek(f, 0, SEEK_SET) != 0)
		err(EXIT_IOERR, "a temporary file for the comparison");
	return f;
}

/* Whether from and to dump the same bytes; else the first line that
 * differs to log. */
static int
same_dump(struct store *from, struct store *to, FILE *log)
{
	FILE *a = dump_of(from), *b = dump_of(to);
	char *la = NULL, *lb = NULL;
	size_t ca = 0, cb = 0;
	ssize_t na, nb;
	long long line = 0;
	int same = 1;

	do {
		na = getline(&la, &ca, a);
		nb = getline(&lb, &cb, b);
		line++;
		if (na != nb || (na > 0 && memcmp(la, lb, (size_t)na) != 0)) {
			fprintf(log, "line %lld of the dumps:\n< %.200s%s> "
			    "%.200s%s", line, na > 0 ? la : "(the end)\n",
			    na > 200 ? "...\n" : "", nb > 0 ? lb : "(the end)\n",
			    nb > 200 ? "...\n" : "");
			same = 0;
		}
	} while (same && na > 0);
	if (ferror(a) || ferror(b))
		err(EXIT_IOERR, "a temporary file for the comparison");
	free(la);
	free(lb);
	fclose(a);
	fclose(b);
	return same;
}

int
store_copy(struct store *from, struct store *to, long long *rows,
    int *tables, FILE *log)
{
	struct store_table *t;
	size_t i, n;
	int rc = 0;

	*rows = 0;
	*tables = 0;
	store_begin_read(from);
	store_begin(to);
	if (!empty(to)) {
		rc = STORE_EXISTS;
	} else {
		n = store_tables(from, &t);
		for (i = 0; i < n; i++)
			*rows += copy_table(from, to, &t[i]);
		*tables = (int)n;
		store_tables_release(t, n);
		if (store_check(to, STORE_CHECK_REFERENCES, log) > 0)
			rc = STORE_BROKEN;
		else if (!same_dump(from, to, log))
			rc = STORE_DIFFERS;
	}
	if (rc == 0) {
		store_commit(to);
	} else {
		store_rollback(to);
		*rows = 0;
		*tables = 0;
	}
	store_commit(from);
	return rc;
}
