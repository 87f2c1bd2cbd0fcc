/* multibase.c: base58btc and multibase keys; the contract is in
 * multibase.h. */
#include <stdio.h>
#include <string.h>

#include "multibase.h"

static const char alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

size_t
base58_encode(const unsigned char *in, size_t n, char *out, size_t outsize)
{
	unsigned char digits[256];	/* base-58 digits, least first */
	size_t ndigits = 0, zeros = 0, i, j, len;

	if (n > 180)
		return 0;		/* our inputs are keys and signatures */
	while (zeros < n && in[zeros] == 0)
		zeros++;
	for (i = zeros; i < n; i++) {
		unsigned carry = in[i];

		for (j = 0; j < ndigits; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry) {
			digits[ndigits++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	len = zeros + ndigits;
	if (len + 1 > outsize)
		return 0;
	for (i = 0; i < zeros; i++)
		out[i] = '1';
	for (j = 0; j < ndigits; j++)
		out[zeros + j] = alphabet[digits[ndigits - 1 - j]];
	out[len] = '\0';
	return len;
}

long
base58_decode(const char *s, unsigned char *out, size_t outsize)
{
	unsigned char bytes[256];	/* base-256 digits, least first */
	size_t nbytes = 0, zeros = 0, i, j;

	while (s[zeros] == '1')
		zeros++;
	for (i = zeros; s[i]; i++) {
		const char *p = strchr(alphabet, s[i]);
		unsigned carry;

		if (!p || !*p)
			return -1;
		carry = (unsigned)(p - alphabet);
		for (j = 0; j < nbytes; j++) {
			carry += (unsigned)bytes[j] * 58;
			bytes[j] = (unsigned char)carry;
			carry >>= 8;
		}
		while (carry) {
			if (nbytes == sizeof bytes)
				return -1;
			bytes[nbytes++] = (unsigned char)carry;
			carry >>= 8;
		}
	}
	if (zeros + nbytes > outsize)
		return -1;
	memset(out, 0, zeros);
	for (j = 0; j < nbytes; j++)
		out[zeros + j] = bytes[nbytes - 1 - j];
	return (long)(zeros + nbytes);
}

/* Multibase of a two-byte multicodec prefix and a 32-byte key. */
static void
encode_key(unsigned char c0, unsigned char c1, const unsigned char key[32],
    char out[MULTIBASE_KEY_MAX])
{
	unsigned char buf[34];

	buf[0] = c0;
	buf[1] = c1;
	memcpy(buf + 2, key, 32);
	out[0] = 'z';
	base58_encode(buf, sizeof buf, out + 1, MULTIBASE_KEY_MAX - 1);
}

static int
parse_key(const char *s, unsigned char c0, unsigned char c1,
    unsigned char key[32])
{
	unsigned char buf[40];

	if (s[0] != 'z' || base58_decode(s + 1, buf, sizeof buf) != 34 ||
	    buf[0] != c0 || buf[1] != c1)
		return -1;
	memcpy(key, buf + 2, 32);
	return 0;
}

void
multibase_ed25519_pub(const unsigned char pk[32], char out[MULTIBASE_KEY_MAX])
{
	encode_key(0xed, 0x01, pk, out);
}

int
multibase_parse_ed25519_pub(const char *s, unsigned char pk[32])
{
	return parse_key(s, 0xed, 0x01, pk);
}

int
multibase_parse_ed25519_seed(const char *s, unsigned char seed[32])
{
	return parse_key(s, 0x80, 0x26, seed);
}

void
didkey_from_ed25519(const unsigned char pk[32], char out[DIDKEY_MAX])
{
	memcpy(out, "did:key:", 8);
	multibase_ed25519_pub(pk, out + 8);
}

void
didkey_vm_from_ed25519(const unsigned char pk[32], char out[DIDKEY_VM_MAX])
{
	char mb[MULTIBASE_KEY_MAX];

	multibase_ed25519_pub(pk, mb);
	snprintf(out, DIDKEY_VM_MAX, "did:key:%s#%s", mb, mb);
}

int
didkey_to_ed25519(const char *did, unsigned char pk[32])
{
	char mb[MULTIBASE_KEY_MAX];
	const char *hash;
	size_t n;

	if (strncmp(did, "did:key:", 8) != 0)
		return -1;
	did += 8;
	hash = strchr(did, '#');
	n = hash ? (size_t)(hash - did) : strlen(did);
	if (n >= sizeof mb)
		return -1;
	memcpy(mb, did, n);
	mb[n] = '\0';
	if (hash && strcmp(hash + 1, mb) != 0)
		return -1;
	return multibase_parse_ed25519_pub(mb, pk);
}
