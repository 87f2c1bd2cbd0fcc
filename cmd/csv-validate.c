/*
 * csv-validate: check a roster CSV and write one record per row.
 *
 * The first filter of the pipeline (man/csv-validate.1, man/credpipe-records.5).  Every
 * data row becomes a record, valid or invalid with its reasons; a problem
 * with the file as a whole (encoding, size, quoting, header) is a file
 * error that refuses the file.  Records are held until the whole file has
 * been read, so a refused file writes nothing on stdout and a pipeline
 * never sees half a roster.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "record.h"
#include "roster.h"
#include "util.h"

static const char template_csv[] =
    "name,email\n"
    "Ada Lovelace,ada.lovelace@example.org\n";

struct totals {
	unsigned long rows, valid, invalid;
	struct buf out;		/* the records, written at the end */
};

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: csv-validate [-qx] [-s bytes] [file | -]\n"
	    "       csv-validate -t\n");
	exit(status);
}

static void
add_row(const struct roster_row *row, void *arg)
{
	struct totals *t = arg;
	struct record rec = {
		.row = row->row,
		.status = row->valid ? RECORD_VALID : RECORD_INVALID,
		.email = row->email,
		.name = row->name,
		.detail = row->detail,
	};

	t->rows++;
	if (row->valid)
		t->valid++;
	else
		t->invalid++;
	record_format(&t->out, &rec);
}

static int
has_csv_suffix(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

/* Open the input, refusing what cannot be a roster before reading it. */
static FILE *
open_input(const char *path, unsigned long limit)
{
	struct stat st;
	FILE *f;

	if (strcmp(path, "-") == 0)
		return stdin;
	if (!has_csv_suffix(path))
		errx(EXIT_DATAERR, "%s: not a .csv file; save the roster as "
		    "CSV UTF-8 with a name ending in .csv", path);
	if (!(f = fopen(path, "rb")))
		err(EXIT_NOINPUT, "%s", path);
	if (fstat(fileno(f), &st) != 0)
		err(EXIT_NOINPUT, "%s", path);
	if (S_ISDIR(st.st_mode))
		errx(EXIT_NOINPUT, "%s: is a directory", path);
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > limit)
		errx(EXIT_DATAERR, "%s: the file is larger than %lu bytes "
		    "(-s raises the limit)", path, limit);
	return f;
}

static void
file_error(const char *name, const struct roster *r)
{
	if (roster_error_row(r))
		errx(EXIT_DATAERR, "%s: row %lu: %s", name,
		    roster_error_row(r), roster_error(r));
	errx(EXIT_DATAERR, "%s: %s", name, roster_error(r));
}

int
main(int argc, char *argv[])
{
	static char chunk[65536];
	struct totals t = { 0, 0, 0, BUF_INIT };
	unsigned long limit = ROSTER_LIMIT;
	const char *path = "-", *name, *ignored;
	size_t nignored;
	struct roster *r;
	int c, quiet = 0, strict = 0, template = 0;
	size_t n;
	FILE *in;

	cmd_begin(argv);
	while ((c = getopt(argc, argv, "hqs:txV")) != -1) {
		switch (c) {
		case 'h':
			usage(0);
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			if (parse_ulong(optarg, 1, (size_t)-1 / 2, &limit) != 0)
				errx(EXIT_USAGE, "-s: '%s' is not a size in "
				    "bytes", optarg);
			break;
		case 't':
			template = 1;
			break;
		case 'x':
			strict = 1;
			break;
		case 'V':
			print_version();
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (template && argc > 0))
		usage(EXIT_USAGE);
	if (template) {
		fputs(template_csv, stdout);
		close_stdout();
		return 0;
	}
	if (argc == 1)
		path = argv[0];
	name = strcmp(path, "-") == 0 ? "stdin" : path;
	in = open_input(path, limit);

	r = roster_new(limit, add_row, &t);
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (roster_feed(r, chunk, n) != 0)
			file_error(name, r);
	if (ferror(in))
		err(EXIT_IOERR, "%s", name);
	if (roster_finish(r) != 0)
		file_error(name, r);
	if (in != stdin)
		fclose(in);

	if (!quiet && (ignored = roster_ignored(r, &nignored)))
		warnx("%s: ignoring column%s %s", name, nignored > 1 ? "s" : "",
		    ignored);
	if (t.out.len && fwrite(t.out.p, 1, t.out.len, stdout) != t.out.len)
		err(EXIT_IOERR, "stdout");
	close_stdout();
	if (!quiet)
		fprintf(stderr, "csv-validate: %s: %lu row%s: %lu valid, "
		    "%lu invalid\n", name, t.rows, t.rows == 1 ? "" : "s",
		    t.valid, t.invalid);
	roster_free(r);
	buf_release(&t.out);
	return strict && t.invalid ? EXIT_NO : 0;
}
