/*
 * recipient-check: classify the records of a roster against the
 * credentials the organization has issued and its monthly quota.
 *
 * The review step of the pipeline (man/recipient-check.1): it reads what
 * csv-validate wrote, writes the same records with each status replaced by
 * its class and DETAIL naming the credential it was decided by, and prints
 * the totals a review screen would show.  It only reads the database, and
 * works on every plan.  The whole stream is read first, so a stream
 * refused part way writes nothing, and its recipients are looked up in
 * the database at once.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "classify.h"
#include "config.h"
#include "exitcodes.h"
#include "record.h"
#include "store.h"
#include "util.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: recipient-check -b badge [-q] [-d db] [-k keyfile]\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	const char *badge = NULL, *db_opt = NULL, *keyfile = NULL;
	const struct classify_totals *t;
	struct classify_result res;
	struct record_list l = RECORD_LIST_INIT;
	struct record_reader rr;
	struct store_badge b;
	struct auth_who who;
	struct buf out = BUF_INIT;
	struct classify *c;
	struct store *s;
	char *key;
	size_t i;
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
	auth_member(s, key, ROLE_ISSUER, badge, &who, &b);
	free(key);

	record_reader_init(&rr, stdin, "stdin");
	if (record_read_all(&rr, &l) < 0)
		errx(rr.code, "%s", rr.err);

	store_begin_read(s);
	c = classify_new(s, &who.org, b.id, store_now(s));
	classify_lookup(c, l.rec, l.n);
	for (i = 0; i < l.n; i++) {
		struct record rec = l.rec[i];

		classify_one(c, &rec, &res);
		rec.status = res.status;
		rec.detail = res.detail;
		record_format(&out, &rec);
	}
	store_commit(s);
	if (out.len && fwrite(out.p, 1, out.len, stdout) != out.len)
		err(EXIT_IOERR, "stdout");
	close_stdout();

	t = classify_totals(c);
	if (!quiet) {
		fprintf(stderr, "recipient-check: %s: %lu row%s: %lu issuable "
		    "(%lu renewal%s), %lu skipped, %lu invalid\n", b.slug,
		    t->rows, t->rows == 1 ? "" : "s", t->issuable,
		    t->renewals, t->renewals == 1 ? "" : "s", t->skipped,
		    t->invalid);
		fprintf(stderr, "recipient-check: quota %s: %lld of %lld "
		    "used with these rows (%lld new)\n", t->month, t->used,
		    t->quota, t->cost);
	}
	classify_free(c);
	record_reader_release(&rr);
	record_list_release(&l);
	store_badge_release(&b);
	auth_who_release(&who);
	store_close(s);
	buf_release(&out);
	return 0;
}
