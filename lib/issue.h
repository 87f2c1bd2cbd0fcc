/*
 * issue.h: issuing the credential of one job item (man/recipient-check.1,
 * man/job-worker.1, man/credpipe.7), inside the caller's write transaction.
 *
 * The item's class was decided at submission; issuing looks again, as a
 * careful person would, since credentials may have changed since:
 *
 * - a credential of the badge issued to the recipient after the job was
 *   submitted, and still active: skip ("holds X, issued after this job was
 *   submitted"), so that two jobs never double-issue;
 * - an active credential that does not expire: skip;
 * - an active credential that expires, or an expired one: issue one
 *   that supersedes it;
 * - a revoked one, or none: issue a fresh one (which supersedes the
 *   recipient's most recent credential still active, if a renewal that
 *   was never delivered left one).
 *
 * The credential carries the organization's profile (url, email,
 * description, image) and the badge's image and achievementType, when
 * they are set, and, unless the organization's status URL is "none", an
 * entry of one of its status lists (store_status_assign).
 *
 * The credential superseded is revoked ("superseded") only once its
 * successor is delivered (store_item_sent), so a renewal that never
 * arrives leaves the recipient's credential as it was.  When the class
 * found differs from the class at submission, the result carries a note
 * saying so.  An item that has a credential already (its worker died
 * after issuing) gets that same credential back: a credential is created
 * at most once per item.
 *
 * The issuer keeps the organizations and badges it loaded, with their
 * signing keys unsealed, until issuer_reset: what an issue_result points
 * to stays put until then, however many organizations come after.  A
 * worker resets between batches, so that each batch sees the
 * organizations as they are.
 */
#ifndef CREDPIPE_ISSUE_H
#define CREDPIPE_ISSUE_H

#include "buf.h"
#include "sign.h"
#include "store.h"

/* What issuing and a mail need of an organization and a badge. */
struct issue_org {
	struct store_org org;		/* its slug, name, sender, profile */
	long long key_id;		/* its active signing key */
	unsigned char pk[32];
	unsigned char *sk;		/* unsealed, sodium_malloc'd */
	char why[SIGN_ERR_MAX];		/* when sk is NULL: why it cannot
					 * sign now */
};

struct issue_badge {
	struct store_badge badge;	/* its texts, validity, templates */
	char iri[64];			/* the Achievement's id */
};

enum issue_outcome {
	ISSUE_OK,		/* document holds the credential */
	ISSUE_SKIP,		/* nothing to issue; reason says why */
	ISSUE_FAIL,		/* cannot be issued; reason says why */
	ISSUE_WAIT		/* cannot be issued now (the signing key
				 * cannot be unsealed); reason says why */
};

struct issue_result {
	enum issue_outcome outcome;
	char reason[256];		/* for SKIP, FAIL and WAIT; a note, or
					 * "" */
	char credential_id[64];
	long long expires;		/* 0: never */
	const struct issue_org *org;	/* until issuer_reset */
	const struct issue_badge *badge; /* until issuer_reset; NULL when
					 * the badge is gone */
	struct buf document;		/* the signed JSON */
};

struct issuer;

/* The Achievement id of a badge, as every credential of it carries: a
 * name-based UUID (version 8) of the organization's and the badge's
 * slugs, "urn:uuid:...". */
void issue_badge_iri(const char *org_slug, const char *badge_slug,
    char out[64]);

/* An issuer over s, unsealing signing keys with m. */
struct issuer *issuer_new(struct store *s, const struct sign_master *m);
/* Forget the organizations and badges loaded, wiping their keys; the
 * results of issue_item so far point at nothing after this. */
void issuer_reset(struct issuer *is);
/* Reset and free; NULL is fine. */
void issuer_free(struct issuer *is);

/*
 * Issue (or find again) the credential of item it at time now, writing it
 * to the database with the credential it supersedes, and the item's
 * credential id.  The caller holds the write transaction and the item's
 * lease, and has seen that the item's organization may issue
 * (store_item_hold).  r->document is reset first; the caller releases it
 * when done with r.
 */
void issue_item(struct issuer *is, const struct store_item *it,
    const char *lease, long long now, struct issue_result *r);

#endif
