/*
 * store_pg_meta.c: what the PostgreSQL engine says of its schema (for
 * the copy and the dump), and its check of itself.  The contract is in
 * store.h and store_impl.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_pg.h"
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

/* The tables of credpipe's data: all of the schema's but the version. */
size_t
store_pg_tables(struct store *s, char ***v)
{
	static const char sql[] = "SELECT tablename::text FROM pg_tables "
	    "WHERE schemaname = current_schema() "
	    "AND tablename <> 'credpipe_schema' "
	    "ORDER BY tablename COLLATE \"C\"";

	return names_of(s, sql, NULL, v);
}

size_t
store_pg_columns(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT attname::text FROM pg_attribute "
	    "WHERE attrelid = to_regclass(?::text) AND attnum > 0 "
	    "AND NOT attisdropped ORDER BY attnum";

	return names_of(s, sql, table, v);
}

size_t
store_pg_key(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT a.attname::text FROM pg_index i "
	    "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(num, n) "
	    "JOIN pg_attribute a ON a.attrelid = i.indrelid "
	    "AND a.attnum = k.num WHERE i.indrelid = to_regclass(?::text) "
	    "AND i.indisprimary ORDER BY k.n";

	return names_of(s, sql, table, v);
}

size_t
store_pg_parents(struct store *s, const char *table, char ***v)
{
	static const char sql[] = "SELECT DISTINCT confrelid::regclass::text "
	    "FROM pg_constraint WHERE conrelid = to_regclass(?::text) "
	    "AND contype = 'f'";

	return names_of(s, sql, table, v);
}

void
store_pg_defer_references(struct store *s)
{
	store_pg_run(s, "SET CONSTRAINTS ALL DEFERRED", "copy");
}

/* Ids given in the rows written: new ones come after them. */
void
store_pg_rows_written(struct store *s, const char *table)
{
	static const char sql[] = "SELECT attname::text FROM pg_attribute "
	    "WHERE attrelid = to_regclass(?::text) AND attidentity <> ''";
	struct buf q = BUF_INIT, name = BUF_INIT;
	char **cols;
	size_t i, n;

	n = names_of(s, sql, table, &cols);
	for (i = 0; i < n; i++) {
		buf_reset(&q);
		buf_reset(&name);
		store_add_ident(&name, table);
		buf_adds(&q, "SELECT setval(pg_get_serial_sequence('");
		/* The quoted name, as a string literal (no quote in it). */
		buf_adds(&q, name.p);
		buf_printf(&q, "', '%s'), max(", cols[i]);
		store_add_ident(&q, cols[i]);
		buf_adds(&q, ")) FROM ");
		buf_adds(&q, name.p);
		buf_adds(&q, " HAVING count(*) > 0");
		store_pg_run(s, q.p, "copy");
	}
	store_names_free(cols, n);
	buf_release(&q);
	buf_release(&name);
}

/* Every reference of one column to a parent's id: child, column,
 * parent, parent's column. */
static long long
check_references(struct store *s, FILE *out)
{
	static const char fks[] = "SELECT c.conrelid::regclass::text, "
	    "a.attname::text, c.confrelid::regclass::text, p.attname::text "
	    "FROM pg_constraint c "
	    "JOIN pg_attribute a ON a.attrelid = c.conrelid "
	    "AND a.attnum = c.conkey[1] "
	    "JOIN pg_attribute p ON p.attrelid = c.confrelid "
	    "AND p.attnum = c.confkey[1] "
	    "JOIN pg_namespace n ON n.oid = c.connamespace "
	    "WHERE c.contype = 'f' AND n.nspname = current_schema() "
	    "ORDER BY 1, 2";
	struct store_stmt *st = store_stmt(s, fks), *q;
	struct buf sql = BUF_INIT;
	char *(*ref)[4] = NULL;
	size_t n = 0, i, j;
	long long bad = 0;
	char **key;
	size_t nkey;

	while (store_row(s, st)) {
		ref = xrealloc(ref, (n + 1) * sizeof *ref);
		for (j = 0; j < 4; j++)
			ref[n][j] = xstrdup(store_col_text(st, (int)j));
		n++;
	}
	for (i = 0; i < n; i++) {
		/* child.key (the first column of its key), for the line */
		nkey = store_pg_key(s, ref[i][0], &key);
		buf_reset(&sql);
		buf_adds(&sql, "SELECT c.");
		store_add_ident(&sql, nkey ? key[0] : ref[i][1]);
		buf_adds(&sql, "::text FROM ");
		store_add_ident(&sql, ref[i][0]);
		buf_adds(&sql, " c WHERE c.");
		store_add_ident(&sql, ref[i][1]);
		buf_adds(&sql, " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ");
		store_add_ident(&sql, ref[i][2]);
		buf_adds(&sql, " p WHERE p.");
		store_add_ident(&sql, ref[i][3]);
		buf_adds(&sql, " = c.");
		store_add_ident(&sql, ref[i][1]);
		buf_adds(&sql, ") ORDER BY 1");
		q = store_prepare(s, sql.p);
		while (store_row(s, q)) {
			fprintf(out, "%s row %s: no such %s\n", ref[i][0],
			    store_col_text(q, 0), ref[i][2]);
			bad++;
		}
		store_finalize(q);
		store_names_free(key, nkey);
		for (j = 0; j < 4; j++)
			free(ref[i][j]);
	}
	free(ref);
	buf_release(&sql);
	return bad;
}

/*
 * The server keeps its own pages whole; what can be checked from here is
 * that every row of every table reads, and that the schema is credpipe's
 * current one.
 */
static long long
check_integrity(struct store *s, FILE *out)
{
	struct buf sql = BUF_INIT;
	struct store_stmt *q;
	char **names;
	size_t i, n;
	long long bad = 0;

	if (store_pg_version(s) != STORE_SCHEMA_VERSION) {
		fprintf(out, "schema version %d, not %d\n", store_pg_version(s),
		    STORE_SCHEMA_VERSION);
		bad++;
	}
	n = store_pg_tables(s, &names);
	for (i = 0; i < n; i++) {
		buf_reset(&sql);
		buf_adds(&sql, "SELECT count(*) FROM (SELECT * FROM ");
		store_add_ident(&sql, names[i]);
		buf_adds(&sql, ") AS t");
		q = store_prepare(s, sql.p);
		store_row(s, q);
		store_finalize(q);
	}
	store_names_free(names, n);
	buf_release(&sql);
	return bad;
}

long long
store_pg_check(struct store *s, enum store_check what, FILE *out)
{
	return what == STORE_CHECK_INTEGRITY ? check_integrity(s, out) :
	    check_references(s, out);
}
