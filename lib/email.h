/*
 * email.h: the recipient address rules of a roster (man/csv-validate.1).
 *
 * Deliberately narrower than RFC 5322: an address a mail system delivers
 * without surprises and that is safe in a header and an SMTP envelope.
 * One @; a local part that is a dot-atom of atext, at most 64 octets; a
 * domain of two or more LDH labels of 1-63 octets, no hyphen at either
 * end of a label; at most 254 octets in all; ASCII only.
 */
#ifndef CREDPIPE_EMAIL_H
#define CREDPIPE_EMAIL_H

#include <stddef.h>

/* Room for any reason email_check writes, with its NUL. */
#define EMAIL_WHY_MAX 64

/*
 * Lowercase the ASCII letters of the n bytes at s in place (the length
 * does not change), then check them as a trimmed address.  Return 0 when
 * the address is valid.  Otherwise return -1 and write a reason a person
 * understands ("no @ in email", "non-ASCII address", ...) into why, which
 * has room for EMAIL_WHY_MAX bytes.
 */
int email_check(char *s, size_t n, char why[EMAIL_WHY_MAX]);

#endif
