/* util.c: allocation, exit and time helpers; the contract is in util.h. */
#define _GNU_SOURCE	/* program_invocation_short_name */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "buf.h"
#include "exitcodes.h"
#include "util.h"
#include "version.h"

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

/* The columns of the terminal f is, or 80 when it cannot tell. */
static size_t
columns(FILE *f)
{
	struct winsize w;

	if (ioctl(fileno(f), TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
		return w.ws_col;
	return 80;
}

void
progress_draw(struct progress *p, long long done, long long total,
    const char *fmt, ...)
{
	static const char hashes[] = "##############################";
	struct buf text = BUF_INIT, line = BUF_INIT;
	size_t cols = columns(p->f), room = cols > 1 ? cols - 1 : 1;
	size_t width = sizeof hashes - 1, fill, n;
	va_list ap;

	buf_printf(&text, " %lld/%lld  ", done, total);
	va_start(ap, fmt);
	buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (2 + width + text.len > room)
		width = room > 2 + 10 + text.len ? room - 2 - text.len : 10;
	fill = total <= 0 || done >= total ? width : done <= 0 ? 0 :
	    (size_t)(done * (long long)width / total);
	buf_printf(&line, "\r[%.*s%*s]%s", (int)fill, hashes,
	    (int)(width - fill), "", text.p);
	if (line.len - 1 > room)
		line.p[line.len = 1 + room] = '\0';
	n = line.len - 1;
	if (p->shown > room)
		p->shown = room;
	if (p->shown > n)
		buf_printf(&line, "%*s", (int)(p->shown - n), "");
	fputs(line.p, p->f);
	fflush(p->f);
	p->shown = n;
	buf_release(&text);
	buf_release(&line);
}

void
progress_end(struct progress *p)
{
	if (p->shown)
		fputc('\n', p->f);
	p->shown = 0;
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

/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar,
 * and back (the algorithms of H. Hinnant's "chrono-Compatible Low-Level
 * Date Algorithms", for years from 0 on). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* v, 0 to 99, as two digits at p. */
static void
two_digits(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void
iso_time(long long t, char out[ISO_TIME_MAX])
{
	int64_t days = t / 86400, secs = t % 86400;
	char tmp[64];	/* room for any int, to keep the compiler calm */
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	if (t < 0 || y > 9999) {
		snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
		    m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60));
		memcpy(out, tmp, ISO_TIME_MAX - 1);
		out[ISO_TIME_MAX - 1] = '\0';
		return;
	}
	/* By hand: the lists of a million credentials print three a line. */
	two_digits(out, y / 100);
	two_digits(out + 2, y % 100);
	out[4] = '-';
	two_digits(out + 5, m);
	out[7] = '-';
	two_digits(out + 8, d);
	out[10] = 'T';
	two_digits(out + 11, (int)(secs / 3600));
	out[13] = ':';
	two_digits(out + 14, (int)(secs / 60 % 60));
	out[16] = ':';
	two_digits(out + 17, (int)(secs % 60));
	out[19] = 'Z';
	out[20] = '\0';
}

/* The n digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
parse_iso_time(const char *s, long long *t)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, sec;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return -1;
	if (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))
		return -1;
	*t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}


void
cmd_begin(char **argv)
{
	argv[0] = program_invocation_short_name;
}

void
print_version(void)
{
	printf("%s %s\n", program_invocation_short_name, CREDPIPE_VERSION);
	close_stdout();
	exit(0);
}
