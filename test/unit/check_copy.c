/*
 * check_copy.c: the rows every engine gives (store.h): the tables in the
 * order of their references, values read and written as they are, and
 * store_copy, all or nothing: refused onto rows, undone when a reference
 * does not hold or the copy does not compare equal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_impl.h"
#include "unit.h"

static char dir[] = "/tmp/check_copy.XXXXXX";
static char from_path[64], to_path[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(from_path, sizeof from_path, "%s/from.db", dir);
	snprintf(to_path, sizeof to_path, "%s/to.db", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* SQL on the file itself, for what no store call does. */
static void
sql(struct store *s, const char *text)
{
	s->eng->run(s, text, "test");
}

static long
position(const struct store_table *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return (long)i;
	ck_abort_msg("no table %s", name);
	return -1;
}

START_TEST(tables_parents_first)
{
	static const char *const pairs[][2] = {
		{ "org", "signing_key" }, { "org", "badge" },
		{ "org", "member" }, { "member", "api_key" },
		{ "member", "ssh_key" }, { "badge", "job" },
		{ "api_key", "job" }, { "ssh_key", "job" },
		{ "job", "job_item" }, { "signing_key", "status_list" },
		{ "status_list", "credential" }, { "org", "audit" }
	};
	struct store *s = store_open(from_path, STORE_CREATE);
	struct store_table *t;
	size_t i, n;

	n = store_tables(s, &t);
	ck_assert_uint_eq(n, 11);
	for (i = 0; i < sizeof pairs / sizeof *pairs; i++)
		ck_assert_msg(position(t, n, pairs[i][0]) <
		    position(t, n, pairs[i][1]), "%s after %s", pairs[i][0],
		    pairs[i][1]);
	/* The cycle, credential and job_item, broken by name. */
	ck_assert_int_lt(position(t, n, "credential"),
	    position(t, n, "job_item"));
	ck_assert_uint_eq(t[position(t, n, "org")].ncols, 16);
	ck_assert_str_eq(t[position(t, n, "org")].cols[0], "id");
	store_tables_release(t, n);
	store_close(s);
}
END_TEST

START_TEST(values_as_they_are)
{
	static const char blob[] = { 0, 1, 2, (char)0xff };
	char *cols[] = { (char *)"id", (char *)"v" };
	struct store_table x = { (char *)"x", cols, 2 };
	struct store *a = store_open(from_path, STORE_CREATE);
	struct store *b = store_open(to_path, STORE_CREATE);
	const struct store_value *v;
	struct store_reader *r;
	struct store_writer *w;
	int n = 0;

	/* A table of every type, none of the schema's: its own. */
	sql(a, "CREATE TABLE x (id INTEGER PRIMARY KEY, v)");
	sql(b, "CREATE TABLE x (id INTEGER PRIMARY KEY, v)");
	sql(a, "INSERT INTO x VALUES (5, NULL), (2, -9223372036854775808), "
	    "(3, 0.1), (4, ''), (1, 'caf\xc3\xa9'), (6, x''), "
	    "(7, x'000102ff'), (8, 'a' || char(0) || 'b')");
	store_begin_read(a);
	store_begin(b);
	r = store_reader_open(a, &x);
	w = store_writer_open(b, &x);
	while ((v = store_reader_next(r))) {
		/* In the order of the key. */
		ck_assert_int_eq(v[0].type, STORE_INTEGER);
		ck_assert_int_eq(v[0].i, ++n);
		store_writer_row(w, v);
	}
	store_writer_close(w);
	store_reader_close(r);
	store_commit(b);
	store_commit(a);
	ck_assert_int_eq(n, 8);

	store_begin_read(b);
	r = store_reader_open(b, &x);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_TEXT);
	ck_assert_uint_eq(v[1].len, 5);
	ck_assert_mem_eq(v[1].p, "caf\xc3\xa9", 5);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_INTEGER);
	ck_assert(v[1].i == -9223372036854775807LL - 1);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_REAL);
	ck_assert(v[1].r == 0.1);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_TEXT);
	ck_assert_uint_eq(v[1].len, 0);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_NULL);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_BLOB);
	ck_assert_uint_eq(v[1].len, 0);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_BLOB);
	ck_assert_uint_eq(v[1].len, 4);
	ck_assert_mem_eq(v[1].p, blob, 4);
	v = store_reader_next(r);
	ck_assert_int_eq(v[1].type, STORE_TEXT);
	ck_assert_uint_eq(v[1].len, 3);
	ck_assert_mem_eq(v[1].p, "a\0b", 3);
	ck_assert_ptr_null(store_reader_next(r));
	store_reader_close(r);
	store_commit(b);
	store_close(a);
	store_close(b);
}
END_TEST

