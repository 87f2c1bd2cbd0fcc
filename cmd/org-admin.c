/*
 * org-admin: the operator's tool.  It creates the database and the master
 * key, manages organizations, their signing keys, badges, members, API
 * keys and credentials (man/org-admin.1), and publishes their
 * status lists (lib/status.h).
 *
 * It takes no API key: whoever can write the database and read the master
 * key is the operator.  Every change is one transaction that also writes
 * the audit log, so a refused command changes nothing.  Lists go to stdout
 * TAB-separated, one object a line; messages go to stderr.
 */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "credential.h"
#include "email.h"
#include "exitcodes.h"
#include "files.h"
#include "image.h"
#include "mime.h"
#include "multibase.h"
#include "names.h"
#include "record.h"
#include "sign.h"
#include "sshkey.h"
#include "status.h"
#include "store.h"
#include "util.h"

static const char *db_path;
static const char *key_opt;
static struct store *db;

static const char default_subject[] = "Your {{badge}} credential from {{org}}";
/*
 * One line a paragraph, so that the HTML version (lib/mime.h) breaks
 * lines where the reader's screen ends; mail programs wrap the text.
 */
static const char default_body[] =
    "Hello {{name}},\n"
    "\n"
    "{{org}} has awarded you {{badge}}.\n"
    "\n"
    "The file attached to this message, {{file}}, is your credential: a "
    "digital credential signed by {{org}}, in the Open Badges 3.0 format. "
    "It shows that the award is yours, and nobody can change it unseen.\n"
    "\n"
    "What you can do with it:\n"
    "\n"
    "- Keep the file, as you would keep a certificate.\n"
    "\n"
    "- Add it to a digital wallet that reads Open Badges 3.0, to keep it "
    "with your other credentials and share it from there.\n"
    "{{#wallet}}\n"
    "  {{org}} recommends this wallet: {{wallet}}\n"
    "{{/wallet}}\n"
    "\n"
    "- Have it checked by a verifier: anyone you give the file to can "
    "check, even offline, that {{org}} issued it to you.\n"
    "{{#verifier}}\n"
    "  {{org}} recommends this verifier: {{verifier}}\n"
    "{{/verifier}}\n"
    "\n"
    "Credential: {{credential_id}}\n"
    "Valid until: {{valid_until}}\n";

/*
 * The commands: a noun ("org"), the verbs it takes ("create"), and under
 * member a verb that is a noun again ("sshkey").  A command that runs
 * takes the options of opts, in getopt's terms (NULL: none, so that an
 * operand may begin with '-'), then min to max operands, which fn gets
 * NULL-terminated; the options reach it, in their order, through
 * next_opt.  The usage, the usage of one command, the words a noun takes
 * and the dispatch all read this one tree (the tables after the
 * commands), so they cannot disagree.
 */
struct cmd {
	const char *name;		/* the word */
	const char *opts;		/* getopt's options, or NULL */
	int min, max;			/* how many operands */
	void (*fn)(char **argv);	/* NULL when sub */
	const char *args;		/* its usage line after the words */
	int master;			/* reads the master key: -k */
	const struct cmd *sub;		/* the words that may follow, ending
					 * in a NULL name; or NULL */
};

/* The words of the command asked for, for messages: "org" and "create". */
static const char *noun, *verb;

static void usage_of(void) __attribute__((noreturn));

/* The options the command that runs was given, in their order. */
static struct opt {
	int c;
	char *arg;		/* its value; NULL for a flag */
} *opts;
static size_t nopts, optnext;

/* The next option the command was given, with its value in *arg; 0
 * after the last. */
static int
next_opt(char **arg)
{
	if (optnext == nopts)
		return 0;
	*arg = opts[optnext].arg;
	return opts[optnext++].c;
}

/* Refuse bad input: nothing has changed yet, or the transaction that
 * holds the change is rolled back as the program ends. */
static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	exit(EXIT_DATAERR);
}

static struct store *
open_db(void)
{
	if (!db)
		db = store_open(db_path, 0);
	return db;
}

static void
check_slug(const char *what, const char *s)
{
	const char *why = names_check_slug(s);

	if (why)
		bad("%s '%s': %s", what, s, why);
}

/* A name shown to people: one line of UTF-8, 1 to 256 characters. */
static void
check_name(const char *what, const char *s)
{
	const char *why = names_check_line(s);

	if (why)
		bad("%s %s", what, why);
}

/* A mail template: only the placeholders the worker fills in, each
 * closed; a typo must not reach thousands of recipients. */
static void
check_template(const char *what, const char *s)
{
	static const struct mime_vars none;
	char why[MIME_WHY_MAX];
	struct buf out = BUF_INIT;

	if (mime_expand(&out, s, &none, why) != 0)
		bad("%s: %s", what, why);
	buf_release(&out);
}

static long long
parse_count(const char *what, const char *s)
{
	unsigned long v;

	if (parse_ulong(s, 0, 1000000000, &v) != 0)
		bad("%s '%s' is not a number from 0 up", what, s);
	return (long long)v;
}

/* The organization named slug, or refuse. */
static void
get_org(const char *slug, struct store_org *o)
{
	if (store_org_get(open_db(), slug, o) != 0)
		bad("no organization '%s'", slug);
}

static void
get_badge(const struct store_org *o, const char *slug, struct store_badge *b)
{
	if (store_badge_get(db, o->id, slug, b) != 0)
		bad("organization %s has no badge '%s'", o->slug, slug);
}

/*
 * The address of a member or sender, checked and lowercased.  It lives
 * until the next call: held here, it is not lost when a refusal ends the
 * program after it.
 */
static const char *
get_email(const char *s)
{
	static char *e;
	char why[EMAIL_WHY_MAX];

	free(e);
	if (!(e = names_email(s, why)))
		bad("'%s': %s", s, why);
	return e;
}

/* A text of several lines: UTF-8 without control characters but LF. */
static void
check_lines(const char *what, const char *s)
{
	const char *why = names_check_lines(s);

	if (why)
		bad("%s %s", what, why);
}

/* Where an image may come from: a file, or a URL (or data: URI) as it
 * is; both also take "none". */
enum { FROM_FILE = 1, FROM_URL = 2 };

/*
 * An image as credentials carry it, into uri: the data: URI of a PNG or
 * SVG file, or an https URL or a data: URI of an image as it is, or ""
 * for "none"; what names it in a refusal.
 */
static void
get_image(const char *what, const char *s, int from, struct buf *uri)
{
	char why[IMAGE_WHY_MAX];
	struct buf bytes = BUF_INIT;
	enum image_type t;

	buf_reset(uri);
	buf_add(uri, "", 0);
	if (from == (FROM_FILE | FROM_URL) && strcmp(s, "none") == 0)
		return;
	if ((from & FROM_URL) && strncmp(s, "data:", 5) == 0) {
		if (image_from_uri(s, &bytes, &t, why) != 0)
			bad("%s: %s", what, why);
		buf_adds(uri, s);
	} else if ((from & FROM_URL) && (!(from & FROM_FILE) ||
	    strncmp(s, "https:", 6) == 0 || strncmp(s, "http:", 5) == 0)) {
		if (!credential_is_image(s))
			bad("%s '%s': not an https URL of RFC 3986 characters",
			    what, s);
		buf_adds(uri, s);
	} else if (image_load(s, uri, why) != 0) {
		bad("%s '%s': %s", what, s, why);
	}
	buf_release(&bytes);
}

/* Room for how an image is shown. */
#define IMAGE_SHOWN_MAX 160

/* An image as show prints it: a data: URI as its type and size ("png,
 * 314 bytes"), a URL as it is, none as "". */
static const char *
image_shown(const char *iri, char out[IMAGE_SHOWN_MAX])
{
	char why[IMAGE_WHY_MAX];
	struct buf bytes = BUF_INIT;
	enum image_type t;

	if (strncmp(iri, "data:", 5) != 0)
		return iri;
	if (image_from_uri(iri, &bytes, &t, why) == 0)
		snprintf(out, IMAGE_SHOWN_MAX, "%s, %zu bytes", image_name(t),
		    bytes.len);
	else
		snprintf(out, IMAGE_SHOWN_MAX, "unreadable: %s", why);
	buf_release(&bytes);
	return out;
}

