/*
 * job-worker: sign and deliver the credentials of submitted jobs.
 *
 * Run from cron (man/job-worker.1): it works until nothing is due or a
 * limit is reached, then exits, and any number of workers may overlap.
 * lib/worker.c holds the loop; this file holds the options.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "exitcodes.h"
#include "transport.h"
#include "util.h"
#include "worker.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: job-worker [-Sv] [-a attempts] [-C cafile] [-c conns] "
	    "[-d db] [-j job] [-k keyfile] [-l lease] [-M maildir] [-n items] "
	    "[-R max-delay] [-r delay] [-T seconds] [-u url]\n");
	exit(status);
}

static long long
number(int opt, const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;

	if (parse_ulong(s, min, max, &v) != 0)
		errx(EXIT_USAGE, "-%c: '%s' is not a number from %lu to %lu",
		    opt, s, min, max);
	return (long long)v;
}

int
main(int argc, char *argv[])
{
	struct worker_options o;
	const char *db_opt = NULL, *key_opt = NULL, *url_opt = NULL, *tls;
	char *master;
	int c, rc;

	cmd_begin(argv);
	worker_defaults(&o);
	o.smtp_url = config_env("CREDPIPE_SMTP_URL");
	o.ca_file = config_env("CREDPIPE_SMTP_CA");
	if ((tls = config_env("CREDPIPE_SMTP_TLS"))) {
		if (strcmp(tls, "require") != 0)
			errx(EXIT_CONFIG, "CREDPIPE_SMTP_TLS: '%s' is not "
			    "require", tls);
		o.require_tls = 1;
	}
	while ((c = getopt(argc, argv, "a:C:c:d:hj:k:l:M:n:R:r:ST:u:vV")) !=
	    -1) {
		switch (c) {
		case 'a': o.attempts = (int)number(c, optarg, 1, 100); break;
		case 'C': o.ca_file = optarg; break;
		case 'c': o.connections = (unsigned)number(c, optarg, 1, 64);
			break;
		case 'd': db_opt = optarg; break;
		case 'h': usage(0); break;
		case 'j': o.job = number(c, optarg, 1, 1000000000000); break;
		case 'k': key_opt = optarg; break;
		case 'l': o.lease = number(c, optarg, 1, 86400); break;
		case 'M': o.maildir = optarg; break;
		case 'n': o.max_items = number(c, optarg, 1, 1000000000000);
			break;
		case 'R': o.backoff_max = number(c, optarg, 1, 2592000); break;
		case 'r': o.backoff = number(c, optarg, 1, 2592000); break;
		case 'S': o.require_tls = 1; break;
		case 'T': o.max_seconds = number(c, optarg, 1, 31536000); break;
		case 'u': url_opt = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'V': print_version();
		default: usage(EXIT_USAGE);
		}
	}
	if (optind != argc || (url_opt && o.maildir))
		usage(EXIT_USAGE);
	if (url_opt && transport_url_has_password(url_opt))
		errx(EXIT_USAGE, "-u: the URL holds a password, which anyone "
		    "listing processes could read; put it in ~/.netrc, or give "
		    "the URL in CREDPIPE_SMTP_URL");
	if (url_opt)
		o.smtp_url = url_opt;
	if (o.maildir)
		o.smtp_url = NULL;	/* -M wins over the environment */
	o.db = config_db(db_opt);
	master = config_master_key(key_opt, o.db);
	o.master = master;
	rc = worker_run(&o);
	free(master);
	return rc;
}
