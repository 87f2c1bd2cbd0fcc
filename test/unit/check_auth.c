/*
 * check_auth.c: roles, plans, API keys and the gates of issuance, on a
 * database made for the test.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "exitcodes.h"
#include "sign.h"
#include "store.h"
#include "unit.h"

static char dir[] = "/tmp/check_auth.XXXXXX";
static char path[64];
static struct store *db;
static long long org_id;

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/credpipe.db", dir);
	db = store_open(path, STORE_CREATE);
	ck_assert_int_eq(store_org_create(db, "acme", "Acme", "free",
	    &org_id), 0);
}

static void
teardown(void)
{
	char p[80];

	store_close(db);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

START_TEST(role_order)
{
	ck_assert_int_lt(ROLE_VIEWER, ROLE_ISSUER);
	ck_assert_int_lt(ROLE_ISSUER, ROLE_ADMIN);
	ck_assert_int_lt(ROLE_ADMIN, ROLE_OWNER);
	ck_assert_int_eq(auth_role_parse("viewer"), ROLE_VIEWER);
	ck_assert_int_eq(auth_role_parse("owner"), ROLE_OWNER);
	ck_assert_int_eq(auth_role_parse("Owner"), -1);
	ck_assert_int_eq(auth_role_parse("root"), -1);
	ck_assert_str_eq(auth_role_name(ROLE_ISSUER), "issuer");
	ck_assert_int_eq(auth_plan_parse("professional"), PLAN_PROFESSIONAL);
	ck_assert_int_eq(auth_plan_parse("pro"), -1);
	ck_assert_int_eq(auth_plan_quota(PLAN_FREE), 50);
	ck_assert_int_eq(auth_plan_quota(PLAN_PROFESSIONAL), 1000);
	ck_assert_int_eq(auth_plan_quota(PLAN_ENTERPRISE), 10000);
}
END_TEST

START_TEST(quota_override_wins)
{
	struct store_org o;

	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_org_quota(&o), 50);
	store_org_release(&o);
	store_org_set_plan(db, org_id, "enterprise");
	store_org_set_quota(db, org_id, 7);
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_org_quota(&o), 7);
	store_org_release(&o);
	store_org_set_quota(db, org_id, -1);
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_org_quota(&o), 10000);
	store_org_release(&o);
}
END_TEST

START_TEST(key_format)
{
	struct auth_newkey a, b;
	char prefix[AUTH_PREFIX_LEN + 1], bad[AUTH_KEY_LEN + 2];
	unsigned char hash[32];

	auth_key_new(&a);
	auth_key_new(&b);
	ck_assert_uint_eq(strlen(a.key), AUTH_KEY_LEN);
	ck_assert_int_eq(strncmp(a.key, "cpk_", 4), 0);
	ck_assert_int_eq(a.key[4 + AUTH_PREFIX_LEN], '_');
	ck_assert_str_ne(a.key, b.key);
	ck_assert_str_ne(a.prefix, b.prefix);
	ck_assert_int_eq(auth_key_parse(a.key, prefix, hash), 0);
	ck_assert_str_eq(prefix, a.prefix);
	ck_assert_mem_eq(hash, a.hash, 32);
	/* The hash is of the secret: SHA-256 of its 64 hex digits. */
	crypto_hash_sha256(hash, (unsigned char *)a.key + 5 + AUTH_PREFIX_LEN,
	    AUTH_SECRET_LEN);
	ck_assert_mem_eq(hash, a.hash, 32);

	strcpy(bad, a.key);
	bad[AUTH_KEY_LEN - 1] = 'g';
	ck_assert_int_eq(auth_key_parse(bad, prefix, hash), -1);
	strcpy(bad, a.key);
	bad[0] = 'x';
	ck_assert_int_eq(auth_key_parse(bad, prefix, hash), -1);
	strcpy(bad, a.key);
	strcat(bad, "0");
	ck_assert_int_eq(auth_key_parse(bad, prefix, hash), -1);
	ck_assert_int_eq(auth_key_parse("", prefix, hash), -1);
	ck_assert_int_eq(auth_key_parse(a.prefix, prefix, hash), -1);
}
END_TEST

/* auth_hash_equal must be libsodium's constant-time comparison: its
 * object file calls crypto_verify_32 and no memcmp. */
START_TEST(constant_time_compare)
{
	unsigned char a[32] = { 1 }, b[32] = { 1 };
	char cmd[512], line[256];
	int verify = 0, memcmp_seen = 0;
	FILE *p;

	ck_assert_int_eq(auth_hash_equal(a, b), 1);
	b[31] = 2;
	ck_assert_int_eq(auth_hash_equal(a, b), 0);
	snprintf(cmd, sizeof cmd, "nm -u %s/lib/auth.o",
	    getenv("CREDPIPE_BUILD") ? getenv("CREDPIPE_BUILD") : "build");
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p)) {
		if (strstr(line, "crypto_verify_32"))
			verify = 1;
		if (strstr(line, " memcmp") || strstr(line, "bcmp"))
			memcmp_seen = 1;
	}
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(verify, "auth.o does not call crypto_verify_32");
	ck_assert_msg(!memcmp_seen, "auth.o calls memcmp");
}
END_TEST

