/*
 * main.c: the driver every unit test links with.  Each check_MODULE.c
 * defines suite(); this runs it without forking noise and writes TAP on
 * stdout for prove.  The exit status is the number of failed tests.
 * Below it, the helpers of unit.h.
 */
#include <errno.h>
#include <check.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "multibase.h"
#include "sign.h"
#include "store_impl.h"
#include "unit.h"

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *
unit_top(void)
{
	const char *top = getenv("TOP");

	return top && *top ? top : ".";
}

void
unit_slurp(struct buf *b, const char *rel)
{
	char path[4096], chunk[4096];
	size_t n;
	FILE *f;

	if (rel[0] == '/')
		snprintf(path, sizeof path, "%s", rel);
	else
		snprintf(path, sizeof path, "%s/%s", unit_top(), rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	buf_reset(b);
	buf_add(b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
}

FILE *
unit_cases(const char *rel)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", unit_top(), rel);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	return f;
}

int
unit_next_case(FILE *f, char **line, size_t *cap, char **want)
{
	ssize_t len;

	while ((len = getline(line, cap, f)) > 0) {
		if ((*line)[0] == '#')
			continue;
		if ((*line)[len - 1] == '\n')
			(*line)[len - 1] = '\0';
		*want = strchr(*line, '\t');
		ck_assert_msg(*want != NULL, "no TAB in case '%s'", *line);
		*(*want)++ = '\0';
		return 1;
	}
	return 0;
}

void
unit_w3c_key(unsigned char pk[32], unsigned char sk[64])
{
	struct buf text = BUF_INIT;
	unsigned char seed[32];
	const struct json *priv;
	char why[JSON_WHY_MAX];
	struct json *doc;

	ck_assert_int_ge(sodium_init(), 0);
	unit_slurp(&text, "test/data/vc-di-eddsa/keyPair.json");
	doc = json_parse(text.p, text.len, why);
	ck_assert_msg(doc != NULL, "keyPair.json: %s", why);
	priv = json_get(doc, "privateKeyMultibase");
	ck_assert_ptr_nonnull(priv);
	ck_assert_int_eq(multibase_parse_ed25519_seed(priv->s, seed), 0);
	crypto_sign_seed_keypair(pk, sk, seed);
	json_free(doc);
	buf_release(&text);
}

void
unit_unescape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == 't') {
			buf_addc(b, '\t');
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };
			buf_addc(b, (int)strtol(hex, NULL, 16));
			i += 3;
		} else {
			buf_addc(b, s[i]);
		}
	}
	buf_add(b, "", 0);
}

const char *
unit_query(struct store *s, const char *fmt, ...)
{
	static char out[1024];
	struct buf sql = BUF_INIT;
	struct store_stmt *st;
	struct store_value v;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&sql, fmt, ap);
	va_end(ap);
	st = store_prepare(s, sql.p);
	out[0] = '\0';
	if (store_row(s, st)) {
		store_col_value(st, 0, &v);
		if (v.type == STORE_INTEGER)
			snprintf(out, sizeof out, "%lld", v.i);
		else if (v.type == STORE_REAL)
			snprintf(out, sizeof out, "%g", v.r);
		else if (v.type != STORE_NULL)
			snprintf(out, sizeof out, "%.*s", (int)v.len,
			    (const char *)v.p);
	}
	store_finalize(st);
	buf_release(&sql);
	return out;
}

void
unit_workspace_open(struct unit_workspace *w, const char *name)
{
	char err[SIGN_ERR_MAX];

	snprintf(w->dir, sizeof w->dir, "/tmp/%s.XXXXXX", name);
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	snprintf(w->db_path, sizeof w->db_path, "%s/credpipe.db", w->dir);
	snprintf(w->key_path, sizeof w->key_path, "%s/credpipe.key", w->dir);
	ck_assert_msg(sign_master_create(w->key_path, err) == 0, "%s", err);
	ck_assert_msg(sign_master_load(w->key_path, &w->master, err) == 0,
	    "%s", err);
	w->db = store_open(w->db_path, STORE_CREATE);
}

void
unit_workspace_close(struct unit_workspace *w)
{
	char cmd[128];

	store_close(w->db);
	sign_master_free(w->master);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	ck_assert_int_eq(system(cmd), 0);
}
