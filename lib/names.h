/*
 * names.h: the rules for what the operator and the members name things
 * by, in one place: the slugs of organizations and badges, names and
 * texts that credentials and mail show to people, member addresses and
 * credential ids.
 *
 * Pure: no store, no I/O.  A check that refuses says why in words that
 * follow its subject in a message, "the badge's name" and "must have 1 to
 * 256 characters"; each such reason is a static string, never freed.
 */
#ifndef CREDPIPE_NAMES_H
#define CREDPIPE_NAMES_H

#include "email.h"

/* The longest slug, in bytes. */
#define NAMES_SLUG_MAX 64

/* The most characters of a line (a name, a subject, a reason). */
#define NAMES_LINE_MAX 256

/*
 * A slug, the word an organization or a badge is known by in commands
 * and URLs: 1 to NAMES_SLUG_MAX lowercase ASCII letters, digits and
 * hyphens, not starting with a hyphen.  Return NULL when s is one, else
 * why not ("use 1 to 64 ...").
 */
const char *names_check_slug(const char *s);

/*
 * A line shown to people (a name, a mail's subject, the reason of a
 * revocation): UTF-8 of 1 to NAMES_LINE_MAX characters, none of them a
 * control character (utf8_find_control), so none a line end.  Return NULL
 * when s is one, else why not: "is not UTF-8", "must have 1 to 256
 * characters" or "must not hold control characters", in that order.
 */
const char *names_check_line(const char *s);

/*
 * A text of lines (a description, criteria, a mail's body): UTF-8,
 * perhaps empty, with no control character but LF.  Return NULL when s
 * is one, else why not: "is not UTF-8" or "must not hold control
 * characters but line ends".
 */
const char *names_check_lines(const char *s);

/*
 * An address as credpipe keeps it (a member's, an organization's, a
 * sender's): s checked by email_check (lib/email.h) and lowercased.
 * Return it as a new string the caller frees, or NULL with email_check's
 * reason in why.
 */
char *names_email(const char *s, char why[EMAIL_WHY_MAX]);

/*
 * Return 1 when s is a credential id as credpipe issues them,
 * "urn:uuid:" and a UUID of lowercase hex digits grouped 8-4-4-4-12;
 * else 0.
 */
int names_is_credential_id(const char *s);

#endif
