/*
 * issue.h: issuing the credential of one job item (DESIGN.md sections 4,
 * 6 and 7), inside the caller's write transaction.
 *
 * The item's class was decided at submission; issuing looks again, as a
 * careful person would, since credentials may have changed since:
 *
 * - a credential of the badge issued to the recipient after the job was
 *   submitted, and still active: skip ("holds X, issued after this job was
 *   submitted"), so that two jobs never double-issue;
 * - an active credential that does not expire: skip;
 * - an active credential that expires: revoke it (reason "superseded")
 *   and issue one that supersedes it;
 * - an expired one: issue one that supersedes it;
 * - a revoked one, or none: issue a fresh one.
 *
 * When that differs from the class at submission, the result carries a
 * note saying so.  An item that has a credential already (its worker died
 * after issuing) gets that same credential back: a credential is created
 * at most once per item.
 */
#ifndef CREDPIPE_ISSUE_H
#define CREDPIPE_ISSUE_H

#include "buf.h"
#include "sign.h"
#include "store.h"

/* What issuing and a mail need of an organization and a badge. */
struct issue_org {
	struct store_org org;		/* its slug, name and sender */
	unsigned char pk[32];
	unsigned char *sk;		/* unsealed, sodium_malloc'd */
	char why[SIGN_ERR_MAX];		/* when sk is NULL: why */
};

struct issue_badge {
	struct store_badge badge;	/* its texts, validity, templates */
	char iri[64];			/* the Achievement's id */
};

enum issue_outcome {
	ISSUE_OK,		/* document holds the credential */
	ISSUE_SKIP,		/* nothing to issue; reason says why */
	ISSUE_FAIL		/* cannot be issued; reason says why */
};

struct issue_result {
	enum issue_outcome outcome;
	char reason[256];		/* for SKIP and FAIL; a note, or "" */
	char credential_id[64];
	long long expires;		/* 0: never */
	const struct issue_org *org;
	const struct issue_badge *badge;
	struct buf document;		/* the signed JSON */
};

struct issuer;

/* An issuer over s, unsealing signing keys with m. */
struct issuer *issuer_new(struct store *s, const struct sign_master *m);
void issuer_free(struct issuer *is);

/*
 * Issue (or find again) the credential of item it at time now, writing it
 * to the database with its supersession and revocation, and the item's
 * credential id.  The caller holds the write transaction and the item's
 * lease.  r->document is reset first; the caller releases it when done
 * with r.
 */
void issue_item(struct issuer *is, const struct store_item *it,
    const char *lease, long long now, struct issue_result *r);

#endif
