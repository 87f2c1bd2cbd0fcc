/*
 * worker.c: the loop of job-worker; the contract is in worker.h.
 *
 * A batch goes through three steps, each slot of it from one state to
 * the next:
 *
 *	claim		one transaction: up to -b items under the run's lease
 *	issue		one transaction: for each item, look at it again
 *			(taken over, its organization suspended, its job
 *			cancelled), then sign its credential and mark an
 *			attempt under way
 *	deliver		hand the mails to the transport, no more at once than
 *			it has connections, and record each result as it
 *			comes, in a transaction of its own
 *
 * Leases.  Every lease/3 seconds, on the monotonic clock, the run renews
 * the lease of each item it still holds and looks at it again, as in the
 * issue step; a mail is handed to the transport only under a lease
 * renewed less than lease/3 ago, so it never goes out under a lease that
 * ran out.  An item found taken over (the run stalled for longer than the
 * lease) is dropped: nothing is recorded over its new owner, and it is
 * not counted here.
 *
 * A look before every mail.  A mail is handed over only right after its
 * item was looked at in the run's latest transaction, so that a
 * cancellation or a suspension stops the next mail already: the
 * transaction that records a result looks at the mails that the
 * connections it frees will take, and any other mail gets a look of its
 * own (a read) first.
 */
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
#include "image.h"
#include "issue.h"
#include "mime.h"
#include "sign.h"
#include "store.h"
#include "transport.h"
#include "util.h"
#include "worker.h"

enum slot_state {
	SLOT_OVER,		/* nothing more to do with it here */
	SLOT_READY,		/* its mail is built, not handed over */
	SLOT_ON_WIRE,		/* the transport has its mail */
	SLOT_DONE		/* the transport is done; record it */
};

