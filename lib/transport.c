/*
 * transport.c: SMTP through libcurl and maildir delivery; the contract
 * is in transport.h.
 *
 * Messages move through three places: the queue (submitted, not
 * started), a connection (on the wire) and the done list (completed, not
 * yet reported).  Only transport_poll calls the done callback, in the
 * caller's thread, from the done list, so a message refused at submit
 * time is reported the same way as one the server answered.
 *
 * SMTP connections each have a thread of their own, with one libcurl easy
 * handle that keeps its connection open from message to message.  One
 * multi handle for all connections would need no threads, but libcurl
 * waits for the reply to the end of DATA in a blocking call (its SMTP
 * "done" phase; curl issue 8555), which would hold up every other
 * connection for a round trip per message: with a distant server, N
 * connections would send hardly more than one.  The threads share the
 * queue and the done list under one mutex; everything else a thread
 * touches is its own.
 *
 * The server's replies are read through libcurl's debug callback, which
 * sees every line the server sends (CURLINFO_HEADER_IN, for smtpreply.h
 * to read) and every command sent (CURLINFO_HEADER_OUT): the first reply
 * of 400 or more in a transfer is what failed it, and whether MAIL FROM
 * went out tells a failed message from a server that could not be used
 * at all.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "email.h"
#include "smtpreply.h"
#include "transport.h"
#include "util.h"

#define TIMEOUT_MS 60000L	/* the default of timeout_ms */
#define QUIT_SECONDS 2L		/* the wait for the reply to QUIT */

struct msg {
	struct msg *next;
	void *data;			/* the caller's pointer */
	char *from, *to;		/* checked envelope, lowercased */
	struct buf bytes;		/* the message */
	enum transport_status status;	/* the result, once completed */
	int code;			/* its reply code, or 0 */
	struct buf text;		/* its text */
	int data_sent;			/* the end of DATA may have gone out */
};

/* A first-in first-out list of messages. */
struct queue {
	struct msg *head;
	struct msg **tail;		/* &head when empty */
};

/* How far a transfer got: the last command sent. */
enum phase { PHASE_CONNECT, PHASE_MAIL, PHASE_RCPT, PHASE_DATA, PHASE_END };

static const char *const phase_names[] = {
	"the greeting", "MAIL FROM", "RCPT TO", "DATA", "the end of DATA"
};

/* One SMTP connection: its thread, its easy handle, its transfer. */
struct conn {
	struct transport *t;
	pthread_t thread;
	int started;			/* the thread runs */
	CURL *easy;
	struct msg *msg;		/* on the wire, or NULL */
	size_t off;			/* bytes of it handed to libcurl */
	enum phase phase;		/* the last command sent */
	int code;			/* the first reply >= 400, or 0 */
	struct buf text;		/* that reply, or what went wrong */
	struct smtpreply replies;	/* the server's replies, read */
	char errbuf[CURL_ERROR_SIZE];	/* libcurl's last error */
};

struct transport {
	transport_done_fn *done;
	void *arg;
	size_t pending;			/* submitted, not reported; the
					 * caller's thread alone uses it */

	pthread_mutex_t lock;		/* guards the fields below */
	pthread_cond_t work;		/* the queue has messages, or stop */
	pthread_cond_t ready_cond;	/* the done list has messages */
	struct queue queue;		/* submitted, not started */
	struct queue ready;		/* completed, not reported */
	int down;			/* unavailable: start nothing */
	int down_code;			/* the reply code that said so */
	struct buf down_text;		/* "not tried: " and the reason */
	struct buf down_why;		/* the reason */
	atomic_int stop;		/* transport_free: end the threads */

	/* SMTP */
	struct conn *conns;
	unsigned nconns;
	char *url;			/* the server */
	long timeout_ms;		/* to connect; per message */
	char *ca_file;			/* CAs to trust, or NULL: the system's */
	long use_ssl;			/* CURLUSESSL_TRY or _ALL */
	const char *no_tls;		/* why TLS is required, when it is */

	/* maildir */
	char *dir;			/* NULL for SMTP */
	int new_fd;			/* DIR/new, for fsync */
	char *host;			/* this host's name, made safe */
	unsigned long count;		/* deliveries by this transport */
};