static void
audit(long long org_id, const char *action, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
audit(long long org_id, const char *action, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	store_audit(db, org_id, action, b.p);
	buf_release(&b);
}

/* Print fields TAB-separated, escaped as in a record stream. */
static void
print_row(int n, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, '\t');
		record_escape(&b, va_arg(ap, const char *));
	}
	va_end(ap);
	buf_addc(&b, '\n');
	fputs(b.p, stdout);
	buf_release(&b);
}

static const char *
when(long long t, char buf[ISO_TIME_MAX])
{
	if (t == 0)
		return "-";
	iso_time(t, buf);
	return buf;
}

/* init */

static void
cmd_init(char **argv)
{
	char err[SIGN_ERR_MAX], *keyfile;
	struct sign_master *m;
	struct store *s;
	int rc;

	(void)argv;
	keyfile = config_master_key(key_opt, db_path);
	s = store_open(db_path, STORE_CREATE);
	if (store_made(s))
		warnx("created the database %s", db_path);
	store_close(s);
	if (access(keyfile, F_OK) != 0) {
		if ((rc = sign_master_create(keyfile, err)) != 0)
			errx(rc, "%s", err);
		warnx("created the master key %s: keep it safe and private; "
		    "without it no signing key can be used", keyfile);
	}
	if ((rc = sign_master_load(keyfile, &m, err)) != 0)
		errx(rc, "%s", err);
	sign_master_free(m);
	free(keyfile);
}

/* org */

/* The properties org set writes. */
static const struct {
	const char *name;
	enum store_org_field field;
} org_fields[] = {
	{ "url", STORE_ORG_URL },
	{ "email", STORE_ORG_EMAIL },
	{ "description", STORE_ORG_DESCRIPTION },
	{ "image", STORE_ORG_IMAGE },
	{ "wallet", STORE_ORG_WALLET_URL },
	{ "verifier", STORE_ORG_VERIFIER_URL },
};

/* The value of org set's property i, checked, into v ("" for none). */
static void
org_value(size_t i, const char *s, struct buf *v)
{
	const char *name = org_fields[i].name;

	buf_reset(v);
	buf_add(v, "", 0);
	if (strcmp(s, "none") == 0)
		return;
	switch (org_fields[i].field) {
	case STORE_ORG_URL:
		if (!credential_is_url(s, 0))
			bad("url '%s': not an http or https URL of RFC 3986 "
			    "characters", s);
		buf_adds(v, s);
		break;
	case STORE_ORG_EMAIL:
		buf_adds(v, get_email(s));
		break;
	case STORE_ORG_DESCRIPTION:
		check_lines("the description", s);
		buf_adds(v, s);
		break;
	case STORE_ORG_IMAGE:
		get_image("image", s, FROM_FILE | FROM_URL, v);
		break;
	default:
		if (!credential_is_url(s, 1))
			bad("%s '%s': not an https URL of RFC 3986 characters",
			    name, s);
		buf_adds(v, s);
		break;
	}
}

static void
print_org(const struct store_org *o, void *arg)
{
	char q[24];

	(void)arg;
	snprintf(q, sizeof q, "%lld", auth_org_quota(o));
	print_row(7, o->slug, o->name, o->plan, o->approved ? "approved" :
	    "unapproved", q, o->sender_email, o->sender_name);
}

static void
check_plan(const char *plan)
{
	if (auth_plan_parse(plan) < 0)
		bad("no plan '%s': free, professional or enterprise", plan);
}

static void
cmd_org_create(char **argv)
{
	const char *plan = "free";
	long long id;
	char *arg;

	while (next_opt(&arg))
		plan = arg;
	check_slug("organization", argv[0]);
	check_name("the organization's name", argv[1]);
	check_plan(plan);
	store_begin(open_db());
	if (store_org_create(db, argv[0], argv[1], plan, &id) != 0)
		bad("organization '%s' exists already", argv[0]);
	audit(id, "org create", "slug=%s name=%s plan=%s", argv[0], argv[1],
	    plan);
	store_commit(db);
	warnx("created organization %s on the %s plan, not approved yet",
	    argv[0], plan);
}

static void
cmd_org_list(char **argv)
{
	(void)argv;
	store_org_list(open_db(), print_org, NULL);
}

static void
cmd_org_show(char **argv)
{
	struct store_org o;
	struct store_key k;
	char t[ISO_TIME_MAX], did[DIDKEY_MAX], q[48];
	char img[IMAGE_SHOWN_MAX];

	get_org(argv[0], &o);
	snprintf(q, sizeof q, "%lld (%s)", auth_org_quota(&o),
	    o.quota >= 0 ? "set for this organization" : "the plan's");
	if (store_key_active(db, o.id, &k) == 0) {
		didkey_from_ed25519(k.pk, did);
		store_key_release(&k);
	} else {
		snprintf(did, sizeof did, "none");
	}
	print_row(2, "slug", o.slug);
	print_row(2, "name", o.name);
	print_row(2, "plan", o.plan);
	print_row(2, "approved", o.approved ? "yes" : "no");
	print_row(2, "quota", q);
	print_row(2, "sender", o.sender_email);
	print_row(2, "sender-name", o.sender_name);
	print_row(2, "signing-key", did);
	print_row(2, "status-url", o.status_url);
	print_row(2, "url", o.url);
	print_row(2, "email", o.email);
	print_row(2, "description", o.description);
	print_row(2, "image", image_shown(o.image, img));
	print_row(2, "wallet", o.wallet_url);
	print_row(2, "verifier", o.verifier_url);
	print_row(2, "created", when(o.created, t));
	store_org_release(&o);
}

static void
cmd_org_approve(char **argv)
{
	struct store_org o;
	int unapprove = 0;
	char *arg;

	while (next_opt(&arg))
		unapprove = 1;
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set_approved(db, o.id, !unapprove);
	audit(o.id, unapprove ? "org unapprove" : "org approve", "slug=%s",
	    o.slug);
	store_commit(db);
	if (unapprove)
		warnx("%s is not approved: its jobs wait until it is again",
		    o.slug);
	else
		warnx("%s is approved", o.slug);
	store_org_release(&o);
}

static void
cmd_org_plan(char **argv)
{
	struct store_org o;

	check_plan(argv[1]);
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set_plan(db, o.id, argv[1]);
	audit(o.id, "org plan", "slug=%s plan=%s was=%s", o.slug, argv[1],
	    o.plan);
	store_commit(db);
	warnx("%s is on the %s plan (was %s)", o.slug, argv[1], o.plan);
	store_org_release(&o);
}

static void
cmd_org_quota(char **argv)
{
	struct store_org o;
	long long quota = -1;

	if (strcmp(argv[1], "default") != 0)
		quota = parse_count("quota", argv[1]);
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set_quota(db, o.id, quota);
	audit(o.id, "org quota", "slug=%s quota=%s", o.slug, argv[1]);
	store_commit(db);
	o.quota = quota;
	warnx("%s: a quota of %lld unique recipients a month (%s)", o.slug,
	    auth_org_quota(&o), quota < 0 ? "the plan's" : "set for it");
	store_org_release(&o);
}

static void
cmd_org_status_url(char **argv)
{
	struct store_org o;

	if (strcmp(argv[1], "none") != 0 &&
	    (!credential_is_url(argv[1], 1) || strpbrk(argv[1], "?#")))
		bad("status URL '%s': use an https URL without ? or #, or "
		    "none", argv[1]);
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set(db, o.id, STORE_ORG_STATUS_URL, argv[1]);
	audit(o.id, "org status-url", "slug=%s url=%s", o.slug, argv[1]);
	store_commit(db);
	if (strcmp(argv[1], "none") == 0)
		warnx("%s: its credentials will carry no status: once issued "
		    "they cannot be revoked publicly, only in this database",
		    o.slug);
	else
		warnx("%s: its status lists will be BASE/N.json under %s; "
		    "publish them there with org-admin status publish", o.slug,
		    argv[1]);
	store_org_release(&o);
}