/* One item of the batch in hand. */
struct slot {
	struct store_item item;
	struct issue_result issued;
	enum slot_state state;
	int lost;			/* another worker took it over */
	long long looked;		/* the transaction that last looked */
	struct buf msg;			/* its mail, until handed over */
	enum transport_status status;	/* once done: the result */
	int code;
	int data_sent;
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
	size_t n;			/* slots in the batch */
	size_t next;			/* the next slot to hand over */
	long long txn;			/* the run's latest write transaction */
	long long renew_ms;		/* when the leases are next renewed */
	long long done, sent, deferred, failed, skipped, cancelled;
	long long lost;
	long long due;			/* due when the run started, up to -n */
	long long *warned;		/* organizations warned of */
	size_t nwarned;
	time_t start;
	int down;			/* the transport is unavailable */
	int tty;			/* -v draws a bar on stderr */
	struct progress bar;
	long long drawn_ms;		/* when the bar was last drawn */
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

/* Milliseconds on the monotonic clock. */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether the run should stop taking on work: a signal, or -T. */
static int
time_up(const struct run *r)
{
	return stopping || (r->o->max_seconds &&
	    time(NULL) - r->start >= r->o->max_seconds);
}

static void
delivered(const struct transport_result *res, void *arg)
{
	struct slot *sl = res->data;

	(void)arg;
	sl->status = res->status;
	sl->code = res->code;
	sl->data_sent = res->data_sent;
	snprintf(sl->reply, sizeof sl->reply, "%s", res->text);
	sl->state = SLOT_DONE;
}

/*
 * The mail of an issued item; 0, or -1 with why.  The HTML comes from the
 * body's template too; a badge image that is a data: URI goes along
 * inline, one that is a URL is not loaded (nor is one that the mail
 * refuses: the credential carries it all the same).
 */
static int
build_mail(struct slot *sl, struct buf *msg, char why[MIME_WHY_MAX])
{
	const struct store_org *o = &sl->issued.org->org;
	const struct store_badge *b = &sl->issued.badge->badge;
	struct buf subject = BUF_INIT, body = BUF_INIT, html = BUF_INIT;
	struct buf file = BUF_INIT, image = BUF_INIT;
	char until[ISO_TIME_MAX], iwhy[IMAGE_WHY_MAX];
	enum image_type type = IMAGE_NONE;
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
	buf_printf(&file, "%s.json", b->slug);
	v.name = sl->item.name;
	v.badge = b->name;
	v.org = o->name;
	v.credential_id = sl->issued.credential_id;
	v.valid_until = until;
	v.file = file.p;
	v.wallet = o->wallet_url;
	v.verifier = o->verifier_url;
	rc = mime_expand(&subject, b->subject, &v, why);
	if (rc == 0)
		rc = mime_expand(&body, b->body, &v, why);
	if (rc == 0)
		rc = mime_expand_html(&html, b->body, &v, why);
	if (rc == 0) {
		buf_add(&subject, "", 0);
		buf_add(&body, "", 0);
		buf_add(&html, "", 0);
		if (strncmp(b->image, "data:", 5) == 0)
			image_from_uri(b->image, &image, &type, iwhy);
		memset(&m, 0, sizeof m);
		m.from_addr = o->sender_email;
		m.from_name = o->sender_name;
		m.to_addr = sl->item.email;
		m.to_name = sl->item.name;
		m.subject = subject.p;
		m.body = body.p;
		m.body_len = body.len;
		m.html = html.p;
		m.html_len = html.len;
		if (type != IMAGE_NONE) {
			m.image = image.p;
			m.image_len = image.len;
			m.image_alt = b->name;
		}
		m.attachment = sl->issued.document.p;
		m.attachment_len = sl->issued.document.len;
		m.attachment_name = file.p;
		m.credential_id = sl->issued.credential_id;
		m.date = (long long)time(NULL);
		rc = mime_build(msg, &m, why);
	}
	buf_release(&subject);
	buf_release(&body);
	buf_release(&html);
	buf_release(&file);
	buf_release(&image);
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

/*
 * -v: on a terminal, the bar, redrawn in place; otherwise a line per
 * batch.  The last call, either way, ends with the line "job-worker:
 * done: ..." (job-worker(1)).
 */
static void
progress(struct run *r, int last)
{
	if (!r->o->verbose)
		return;
	if (r->tty) {
		progress_draw(&r->bar, r->done, r->due > r->done ? r->due :
		    r->done, "%lld sent, %lld deferred, %lld failed, %lld "
		    "skipped", r->sent, r->deferred, r->failed, r->skipped);
		r->drawn_ms = mono_ms();
		if (!last)
			return;
		progress_end(&r->bar);
	}
	fprintf(stderr, "job-worker: %s%lld item%s: %lld sent, %lld "
	    "deferred, %lld failed, %lld skipped, %lld cancelled\n",
	    last ? "done: " : "", r->done, r->done == 1 ? "" : "s", r->sent,
	    r->deferred, r->failed, r->skipped, r->cancelled);
}

/* On a terminal the bar moves within a batch too, as results come, up
 * to ten times a second. */
static void
progress_tick(struct run *r)
{
	if (r->o->verbose && r->tty && mono_ms() - r->drawn_ms >= 100)
		progress(r, 0);
}

/* The lease of a slot was found taken over: drop what it would record. */
static void
lose(struct run *r, struct slot *sl)
{
	r->lost++;
	if (r->o->verbose) {
		progress_end(&r->bar);
		warnx("item %lld (job %lld, row %lu): another worker took it "
		    "over; its result is left to that worker", sl->item.id,
		    sl->item.job_id, sl->item.row);
	}
	if (sl->state == SLOT_ON_WIRE)
		sl->lost = 1;
	else
		sl->state = SLOT_OVER;
}

/* Say once a run why an organization's items wait. */
static void
warn_waiting(struct run *r, long long org_id, const char *why)
{
	size_t i;

	for (i = 0; i < r->nwarned; i++)
		if (r->warned[i] == org_id)
			return;
	r->warned = xrealloc(r->warned, (r->nwarned + 1) * sizeof *r->warned);
	r->warned[r->nwarned++] = org_id;
	progress_end(&r->bar);
	warnx("%s; its items wait", why);
}

/*
 * Look at a slot not yet over, in the caller's write transaction,
 * renewing its lease when asked, and act on what the item has become:
 * taken over, its organization suspended or its job cancelled.  Only a
 * slot whose mail is not on the wire is given back or cancelled; one on
 * the wire finishes.  Return 1 when the slot may go on.
 */
static int
hold(struct run *r, struct slot *sl, long long now, int renew_lease)
{
	enum store_hold h = renew_lease ? store_item_hold(r->s, sl->item.id,
	    r->lease, now + r->o->lease + 1) : store_item_check(r->s,
	    sl->item.id, r->lease);

	if (h == STORE_LOST) {
		lose(r, sl);
		return 0;
	}
	if (h == STORE_HELD || sl->state == SLOT_ON_WIRE)
		return 1;
	if (h == STORE_BLOCKED) {
		/* The claim passes it over until the organization may issue
		 * again; job-status says why. */
		store_item_release(r->s, sl->item.id, r->lease, now);
	} else {
		store_item_cancel(r->s, sl->item.id, r->lease, now);
		r->cancelled++, r->done++;
	}
	sl->state = SLOT_OVER;
	return 0;
}

/*
 * Begin a write transaction, waiting out other writers: a worker that
 * gave up would leave its batch to lapse and be sent again.  Past its
 * lease, the batch is another worker's to take, and waiting is no use.
 */
static void
begin(struct run *r)
{
	long long until = mono_ms() + r->o->lease * 1000LL;
	struct timespec pause = { 0, 100 * 1000 * 1000 };

	while (store_begin_try(r->s) != 0) {
		if (mono_ms() >= until)
			errx(EXIT_TEMPFAIL, "the database stayed busy for %lld "
			    "s; try again later", r->o->lease);
		if (r->o->verbose)
			warnx("the database is busy; waiting");
		nanosleep(&pause, NULL);
	}
}

static void
leases_renewed(struct run *r, long long at_ms)
{
	r->renew_ms = at_ms + r->o->lease * 1000 / 3;
}

/* Renew the batch's leases, in one transaction. */
static void
renew(struct run *r)
{
	long long t = mono_ms(), now;
	size_t i;

	begin(r);
	now = store_now(r->s);
	r->txn++;
	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->state == SLOT_READY || (sl->state == SLOT_ON_WIRE &&
		    !sl->lost))
			hold(r, sl, now, 1);
		sl->looked = r->txn;
	}
	store_jobs_finish(r->s, now);
	store_commit(r->s);
	leases_renewed(r, t);
}