static struct msg *
pop(struct queue *q)
{
	struct msg *m = q->head;

	if (m && !(q->head = m->next))
		q->tail = &q->head;
	return m;
}

static void
push(struct queue *q, struct msg *m)
{
	m->next = NULL;
	*q->tail = m;
	q->tail = &m->next;
}

static void
msg_free(struct msg *m)
{
	free(m->from);
	free(m->to);
	buf_release(&m->bytes);
	buf_release(&m->text);
	free(m);
}

/* Move m to the done list with its result; the lock is held. */
static void
complete(struct transport *t, struct msg *m, enum transport_status st,
    int code, const char *text)
{
	m->status = st;
	m->code = code;
	if (st == TRANSPORT_SENT)
		m->data_sent = 1;
	buf_reset(&m->text);
	buf_adds(&m->text, text);
	buf_release(&m->bytes);
	push(&t->ready, m);
	if (st == TRANSPORT_UNAVAILABLE && !t->down) {
		t->down = 1;
		t->down_code = code;
		buf_printf(&t->down_text, "not tried: %s", text);
		buf_adds(&t->down_why, text);
	}
	pthread_cond_signal(&t->ready_cond);
}

/* The next message to start, or NULL; once down, the queue fails at
 * once.  The lock is held. */
static struct msg *
next_msg(struct transport *t)
{
	struct msg *m;

	while (t->down && (m = pop(&t->queue)))
		complete(t, m, TRANSPORT_UNAVAILABLE, t->down_code,
		    t->down_text.p);
	return pop(&t->queue);
}

static int
check_envelope(const char *what, const char *addr, char **out,
    struct buf *why)
{
	char ewhy[EMAIL_WHY_MAX];

	*out = xstrdup(addr);
	if (email_check(*out, strlen(*out), ewhy) == 0)
		return 0;
	buf_printf(why, "%s: %s", what, ewhy);
	return -1;
}

void
transport_submit(struct transport *t, const char *from, const char *to,
    struct buf *msg, void *data)
{
	struct msg *m = xcalloc(1, sizeof *m);
	struct buf why = BUF_INIT;
	int bad;

	m->data = data;
	m->bytes = *msg;
	*msg = (struct buf)BUF_INIT;
	t->pending++;
	bad = check_envelope("envelope sender", from, &m->from, &why) != 0 ||
	    check_envelope("envelope recipient", to, &m->to, &why) != 0;
	pthread_mutex_lock(&t->lock);
	if (bad) {
		complete(t, m, TRANSPORT_PERMFAIL, 0, why.p);
	} else {
		push(&t->queue, m);
		pthread_cond_signal(&t->work);
	}
	pthread_mutex_unlock(&t->lock);
	buf_release(&why);
}

static int
on_debug(CURL *easy, curl_infotype type, char *p, size_t n, void *arg)
{
	struct conn *c = arg;

	(void)easy;
	if (type == CURLINFO_HEADER_OUT && c->phase < PHASE_END) {
		if (n >= 10 && strncasecmp(p, "MAIL FROM:", 10) == 0)
			c->phase = PHASE_MAIL;
		else if (n >= 8 && strncasecmp(p, "RCPT TO:", 8) == 0)
			c->phase = PHASE_RCPT;
		else if (n >= 4 && strncasecmp(p, "DATA", 4) == 0)
			c->phase = PHASE_DATA;
	}
	if (type == CURLINFO_HEADER_IN)
		smtpreply_feed(&c->replies, p, n);
	return 0;
}

static size_t
on_read(char *p, size_t size, size_t nmemb, void *arg)
{
	struct conn *c = arg;
	size_t n = size * nmemb, left = c->msg->bytes.len - c->off;

	if (n > left)
		n = left;
	if (n)
		memcpy(p, c->msg->bytes.p + c->off, n);
	c->off += n;
	/* All of it is libcurl's now: the end of DATA may follow at any
	 * moment, and with it a delivery. */
	if (c->off == c->msg->bytes.len)
		c->phase = PHASE_END;
	return n;
}

/* Abort a transfer when the transport is being freed. */
static int
on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	struct conn *conn = arg;

	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&conn->t->stop);
}

/*
 * Replies that speak of the login, not of one message: AUTH's 454, 530,
 * 534, 535 and 538 (RFC 4954), which a server may give to MAIL FROM.
 */
