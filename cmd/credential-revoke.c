/*
 * credential-revoke: revoke credentials of the member's organization, one
 * or ten thousand at a time (man/credential-revoke.1).
 *
 * The ids come from the arguments or, with none, from standard input, one
 * a line, the first TAB-separated field of each: credential-list's output
 * pipes in as it is.  The ids are all read before the write transaction
 * begins: the command that writes them may itself need to write (a key's
 * last use), and must not wait for this one.  Then all or nothing: the
 * first id that is not the organization's, or is revoked already (unless
 * -f), refuses the whole batch, naming its line.  Every revocation is
 * audited with the member who made it.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "exitcodes.h"
#include "names.h"
#include "record.h"
#include "store.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: credential-revoke [-f] [-r reason] [-d db] [-k keyfile] "
	    "[id ...]\n");
	exit(status);
}

struct batch {
	struct store *s;
	const struct auth_who *who;
	const char *reason;
	int force;
	unsigned long revoked, skipped;
	struct buf ids;		/* what is printed once committed */
	struct buf detail;
};

/* Revoke one id, where names it in a refusal ("stdin:3" or "argument
 * 2"); a refusal ends the program, and the transaction with it. */
static void
revoke_one(struct batch *b, const char *where, const char *id)
{
	struct store_cred c;

	if (store_cred_get(b->s, b->who->org.id, id, &c) != 0)
		errx(EXIT_DATAERR, "%s: no such credential: %.60s; nothing was "
		    "revoked", where, id);
	if (c.revoked) {
		if (!b->force)
			errx(EXIT_DATAERR, "%s: %s is revoked already; nothing "
			    "was revoked (-f skips those)", where, c.id);
		b->skipped++;
		store_cred_release(&c);
		return;
	}
	if (store_cred_revoke(b->s, b->who->org.id, c.id, b->reason) != 0)
		errx(EXIT_DATAERR, "%s: %s is listed twice; nothing was "
		    "revoked", where, c.id);
	buf_reset(&b->detail);
	buf_printf(&b->detail, "id=%s badge=%s reason=%s", c.id, c.badge_slug,
	    b->reason);
	store_audit_by(b->s, b->who->member_email, b->who->org.id,
	    "credential revoke", b->detail.p);
	buf_adds(&b->ids, c.id);
	buf_addc(&b->ids, '\n');
	b->revoked++;
	store_cred_release(&c);
}

/* The ids of standard input: the first field of each line, each ending
 * in NUL in ids, with its line number in lines; blank lines are passed
 * over.  Return how many. */
static size_t
read_ids(struct buf *ids, unsigned long **lines)
{
	struct record_reader rr;
	size_t len, n = 0, cap = 0;
	int rc;

	record_reader_init(&rr, stdin, "stdin");
	while ((rc = record_read_line(&rr, &len)) != 0) {
		char *line = rr.line_p;

		if (rc == -2)
			errx(EXIT_DATAERR, "stdin:%lu: a line longer than %d "
			    "bytes; nothing was revoked", rr.line,
			    RECORD_LINE_MAX);
		if (rc < 0)
			errx(rr.code, "%s; nothing was revoked", rr.err);
		if (memchr(line, '\0', len))
			errx(EXIT_DATAERR, "stdin:%lu: a NUL byte; nothing was "
			    "revoked", rr.line);
		if (memchr(line, '\r', len))
			errx(EXIT_DATAERR, "stdin:%lu: a carriage return (CRLF "
			    "line ends?); nothing was revoked", rr.line);
		line[strcspn(line, "\t")] = '\0';
		if (line[strspn(line, " ")] == '\0')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			*lines = xrealloc(*lines, cap * sizeof **lines);
		}
		(*lines)[n++] = rr.line;
		buf_add(ids, line, strlen(line) + 1);
	}
	record_reader_release(&rr);
	return n;
}

int
main(int argc, char *argv[])
{
	const char *db_opt = NULL, *keyfile = NULL;
	struct batch b = { 0 };
	struct buf input = BUF_INIT;
	unsigned long *lines = NULL;
	struct auth_who who;
	const char *id;
	char *key, where[40];
	size_t j, n = 0;
	int c, i;

	cmd_begin(argv);
	b.reason = "revoked by the organization";
	while ((c = getopt(argc, argv, "d:fhk:r:V")) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'f': b.force = 1; break;
		case 'h': usage(0); break;
		case 'k': keyfile = optarg; break;
		case 'r': b.reason = optarg; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	if (names_check_line(b.reason))
		errx(EXIT_USAGE, "-r: a reason is one line of 1 to 256 "
		    "characters of UTF-8, without control characters");

	b.s = store_open(config_db(db_opt), 0);
	key = config_api_key(keyfile);
	/* The key is looked at before a byte of the input is read. */
	auth_member(b.s, key, ROLE_ADMIN, NULL, &who, NULL);
	auth_who_release(&who);
	if (optind == argc)
		n = read_ids(&input, &lines);

	store_begin(b.s);
	auth_member(b.s, key, ROLE_ADMIN, NULL, &who, NULL);
	free(key);
	b.who = &who;
	for (j = 0, id = input.p; j < n; j++, id += strlen(id) + 1) {
		snprintf(where, sizeof where, "stdin:%lu", lines[j]);
		revoke_one(&b, where, id);
	}
	for (i = optind; i < argc; i++) {
		snprintf(where, sizeof where, "argument %d", i - optind + 1);
		revoke_one(&b, where, argv[i]);
	}
	store_commit(b.s);
	/* Only now are they revoked. */
	if (b.ids.len && fwrite(b.ids.p, 1, b.ids.len, stdout) != b.ids.len)
		err(EXIT_IOERR, "stdout");
	close_stdout();
	if (b.skipped)
		warnx("%lu revoked; %lu revoked already, passed over (-f); the "
		    "next status publish makes them public", b.revoked,
		    b.skipped);
	else
		warnx("%lu revoked; the next status publish makes %s public",
		    b.revoked, b.revoked == 1 ? "it" : "them");
	buf_release(&b.ids);
	buf_release(&b.detail);
	buf_release(&input);
	free(lines);
	auth_who_release(&who);
	store_close(b.s);
	return 0;
}
