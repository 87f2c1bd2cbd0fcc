/*
 * check_roster.c: the roster reader fed in chunks of every size.
 *
 * The command tests (test/cli/csv-validate) pin down what the reader says
 * about each roster.  Here every one of those rosters is fed whole, a byte
 * at a time and in chunks of 2, 3, 5 and 7 bytes: the records and the
 * error must not change, whatever a chunk boundary cuts (a byte order mark,
 * a UTF-8 sequence, a CRLF, a doubled quote).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "roster.h"
#include "unit.h"

static void
collect(const struct roster_row *row, void *arg)
{
	struct record rec = { row->row,
		row->valid ? RECORD_VALID : RECORD_INVALID,
		row->email, row->name, row->detail };

	record_format(arg, &rec);
}

/* Feed data in chunks of size step (0: whole) and describe the outcome. */
static void
run(const char *data, size_t n, size_t step, struct buf *out)
{
	struct roster *r = roster_new(ROSTER_LIMIT, collect, out);
	const char *ignored;
	size_t off = 0, count;
	int rc = 0;

	buf_reset(out);
	buf_add(out, "", 0);
	while (rc == 0 && off < n) {
		size_t k = step && step < n - off ? step : n - off;

		rc = roster_feed(r, data + off, k);
		off += k;
	}
	if (rc == 0)
		rc = roster_finish(r);
	if (rc != 0)
		buf_printf(out, "error row %lu: %s\n", roster_error_row(r),
		    roster_error(r));
	if ((ignored = roster_ignored(r, &count)))
		buf_printf(out, "ignored %zu: %s\n", count, ignored);
	roster_free(r);
}

static char *
slurp(const char *path, size_t *n)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t k;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_detach(&b);
}

START_TEST(chunking)
{
	static const size_t steps[] = { 1, 2, 3, 5, 7 };
	struct buf dir = BUF_INIT, path = BUF_INIT;
	struct buf whole = BUF_INIT, piece = BUF_INIT;
	struct dirent *e;
	size_t files = 0, i;
	DIR *d;

	buf_printf(&dir, "%s/test/cli/csv-validate", unit_top());
	d = opendir(dir.p);
	ck_assert_msg(d != NULL, "cannot open %s", dir.p);
	while ((e = readdir(d))) {
		size_t n, len = strlen(e->d_name);
		char *data;

		if (len < 4 || strcmp(e->d_name + len - 4, ".csv") != 0)
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir.p, e->d_name);
		data = slurp(path.p, &n);
		run(data, n, 0, &whole);
		for (i = 0; i < sizeof steps / sizeof *steps; i++) {
			run(data, n, steps[i], &piece);
			ck_assert_msg(strcmp(whole.p, piece.p) == 0,
			    "%s in chunks of %zu:\n%s\nwhole:\n%s",
			    e->d_name, steps[i], piece.p, whole.p);
		}
		free(data);
		files++;
	}
	closedir(d);
	ck_assert_uint_ge(files, 40);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&whole);
	buf_release(&piece);
}
END_TEST

START_TEST(limit_is_exact)
{
	struct buf out = BUF_INIT;
	struct roster *r;
	char data[40] = "name,email\nAda,ada@example.org\n";
	size_t n = strlen(data);

	r = roster_new(n, collect, &out);
	ck_assert_int_eq(roster_feed(r, data, n), 0);
	ck_assert_int_eq(roster_finish(r), 0);
	roster_free(r);
	r = roster_new(n - 1, collect, &out);
	ck_assert_int_eq(roster_feed(r, data, 10), 0);
	ck_assert_int_eq(roster_feed(r, data + 10, n - 10), -1);
	ck_assert_ptr_nonnull(strstr(roster_error(r), "larger than"));
	ck_assert_int_eq(roster_feed(r, "", 0), -1);
	roster_free(r);
	buf_release(&out);
}
END_TEST

START_TEST(error_rows)
{
#define CASE(s, row, msg) { s, sizeof s - 1, row, msg }
	static const struct {
		const char *data;
		size_t len;
		unsigned long row;
		const char *msg;
	} cases[] = {
		CASE("name,email\r\nA,a@b.c\r\n\r\nJos\xe9,j@b.c\r\n", 4,
		    "invalid UTF-8 at byte offset 26"),
		CASE("name,email\n\"A\nB\nC\",a@b.c\nx\xff", 3,
		    "invalid UTF-8 at byte offset 26"),
		CASE("name,email\nA,\"a@b.c\n\nB,b@c.d\n", 2,
		    "a quoted field never ends"),
		CASE("\n\nname,email\n\xc3", 4,
		    "invalid UTF-8 at byte offset 13"),
		CASE("name,email\nA,a\0@b.c\n", 2, "NUL byte at byte offset 14"),
		CASE("", 0, "no header row"),
		CASE("\n,,\n", 0, "no header row"),
		CASE("\xef\xbb\xbf", 0, "no header row"),
		CASE("\xff\xfen\0", 1, "UTF-16 or UTF-32"),
		CASE("name,mail\nA,a@b.c\n", 1, "has no 'email' column"),
		CASE("\nEmail,x,NAME,email\n", 2,
		    "column 'email' appears twice (columns 1 and 4)"),
	};
#undef CASE
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct roster *r = roster_new(ROSTER_LIMIT, collect, &out);
		int rc = roster_feed(r, cases[i].data, cases[i].len);

		if (rc == 0)
			rc = roster_finish(r);
		ck_assert_msg(rc == -1, "case %zu accepted", i);
		ck_assert_msg(roster_error_row(r) == cases[i].row,
		    "case %zu: row %lu, want %lu", i, roster_error_row(r),
		    cases[i].row);
		ck_assert_msg(strstr(roster_error(r), cases[i].msg),
		    "case %zu: '%s' lacks '%s'", i, roster_error(r),
		    cases[i].msg);
		roster_free(r);
	}
	buf_release(&out);
}
END_TEST

/* The formula guard: what a spreadsheet could run, leading spaces and
 * Unicode spaces and all. */
START_TEST(formula)
{
	static const struct {
		const char *s;
		int formula;
	} cases[] = {
		{ "=1+1", 1 }, { "+1", 1 }, { "-1", 1 }, { "@SUM(A1)", 1 },
		{ "\t=1", 1 }, { "\r=1", 1 }, { " =1+1", 1 }, { "   @x", 1 },
		{ "\xc2\xa0=1+1", 1 }, { "\xe3\x80\x80=1", 1 },
		{ "\xe2\x80\x8b+1", 1 }, { "\xef\xbb\xbf=1", 1 },
		{ " \xc2\xa0 \xe2\x80\x83-1", 1 },
		{ "Ada", 0 }, { "", 0 }, { " ", 0 }, { "1=1", 0 },
		{ "\xc2\xa0" "Ada", 0 }, { "'=1", 0 }, { "a =1", 0 },
		{ "\xc2", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		ck_assert_msg(roster_formula(cases[i].s, strlen(cases[i].s)) ==
		    cases[i].formula, "case %zu", i);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("roster");
	TCase *tc = tcase_create("roster");

	tcase_add_test(tc, chunking);
	tcase_add_test(tc, limit_is_exact);
	tcase_add_test(tc, error_rows);
	tcase_add_test(tc, formula);
	suite_add_tcase(s, tc);
	return s;
}