static int
is_login_reply(int code)
{
	return code == 454 || code == 530 || code == 534 || code == 535 ||
	    code == 538;
}

static void conn_setup(struct conn *c);

/*
 * Drop the connection of a failed transfer: libcurl may keep one whose
 * transfer timed out, in the middle of a command, for the next message.
 * Closing it sends QUIT and waits QUIT_SECONDS at most for the reply.
 */
static void
conn_renew(struct conn *c)
{
	curl_easy_setopt(c->easy, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    QUIT_SECONDS);
	curl_easy_cleanup(c->easy);
	conn_setup(c);
}

/* Say what went wrong without a reply, from how far the transfer got:
 * libcurl's own message may carry a stale errno. */
static void
lost_text(struct conn *c, CURLcode res)
{
	if (res == CURLE_USE_SSL_FAILED && c->t->no_tls)
		buf_adds(&c->text, c->t->no_tls);
	else if (c->phase == PHASE_CONNECT)
		buf_adds(&c->text, c->errbuf[0] ? c->errbuf :
		    curl_easy_strerror(res));
	else if (res == CURLE_OPERATION_TIMEDOUT)
		buf_printf(&c->text, "no reply to %s within %ld s",
		    phase_names[c->phase], (c->t->timeout_ms + 999) / 1000);
	else
		buf_printf(&c->text, "connection lost after %s: %s",
		    phase_names[c->phase], curl_easy_strerror(res));
}

/* Send c->msg once on c's connection; return its status, with the reply
 * code in c->code, the text in c->text and how far it got in c->phase. */
static enum transport_status
send_once(struct conn *c)
{
	enum transport_status st;
	struct msg *m = c->msg;
	struct curl_slist *rcpt;
	struct buf addr = BUF_INIT;
	CURLcode res;

	c->off = 0;
	c->phase = PHASE_CONNECT;
	c->code = 0;
	c->errbuf[0] = '\0';
	buf_reset(&c->text);
	smtpreply_reset(&c->replies);
	buf_printf(&addr, "<%s>", m->to);
	if (!(rcpt = curl_slist_append(NULL, addr.p)))
		die_nomem();
	buf_reset(&addr);
	buf_printf(&addr, "<%s>", m->from);
	curl_easy_setopt(c->easy, CURLOPT_MAIL_FROM, addr.p);
	curl_easy_setopt(c->easy, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c->easy, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)m->bytes.len);
	res = curl_easy_perform(c->easy);
	curl_easy_setopt(c->easy, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	buf_release(&addr);

	if ((c->code = c->replies.code))
		buf_add(&c->text, c->replies.text.p, c->replies.text.len);
	if (res == CURLE_OK) {
		c->code = 250;
		buf_reset(&c->text);
		return TRANSPORT_SENT;
	}
	if (!c->code)
		lost_text(c, res);
	if (c->phase == PHASE_CONNECT || is_login_reply(c->code))
		st = TRANSPORT_UNAVAILABLE;
	else if (c->code >= 500)
		st = TRANSPORT_PERMFAIL;
	else
		st = TRANSPORT_TEMPFAIL;
	conn_renew(c);
	return st;
}

/*
 * Send c->msg, trying again on a new connection after a 421 (the server
 * shedding load), a little later each time.  Record in the message
 * whether any try may have delivered it.  The last try's status stands:
 * a 421 once a transaction had begun is the message's to retry later,
 * one to the greeting says the server cannot be used now.
 */
static enum transport_status
send_msg(struct conn *c)
{
	enum transport_status st;
	int try;

	for (try = 0;; try++) {
		st = send_once(c);
		if (c->phase == PHASE_END)
			c->msg->data_sent = 1;
		if (c->code != 421 || try == RETRIES_421 ||
		    atomic_load(&c->t->stop))
			break;
		usleep(100000 * (useconds_t)(try + 1));
	}
	return st;
}

