/* email.c: the recipient address rules; the contract is in email.h. */
#include <stdio.h>
#include <string.h>

#include "email.h"

static int
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* Say which character is wrong: 'x' when printable, U+00XX otherwise. */
static int
bad_char(char why[EMAIL_WHY_MAX], unsigned char c, const char *where)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(why, EMAIL_WHY_MAX, "invalid character '%c' in %s",
		    c, where);
	else
		snprintf(why, EMAIL_WHY_MAX, "invalid character U+%04X in %s",
		    c, where);
	return -1;
}

static int
fail(char why[EMAIL_WHY_MAX], const char *reason)
{
	snprintf(why, EMAIL_WHY_MAX, "%s", reason);
	return -1;
}

static int
check_local(const char *s, size_t n, char why[EMAIL_WHY_MAX])
{
	size_t i;

	if (n == 0)
		return fail(why, "nothing before the @ in email");
	if (n > 64)
		return fail(why, "local part of email longer than 64 octets");
	if (s[0] == '.')
		return fail(why, "email starts with a dot");
	if (s[n - 1] == '.')
		return fail(why, "dot just before the @ in email");
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return fail(why, "two dots in a row in email");
		} else if (!is_atext((unsigned char)s[i])) {
			return bad_char(why, (unsigned char)s[i],
			    "local part of email");
		}
	}
	return 0;
}

static int
check_domain(const char *s, size_t n, char why[EMAIL_WHY_MAX])
{
	size_t i, start = 0, labels = 0;

	if (n == 0)
		return fail(why, "nothing after the @ in email");
	for (i = 0; i <= n; i++) {
		size_t len;

		if (i < n && s[i] != '.') {
			if (!is_ldh((unsigned char)s[i]))
				return bad_char(why, (unsigned char)s[i],
				    "email domain");
			continue;
		}
		len = i - start;
		if (len == 0)
			return fail(why, "empty label in email domain");
		if (len > 63)
			return fail(why,
			    "email domain label longer than 63 octets");
		if (s[start] == '-')
			return fail(why,
			    "email domain label starts with a hyphen");
		if (s[i - 1] == '-')
			return fail(why,
			    "email domain label ends with a hyphen");
		labels++;
		start = i + 1;
	}
	if (labels < 2)
		return fail(why, "email domain needs a dot (two labels)");
	return 0;
}

int
email_check(char *s, size_t n, char why[EMAIL_WHY_MAX])
{
	char *at = NULL;
	size_t i;
	int ascii = 1;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			s[i] = (char)(c + ('a' - 'A'));
		else if (c >= 0x80)
			ascii = 0;
	}
	if (n == 0)
		return fail(why, "missing email");
	if (!ascii)
		return fail(why, "non-ASCII address");
	if (n > 254)
		return fail(why, "email longer than 254 octets");
	for (i = 0; i < n; i++) {
		if (s[i] != '@')
			continue;
		if (at)
			return fail(why, "more than one @ in email");
		at = s + i;
	}
	if (!at)
		return fail(why, "no @ in email");
	if (check_local(s, (size_t)(at - s), why) != 0)
		return -1;
	return check_domain(at + 1, n - (size_t)(at - s) - 1, why);
}
