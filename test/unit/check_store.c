/*
 * check_store.c: the database file: its modes, its schema version, and
 * that no secret reaches its bytes.
 */
#define _GNU_SOURCE		/* memmem */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "sign.h"
#include "store.h"
#include "store_impl.h"
#include "unit.h"

static char dir[] = "/tmp/check_store.XXXXXX";
static char path[64], keypath[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	snprintf(keypath, sizeof keypath, "%s/credpipe.key", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static mode_t
mode_of(const char *suffix)
{
	char p[80];
	struct stat st;

	snprintf(p, sizeof p, "%s%s", path, suffix);
	ck_assert_msg(stat(p, &st) == 0, "no %s", p);
	return st.st_mode & 0777;
}

START_TEST(modes_and_version)
{
	struct store *s;
	long long id;

	umask(022);
	s = store_open(path, STORE_CREATE);
	ck_assert_int_eq(store_file_version(s), store_schema_version());
	ck_assert_int_ge(store_schema_version(), 2);
	store_begin(s);
	ck_assert_int_eq(store_org_create(s, "a", "A", "free", &id), 0);
	ck_assert_int_eq(store_org_create(s, "a", "A", "free", &id),
	    STORE_EXISTS);
	store_commit(s);
	/* While open, the WAL and shared-memory files exist: all 0600. */
	ck_assert_uint_eq(mode_of(""), 0600);
	ck_assert_uint_eq(mode_of("-wal"), 0600);
	ck_assert_uint_eq(mode_of("-shm"), 0600);
	store_close(s);
	s = store_open(path, 0);
	ck_assert_int_eq(store_file_version(s), store_schema_version());
	store_close(s);
}
END_TEST

static int
contains(const struct buf *file, const void *needle, size_t n)
{
	return memmem(file->p, file->len, needle, n) != NULL;
}

/* Everything the database directory holds, the WAL included. */
static void
slurp_db(struct buf *b)
{
	static const char *const suffixes[] = { "", "-wal" };
	size_t i, n;
	char p[80], chunk[4096];

	buf_reset(b);
	for (i = 0; i < 2; i++) {
		FILE *f;

		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		if (!(f = fopen(p, "rb")))
			continue;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(b, chunk, n);
		fclose(f);
	}
}

START_TEST(no_secret_in_file)
{
	unsigned char pk[32], sealed[SIGN_SEALED_LEN], *sk, hash[32];
	char err[SIGN_ERR_MAX], prefix[AUTH_PREFIX_LEN + 1];
	const char *secret;
	struct sign_master *m;
	struct auth_newkey k;
	struct buf file = BUF_INIT;
	struct store *s;
	long long org, member;

	ck_assert_int_eq(sign_master_create(keypath, err), 0);
	ck_assert_int_eq(sign_master_load(keypath, &m, err), 0);
	s = store_open(path, STORE_CREATE);
	ck_assert_int_eq(store_org_create(s, "acme", "Acme", "free", &org), 0);
	sign_keypair_new(m, pk, sealed);
	ck_assert_int_eq(store_key_add(s, org, pk, sealed, sizeof sealed,
	    NULL), 0);
	ck_assert_int_eq(store_member_add(s, org, "a@b.cd", "owner",
	    &member), 0);
	auth_key_new(&k);
	store_apikey_add(s, member, k.prefix, k.hash, 10);

	/* The secret as it would be used: unsealed from the database. */
	sk = sign_unseal(m, sealed, sizeof sealed, pk, err);
	ck_assert_ptr_nonnull(sk);
	secret = k.key + 5 + AUTH_PREFIX_LEN;
	ck_assert_int_eq(auth_key_parse(k.key, prefix, hash), 0);

	slurp_db(&file);
	ck_assert_uint_gt(file.len, 0);
	ck_assert_msg(contains(&file, pk, 32), "the public key is stored");
	ck_assert_msg(contains(&file, sealed, sizeof sealed), "sealed kept");
	ck_assert_msg(!contains(&file, sk, 32), "the seed is in the file");
	ck_assert_msg(!contains(&file, sk, 64), "the secret key is there");
	ck_assert_msg(!contains(&file, k.key, strlen(k.key)), "API key");
	ck_assert_msg(!contains(&file, secret, AUTH_SECRET_LEN), "secret");
	{
		unsigned char raw[AUTH_SECRET_LEN / 2];

		sodium_hex2bin(raw, sizeof raw, secret, AUTH_SECRET_LEN,
		    NULL, NULL, NULL);
		ck_assert_msg(!contains(&file, raw, sizeof raw),
		    "the secret's bytes are in the file");
	}
	/* Close, check again after the checkpoint folds the WAL in. */
	store_close(s);
	slurp_db(&file);
	ck_assert_msg(!contains(&file, sk, 32), "the seed is in the file");
	ck_assert_msg(!contains(&file, secret, AUTH_SECRET_LEN), "secret");
	ck_assert_msg(contains(&file, k.prefix, AUTH_PREFIX_LEN), "prefix");
	sign_secret_free(sk);
	sign_master_free(m);
	buf_release(&file);
}
END_TEST

static void
count_key(const struct store_key *k, void *arg)
{
	(void)k;
	++*(int *)arg;
}

/* Adding a key makes it the active one and gives its id; a key the
 * database refuses changes nothing, the active key included. */
START_TEST(key_add)
{
	unsigned char pk1[32], pk2[32], sealed[48];
	struct store_key k;
	struct store *s;
	long long org, id1 = -1, id2 = -1, id = -1;
	int n = 0;

	memset(pk1, 1, sizeof pk1);
	memset(pk2, 2, sizeof pk2);
	memset(sealed, 3, sizeof sealed);
	s = store_open(path, STORE_CREATE);
	store_begin(s);
	ck_assert_int_eq(store_org_create(s, "acme", "Acme", "free", &org), 0);
	ck_assert_int_eq(store_key_add(s, org, pk1, sealed, sizeof sealed,
	    &id1), 0);
	ck_assert_int_eq(store_key_add(s, org, pk2, sealed, sizeof sealed,
	    &id2), 0);
	ck_assert_int_gt(id1, 0);
	ck_assert_int_gt(id2, id1);
	ck_assert_int_eq(store_key_active(s, org, &k), 0);
	ck_assert_int_eq(k.id, id2);
	store_key_release(&k);

	/* Any UNIQUE constraint refuses as STORE_EXISTS: this one, on the
	 * public key, stands for them. */
	s->eng->run(s, "CREATE UNIQUE INDEX test_key_pk ON "
	    "signing_key(public_key)", "test");
	ck_assert_int_eq(store_key_add(s, org, pk1, sealed, sizeof sealed,
	    &id), STORE_EXISTS);
	ck_assert_int_eq(id, -1);
	ck_assert_int_eq(store_key_active(s, org, &k), 0);
	ck_assert_int_eq(k.id, id2);
	ck_assert_mem_eq(k.pk, pk2, 32);
	store_key_release(&k);
	store_key_list(s, org, count_key, &n);
	ck_assert_int_eq(n, 2);
	store_commit(s);
	store_close(s);
}
END_TEST

/* More statements than the library has: the cache holds them all, and
 * gives each back by the address of its text. */
START_TEST(many_statements)
{
	enum { N = 200 };
	static char sql[N][24];
	struct store_stmt *st[N];
	struct store *s;
	int i, pass;

	for (i = 0; i < N; i++)
		snprintf(sql[i], sizeof sql[i], "SELECT %d", i);
	s = store_open(path, STORE_CREATE);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < N; i++) {
			struct store_stmt *q = store_stmt(s, sql[i]);

			if (pass == 0)
				st[i] = q;
			ck_assert_ptr_eq(q, st[i]);
			ck_assert_int_eq(store_row(s, q), 1);
			ck_assert_int_eq(store_col_int(q, 0, -1), i);
			ck_assert_int_eq(store_row(s, q), 0);
		}
	}
	store_close(s);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, modes_and_version);
	tcase_add_test(tc, no_secret_in_file);
	tcase_add_test(tc, key_add);
	tcase_add_test(tc, many_statements);
	suite_add_tcase(s, tc);
	return s;
}