/* org sender slug address [name]: a name given is never "", which
 * check_name refuses. */
static void
cmd_org_sender(char **argv)
{
	const char *email, *name = argv[2] ? argv[2] : "";
	struct store_org o;

	email = get_email(argv[1]);
	if (argv[2])
		check_name("the sender's name", name);
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set_sender(db, o.id, email, name);
	audit(o.id, "org sender", "slug=%s sender=%s name=%s", o.slug, email,
	    name);
	store_commit(db);
	warnx("%s's mail comes from %s%s%s%s", o.slug, name, *name ? " <" : "",
	    email, *name ? ">" : "");
	store_org_release(&o);
}

static void
cmd_org_set(char **argv)
{
	const size_t n = sizeof org_fields / sizeof *org_fields;
	struct buf v = BUF_INIT;
	struct store_org o;
	size_t i;

	for (i = 0; i < n && strcmp(argv[1], org_fields[i].name); i++)
		;
	if (i == n)
		bad("no organization field '%s': url, email, description, "
		    "image, wallet or verifier", argv[1]);
	org_value(i, argv[2], &v);
	store_begin(open_db());
	get_org(argv[0], &o);
	store_org_set(db, o.id, org_fields[i].field, v.p);
	audit(o.id, "org set", "slug=%s %s=%s", o.slug, argv[1], argv[2]);
	store_commit(db);
	warnx("%s: %s %s", o.slug, argv[1], v.len ? "set" : "removed");
	store_org_release(&o);
	buf_release(&v);
}

/* key */

static void
print_key(const struct store_key *k, void *arg)
{
	char did[DIDKEY_MAX], t[ISO_TIME_MAX];

	(void)arg;
	didkey_from_ed25519(k->pk, did);
	print_row(3, did, when(k->created, t), k->active ? "active" :
	    "retired");
}

static void
cmd_key_generate(char **argv)
{
	unsigned char pk[32], sealed[SIGN_SEALED_LEN];
	char err[SIGN_ERR_MAX], did[DIDKEY_MAX], *keyfile;
	struct sign_master *m;
	struct store_org o;
	int rc;

	keyfile = config_master_key(key_opt, db_path);
	open_db();
	if ((rc = sign_master_load(keyfile, &m, err)) != 0)
		errx(rc, "%s", err);
	free(keyfile);
	store_begin(db);
	get_org(argv[0], &o);
	sign_keypair_new(m, pk, sealed);
	sign_master_free(m);
	if (store_key_add(db, o.id, pk, sealed, sizeof sealed, NULL) != 0)
		bad("%s: the database refused the new signing key; the "
		    "active key is unchanged", o.slug);
	didkey_from_ed25519(pk, did);
	audit(o.id, "key generate", "slug=%s key=%s", o.slug, did);
	store_commit(db);
	puts(did);
	warnx("%s signs with a new key from now on; its older keys stay "
	    "for verification", o.slug);
	store_org_release(&o);
}

static void
cmd_key_list(char **argv)
{
	struct store_org o;

	get_org(argv[0], &o);
	store_key_list(db, o.id, print_key, NULL);
	store_org_release(&o);
}

/* badge */

static void
print_badge(const struct store_badge *b, void *arg)
{
	char v[24];

	(void)arg;
	if (b->valid_days < 0)
		snprintf(v, sizeof v, "none");
	else
		snprintf(v, sizeof v, "%lld", b->valid_days);
	print_row(3, b->slug, b->name, v);
}

static long long
parse_validity(const char *s)
{
	unsigned long v;

	if (strcmp(s, "none") == 0)
		return -1;
	if (parse_ulong(s, 1, 100000, &v) != 0)
		bad("validity '%s': a number of days from 1 to 100000, or "
		    "none", s);
	return (long long)v;
}

/* Set one field of a badge from its name; keep holds what is made of
 * the value, an image's data: URI. */
static void
set_badge_field(struct store_badge *b, const char *field, char *value,
    struct buf *keep)
{
	if (strcmp(field, "name") == 0) {
		check_name("the badge's name", value);
		b->name = value;
	} else if (strcmp(field, "description") == 0) {
		check_lines("the description", value);
		b->description = value;
	} else if (strcmp(field, "criteria") == 0) {
		check_lines("the criteria", value);
		b->criteria = value;
	} else if (strcmp(field, "validity") == 0) {
		b->valid_days = parse_validity(value);
	} else if (strcmp(field, "subject") == 0) {
		check_name("the subject", value);
		check_template("the subject", value);
		b->subject = value;
	} else if (strcmp(field, "body") == 0) {
		check_lines("the body", value);
		check_template("the body", value);
		b->body = value;
	} else if (strcmp(field, "image") == 0) {
		get_image("the badge's image", value, FROM_FILE | FROM_URL,
		    keep);
		b->image = keep->p;
	} else if (strcmp(field, "type") == 0) {
		if (strcmp(value, "none") != 0 &&
		    !credential_is_achievement_type(value))
			bad("achievement type '%s': not one of Open Badges "
			    "(Badge, Certificate, Course, ...), nor ext: and "
			    "letters, digits, '.', '_' and '-'", value);
		b->achievement_type = strcmp(value, "none") == 0 ? (char *)"" :
		    value;
	} else {
		bad("no badge field '%s': name, description, criteria, "
		    "validity, subject, body, image or type", field);
	}
}

static void
cmd_badge_create(char **argv)
{
	/* The options of badge create that set a field, and the fields. */
	static const char fopts[] = "bcDstv";
	static const char *const fields[] = { "body", "criteria",
	    "description", "subject", "type", "validity" };
	struct buf keep = BUF_INIT;
	struct store_badge b;
	struct store_org o;
	char *arg;
	int c;

	memset(&b, 0, sizeof b);
	b.valid_days = -1;
	b.description = b.criteria = (char *)"";
	b.image = b.achievement_type = (char *)"";
	b.subject = (char *)default_subject;
	b.body = (char *)default_body;
	while ((c = next_opt(&arg))) {
		if (c == 'v' && strcmp(arg, "none") == 0)
			bad("-v takes a number of days; leave it out for no "
			    "expiry");
		if (c == 'I' || c == 'i') {
			get_image(c == 'I' ? "-I" : "-i", arg,
			    c == 'I' ? FROM_URL : FROM_FILE, &keep);
			b.image = keep.p;
		} else {
			set_badge_field(&b, fields[strchr(fopts, c) - fopts],
			    arg, &keep);
		}
	}
	check_slug("badge", argv[1]);
	set_badge_field(&b, "name", argv[2], &keep);
	store_begin(open_db());
	get_org(argv[0], &o);
	b.org_id = o.id;
	b.slug = argv[1];
	if (store_badge_create(db, &b, &b.id) != 0)
		bad("organization %s has a badge '%s' already", o.slug,
		    argv[1]);
	audit(o.id, "badge create", "org=%s badge=%s name=%s validity=%lld",
	    o.slug, b.slug, b.name, b.valid_days);
	store_commit(db);
	if (b.valid_days < 0)
		warnx("created badge %s of %s, never expiring", b.slug,
		    o.slug);
	else
		warnx("created badge %s of %s, valid %lld day%s", b.slug,
		    o.slug, b.valid_days, b.valid_days == 1 ? "" : "s");
	store_org_release(&o);
	buf_release(&keep);
}

static void
cmd_badge_list(char **argv)
{
	struct store_org o;

	get_org(argv[0], &o);
	store_badge_list(db, o.id, print_badge, NULL);
	store_org_release(&o);
}

static void
cmd_badge_show(char **argv)
{
	char v[24], t[ISO_TIME_MAX], img[IMAGE_SHOWN_MAX];
	struct store_badge b;
	struct store_org o;

	get_org(argv[0], &o);
	get_badge(&o, argv[1], &b);
	snprintf(v, sizeof v, "%lld", b.valid_days);
	print_row(2, "slug", b.slug);
	print_row(2, "name", b.name);
	print_row(2, "description", b.description);
	print_row(2, "criteria", b.criteria);
	print_row(2, "image", image_shown(b.image, img));
	print_row(2, "type", b.achievement_type);
	print_row(2, "validity", b.valid_days < 0 ? "none" : v);
	print_row(2, "subject", b.subject);
	print_row(2, "body", b.body);
	print_row(2, "created", when(b.created, t));
	store_badge_release(&b);
	store_org_release(&o);
}

