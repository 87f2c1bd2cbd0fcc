/* proof.c: eddsa-rdfc-2022 hashing, signing and checking; the contract is
 * in proof.h. */
#include <sodium.h>
#include <string.h>

#include "multibase.h"
#include "proof.h"

void
proof_hash(const char *proof_nq, size_t proof_len, const char *doc_nq,
    size_t doc_len, unsigned char hash[64])
{
	crypto_hash_sha256(hash, (const unsigned char *)proof_nq, proof_len);
	crypto_hash_sha256(hash + 32, (const unsigned char *)doc_nq, doc_len);
}

void
proof_sign(const unsigned char hash[64], const unsigned char sk[64],
    char value[PROOF_VALUE_MAX])
{
	unsigned char sig[crypto_sign_BYTES];

	crypto_sign_detached(sig, NULL, hash, 64, sk);
	value[0] = 'z';
	base58_encode(sig, sizeof sig, value + 1, PROOF_VALUE_MAX - 1);
}

int
proof_decode(const char *value, unsigned char sig[64])
{
	unsigned char tmp[PROOF_VALUE_MAX];

	if (value[0] != 'z' || strlen(value) >= PROOF_VALUE_MAX ||
	    base58_decode(value + 1, tmp, sizeof tmp) != 64)
		return -1;
	memcpy(sig, tmp, 64);
	return 0;
}

int
proof_verify(const unsigned char hash[64], const unsigned char pk[32],
    const char *value)
{
	unsigned char sig[64];

	if (proof_decode(value, sig) != 0)
		return -1;
	return crypto_sign_verify_detached(sig, hash, 64, pk) == 0 ? 0 : -1;
}
