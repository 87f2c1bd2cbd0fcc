/*
 * credpipe-shell: the member gate, an SSH forced command.
 *
 *	command="credpipe-shell -d /var/lib/credpipe/credpipe.db 17" ssh-ed25519 ...
 *
 * The operator's account owns the database; members never get a shell or
 * the file.  Each member's SSH public key is a line of the operator's
 * authorized_keys (org-admin ssh authorized-keys writes them) that makes
 * sshd run this program, with the id of that key, whatever the member
 * asked for.  What they asked for is in SSH_ORIGINAL_COMMAND: it is split
 * into words here, without any shell (single and double quotes group a
 * word; nothing is expanded), and run only when it is one of the member
 * commands with options that name no file or database of the server:
 *
 *	csv-validate [-qx] [-s bytes] [-]	csv-validate -t
 *	recipient-check -b badge [-q]		bulk-submit -b badge [-q]
 *	job-status [-cfipw] [job]		credential-verify [-]
 *	credential-list [-r] [-b badge] [-e email] [-s state] [-S since]
 *	    [-U until]
 *	credential-revoke [-f] [-r reason] [id ...]
 *
 * The key must be one the database knows, not removed: a key left in
 * authorized_keys after org-admin member sshkey remove is refused here,
 * before anything runs.  The command is run from the directory this
 * program is in, with a
 * fresh environment that names the database (CREDPIPE_DB) and the SSH key
 * (CREDPIPE_SSH_KEY): the key fixes who the member is, as an API key
 * would (lib/auth.h), and its rate limits apply.  Everything else is
 * refused with a message and exit 77.
 */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "exitcodes.h"
#include "names.h"
#include "store.h"
#include "util.h"

#define WORDS_MAX 32		/* the longest command taken */
#define COMMAND_MAX 4096	/* its length in bytes */

/* A member command and what it may be given over SSH. */
struct allowed {
	const char *name;
	const char *flags;	/* options without a value */
	const char *valued;	/* options with a value */
	int operands;		/* 0: none; 1: "-" alone; 2: a job id;
				 * 3: credential ids, any number */
};

static const struct allowed commands[] = {
	{ "csv-validate", "hqtVx", "s", 1 },
	{ "recipient-check", "hqV", "b", 0 },
	{ "bulk-submit", "hqV", "b", 0 },
	{ "job-status", "cfhipVw", "", 2 },
	{ "credential-verify", "hV", "", 1 },
	{ "credential-list", "hrV", "beSsU", 0 },
	{ "credential-revoke", "fhV", "r", 3 },
};

static void
usage(void)
{
	fprintf(stderr, "usage: credpipe-shell [-d db] keyid\n");
	exit(EXIT_USAGE);
}

static void refuse(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* Refuse what the member asked for, saying what may be asked. */
static void
refuse(const char *fmt, ...)
{
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fprintf(stderr, "credpipe-shell: this account runs only:");
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(stderr, " %s", commands[i].name);
	fprintf(stderr, " (see credpipe-shell(1))\n");
	exit(EXIT_NOPERM);
}

/*
 * Split s into words as described above: the words go into b, each
 * ending in NUL, and w[i] points at the i-th.  Return how many; refuse
 * what a shell would have read as more than words.
 */
static int
split(const char *s, struct buf *b, char *w[WORDS_MAX])
{
	size_t i, n = strlen(s), offs[WORDS_MAX];
	int nw = 0, inword = 0;
	char quote = 0;

	if (n > COMMAND_MAX)
		refuse("the command is longer than %d bytes", COMMAND_MAX);
	buf_reset(b);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			refuse("the command holds a control character");
		if (quote) {
			if (c == (unsigned char)quote)
				quote = 0;
			else
				buf_addc(b, c);
			continue;
		}
		if (c == ' ' || c == '\t') {
			if (inword)
				buf_addc(b, '\0');
			inword = 0;
			continue;
		}
		if (strchr(";&|<>()`$\\{}*?[]~#!", c))
			refuse("'%c' is not taken: commands run without a "
			    "shell, one at a time, with their data on "
			    "standard input and output", c);
		if (!inword) {
			if (nw == WORDS_MAX)
				refuse("the command has more than %d words",
				    WORDS_MAX);
			offs[nw++] = b->len;
			inword = 1;
		}
		if (c == '\'' || c == '"')
			quote = (char)c;
		else
			buf_addc(b, c);
	}
	if (quote)
		refuse("a quote is not closed");
	buf_addc(b, '\0');
	for (i = 0; i < (size_t)nw; i++)
		w[i] = b->p + offs[i];
	return nw;
}

