/*
 * fuzz_credential.c: a libFuzzer target for what credential-verify reads
 * from anyone: the strict JSON reader, the credential parser and the
 * proof check, and the status list credential parser, its proof check
 * and the decoding of its encodedList.
 *
 * Whatever the input, nothing may crash; and a document that parses as a
 * credential must write back as JSON that parses again to the same
 * credential (the writer and the reader agree on the shape).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer; replay.c runs the
 * same function over the kept inputs in every `make check`.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitstring.h"
#include "buf.h"
#include "credential.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char jwhy[JSON_WHY_MAX], why[CREDENTIAL_WHY_MAX];
	char bwhy[BITSTRING_WHY_MAX];
	struct credential c, again;
	struct credential_list l;
	struct buf bits = BUF_INIT;
	struct json *doc, *doc2;
	struct buf out = BUF_INIT;

	if (sodium_init() < 0)
		abort();
	if (!(doc = json_parse((const char *)data, size, jwhy)))
		return 0;
	if (credential_parse(&c, doc, why) == 0) {
		(void)credential_verify(&c, why);
		if (credential_write_json(&c, &out, why) != 0)
			abort();
		if (!(doc2 = json_parse(out.p, out.len, jwhy)))
			abort();
		if (credential_parse(&again, doc2, why) != 0 ||
		    strcmp(again.id, c.id) != 0 ||
		    strcmp(again.recipient_name, c.recipient_name) != 0 ||
		    strcmp(again.proof_value, c.proof_value) != 0 ||
		    again.valid_from != c.valid_from ||
		    again.valid_until != c.valid_until)
			abort();
		json_free(doc2);
	}
	if (credential_list_parse(&l, doc, why) == 0) {
		(void)credential_list_verify(&l, why);
		if (bitstring_decode(l.encoded_list, &bits, bwhy) == 0 &&
		    (bits.len < BITSTRING_LIST_SIZE / 8 ||
		    bits.len > BITSTRING_BYTES_MAX))
			abort();
		buf_release(&bits);
	}
	buf_release(&out);
	json_free(doc);
	return 0;
}