/* A source of an organization, a badge and a key. */
static struct store *
source(void)
{
	static const unsigned char pk[32] = { 1 }, sealed[1] = { 0 };
	struct store *s = store_open(from_path, STORE_CREATE);
	struct store_badge b = { 0 };
	long long org, id;

	store_begin(s);
	ck_assert_int_eq(store_org_create(s, "acme", "Acme", "professional",
	    &org), 0);
	ck_assert_int_eq(store_key_add(s, org, pk, sealed, 1, &id), 0);
	b.org_id = org;
	b.slug = (char *)"b";
	b.name = (char *)"B";
	b.description = b.criteria = b.image = b.achievement_type =
	    (char *)"";
	b.subject = (char *)"s";
	b.body = (char *)"body";
	b.valid_days = -1;
	ck_assert_int_eq(store_badge_create(s, &b, &id), 0);
	store_audit(s, org, "test", "");
	store_commit(s);
	return s;
}

/* The dump of s. */
static char *
dump(struct store *s)
{
	char *p = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&p, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(store_dump(s, f), 0);
	fclose(f);
	return p;
}

/* Whether no table of s has a row: its dump is headings alone. */
static int
empty(struct store *s)
{
	char *d = dump(s), *line;
	int none = 1;

	for (line = d; line && *line; line = strchr(line, '\n') + 1)
		if (*line != '#')
			none = 0;
	free(d);
	return none;
}

START_TEST(copy_equal)
{
	struct store *a = source(), *b = store_open(to_path, STORE_CREATE);
	long long rows;
	int tables;
	char *da, *db;

	ck_assert_int_eq(store_copy(a, b, &rows, &tables, stderr), 0);
	ck_assert_int_eq(rows, 4);
	ck_assert_int_eq(tables, 11);
	da = dump(a);
	db = dump(b);
	ck_assert_str_eq(da, db);
	/* Onto rows: refused, nothing changed. */
	ck_assert_int_eq(store_copy(a, b, &rows, &tables, stderr),
	    STORE_EXISTS);
	ck_assert_int_eq(rows, 0);
	free(db);
	db = dump(b);
	ck_assert_str_eq(da, db);
	free(da);
	free(db);
	store_close(a);
	store_close(b);
}
END_TEST

START_TEST(copy_undone)
{
	struct store *a = source(), *b = store_open(to_path, STORE_CREATE);
	char *log = NULL;
	size_t len = 0;
	long long rows;
	int tables;
	FILE *f;

	/* What would change a row on its way in: the dumps differ. */
	sql(b, "CREATE TRIGGER renamed AFTER INSERT ON org BEGIN "
	    "UPDATE org SET name = 'Other' WHERE id = new.id; END");
	f = open_memstream(&log, &len);
	ck_assert_int_eq(store_copy(a, b, &rows, &tables, f), STORE_DIFFERS);
	fclose(f);
	ck_assert_msg(strstr(log, "Acme") && strstr(log, "Other"), "%s", log);
	ck_assert(empty(b));
	free(log);
	sql(b, "DROP TRIGGER renamed");

	/* A badge of no organization, planted with the references off. */
	sql(a, "PRAGMA foreign_keys = OFF");
	sql(a, "UPDATE badge SET org_id = 99");
	f = open_memstream(&log, &len);
	ck_assert_int_eq(store_copy(a, b, &rows, &tables, f), STORE_BROKEN);
	fclose(f);
	ck_assert_str_eq(log, "badge row 1: no such org\n");
	ck_assert(empty(b));
	free(log);
	store_close(a);
	store_close(b);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("copy");
	TCase *tc = tcase_create("copy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tables_parents_first);
	tcase_add_test(tc, values_as_they_are);
	tcase_add_test(tc, copy_equal);
	tcase_add_test(tc, copy_undone);
	suite_add_tcase(s, tc);
	return s;
}
