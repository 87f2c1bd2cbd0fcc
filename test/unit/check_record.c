/* check_record.c: the record stream writer and reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "record.h"
#include "unit.h"

/* Read one record out of a string; return record_read's result. */
static int
read_one(const char *text, struct record_reader *rr, struct record *rec)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	ck_assert_ptr_nonnull(f);
	record_reader_init(rr, f, "stdin");
	rc = record_read(rr, rec);
	rr->in = NULL;
	fclose(f);
	return rc;
}

START_TEST(escape_round_trip)
{
	static const char *const hostile[] = {
		"tab\there", "lf\nhere", "cr\rhere", "back\\slash",
		"\\t not a tab", "\t\n\r\\", "", "\\\\\\", "end\\",
		"plain", "caf\xc3\xa9 \xf0\x9f\x8e\x93",
	};
	size_t i;

	for (i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		struct buf b = BUF_INIT;
		struct record in = { 42, RECORD_ACTIVE_TIMEBOUND, hostile[i],
			hostile[i], hostile[i] }, out;
		struct record_reader rr;

		record_format(&b, &in);
		ck_assert_ptr_null(memchr(b.p, '\r', b.len));
		ck_assert_ptr_eq(strchr(b.p, '\n'), b.p + b.len - 1);
		ck_assert_int_eq(read_one(b.p, &rr, &out), 1);
		ck_assert_uint_eq(out.row, 42);
		ck_assert_int_eq(out.status, RECORD_ACTIVE_TIMEBOUND);
		ck_assert_str_eq(out.email, hostile[i]);
		ck_assert_str_eq(out.name, hostile[i]);
		ck_assert_str_eq(out.detail, hostile[i]);
		record_reader_release(&rr);
		buf_release(&b);
	}
}
END_TEST

START_TEST(format_exact)
{
	struct buf b = BUF_INIT;
	struct record r = { 7, RECORD_INVALID, "a@b.c", "A\tB", "x\\y\n" };

	record_format(&b, &r);
	ck_assert_str_eq(b.p, "7\tinvalid\ta@b.c\tA\\tB\tx\\\\y\\n\n");
	buf_release(&b);
}
END_TEST

START_TEST(status_names)
{
	int i;

	for (i = 0; i < RECORD_NSTATUS; i++)
		ck_assert_int_eq(record_status_parse(record_status_name(i)), i);
	ck_assert_int_eq(record_status_parse("Valid"), -1);
	ck_assert_int_eq(record_status_parse(""), -1);
	ck_assert_str_eq(record_status_name(RECORD_ACTIVE_NONEXPIRING),
	    "active-nonexpiring");
}
END_TEST

/* Lines a reader must refuse, with a word its message must contain. */
static const struct {
	const char *line, *why;
} refused[] = {
	{ "name,email\n", "1 field, expected 5" },
	{ "2\tvalid\ta@b.c\tA\n", "4 fields" },
	{ "2\tvalid\ta@b.c\tA\t\t\n", "more than 5 fields" },
	{ "x\tvalid\ta@b.c\tA\t\n", "not a positive number" },
	{ "0\tvalid\ta@b.c\tA\t\n", "not a positive number" },
	{ "-2\tvalid\ta@b.c\tA\t\n", "not a positive number" },
	{ "9223372036854775808\tvalid\ta@b.c\tA\t\n",
	    "not a positive number up to 9223372036854775807" },
	{ "18446744073709551615\tvalid\ta@b.c\tA\t\n",
	    "not a positive number up to 9223372036854775807" },
	{ "18446744073709551616\tvalid\ta@b.c\tA\t\n",
	    "not a positive number" },
	{ "2\tVALID\ta@b.c\tA\t\n", "unknown status" },
	{ "2\tok\ta@b.c\tA\t\n", "unknown status" },
	{ "2\tvalid\ta@b.c\tA\\x\t\n", "bad backslash escape" },
	{ "2\tvalid\ta@b.c\tA\t\\\n", "bad backslash escape" },
	{ "2\tvalid\ta@b.c\tA\t\r\n", "carriage return" },
	{ "\n", "1 field" },
};

START_TEST(refuses)
{
	struct record_reader rr;
	struct record rec;

	ck_assert_int_eq(read_one(refused[_i].line, &rr, &rec), -1);
	ck_assert_int_eq(rr.code, EXIT_DATAERR);
	ck_assert_msg(strstr(rr.err, refused[_i].why), "'%s' lacks '%s'",
	    rr.err, refused[_i].why);
	ck_assert_msg(strncmp(rr.err, "stdin:1: not a credpipe record (",
	    32) == 0, "%s", rr.err);
	ck_assert_ptr_nonnull(strstr(rr.err, "csv-validate"));
	record_reader_release(&rr);
}
END_TEST

/* The greatest ROW, 2^63 - 1, is read and written back as it is. */
START_TEST(row_max)
{
	static const char line[] = "9223372036854775807\tnew\ta@b.c\tA\t\n";
	struct record_reader rr;
	struct record rec;
	struct buf b = BUF_INIT;

	ck_assert_int_eq(read_one(line, &rr, &rec), 1);
	ck_assert_uint_eq(rec.row, 9223372036854775807ull);
	record_format(&b, &rec);
	ck_assert_str_eq(b.p, line);
	record_reader_release(&rr);
	buf_release(&b);
}
END_TEST

