/*
 * check_transport.c: the transport's contract where no SMTP server is
 * needed: maildir delivery, envelope checks, one result per message and
 * only from transport_poll, unavailable and sticky, URL checks, and a
 * server that is not there.  test/cli/007*.t try a real server.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "transport.h"
#include "unit.h"

#define MAX_RESULTS 16

/* What the callback saw. */
struct seen {
	int n;
	struct {
		long data;
		enum transport_status status;
		int code;
		char text[256];
	} r[MAX_RESULTS];
};

static void
record(const struct transport_result *r, void *arg)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, MAX_RESULTS);
	s->r[s->n].data = (long)(intptr_t)r->data;
	s->r[s->n].status = r->status;
	s->r[s->n].code = r->code;
	snprintf(s->r[s->n].text, sizeof s->r[s->n].text, "%s", r->text);
	s->n++;
}

static void
submit(struct transport *t, const char *from, const char *to,
    const char *text, long data)
{
	struct buf msg = BUF_INIT;

	buf_adds(&msg, text);
	transport_submit(t, from, to, &msg, (void *)(intptr_t)data);
	ck_assert_uint_eq(msg.cap, 0);	/* the transport took its bytes */
	ck_assert_str_eq(msg.p, "");
	ck_assert_uint_eq(msg.len, 0);
}

static struct transport *
open_maildir(const char *dir, struct seen *seen)
{
	struct transport_options o = { .connections = 0,
	    .timeout_ms = 0, .done = record, .arg = seen };
	struct buf err = BUF_INIT;
	struct transport *t = transport_maildir(dir, &o, &err);

	ck_assert_msg(t != NULL, "%s", err.p);
	buf_release(&err);
	return t;
}

static void
assert_result(const struct seen *s, int i, enum transport_status st,
    const char *text)
{
	ck_assert_int_lt(i, s->n);
	ck_assert_int_eq(s->r[i].status, st);
	ck_assert_str_eq(s->r[i].text, text);
}

/* A fresh directory for one test; the caller frees the name. */
static char *
scratch(void)
{
	char tmpl[] = "/tmp/credpipe-unit.XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return strdup(tmpl);
}

