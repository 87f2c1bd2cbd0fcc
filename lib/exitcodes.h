/*
 * exitcodes.h: the exit status of every credpipe command.
 *
 * Scripts react to these, so they never change meaning.  They follow
 * sysexits(3) where that has a code; 1 is the answer "no" to a question
 * the command was asked (csv-validate -x on a roster with invalid rows,
 * job-status -w on a job that ended with failures).  Every man page lists
 * the ones its command uses.
 */
#ifndef CREDPIPE_EXITCODES_H
#define CREDPIPE_EXITCODES_H

enum {
	EXIT_NO = 1,		/* done, and the answer is no */
	EXIT_USAGE = 64,	/* bad options or arguments */
	EXIT_DATAERR = 65,	/* bad input data */
	EXIT_NOINPUT = 66,	/* cannot open input */
	EXIT_UNAVAILABLE = 69,	/* service unavailable (SMTP down) */
	EXIT_SOFTWARE = 70,	/* internal error: a check of our own failed */
	EXIT_CANTCREAT = 73,	/* cannot create output */
	EXIT_IOERR = 74,	/* read or write error */
	EXIT_TEMPFAIL = 75,	/* temporary failure: busy, rate limited */
	EXIT_NOPERM = 77,	/* permission denied: key, role, plan */
	EXIT_CONFIG = 78	/* configuration error */
};

#endif