/* A connection's thread: take messages off the queue until stopped. */
static void *
conn_main(void *arg)
{
	struct conn *c = arg;
	struct transport *t = c->t;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		enum transport_status st;

		while (!atomic_load(&t->stop) && !(c->msg = next_msg(t)))
			pthread_cond_wait(&t->work, &t->lock);
		if (atomic_load(&t->stop))
			break;
		pthread_mutex_unlock(&t->lock);
		st = send_msg(c);
		pthread_mutex_lock(&t->lock);
		complete(t, c->msg, st, c->code, c->text.p ? c->text.p : "");
		c->msg = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Write m into the maildir: tmp/NAME, fsync, rename to new/NAME, fsync
 * new/.  Return 0, or -1 with the reason in why.
 */
static int
maildir_write(struct transport *t, const struct msg *m, struct buf *why)
{
	struct buf tmp = BUF_INIT, dst = BUF_INIT, head = BUF_INIT;
	struct timeval tv;
	int fd, tries = 0, rc = -1;

	do {
		gettimeofday(&tv, NULL);
		buf_reset(&head);
		buf_printf(&head, "%lld.M%ldP%ldQ%lu.%s", (long long)tv.tv_sec,
		    (long)tv.tv_usec, (long)getpid(), ++t->count, t->host);
		buf_reset(&tmp);
		buf_reset(&dst);
		buf_printf(&tmp, "%s/tmp/%s", t->dir, head.p);
		buf_printf(&dst, "%s/new/%s", t->dir, head.p);
		fd = open(tmp.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	} while (fd < 0 && errno == EEXIST && ++tries < 10);
	if (fd < 0) {
		buf_printf(why, "%s: %s", tmp.p, strerror(errno));
		goto done;
	}
	buf_reset(&head);
	buf_printf(&head, "Return-Path: <%s>\r\nDelivered-To: %s\r\n",
	    m->from, m->to);
	if (write_all(fd, head.p, head.len) != 0 ||
	    write_all(fd, m->bytes.p ? m->bytes.p : "", m->bytes.len) != 0 ||
	    fsync(fd) != 0) {
		buf_printf(why, "%s: %s", tmp.p, strerror(errno));
		close(fd);
		unlink(tmp.p);
		goto done;
	}
	if (close(fd) != 0 || rename(tmp.p, dst.p) != 0) {
		buf_printf(why, "%s: %s", tmp.p, strerror(errno));
		unlink(tmp.p);
		goto done;
	}
	if (fsync(t->new_fd) != 0) {
		/* Not durable: take it back, or it would be delivered and
		 * then tried again. */
		buf_printf(why, "%s/new: %s", t->dir, strerror(errno));
		if (unlink(dst.p) == 0)
			goto done;
	}
	rc = 0;
done:
	buf_release(&tmp);
	buf_release(&dst);
	buf_release(&head);
	return rc;
}

/* Deliver the queue into the maildir, in the caller's thread. */
static void
maildir_run(struct transport *t)
{
	struct buf why = BUF_INIT;
	struct msg *m;

	pthread_mutex_lock(&t->lock);
	while ((m = next_msg(t))) {
		int rc;

		pthread_mutex_unlock(&t->lock);
		buf_reset(&why);
		rc = maildir_write(t, m, &why);
		pthread_mutex_lock(&t->lock);
		if (rc == 0)
			complete(t, m, TRANSPORT_SENT, 0, "");
		else
			complete(t, m, TRANSPORT_UNAVAILABLE, 0, why.p);
	}
	pthread_mutex_unlock(&t->lock);
	buf_release(&why);
}

size_t
transport_poll(struct transport *t, int wait_ms)
{
	struct queue done;
	struct msg *m;

	if (t->dir)
		maildir_run(t);
	pthread_mutex_lock(&t->lock);
	if (!t->ready.head && wait_ms > 0 && t->pending > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&t->ready_cond, &t->lock, &ts);
	}
	done = t->ready;
	if (!done.head)
		done.tail = &done.head;
	t->ready.head = NULL;
	t->ready.tail = &t->ready.head;
	pthread_mutex_unlock(&t->lock);

	while ((m = pop(&done))) {
		struct transport_result r = {
			m->data, m->status, m->code, m->text.p ? m->text.p : "",
			m->data_sent
		};

		t->pending--;
		t->done(&r, t->arg);
		msg_free(m);
	}
	return t->pending;
}

void
transport_flush(struct transport *t)
{
	while (transport_poll(t, 1000) > 0)
		;
}

static struct transport *
transport_new(const struct transport_options *o)
{
	struct transport *t = xcalloc(1, sizeof *t);
	pthread_condattr_t attr;

	t->done = o->done;
	t->arg = o->arg;
	t->queue.tail = &t->queue.head;
	t->ready.tail = &t->ready.head;
	t->new_fd = -1;
	atomic_init(&t->stop, 0);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->work, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->ready_cond, &attr);
	pthread_condattr_destroy(&attr);
	return t;
}