static void
rm_rf(const char *path)
{
	struct buf cmd = BUF_INIT;

	buf_printf(&cmd, "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd.p), 0);
	buf_release(&cmd);
}

/* The names of the files in dir, sorted, one per line. */
static void
list_dir(const char *dir, struct buf *out)
{
	struct dirent **names;
	int i, n = scandir(dir, &names, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	buf_reset(out);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			buf_printf(out, "%s\n", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	buf_add(out, "", 0);
}

static void
read_all(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	buf_add(out, "", 0);
	fclose(f);
}

START_TEST(maildir_delivers)
{
	struct seen seen = { 0 };
	struct buf dir = BUF_INIT, names = BUF_INIT;
	struct buf path = BUF_INIT, got = BUF_INIT;
	char *top = scratch(), *name;
	struct transport *t;
	struct stat st;
	int i;

	buf_printf(&dir, "%s/Maildir", top);
	t = open_maildir(dir.p, &seen);
	submit(t, "Badges@Example.org", "ada@example.org", "Subject: 1\r\n"
	    "\r\none\r\n", 1);
	submit(t, "badges@example.org", "bob@example.org", "Subject: 2\r\n"
	    "\r\ntwo\r\n", 2);
	submit(t, "badges@example.org", "cy@example.org", "", 3);
	ck_assert_int_eq(seen.n, 0);
	ck_assert_uint_eq(transport_poll(t, 0), 0);
	ck_assert_int_eq(seen.n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(seen.r[i].data, i + 1);
		assert_result(&seen, i, TRANSPORT_SENT, "");
	}
	transport_free(t);

	buf_printf(&path, "%s/tmp", dir.p);
	list_dir(path.p, &names);
	ck_assert_str_eq(names.p, "");
	buf_reset(&path);
	buf_printf(&path, "%s/cur", dir.p);
	list_dir(path.p, &names);
	ck_assert_str_eq(names.p, "");
	buf_reset(&path);
	buf_printf(&path, "%s/new", dir.p);
	list_dir(path.p, &names);
	name = names.p;
	for (i = 0; i < 3; i++) {
		char *nl = strchr(name, '\n');
		long long sec;
		long usec, pid;
		unsigned long q;
		int end = 0;

		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_msg(sscanf(name, "%lld.M%ldP%ldQ%lu.%n", &sec, &usec,
		    &pid, &q, &end) == 4 && end > 0 && pid == getpid(),
		    "file name '%s'", name);
		buf_reset(&path);
		buf_printf(&path, "%s/new/%s", dir.p, name);
		ck_assert_int_eq(stat(path.p, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0600);
		read_all(path.p, &got);
		ck_assert_msg(strcmp(got.p, "Return-Path: <badges@example.org>"
		    "\r\nDelivered-To: ada@example.org\r\nSubject: 1\r\n\r\n"
		    "one\r\n") == 0 || strcmp(got.p, "Return-Path: "
		    "<badges@example.org>\r\nDelivered-To: bob@example.org\r\n"
		    "Subject: 2\r\n\r\ntwo\r\n") == 0 || strcmp(got.p,
		    "Return-Path: <badges@example.org>\r\nDelivered-To: "
		    "cy@example.org\r\n") == 0, "%s holds '%s'", name, got.p);
		name = nl + 1;
	}
	ck_assert_str_eq(name, "");
	rm_rf(top);
	free(top);
	buf_release(&dir);
	buf_release(&names);
	buf_release(&path);
	buf_release(&got);
}
END_TEST

START_TEST(envelope_refused)
{
	struct seen seen = { 0 };
	struct buf dir = BUF_INIT, names = BUF_INIT;
	char *top = scratch();
	struct transport *t = open_maildir(top, &seen);

	submit(t, "badges@example.org",
	    "ada@example.org\r\nRCPT TO:<evil@example.org>", "x", 1);
	submit(t, "badges@example.org", "ada@exam\nple.org", "x", 2);
	submit(t, "badges@example.org\r", "ada@example.org", "x", 3);
	submit(t, "badges@example.org", "", "x", 4);
	ck_assert_int_eq(seen.n, 0);
	ck_assert_uint_eq(transport_poll(t, 0), 0);
	ck_assert_int_eq(seen.n, 4);
	assert_result(&seen, 0, TRANSPORT_PERMFAIL,
	    "envelope recipient: more than one @ in email");
	assert_result(&seen, 1, TRANSPORT_PERMFAIL, "envelope recipient: "
	    "invalid character U+000A in email domain");
	assert_result(&seen, 2, TRANSPORT_PERMFAIL, "envelope sender: "
	    "invalid character U+000D in email domain");
	assert_result(&seen, 3, TRANSPORT_PERMFAIL,
	    "envelope recipient: missing email");
	transport_free(t);
	buf_printf(&dir, "%s/new", top);
	list_dir(dir.p, &names);
	ck_assert_str_eq(names.p, "");
	rm_rf(top);
	free(top);
	buf_release(&dir);
	buf_release(&names);
}
END_TEST

START_TEST(maildir_unavailable)
{
	struct seen seen = { 0 };
	struct buf path = BUF_INIT, want = BUF_INIT;
	char *top = scratch();
	struct transport *t = open_maildir(top, &seen);

	buf_printf(&path, "%s/tmp", top);
	ck_assert_int_eq(rmdir(path.p), 0);
	submit(t, "badges@example.org", "ada@example.org", "x", 1);
	submit(t, "badges@example.org", "bob@example.org", "x", 2);
	ck_assert_uint_eq(transport_poll(t, 0), 0);
	submit(t, "badges@example.org", "cy@example.org", "x", 3);
	ck_assert_uint_eq(transport_poll(t, 0), 0);
	ck_assert_int_eq(seen.n, 3);
	buf_printf(&want, "%s/tmp/", top);
	ck_assert_int_eq(seen.r[0].status, TRANSPORT_UNAVAILABLE);
	ck_assert_msg(strncmp(seen.r[0].text, want.p, want.len) == 0 &&
	    strstr(seen.r[0].text, ": No such file or directory"),
	    "text '%s'", seen.r[0].text);
	buf_reset(&want);
	buf_printf(&want, "not tried: %s", seen.r[0].text);
	assert_result(&seen, 1, TRANSPORT_UNAVAILABLE, want.p);
	assert_result(&seen, 2, TRANSPORT_UNAVAILABLE, want.p);
	transport_free(t);
	rm_rf(top);
	free(top);
	buf_release(&path);
	buf_release(&want);
}
END_TEST

START_TEST(maildir_cannot_create)
{
	struct seen seen = { 0 };
	struct transport_options o = { .connections = 0,
	    .timeout_ms = 0, .done = record, .arg = &seen };
	struct buf err = BUF_INIT, path = BUF_INIT, want = BUF_INIT;
	char *top = scratch();
	FILE *f;

	buf_printf(&path, "%s/no/such", top);
	ck_assert_ptr_null(transport_maildir(path.p, &o, &err));
	buf_printf(&want, "%s: No such file or directory", path.p);
	ck_assert_str_eq(err.p, want.p);

	buf_reset(&path);
	buf_printf(&path, "%s/tmp", top);
	ck_assert_ptr_nonnull(f = fopen(path.p, "w"));
	fclose(f);
	buf_reset(&err);
	ck_assert_ptr_null(transport_maildir(top, &o, &err));
	buf_reset(&want);
	buf_printf(&want, "%s: Not a directory", path.p);
	ck_assert_str_eq(err.p, want.p);
	rm_rf(top);
	free(top);
	buf_release(&err);
	buf_release(&path);
	buf_release(&want);
}
END_TEST

/* A port on which nothing listens: a port just bound and closed. */
static int
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* Undelivered messages go with the transport, without a callback. */
START_TEST(free_drops_pending)
{
	struct seen seen = { 0 };
	struct transport_options o = { .connections = 2,
	    .timeout_ms = 0, .done = record, .arg = &seen };
	struct buf err = BUF_INIT, url = BUF_INIT;
	struct transport *t;
	char *top = scratch();

	t = open_maildir(top, &seen);
	submit(t, "badges@example.org", "ada@example.org", "x", 1);
	submit(t, "badges@example.org", "ada@example.org\n", "x", 2);
	transport_free(t);
	buf_printf(&url, "smtp://127.0.0.1:%d", closed_port());
	t = transport_smtp(url.p, &o, &err);
	ck_assert_ptr_nonnull(t);
	submit(t, "badges@example.org", "ada@example.org", "x", 1);
	submit(t, "badges@example.org", "bob@example.org", "x", 2);
	transport_free(t);
	ck_assert_int_eq(seen.n, 0);
	rm_rf(top);
	free(top);
	buf_release(&err);
	buf_release(&url);
}
END_TEST

START_TEST(smtp_urls)
{
	static const struct {
		const char *url, *err;
	} cases[] = {
		{ "smtp://127.0.0.1:2525", NULL },
		{ "smtps://user:secret@mail.example.org/example.org", NULL },
		{ "SMTP://mail.example.org", NULL },
		{ "http://mail.example.org", "smtp url: not an smtp:// or "
		    "smtps:// URL with a host" },
		{ "smtp://", "smtp url: not an smtp:// or smtps:// URL with a "
		    "host" },
		{ "mail.example.org", "smtp url: not an smtp:// or smtps:// "
		    "URL with a host" },
		{ "", "smtp url: not an smtp:// or smtps:// URL with a host" },
		{ "smtp://user:secret@mail.example.org\r\nQUIT",
		    "smtp url: holds a space or a control character" },
		{ "smtp://mail.example.org /x",
		    "smtp url: holds a space or a control character" },
	};
	struct transport_options o = { .connections = 1,
	    .timeout_ms = 0, .done = record, .arg = NULL };
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct transport *t;

		buf_reset(&err);
		t = transport_smtp(cases[i].url, &o, &err);
		if (!cases[i].err) {
			ck_assert_msg(t != NULL, "'%s': %s", cases[i].url,
			    err.p);
			transport_free(t);
		} else {
			ck_assert_msg(t == NULL, "'%s' accepted", cases[i].url);
			ck_assert_str_eq(err.p, cases[i].err);
			ck_assert_ptr_null(strstr(err.p, "secret"));
		}
	}
	buf_release(&err);
}
END_TEST

START_TEST(smtp_unreachable)
{
	struct seen seen = { 0 };
	struct transport_options o = { .connections = 2,
	    .timeout_ms = 5000, .done = record, .arg = &seen };
	struct buf err = BUF_INIT, url = BUF_INIT;
	struct transport *t;
	int i;

	buf_printf(&url, "smtp://127.0.0.1:%d", closed_port());
	t = transport_smtp(url.p, &o, &err);
	ck_assert_msg(t != NULL, "%s", err.p);
	for (i = 1; i <= 5; i++)
		submit(t, "badges@example.org", "ada@example.org", "x", i);
	transport_flush(t);
	ck_assert_uint_eq(transport_poll(t, 0), 0);
	ck_assert_int_eq(seen.n, 5);
	/* Two connections try the first two messages at most; once one
	 * has failed, the others are not tried. */
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(seen.r[i].status, TRANSPORT_UNAVAILABLE);
		ck_assert_msg(strstr(seen.r[i].text, "onnect"), "text '%s'",
		    seen.r[i].text);
		if (seen.r[i].data > 2)
			ck_assert_msg(strncmp(seen.r[i].text, "not tried: ",
			    11) == 0, "%ld: '%s'", seen.r[i].data,
			    seen.r[i].text);
	}
	transport_free(t);
	buf_release(&err);
	buf_release(&url);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("transport");
	TCase *tc = tcase_create("transport");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, maildir_delivers);
	tcase_add_test(tc, envelope_refused);
	tcase_add_test(tc, maildir_unavailable);
	tcase_add_test(tc, maildir_cannot_create);
	tcase_add_test(tc, free_drops_pending);
	tcase_add_test(tc, smtp_urls);
	tcase_add_test(tc, smtp_unreachable);
	suite_add_tcase(s, tc);
	return s;
}