static void
cmd_badge_set(char **argv)
{
	struct store_badge b, nb;
	struct buf keep = BUF_INIT;
	struct store_org o;

	store_begin(open_db());
	get_org(argv[0], &o);
	get_badge(&o, argv[1], &b);
	nb = b;
	set_badge_field(&nb, argv[2], argv[3], &keep);
	store_badge_update(db, &nb);
	audit(o.id, "badge set", "org=%s badge=%s %s=%s", o.slug, b.slug,
	    argv[2], argv[3]);
	store_commit(db);
	warnx("badge %s of %s: %s set", b.slug, o.slug, argv[2]);
	store_badge_release(&b);
	store_org_release(&o);
	buf_release(&keep);
}

/* member */

static void
print_member(const struct store_member *m, void *arg)
{
	char t[ISO_TIME_MAX];

	(void)arg;
	print_row(3, m->email, m->role, when(m->created, t));
}

/* member sshkey */

static void
print_sshkey(const struct store_sshkey *k, void *arg)
{
	char id[24], rate[24];
	char c[ISO_TIME_MAX], u[ISO_TIME_MAX], r[ISO_TIME_MAX];
	const long long *member_id = arg;

	if (*member_id && k->member_id != *member_id)
		return;
	snprintf(id, sizeof id, "%lld", k->id);
	snprintf(rate, sizeof rate, "%lld", k->rate);
	print_row(10, id, k->member_email, k->role, k->fingerprint, k->type,
	    k->comment, when(k->created, c), when(k->last_used, u),
	    k->revoked ? when(k->revoked, r) : "active", rate);
}

/* The one public key in the file at path ("-": standard input), parsed
 * into k, or refuse. */
static void
read_sshkey(const char *path, struct sshkey *k)
{
	char why[SSHKEY_WHY_MAX], *line = NULL, *key = NULL;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t cap = 0, total = 0;
	ssize_t len;

	if (!f)
		err(EXIT_NOINPUT, "%s", path);
	while ((len = getline(&line, &cap, f)) > 0) {
		total += (size_t)len;
		if (total > 4 * SSHKEY_BLOB_MAX)
			bad("%s: larger than a public key file is", path);
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[strspn(line, " \t")] == '\0' ||
		    line[strspn(line, " \t")] == '#')
			continue;
		if (key)
			bad("%s: more than one key; add them one at a time",
			    path);
		key = xstrdup(line);
	}
	if (ferror(f))
		err(EXIT_IOERR, "%s", path);
	if (f != stdin)
		fclose(f);
	free(line);
	if (!key)
		bad("%s: no public key in it", path);
	if (sshkey_parse(k, key, why) != 0)
		bad("%s: %s", path, why);
	free(key);
}

/* Find the key of o named by id or fingerprint. */
struct find_sshkey {
	const char *fingerprint;
	long long id;
};

static void
match_sshkey(const struct store_sshkey *k, void *arg)
{
	struct find_sshkey *f = arg;

	if (strcmp(k->fingerprint, f->fingerprint) == 0)
		f->id = k->id;
}

static void
cmd_sshkey_add(char **argv)
{
	struct store_member m;
	struct store_org o;
	struct sshkey k;
	long long rate = 10, id;
	const char *email;
	char *arg;

	while (next_opt(&arg))
		rate = parse_count("rate", arg);
	email = get_email(argv[1]);
	read_sshkey(argv[2], &k);
	store_begin(open_db());
	get_org(argv[0], &o);
	if (store_member_get(db, o.id, email, &m) != 0)
		bad("%s is not a member of %s; add them with org-admin member "
		    "add", email, o.slug);
	if (store_sshkey_add(db, m.id, k.type, k.blob, k.comment,
	    k.fingerprint, rate, &id) != 0)
		bad("the key %s is a member's key already; a key is one "
		    "member's", k.fingerprint);
	audit(o.id, "sshkey add", "org=%s member=%s id=%lld key=%s rate=%lld",
	    o.slug, email, id, k.fingerprint, rate);
	store_commit(db);
	printf("%lld\t%s\n", id, k.fingerprint);
	warnx("SSH key %lld for %s (%s of %s); it logs in once org-admin ssh "
	    "authorized-keys has written it", id, email, m.role, o.slug);
	sshkey_release(&k);
	store_member_release(&m);
	store_org_release(&o);
}

static void
cmd_sshkey_list(char **argv)
{
	struct store_member m;
	struct store_org o;
	long long member_id = 0;
	const char *email;

	get_org(argv[0], &o);
	if (argv[1]) {
		email = get_email(argv[1]);
		if (store_member_get(db, o.id, email, &m) != 0)
			bad("%s is not a member of %s", email, o.slug);
		member_id = m.id;
		store_member_release(&m);
	}
	store_sshkey_list(db, o.id, member_id, 0, print_sshkey, &member_id);
	store_org_release(&o);
}

static void
cmd_sshkey_remove(char **argv)
{
	struct find_sshkey f = { argv[1], 0 };
	struct store_sshkey sk;
	struct store_org o;
	unsigned long n;

	store_begin(open_db());
	get_org(argv[0], &o);
	if (strncmp(argv[1], "SHA256:", 7) == 0)
		store_sshkey_list(db, o.id, 0, 1, match_sshkey, &f);
	else if (parse_ulong(argv[1], 1, (unsigned long)-1 / 2, &n) == 0)
		f.id = (long long)n;
	if (f.id == 0 || store_sshkey_get(db, f.id, &sk) != 0 ||
	    sk.org_id != o.id) {
		if (f.id)
			store_sshkey_release(&sk);
		bad("%s has no SSH key %s", o.slug, argv[1]);
	}
	if (store_sshkey_revoke(db, o.id, f.id) != 0)
		bad("SSH key %s of %s is removed already", argv[1], o.slug);
	audit(o.id, "sshkey remove", "org=%s member=%s id=%lld key=%s",
	    o.slug, sk.member_email, sk.id, sk.fingerprint);
	store_commit(db);
	warnx("SSH key %lld of %s is refused from now on; org-admin ssh "
	    "authorized-keys leaves it out", sk.id, sk.member_email);
	store_sshkey_release(&sk);
	store_org_release(&o);
}

static void
cmd_member_add(char **argv)
{
	struct store_org o;
	const char *email;

	email = get_email(argv[1]);
	if (auth_role_parse(argv[2]) < 0)
		bad("no role '%s': viewer, issuer, admin or owner", argv[2]);
	store_begin(open_db());
	get_org(argv[0], &o);
	if (store_member_add(db, o.id, email, argv[2], NULL) != 0)
		bad("%s is a member of %s already", email, o.slug);
	audit(o.id, "member add", "org=%s email=%s role=%s", o.slug, email,
	    argv[2]);
	store_commit(db);
	warnx("%s is %s %s of %s", email, argv[2][0] == 'a' ||
	    argv[2][0] == 'i' || argv[2][0] == 'o' ? "an" : "a", argv[2],
	    o.slug);
	store_org_release(&o);
}

static void
cmd_member_remove(char **argv)
{
	struct store_org o;
	const char *email;

	email = get_email(argv[1]);
	store_begin(open_db());
	get_org(argv[0], &o);
	if (store_member_remove(db, o.id, email) != 0)
		bad("%s is not a member of %s", email, o.slug);
	audit(o.id, "member remove", "org=%s email=%s", o.slug, email);
	store_commit(db);
	warnx("%s is no longer a member of %s; their API and SSH keys are "
	    "revoked", email, o.slug);
	store_org_release(&o);
}

static void
cmd_member_list(char **argv)
{
	struct store_org o;

	get_org(argv[0], &o);
	store_member_list(db, o.id, print_member, NULL);
	store_org_release(&o);
}

