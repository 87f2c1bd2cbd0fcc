/*
 * transport.h: hands built messages to an SMTP server or a maildir
 * (man/job-worker.1, "Delivery"), behind one interface.
 *
 * The caller submits messages, each with an opaque pointer of its own,
 * and calls transport_poll (or transport_flush) to make progress; each
 * submitted message completes exactly once, through the done callback,
 * in the caller's thread, with one of four results:
 *
 *	TRANSPORT_SENT		the server accepted it (or it is in new/)
 *	TRANSPORT_TEMPFAIL	try again later: a 4xx reply, or the
 *				connection dropped or timed out once MAIL
 *				FROM had gone out
 *	TRANSPORT_PERMFAIL	never try again: a 5xx reply, or an envelope
 *				address the transport refuses to send
 *	TRANSPORT_UNAVAILABLE	a temporary failure of the transport, not of
 *				the message (see below)
 *
 * A failure carries the text to record: the server's reply ("550 5.1.1
 * no such user") or what went wrong on the connection ("connection lost
 * after the end of DATA: Failure when receiving data from the peer",
 * "no reply to RCPT TO within 60 s").  Text from the server is kept
 * printable (a control or non-ASCII byte becomes '?'), a multi-line reply
 * on one line, and at most 512 bytes of it.
 *
 * Whether it may have been delivered.  Each result says whether the end
 * of the message's DATA may have reached the server (data_sent): then
 * the message may have been delivered even though the transfer failed (a
 * connection lost while waiting for the reply to the end of DATA).  A
 * failure before that (connection refused, a 4xx or 5xx reply to MAIL
 * FROM, RCPT TO or DATA) certainly delivered nothing.
 *
 * Load shedding.  A 421 reply (the server closing the connection: busy,
 * greylisting, shutting down) ends that connection, not the transport:
 * the message is tried again at once on a new connection, up to
 * RETRIES_421 more times, and only then completes as a temporary failure
 * (or, when no try got as far as MAIL FROM, as unavailable).
 *
 * Unavailable.  An SMTP message is unavailable when its transfer failed
 * before MAIL FROM went out (the server could not be resolved, reached or
 * connected to, did not greet, refused EHLO, TLS or AUTH), or on an AUTH
 * reply about the session rather than the message, whatever command it
 * answers: 454, 530, 534, 535 and 538.  A maildir message is unavailable
 * when writing it failed.  From the first unavailable message on, the
 * transport starts nothing more: each message still queued, or submitted
 * later, completes as unavailable with the text "not tried: REASON"
 * (those already on the wire finish normally).  A worker puts them back
 * as not tried, stops claiming work and exits with EXIT_UNAVAILABLE.
 *
 * SMTP.  Up to N connections at once, each kept open and reused for
 * message after message; libcurl speaks SMTP.  Credentials come from the
 * URL (smtp://user:pass@host) or from ~/.netrc; the URL's path, if any,
 * names the EHLO domain (libcurl's rule).  smtps:// speaks TLS from the
 * start.  smtp:// uses STARTTLS when the server offers it, and requires
 * it (the transport is unavailable, "the relay offers no STARTTLS ...")
 * when there is a login to send, in the URL or in ~/.netrc, or when
 * require_tls asks: a password never travels in clear.  Certificates are
 * checked against the system's CAs, or those of ca_file.  A 5xx reply to
 * MAIL FROM fails the one message (its sender belongs to one
 * organization), not the transport.
 *
 * Maildir.  Each message is written to DIR/tmp/NAME, synced, renamed to
 * DIR/new/NAME, and new/ is synced; NAME is SECONDS.MUSECPPIDQN.HOST as
 * maildir(5) suggests.  When new/ cannot be synced, the message is taken
 * back out of new/ and the delivery fails (unless it cannot be taken
 * back: then it is delivered), so that a message is never both delivered
 * and reported as failed.  The file holds "Return-Path: <FROM>" and
 * "Delivered-To: TO", as a local delivery agent writes them, then the
 * message bytes unchanged (CRLF line ends, as on the wire).
 *
 * Envelope addresses are checked with email_check (lib/email.h) before
 * anything is sent or written: an address with CR, LF or any other
 * character outside the rules never reaches libcurl or a file, and its
 * message fails permanently.
 */
