/*
 * store_copy.c: rows as values, the way a whole database moves
 * between stores: its tables in the order of their references, a reader
 * and a writer of rows, from what each engine says of its schema; then
 * store_copy, which uses those and store.h alone.  The contract is in
 * store.h.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buf.h"
#include "exitcodes.h"
#include "store_impl.h"
#include "util.h"

/* The tables. */

/* Whether every table that table i refers to, but itself, is placed. */
static int
parents_placed(char **names, size_t n, const int *placed, size_t i,
    struct store *s)
{
	char **p;
	size_t np, j, k;
	int ok = 1;

	np = s->eng->parents(s, names[i], &p);
	for (j = 0; j < np && ok; j++) {
		if (strcmp(p[j], names[i]) == 0)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(p[j], names[k]) == 0 && !placed[k])
				ok = 0;
	}
	store_names_free(p, np);
	return ok;
}

size_t
store_tables(struct store *s, struct store_table **t)
{
	char **names;
	size_t n, i, k;
	int *placed;

	n = s->eng->tables(s, &names);
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
		(*t)[k].ncols = s->eng->columns(s, names[i], &(*t)[k].cols);
	}
	free(placed);
	store_names_free(names, n);
	return n;
}

void
store_tables_release(struct store_table *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		store_names_free(t[i].cols, t[i].ncols);
	}
	free(t);
}

/* The reader. */

struct store_reader {
	struct store *s;
	struct store_stmt *st;
	struct store_value *v;
	size_t n;
};

struct store_reader *
store_reader_open(struct store *s, const struct store_table *t)
{
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
	nkey = s->eng->key(s, t->name, &key);
	buf_adds(&sql, " ORDER BY ");
	for (i = 0; i < (nkey ? nkey : t->ncols); i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_add_ident(&sql, nkey ? key[i] : t->cols[i]);
	}
	store_names_free(key, nkey);
	r->st = store_prepare(s, sql.p);
	buf_release(&sql);
	r->s = s;
	r->n = t->ncols;
	r->v = xcalloc(r->n ? r->n : 1, sizeof *r->v);
	return r;
}

const struct store_value *
store_reader_next(struct store_reader *r)
{
	size_t i;

	if (!store_row(r->s, r->st))
		return NULL;
	for (i = 0; i < r->n; i++)
		store_col_value(r->st, (int)i, &r->v[i]);
	return r->v;
}

void
store_reader_close(struct store_reader *r)
{
	if (!r)
		return;
	store_finalize(r->st);
	free(r->v);
	free(r);
}

/* The writer. */

struct store_writer {
	struct store *s;
	struct store_stmt *st;
	char *table;
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
	s->eng->defer_references(s);
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
	w->st = store_prepare(s, sql.p);
	buf_release(&sql);
	w->s = s;
	w->table = xstrdup(t->name);
	w->n = t->ncols;
	return w;
}

/* The bytes of a value are the reader's until its next row, which comes
 * after this row is written. */
void
store_writer_row(struct store_writer *w, const struct store_value *v)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		store_bind_value(w->st, (int)i + 1, &v[i]);
	if (store_exec(w->s, w->st) != 1)
		store_die(w->s, "copy");
}

void
store_writer_close(struct store_writer *w)
{
	if (!w)
		return;
	w->s->eng->rows_written(w->s, w->table);
	store_finalize(w->st);
	free(w->table);
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
