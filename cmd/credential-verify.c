/*
 * credential-verify: check credentials and print one verdict a line.
 *
 * Anyone who holds a credential can check it without us: its issuer is a
 * did:key, so the public key is in the credential itself.  This command
 * does what any eddsa-rdfc-2022 verifier does, for credentials of the
 * shape credpipe issues (lib/credential.h): it reads the JSON strictly,
 * recomputes the canonical form from exactly what it read, and checks the
 * signature with the issuer's key; then it checks the validity period.
 *
 *	OK <id> <issuer did> <recipient name>
 *	FAIL <id or -> <reason>
 *
 * A file that is not a credential at all is a FAIL line too: the question
 * asked was "is this a good credential?", and the answer is no.  Only a
 * file that cannot be opened or read has no verdict; it is named on
 * standard error and the others are still checked.
 *
 * With a directory of published status lists (-s), a credential whose
 * entry in its status list is set fails as revoked, as it would for a
 * verifier that fetched the list; one whose list is missing there, or is
 * not to be trusted, fails with the reason (lib/status.h).  With a
 * database (-d, or $CREDPIPE_DB), a credential that database issued and
 * has since revoked or superseded fails too, with the date and the
 * credential that replaced it.
 */
#include <err.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "credential.h"
#include "exitcodes.h"
#include "issue.h"
#include "json.h"
#include "multibase.h"
#include "status.h"
#include "store.h"
#include "utf8.h"
#include "util.h"

struct run {
	struct buf out;		/* the verdicts, written as they come */
	int failed;		/* some credential failed */
	int unreadable;		/* EXIT_NOINPUT or EXIT_IOERR, or 0 */
	time_t now;
	struct store *db;	/* with -d: the issuer's database */
	struct status_dir *lists;	/* with -s: published status lists */
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: credential-verify [-d db] [-s dir] [file ... | -]\n");
	exit(status);
}

/*
 * Append text for a verdict line: valid UTF-8 as it is, but backslash,
 * TAB, LF and CR as \\ \t \n \r and every other control character as
 * \u00XX, so that a line stays one line and a terminal shows what a
 * hostile credential holds instead of obeying it.
 */
