/*
 * fuzz_smtpreply.c: a libFuzzer target for the SMTP reply reader, which
 * reads whatever a server sends.
 *
 * The input is what the server sends.  It is fed whole to one reader and
 * in chunks to another, the chunk sizes (1 to 32 bytes) read from the
 * input's bytes backwards from its end, so that the cuts fall anywhere
 * whatever the text; the two must agree, and so must the second once
 * reset and fed the whole again.  The reply kept must keep the contract:
 * a code of 0 or 400 to 599, a text only when there is a code, at most
 * SMTPREPLY_TEXT_MAX bytes of printable ASCII.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; replay.c runs the
 * same function over the kept inputs in every `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtpreply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct smtpreply *a, const struct smtpreply *b)
{
	return a->code == b->code && a->text.len == b->text.len &&
	    (a->text.len == 0 ||
	    memcmp(a->text.p, b->text.p, a->text.len) == 0);
}

static void
check(const struct smtpreply *r)
{
	size_t i;

	if (r->code != 0 && (r->code < 400 || r->code > 599))
		abort();
	if ((r->code == 0) != (r->text.len == 0))
		abort();
	if (r->text.len > SMTPREPLY_TEXT_MAX)
		abort();
	for (i = 0; i < r->text.len; i++)
		if (r->text.p[i] < 0x20 || r->text.p[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct smtpreply whole, chunked;
	size_t off, i;

	smtpreply_init(&whole);
	smtpreply_init(&chunked);
	smtpreply_feed(&whole, p, size);
	check(&whole);
	for (off = 0, i = 0; off < size; i++) {
		size_t k = 1 + data[size - 1 - i % size] % 32;

		if (k > size - off)
			k = size - off;
		smtpreply_feed(&chunked, p + off, k);
		off += k;
	}
	if (!same(&whole, &chunked))
		abort();
	smtpreply_reset(&chunked);
	smtpreply_feed(&chunked, p, size);
	if (!same(&whole, &chunked))
		abort();
	smtpreply_release(&whole);
	smtpreply_release(&chunked);
	return 0;
}
