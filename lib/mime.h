/*
 * mime.h: the email that carries a credential to its recipient
 * (DESIGN.md section 7), and the templates of its subject and body.
 *
 * mime_build writes one complete RFC 5322 message with CRLF line ends:
 *
 *	Date, From, To, Subject, Message-ID, MIME-Version, Content-Type
 *	multipart/mixed
 *	  text/plain; charset=utf-8, quoted-printable: the body
 *	  application/json, base64, attachment "credential.json"
 *
 * Headers.  Display names and the subject go out as they are when they
 * are plain ASCII words (a display name: atext words; a subject: any
 * printable ASCII words), each separated by one space; anything else is
 * written entirely as RFC 2047 encoded-words (UTF-8, Q encoding), so that
 * a decoder gets back exactly the text given.  Header lines are folded at
 * 76 columns.  The one exception is a token that cannot be folded: an
 * address or a Message-ID longer than a line, which then stands alone on
 * a continuation line (at most 1 + 256 columns, below the 998 that
 * RFC 5322 allows).
 *
 * What is refused.  Inputs come from the database, so mime_build trusts
 * none of them: the two addresses must pass email_check (lib/email.h);
 * display names and the subject must be valid UTF-8 without any control
 * character (U+0000-U+001F, U+007F-U+009F: no CR, LF or TAB), and are
 * refused otherwise rather than cleaned, since a name with a line break
 * in it means the data is not what the roster said; the body must be
 * valid UTF-8 (its line ends, LF, CRLF or CR, become CRLF); the
 * credential id must be "urn:uuid:" and a UUID; the domain must be an
 * LDH domain name.  Nothing from the inputs reaches a header unencoded
 * except checked addresses, the domain and the UUID.
 *
 * Message-ID is <UUID@DOMAIN>, from the credential id: a message sent
 * again for the same credential (after a crash) carries the same one.
 * The MIME boundary starts with "=_", which neither quoted-printable nor
 * base64 can produce, so it never occurs in the content.  Everything the
 * message holds follows from the inputs: the same inputs build the same
 * bytes.
 */
#ifndef CREDPIPE_MIME_H
#define CREDPIPE_MIME_H

#include <stddef.h>

#include "buf.h"

/* Room for any reason mime_build or mime_expand writes, with its NUL. */
#define MIME_WHY_MAX 128

struct mime_message {
	const char *from_addr;	/* the sender's address */
	const char *from_name;	/* the sender's display name; NULL or ""
				 * for none */
	const char *to_addr;	/* the recipient's address */
	const char *to_name;	/* the recipient's display name; NULL or ""
				 * for none */
	const char *subject;	/* UTF-8, one line */
	const char *body;	/* the text of the body, UTF-8 */
	size_t body_len;	/* its length in bytes */
	const void *attachment;	/* the credential JSON */
	size_t attachment_len;	/* its length in bytes */
	const char *credential_id; /* "urn:uuid:..." */
	long long date;		/* Unix seconds, written as UTC */
	const char *domain;	/* right-hand side of the Message-ID; NULL
				 * for the domain of from_addr */
};

/*
 * Append the message to out.  Return 0, or -1 with a reason in why
 * ("recipient address: no @ in email", "subject: control character
 * U+000A") and out as it was.  The reason never quotes the input.
 */
int mime_build(struct buf *out, const struct mime_message *m,
    char why[MIME_WHY_MAX]);

/* The values a template may name; a NULL value expands to nothing. */
struct mime_vars {
	const char *name;		/* {{name}}: the recipient's name */
	const char *badge;		/* {{badge}}: the badge's name */
	const char *org;		/* {{org}}: the organization's name */
	const char *credential_id;	/* {{credential_id}} */
	const char *valid_until;	/* {{valid_until}}: the expiry */
};

/*
 * Append the template tmpl to out with each placeholder {{NAME}} (spaces
 * allowed inside the braces: {{ name }}) replaced by its value.  Values
 * are inserted as they are and not expanded again.  Return 0, or -1 with
 * a reason in why when the template holds an unknown placeholder (a typo
 * must not reach thousands of recipients) or a "{{" without its "}}"; out
 * is then as it was.  A tool that stores a template can check it with
 * any vars, all NULL included.
 */
int mime_expand(struct buf *out, const char *tmpl, const struct mime_vars *v,
    char why[MIME_WHY_MAX]);

#endif
