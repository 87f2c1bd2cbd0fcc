/*
 * worker.h: the loop of job-worker (man/job-worker.1).
 *
 * A run claims due items in batches under a lease, issues each item's
 * credential and commits (so a credential exists before its mail leaves),
 * hands the messages to the transport, and records each result: sent;
 * deferred after a 4xx reply, a dropped connection or a timeout, with a
 * doubling backoff; failed after a 5xx reply or the last attempt.  It
 * stops when nothing is due, at a limit, at SIGINT or SIGTERM, or when
 * the transport is down; at -T, SIGINT or SIGTERM the mails of the batch
 * in hand that are not on the wire yet are given back untried.
 *
 * Leases hold: the run renews its lease while it works and hands a mail
 * over only under a fresh one, so a claim is never acted on after its
 * lease ran out; an item another worker took over (the run stalled past
 * the lease) is left to it, nothing recorded and nothing counted.  Items
 * of an organization that may not issue now are not claimed; one found
 * so, or whose job was cancelled, while in hand is given back or
 * cancelled unless its mail is on the wire.
 *
 * Killed at any moment, a run loses nothing: a claimed item returns to
 * the queue when its lease runs out, keeps the credential it was issued,
 * and its mail is sent again with the same Message-ID; an attempt it left
 * under way counts as one that may have delivered the credential.
 */
#ifndef CREDPIPE_WORKER_H
#define CREDPIPE_WORKER_H

struct worker_options {
	const char *db;		/* the database */
	const char *master;	/* the master key file */
	const char *smtp_url;	/* smtp:// or smtps://, or NULL */
	const char *maildir;	/* or a maildir, or NULL */
	unsigned connections;	/* SMTP connections at once */
	long long job;		/* only this job; 0: any */
	long long max_items;	/* stop after this many items; 0: no limit */
	long long max_seconds;	/* stop after this long; 0: no limit */
	long long lease;	/* seconds a claim holds */
	long long backoff;	/* first retry delay, seconds, doubling */
	long long backoff_max;	/* longest retry delay */
	int attempts;		/* deliveries tried before failing */
	int batch;		/* items claimed at once */
	int verbose;		/* progress on stderr */
	int require_tls;	/* smtp://: STARTTLS required */
	const char *ca_file;	/* CAs the relay's certificate may chain to */
};

/* Set the defaults: 600 s lease, 300 s to 4 h backoff, 8 attempts, one
 * connection, batches of 100. */
void worker_defaults(struct worker_options *o);

/* Run until done.  Return 0, or EXIT_UNAVAILABLE when the transport was
 * unreachable (its items deferred); the other failures end the program
 * with their message and exit status.  With verbose, the counts of what
 * this run did go to stderr after each batch and at the end. */
int worker_run(const struct worker_options *o);

#endif
