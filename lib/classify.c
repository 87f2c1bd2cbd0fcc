/* classify.c: classification and quota; the contract is in classify.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "buf.h"
#include "classify.h"
#include "email.h"
#include "roster.h"
#include "strset.h"
#include "util.h"

struct classify {
	struct store *s;
	long long org_id, badge_id, now;
	struct classify_totals t;
	struct strset seen;	/* emails of the stream, with their row */
	struct buf detail;	/* the last result's detail */
	struct buf email;	/* the last record's email, checked */
	char prior[64];
	struct strset known;	/* emails looked up ahead: index + 1 */
	struct store_recipient *ahead;	/* what was found of them */
	size_t nahead;
};

struct classify *
classify_new(struct store *s, const struct store_org *o, long long badge_id,
    long long now)
{
	struct classify *c = xcalloc(1, sizeof *c);
	c->s = s;
	c->org_id = o->id;
	c->badge_id = badge_id;
	c->now = now;
	store_month(now, c->t.month);
	c->t.quota = auth_org_quota(o);
	c->t.used = store_quota_used(s, o->id, c->t.month);
	return c;
}

void
classify_free(struct classify *c)
{
	if (!c)
		return;
	strset_release(&c->seen);
	strset_release(&c->known);
	free(c->ahead);
	buf_release(&c->detail);
	buf_release(&c->email);
	free(c);
}

/* Check email as csv-validate would: 0 if it passes, else -1 with the
 * problem in why.  The checked email is left in c->email. */
static int
check_email(struct classify *c, const char *email, char why[EMAIL_WHY_MAX])
{
	buf_reset(&c->email);
	buf_adds(&c->email, email);
	if (email_check(c->email.p, c->email.len, why) != 0)
		return -1;
	if (strcmp(c->email.p, email) != 0) {
		snprintf(why, EMAIL_WHY_MAX, "email not in lowercase");
		return -1;
	}
	return 0;
}

void
classify_lookup(struct classify *c, const struct record *in, size_t n)
{
	char why[EMAIL_WHY_MAX];
	const char **v = xcalloc(n, sizeof *v);
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		const char *e = in[i].email;

		/* Only an email classify_one would look up: one of a valid
		 * record that passes its checks, once. */
		if (in[i].status == RECORD_INVALID ||
		    check_email(c, e, why) != 0 ||
		    strset_add(&c->known, e, strlen(e), c->nahead + m + 1))
			continue;
		v[m++] = e;
	}
	c->ahead = xrealloc(c->ahead, (c->nahead + m) * sizeof *c->ahead);
	store_recipients(c->s, c->org_id, c->badge_id, c->t.month, v, m,
	    c->ahead + c->nahead);
	c->nahead += m;
	free(v);
}

/* What was looked up ahead of email, or NULL. */
static const struct store_recipient *
ahead(const struct classify *c, const char *email)
{
	unsigned long i = strset_get(&c->known, email, strlen(email));

	return i ? &c->ahead[i - 1] : NULL;
}

const struct classify_totals *
classify_totals(const struct classify *c)
{
	return &c->t;
}

/* Check the record's email and name as csv-validate would; a problem
 * goes to c->detail.  The checked email is in c->email. */
static int
recheck(struct classify *c, const struct record *in)
{
	char why[EMAIL_WHY_MAX];
	unsigned long first;

	if (check_email(c, in->email, why) != 0)
		buf_join(&c->detail, "; ", why);
	roster_check_name(in->name, strlen(in->name), &c->detail);
	if (c->detail.len)
		return -1;
	if ((first = strset_add(&c->seen, in->email, strlen(in->email),
	    in->row))) {
		snprintf(why, sizeof why, "duplicate of row %lu", first);
		buf_join(&c->detail, "; ", why);
		return -1;
	}
	return 0;
}

enum record_status
classify_latest(const struct store_latest *l, long long now)
{
	if (!l)
		return RECORD_NEW;
	if (l->revoked)
		return RECORD_REVOKED;
	if (!l->expires)
		return RECORD_ACTIVE_NONEXPIRING;
	if (l->expires <= now)
		return RECORD_EXPIRED;
	return RECORD_ACTIVE_TIMEBOUND;
}

/* The class the latest credential gives, and its detail. */
static enum record_status
by_latest(struct classify *c, const char *email,
    const struct store_recipient *r)
{
	struct store_latest l;
	char a[ISO_TIME_MAX], b[ISO_TIME_MAX];
	enum record_status st;

	if (r ? !r->has_latest : store_cred_latest(c->s, c->org_id,
	    c->badge_id, email, &l) != 0)
		return classify_latest(NULL, c->now);
	if (r)
		l = r->latest;
	st = classify_latest(&l, c->now);
	snprintf(c->prior, sizeof c->prior, "%s", l.id);
	iso_time(l.issued, a);
	iso_time(l.revoked ? l.revoked : l.expires, b);
	switch (st) {
	case RECORD_REVOKED:
		buf_printf(&c->detail, "%s issued %s, revoked %s%s%s", l.id,
		    a, b, l.reason[0] ? ": " : "", l.reason);
		break;
	case RECORD_ACTIVE_NONEXPIRING:
		buf_printf(&c->detail, "%s issued %s, does not expire", l.id,
		    a);
		break;
	case RECORD_EXPIRED:
		buf_printf(&c->detail, "%s issued %s, expired %s", l.id, a, b);
		break;
	default:
		buf_printf(&c->detail, "%s issued %s, expires %s", l.id, a, b);
		break;
	}
	return st;
}

void
classify_one(struct classify *c, const struct record *in,
    struct classify_result *out)
{
	const struct store_recipient *r = NULL;
	enum record_status st;
	long long job;

	buf_reset(&c->detail);
	c->prior[0] = '\0';
	c->t.rows++;
	out->issuable = 0;
	out->prior = c->prior;
	if (in->status == RECORD_INVALID) {
		buf_adds(&c->detail, in->detail);
		st = RECORD_INVALID;
	} else if (recheck(c, in) != 0) {
		st = RECORD_INVALID;
	} else if ((job = (r = ahead(c, in->email)) ? r->job :
	    store_job_open_for(c->s, c->org_id, c->badge_id, in->email))) {
		buf_printf(&c->detail, "waiting in job %lld already", job);
		st = RECORD_INVALID;
	} else {
		st = by_latest(c, in->email, r);
	}
	if (st == RECORD_ACTIVE_NONEXPIRING) {
		c->t.skipped++;
	} else if (st != RECORD_INVALID) {
		if (!(r ? r->counted : store_quota_counted(c->s, c->org_id,
		    c->t.month, in->email))) {
			if (c->t.used >= c->t.quota) {
				buf_reset(&c->detail);
				buf_printf(&c->detail, "over monthly quota "
				    "(%lld of %lld used)", c->t.used,
				    c->t.quota);
				c->prior[0] = '\0';
				st = RECORD_INVALID;
			} else {
				c->t.used++;
				c->t.cost++;
			}
		}
	}
	if (st == RECORD_INVALID) {
		c->t.invalid++;
	} else if (st != RECORD_ACTIVE_NONEXPIRING) {
		out->issuable = 1;
		c->t.issuable++;
		if (st == RECORD_EXPIRED || st == RECORD_ACTIVE_TIMEBOUND)
			c->t.renewals++;
	}
	buf_add(&c->detail, "", 0);
	out->status = st;
	out->detail = c->detail.p;
}