START_TEST(stream)
{
	static const char text[] =
	    "2\tvalid\ta@b.c\tA\t\n"
	    "3\tinvalid\t\t\tmissing name; missing email\n"
	    "4\tnew\tc@d.e\tC\tno final newline";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	struct record_reader rr;
	struct record rec;

	record_reader_init(&rr, f, "stdin");
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_str_eq(rec.detail, "missing name; missing email");
	ck_assert_str_eq(rec.email, "");
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_uint_eq(rec.row, 4);
	ck_assert_int_eq(rec.status, RECORD_NEW);
	ck_assert_str_eq(rec.detail, "no final newline");
	ck_assert_int_eq(record_read(&rr, &rec), 0);
	ck_assert_uint_eq(rr.line, 3);
	record_reader_release(&rr);
	fclose(f);
}
END_TEST

/* A NUL byte is named, not taken for the end of the line. */
START_TEST(nul_byte)
{
	static const char text[] = "2\tvalid\ta@b.c\tA\0B\t\n";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	struct record_reader rr;
	struct record rec;

	record_reader_init(&rr, f, "stdin");
	ck_assert_int_eq(record_read(&rr, &rec), -1);
	ck_assert_ptr_nonnull(strstr(rr.err, "stdin:1: not a credpipe record "
	    "(NUL byte)"));
	record_reader_release(&rr);
	fclose(f);
}
END_TEST

/* Write a record whose name makes the line exactly len bytes, LF
 * included, and read it back; return record_read's result. */
static int
read_sized(size_t len, struct record_reader *rr, struct record *rec,
    char **text)
{
	static const char head[] = "2\tvalid\ta@b.c\t";
	size_t n = sizeof head - 1;
	FILE *f;
	int rc;

	*text = malloc(len + 1);
	memcpy(*text, head, n);
	memset(*text + n, 'x', len - n - 2);
	memcpy(*text + len - 2, "\t\n", 3);
	f = fmemopen(*text, len, "r");
	ck_assert_ptr_nonnull(f);
	record_reader_init(rr, f, "stdin");
	rc = record_read(rr, rec);
	fclose(f);
	return rc;
}

/* RECORD_LINE_MAX bytes make a line; one more is refused, having held no
 * more than twice the limit. */
START_TEST(line_max)
{
	struct record_reader rr;
	struct record rec;
	char *text;

	ck_assert_int_eq(read_sized(RECORD_LINE_MAX, &rr, &rec, &text), 1);
	ck_assert_uint_eq(strlen(rec.name), RECORD_LINE_MAX - 16);
	record_reader_release(&rr);
	free(text);
	ck_assert_int_eq(read_sized(RECORD_LINE_MAX + 1, &rr, &rec, &text),
	    -1);
	ck_assert_int_eq(rr.code, EXIT_DATAERR);
	ck_assert_ptr_nonnull(strstr(rr.err, "stdin:1: not a credpipe record "
	    "(a line longer than 65536 bytes)"));
	ck_assert_uint_le(rr.line_cap, 2 * RECORD_LINE_MAX);
	record_reader_release(&rr);
	free(text);
}
END_TEST

/* The stream's limit counts every byte, across lines: the record that
 * crosses it is refused, with the limit and what to do. */
START_TEST(stream_limit)
{
	static const char text[] =
	    "2\tvalid\ta@b.c\tA\t\n"	/* 17 bytes */
	    "3\tvalid\tc@d.e\tC\t\n";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	struct record_reader rr;
	struct record rec;

	record_reader_init(&rr, f, "stdin");
	ck_assert_uint_eq(rr.limit, RECORD_STREAM_MAX);
	rr.limit = 33;
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_int_eq(record_read(&rr, &rec), -1);
	ck_assert_int_eq(rr.code, EXIT_DATAERR);
	ck_assert_str_eq(rr.err, "stdin: more than 33 bytes of records; "
	    "split the roster and submit its parts one after the other");
	record_reader_release(&rr);
	fclose(f);

	f = fmemopen((void *)text, sizeof text - 1, "r");
	record_reader_init(&rr, f, "stdin");
	rr.limit = 34;
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_int_eq(record_read(&rr, &rec), 1);
	ck_assert_int_eq(record_read(&rr, &rec), 0);
	record_reader_release(&rr);
	fclose(f);
}
END_TEST

/* On a terminal every control character is shown; in a pipe only the
 * four escapes of the stream are made. */
START_TEST(terminal_escapes)
{
	static const char s[] = "a\033[31mb\177\302\233c\td\\\001\302\240";
	struct buf b = BUF_INIT;

	record_terminal(1);
	record_escape(&b, s);
	ck_assert_str_eq(b.p, "a\\x1b[31mb\\x7f\\u009bc\\td\\\\\\x01\302\240");
	buf_reset(&b);
	record_terminal(0);
	record_escape(&b, s);
	ck_assert_str_eq(b.p, "a\033[31mb\177\302\233c\\td\\\\\001\302\240");
	/* For messages: shown whatever standard output is. */
	buf_reset(&b);
	record_escape_shown(&b, s);
	ck_assert_str_eq(b.p, "a\\x1b[31mb\\x7f\\u009bc\\td\\\\\\x01\302\240");
	buf_release(&b);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, escape_round_trip);
	tcase_add_test(tc, format_exact);
	tcase_add_test(tc, status_names);
	tcase_add_loop_test(tc, refuses, 0, sizeof refused / sizeof *refused);
	tcase_add_test(tc, row_max);
	tcase_add_test(tc, stream);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, line_max);
	tcase_add_test(tc, stream_limit);
	tcase_add_test(tc, terminal_escapes);
	suite_add_tcase(s, tc);
	return s;
}
