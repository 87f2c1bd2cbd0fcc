/*
 * credential-list: the credentials an organization has issued, for its
 * members (man/credential-list.1).
 *
 * One record a line in the conventions of credpipe-records(5): id,
 * badge, email, name, issued, expires, state, revoked, reason.  The rows
 * come from the database one at a time and go out through stdio, so
 * memory stays the same whatever their number.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "email.h"
#include "exitcodes.h"
#include "names.h"
#include "record.h"
#include "store.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: credential-list [-r] [-b badge] [-e email] [-s state] "
	    "[-S since] [-U until] [-d db] [-k keyfile]\n");
	exit(status);
}

/* A day ("2026-03-01", its midnight UTC) or a time as ISO 8601 UTC. */
static long long
parse_when(int opt, const char *s)
{
	char full[ISO_TIME_MAX + 1];
	long long t;

	if (strlen(s) == 10) {
		snprintf(full, sizeof full, "%sT00:00:00Z", s);
		s = full;
	}
	if (parse_iso_time(s, &t) != 0)
		errx(EXIT_USAGE, "-%c '%s': a day as 2026-03-01 or a time as "
		    "2026-03-01T09:00:00Z", opt, s);
	return t;
}

/* The lines to print, written out FLUSH_AT bytes at a time. */
static struct buf out = BUF_INIT;
#define FLUSH_AT 65536

static void
flush(void)
{
	if (out.len && fwrite(out.p, 1, out.len, stdout) != out.len)
		err(EXIT_IOERR, "stdout");
	buf_reset(&out);
}

static void
print_cred(const struct store_cred *c, void *arg)
{
	struct store_cred_filter *f = arg;
	char i[ISO_TIME_MAX], e[ISO_TIME_MAX], r[ISO_TIME_MAX];

	iso_time(c->issued, i);
	if (c->expires)
		iso_time(c->expires, e);
	if (c->revoked)
		iso_time(c->revoked, r);
	buf_adds(&out, c->id);
	buf_addc(&out, '\t');
	record_escape(&out, c->badge_slug);
	buf_addc(&out, '\t');
	record_escape(&out, c->email);
	buf_addc(&out, '\t');
	record_escape(&out, c->name);
	buf_addc(&out, '\t');
	buf_adds(&out, i);
	buf_addc(&out, '\t');
	buf_adds(&out, c->expires ? e : "-");
	buf_addc(&out, '\t');
	buf_adds(&out, store_cred_state(c, f->now));
	buf_addc(&out, '\t');
	buf_adds(&out, c->revoked ? r : "-");
	buf_addc(&out, '\t');
	record_escape(&out, c->revoke_reason);
	buf_addc(&out, '\n');
	if (out.len >= FLUSH_AT)
		flush();
}

int
main(int argc, char *argv[])
{
	static const char *const states[] = { "active", "expired", "revoked",
	    "superseded" };
	const char *db_opt = NULL, *keyfile = NULL, *badge = NULL;
	struct store_cred_filter f = { 0 };
	char why[EMAIL_WHY_MAX], *key, *email = NULL;
	struct store_badge b;
	struct auth_who who;
	struct store *s;
	size_t i;
	int c;

	cmd_begin(argv);
	while ((c = getopt(argc, argv, "b:d:e:hk:rS:s:U:V")) != -1) {
		switch (c) {
		case 'b': badge = optarg; break;
		case 'd': db_opt = optarg; break;
		case 'e':
			free(email);
			if (!(email = names_email(optarg, why)))
				errx(EXIT_USAGE, "-e '%s': %s", optarg, why);
			break;
		case 'h': usage(0); break;
		case 'k': keyfile = optarg; break;
		case 'r': f.oldest = 1; break;
		case 'S': f.since = parse_when('S', optarg); break;
		case 's':
			for (i = 0; i < sizeof states / sizeof *states &&
			    strcmp(optarg, states[i]) != 0; i++)
				;
			if (i == sizeof states / sizeof *states)
				errx(EXIT_USAGE, "-s '%s': a state is active, "
				    "expired, revoked or superseded", optarg);
			f.state = states[i];
			break;
		case 'U': f.until = parse_when('U', optarg); break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(EXIT_USAGE);

	s = store_open(config_db(db_opt), 0);
	key = config_api_key(keyfile);
	auth_member(s, key, ROLE_VIEWER, badge, &who, &b);
	free(key);
	f.org_id = who.org.id;
	f.badge_id = badge ? b.id : 0;
	f.email = email;
	f.now = store_now(s);
	store_begin_read(s);
	store_cred_query(s, &f, print_cred, &f);
	flush();
	store_commit(s);
	close_stdout();
	if (badge)
		store_badge_release(&b);
	auth_who_release(&who);
	store_close(s);
	free(email);
	return 0;
}