/*
 * Issue the batch's credentials in one transaction, then build the mails
 * of those issued.  The credentials exist before any of their mails
 * leaves, and each is marked as under way.
 */
static void
issue_batch(struct run *r)
{
	char why[MIME_WHY_MAX];
	long long now;
	size_t i;

	issuer_reset(r->issuer);
	begin(r);
	now = store_now(r->s);
	r->txn++;
	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];

		sl->state = SLOT_READY;
		sl->lost = 0;
		sl->looked = r->txn;
		/* Claimed a moment ago: the lease is fresh. */
		if (!hold(r, sl, now, 0))
			continue;
		issue_item(r->issuer, &sl->item, r->lease, now, &sl->issued);
		switch (sl->issued.outcome) {
		case ISSUE_OK:
			store_item_sending(r->s, sl->item.id, r->lease);
			continue;
		case ISSUE_SKIP:
			store_item_skip(r->s, sl->item.id, r->lease,
			    sl->issued.reason);
			r->skipped++, r->done++;
			break;
		case ISSUE_FAIL:
			store_item_fail(r->s, sl->item.id, r->lease,
			    sl->issued.reason, 0, 0, now);
			r->failed++, r->done++;
			break;
		case ISSUE_WAIT:
			store_item_release(r->s, sl->item.id, r->lease,
			    now + r->o->backoff);
			warn_waiting(r, sl->item.org_id, sl->issued.reason);
			break;
		}
		sl->state = SLOT_OVER;
	}
	store_jobs_finish(r->s, now);
	store_commit(r->s);

	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->state != SLOT_READY)
			continue;
		buf_reset(&sl->msg);
		if (build_mail(sl, &sl->msg, why) != 0) {
			sl->status = TRANSPORT_PERMFAIL;
			sl->code = 0;
			sl->data_sent = 0;
			snprintf(sl->reply, sizeof sl->reply, "cannot build "
			    "the mail: %s", why);
			sl->state = SLOT_DONE;
		}
	}
}

