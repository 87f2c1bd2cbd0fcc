/* uuid.h: random (version 4) UUIDs, RFC 9562. */
#ifndef CREDPIPE_UUID_H
#define CREDPIPE_UUID_H

/* Room for "urn:uuid:" and a UUID, with the NUL. */
#define UUID_URN_MAX 46

/* Write "urn:uuid:xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lowercase, from
 * 122 random bits, into out. */
void uuid_urn(char out[UUID_URN_MAX]);

#endif