static void
put_text(struct buf *b, const char *s)
{
	while (*s) {
		const char *start = s;
		unsigned long c = utf8_next(&s);

		switch (c) {
		case '\\': buf_adds(b, "\\\\"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		default:
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
				buf_printf(b, "\\u%04lX", c);
			else
				buf_add(b, start, (size_t)(s - start));
		}
	}
}

static void
verdict_fail(struct run *r, const char *id, const char *why)
{
	buf_adds(&r->out, "FAIL ");
	buf_adds(&r->out, id ? id : "-");
	buf_addc(&r->out, ' ');
	put_text(&r->out, why);
	buf_addc(&r->out, '\n');
	r->failed = 1;
}

/*
 * Hold the credential to the database: its issuer key must be, or have
 * been, a key of one of its organizations (whose slug goes to org); a
 * credential the database knows by its id must be that one (the same
 * organization, recipient and badge) and not revoked or superseded.  One
 * whose id it does not know passes on its proof and its issuer alone.
 */
static int
check_db(struct store *db, const struct credential *c, char org[72],
    char why[CREDENTIAL_WHY_MAX])
{
	char when[ISO_TIME_MAX], hash[CREDENTIAL_HASH_MAX], iri[64];
	struct store_org o;
	struct store_cred sc;
	long long org_id;
	int rc = 0;

	if (store_key_owner(db, c->issuer_pk, &org_id) != 0 ||
	    store_org_get_id(db, org_id, &o) != 0) {
		snprintf(why, CREDENTIAL_WHY_MAX, "unknown issuer key: no "
		    "organization of this database signs with it");
		return -1;
	}
	snprintf(org, 72, "%s", o.slug);
	if (store_cred_get(db, 0, c->id, &sc) != 0) {
		store_org_release(&o);
		return 0;
	}
	credential_identity_hash(sc.email, c->salt, hash);
	issue_badge_iri(o.slug, sc.badge_slug, iri);
	if (sc.org_id != org_id || strcmp(hash, c->identity_hash) != 0 ||
	    strcmp(iri, c->achievement_id) != 0) {
		snprintf(why, CREDENTIAL_WHY_MAX, "not the credential issued "
		    "under this id");
		rc = -1;
	} else if (sc.revoked) {
		iso_time(sc.revoked, when);
		if (strcmp(store_cred_state(&sc, 0), "superseded") == 0)
			snprintf(why, CREDENTIAL_WHY_MAX, "superseded %s by %s",
			    when, sc.superseded_by);
		else
			snprintf(why, CREDENTIAL_WHY_MAX, "revoked %s: %.80s",
			    when, sc.revoke_reason);
		rc = -1;
	}
	store_cred_release(&sc);
	store_org_release(&o);
	return rc;
}

/*
 * Judge one credential text.  Return 0 when it passes; else fill why.
 * c->id is set once the id has been read.
 */
static int
judge(struct run *r, const char *text, size_t n, struct credential *c,
    struct json **doc, char org[72], char why[STATUS_WHY_MAX])
{
	char jwhy[JSON_WHY_MAX], when[CREDENTIAL_TIME_MAX];

	memset(c, 0, sizeof *c);
	if (n == 0) {
		snprintf(why, CREDENTIAL_WHY_MAX, "empty input");
		return -1;
	}
	if (n > CREDENTIAL_JSON_MAX) {
		snprintf(why, CREDENTIAL_WHY_MAX, "larger than %d bytes",
		    CREDENTIAL_JSON_MAX);
		return -1;
	}
	if (!(*doc = json_parse(text, n, jwhy))) {
		snprintf(why, CREDENTIAL_WHY_MAX, "not JSON: %s", jwhy);
		return -1;
	}
	if (credential_parse(c, *doc, why) != 0 ||
	    credential_verify(c, why) != 0)
		return -1;
	if (c->valid_from > r->now) {
		credential_format_time(c->valid_from, when);
		snprintf(why, CREDENTIAL_WHY_MAX, "not valid before %s", when);
		return -1;
	}
	if (c->valid_until && c->valid_until < r->now) {
		credential_format_time(c->valid_until, when);
		snprintf(why, CREDENTIAL_WHY_MAX, "expired %s", when);
		return -1;
	}
	if (r->lists && status_check(r->lists, c, why) != STATUS_GOOD)
		return -1;
	return r->db ? check_db(r->db, c, org, why) : 0;
}

static void
verify_text(struct run *r, const char *text, size_t n)
{
	char why[STATUS_WHY_MAX], did[DIDKEY_MAX], org[72] = "";
	struct json *doc = NULL;
	struct credential c;

	if (judge(r, text, n, &c, &doc, org, why) != 0) {
		verdict_fail(r, c.id, why);
	} else {
		didkey_from_ed25519(c.issuer_pk, did);
		buf_printf(&r->out, "OK %s %s ", c.id, did);
		if (org[0])
			buf_printf(&r->out, "%s ", org);
		put_text(&r->out, c.recipient_name);
		buf_addc(&r->out, '\n');
	}
	json_free(doc);
}

/* Read all of f, or up to one byte past the size limit, into b. */
static int
slurp(FILE *f, struct buf *b)
{
	size_t n;

	do {
		buf_grow(b, 65536);
		n = fread(b->p + b->len, 1, 65536, f);
		b->len += n;
	} while (n > 0 && b->len <= CREDENTIAL_JSON_MAX);
	return ferror(f) ? -1 : 0;
}

/* Remember that an input had no verdict; an I/O error outranks a file
 * that could not be opened. */
static void
unreadable(struct run *r, int code)
{
	if (code > r->unreadable)
		r->unreadable = code;
}

static void
verify_file(struct run *r, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct buf text = BUF_INIT;
	struct stat st;
	FILE *f = stdin;

	if (strcmp(path, "-") != 0) {
		if (!(f = fopen(path, "rb"))) {
			warn("%s", path);
			unreadable(r, EXIT_NOINPUT);
			return;
		}
		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			warnx("%s: is a directory", path);
			fclose(f);
			unreadable(r, EXIT_NOINPUT);
			return;
		}
	}
	if (slurp(f, &text) != 0) {
		warn("%s", name);
		unreadable(r, EXIT_IOERR);
	} else {
		verify_text(r, text.p ? text.p : "", text.len);
	}
	if (f != stdin)
		fclose(f);
	buf_release(&text);
	if (r->out.len && fwrite(r->out.p, 1, r->out.len, stdout) !=
	    r->out.len)
		err(EXIT_IOERR, "stdout");
	buf_reset(&r->out);
}

int
main(int argc, char *argv[])
{
	struct run r = { BUF_INIT, 0, 0, 0, NULL, NULL };
	const char *db = getenv("CREDPIPE_DB"), *lists = NULL;
	int c, i;

	cmd_begin(argv);
	while ((c = getopt(argc, argv, "d:hs:V")) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case 's':
			lists = optarg;
			break;
		case 'V':
			print_version();
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (sodium_init() < 0)
		errx(EXIT_TEMPFAIL, "cannot initialise libsodium");
	r.now = time(NULL);
	if (db && *db)
		r.db = store_open(db, 0);
	if (lists && !(r.lists = status_dir_open(lists)))
		err(EXIT_NOINPUT, "%s", lists);

	if (argc == 0)
		verify_file(&r, "-");
	for (i = 0; i < argc; i++)
		verify_file(&r, argv[i]);
	close_stdout();
	buf_release(&r.out);
	store_close(r.db);
	status_dir_free(r.lists);
	if (r.unreadable)
		return r.unreadable;
	return r.failed ? EXIT_NO : 0;
}
