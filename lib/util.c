/* util.c: allocation and exit helpers; the contract is in util.h. */
#define _GNU_SOURCE		/* strptime */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcodes.h"
#include "util.h"

void
die_nomem(void)
{
	errx(EXIT_TEMPFAIL, "out of memory");
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_nomem();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_nomem();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
close_stdout(void)
{
	if (fflush(stdout) != 0)
		err(EXIT_IOERR, "stdout");
	if (ferror(stdout))
		errx(EXIT_IOERR, "stdout: write error");
	if (fclose(stdout) != 0)
		err(EXIT_IOERR, "stdout");
}

int
parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void
iso_time(long long t, char out[ISO_TIME_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    strftime(out, ISO_TIME_MAX, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, ISO_TIME_MAX, "%lld", t);
}

int
parse_iso_time(const char *s, long long *t)
{
	struct tm tm;
	const char *end;
	char back[ISO_TIME_MAX];

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end || strlen(s) != ISO_TIME_MAX - 1)
		return -1;
	*t = (long long)timegm(&tm);
	/* Refuse dates strptime let through, like February 30. */
	iso_time(*t, back);
	return strcmp(back, s) == 0 ? 0 : -1;
}
