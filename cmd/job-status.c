/*
 * job-status: the jobs of an organization, one job in detail, its items,
 * its failed rows as a CSV to submit again, a watch until it ends, and
 * cancellation.
 *
 * The member's side of job-worker(1).  It reads the database with
 * the member's API key and sees only the key's organization: another
 * organization's job is "no such job".  Data goes to stdout; the progress
 * of -w goes to stderr, a bar on a terminal and plain lines otherwise.
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
#include "record.h"
#include "roster.h"
#include "store.h"
#include "util.h"

static int porcelain;

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: job-status [-p] [-d db] [-k keyfile]\n"
	    "       job-status [-p] [-f | -i] [-d db] [-k keyfile] job\n"
	    "       job-status -w [-d db] [-k keyfile] job\n"
	    "       job-status -c [-d db] [-k keyfile] job\n");
	exit(status);
}

static const char *
when(long long t, char buf[ISO_TIME_MAX])
{
	if (!t)
		return "-";
	iso_time(t, buf);
	return buf;
}

static void
list_one(const struct store_job *j, void *arg)
{
	char t[ISO_TIME_MAX];

	(void)arg;
	if (porcelain)
		printf("%lld\t%s\t%s\t%lld\t%lld\t%lld\t%lld\t%s\n", j->id,
		    j->status, j->badge, j->total, j->sent, j->failed,
		    j->skipped, when(j->created, t));
	else
		printf("%-6lld %-10s %-20s %6lld %6lld %6lld %7lld  %s\n",
		    j->id, j->status, j->badge, j->total, j->sent, j->failed,
		    j->skipped, when(j->created, t));
}

static void
print_failure(const char *reason, long long count, void *arg)
{
	struct buf b = BUF_INIT;

	(void)arg;
	record_escape(&b, reason);
	if (porcelain)
		printf("failure\t%lld\t%s\n", count, b.p ? b.p : "");
	else
		printf("  %6lld  %s\n", count, b.p ? b.p : "");
	buf_release(&b);
}

/* Why the items of an unfinished job wait, or NULL when nothing stops
 * them: the organization may not issue now. */
static const char *
waiting(struct store *s, const struct store_org *o, const struct store_job *j,
    char err[AUTH_ERR_MAX])
{
	if (j->pending == 0 || strcmp(j->status, "cancelled") == 0 ||
	    auth_may_issue(s, o, err) == 0)
		return NULL;
	return err;
}

static void
show(struct store *s, const struct store_org *o, const struct store_job *j)
{
	char c[ISO_TIME_MAX], st[ISO_TIME_MAX], f[ISO_TIME_MAX];
	char err[AUTH_ERR_MAX];
	const char *why = waiting(s, o, j, err);

	if (porcelain) {
		printf("id\t%lld\nbadge\t%s\nstatus\t%s\ncreated\t%s\n"
		    "started\t%s\nfinished\t%s\ntotal\t%lld\nsent\t%lld\n"
		    "failed\t%lld\nskipped\t%lld\ncancelled\t%lld\n"
		    "pending\t%lld\n", j->id, j->badge, j->status,
		    when(j->created, c), when(j->started, st),
		    when(j->finished, f), j->total, j->sent, j->failed,
		    j->skipped, j->cancelled, j->pending);
		if (why)
			printf("waiting\t%s\n", why);
	} else {
		printf("job %lld (%s): %s\n", j->id, j->badge, j->status);
		printf("created   %s\nstarted   %s\nfinished  %s\n",
		    when(j->created, c), when(j->started, st),
		    when(j->finished, f));
		printf("items     %lld: %lld sent, %lld failed, %lld skipped, "
		    "%lld cancelled, %lld pending\n", j->total, j->sent,
		    j->failed, j->skipped, j->cancelled, j->pending);
		if (why)
			printf("waiting   %s\n", why);
		if (j->failed)
			printf("failures\n");
	}
	store_job_failures(s, j->id, print_failure, NULL);
}

