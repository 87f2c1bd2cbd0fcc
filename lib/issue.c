/* issue.c: issuing one item's credential; the contract is in issue.h. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "credential.h"
#include "issue.h"
#include "util.h"

/* What the issuer loaded since its last reset.  Each entry is allocated
 * on its own, so a pointer to one stays good while the arrays grow. */
struct issuer {
	struct store *s;
	const struct sign_master *m;
	struct issue_org **orgs;
	struct issue_badge **badges;
	size_t norgs, nbadges;
	size_t orgs_cap, badges_cap;
};

struct issuer *
issuer_new(struct store *s, const struct sign_master *m)
{
	struct issuer *is = xcalloc(1, sizeof *is);

	is->s = s;
	is->m = m;
	return is;
}

void
issuer_reset(struct issuer *is)
{
	size_t i;

	for (i = 0; i < is->norgs; i++) {
		store_org_release(&is->orgs[i]->org);
		sign_secret_free(is->orgs[i]->sk);
		free(is->orgs[i]);
	}
	for (i = 0; i < is->nbadges; i++) {
		store_badge_release(&is->badges[i]->badge);
		free(is->badges[i]);
	}
	is->norgs = is->nbadges = 0;
}

void
issuer_free(struct issuer *is)
{
	if (!is)
		return;
	issuer_reset(is);
	free(is->orgs);
	free(is->badges);
	free(is);
}

/* Make room for one more pointer in *v, which holds n of cap. */
static void *
grow(void *v, size_t n, size_t *cap)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 16;
	return xrealloc(v, *cap * sizeof(void *));
}

/* The organization, with its active key unsealed: loaded once a reset. */
static struct issue_org *
get_org(struct issuer *is, long long id)
{
	struct issue_org *o;
	struct store_key k;
	size_t i;

	for (i = 0; i < is->norgs; i++)
		if (is->orgs[i]->org.id == id)
			return is->orgs[i];
	is->orgs = grow(is->orgs, is->norgs, &is->orgs_cap);
	o = is->orgs[is->norgs++] = xcalloc(1, sizeof *o);
	if (store_org_get_id(is->s, id, &o->org) != 0) {
		memset(&o->org, 0, sizeof o->org);
		o->org.id = id;
		snprintf(o->why, sizeof o->why, "organization %lld is gone",
		    id);
		return o;
	}
	if (store_key_active(is->s, id, &k) != 0) {
		snprintf(o->why, sizeof o->why, "organization %s has no "
		    "signing key", o->org.slug);
		return o;
	}
	memcpy(o->pk, k.pk, 32);
	o->key_id = k.id;
	o->sk = sign_unseal(is->m, k.sealed, k.sealed_len, k.pk, o->why);
	store_key_release(&k);
	return o;
}

/* A name-based UUID (version 8, RFC 9562) from the SHA-256 of the
 * organization's and the badge's slugs, so that every credential of a
 * badge names the same achievement. */
void
issue_badge_iri(const char *org, const char *badge, char out[64])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char hex[33];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"credpipe badge\n",
	    15);
	crypto_hash_sha256_update(&st, (const unsigned char *)org,
	    strlen(org) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)badge,
	    strlen(badge));
	crypto_hash_sha256_final(&st, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);	/* version 8 */
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);	/* variant 10 */
	sodium_bin2hex(hex, sizeof hex, h, 16);
	snprintf(out, 64, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
}

static struct issue_badge *
get_badge(struct issuer *is, long long id, const char *org_slug)
{
	struct issue_badge *b;
	struct store_badge sb;
	size_t i;

	for (i = 0; i < is->nbadges; i++)
		if (is->badges[i]->badge.id == id)
			return is->badges[i];
	if (store_badge_get_id(is->s, id, &sb) != 0)
		return NULL;
	is->badges = grow(is->badges, is->nbadges, &is->badges_cap);
	b = is->badges[is->nbadges++] = xcalloc(1, sizeof *b);
	b->badge = sb;
	issue_badge_iri(org_slug, sb.slug, b->iri);
	return b;
}

