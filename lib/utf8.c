/* utf8.c: UTF-8 validation; the contract is in utf8.h. */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/*
 * Length of the sequence a lead byte starts, 0 for a byte that cannot
 * start one (continuation bytes, C0, C1, F5-FF).
 */
static int
seqlen(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	if (c < 0xf5)
		return 4;
	return 0;
}

size_t
utf8_check(const void *p, size_t n, int *partial)
{
	const unsigned char *s = p;
	size_t i = 0;

	*partial = 0;
	while (i < n) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xbf;
		int len, k;

		if (c < 0x80) {
			/* Skip ASCII eight bytes at a time: rosters are
			 * mostly ASCII. */
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			while (i < n && s[i] < 0x80)
				i++;
			continue;
		}
		len = seqlen(c);
		if (len == 0)
			return i;
		/* The second byte's range rules out overlong forms,
		 * surrogates and code points past U+10FFFF. */
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		for (k = 1; k < len; k++) {
			if (i + k >= n) {
				*partial = 1;
				return i;
			}
			if (s[i + k] < lo || s[i + k] > hi)
				return i;
			lo = 0x80, hi = 0xbf;
		}
		i += (size_t)len;
	}
	return n;
}

unsigned long
utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	unsigned long cp;
	int len = seqlen(s[0]), k;

	if (len <= 1) {
		*sp += 1;
		return s[0];
	}
	cp = s[0] & (0x7f >> len);
	for (k = 1; k < len; k++)
		cp = cp << 6 | (s[k] & 0x3f);
	*sp += len;
	return cp;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

const char *
utf8_find_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return s + i;
		/* U+0080-U+009F is encoded C2 80 - C2 9F. */
		if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return s + i;
	}
	return NULL;
}