/* What a URL says of the session it asks for. */
struct url_facts {
	int user;			/* it names a user */
	int password;			/* and a password */
	int smtps;			/* TLS from the start */
	char host[256];
};

/* Accept smtp:// and smtps:// URLs with a host and nothing that could
 * end a line, and say what they hold. */
static int
parse_url(const char *url, struct url_facts *f, struct buf *err)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
	const char *p;
	int ok;

	memset(f, 0, sizeof *f);
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			buf_adds(err, "smtp url: holds a space or a control "
			    "character");
			return -1;
		}
	if (!(u = curl_url()))
		die_nomem();
	ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(scheme, "smtp") == 0 || strcmp(scheme, "smtps") == 0) &&
	    *host && strlen(host) < sizeof f->host;
	if (ok) {
		f->smtps = strcmp(scheme, "smtps") == 0;
		snprintf(f->host, sizeof f->host, "%s", host);
		f->user = curl_url_get(u, CURLUPART_USER, &user, 0) ==
		    CURLUE_OK && *user;
		f->password = curl_url_get(u, CURLUPART_PASSWORD, &password,
		    0) == CURLUE_OK && *password;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	if (!ok)
		buf_adds(err, "smtp url: not an smtp:// or smtps:// URL "
		    "with a host");
	return ok ? 0 : -1;
}

int
transport_url_has_password(const char *url)
{
	struct buf err = BUF_INIT;
	struct url_facts f;
	int r = parse_url(url, &f, &err) == 0 && f.password;

	buf_release(&err);
	return r;
}

/*
 * Whether ~/.netrc, where libcurl looks for a login when the URL names
 * none, has one for host: a "machine host" entry, or a "default" one.
 */
static int
netrc_has(const char *host)
{
	const char *home = getenv("HOME");
	struct buf path = BUF_INIT;
	char word[512];
	int found = 0, machine = 0;
	FILE *f;

	if (!home || !*home)
		return 0;
	buf_printf(&path, "%s/.netrc", home);
	f = fopen(path.p, "r");
	buf_release(&path);
	if (!f)
		return 0;
	while (!found && fscanf(f, "%511s", word) == 1) {
		if (machine)
			found = strcasecmp(word, host) == 0;
		else if (strcmp(word, "default") == 0)
			found = 1;
		machine = strcmp(word, "machine") == 0;
	}
	fclose(f);
	return found;
}

