/*
 * mime.h: the email that carries a credential to its recipient
 * (man/credpipe.7, "What a recipient receives"), and the templates of its subject and body.
 *
 * mime_build writes one complete RFC 5322 message with CRLF line ends:
 *
 *	Date, From, To, Subject, Message-ID, MIME-Version, Content-Type
 *	multipart/mixed
 *	  multipart/alternative
 *	    text/plain; charset=utf-8, quoted-printable: the body
 *	    text/html; charset=utf-8, quoted-printable: the body as HTML
 *	  application/json, base64, attachment NAME.json: the credential
 *	  (credential.json, or attachment_name)
 *
 * and, when there is an image, the HTML part is a multipart/related of
 * the text/html and the image (image/png or image/svg+xml, base64,
 * Content-Disposition inline, Content-ID <image-UUID@DOMAIN>), which the
 * HTML shows first with <img src="cid:image-UUID@DOMAIN">.
 *
 * The HTML.  A whole document, charset UTF-8, titled with the subject;
 * its body is the image, if any, then what mime_expand_html wrote (or, by
 * default, the text of the body, escaped, in paragraphs).  Every text in
 * it is escaped (& < > " '), it has no script, no style, no form, and it
 * names no resource outside the message: nothing is loaded when it is
 * read, so nothing tells anyone it was.  Its only URLs are the links
 * mime_expand_html writes, which a reader may follow.  The html given
 * goes in as it is: it must be what mime_expand_html wrote.
 *
 * Headers.  Display names and the subject go out as they are when they
 * are plain ASCII words (a display name: atext words; a subject: any
 * printable ASCII words), each separated by one space; anything else is
 * written entirely as RFC 2047 encoded-words (UTF-8, Q encoding), so that
 * a decoder gets back exactly the text given.  Header lines are folded at
 * 76 columns.  The one exception is a token that cannot be folded: an
 * address, a Message-ID, a Content-ID or a file name parameter longer
 * than a line, which then stands alone on a continuation line (at most
 * 1 + 300 columns, below the 998 that RFC 5322 allows).
 *
 * What is refused.  Inputs come from the database, so mime_build trusts
 * none of them: the two addresses must pass email_check (lib/email.h);
 * display names and the subject must be valid UTF-8 without any control
 * character (U+0000-U+001F, U+007F-U+009F: no CR, LF or TAB), and are
 * refused otherwise rather than cleaned, since a name with a line break
 * in it means the data is not what the roster said; the body must be
 * valid UTF-8 (its line ends, LF, CRLF or CR, become CRLF), and so
 * must the HTML; the image must be a PNG or SVG image_sniff (image.h)
 * takes, and its text alternative a line as a name is; the attachment's
 * name 1 to 128 letters, digits, ".", "_" and "-", not starting with a
 * "."; the credential id must be "urn:uuid:" and a UUID; the domain must
 * be an LDH domain name.  Nothing from the inputs reaches a header
 * unencoded except checked addresses, the domain, the UUID and the
 * attachment's name.
 *
 * Message-ID is <UUID@DOMAIN>, from the credential id: a message sent
 * again for the same credential (after a crash) carries the same one.
 * The MIME boundaries start with "=_", which neither quoted-printable
 * nor base64 can produce, so they never occur in the content, and none
 * is the start of another.  Everything the message holds follows from
 * the inputs: the same inputs build the same bytes.
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
	const char *html;	/* the body as HTML, as mime_expand_html
				 * wrote it; NULL to make it from body */
	size_t html_len;	/* its length in bytes */
	const void *image;	/* a PNG or SVG the HTML shows; NULL for
				 * none */
	size_t image_len;	/* its length in bytes */
	const char *image_alt;	/* the image's text alternative (the
				 * badge's name); NULL for "" */
	const char *attachment_name; /* the credential's file name; NULL
				 * for "credential.json" */
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
	const char *file;		/* {{file}}: the attachment's name */
	const char *wallet;		/* {{wallet}}: the https URL of the
					 * wallet the organization
					 * recommends */
	const char *verifier;		/* {{verifier}}: of its verifier */
};

/*
 * Append the template tmpl to out with each placeholder {{NAME}} (spaces
 * allowed inside the braces: {{ name }}) replaced by its value.  Values
 * are inserted as they are and not expanded again.
 *
 * A section {{#NAME}}...{{/NAME}} stands for what it holds when NAME has
 * a value (not NULL, not ""), and for nothing otherwise; {{^NAME}}...
 * {{/NAME}} the other way round.  So a template can read right with and
 * without a link: "{{#wallet}}{{org}} recommends {{wallet}}.{{/wallet}}".
 * Sections do not nest.  A section tag alone on its line (white space
 * aside) takes the line with it, its line end included.
 *
 * Return 0, or -1 with a reason in why when the template holds an unknown
 * placeholder (a typo must not reach thousands of recipients), a "{{"
 * without its "}}", a section not closed, closed twice or inside another;
 * out is then as it was.  A tool that stores a template can check it with
 * any vars, all NULL included.
 */
int mime_expand(struct buf *out, const char *tmpl, const struct mime_vars *v,
    char why[MIME_WHY_MAX]);

/*
 * The same template as HTML, for mime_message's html: paragraphs (text
 * between blank lines) in <p>, other line ends as <br>, the white space
 * that starts a line dropped; the template's text and every value
 * escaped (& < > " '), each value isolated from the text around it
 * (<bdi>), so that a right-to-left name cannot reorder it; {{wallet}}
 * and {{verifier}} as links, <a href="URL">URL</a>.  Control characters
 * but TAB and the line ends are left out.  Return 0, or -1 with why as
 * mime_expand, and also when a link's value is not an https URL, or the
 * template or a value it shows is not valid UTF-8.
 */
int mime_expand_html(struct buf *out, const char *tmpl,
    const struct mime_vars *v, char why[MIME_WHY_MAX]);

#endif
