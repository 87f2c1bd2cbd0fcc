/* auth.c: API keys, roles and the gates of issuance; the contract is in
 * auth.h. */
#include <err.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "exitcodes.h"
#include "sign.h"
#include "util.h"

static const char *const roles[NROLES] = {
	"viewer", "issuer", "admin", "owner"
};
static const char *const plans[NPLANS] = {
	"free", "professional", "enterprise"
};
static const char *const plan_titles[NPLANS] = {
	"Free", "Professional", "Enterprise"
};
static const long long quotas[NPLANS] = { 50, 1000, 10000 };

static int
find(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
auth_role_name(enum auth_role r)
{
	return (unsigned)r < NROLES ? roles[r] : "?";
}

int
auth_role_parse(const char *s)
{
	return find(roles, NROLES, s);
}

int
auth_plan_parse(const char *s)
{
	return find(plans, NPLANS, s);
}

long long
auth_plan_quota(enum auth_plan p)
{
	return (unsigned)p < NPLANS ? quotas[p] : 0;
}

long long
auth_org_quota(const struct store_org *o)
{
	int p = auth_plan_parse(o->plan);

	if (o->quota >= 0)
		return o->quota;
	return p < 0 ? 0 : auth_plan_quota((enum auth_plan)p);
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]) || !s[i])
			return 0;
	return 1;
}

static void
hash_secret(const char *secret, unsigned char hash[32])
{
	crypto_hash_sha256(hash, (const unsigned char *)secret,
	    AUTH_SECRET_LEN);
}

void
auth_key_new(struct auth_newkey *k)
{
	unsigned char prefix[AUTH_PREFIX_LEN / 2];
	unsigned char secret[AUTH_SECRET_LEN / 2];
	char *p = k->key;

	sign_init();
	randombytes_buf(prefix, sizeof prefix);
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(k->prefix, sizeof k->prefix, prefix, sizeof prefix);
	memcpy(p, "cpk_", 4);
	memcpy(p + 4, k->prefix, AUTH_PREFIX_LEN);
	p[4 + AUTH_PREFIX_LEN] = '_';
	sodium_bin2hex(p + 5 + AUTH_PREFIX_LEN, AUTH_SECRET_LEN + 1, secret,
	    sizeof secret);
	hash_secret(p + 5 + AUTH_PREFIX_LEN, k->hash);
	sodium_memzero(secret, sizeof secret);
}

int
auth_key_parse(const char *key, char prefix[AUTH_PREFIX_LEN + 1],
    unsigned char hash[32])
{
	if (strlen(key) != AUTH_KEY_LEN || strncmp(key, "cpk_", 4) != 0 ||
	    key[4 + AUTH_PREFIX_LEN] != '_' ||
	    !is_hex(key + 4, AUTH_PREFIX_LEN) ||
	    !is_hex(key + 5 + AUTH_PREFIX_LEN, AUTH_SECRET_LEN))
		return -1;
	memcpy(prefix, key + 4, AUTH_PREFIX_LEN);
	prefix[AUTH_PREFIX_LEN] = '\0';
	sign_init();
	hash_secret(key + 5 + AUTH_PREFIX_LEN, hash);
	return 0;
}

int
auth_hash_equal(const unsigned char a[32], const unsigned char b[32])
{
	return crypto_verify_32(a, b) == 0;
}

