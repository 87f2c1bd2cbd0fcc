/*
 * fuzz_record.c: a libFuzzer target for the record stream reader, which
 * reads what anyone pipes into a command, and for the writer it must
 * agree with.
 *
 * The input is read as a stream twice: as it is, with the reader's
 * default limit; then repeated (1 to 16 times, the low four bits of its
 * first byte), so that a line can pass RECORD_LINE_MAX although libFuzzer
 * inputs are short, under a limit the high four bits pick (none, or
 * 1/16 to 15/16 of that stream).  Each record read must write back, with
 * record_format, as one line that record_split takes apart into the same
 * five fields; and its text fields escaped for a terminal must hold no
 * control character at all.  A read that fails must say why.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; replay.c runs the
 * same function over the kept inputs in every `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exitcodes.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* s escaped for a terminal shows no C0 control, DEL or C1 control. */
static void
check_terminal(const char *s)
{
	struct buf b = BUF_INIT;
	size_t i;

	record_terminal(1);
	record_escape(&b, s);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];

		if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < b.len &&
		    (unsigned char)b.p[i + 1] >= 0x80 &&
		    (unsigned char)b.p[i + 1] <= 0x9f))
			abort();
	}
	buf_release(&b);
}

/* rec written as a line reads back as rec. */
static void
check_record(const struct record *rec)
{
	struct buf b = BUF_INIT, row = BUF_INIT;
	char *f[5];

	record_terminal(0);
	record_format(&b, rec);
	if (b.len == 0 || memchr(b.p, '\n', b.len) != b.p + b.len - 1 ||
	    memchr(b.p, '\r', b.len))
		abort();
	b.p[--b.len] = '\0';
	buf_addu(&row, rec->row);
	if (record_split(b.p, f, 5) != 5 || strcmp(f[0], row.p) != 0 ||
	    strcmp(f[1], record_status_name(rec->status)) != 0 ||
	    strcmp(f[2], rec->email) != 0 || strcmp(f[3], rec->name) != 0 ||
	    strcmp(f[4], rec->detail) != 0)
		abort();
	check_terminal(rec->email);
	check_terminal(rec->name);
	check_terminal(rec->detail);
	buf_release(&b);
	buf_release(&row);
}

/* Read the n bytes at p as a stream of records, with the reader's
 * limit; 0 keeps the default. */
static void
read_stream(const char *p, size_t n, size_t limit)
{
	struct record_reader rr;
	struct record rec;
	FILE *f;
	int rc;

	if (n == 0 || !(f = fmemopen((void *)p, n, "r")))
		return;
	record_reader_init(&rr, f, "stdin");
	if (limit)
		rr.limit = limit;
	while ((rc = record_read(&rr, &rec)) == 1)
		check_record(&rec);
	if (rc == -1 && (rr.err[0] == '\0' || (rr.code != EXIT_DATAERR &&
	    rr.code != EXIT_IOERR)))
		abort();
	record_reader_release(&rr);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf s = BUF_INIT;
	size_t reps, i;

	if (size == 0)
		return 0;
	read_stream((const char *)data, size, 0);
	reps = 1 + (data[0] & 0x0f);
	for (i = 0; i < reps; i++)
		buf_add(&s, data, size);
	read_stream(s.p, s.len, (data[0] >> 4) * s.len / 16);
	buf_release(&s);
	return 0;
}