#ifndef CREDPIPE_TRANSPORT_H
#define CREDPIPE_TRANSPORT_H

#include <stddef.h>

#include "buf.h"

/* How many times a message answered 421 is tried again at once. */
#define RETRIES_421 2

enum transport_status {
	TRANSPORT_SENT,
	TRANSPORT_TEMPFAIL,
	TRANSPORT_PERMFAIL,
	TRANSPORT_UNAVAILABLE
};

struct transport_result {
	void *data;			/* the pointer given to submit */
	enum transport_status status;
	int code;			/* the SMTP reply code behind the
					 * status, or 0 when there was none */
	const char *text;		/* the reply or the error; "" when
					 * sent; valid during the callback */
	int data_sent;			/* the end of DATA may have reached
					 * the server (1 when sent) */
};

/* Called once per message; it may call transport_submit, but not
 * transport_poll, transport_flush or transport_free. */
typedef void transport_done_fn(const struct transport_result *r, void *arg);

struct transport_options {
	unsigned connections;		/* SMTP connections at once; 0: 1 */
	long timeout_ms;		/* connect, and each message on the
					 * wire; 0: 60 seconds */
	transport_done_fn *done;	/* the callback, required */
	void *arg;			/* its second argument */
	int require_tls;		/* smtp://: STARTTLS or nothing */
	const char *ca_file;		/* the CAs to trust (PEM), or NULL
					 * for the system's */
};

struct transport;

/*
 * Open an SMTP transport to url (smtp:// or smtps://) with one thread
 * per connection; nothing connects before the first message.  The
 * threads stay inside the transport: the caller calls every function
 * here from one thread of its own.  Return the transport, or NULL with
 * the reason appended to err ("smtp url: not an smtp:// or smtps:// URL
 * with a host"); the reason never quotes the URL, which may hold a
 * password.
 */
struct transport *transport_smtp(const char *url,
    const struct transport_options *o, struct buf *err);

/*
 * Open a maildir transport to dir, creating dir (not its parents), and
 * dir/tmp, dir/new and dir/cur where missing.  Return the transport, or
 * NULL with "DIR: reason" appended to err.
 */
struct transport *transport_maildir(const char *dir,
    const struct transport_options *o, struct buf *err);

/*
 * Queue one message from envelope sender from to envelope recipient to.
 * The transport takes the bytes of msg, which is left empty (BUF_INIT);
 * they must be a complete message with CRLF line ends.  Never fails and
 * never calls done itself: a message it refuses completes at the next
 * poll.
 */
void transport_submit(struct transport *t, const char *from, const char *to,
    struct buf *msg, void *data);

/*
 * Start queued messages, move those on the wire along, and call done for
 * each that has completed.  Wait up to wait_ms milliseconds for progress
 * when none was made at once (0: do not wait).  Return the number of
 * messages submitted and not yet completed.
 */
size_t transport_poll(struct transport *t, int wait_ms);

/* Poll until every submitted message has completed. */
void transport_flush(struct transport *t);

/* Abort what is on the wire, close the connections and free the
 * transport (NULL is fine).  Messages not yet reported are dropped
 * without a callback. */
void transport_free(struct transport *t);

/* Why the transport is unavailable ("Failed to connect to ...", "535
 * 5.7.8 authentication failed", "SSL certificate problem: ..."), or NULL
 * while it is not. */
const char *transport_unavailable(struct transport *t);

/* Whether url holds a password (which a command line would show to
 * anyone who lists processes). */
int transport_url_has_password(const char *url);

#endif
