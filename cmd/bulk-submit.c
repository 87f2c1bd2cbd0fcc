/*
 * bulk-submit: turn a reviewed, classified stream into a job.
 *
 * man/bulk-submit.1.  The key is checked, then the whole stream is read;
 * then one write transaction checks the member and the organization
 * again, takes a token from the key's rate bucket, classifies every row
 * again against the database as it is now, and refuses, changing
 * nothing, when any row's status differs from the stream: the state
 * changed since the review, or the stream was edited.  Otherwise it
 * creates the job, one item per issuable or skipped row, reserves the
 * quota of the issuable ones, commits and prints the job id.  Because the
 * transaction holds the write lock from the first check to the commit,
 * two submissions can never take the same headroom.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "classify.h"
#include "config.h"
#include "exitcodes.h"
#include "record.h"
#include "store.h"
#include "util.h"

/* Changed rows listed one by one; the rest are counted. */
#define MAX_LISTED 20

/* The stream, and what classifying it again found of each record.
 * File scope: the refusals end the program with all of it still
 * reachable. */
static struct record_list stream = RECORD_LIST_INIT;
static struct now {
	int issuable;
	char *prior;		/* the credential its class refers to */
} *found;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: bulk-submit -b badge [-q] [-d db] [-k keyfile]\n");
	exit(status);
}

/* Read the whole stream; a line that is not a record refuses it. */
static void
read_stream(void)
{
	struct record_reader rr;

	record_reader_init(&rr, stdin, "stdin");
	if (record_read_all(&rr, &stream) < 0)
		errx(rr.code, "%s", rr.err);
	record_reader_release(&rr);
	found = xcalloc(stream.n ? stream.n : 1, sizeof *found);
}

/*
 * Classify every row again; keep what is needed to make the job, and
 * list the rows whose status differs from the stream's.  Return how many
 * do; *unclassified counts those still "valid".
 */
static unsigned long
reclassify(struct classify *c, unsigned long *unclassified)
{
	unsigned long changed = 0;
	size_t i;

	classify_lookup(c, stream.rec, stream.n);
	*unclassified = 0;
	for (i = 0; i < stream.n; i++) {
		const struct record *r = &stream.rec[i];
		struct classify_result res;

		classify_one(c, r, &res);
		/* A row marked invalid is left out, whatever it would be
		 * now: leaving a row out never issues anything. */
		if (r->status == RECORD_INVALID || res.status == r->status) {
			found[i].issuable = res.issuable;
			found[i].prior = xstrdup(res.prior);
			continue;
		}
		if (r->status == RECORD_VALID)
			(*unclassified)++;
		if (++changed <= MAX_LISTED)
			warnx("row %lu: reviewed as %s, now %s%s%s", r->row,
			    record_status_name(r->status),
			    record_status_name(res.status),
			    res.detail[0] ? ": " : "", res.detail);
	}
	if (changed > MAX_LISTED)
		warnx("... and %lu more", changed - MAX_LISTED);
	return changed;
}

/* The most reasons "nothing to issue" names; the rest are counted. */
#define REASONS_MAX 5

/* Refuse a stream with nothing issuable, naming why by count: "nothing
 * to issue: 3 rows, none issuable: 2 waiting in job 4 already, 1 active
 * and never expiring (skipped)". */
static void
nothing_to_issue(void)
{
	struct { const char *why; unsigned long n; } r[REASONS_MAX];
	unsigned long others = 0;
	struct buf b = BUF_INIT;
	size_t i, j, nr = 0;

	for (i = 0; i < stream.n; i++) {
		const char *why = stream.rec[i].status == RECORD_INVALID ?
		    stream.rec[i].detail : "active and never expiring (skipped)";

		if (!why[0])
			why = "invalid";
		for (j = 0; j < nr && strcmp(r[j].why, why) != 0; j++)
			;
		if (j < nr)
			r[j].n++;
		else if (nr < REASONS_MAX)
			r[nr].why = why, r[nr++].n = 1;
		else
			others++;
	}
	buf_printf(&b, "nothing to issue: %zu row%s, none issuable", stream.n,
	    stream.n == 1 ? "" : "s");
	for (j = 0; j < nr; j++) {
		buf_printf(&b, "%s %lu ", j ? "," : ":", r[j].n);
		record_escape_shown(&b, r[j].why);
	}
	if (others)
		buf_printf(&b, ", %lu for other reasons", others);
	errx(EXIT_DATAERR, "%s", b.p);
}