static void
print_item(const struct store_item_view *v, void *arg)
{
	struct buf b = BUF_INIT;
	char att[16];

	(void)arg;
	snprintf(att, sizeof att, "%d", v->attempts);
	buf_addu(&b, v->row);
	buf_addc(&b, '\t');
	record_escape(&b, v->email);
	buf_printf(&b, "\t%s\t%s\t%s\t", v->state,
	    v->credential_id[0] ? v->credential_id : "-", att);
	record_escape(&b, v->reason);
	buf_addc(&b, '\n');
	fputs(b.p, stdout);
	buf_release(&b);
}

/*
 * One CSV cell: quoted when it holds a comma, quote or line break, and a
 * cell a spreadsheet could take for a formula (roster_formula) guarded by
 * an apostrophe (csv-validate removes exactly that apostrophe).
 */
static void
csv_cell(struct buf *b, const char *s)
{
	int guard = roster_formula(s, strlen(s));
	int quote = guard || strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		buf_addc(b, '"');
	if (guard)
		buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	if (quote)
		buf_addc(b, '"');
}

static void
print_failed_csv(const struct store_item_view *v, void *arg)
{
	struct buf b = BUF_INIT;

	(void)arg;
	csv_cell(&b, v->name);
	buf_addc(&b, ',');
	csv_cell(&b, v->email);
	buf_addc(&b, ',');
	csv_cell(&b, v->reason);
	buf_addc(&b, '\n');
	fputs(b.p, stdout);
	buf_release(&b);
}

static void
get_job(struct store *s, const struct auth_who *who, long long id,
    struct store_job *j)
{
	if (store_job_get(s, who->org.id, id, j) != 0)
		errx(EXIT_DATAERR, "no such job: %lld", id);
}

static int
ended(const struct store_job *j)
{
	return strcmp(j->status, "completed") == 0 ||
	    strcmp(j->status, "cancelled") == 0;
}

/* Seconds without progress after which -w says what the job waits for. */
#define STALL_SECONDS 10

/* Say, once a stall, why job j has made no progress. */
static void
stalled(struct store *s, const struct auth_who *who, const struct store_job *j)
{
	char err[AUTH_ERR_MAX], t[ISO_TIME_MAX];
	long long claimed, due;
	const char *why;

	store_begin_read(s);
	why = waiting(s, &who->org, j, err);
	store_job_waits(s, j->id, &claimed, &due);
	store_commit(s);
	if (why)
		warnx("job %lld waits: %s", j->id, why);
	else if (claimed)
		warnx("job %lld: a worker holds %lld item%s but has finished "
		    "none in %d s; the relay may be slow or down", j->id,
		    claimed, claimed == 1 ? "" : "s", STALL_SECONDS);
	else if (due > store_now(s))
		warnx("job %lld: its items wait for a retry; the next is due "
		    "at %s", j->id, when(due, t));
	else
		warnx("job %lld: no worker has taken it in %d s; job-worker "
		    "runs from the operator's cron (job-worker(1))", j->id,
		    STALL_SECONDS);
}

/* Watch a job until it ends; progress on stderr. */
static int
watch(struct store *s, const struct auth_who *who, long long id)
{
	struct progress bar = PROGRESS_INIT(stderr);
	int tty = isatty(STDERR_FILENO), still = 0;
	long long last = -1;
	struct store_job j;

	for (;;) {
		long long done;

		store_begin_read(s);
		get_job(s, who, id, &j);
		store_commit(s);
		done = j.total - j.pending;
		still = done == last ? still + 1 : 0;
		if (still == STALL_SECONDS && !ended(&j)) {
			progress_end(&bar);
			stalled(s, who, &j);
		}
		if (tty) {
			progress_draw(&bar, done, j.total, "%lld sent, %lld "
			    "failed, %lld skipped", j.sent, j.failed,
			    j.skipped);
		} else if (done != last) {
			fprintf(stderr, "job %lld: %s: %lld of %lld done: %lld "
			    "sent, %lld failed, %lld skipped\n", j.id, j.status,
			    done, j.total, j.sent, j.failed, j.skipped);
		}
		last = done;
		if (ended(&j))
			break;
		sleep(1);
	}
	progress_end(&bar);
	show(s, &who->org, &j);
	return strcmp(j.status, "completed") == 0 && j.failed == 0 ? 0 :
	    EXIT_NO;
}

