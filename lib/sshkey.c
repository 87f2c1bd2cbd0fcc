/* sshkey.c: OpenSSH public keys; the contract is in sshkey.h. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshkey.h"
#include "utf8.h"
#include "util.h"

/* The fields after the type in each key's wire form (RFC 4253 6.6,
 * RFC 5656 3.1, PROTOCOL.u2f): s a string, m an mpint. */
static const struct {
	const char *type;
	const char *fields;
} types[] = {
	{ "ssh-ed25519", "s" },
	{ "ecdsa-sha2-nistp256", "ss" },
	{ "ecdsa-sha2-nistp384", "ss" },
	{ "ecdsa-sha2-nistp521", "ss" },
	{ "sk-ssh-ed25519@openssh.com", "ss" },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", "sss" },
	{ "ssh-rsa", "mm" },
};

#define RSA_BITS_MIN 2048

static int
refuse(char why[SSHKEY_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, SSHKEY_WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* Take the next string of the wire form at *p (n bytes left): its bytes
 * in *s, *len.  Return 0, or -1 when it runs past the end. */
static int
take(const unsigned char **p, size_t *n, const unsigned char **s,
    size_t *len)
{
	unsigned long l;

	if (*n < 4)
		return -1;
	l = (unsigned long)(*p)[0] << 24 | (unsigned long)(*p)[1] << 16 |
	    (unsigned long)(*p)[2] << 8 | (*p)[3];
	if (l > *n - 4)
		return -1;
	*s = *p + 4;
	*len = l;
	*p += 4 + l;
	*n -= 4 + l;
	return 0;
}

/* Check the decoded key against its type. */
static int
check_wire(const char *type, const char *fields, const unsigned char *p,
    size_t n, char why[SSHKEY_WHY_MAX])
{
	const unsigned char *s;
	size_t len, bits = 0;
	unsigned char c;
	int i;

	if (take(&p, &n, &s, &len) != 0 || len != strlen(type) ||
	    memcmp(s, type, len) != 0)
		return refuse(why, "the key is not the %s its line says", type);
	for (i = 0; fields[i]; i++) {
		if (take(&p, &n, &s, &len) != 0)
			return refuse(why, "the %s key is cut short", type);
		if (fields[i] == 'm' && len > 0 && (s[0] & 0x80))
			return refuse(why, "the %s key has a negative number",
			    type);
		if (fields[i] == 'm' && i == 1) {
			while (len > 0 && s[0] == 0)
				s++, len--;
			bits = len * 8;
			for (c = len ? s[0] : 0x80; !(c & 0x80); c <<= 1)
				bits--;
		}
	}
	if (n != 0)
		return refuse(why, "the %s key has bytes past its end", type);
	if (strcmp(type, "ssh-rsa") == 0 && bits < RSA_BITS_MIN)
		return refuse(why, "an RSA key of %zu bits is too weak; use one "
		    "of %d bits or more, or better ssh-ed25519", bits,
		    RSA_BITS_MIN);
	if (strcmp(type, "ssh-ed25519") == 0 && len != 32)
		return refuse(why, "the ssh-ed25519 key is not 32 bytes");
	return 0;
}

int
sshkey_parse(struct sshkey *k, const char *line, char why[SSHKEY_WHY_MAX])
{
	static const char sp[] = " \t";
	const char *p = line, *fields = NULL;
	unsigned char *bin = NULL, hash[crypto_hash_sha256_BYTES];
	size_t n, len, binlen, i;
	int partial, rc;

	memset(k, 0, sizeof *k);
	p += strspn(p, sp);
	n = strcspn(p, sp);
	for (i = 0; i < sizeof types / sizeof *types; i++)
		if (strlen(types[i].type) == n &&
		    memcmp(types[i].type, p, n) == 0)
			fields = types[i].fields;
	if (!fields) {
		if (n == 7 && memcmp(p, "ssh-dss", 7) == 0)
			return refuse(why, "DSA keys are no longer safe; use "
			    "ssh-ed25519");
		return refuse(why, "not an OpenSSH public key (type "
		    "ssh-ed25519, ecdsa-sha2-*, sk-* or ssh-rsa, then the "
		    "key); give the .pub file");
	}
	memcpy(k->type, p, n);
	k->type[n] = '\0';
	p += n;
	p += strspn(p, sp);
	len = strcspn(p, sp);
	if (len == 0)
		return refuse(why, "the %s key is missing after its type",
		    k->type);
	if (len > SSHKEY_BLOB_MAX)
		return refuse(why, "the key is longer than %d characters",
		    SSHKEY_BLOB_MAX);
	k->blob = xstrndup(p, len);
	bin = xmalloc(len);
	if (sodium_base642bin(bin, len, k->blob, len, NULL, &binlen, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(bin);
		return refuse(why, "the key is not base64");
	}
	rc = check_wire(k->type, fields, bin, binlen, why);
	crypto_hash_sha256(hash, bin, binlen);
	free(bin);
	if (rc != 0)
		return rc;
	memcpy(k->fingerprint, "SHA256:", 7);
	sodium_bin2base64(k->fingerprint + 7, sizeof k->fingerprint - 7, hash,
	    sizeof hash, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);

	p += len;
	p += strspn(p, sp);
	n = strlen(p);
	while (n && strchr(sp, p[n - 1]))
		n--;
	if (utf8_check(p, n, &partial) != n)
		return refuse(why, "the comment is not UTF-8");
	if (utf8_find_control(p, n))
		return refuse(why, "the comment holds a control character");
	if (utf8_count(p, n) > SSHKEY_COMMENT_MAX)
		return refuse(why, "the comment is longer than %d characters",
		    SSHKEY_COMMENT_MAX);
	k->comment = xstrndup(p, n);
	return 0;
}

void
sshkey_release(struct sshkey *k)
{
	free(k->blob);
	free(k->comment);
	memset(k, 0, sizeof *k);
}