static int refuse(char err[AUTH_ERR_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
refuse(char err[AUTH_ERR_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, AUTH_ERR_MAX, fmt, ap);
	va_end(ap);
	return EXIT_NOPERM;
}

int
auth_login(struct store *s, const char *key, struct auth_who *who,
    char err[AUTH_ERR_MAX])
{
	static const unsigned char nothing[32];
	char prefix[AUTH_PREFIX_LEN + 1];
	unsigned char hash[32];
	struct store_apikey k;
	int found, role;

	memset(who, 0, sizeof *who);
	if (!key)
		return refuse(err, "no API key: set CREDPIPE_API_KEY to the "
		    "key org-admin apikey create printed");
	if (auth_key_parse(key, prefix, hash) != 0)
		return refuse(err, "CREDPIPE_API_KEY is not an API key (they "
		    "look like cpk_<12 hex digits>_<64 hex digits>)");
	found = store_apikey_get(s, prefix, &k) == 0;
	/* Compare even when nothing was found, so that an unknown prefix
	 * takes as long as a wrong secret. */
	if (!auth_hash_equal(hash, found ? k.hash : nothing) || !found) {
		if (found)
			store_apikey_release(&k);
		return refuse(err, "API key cpk_%s... is not valid", prefix);
	}
	if (k.revoked) {
		store_apikey_release(&k);
		return refuse(err, "API key cpk_%s... has been revoked; ask "
		    "an admin of your organization for a new one", prefix);
	}
	role = auth_role_parse(k.role);
	if (role < 0 || store_org_get_id(s, k.org_id, &who->org) != 0) {
		store_apikey_release(&k);
		return refuse(err, "API key cpk_%s... belongs to no member",
		    prefix);
	}
	who->member_id = k.member_id;
	who->member_email = k.member_email;
	k.member_email = NULL;
	who->role = (enum auth_role)role;
	who->key_id = k.id;
	who->rate = k.rate;
	store_apikey_touch(s, k.id);
	store_apikey_release(&k);
	return 0;
}

void
auth_who_release(struct auth_who *who)
{
	store_org_release(&who->org);
	free(who->member_email);
	memset(who, 0, sizeof *who);
}

int
auth_need_role(const struct auth_who *who, enum auth_role r,
    char err[AUTH_ERR_MAX])
{
	if (who->role >= r)
		return 0;
	return refuse(err, "this needs the %s role or above; %s is %s %s "
	    "of %s", auth_role_name(r), who->member_email,
	    who->role == ROLE_ADMIN || who->role == ROLE_ISSUER ? "an" : "a",
	    auth_role_name(who->role), who->org.slug);
}

int
auth_may_issue(struct store *s, const struct store_org *o,
    char err[AUTH_ERR_MAX])
{
	struct store_key k;
	int plan = auth_plan_parse(o->plan);

	if (!o->approved)
		return refuse(err, "organization %s is not approved yet; "
		    "the operator approves it with org-admin org approve",
		    o->slug);
	if (store_key_active(s, o->id, &k) != 0)
		return refuse(err, "organization %s has no signing key; the "
		    "operator makes one with org-admin key generate", o->slug);
	store_key_release(&k);
	if (plan != PLAN_PROFESSIONAL && plan != PLAN_ENTERPRISE)
		return refuse(err, "bulk issuance needs the Professional or "
		    "Enterprise plan; %s is on the %s plan", o->slug,
		    plan < 0 ? o->plan : plan_titles[plan]);
	if (!o->status_url[0])
		return refuse(err, "organization %s has no status URL for the "
		    "revocation of its credentials; the operator sets one with "
		    "org-admin org status-url (or none)", o->slug);
	return 0;
}

int
auth_login_ssh(struct store *s, const char *id, struct auth_who *who,
    char err[AUTH_ERR_MAX])
{
	struct store_sshkey k;
	unsigned long n;
	int role;

	memset(who, 0, sizeof *who);
	if (parse_ulong(id, 1, (unsigned long)-1 / 2, &n) != 0 ||
	    store_sshkey_get(s, (long long)n, &k) != 0)
		return refuse(err, "SSH key %.20s is not known here", id);
	if (k.revoked || k.member_removed) {
		store_sshkey_release(&k);
		return refuse(err, "SSH key %s has been revoked; ask an admin "
		    "of your organization", k.fingerprint);
	}
	role = auth_role_parse(k.role);
	if (role < 0 || store_org_get_id(s, k.org_id, &who->org) != 0) {
		store_sshkey_release(&k);
		return refuse(err, "SSH key %lu belongs to no member", n);
	}
	who->member_id = k.member_id;
	who->member_email = k.member_email;
	k.member_email = NULL;
	who->role = (enum auth_role)role;
	who->ssh = 1;
	who->key_id = k.id;
	who->rate = k.rate;
	store_sshkey_touch(s, k.id);
	store_sshkey_release(&k);
	return 0;
}

int
auth_take_token(struct store *s, const struct auth_who *who, long long now,
    long long *wait)
{
	return who->ssh ? store_sshkey_take(s, who->key_id, who->rate, now,
	    wait) : store_apikey_take(s, who->key_id, who->rate, now, wait);
}

void
auth_member(struct store *s, const char *key, enum auth_role r,
    const char *badge, struct auth_who *who, struct store_badge *b)
{
	char err[AUTH_ERR_MAX];
	int rc;

	const char *ssh = config_env("CREDPIPE_SSH_KEY");

	if ((rc = !key && ssh ? auth_login_ssh(s, ssh, who, err) :
	    auth_login(s, key, who, err)) != 0 ||
	    (rc = auth_need_role(who, r, err)) != 0)
		errx(rc, "%s", err);
	if (badge && store_badge_get(s, who->org.id, badge, b) != 0)
		errx(EXIT_DATAERR, "organization %s has no badge '%s'",
		    who->org.slug, badge);
}
