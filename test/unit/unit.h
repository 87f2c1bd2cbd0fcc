/* unit.h: what a unit test file provides to main.c, and shared helpers. */
#ifndef CREDPIPE_UNIT_H
#define CREDPIPE_UNIT_H

#include <check.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "sign.h"
#include "store.h"

/* The tests of one module. */
Suite *suite(void);

/* The directory of the source tree ($TOP, or "." when unset). */
const char *unit_top(void);

/* Put the bytes of the file at rel, a path under the source tree (or an
 * absolute path), in b (NUL-terminated); fail the test when it cannot be
 * read. */
void unit_slurp(struct buf *b, const char *rel);

/*
 * Case files: lines of "input <TAB> expected", with # comments.
 * unit_cases opens one under the source tree (failing the test when it
 * cannot); unit_next_case reads the next case into *line (getline style,
 * the caller frees it), cuts it at its first TAB and points *want past
 * it.  Returns 0 at the end of the file.
 */
FILE *unit_cases(const char *rel);
int unit_next_case(FILE *f, char **line, size_t *cap, char **want);

/* The W3C vc-di-eddsa test key pair, from
 * test/data/vc-di-eddsa/keyPair.json, as libsodium keys. */
void unit_w3c_key(unsigned char pk[32], unsigned char sk[64]);

/* Set b to the n bytes at s with the \t and \xNN escapes of the case
 * files undone, NUL-terminated. */
void unit_unescape(struct buf *b, const char *s, size_t n);

/* The first column of the first row of a query on s, as text ("" when
 * there is none, or it is NULL); it lives until the next call. */
const char *unit_query(struct store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A scratch workspace: a fresh directory under /tmp, a master key and a
 * database in it.  unit_workspace_open makes it (failing the test when it
 * cannot); unit_workspace_close closes both and removes the directory.
 */
struct unit_workspace {
	char dir[64];		/* /tmp/NAME.XXXXXX, made */
	char db_path[96];	/* DIR/credpipe.db */
	char key_path[96];	/* DIR/credpipe.key */
	struct store *db;
	struct sign_master *master;
};

void unit_workspace_open(struct unit_workspace *w, const char *name);
void unit_workspace_close(struct unit_workspace *w);

#endif
