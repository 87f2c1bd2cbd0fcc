/* worker.c: the loop of job-worker; the contract is in worker.h. */
#include <err.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "issue.h"
#include "mime.h"
#include "sign.h"
#include "store.h"
#include "transport.h"
#include "util.h"
#include "worker.h"

/* One item of the batch in hand. */
struct slot {
	struct store_item item;
	struct issue_result issued;
	int submitted;			/* its message went to the transport */
	int completed;			/* the transport is done with it */
	int recorded;			/* and its result is in the database */
	struct buf msg;			/* its mail, until submitted */
	enum transport_status status;
	int code;
	char reply[512];
};

struct run {
	const struct worker_options *o;
	struct store *s;
	struct issuer *issuer;
	struct transport *t;
	char lease[96];
	struct slot *slots;
	struct store_item *claimed;
	long long done, sent, deferred, failed, skipped;
	long long due;			/* due when the run started */
	int down;			/* the transport is unavailable */
	int tty;
};

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

void
worker_defaults(struct worker_options *o)
{
	memset(o, 0, sizeof *o);
	o->connections = 1;
	o->lease = 600;
	o->backoff = 300;
	o->backoff_max = 4 * 3600;
	o->attempts = 8;
	o->batch = 100;
}

static void
delivered(const struct transport_result *res, void *arg)
{
	struct slot *sl = res->data;

	(void)arg;
	sl->status = res->status;
	sl->code = res->code;
	snprintf(sl->reply, sizeof sl->reply, "%s", res->text);
	sl->completed = 1;
}

/* The mail of an issued item; 0, or -1 with why. */
static int
build_mail(struct slot *sl, struct buf *msg, char why[MIME_WHY_MAX])
{
	const struct store_org *o = &sl->issued.org->org;
	const struct store_badge *b = &sl->issued.badge->badge;
	struct buf subject = BUF_INIT, body = BUF_INIT;
	char until[ISO_TIME_MAX];
	struct mime_vars v;
	struct mime_message m;
	int rc;

	if (!o->sender_email[0]) {
		snprintf(why, MIME_WHY_MAX, "organization %s has no sender "
		    "address (org-admin org sender)", o->slug);
		return -1;
	}
	if (sl->issued.expires)
		iso_time(sl->issued.expires, until);
	else
		snprintf(until, sizeof until, "no expiry");
	v.name = sl->item.name;
	v.badge = b->name;
	v.org = o->name;
	v.credential_id = sl->issued.credential_id;
	v.valid_until = until;
	rc = mime_expand(&subject, b->subject, &v, why);
	if (rc == 0)
		rc = mime_expand(&body, b->body, &v, why);
	if (rc == 0) {
		buf_add(&subject, "", 0);
		buf_add(&body, "", 0);
		memset(&m, 0, sizeof m);
		m.from_addr = o->sender_email;
		m.from_name = o->sender_name;
		m.to_addr = sl->item.email;
		m.to_name = sl->item.name;
		m.subject = subject.p;
		m.body = body.p;
		m.body_len = body.len;
		m.attachment = sl->issued.document.p;
		m.attachment_len = sl->issued.document.len;
		m.credential_id = sl->issued.credential_id;
		m.date = store_now();
		rc = mime_build(msg, &m, why);
	}
	buf_release(&subject);
	buf_release(&body);
	return rc;
}

static long long
backoff(const struct worker_options *o, int attempts)
{
	long long d = o->backoff;

	while (attempts-- > 0 && d < o->backoff_max)
		d *= 2;
	return d < o->backoff_max ? d : o->backoff_max;
}

static void
progress(struct run *r, int last)
{
	if (!r->o->verbose || (last && !r->tty))
		return;
	if (r->tty) {
		progress_bar(stderr, r->done, r->due > r->done ? r->due :
		    r->done);
		fprintf(stderr, "%lld sent, %lld deferred, %lld failed, %lld "
		    "skipped ", r->sent, r->deferred, r->failed, r->skipped);
		if (last)
			fputc('\n', stderr);
	} else {
		fprintf(stderr, "job-worker: %lld items: %lld sent, %lld "
		    "deferred, %lld failed, %lld skipped\n", r->done, r->sent,
		    r->deferred, r->failed, r->skipped);
	}
}