int
main(int argc, char *argv[])
{
	const char *db_opt = NULL, *keyfile = NULL;
	int ch, cancel = 0, failed = 0, items = 0, wait = 0, rc = 0;
	struct auth_who who;
	struct store_job j;
	struct store *s;
	unsigned long id = 0;
	char *key;

	cmd_begin(argv);
	while ((ch = getopt(argc, argv, "cd:fhik:pwV")) != -1) {
		switch (ch) {
		case 'c': cancel = 1; break;
		case 'd': db_opt = optarg; break;
		case 'f': failed = 1; break;
		case 'h': usage(0); break;
		case 'i': items = 1; break;
		case 'k': keyfile = optarg; break;
		case 'p': porcelain = 1; break;
		case 'w': wait = 1; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (cancel + failed + items + wait > 1)
		errx(EXIT_USAGE, "-c, -f, -i and -w go one at a time");
	if ((cancel || wait) && porcelain)
		errx(EXIT_USAGE, "-p is for lists and details, not -%c",
		    cancel ? 'c' : 'w');
	if (argc > 1)
		errx(EXIT_USAGE, "one job at a time");
	if (argc == 1 && parse_ulong(argv[0], 1, (unsigned long)-1 / 2,
	    &id) != 0)
		errx(EXIT_USAGE, "'%s' is not a job id", argv[0]);
	if (!id && (cancel || failed || items || wait))
		errx(EXIT_USAGE, "-%c needs a job id", cancel ? 'c' : failed ?
		    'f' : items ? 'i' : 'w');

	s = store_open(config_db(db_opt), 0);
	key = config_api_key(keyfile);
	auth_member(s, key, cancel ? ROLE_ISSUER : ROLE_VIEWER, NULL, &who,
	    NULL);
	free(key);

	if (cancel) {
		store_begin(s);
		get_job(s, &who, (long long)id, &j);
		if (store_job_cancel(s, who.org.id, (long long)id,
		    store_now(s)) != 0)
			errx(EXIT_DATAERR, "job %lu has ended (%s); there is "
			    "nothing to cancel", id, j.status);
		store_commit(s);
		get_job(s, &who, (long long)id, &j);
		if (j.pending)
			warnx("job %lu cancelled: %lld item%s will not be "
			    "sent; %lld held by a worker end%s when it looks "
			    "at %s again (a mail on the wire is delivered)", id,
			    j.cancelled, j.cancelled == 1 ? "" : "s",
			    j.pending, j.pending == 1 ? "s" : "",
			    j.pending == 1 ? "it" : "them");
		else
			warnx("job %lu cancelled: %lld item%s will not be "
			    "sent", id, j.cancelled, j.cancelled == 1 ? "" :
			    "s");
	} else if (wait) {
		rc = watch(s, &who, (long long)id);
	} else if (id) {
		store_begin_read(s);
		get_job(s, &who, (long long)id, &j);
		if (failed) {
			printf("name,email,reason\n");
			store_job_items(s, j.id, 1, print_failed_csv, NULL);
		} else if (items) {
			store_job_items(s, j.id, 0, print_item, NULL);
		} else {
			show(s, &who.org, &j);
		}
		store_commit(s);
	} else {
		if (!porcelain)
			printf("%-6s %-10s %-20s %6s %6s %6s %7s  %s\n", "JOB",
			    "STATUS", "BADGE", "TOTAL", "SENT", "FAILED",
			    "SKIPPED", "CREATED");
		store_begin_read(s);
		store_job_list(s, who.org.id, list_one, NULL);
		store_commit(s);
	}
	close_stdout();
	auth_who_release(&who);
	store_close(s);
	return rc;
}
