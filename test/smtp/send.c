/*
 * send: the test driver of lib/mime and lib/transport, as a worker would
 * drive them (not an installed command).
 *
 *	send [-R] [-a file] [-b template] [-C cafile] [-c connections]
 *	     [-f from] [-F name] [-s template] [-t ms] (-M dir | -u url)
 *
 * Reads a record stream (lib/record.h) on stdin; for each record builds
 * the credential email to EMAIL and NAME with mime_build, the subject and
 * body from their templates (badge "Python 101", org the -F name,
 * credential id urn:uuid:00000000-0000-4000-8000-ROW, valid until
 * 2030-01-01), and hands it to the transport.  The attachment is the
 * bytes of -a file, or a small JSON document naming the credential.
 * With -R the envelope recipient is EMAIL as it stands and the To header
 * a fixed address, to try the transport's own checks.
 *
 * Writes one line per message on stdout as it completes:
 *
 *	ROW <TAB> STATUS <TAB> CODE <TAB> TEXT
 *
 * STATUS is sent, temporary, permanent, unavailable, or refused (by
 * mime_build).  Totals, the rate and the CPU time the driver used
 * (building and sending) go to stderr.  Exit 0 when every
 * message was sent, 69 when the transport was unavailable, 1 otherwise.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "mime.h"
#include "record.h"
#include "transport.h"
#include "util.h"

static const char *const names[] = {
	"sent", "temporary", "permanent", "unavailable"
};

struct run {
	unsigned long count[5];		/* per status; [4] refused */
};

static void
usage(void)
{
	fprintf(stderr, "usage: send [-R] [-a file] [-b template] [-C cafile] "
	    "[-c connections]\n"
	    "            [-f from] [-F name] [-s template] [-t ms] "
	    "(-M dir | -u url)\n");
	exit(EXIT_USAGE);
}

static void
done(const struct transport_result *r, void *arg)
{
	struct run *run = arg;

	run->count[r->status]++;
	printf("%lu\t%s\t%d\t%s\n", (unsigned long)(uintptr_t)r->data,
	    names[r->status], r->code, r->text);
}

static void
read_file(const char *path, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f;

	if (!(f = fopen(path, "rb")))
		err(EXIT_NOINPUT, "%s", path);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(b, chunk, n);
	if (ferror(f))
		err(EXIT_IOERR, "%s", path);
	fclose(f);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User and system CPU seconds of the whole process. */
static double
cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int
main(int argc, char *argv[])
{
	const char *subject = "Your badge {{badge}}, {{name}}";
	const char *body = "Hello {{name}},\n\n{{org}} awards you the badge "
	    "{{badge}}, valid until {{valid_until}}.\nYour credential "
	    "{{credential_id}} is attached.\n";
	const char *from = "badges@example.org", *org = "Example Academy";
	const char *maildir = NULL, *url = NULL, *attach = NULL;
	struct transport_options o = { 1, 0, done, NULL, 0, NULL };
	struct buf att = BUF_INIT, subj = BUF_INIT, text = BUF_INIT;
	struct buf msg = BUF_INIT, id = BUF_INIT, e = BUF_INIT;
	struct record_reader rr;
	struct record rec;
	struct run run = { { 0 } };
	struct transport *t;
	unsigned long c_opt, total = 0;
	size_t pending;
	double t0, elapsed;
	int c, raw = 0, rc;

	while ((c = getopt(argc, argv, "C:F:M:Ra:b:c:f:s:t:u:")) != -1) {
		switch (c) {
		case 'C':
			o.ca_file = optarg;
			break;
		case 'F':
			org = optarg;
			break;
		case 'M':
			maildir = optarg;
			break;
		case 'R':
			raw = 1;
			break;
		case 'a':
			attach = optarg;
			break;
		case 'b':
			body = optarg;
			break;
		case 'c':
			if (parse_ulong(optarg, 1, 64, &c_opt) != 0)
				usage();
			o.connections = (unsigned)c_opt;
			break;
		case 'f':
			from = optarg;
			break;
		case 's':
			subject = optarg;
			break;
		case 't':
			if (parse_ulong(optarg, 1, 3600000, &c_opt) != 0)
				usage();
			o.timeout_ms = (long)c_opt;
			break;
		case 'u':
			url = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !maildir == !url)
		usage();
	if (attach)
		read_file(attach, &att);
	o.arg = &run;
	t = url ? transport_smtp(url, &o, &e) : transport_maildir(maildir, &o,
	    &e);
	if (!t)
		errx(url ? EXIT_CONFIG : EXIT_CANTCREAT, "%s", e.p);

	t0 = now();
	record_reader_init(&rr, stdin, "stdin");
	while ((rc = record_read(&rr, &rec)) == 1) {
		char why[MIME_WHY_MAX];
		struct mime_vars v = { rec.name, "Python 101", org, NULL,
			"2030-01-01", NULL, NULL, NULL };
		struct mime_message m = { from, org, raw ?
			"recipient@example.org" : rec.email, rec.name, NULL,
			NULL, 0, NULL, 0, NULL, 1700000000, NULL, NULL, 0, NULL,
			0, NULL, NULL };

		total++;
		buf_reset(&id);
		buf_printf(&id, "urn:uuid:00000000-0000-4000-8000-%012lu",
		    rec.row);
		v.credential_id = m.credential_id = id.p;
		if (!attach) {
			buf_reset(&att);
			buf_printf(&att, "{\"id\":\"%s\"}\n", id.p);
		}
		m.attachment = att.p;
		m.attachment_len = att.len;
		buf_reset(&subj);
		buf_reset(&text);
		if (mime_expand(&subj, subject, &v, why) != 0 ||
		    mime_expand(&text, body, &v, why) != 0)
			errx(EXIT_USAGE, "%s", why);
		m.subject = subj.p;
		m.body = text.p;
		m.body_len = text.len;
		if (mime_build(&msg, &m, why) != 0) {
			run.count[4]++;
			printf("%lu\trefused\t0\t%s\n", rec.row, why);
			continue;
		}
		transport_submit(t, from, rec.email, &msg,
		    (void *)(uintptr_t)rec.row);
		pending = transport_poll(t, 0);
		while (pending >= 64 * (o.connections ? o.connections : 1))
			pending = transport_poll(t, 100);
	}
	if (rc < 0)
		errx(rr.code, "%s", rr.err);
	transport_flush(t);
	elapsed = now() - t0;
	fprintf(stderr, "send: %lu messages in %.3f s (%.0f/s), cpu %.3f s: "
	    "%lu sent, %lu temporary, %lu permanent, %lu unavailable, "
	    "%lu refused\n", total, elapsed, total / (elapsed + 1e-9), cpu(),
	    run.count[0], run.count[1], run.count[2], run.count[3],
	    run.count[4]);
	transport_free(t);
	record_reader_release(&rr);
	buf_release(&att);
	buf_release(&subj);
	buf_release(&text);
	buf_release(&msg);
	buf_release(&id);
	buf_release(&e);
	close_stdout();
	if (run.count[3])
		return EXIT_UNAVAILABLE;
	return run.count[0] == total ? 0 : EXIT_NO;
}