/* apikey */

static void
print_apikey(const struct store_apikey *k, void *arg)
{
	char prefix[8 + AUTH_PREFIX_LEN], rate[24];
	char c[ISO_TIME_MAX], u[ISO_TIME_MAX], r[ISO_TIME_MAX];

	(void)arg;
	snprintf(prefix, sizeof prefix, "cpk_%s", k->prefix);
	snprintf(rate, sizeof rate, "%lld", k->rate);
	print_row(7, prefix, k->member_email, k->role, when(k->created, c),
	    when(k->last_used, u), k->revoked ? when(k->revoked, r) :
	    "active", rate);
}

static void
cmd_apikey_create(char **argv)
{
	struct store_member m;
	struct auth_newkey nk;
	struct store_org o;
	long long rate = 10;
	const char *email;
	char *arg;

	while (next_opt(&arg))
		rate = parse_count("rate", arg);
	email = get_email(argv[1]);
	store_begin(open_db());
	get_org(argv[0], &o);
	if (store_member_get(db, o.id, email, &m) != 0)
		bad("%s is not a member of %s; add them with org-admin member "
		    "add", email, o.slug);
	auth_key_new(&nk);
	store_apikey_add(db, m.id, nk.prefix, nk.hash, rate);
	audit(o.id, "apikey create", "org=%s member=%s prefix=cpk_%s "
	    "rate=%lld", o.slug, email, nk.prefix, rate);
	store_commit(db);
	puts(nk.key);
	warnx("API key cpk_%s... for %s (%s of %s); it is shown this once",
	    nk.prefix, email, m.role, o.slug);
	store_member_release(&m);
	store_org_release(&o);
}

static void
cmd_apikey_list(char **argv)
{
	struct store_org o;

	get_org(argv[0], &o);
	store_apikey_list(db, o.id, print_apikey, NULL);
	store_org_release(&o);
}

static void
cmd_apikey_revoke(char **argv)
{
	struct store_apikey k;
	char *p = argv[0];

	if (strncmp(p, "cpk_", 4) == 0)
		p += 4;
	if (strlen(p) > AUTH_PREFIX_LEN && p[AUTH_PREFIX_LEN] == '_')
		p[AUTH_PREFIX_LEN] = '\0';
	store_begin(open_db());
	if (store_apikey_get(db, p, &k) != 0)
		errx(EXIT_NOPERM, "no API key cpk_%s", p);
	if (store_apikey_revoke(db, 0, p) != 0)
		errx(EXIT_NOPERM, "API key cpk_%s is revoked already", p);
	audit(k.org_id, "apikey revoke", "prefix=cpk_%s member=%s", p,
	    k.member_email);
	store_commit(db);
	warnx("API key cpk_%s... of %s is revoked", p, k.member_email);
	store_apikey_release(&k);
}

static void
cmd_apikey_check(char **argv)
{
	char err[AUTH_ERR_MAX], *key;
	struct auth_who who;
	int rc;

	(void)argv;
	store_begin(open_db());
	key = config_api_key(NULL);
	rc = auth_login(db, key, &who, err);
	free(key);
	if (rc != 0)
		errx(rc, "%s", err);
	store_commit(db);
	print_row(3, who.org.slug, who.member_email, auth_role_name(who.role));
	auth_who_release(&who);
}

/* credential */

static void
print_cred(const struct store_cred *c, void *arg)
{
	long long now = *(long long *)arg;
	char i[ISO_TIME_MAX], e[ISO_TIME_MAX];

	print_row(7, c->id, c->badge_slug, c->email, c->name,
	    when(c->issued, i), when(c->expires, e), store_cred_state(c, now));
}

/* A time field of an import: ISO 8601 UTC, or "-" for none (0). */
static long long
import_time(unsigned long line, const char *what, const char *s, int none)
{
	long long t;

	if (none && strcmp(s, "-") == 0)
		return 0;
	if (parse_iso_time(s, &t) != 0)
		bad("stdin:%lu: %s '%s' is not a time like "
		    "2026-01-31T09:00:00Z%s", line, what, s, none ?
		    " or -" : "");
	return t;
}

/*
 * credential import: one credential a line, TAB-separated, escaped as in
 * a record stream: badge, email, name, issued, expires, revoked, and,
 * optionally, the reason of the revocation and the credential's id (to
 * keep the ids of credentials issued elsewhere).  All or nothing: the
 * caller holds the transaction, and prints the ids, one a line in ids,
 * once it has committed.
 */
static void
import(const struct store_org *o, struct buf *ids)
{
	char *line = NULL, *f[8], id[64];
	unsigned long n = 0, count = 0;
	struct store_badge b;
	long long issued, expires, revoked;
	size_t cap = 0;
	ssize_t len;
	int nf;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		const char *email;

		n++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		nf = record_split(line, f, 8);
		if (nf < 6)
			bad("stdin:%lu: %s; a credential is badge, email, "
			    "name, issued, expires, revoked[, reason[, id]], "
			    "TAB-separated", n, nf < 0 ? "bad escape or too "
			    "many fields" : "too few fields");
		if (nf == 8 && !names_is_credential_id(f[7]))
			bad("stdin:%lu: id '%s' is not urn:uuid: and a UUID",
			    n, f[7]);
		if (nf == 8)
			snprintf(id, sizeof id, "%s", f[7]);
		else
			id[0] = '\0';
		get_badge(o, f[0], &b);
		email = get_email(f[1]);
		check_name("the name", f[2]);
		if (nf >= 7 && f[6][0])
			check_name("the reason", f[6]);
		issued = import_time(n, "issued", f[3], 0);
		expires = import_time(n, "expires", f[4], 1);
		revoked = import_time(n, "revoked", f[5], 1);
		if (expires && expires <= issued)
			bad("stdin:%lu: it expires before it was issued", n);
		if (store_cred_import(db, o->id, b.id, email, f[2], issued,
		    expires, revoked, nf >= 7 && f[6][0] ? f[6] : "revoked",
		    id) != 0)
			bad("stdin:%lu: credential %s exists already", n, id);
		buf_adds(ids, id);
		buf_addc(ids, '\n');
		store_badge_release(&b);
		count++;
	}
	if (ferror(stdin))
		err(EXIT_IOERR, "stdin");
	free(line);
	audit(o->id, "credential import", "org=%s count=%lu", o->slug, count);
}

static void
cmd_credential_list(char **argv)
{
	struct store_badge b;
	struct store_org o;
	long long now;

	get_org(argv[0], &o);
	now = store_now(db);
	if (argv[1]) {
		get_badge(&o, argv[1], &b);
		store_cred_list(db, o.id, b.id, print_cred, &now);
		store_badge_release(&b);
	} else {
		store_cred_list(db, o.id, 0, print_cred, &now);
	}
	store_org_release(&o);
}

static void
cmd_credential_show(char **argv)
{
	char t[ISO_TIME_MAX], *arg;
	struct store_cred cr;
	int json = 0;

	while (next_opt(&arg))
		json = 1;
	if (store_cred_get(open_db(), 0, argv[0], &cr) != 0)
		bad("no credential '%s'", argv[0]);
	if (json) {
		if (!cr.document[0])
			bad("credential %s has no signed document", cr.id);
		puts(cr.document);
	} else {
		print_row(2, "id", cr.id);
		print_row(2, "badge", cr.badge_slug);
		print_row(2, "email", cr.email);
		print_row(2, "name", cr.name);
		print_row(2, "issued", when(cr.issued, t));
		print_row(2, "expires", when(cr.expires, t));
		print_row(2, "revoked", when(cr.revoked, t));
		print_row(2, "revoke-reason", cr.revoke_reason);
		print_row(2, "supersedes", cr.supersedes);
		print_row(2, "superseded-by", cr.superseded_by);
	}
	store_cred_release(&cr);
}

