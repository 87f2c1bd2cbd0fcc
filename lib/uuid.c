/* uuid.c: random UUIDs; the contract is in uuid.h. */
#include <sodium.h>
#include <stdio.h>

#include "sign.h"
#include "uuid.h"

void
uuid_urn(char out[UUID_URN_MAX])
{
	unsigned char b[16];

	sign_init();
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* variant 10 */
	snprintf(out, UUID_URN_MAX, "urn:uuid:%02x%02x%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
	    b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
	    b[13], b[14], b[15]);
}