/* A new easy handle for c, set up for the transport's server. */
static void
conn_setup(struct conn *c)
{
	long timeout = c->t->timeout_ms;

	if (!(c->easy = curl_easy_init()))
		die_nomem();
	curl_easy_setopt(c->easy, CURLOPT_URL, c->t->url);
	curl_easy_setopt(c->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c->easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c->easy, CURLOPT_READDATA, c);
	curl_easy_setopt(c->easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c->easy, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(c->easy, CURLOPT_DEBUGDATA, c);
	curl_easy_setopt(c->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c->easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c->easy, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(c->easy, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	curl_easy_setopt(c->easy, CURLOPT_USE_SSL, c->t->use_ssl);
	if (c->t->ca_file)
		curl_easy_setopt(c->easy, CURLOPT_CAINFO, c->t->ca_file);
	curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c->easy, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (timeout + 999) / 1000);
}

struct transport *
transport_smtp(const char *url, const struct transport_options *o,
    struct buf *err)
{
	struct url_facts f;
	struct transport *t;
	unsigned i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_adds(err, "libcurl: cannot initialize");
		return NULL;
	}
	if (parse_url(url, &f, err) != 0) {
		curl_global_cleanup();
		return NULL;
	}
	t = transport_new(o);
	t->url = xstrdup(url);
	t->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	/* A login never goes out in clear: with one, STARTTLS is a must. */
	t->use_ssl = CURLUSESSL_TRY;
	if (!f.smtps && (f.user || netrc_has(f.host))) {
		t->use_ssl = CURLUSESSL_ALL;
		t->no_tls = "the relay offers no STARTTLS; refusing to send "
		    "the password in clear";
	} else if (!f.smtps && o->require_tls) {
		t->use_ssl = CURLUSESSL_ALL;
		t->no_tls = "the relay offers no STARTTLS, which TLS required "
		    "(-S) asks for";
	}
	t->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : TIMEOUT_MS;
	t->nconns = o->connections ? o->connections : 1;
	t->conns = xcalloc(t->nconns, sizeof *t->conns);
	for (i = 0; i < t->nconns; i++) {
		t->conns[i].t = t;
		smtpreply_init(&t->conns[i].replies);
		conn_setup(&t->conns[i]);
	}
	for (i = 0; i < t->nconns; i++) {
		int e = pthread_create(&t->conns[i].thread, NULL, conn_main,
		    &t->conns[i]);

		if (e != 0) {
			buf_printf(err, "smtp: cannot start a thread: %s",
			    strerror(e));
			transport_free(t);
			return NULL;
		}
		t->conns[i].started = 1;
	}
	return t;
}

/* Make a host name safe in a maildir file name (maildir(5)). */
static char *
safe_host(void)
{
	struct buf b = BUF_INIT;
	char host[256];
	const char *p;

	if (gethostname(host, sizeof host) != 0 || !*host)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	for (p = host; *p; p++)
		if (*p == '/')
			buf_adds(&b, "\\057");
		else if (*p == ':')
			buf_adds(&b, "\\072");
		else
			buf_addc(&b, *p);
	return buf_detach(&b);
}

/* Create a directory unless there is one. */
static int
make_dir(const char *path, struct buf *err)
{
	struct stat st;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		errno = ENOTDIR;
	else if (errno == EEXIST)
		return 0;
	buf_printf(err, "%s: %s", path, strerror(errno));
	return -1;
}

struct transport *
transport_maildir(const char *dir, const struct transport_options *o,
    struct buf *err)
{
	static const char *const subs[] = { "tmp", "cur", "new" };
	struct buf path = BUF_INIT;
	struct transport *t;
	size_t i;
	int fd;

	if (make_dir(dir, err) != 0)
		return NULL;
	for (i = 0; i < 3; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, subs[i]);
		if (make_dir(path.p, err) != 0) {
			buf_release(&path);
			return NULL;
		}
	}
	/* path is DIR/new. */
	if ((fd = open(path.p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		buf_printf(err, "%s: %s", path.p, strerror(errno));
		buf_release(&path);
		return NULL;
	}
	buf_release(&path);
	t = transport_new(o);
	t->new_fd = fd;
	t->dir = xstrdup(dir);
	t->host = safe_host();
	return t;
}

void
transport_free(struct transport *t)
{
	struct msg *m;
	unsigned i;

	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stop, 1);
	pthread_cond_broadcast(&t->work);
	pthread_mutex_unlock(&t->lock);
	for (i = 0; i < t->nconns; i++) {
		struct conn *c = &t->conns[i];

		if (c->started)
			pthread_join(c->thread, NULL);
		/* Closing sends QUIT and waits for the reply, by this limit
		 * alone: a server that hangs must not hold up the caller. */
		curl_easy_setopt(c->easy, CURLOPT_SERVER_RESPONSE_TIMEOUT,
		    QUIT_SECONDS);
		curl_easy_cleanup(c->easy);
		buf_release(&c->text);
		smtpreply_release(&c->replies);
	}
	if (t->conns)
		curl_global_cleanup();
	free(t->conns);
	free(t->url);
	free(t->ca_file);
	buf_release(&t->down_why);
	while ((m = pop(&t->queue)))
		msg_free(m);
	while ((m = pop(&t->ready)))
		msg_free(m);
	buf_release(&t->down_text);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->work);
	pthread_cond_destroy(&t->ready_cond);
	if (t->new_fd >= 0)
		close(t->new_fd);
	free(t->dir);
	free(t->host);
	free(t);
}

const char *
transport_unavailable(struct transport *t)
{
	const char *why;

	pthread_mutex_lock(&t->lock);
	why = t->down ? t->down_why.p : NULL;
	pthread_mutex_unlock(&t->lock);
	return why;
}