/* Check the words of a member command against what it may be given. */
static void
check_words(const struct allowed *a, int n, char **w)
{
	int i, operands = 0, only = 0;

	for (i = 1; i < n; i++) {
		const char *p = w[i];

		if (!only && p[0] == '-' && p[1] == '-' && !p[2]) {
			only = 1;
			continue;
		}
		if (only || p[0] != '-' || !p[1]) {
			operands++;
			if (a->operands == 3) {
				if (!names_is_credential_id(p))
					refuse("'%s' is not a credential id "
					    "(urn:uuid:...)", p);
				continue;
			}
			if (a->operands == 0 || operands > 1)
				refuse("%s takes no argument '%s' here", a->name,
				    p);
			if (a->operands == 1 && strcmp(p, "-") != 0)
				refuse("%s reads standard input here, not '%s': "
				    "files on the server are not yours to "
				    "name; send yours with '< FILE'", a->name,
				    p);
			if (a->operands == 2 && strspn(p, "0123456789") !=
			    strlen(p))
				refuse("'%s' is not a job id", p);
			continue;
		}
		for (p++; *p; p++) {
			if (strchr(a->flags, *p))
				continue;
			if (!strchr(a->valued, *p))
				refuse("option -%c of %s is not taken here: it "
				    "names a file, a database or a key of the "
				    "server, or %s has no such option", *p,
				    a->name, a->name);
			/* The value: the rest of the word, or the next. */
			if (!p[1] && ++i == n)
				refuse("option -%c of %s needs a value", *p,
				    a->name);
			break;
		}
	}
}

/* Refuse the key with id unless it is known and not removed. */
static void
check_key(const char *db, const char *id)
{
	struct store *s = store_open(db, 0);
	struct store_sshkey k;
	unsigned long n;

	if (parse_ulong(id, 1, (unsigned long)-1 / 2, &n) != 0 ||
	    store_sshkey_get(s, (long long)n, &k) != 0)
		errx(EXIT_NOPERM, "SSH key %.20s is not known here; ask an "
		    "admin of your organization", id);
	if (k.revoked || k.member_removed)
		errx(EXIT_NOPERM, "SSH key %s was removed; ask an admin of "
		    "your organization", k.fingerprint);
	store_sshkey_release(&k);
	store_close(s);
}

/* The directory of this program, where the member commands are. */
static char *
own_dir(const char *argv0)
{
	char path[4096], *slash;
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);

	if (n < 0) {
		if (!strchr(argv0, '/'))
			errx(EXIT_CONFIG, "cannot tell where credpipe-shell "
			    "is: run it by its full path");
		snprintf(path, sizeof path, "%s", argv0);
		n = (ssize_t)strlen(path);
	}
	path[n] = '\0';
	if (!(slash = strrchr(path, '/')))
		errx(EXIT_CONFIG, "cannot tell where credpipe-shell is");
	*slash = '\0';
	return xstrdup(path[0] ? path : "/");
}

int
main(int argc, char *argv[])
{
	const char *db = NULL, *asked, *key;
	const struct allowed *a = NULL;
	struct buf words = BUF_INIT, path = BUF_INIT, envdb = BUF_INIT;
	struct buf envkey = BUF_INIT, envterm = BUF_INIT;
	char *w[WORDS_MAX + 1], *dir, *env[8];
	char full[4096];
	int c, n, ne = 0;
	size_t i;

	cmd_begin(argv);
	while ((c = getopt(argc, argv, "d:hV")) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h':
			printf("usage: credpipe-shell [-d db] keyid\n");
			return 0;
		case 'V':
			print_version();
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	key = argv[optind];
	if (!*key || strspn(key, "0123456789") != strlen(key))
		errx(EXIT_USAGE, "'%s' is not an SSH key id", key);
	db = config_db(db);
	/* A relative path is made absolute for the commands; a URI (a
	 * database on a server) is as it is. */
	if (db[0] != '/' && !strstr(db, "://")) {
		if (!getcwd(full, sizeof full))
			err(EXIT_CONFIG, "getcwd");
		buf_printf(&envdb, "CREDPIPE_DB=%s/%s", full, db);
	} else {
		buf_printf(&envdb, "CREDPIPE_DB=%s", db);
	}

	check_key(envdb.p + strlen("CREDPIPE_DB="), key);

	if (!(asked = getenv("SSH_ORIGINAL_COMMAND")) || !*asked)
		refuse("no command given: there is no shell here");
	n = split(asked, &words, w);
	if (n == 0)
		refuse("no command given: there is no shell here");
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(w[0], commands[i].name) == 0)
			a = &commands[i];
	if (!a)
		refuse("'%s' is not a command this account runs", w[0]);
	check_words(a, n, w);
	w[n] = NULL;

	dir = own_dir(argv[0]);
	buf_printf(&path, "%s/%s", dir, a->name);
	buf_printf(&envkey, "CREDPIPE_SSH_KEY=%s", key);
	env[ne++] = envdb.p;
	env[ne++] = envkey.p;
	env[ne++] = (char *)"PATH=/usr/bin:/bin";
	env[ne++] = (char *)"LC_ALL=C.UTF-8";
	if (getenv("TERM")) {
		buf_printf(&envterm, "TERM=%s", getenv("TERM"));
		env[ne++] = envterm.p;
	}
	env[ne] = NULL;
	execve(path.p, w, env);
	err(EXIT_CONFIG, "%s", path.p);
}