/* Record one result; return 0, or STORE_NOTFOUND when the lease was
 * taken over. */
static int
record_one(struct run *r, struct slot *sl, long long now)
{
	const struct store_item *it = &sl->item;
	char reason[600];
	int rc;

	switch (sl->status) {
	case TRANSPORT_SENT:
		rc = store_item_sent(r->s, it->id, r->lease,
		    sl->issued.reason[0] ? sl->issued.reason : NULL, now);
		if (rc == 0)
			r->sent++;
		return rc;
	case TRANSPORT_TEMPFAIL:
		if (it->attempts + 1 >= r->o->attempts) {
			snprintf(reason, sizeof reason, "gave up after %d "
			    "attempts: %s", it->attempts + 1, sl->reply);
			rc = store_item_fail(r->s, it->id, r->lease, reason, 1,
			    sl->data_sent, now);
			if (rc == 0)
				r->failed++;
			return rc;
		}
		rc = store_item_defer(r->s, it->id, r->lease,
		    now + backoff(r->o, it->attempts), sl->reply, 1,
		    sl->data_sent);
		break;
	case TRANSPORT_PERMFAIL:
		rc = store_item_fail(r->s, it->id, r->lease, sl->reply,
		    sl->code != 0, sl->data_sent, now);
		if (rc == 0)
			r->failed++;
		return rc;
	case TRANSPORT_UNAVAILABLE:
	default:
		/* Not the message's fault: no attempt counted. */
		r->down = 1;
		rc = store_item_defer(r->s, it->id, r->lease,
		    now + r->o->backoff, sl->reply, 0, sl->data_sent);
		break;
	}
	if (rc == 0)
		r->deferred++;
	return rc;
}

/*
 * Record what the transport said of each mail it is done with, in one
 * transaction, as soon as it said it: a worker killed now sends again only
 * what was in flight.  The same transaction looks at the next mails, as
 * many as room, that the freed connections will take.  These commits need
 * not survive a power cut (a mail recorded as sent, then lost, is only
 * sent again), so they skip the sync.
 */
static void
record_done(struct run *r, size_t room)
{
	long long now;
	size_t i, any = 0;

	for (i = 0; i < r->n; i++)
		if (r->slots[i].state == SLOT_DONE)
			any++;
	if (!any)
		return;
	store_sync(r->s, 0);
	begin(r);
	now = store_now(r->s);
	r->txn++;
	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->state != SLOT_DONE)
			continue;
		sl->state = SLOT_OVER;
		if (sl->lost)
			continue;
		if (record_one(r, sl, now) == 0)
			r->done++;
		else
			lose(r, sl);
	}
	for (i = r->next; i < r->n && room > 0; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->state == SLOT_READY && hold(r, sl, now, 0)) {
			sl->looked = r->txn;
			room--;
		}
	}
	store_jobs_finish(r->s, now);
	store_commit(r->s);
	store_sync(r->s, 1);
}

/* Give back, untried, the slots whose mails are not handed over. */
static void
give_back(struct run *r)
{
	long long now;
	size_t i;

	begin(r);
	now = store_now(r->s);
	for (i = 0; i < r->n; i++) {
		struct slot *sl = &r->slots[i];

		if (sl->state != SLOT_READY)
			continue;
		if (store_item_release(r->s, sl->item.id, r->lease, now) != 0)
			lose(r, sl);
		sl->state = SLOT_OVER;
	}
	store_commit(r->s);
}

