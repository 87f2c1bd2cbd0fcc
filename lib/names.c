/* names.c: the rules of slugs, lines, texts, addresses and credential
 * ids; the contract is in names.h. */
#include <stdlib.h>
#include <string.h>

#include "email.h"
#include "names.h"
#include "utf8.h"
#include "util.h"

const char *
names_check_slug(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || (s[i] == '-' && i > 0)))
			break;
	if (n == 0 || n > NAMES_SLUG_MAX || i < n)
		return "use 1 to 64 lowercase letters, digits and hyphens, "
		    "not starting with a hyphen";
	return NULL;
}

const char *
names_check_line(const char *s)
{
	size_t n = strlen(s);
	int partial;

	if (utf8_check(s, n, &partial) != n)
		return "is not UTF-8";
	if (n == 0 || utf8_count(s, n) > NAMES_LINE_MAX)
		return "must have 1 to 256 characters";
	if (utf8_find_control(s, n))
		return "must not hold control characters";
	return NULL;
}

const char *
names_check_lines(const char *s)
{
	const char *c = s;
	size_t n = strlen(s);
	int partial;

	if (utf8_check(s, n, &partial) != n)
		return "is not UTF-8";
	while ((c = utf8_find_control(c, n - (size_t)(c - s))) && *c == '\n')
		c++;
	return c ? "must not hold control characters but line ends" : NULL;
}

char *
names_email(const char *s, char why[EMAIL_WHY_MAX])
{
	char *e = xstrdup(s);

	if (email_check(e, strlen(e), why) == 0)
		return e;
	free(e);
	return NULL;
}

int
names_is_credential_id(const char *s)
{
	size_t i;

	if (strncmp(s, "urn:uuid:", 9) != 0 || strlen(s) != 45)
		return 0;
	for (i = 9; i < 45; i++) {
		int dash = i == 17 || i == 22 || i == 27 || i == 32;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return 0;
	}
	return 1;
}
