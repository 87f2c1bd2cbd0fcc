/*
 * auth.h: who may do what (man/credpipe.7, "Security").
 *
 * Members of an organization act with an API key:
 *
 *	cpk_<prefix>_<secret>
 *
 * where prefix is 12 hexadecimal digits (48 random bits) by which the key
 * is found, and secret is 64 hexadecimal digits (256 random bits).  The
 * key is shown once, when it is made; the database keeps the prefix and
 * the SHA-256 of the secret, compared in constant time.
 *
 * Roles, lowest first: viewer (reads jobs), issuer (checks rosters,
 * submits and cancels jobs), admin, owner.  A key sees only its own
 * organization.  To issue, an organization must also be approved by the
 * operator, have a signing key, and be on a plan that allows bulk
 * issuance.  Every refusal comes with a sentence for a person.
 */
#ifndef CREDPIPE_AUTH_H
#define CREDPIPE_AUTH_H

#include "store.h"

enum auth_role { ROLE_VIEWER, ROLE_ISSUER, ROLE_ADMIN, ROLE_OWNER, NROLES };
enum auth_plan { PLAN_FREE, PLAN_PROFESSIONAL, PLAN_ENTERPRISE, NPLANS };

/* Names as stored and typed ("issuer", "professional"); parse returns -1
 * for a name it does not know. */
const char *auth_role_name(enum auth_role r);
int auth_role_parse(const char *s);
int auth_plan_parse(const char *s);

/* The monthly quota of unique recipients a plan gives. */
long long auth_plan_quota(enum auth_plan p);

/* An organization's quota: its override, or its plan's. */
long long auth_org_quota(const struct store_org *o);

#define AUTH_PREFIX_LEN 12
#define AUTH_SECRET_LEN 64
#define AUTH_KEY_LEN (4 + AUTH_PREFIX_LEN + 1 + AUTH_SECRET_LEN)

struct auth_newkey {
	char key[AUTH_KEY_LEN + 1];		/* shown once */
	char prefix[AUTH_PREFIX_LEN + 1];	/* stored */
	unsigned char hash[32];			/* stored */
};

/* Make a new random API key. */
void auth_key_new(struct auth_newkey *k);

/*
 * Split a key into its prefix and the hash of its secret.  Return 0, or
 * -1 when it does not have the form above.
 */
int auth_key_parse(const char *key, char prefix[AUTH_PREFIX_LEN + 1],
    unsigned char hash[32]);

/* Compare two hashes in constant time; 1 when equal. */
int auth_hash_equal(const unsigned char a[32], const unsigned char b[32]);

/* Who is acting: what auth_login or auth_login_ssh found. */
struct auth_who {
	struct store_org org;		/* the key's organization */
	long long member_id;
	char *member_email;
	enum auth_role role;
	int ssh;			/* the key is an SSH key, not an API
					 * key */
	long long key_id;		/* of the one or the other */
	long long rate;			/* its submissions an hour */
};

/* Room for a refusal. */
#define AUTH_ERR_MAX 256

/*
 * Find the member an API key belongs to.  Return 0 and fill who (which
 * auth_who_release frees), or EXIT_NOPERM with err set: no key, a key
 * of the wrong form, an unknown key, a wrong secret, a revoked key.
 * Records the key's use.
 */
int auth_login(struct store *s, const char *key, struct auth_who *who,
    char err[AUTH_ERR_MAX]);
void auth_who_release(struct auth_who *who);

/*
 * Find the member of the SSH key whose id credpipe-shell was given by
 * the operator's authorized_keys: the same as auth_login, for a key sshd
 * has already proven the member holds.  The id comes in the environment
 * (CREDPIPE_SSH_KEY), which is trustworthy for the same reason the
 * database is: only the operator's account can open it.
 */
int auth_login_ssh(struct store *s, const char *id, struct auth_who *who,
    char err[AUTH_ERR_MAX]);

/* Take a submission from the bucket of who's key (store_apikey_take or
 * store_sshkey_take). */
int auth_take_token(struct store *s, const struct auth_who *who,
    long long now, long long *wait);

/*
 * For the member commands: log in with key (with the SSH key of
 * CREDPIPE_SSH_KEY when key is NULL and that is set), check the role,
 * and look up the badge slug of the key's organization (unless badge is
 * NULL).  Any
 * refusal ends the program with its message and exit status (77, or 65
 * for an unknown badge).  The caller releases who and b.
 */
void auth_member(struct store *s, const char *key, enum auth_role r,
    const char *badge, struct auth_who *who, struct store_badge *b);

/* Return 0 when who has role at least r, else EXIT_NOPERM with err
 * naming the role needed. */
int auth_need_role(const struct auth_who *who, enum auth_role r,
    char err[AUTH_ERR_MAX]);

/*
 * The gates of bulk issuance, in this order: the organization is
 * approved, has a signing key, is on the Professional or Enterprise
 * plan, and has a status URL (or "none").  Return 0 or
 * EXIT_NOPERM with err saying which gate is shut and who can open it.
 */
int auth_may_issue(struct store *s, const struct store_org *o,
    char err[AUTH_ERR_MAX]);

#endif