/* Issue the batch's credentials in one transaction, then queue the
 * mails of those issued. */
static void
issue_batch(struct run *r, size_t n)
{
	char why[MIME_WHY_MAX];
	long long now = store_now();
	size_t i;

	store_begin(r->s);
	for (i = 0; i < n; i++) {
		struct slot *sl = &r->slots[i];

		sl->submitted = sl->completed = sl->recorded = 0;
		issue_item(r->issuer, &sl->item, r->lease, now, &sl->issued);
		if (sl->issued.outcome == ISSUE_SKIP) {
			store_item_skip(r->s, sl->item.id, r->lease,
			    sl->issued.reason);
			r->skipped++, r->done++;
		} else if (sl->issued.outcome == ISSUE_FAIL) {
			store_item_fail(r->s, sl->item.id, r->lease,
			    sl->issued.reason, 0);
			r->failed++, r->done++;
		}
	}
	/* The credentials exist before any of their mails leaves. */
	store_jobs_finish(r->s, now);
	store_commit(r->s);

	for (i = 0; i < n; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->issued.outcome != ISSUE_OK)
			continue;
		buf_reset(&sl->msg);
		if (build_mail(sl, &sl->msg, why) != 0) {
			sl->status = TRANSPORT_PERMFAIL;
			sl->code = 0;
			snprintf(sl->reply, sizeof sl->reply, "cannot build "
			    "the mail: %s", why);
			sl->submitted = sl->completed = 1;
		}
	}
}

/*
 * Record what the transport said of each mail it is done with, in one
 * transaction, as soon as it said it: a worker killed now sends again only
 * what was in flight.  These commits need not survive a power cut (a mail
 * recorded as sent, then lost, is only sent again), so they skip the
 * sync.
 */
static void
record_done(struct run *r, size_t n)
{
	long long now = store_now();
	size_t i, any = 0;

	for (i = 0; i < n; i++)
		if (r->slots[i].completed && !r->slots[i].recorded)
			any++;
	if (!any)
		return;
	store_sync(r->s, 0);
	store_begin(r->s);
	for (i = 0; i < n; i++) {
		struct slot *sl = &r->slots[i];
		struct store_item *it = &sl->item;
		char reason[600];

		if (!sl->completed || sl->recorded)
			continue;
		sl->recorded = 1;
		switch (sl->status) {
		case TRANSPORT_SENT:
			store_item_sent(r->s, it->id, r->lease,
			    sl->issued.reason[0] ? sl->issued.reason : NULL);
			r->sent++;
			break;
		case TRANSPORT_TEMPFAIL:
			if (it->attempts + 1 >= r->o->attempts) {
				snprintf(reason, sizeof reason, "gave up "
				    "after %d attempts: %s", it->attempts + 1,
				    sl->reply);
				store_item_fail(r->s, it->id, r->lease, reason,
				    1);
				r->failed++;
			} else {
				store_item_defer(r->s, it->id, r->lease,
				    now + backoff(r->o, it->attempts),
				    sl->reply, 1);
				r->deferred++;
			}
			break;
		case TRANSPORT_PERMFAIL:
			store_item_fail(r->s, it->id, r->lease, sl->reply,
			    sl->code != 0);
			r->failed++;
			break;
		case TRANSPORT_UNAVAILABLE:
			/* Not the message's fault: no attempt counted. */
			store_item_defer(r->s, it->id, r->lease,
			    now + r->o->backoff, sl->reply, 0);
			r->deferred++;
			r->down = 1;
			break;
		}
		r->done++;
	}
	store_jobs_finish(r->s, now);
	store_commit(r->s);
	store_sync(r->s, 1);
}