START_TEST(login)
{
	char err[AUTH_ERR_MAX];
	struct auth_newkey k;
	struct auth_who who;
	long long member;
	char *wrong;

	ck_assert_int_eq(store_member_add(db, org_id, "ada@example.org",
	    "issuer", &member), 0);
	auth_key_new(&k);
	store_apikey_add(db, member, k.prefix, k.hash, 10);

	ck_assert_int_eq(auth_login(db, k.key, &who, err), 0);
	ck_assert_str_eq(who.org.slug, "acme");
	ck_assert_str_eq(who.member_email, "ada@example.org");
	ck_assert_int_eq(who.role, ROLE_ISSUER);
	ck_assert_int_eq(auth_need_role(&who, ROLE_ISSUER, err), 0);
	ck_assert_int_eq(auth_need_role(&who, ROLE_ADMIN, err), EXIT_NOPERM);
	ck_assert_msg(strstr(err, "needs the admin role"), "%s", err);
	auth_who_release(&who);

	ck_assert_int_eq(auth_login(db, NULL, &who, err), EXIT_NOPERM);
	ck_assert_ptr_nonnull(strstr(err, "CREDPIPE_API_KEY"));
	ck_assert_int_eq(auth_login(db, "cpk_nonsense", &who, err),
	    EXIT_NOPERM);
	ck_assert_ptr_nonnull(strstr(err, "is not an API key"));

	wrong = strdup(k.key);
	wrong[AUTH_KEY_LEN - 1] = wrong[AUTH_KEY_LEN - 1] == '0' ? '1' : '0';
	ck_assert_int_eq(auth_login(db, wrong, &who, err), EXIT_NOPERM);
	ck_assert_ptr_nonnull(strstr(err, "is not valid"));
	wrong[5] = wrong[5] == '0' ? '1' : '0';	/* unknown prefix */
	ck_assert_int_eq(auth_login(db, wrong, &who, err), EXIT_NOPERM);
	ck_assert_ptr_nonnull(strstr(err, "is not valid"));
	free(wrong);

	ck_assert_int_eq(store_apikey_revoke(db, org_id, k.prefix), 0);
	ck_assert_int_eq(store_apikey_revoke(db, org_id, k.prefix),
	    STORE_NOTFOUND);
	ck_assert_int_eq(auth_login(db, k.key, &who, err), EXIT_NOPERM);
	ck_assert_ptr_nonnull(strstr(err, "revoked"));
}
END_TEST

START_TEST(gates)
{
	unsigned char pk[32] = { 9 }, sealed[SIGN_SEALED_LEN] = { 0 };
	char err[AUTH_ERR_MAX];
	struct store_org o;

	/* Free and unapproved, no key: approval is named first. */
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), EXIT_NOPERM);
	ck_assert_msg(strstr(err, "not approved"), "%s", err);
	store_org_release(&o);

	store_org_set_approved(db, org_id, 1);
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), EXIT_NOPERM);
	ck_assert_msg(strstr(err, "no signing key"), "%s", err);
	store_org_release(&o);

	ck_assert_int_eq(store_key_add(db, org_id, pk, sealed, sizeof sealed,
	    NULL), 0);
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), EXIT_NOPERM);
	ck_assert_str_eq(err, "bulk issuance needs the Professional or "
	    "Enterprise plan; acme is on the Free plan");
	store_org_release(&o);

	store_org_set_plan(db, org_id, "professional");
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), EXIT_NOPERM);
	ck_assert_msg(strstr(err, "no status URL"), "%s", err);
	store_org_release(&o);

	/* A status URL, or none: either is a choice made. */
	store_org_set(db, org_id, STORE_ORG_STATUS_URL, "none");
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), 0);
	store_org_release(&o);
	store_org_set(db, org_id, STORE_ORG_STATUS_URL, "https://a.example/s");
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), 0);
	store_org_release(&o);

	store_org_set_plan(db, org_id, "enterprise");
	ck_assert_int_eq(store_org_get(db, "acme", &o), 0);
	ck_assert_int_eq(auth_may_issue(db, &o, err), 0);
	store_org_release(&o);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, role_order);
	tcase_add_test(tc, quota_override_wins);
	tcase_add_test(tc, key_format);
	tcase_add_test(tc, constant_time_compare);
	tcase_add_test(tc, login);
	tcase_add_test(tc, gates);
	suite_add_tcase(s, tc);
	return s;
}