static void
cmd_credential_revoke(char **argv)
{
	const char *reason = "revoked by the operator";
	struct store_cred cr;
	char *arg;

	while (next_opt(&arg))
		reason = arg;
	check_name("the reason", reason);
	store_begin(open_db());
	if (store_cred_get(db, 0, argv[0], &cr) != 0)
		bad("no credential '%s'", argv[0]);
	if (store_cred_revoke(db, 0, cr.id, reason) != 0)
		bad("credential %s is revoked already", cr.id);
	audit(cr.org_id, "credential revoke", "id=%s reason=%s", cr.id,
	    reason);
	store_commit(db);
	warnx("%s is revoked (%s); the next status publish makes it public",
	    cr.id, reason);
	store_cred_release(&cr);
}

static void
cmd_credential_import(char **argv)
{
	struct buf ids = BUF_INIT;
	struct store_org o;

	store_begin(open_db());
	get_org(argv[0], &o);
	import(&o, &ids);
	store_commit(db);
	/* Only now do the credentials exist. */
	if (ids.len && fwrite(ids.p, 1, ids.len, stdout) != ids.len)
		err(EXIT_IOERR, "stdout");
	buf_release(&ids);
	store_org_release(&o);
}

/* job */

static void
print_job(const struct store_job *j, void *arg)
{
	char c[ISO_TIME_MAX], n[6][24];
	const long long v[6] = { j->total, j->sent, j->failed, j->skipped,
	    j->cancelled, j->pending };
	char id[24];
	int i;

	(void)arg;
	snprintf(id, sizeof id, "%lld", j->id);
	for (i = 0; i < 6; i++)
		snprintf(n[i], sizeof n[i], "%lld", v[i]);
	print_row(11, id, j->org, j->badge, j->status, n[0], n[1], n[2], n[3],
	    n[4], n[5], when(j->created, c));
}

static void
print_failure(const char *reason, long long count, void *arg)
{
	char n[24];

	(void)arg;
	snprintf(n, sizeof n, "%lld", count);
	print_row(3, "failure", n, reason);
}

static long long
parse_job(const char *s)
{
	unsigned long v;

	if (parse_ulong(s, 1, (unsigned long)-1 / 2, &v) != 0)
		bad("'%s' is not a job id", s);
	return (long long)v;
}

static void
get_job(long long id, struct store_job *j)
{
	if (store_job_get(open_db(), 0, id, j) != 0)
		bad("no job %lld", id);
}

static void
show_job(const struct store_job *j)
{
	static const char *const counts[] = { "total", "sent", "failed",
	    "skipped", "cancelled", "pending" };
	const long long v[6] = { j->total, j->sent, j->failed, j->skipped,
	    j->cancelled, j->pending };
	char t[ISO_TIME_MAX], err[AUTH_ERR_MAX], n[24];
	struct store_org o;
	int i;

	snprintf(n, sizeof n, "%lld", j->id);
	print_row(2, "id", n);
	print_row(2, "org", j->org);
	print_row(2, "badge", j->badge);
	print_row(2, "status", j->status);
	print_row(2, "created", when(j->created, t));
	print_row(2, "started", when(j->started, t));
	print_row(2, "finished", when(j->finished, t));
	for (i = 0; i < 6; i++) {
		snprintf(n, sizeof n, "%lld", v[i]);
		print_row(2, counts[i], n);
	}
	if (j->pending && strcmp(j->status, "cancelled") != 0 &&
	    store_org_get_id(db, j->org_id, &o) == 0) {
		if (auth_may_issue(db, &o, err) != 0)
			print_row(2, "waiting", err);
		store_org_release(&o);
	}
	store_job_failures(db, j->id, print_failure, NULL);
}

/*
 * The jobs of every organization, or of one: the operator's view of the
 * queue.  Cancelling is job-status -c's, for any organization.
 */
static void
cmd_job_list(char **argv)
{
	struct store_org o;

	if (argv[0]) {
		get_org(argv[0], &o);
		store_job_list(db, o.id, print_job, NULL);
		store_org_release(&o);
	} else {
		store_job_list(open_db(), 0, print_job, NULL);
	}
}

static void
cmd_job_show(char **argv)
{
	long long id = parse_job(argv[0]);
	struct store_job j;

	store_begin_read(open_db());
	get_job(id, &j);
	show_job(&j);
	store_commit(db);
}

static void
cmd_job_cancel(char **argv)
{
	long long id = parse_job(argv[0]);
	struct store_job j;

	store_begin(open_db());
	get_job(id, &j);
	if (store_job_cancel(db, 0, id, store_now(db)) != 0)
		bad("job %lld has ended (%s); there is nothing to cancel", id,
		    j.status);
	audit(j.org_id, "job cancel", "job=%lld org=%s", id, j.org);
	store_commit(db);
	get_job(id, &j);
	if (j.pending)
		warnx("job %lld of %s cancelled: %lld item%s will not be sent; "
		    "%lld held by a worker end%s when it looks at %s again (a "
		    "mail on the wire is delivered)", id, j.org, j.cancelled,
		    j.cancelled == 1 ? "" : "s", j.pending,
		    j.pending == 1 ? "s" : "", j.pending == 1 ? "it" : "them");
	else
		warnx("job %lld of %s cancelled: %lld item%s will not be sent",
		    id, j.org, j.cancelled, j.cancelled == 1 ? "" : "s");
}

/* status */

struct published {
	int lists, written;
};

static void
print_published(const struct status_published *p, void *arg)
{
	struct published *n = arg;
	char entries[24], revoked[24];

	snprintf(entries, sizeof entries, "%lu", p->entries);
	snprintf(revoked, sizeof revoked, "%lu", p->revoked);
	print_row(5, p->file, p->url, entries, revoked, p->written ?
	    "written" : "unchanged");
	n->lists++;
	n->written += p->written;
}

/*
 * status publish: write the organization's status lists into a directory
 * that a web server serves at its status URL.  A run that writes nothing
 * changes nothing and is not audited, so that cron may run it often.
 */
static void
cmd_status_publish(char **argv)
{
	char err[SIGN_ERR_MAX], why[STATUS_WHY_MAX], *keyfile, *arg;
	struct published n = { 0, 0 };
	const char *dir = "status";
	struct sign_master *m;
	struct store_org o;
	int rc;

	while (next_opt(&arg))
		dir = arg;
	get_org(argv[0], &o);
	keyfile = config_master_key(key_opt, db_path);
	if ((rc = sign_master_load(keyfile, &m, err)) != 0)
		errx(rc, "%s", err);
	free(keyfile);
	rc = status_publish(db, m, o.id, dir, print_published, &n, why);
	sign_master_free(m);
	if (n.written) {
		store_begin(db);
		audit(o.id, "status publish", "org=%s dir=%s lists=%d "
		    "written=%d", o.slug, dir, n.lists, n.written);
		store_commit(db);
	}
	if (rc != 0)
		errx(rc, "%s: %s", o.slug, why);
	if (n.lists == 0 && strcmp(o.status_url, "none") == 0)
		warnx("%s has no status lists: its status URL is none, so its "
		    "credentials carry no status", o.slug);
	else if (n.lists == 0)
		warnx("%s has no status lists yet: the first starts with its "
		    "next credential", o.slug);
	store_org_release(&o);
}

/* ssh */

/*
 * A path for a line of authorized_keys, which sshd hands to the
 * account's shell: absolute (or a database's URI), and of characters no
 * shell reads as more than a word, so that it needs no quoting.
 */