/*
 * Deliver the batch's mails, recording each result as it comes.  No more
 * mails are handed over than there are connections, so that all a worker
 * killed at any moment leaves unrecorded is what was on the wire.  When
 * the run must stop (a signal, -T), what is not on the wire is given back.
 */
static void
deliver_batch(struct run *r)
{
	size_t inflight = 0, i;
	int gave_back = 0;

	for (r->next = 0;;) {
		long long now = mono_ms();
		int wait;

		if (now >= r->renew_ms) {
			renew(r);
			now = mono_ms();
		}
		if (!gave_back && time_up(r)) {
			give_back(r);
			gave_back = 1;
		}
		for (; inflight < r->o->connections && r->next < r->n;
		    r->next++) {
			struct slot *sl = &r->slots[r->next];

			if (sl->state != SLOT_READY)
				continue;
			if (sl->looked != r->txn && store_item_check(r->s,
			    sl->item.id, r->lease) != STORE_HELD) {
				renew(r);
				if (sl->state != SLOT_READY)
					continue;
			}
			sl->state = SLOT_ON_WIRE;
			transport_submit(r->t, sl->issued.org->org.sender_email,
			    sl->item.email, &sl->msg, sl);
			inflight++;
		}
		if (inflight == 0 && r->next == r->n)
			break;
		wait = r->renew_ms - now < 200 ? (int)(r->renew_ms - now) :
		    200;
		inflight = transport_poll(r->t, wait > 0 ? wait : 0);
		record_done(r, r->o->connections > inflight ?
		    r->o->connections - inflight : 0);
		progress_tick(r);
	}
	record_done(r, 0);
	for (i = 0; i < r->n; i++)
		buf_release(&r->slots[i].issued.document);
}

static struct transport *
open_transport(const struct worker_options *o)
{
	struct transport_options to = { o->connections, 0, delivered, NULL,
	    o->require_tls, o->ca_file };
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
	char err[SIGN_ERR_MAX], host[64] = "localhost", *why = NULL;
	unsigned char nonce[6];
	char hex[13];
	struct sign_master *m;
	struct sigaction sa;
	struct run r;
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.start = time(NULL);
	r.tty = isatty(STDERR_FILENO);
	r.bar = (struct progress)PROGRESS_INIT(stderr);
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

	r.due = store_items_due(r.s, o->job, store_now(r.s));
	if (o->max_items && r.due > o->max_items)
		r.due = o->max_items;
	if (r.tty)
		progress(&r, 0);
	while (!time_up(&r) && !r.down) {
		long long now, want = o->batch, t;

		if (o->max_items && o->max_items - r.done < want)
			want = o->max_items - r.done;
		if (want <= 0)
			break;
		t = mono_ms();
		begin(&r);
		now = store_now(r.s);
		r.n = store_items_claim(r.s, o->job, r.lease, now,
		    now + o->lease + 1, r.claimed, (size_t)want);
		store_commit(r.s);
		leases_renewed(&r, t);
		if (r.n == 0)
			break;
		for (i = 0; i < r.n; i++)
			r.slots[i].item = r.claimed[i];
		issue_batch(&r);
		deliver_batch(&r);
		progress(&r, 0);
	}
	progress(&r, 1);
	if (r.lost && o->verbose)
		warnx("%lld item%s taken over by other workers, left to them",
		    r.lost, r.lost == 1 ? " was" : "s were");

	if (r.down)
		why = xstrdup(transport_unavailable(r.t) ?
		    transport_unavailable(r.t) : "no reason given");
	transport_free(r.t);
	issuer_free(r.issuer);
	for (i = 0; i < (size_t)o->batch; i++)
		buf_release(&r.slots[i].msg);
	sign_master_free(m);
	store_close(r.s);
	free(r.slots);
	free(r.claimed);
	free(r.warned);
	if (r.down) {
		warnx("the transport is unavailable (%s): %lld item%s "
		    "deferred", why, r.deferred, r.deferred == 1 ? "" : "s");
		free(why);
		return EXIT_UNAVAILABLE;
	}
	return 0;
}
