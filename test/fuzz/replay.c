/*
 * replay.c: run the fuzz target over files named on the command line:
 * the inputs kept in test/fuzz/regress, so that what the fuzzer once
 * found stays fixed.  Prints TAP.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char *argv[])
{
	int i;

	printf("1..%d\n", argc - 1);
	for (i = 1; i < argc; i++) {
		struct buf b = BUF_INIT;
		char chunk[4096];
		size_t n;
		FILE *f = fopen(argv[i], "rb");

		if (!f) {
			printf("not ok %d - cannot open %s\n", i, argv[i]);
			continue;
		}
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)b.p, b.len);
		printf("ok %d - %s\n", i, argv[i]);
		buf_release(&b);
	}
	return 0;
}
