/*
 * classify.h: what to do for each recipient of a roster (man/recipient-check.1), against the credentials an organization has issued and its
 * monthly quota.
 *
 * For a record that is not invalid, the recipient's latest credential of
 * the badge decides:
 *
 *	none				new
 *	revoked				revoked		(issue a fresh one)
 *	expired				expired		(issue one that supersedes it)
 *	active, with an expiry		active-timebound (revoke it, reissue)
 *	active, never expiring		active-nonexpiring (skipped)
 *
 * The four issuable classes count against the quota: unique recipients a
 * calendar month (UTC).  A recipient counted this month already costs
 * nothing; the others are counted in row order, and once the headroom is
 * gone each further one becomes invalid, "over monthly quota (N of N
 * used)".
 *
 * A record is checked again on the way in (the stream may have been
 * edited by hand): an email or name that breaks the roster's rules, or an
 * email seen earlier in the stream, makes it invalid.  So does a
 * recipient who waits for this badge in a job not yet done ("waiting in
 * job N already"), so that a roster submitted twice issues once.  An
 * invalid record stays invalid, with its reason.
 */
#ifndef CREDPIPE_CLASSIFY_H
#define CREDPIPE_CLASSIFY_H

#include "record.h"
#include "store.h"

struct classify_result {
	enum record_status status;
	const char *detail;	/* for people; lives until the next call */
	const char *prior;	/* the credential it refers to, or "" */
	int issuable;		/* new, expired, active-timebound, revoked */
};

struct classify_totals {
	unsigned long rows;
	unsigned long issuable;
	unsigned long renewals;	/* expired + active-timebound */
	unsigned long skipped;
	unsigned long invalid;
	long long quota;	/* the organization's monthly quota */
	long long used;		/* counted this month, with these rows */
	long long cost;		/* of which these rows add */
	char month[8];		/* "2026-11" */
};

struct classify;

/* The table above, once, for every caller that decides by the latest
 * credential (recipient-check and bulk-submit here; the worker again
 * when it issues): the class that credential l gives at Unix time now,
 * or RECORD_NEW when l is NULL (none). */
enum record_status classify_latest(const struct store_latest *l,
    long long now);

/* Classify against badge_id of organization o (its quota included), as
 * of Unix time now.  Never NULL. */
struct classify *classify_new(struct store *s, const struct store_org *o,
    long long badge_id, long long now);

/* Look up in the database at once the recipients of records in[0..n-1],
 * those to be classified next: classify_one then decides them by what was
 * found, as it would by asking for each, in far fewer round trips.  The
 * records' order and checks stay classify_one's. */
void classify_lookup(struct classify *c, const struct record *in, size_t n);

/* Classify the next record of the stream. */
void classify_one(struct classify *c, const struct record *in,
    struct classify_result *out);

/* The totals so far. */
const struct classify_totals *classify_totals(const struct classify *c);

void classify_free(struct classify *c);

#endif
