/*
 * files.h: whether a file credpipe keeps its secrets in may be trusted.
 *
 * Whoever can write the database is the operator, and whoever can read
 * the master key holds every signing key.  So a file is trusted only when
 * it is the operator's and nobody else could have made or changed it:
 *
 * - it is a regular file (not a link) owned by the user running the
 *   program;
 * - neither group nor others may write it, and for a secret (the master
 *   key) neither may read it;
 * - its directory is not writable by group or others, unless it is
 *   sticky (others cannot rename or delete what is not theirs) and owned
 *   by that user too.
 *
 * Refusals say what to run to mend them ("chmod 600 FILE", "chown USER
 * FILE") and are configuration errors (EXIT_CONFIG).
 */
#ifndef CREDPIPE_FILES_H
#define CREDPIPE_FILES_H

#include <sys/types.h>

/* Room for a refusal, with the NUL. */
#define FILES_WHY_MAX 512

/* What files_check is told of a file. */
#define FILES_SECRET	1	/* what it holds is a secret */
#define FILES_OPTIONAL	2	/* it need not be there: the -wal and -shm
				 * of a database come and go as others
				 * use it */

/*
 * Check the file at path for uid (the caller passes geteuid()), with
 * flags above.  Return 0, or EXIT_CONFIG with why; a file missing is
 * refused unless it is optional.
 */
int files_check(const char *path, int flags, uid_t uid,
    char why[FILES_WHY_MAX]);

/* Check the directory that holds path (which need not exist yet), as
 * above.  Return 0, or EXIT_CONFIG with why. */
int files_check_dir(const char *path, uid_t uid, char why[FILES_WHY_MAX]);

/*
 * Replace the file name in the directory open as dfd (called dir in
 * messages) by the n bytes at p, with mode: written to ".NAME.tmp"
 * beside it, synced, renamed over it and the directory synced, so that
 * a reader sees the old file or the new one, never a part.  Return 0, or
 * an exit status (EXIT_CANTCREAT, EXIT_IOERR) with why.
 */
int files_replace_at(int dfd, const char *dir, const char *name,
    const void *p, size_t n, mode_t mode, char why[FILES_WHY_MAX]);

/* The same for a path, in the directory it names. */
int files_replace(const char *path, const void *p, size_t n, mode_t mode,
    char why[FILES_WHY_MAX]);

#endif
