/* check_sign.c: the master key file and sealed signing keys. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "sign.h"
#include "unit.h"

static char dir[] = "/tmp/check_sign.XXXXXX";
static char path[64];

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.key", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

START_TEST(create_and_load)
{
	char err[SIGN_ERR_MAX];
	struct sign_master *m;
	struct stat st;

	ck_assert_int_eq(sign_master_create(path, err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 65);
	/* Never overwrites. */
	ck_assert_int_eq(sign_master_create(path, err), EXIT_CANTCREAT);
	ck_assert_int_eq(sign_master_load(path, &m, err), 0);
	sign_master_free(m);
}
END_TEST

START_TEST(refuses_open_modes)
{
	static const mode_t modes[] = { 0640, 0604, 0660, 0644, 0620 };
	char err[SIGN_ERR_MAX];
	struct sign_master *m;
	size_t i;

	ck_assert_int_eq(sign_master_create(path, err), 0);
	for (i = 0; i < sizeof modes / sizeof *modes; i++) {
		ck_assert_int_eq(chmod(path, modes[i]), 0);
		ck_assert_int_eq(sign_master_load(path, &m, err), EXIT_CONFIG);
		ck_assert_msg(strstr(err, "chmod 600"), "%s", err);
	}
	ck_assert_int_eq(chmod(path, 0400), 0);
	ck_assert_int_eq(sign_master_load(path, &m, err), 0);
	sign_master_free(m);
}
END_TEST

START_TEST(refuses_bad_contents)
{
	static const char *const bad[] = {
		"", "abc\n", "zz00000000000000000000000000000000000000000000000"
		"00000000000000\n",
		"00000000000000000000000000000000000000000000000000000000000000"
		"00\nextra",
	};
	char err[SIGN_ERR_MAX];
	struct sign_master *m;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs(bad[i], f);
		fclose(f);
		chmod(path, 0600);
		ck_assert_int_eq(sign_master_load(path, &m, err), EXIT_CONFIG);
		ck_assert_ptr_nonnull(strstr(err, "not a credpipe master key"));
	}
	unlink(path);
	ck_assert_int_eq(sign_master_load(path, &m, err), EXIT_NOINPUT);
}
END_TEST

START_TEST(seal_round_trip)
{
	unsigned char pk[32], pk2[32], sealed[SIGN_SEALED_LEN], *sk;
	unsigned char sig[crypto_sign_BYTES];
	char err[SIGN_ERR_MAX], other[80];
	struct sign_master *m, *wrong;

	ck_assert_int_eq(sign_master_create(path, err), 0);
	ck_assert_int_eq(sign_master_load(path, &m, err), 0);
	sign_keypair_new(m, pk, sealed);
	sk = sign_unseal(m, sealed, sizeof sealed, pk, err);
	ck_assert_ptr_nonnull(sk);
	/* It signs, and the public key checks the signature. */
	crypto_sign_detached(sig, NULL, (const unsigned char *)"x", 1, sk);
	ck_assert_int_eq(crypto_sign_verify_detached(sig,
	    (const unsigned char *)"x", 1, pk), 0);
	sign_secret_free(sk);

	/* A second key differs, and does not match the first's pk. */
	sign_keypair_new(m, pk2, sealed);
	ck_assert_int_ne(memcmp(pk, pk2, 32), 0);
	ck_assert_ptr_null(sign_unseal(m, sealed, sizeof sealed, pk, err));
	ck_assert_ptr_nonnull(strstr(err, "does not match"));

	/* Another master key cannot unseal it. */
	snprintf(other, sizeof other, "%s/other.key", dir);
	ck_assert_int_eq(sign_master_create(other, err), 0);
	ck_assert_int_eq(sign_master_load(other, &wrong, err), 0);
	unlink(other);
	ck_assert_ptr_null(sign_unseal(wrong, sealed, sizeof sealed, pk2,
	    err));
	ck_assert_ptr_nonnull(strstr(err, "cannot unseal"));
	/* A damaged seal fails too. */
	sealed[30] ^= 1;
	ck_assert_ptr_null(sign_unseal(m, sealed, sizeof sealed, pk2, err));
	ck_assert_ptr_null(sign_unseal(m, sealed, 10, pk2, err));
	sign_master_free(wrong);
	sign_master_free(m);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_and_load);
	tcase_add_test(tc, refuses_open_modes);
	tcase_add_test(tc, refuses_bad_contents);
	tcase_add_test(tc, seal_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
