/*
 * fuzz_roster.c: a libFuzzer target for the roster reader.
 *
 * The first byte of the input picks the chunk size the rest is fed in
 * (1 to 64 bytes, or whole) and whether a small size limit applies, so
 * that chunk boundaries and the limit are fuzzed with the content.  Each
 * row the reader hands back is checked against its contract.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; replay.c runs the
 * same function over the kept inputs in every `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roster.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_row(const struct roster_row *row, void *arg)
{
	unsigned long *last = arg;
	size_t n;
	int partial;

	/* Rows come in increasing order, from row 2 on. */
	if (row->row <= *last || row->row < 2)
		abort();
	*last = row->row;
	if (row->valid != (row->detail[0] == '\0'))
		abort();
	n = strlen(row->name);
	if (utf8_check(row->name, n, &partial) != n)
		abort();
	n = strlen(row->email);
	if (utf8_check(row->email, n, &partial) != n)
		abort();
	if (row->valid && (utf8_find_control(row->name, strlen(row->name)) ||
	    !strchr(row->email, '@')))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long last = 1;
	struct roster *r;
	size_t step, limit = ROSTER_LIMIT, off = 0;
	int rc = 0;

	if (size == 0)
		return 0;
	step = data[0] & 0x3f;
	if (data[0] & 0x40)
		limit = size / 2;
	data++, size--;
	r = roster_new(limit, check_row, &last);
	while (rc == 0 && off < size) {
		size_t k = step && step < size - off ? step : size - off;

		rc = roster_feed(r, data + off, k);
		off += k;
	}
	if (rc == 0)
		rc = roster_finish(r);
	if (rc != 0 && roster_error(r)[0] == '\0')
		abort();
	roster_free(r);
	return 0;
}