static void
take_token(struct store *s, const struct auth_who *who)
{
	long long wait;

	if (auth_take_token(s, who, store_now(s), &wait) == 0)
		return;
	if (wait < 0)
		errx(EXIT_NOPERM, "%s key of %s may not submit (its rate is "
		    "0 an hour)", who->ssh ? "SSH" : "API", who->member_email);
	errx(EXIT_TEMPFAIL, "rate limit: %lld submission%s an hour for this "
	    "key; try again in %lld minute%s", who->rate,
	    who->rate == 1 ? "" : "s", (wait + 59) / 60,
	    (wait + 59) / 60 == 1 ? "" : "s");
}

int
main(int argc, char *argv[])
{
	const char *badge = NULL, *db_opt = NULL, *keyfile = NULL;
	const struct classify_totals *t;
	struct store_badge b;
	struct auth_who who;
	struct classify *c;
	struct store_new_item *items;
	struct store *s;
	unsigned long changed, unclassified;
	long long job, now;
	size_t i, n = 0;
	char *key;
	int ch, quiet = 0;

	cmd_begin(argv);
	while ((ch = getopt(argc, argv, "b:d:hk:qV")) != -1) {
		switch (ch) {
		case 'b': badge = optarg; break;
		case 'd': db_opt = optarg; break;
		case 'h': usage(0); break;
		case 'k': keyfile = optarg; break;
		case 'q': quiet = 1; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	if (!badge || optind != argc)
		usage(EXIT_USAGE);

	s = store_open(config_db(db_opt), 0);
	key = config_api_key(keyfile);
	/* Not a byte of the stream is read for a stranger. */
	auth_member(s, key, ROLE_ISSUER, badge, &who, &b);
	auth_who_release(&who);
	store_badge_release(&b);
	read_stream();

	/* From here to the commit, nothing is written unless all is well:
	 * any refusal ends the program and the transaction with it.  The
	 * key is looked at again: it may have been revoked meanwhile. */
	store_begin(s);
	auth_member(s, key, ROLE_ISSUER, badge, &who, &b);
	free(key);
	{
		char err[AUTH_ERR_MAX];
		int rc;

		if ((rc = auth_may_issue(s, &who.org, err)) != 0)
			errx(rc, "%s", err);
	}
	take_token(s, &who);

	now = store_now(s);
	c = classify_new(s, &who.org, b.id, now);
	changed = reclassify(c, &unclassified);
	if (unclassified)
		errx(EXIT_DATAERR, "%lu row%s not classified (status valid): "
		    "run the stream through recipient-check first",
		    unclassified, unclassified == 1 ? " is" : "s are");
	if (changed)
		errx(EXIT_DATAERR, "%lu row%s changed since the review; nothing "
		    "was submitted: run recipient-check again", changed,
		    changed == 1 ? "" : "s");
	t = classify_totals(c);
	if (t->issuable == 0)
		nothing_to_issue();

	/* The job's month is the quota's: the same now. */
	job = store_job_create(s, who.org.id, b.id, who.ssh ? 0 : who.key_id,
	    who.ssh ? who.key_id : 0, now);
	items = xcalloc(stream.n ? stream.n : 1, sizeof *items);
	for (i = 0; i < stream.n; i++) {
		const struct record *r = &stream.rec[i];

		if (r->status == RECORD_INVALID)
			continue;
		items[n].row = r->row;
		items[n].email = r->email;
		items[n].name = r->name;
		items[n].class = record_status_name(r->status);
		items[n].prior = found[i].prior;
		items[n++].state = found[i].issuable ? "pending" : "skipped";
	}
	store_job_add_items(s, job, items, n);
	free(items);
	store_commit(s);
	printf("%lld\n", job);
	close_stdout();
	if (!quiet)
		fprintf(stderr, "bulk-submit: job %lld: %lu to issue (%lu "
		    "renewal%s), %lu skipped, %lu left out; quota %s: %lld of "
		    "%lld\n", job, t->issuable, t->renewals,
		    t->renewals == 1 ? "" : "s", t->skipped, t->invalid,
		    t->month, t->used, t->quota);

	for (i = 0; i < stream.n; i++)
		free(found[i].prior);
	free(found);
	record_list_release(&stream);
	classify_free(c);
	store_badge_release(&b);
	auth_who_release(&who);
	store_close(s);
	return 0;
}
