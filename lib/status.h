/*
 * status.h: revocation the world can check, with W3C Bitstring Status
 * List v1.0.
 *
 * Every credential an organization issues carries an entry of one of its
 * status lists (store.h): the list credential at URL BASE/N.json, BASE
 * the organization's status URL, and an index in it.  Publishing writes
 * each list, as a status list credential (credential.h) signed with the
 * key its credentials are signed with, into a directory DIR as the file
 * DIR/NAME, NAME the last path segment of its URL; the operator serves DIR
 * at BASE from any static web server, or copies it there.  A verifier
 * fetches the list its credential names and looks at its bit: set means
 * revoked.
 *
 * A list file is the same bytes from one publication to the next until a
 * bit of it changes: it is dated (validFrom and the proof's created) by
 * the latest revocation among its credentials, or by its start, and an
 * Ed25519 signature of the same bytes is the same.  So a publication that
 * changes nothing writes nothing, and a file's mtime says when it last
 * changed, which suits caches and mirrors.
 *
 * Checking (credential-verify -s) works on such a directory offline, as
 * a verifier that fetched the lists would: the file of a credential's
 * statusListCredential must be a list of exactly that URL, signed by the
 * credential's issuer.  Each list is read and decoded once a run, however
 * many credentials point into it.
 */
#ifndef CREDPIPE_STATUS_H
#define CREDPIPE_STATUS_H

#include "credential.h"
#include "sign.h"
#include "store.h"

/* Room for a reason, with the NUL: it may name a URL and a path. */
#define STATUS_WHY_MAX (2 * CREDENTIAL_URL_MAX + 4096)

/* Room for a list file's name, with the NUL. */
#define STATUS_NAME_MAX 256

/* The largest list file the checker reads: a list of 16 Mi entries that
 * does not compress, in base64, and room to spare. */
#define STATUS_FILE_MAX 4194304

/*
 * The file name of the list at url: its last path segment, which must be
 * 1 to STATUS_NAME_MAX - 1 characters of [A-Za-z0-9._-] not starting
 * with a dot (no query, no fragment).  Return 0 with it in name, or -1.
 */
int status_file_name(const char *url, char name[STATUS_NAME_MAX]);

/* What publishing did with one list, for the caller to report. */
struct status_published {
	const char *file;	/* DIR/NAME */
	const char *url;	/* the list's URL, its credential's id */
	unsigned long entries;	/* entries given out to credentials */
	unsigned long revoked;	/* of which revoked: the bits set */
	int written;		/* 1: written; 0: the file held these bytes
				 * already and was left alone */
};

typedef void status_published_fn(const struct status_published *p,
    void *arg);

/*
 * Publish every status list of organization org_id into dir, creating
 * dir (mode 0755) when it is missing.  Each list's revoked entries are
 * its bits; it is signed with its own signing key, unsealed with m, and
 * dated by its `changed` (store.h).  A file whose bytes differ from the
 * new ones is replaced atomically (dir/.NAME.tmp written and synced,
 * renamed over dir/NAME, dir synced), mode 0644; one that holds them
 * already is not touched.  fn is called for each list, oldest first, once
 * its file is in place.
 *
 * It reads the database in one read transaction of its own (the caller
 * holds none).  Every key is unsealed before any file is written, so
 * that a key that cannot be unsealed writes nothing.  Return 0, or an
 * exit status with why: EXIT_CONFIG for a key that cannot be unsealed,
 * EXIT_CANTCREAT when dir or a file cannot be created, EXIT_IOERR for a
 * failed write, sync or rename (files already replaced stay replaced:
 * each is whole, old or new).
 */
int status_publish(struct store *s, const struct sign_master *m,
    long long org_id, const char *dir, status_published_fn *fn, void *arg,
    char why[STATUS_WHY_MAX]);

/* A directory of published lists, read as credentials need them. */
struct status_dir;

/* Open the directory path for status_check.  Return it, or NULL with
 * errno set when it cannot be opened as a directory.  status_dir_free
 * frees it (NULL is allowed). */
struct status_dir *status_dir_open(const char *path);
void status_dir_free(struct status_dir *d);

/* What status_check found. */
enum status_verdict {
	STATUS_GOOD,		/* not revoked, or no credentialStatus */
	STATUS_REVOKED,		/* its entry is set */
	STATUS_UNKNOWN		/* its list is missing or not to be trusted */
};

/*
 * Check the status of a parsed credential (whose proof the caller has
 * checked) against the list files of d: the file of its
 * statusListCredential, at most STATUS_FILE_MAX bytes, must parse as a
 * status list credential whose proof verifies, whose id is exactly that
 * URL and whose issuer is the credential's.  Lists are kept, parsed and
 * decoded, for the life of d.  A credential without credentialStatus is
 * STATUS_GOOD.  For STATUS_REVOKED and STATUS_UNKNOWN, why says it:
 * "revoked (status list URL entry N)", "status list URL is not in DIR",
 * "status list URL: signature does not match", "status list URL is not
 * signed by the credential's issuer", ...
 */
enum status_verdict status_check(struct status_dir *d,
    const struct credential *c, char why[STATUS_WHY_MAX]);

#endif
