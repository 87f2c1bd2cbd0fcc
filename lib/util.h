/*
 * util.h: memory allocation that cannot fail, and what every command
 * does on its way out.
 *
 * The x* functions end the program with "tool: out of memory" and
 * EXIT_TEMPFAIL when the allocator refuses: no caller checks for NULL.
 */
#ifndef CREDPIPE_UTIL_H
#define CREDPIPE_UTIL_H

#include <stddef.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * Begin a command: getopt(3) names it as err(3) does, "job-status:
 * invalid option -- 'z'", not by the path it was run as.  Every main
 * calls it first.
 */
void cmd_begin(char **argv);

/* -V: print "tool VERSION" on stdout and exit 0. */
void print_version(void) __attribute__((noreturn));

/* Print "tool: out of memory" and exit EXIT_TEMPFAIL. */
void die_nomem(void) __attribute__((noreturn));

/*
 * Flush and close stdout; on failure print "tool: stdout: <reason>" and
 * exit EXIT_IOERR.  Every command that writes data calls this last, so
 * that a full disk or a closed pipe is an error, not silence.
 */
void close_stdout(void);

/* Parse a decimal number in [min, max] with nothing after it.  Return 0
 * and store it, or -1 (leaving *out alone). */
int parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out);

/*
 * A progress line on a terminal, redrawn in place:
 *
 *	[#########                     ] 90/300  90 sent, 0 failed
 *
 * Each draw starts with a carriage return, fits the line to the
 * terminal's width less one column, so that it never wraps (the bar
 * gives up columns first, down to 10, then the text is cut), and writes
 * spaces over whatever a longer line before it left.  Plain text: no
 * escape sequence, so it reads the same on any terminal.  Anything else
 * written to the terminal while a line is open goes after progress_end.
 */
struct progress {
	FILE *f;		/* the terminal it is drawn on */
	size_t shown;		/* columns of the line on screen; 0: none */
};

#define PROGRESS_INIT(f) { (f), 0 }

/* Draw the bar of done out of total and, after it, printf-style text. */
void progress_draw(struct progress *p, long long done, long long total,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* End the line on screen, if one is open, with a newline. */
void progress_end(struct progress *p);

/* Room for a time as ISO 8601 UTC, "2026-11-25T21:36:03Z", with NUL. */
#define ISO_TIME_MAX 21

/* Write Unix time t (0 to 9999-12-31T23:59:59Z) as ISO 8601 UTC into
 * out. */
void iso_time(long long t, char out[ISO_TIME_MAX]);

/* Parse "YYYY-MM-DDThh:mm:ssZ" exactly, from 1970 on, refusing impossible
 * dates (February 30).  Return 0 and store the Unix time, or -1.  Both
 * use the proleptic Gregorian calendar and no time zone data. */
int parse_iso_time(const char *s, long long *t);

#endif