/*
 * Deliver the batch's mails, recording each result as it comes.  No more
 * mails are handed over than there are connections, so that all a worker
 * killed at any moment leaves unrecorded is what was on the wire.
 */
static void
deliver_batch(struct run *r, size_t n)
{
	size_t next = 0, inflight = 0, i;

	for (;;) {
		while (inflight < r->o->connections && next < n) {
			struct slot *sl = &r->slots[next++];

			if (sl->issued.outcome != ISSUE_OK || sl->submitted)
				continue;
			sl->submitted = 1;
			transport_submit(r->t, sl->issued.org->org.sender_email,
			    sl->item.email, &sl->msg, sl);
			inflight++;
		}
		if (inflight == 0 && next == n)
			break;
		inflight = transport_poll(r->t, 200);
		record_done(r, n);
	}
	record_done(r, n);
	for (i = 0; i < n; i++)
		buf_release(&r->slots[i].issued.document);
}

static struct transport *
open_transport(const struct worker_options *o)
{
	struct transport_options to = { o->connections, 0, delivered, NULL };
	struct buf err = BUF_INIT;
	struct transport *t;

	if (o->maildir)
		t = transport_maildir(o->maildir, &to, &err);
	else if (o->smtp_url)
		t = transport_smtp(o->smtp_url, &to, &err);
	else
		errx(EXIT_CONFIG, "no transport: give an SMTP URL (-u or "
		    "CREDPIPE_SMTP_URL) or a maildir (-M)");
	if (!t)
		errx(EXIT_CONFIG, "%s", err.p ? err.p : "cannot open the "
		    "transport");
	buf_release(&err);
	return t;
}

int
worker_run(const struct worker_options *o)
{
	char err[SIGN_ERR_MAX], host[64] = "localhost";
	unsigned char nonce[6];
	char hex[13];
	struct sign_master *m;
	struct sigaction sa;
	struct run r;
	time_t start = time(NULL);
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.tty = isatty(STDERR_FILENO);
	r.t = open_transport(o);
	if ((rc = sign_master_load(o->master, &m, err)) != 0)
		errx(rc, "%s", err);
	r.s = store_open(o->db, 0);
	r.issuer = issuer_new(r.s, m);
	r.slots = xcalloc((size_t)o->batch, sizeof *r.slots);
	r.claimed = xcalloc((size_t)o->batch, sizeof *r.claimed);
	gethostname(host, sizeof host - 1);
	randombytes_buf(nonce, sizeof nonce);
	sodium_bin2hex(hex, sizeof hex, nonce, sizeof nonce);
	snprintf(r.lease, sizeof r.lease, "%.40s:%ld:%s", host,
	    (long)getpid(), hex);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r.due = store_items_due(r.s, o->job, store_now());
	while (!stopping && !r.down) {
		long long now = store_now(), want = o->batch;
		size_t n;

		if (o->max_items && o->max_items - r.done < want)
			want = o->max_items - r.done;
		if (want <= 0 || (o->max_seconds &&
		    time(NULL) - start >= o->max_seconds))
			break;
		store_begin(r.s);
		n = store_items_claim(r.s, o->job, r.lease, now,
		    now + o->lease, r.claimed, (size_t)want);
		store_commit(r.s);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			r.slots[i].item = r.claimed[i];
		issue_batch(&r, n);
		deliver_batch(&r, n);
		progress(&r, 0);
	}
	progress(&r, 1);

	transport_free(r.t);
	issuer_free(r.issuer);
	for (i = 0; i < (size_t)o->batch; i++)
		buf_release(&r.slots[i].msg);
	sign_master_free(m);
	store_close(r.s);
	free(r.slots);
	free(r.claimed);
	if (r.down) {
		warnx("the transport is unavailable: %lld items deferred",
		    r.deferred);
		return EXIT_UNAVAILABLE;
	}
	return 0;
}