static void
check_forced_path(const char *what, const char *path)
{
	if ((path[0] != '/' && !strstr(path, "://")) ||
	    strspn(path, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+,:@=-") != strlen(path))
		bad("%s '%s': the path in authorized_keys must be absolute and "
		    "of letters, digits and /._+,:@=- only (a symbolic link "
		    "can give it such a name)", what, path);
}

struct keys_out {
	struct buf *out;
	const char *shell, *db;
	unsigned long n;
};

static void
add_key_line(const struct store_sshkey *k, void *arg)
{
	struct keys_out *ko = arg;

	buf_printf(ko->out, "restrict,command=\"%s -d %s %lld\" %s %s "
	    "credpipe:%s:%s\n", ko->shell, ko->db, k->id, k->type, k->blob,
	    k->org_slug, k->member_email);
	ko->n++;
}

static void
cmd_ssh_authorized_keys(char **argv)
{
	char why[FILES_WHY_MAX], dbreal[4096], *shell = NULL, *arg;
	const char *file = NULL;
	struct buf out = BUF_INIT;
	struct keys_out ko = { &out, NULL, dbreal, 0 };
	int c, rc;

	(void)argv;
	while ((c = next_opt(&arg))) {
		if (c == 'o') {
			file = arg;
		} else {
			free(shell);
			shell = xstrdup(arg);
		}
	}
	if (!shell) {
		char self[4096], *slash;
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);

		if (n < 0 || (self[n] = '\0', !(slash = strrchr(self, '/'))))
			bad("cannot tell where org-admin is; give credpipe-"
			    "shell's path with -s");
		*slash = '\0';
		shell = xmalloc(strlen(self) + sizeof "/credpipe-shell");
		sprintf(shell, "%s/credpipe-shell", self);
	}
	check_forced_path("credpipe-shell", shell);
	if (access(shell, X_OK) != 0)
		bad("%s: not a program this account can run; give credpipe-"
		    "shell's path with -s", shell);
	open_db();
	if (strstr(db_path, "://"))
		snprintf(dbreal, sizeof dbreal, "%s", db_path);
	else if (!realpath(db_path, dbreal))
		err(EXIT_NOINPUT, "%s", db_path);
	check_forced_path("the database", dbreal);
	ko.shell = shell;
	buf_adds(&out, "# credpipe's members, written by org-admin ssh "
	    "authorized-keys; edits are lost\n");
	store_sshkey_list(db, 0, 0, 1, add_key_line, &ko);
	if (!file) {
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			err(EXIT_IOERR, "stdout");
	} else {
		if ((rc = files_check_dir(file, geteuid(), why)) != 0 ||
		    (access(file, F_OK) == 0 &&
		    (rc = files_check(file, 0, geteuid(), why)) != 0))
			errx(rc, "%s", why);
		if ((rc = files_replace(file, out.p, out.len, 0600, why)) != 0)
			errx(rc, "%s", why);
		warnx("%s: %lu key%s", file, ko.n, ko.n == 1 ? "" : "s");
	}
	buf_release(&out);
	free(shell);
}

/* db */

/*
 * A store as db copy is given it: the path of an SQLite database, or a
 * URI of a PostgreSQL one (postgresql://...).  Return 1 for a URI.  A URI
 * of anything else is refused, rather than taken for a file name.
 */
static int
check_location(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+.-");

	if (n == 0 || strncmp(s + n, "://", 3) != 0)
		return 0;
	if (strncmp(s, "postgresql://", 13) == 0 ||
	    strncmp(s, "postgres://", 11) == 0)
		return 1;
	errx(EXIT_USAGE, "%s: not a database; give the path of an SQLite "
	    "database or a postgresql:// URI", s);
}

/* The database db copy made, which goes unless the copy completes:
 * removed however the program ends. */
static char *made;

static void
remove_made(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	struct buf p = BUF_INIT;
	size_t i;

	if (!made)
		return;
	for (i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		buf_reset(&p);
		buf_printf(&p, "%s%s", made, suffixes[i]);
		unlink(p.p);
	}
	buf_release(&p);
	free(made);
	made = NULL;
}

/*
 * db copy: every row of from into to, which is made, or must be an empty
 * credpipe database.  The copy compares equal before it commits (see
 * store_copy); its audit entry is written after, in a transaction of its
 * own, so that the comparison is of the rows copied alone.
 */
static void
cmd_db_copy(char **argv)
{
	const char *from = argv[0], *to = argv[1];
	struct stat fs, ts;
	struct store *src;
	long long rows;
	int tables, rc, from_uri, to_uri;

	from_uri = check_location(from);
	to_uri = check_location(to);
	if (!from_uri && stat(from, &fs) != 0) {
		if (errno == ENOENT)
			errx(EXIT_NOINPUT, "%s: no such database to copy", from);
		err(EXIT_NOINPUT, "%s", from);
	}
	if (from_uri && to_uri ? strcmp(from, to) == 0 : !from_uri &&
	    !to_uri && stat(to, &ts) == 0 && ts.st_dev == fs.st_dev &&
	    ts.st_ino == fs.st_ino)
		bad("%s and %s are the same database", from, to);
	src = store_open(from, 0);
	if (!to_uri && lstat(to, &ts) != 0 && errno == ENOENT) {
		made = xstrdup(to);
		atexit(remove_made);
	}
	db = store_open(to, STORE_CREATE);
	rc = store_copy(src, db, &rows, &tables, stderr);
	if (rc == STORE_EXISTS)
		bad("%s is not empty: db copy writes only into a new database "
		    "or an empty one; nothing was changed", to);
	if (rc == STORE_BROKEN)
		bad("%s: the references above do not hold; nothing was copied",
		    from);
	if (rc == STORE_DIFFERS)
		errx(EXIT_SOFTWARE, "%s: the copy did not compare equal to %s "
		    "(above); nothing was copied", to, from);
	store_close(src);
	store_begin(db);
	audit(0, "db copy", "from=%s rows=%lld tables=%d", from, rows,
	    tables);
	store_commit(db);
	free(made);
	made = NULL;
	warnx("copied %lld row%s in %d table%s from %s to %s; every table "
	    "compared equal", rows, rows == 1 ? "" : "s", tables,
	    tables == 1 ? "" : "s", from, to);
}

/* log */

static void
print_audit(const struct store_audit_entry *e, void *arg)
{
	char t[ISO_TIME_MAX];

	(void)arg;
	print_row(5, when(e->at, t), e->actor, e->org[0] ? e->org : "-",
	    e->action, e->detail);
}

static void
cmd_log(char **argv)
{
	struct store_org o = { 0 };
	long long n = -1;
	char *arg;
	int c;

	(void)argv;
	while ((c = next_opt(&arg))) {
		if (c == 'n') {
			n = parse_count("count", arg);
		} else {
			store_org_release(&o);
			get_org(arg, &o);
		}
	}
	store_audit_list(open_db(), o.id, n, print_audit, NULL);
	store_org_release(&o);
}

/* The commands, in the order of the usage (and of man/org-admin.1). */

static const struct cmd org_cmds[] = {
	{ "create", "+p:", 2, 2, cmd_org_create, "[-p plan] slug name", 0,
	    NULL },
	{ "list", NULL, 0, 0, cmd_org_list, "", 0, NULL },
	{ "show", NULL, 1, 1, cmd_org_show, "slug", 0, NULL },
	{ "approve", "+u", 1, 1, cmd_org_approve, "[-u] slug", 0, NULL },
	{ "plan", NULL, 2, 2, cmd_org_plan, "slug plan", 0, NULL },
	{ "quota", NULL, 2, 2, cmd_org_quota, "slug count | default", 0,
	    NULL },
	{ "sender", NULL, 2, 3, cmd_org_sender, "slug address [name]", 0,
	    NULL },
	{ "status-url", NULL, 2, 2, cmd_org_status_url, "slug url | none", 0,
	    NULL },
	{ "set", NULL, 3, 3, cmd_org_set, "slug field value", 0, NULL },
	{ 0 }
};

static const struct cmd key_cmds[] = {
	{ "generate", NULL, 1, 1, cmd_key_generate, "org", 1, NULL },
	{ "list", NULL, 1, 1, cmd_key_list, "org", 0, NULL },
	{ 0 }
};

static const struct cmd badge_cmds[] = {
	{ "create", "+b:c:D:I:i:s:t:v:", 3, 3, cmd_badge_create,
	    "[-b body] [-c criteria] [-D description] [-I url] [-i file] "
	    "[-s subject] [-t type] [-v days] org slug name", 0, NULL },
	{ "list", NULL, 1, 1, cmd_badge_list, "org", 0, NULL },
	{ "show", NULL, 2, 2, cmd_badge_show, "org slug", 0, NULL },
	{ "set", NULL, 4, 4, cmd_badge_set, "org slug field value", 0, NULL },
	{ 0 }
};

static const struct cmd sshkey_cmds[] = {
	{ "add", "+r:", 3, 3, cmd_sshkey_add, "[-r rate] org email file", 0,
	    NULL },
	{ "list", NULL, 1, 2, cmd_sshkey_list, "org [email]", 0, NULL },
	{ "remove", NULL, 2, 2, cmd_sshkey_remove, "org id | fingerprint", 0,
	    NULL },
	{ 0 }
};

static const struct cmd member_cmds[] = {
	{ "add", NULL, 3, 3, cmd_member_add, "org email role", 0, NULL },
	{ "remove", NULL, 2, 2, cmd_member_remove, "org email", 0, NULL },
	{ "list", NULL, 1, 1, cmd_member_list, "org", 0, NULL },
	{ "sshkey", NULL, 0, 0, NULL, NULL, 0, sshkey_cmds },
	{ 0 }
};

static const struct cmd ssh_cmds[] = {
	{ "authorized-keys", "+o:s:", 0, 0, cmd_ssh_authorized_keys,
	    "[-o file] [-s shell]", 0, NULL },
	{ 0 }
};

static const struct cmd apikey_cmds[] = {
	{ "create", "+r:", 2, 2, cmd_apikey_create, "[-r rate] org email", 0,
	    NULL },
	{ "list", NULL, 1, 1, cmd_apikey_list, "org", 0, NULL },
	{ "revoke", NULL, 1, 1, cmd_apikey_revoke, "prefix", 0, NULL },
	{ "check", NULL, 0, 0, cmd_apikey_check, "", 0, NULL },
	{ 0 }
};

static const struct cmd credential_cmds[] = {
	{ "list", NULL, 1, 2, cmd_credential_list, "org [badge]", 0, NULL },
	{ "show", "+j", 1, 1, cmd_credential_show, "[-j] id", 0, NULL },
	{ "revoke", "+r:", 1, 1, cmd_credential_revoke, "[-r reason] id", 0,
	    NULL },
	{ "import", NULL, 1, 1, cmd_credential_import, "org", 0, NULL },
	{ 0 }
};

static const struct cmd job_cmds[] = {
	{ "list", NULL, 0, 1, cmd_job_list, "[org]", 0, NULL },
	{ "show", NULL, 1, 1, cmd_job_show, "id", 0, NULL },
	{ "cancel", NULL, 1, 1, cmd_job_cancel, "id", 0, NULL },
	{ 0 }
};

static const struct cmd status_cmds[] = {
	{ "publish", "+o:", 1, 1, cmd_status_publish, "[-o dir] org", 1,
	    NULL },
	{ 0 }
};

static const struct cmd db_cmds[] = {
	{ "copy", NULL, 2, 2, cmd_db_copy, "from to", 0, NULL },
	{ 0 }
};

static const struct cmd commands[] = {
	{ "init", NULL, 0, 0, cmd_init, "", 1, NULL },
	{ "org", NULL, 0, 0, NULL, NULL, 0, org_cmds },
	{ "key", NULL, 0, 0, NULL, NULL, 0, key_cmds },
	{ "badge", NULL, 0, 0, NULL, NULL, 0, badge_cmds },
	{ "member", NULL, 0, 0, NULL, NULL, 0, member_cmds },
	{ "ssh", NULL, 0, 0, NULL, NULL, 0, ssh_cmds },
	{ "apikey", NULL, 0, 0, NULL, NULL, 0, apikey_cmds },
	{ "credential", NULL, 0, 0, NULL, NULL, 0, credential_cmds },
	{ "job", NULL, 0, 0, NULL, NULL, 0, job_cmds },
	{ "status", NULL, 0, 0, NULL, NULL, 0, status_cmds },
	{ "db", NULL, 0, 0, NULL, NULL, 0, db_cmds },
	{ "log", "+n:o:", 0, 0, cmd_log, "[-n count] [-o org]", 0, NULL },
	{ 0 }
};

/* The command of table t named w, or NULL. */
static const struct cmd *
find(const struct cmd *t, const char *w)
{
	for (; t->name; t++)
		if (strcmp(t->name, w) == 0)
			return t;
	return NULL;
}

/* The words of table t, "create, list, show", into b. */
static void
words(struct buf *b, const struct cmd *t)
{
	for (; t->name; t++)
		buf_join(b, ", ", t->name);
}

/*
 * Print to f the usage lines of c and of every command under it; before
 * holds the words before c's ("member "), and *lines counts the lines
 * printed, the first of which says "usage:".
 */
static void
print_usage(FILE *f, const struct cmd *c, const char *before, int *lines)
{
	struct buf w = BUF_INIT;
	const struct cmd *s;

	buf_printf(&w, "%s%s", before, c->name);
	if (c->sub) {
		buf_addc(&w, ' ');
		for (s = c->sub; s->name; s++)
			print_usage(f, s, w.p, lines);
	} else {
		fprintf(f, "%sorg-admin [-d db] %s%s%s%s\n", (*lines)++ ?
		    "       " : "usage: ", c->master ? "[-k keyfile] " : "",
		    w.p, *c->args ? " " : "", c->args);
	}
	buf_release(&w);
}

static void usage(int status) __attribute__((noreturn));

static void
usage(int status)
{
	const struct cmd *c;
	int lines = 0;

	for (c = commands; c->name; c++)
		print_usage(status ? stderr : stdout, c, "", &lines);
	exit(status);
}

/*
 * Wrong words, options or operands: print the usage of the command asked
 * for, the one its first two words name (all of member sshkey's), or,
 * when the noun takes no such verb, what it takes.
 */
static void
usage_of(void)
{
	const struct cmd *n = find(commands, noun), *v;
	struct buf b = BUF_INIT;
	int lines = 0;

	if (n && !n->sub) {
		print_usage(stderr, n, "", &lines);
	} else if (n && verb && (v = find(n->sub, verb))) {
		buf_printf(&b, "%s ", n->name);
		print_usage(stderr, v, b.p, &lines);
	} else if (n) {
		words(&b, n->sub);
		if (verb)
			warnx("%s %s: no such command; %s takes %s (org-admin "
			    "-h shows them all)", noun, verb, noun, b.p);
		else
			warnx("%s: which? it takes %s (org-admin -h shows "
			    "them all)", noun, b.p);
	} else {
		usage(EXIT_USAGE);
	}
	exit(EXIT_USAGE);
}

/*
 * Run c, whose word is argv[0]: the next word picks a command of its
 * table, or getopt reads its options into opts and it runs with the
 * operands that follow them.
 */
static void
run(const struct cmd *c, int argc, char **argv)
{
	int ch;

	if (c->sub) {
		if (argc < 2 || !(c = find(c->sub, argv[1])))
			usage_of();
		run(c, argc - 1, argv + 1);
		return;
	}
	optind = 1;
	if (c->opts) {
		for (optind = 0; (ch = getopt(argc, argv, c->opts)) != -1;) {
			if (ch == '?')
				usage_of();
			opts = xrealloc(opts, (nopts + 1) * sizeof *opts);
			opts[nopts].c = ch;
			opts[nopts++].arg = optarg;
		}
	}
	argc -= optind, argv += optind;
	if (argc < c->min || argc > c->max)
		usage_of();
	c->fn(argv);
}

int
main(int argc, char *argv[])
{
	const char *db_opt = NULL;
	const struct cmd *c;
	struct buf b = BUF_INIT;
	int ch;

	cmd_begin(argv);
	while ((ch = getopt(argc, argv, "+d:hk:V")) != -1) {
		switch (ch) {
		case 'd':
			db_opt = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case 'k':
			key_opt = optarg;
			break;
		case 'V':
			print_version();
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(EXIT_USAGE);
	db_path = config_db(db_opt);
	noun = argv[0];
	verb = argc > 1 ? argv[1] : NULL;
	if (!(c = find(commands, noun))) {
		words(&b, commands);
		errx(EXIT_USAGE, "no command '%s'; the commands are %s "
		    "(org-admin -h shows them all)", noun, b.p);
	}
	run(c, argc, argv);
	close_stdout();
	store_close(db);
	free(opts);
	return 0;
}