static void
say(struct issue_result *r, enum issue_outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
say(struct issue_result *r, enum issue_outcome o, const char *fmt, ...)
{
	va_list ap;

	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

/*
 * Decide, from the latest credential now, what to do: return the class
 * that applies ("new", "expired", "active-timebound", "revoked"), or NULL
 * with r set to skip.  prior gets the credential to supersede ("").
 */
static const char *
decide(struct issuer *is, const struct store_item *it, long long now,
    struct issue_result *r, char prior[64])
{
	struct store_latest l;
	char when[ISO_TIME_MAX];
	enum record_status st;

	prior[0] = '\0';
	if (store_cred_latest(is->s, it->org_id, it->badge_id, it->email,
	    &l) != 0)
		return record_status_name(classify_latest(NULL, now));
	st = classify_latest(&l, now);
	iso_time(l.issued, when);
	if (st == RECORD_REVOKED) {
		/* A renewal that was never delivered leaves its predecessor
		 * active: the fresh one replaces that. */
		store_cred_held(is->s, it->org_id, it->badge_id, it->email, now,
		    prior);
		return record_status_name(st);
	}
	/* Active: one issued since the job was submitted (by another job)
	 * is not renewed again, whatever its kind. */
	if (st != RECORD_EXPIRED && l.issued > it->submitted) {
		say(r, ISSUE_SKIP, "holds %s, issued %s, after this job was "
		    "submitted", l.id, when);
		return NULL;
	}
	if (st == RECORD_ACTIVE_NONEXPIRING) {
		say(r, ISSUE_SKIP, "holds %s, issued %s, which does not "
		    "expire", l.id, when);
		return NULL;
	}
	snprintf(prior, 64, "%s", l.id);
	return record_status_name(st);
}

void
issue_item(struct issuer *is, const struct store_item *it, const char *lease,
    long long now, struct issue_result *r)
{
	char salt[CREDENTIAL_SALT_MAX], hash[CREDENTIAL_HASH_MAX];
	char why[CREDENTIAL_WHY_MAX], prior[64];
	struct store_status_entry status;
	struct issue_org *o = get_org(is, it->org_id);
	struct issue_badge *b;
	struct credential c;
	const char *class;

	buf_reset(&r->document);
	r->outcome = ISSUE_OK;
	r->reason[0] = '\0';
	r->org = o;
	r->badge = b = o->org.slug ? get_badge(is, it->badge_id, o->org.slug) :
	    NULL;
	if (!o->sk) {
		say(r, ISSUE_WAIT, "%s", o->why);
		return;
	}
	if (!b) {
		say(r, ISSUE_FAIL, "the badge of job %lld is gone", it->job_id);
		return;
	}
	/* Issued already, before a crash: the same credential again. */
	if (it->credential_id[0]) {
		struct store_cred sc = { 0 };

		snprintf(r->credential_id, sizeof r->credential_id, "%s",
		    it->credential_id);
		if (store_cred_get(is->s, it->org_id, it->credential_id,
		    &sc) != 0 || !sc.document[0]) {
			say(r, ISSUE_FAIL, "credential %s has no document",
			    it->credential_id);
			if (sc.id)
				store_cred_release(&sc);
			return;
		}
		if (sc.revoked) {
			say(r, ISSUE_FAIL, "credential %s was revoked before "
			    "it was delivered: %s", sc.id, sc.revoke_reason);
			store_cred_release(&sc);
			return;
		}
		buf_adds(&r->document, sc.document);
		r->expires = sc.expires;
		store_cred_release(&sc);
		return;
	}
	if (!(class = decide(is, it, now, r, prior)))
		return;
	if (strcmp(class, it->class) != 0)
		snprintf(r->reason, sizeof r->reason, "issued as %s: it was "
		    "%s when submitted", class, it->class);

	memset(&c, 0, sizeof c);
	credential_new_id(r->credential_id);
	credential_new_salt(salt);
	credential_identity_hash(it->email, salt, hash);
	r->expires = b->badge.valid_days < 0 ? 0 :
	    now + b->badge.valid_days * 86400;
	c.id = r->credential_id;
	c.name = b->badge.name;
	memcpy(c.issuer_pk, o->pk, 32);
	c.issuer_name = o->org.name;
	c.valid_from = c.awarded = c.created = now;
	c.valid_until = r->expires;
	c.recipient_name = it->name;
	c.identity_hash = hash;
	c.salt = salt;
	c.achievement_id = b->iri;
	c.achievement_name = b->badge.name;
	c.achievement_description = b->badge.description;
	c.criteria = b->badge.criteria;
	c.achievement_type = b->badge.achievement_type;
	c.achievement_image = b->badge.image;
	c.issuer_url = o->org.url;
	c.issuer_email = o->org.email;
	c.issuer_description = o->org.description;
	c.issuer_image = o->org.image;
	memset(&status, 0, sizeof status);
	if (o->org.status_url[0] && strcmp(o->org.status_url, "none") != 0) {
		store_status_assign(is->s, it->org_id, o->key_id,
		    o->org.status_url, now, &status);
		c.status_list = status.url;
		c.status_index = status.index;
	}
	if (credential_build_signed(&c, o->sk, &r->document, why) != 0) {
		say(r, ISSUE_FAIL, "cannot sign: %s", why);
		return;
	}
	{
		struct store_cred_new n = {
			r->credential_id, it->org_id, it->badge_id, it->email,
			it->name, now, r->expires, prior, it->id,
			r->document.p, status.list_id, status.index
		};

		store_cred_insert(is->s, &n);
	}
	store_item_issued(is->s, it->id, lease, r->credential_id);
}
