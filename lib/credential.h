/*
 * credential.h: the credential a recipient receives (man/credpipe.7).
 *
 * An Open Badges 3.0 OpenBadgeCredential on the W3C Verifiable Credentials
 * Data Model 2.0, with a Data Integrity proof of cryptosuite
 * eddsa-rdfc-2022.  Its shape is fixed: struct credential holds every
 * value in it, one field for each, and nothing else varies.  That is what
 * lets canonical.c write the canonical form directly, and what lets a
 * verifier recompute that form from exactly what it read: credential_parse
 * refuses any property, type or shape that the struct cannot hold.
 *
 *	{
 *	  "@context": [ VC 2.0, Open Badges context-3.0.3.json ],
 *	  "id": "urn:uuid:...",
 *	  "type": [ "VerifiableCredential", "OpenBadgeCredential" ],
 *	  "name": NAME,
 *	  "issuer": { "id": "did:key:z6Mk...", "type": [ "Profile" ],
 *	              "name": ISSUER_NAME, "url": ..., "email": ...,
 *	              "description": ..., "image": { "id": ..., "type": "Image" } },
 *	  "validFrom": ..., "validUntil": ... (optional), "awardedDate": ...,
 *	  "credentialSubject": {
 *	    "type": [ "AchievementSubject" ],
 *	    "name": RECIPIENT_NAME,
 *	    "identifier": [ { "type": "IdentityObject",
 *	        "identityType": "emailAddress", "hashed": true,
 *	        "identityHash": "sha256$<hex>", "salt": SALT } ],
 *	    "achievement": { "id": IRI, "type": [ "Achievement" ],
 *	        "achievementType": ..., "name": ..., "description": ...,
 *	        "criteria": { "narrative": ... },
 *	        "image": { "id": ..., "type": "Image" } }
 *	  },
 *	  "credentialStatus": { "id": LIST "#" INDEX,
 *	    "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
 *	    "statusListIndex": INDEX, "statusListCredential": LIST },
 *	  "proof": [ { "type": "DataIntegrityProof",
 *	    "cryptosuite": "eddsa-rdfc-2022", "created": ...,
 *	    "verificationMethod": "did:key:z6Mk...#z6Mk...",
 *	    "proofPurpose": "assertionMethod", "proofValue": "z..." } ]
 *	}
 *
 * The issuer's url, email, description and image, the achievement's
 * achievementType and image, and the credentialStatus are there when
 * their fields are set, and only then.  The proof is an array of the one
 * proof, as the Open Badges 3.0 JSON Schema requires; a reader also takes
 * the single object that credentials issued before carry.
 *
 * The recipient's name is the AchievementSubject's "name" (schema.org
 * name, which the Open Badges 3.0 context defines for every node); the
 * email is only ever in the credential as a salted hash.
 *
 * Times are Unix seconds here and xsd:dateTime "YYYY-MM-DDThh:mm:ssZ" in
 * the document, from 1970 to 9999.  Every string is UTF-8 without NUL.
 *
 * Issuing, as the job worker does it:
 *
 *	char id[CREDENTIAL_ID_MAX], salt[CREDENTIAL_SALT_MAX];
 *	char hash[CREDENTIAL_HASH_MAX], why[CREDENTIAL_WHY_MAX];
 *	struct credential c = { 0 };
 *	struct buf json = BUF_INIT;
 *
 *	credential_new_id(id);
 *	credential_new_salt(salt);
 *	credential_identity_hash(email, salt, hash);
 *	c.id = id; c.name = badge_name; c.issuer_name = org_name;
 *	memcpy(c.issuer_pk, pk, 32);
 *	c.valid_from = c.awarded = c.created = now;
 *	c.valid_until = expires;	(0: the badge does not expire)
 *	c.recipient_name = name; c.identity_hash = hash; c.salt = salt;
 *	c.achievement_id = badge_iri; c.achievement_name = badge_name;
 *	c.achievement_description = ...; c.criteria = ...;
 *	if (credential_build_signed(&c, sk, &json, why) != 0)
 *		... refuse the item with why ...
 *	... json.p is the credential, json.len bytes ...
 *	buf_release(&json);
 *
 * No function keeps a pointer it was given once it returns, and none
 * frees what the caller passed; the caller owns the strings a struct
 * credential points to (credential_parse points them into its doc).
 */
#ifndef CREDPIPE_CREDENTIAL_H
#define CREDPIPE_CREDENTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "proof.h"

/* The two contexts, in this order. */
#define CREDENTIAL_CONTEXT_VC "https://www.w3.org/ns/credentials/v2"
#define CREDENTIAL_CONTEXT_OB \
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

/* Room, with the NUL, for: "urn:uuid:" and a UUID; a salt as
 * credential_new_salt makes it (32 hex digits); "sha256$" and 64 hex
 * digits; an xsd:dateTime; a reason. */
#define CREDENTIAL_ID_MAX 46
#define CREDENTIAL_SALT_MAX 33
#define CREDENTIAL_HASH_MAX 72
#define CREDENTIAL_TIME_MAX 21
#define CREDENTIAL_WHY_MAX 160

/* The largest credential JSON a reader accepts, in bytes. */
#define CREDENTIAL_JSON_MAX 1048576

/*
 * An image IRI is an https URL of at most CREDENTIAL_URL_MAX RFC 3986
 * characters, or a data URI of a PNG or an SVG image in base64,
 * "data:image/png;base64,..." or "data:image/svg+xml;base64,...", of at
 * most CREDENTIAL_IMAGE_URI_MAX characters (an image of 64 KiB).
 */
#define CREDENTIAL_URL_MAX 2048
#define CREDENTIAL_IMAGE_URI_MAX 87500
#define CREDENTIAL_STATUS_INDEX_MAX 2147483648UL

/* Whether s is an http or https URL (https only, when https), at most
 * CREDENTIAL_URL_MAX characters, all of RFC 3986; and whether s is an
 * image IRI as above. */
int credential_is_url(const char *s, int https);
int credential_is_image(const char *s);

/* Whether s is an achievementType credentials may carry. */
int credential_is_achievement_type(const char *s);

/* The latest time a credential can carry: 9999-12-31T23:59:59Z. */
#define CREDENTIAL_TIME_LAST INT64_C(253402300799)

struct credential {
	const char *id;			/* "urn:uuid:" + UUID, lowercase */
	const char *name;		/* the credential's name: the badge's */
	unsigned char issuer_pk[32];	/* the issuer's Ed25519 public key;
					 * its did:key is the issuer's id */
	const char *issuer_name;	/* the organization's name */
	int64_t valid_from;		/* validFrom */
	int64_t valid_until;		/* validUntil, after validFrom; 0 when
					 * the credential does not expire */
	int64_t awarded;		/* awardedDate */
	const char *recipient_name;	/* credentialSubject name */
	const char *identity_hash;	/* "sha256$" + hex(SHA-256(email +
					 * salt)), lowercase hex */
	const char *salt;		/* 1 to 64 lowercase hex digits */
	const char *achievement_id;	/* the badge: an absolute IRI of at
					 * most 2048 ASCII characters of RFC
					 * 3986, different from id */
	const char *achievement_name;
	const char *achievement_description;
	const char *criteria;		/* the criteria's narrative */

	/* Optional; NULL or "" for none. */
	const char *issuer_url;		/* an http or https URL */
	const char *issuer_email;	/* an address email_check takes */
	const char *issuer_description;
	const char *issuer_image;	/* an image IRI, see below */
	const char *achievement_type;	/* an Open Badges AchievementType,
					 * or "ext:" and [A-Za-z0-9._-] */
	const char *achievement_image;	/* an image IRI */
	const char *status_list;	/* the https URL of the status list
					 * credential; none: no
					 * credentialStatus */
	unsigned long status_index;	/* the credential's bit in it, below
					 * CREDENTIAL_STATUS_INDEX_MAX */

	int64_t created;		/* the proof's created */
	char proof_value[PROOF_VALUE_MAX];	/* "z" + base58btc of the
					 * signature; "" when unsigned */
};

/* A fresh random (version 4) id, "urn:uuid:...", and a fresh salt of 16
 * random bytes in hex.  libsodium must be initialised. */
void credential_new_id(char id[CREDENTIAL_ID_MAX]);
void credential_new_salt(char salt[CREDENTIAL_SALT_MAX]);

/* The identityHash of an email: "sha256$" + hex of SHA-256 of the email's
 * bytes followed by the salt's. */
void credential_identity_hash(const char *email, const char *salt,
    char hash[CREDENTIAL_HASH_MAX]);

/* Write t as "YYYY-MM-DDThh:mm:ssZ"; t must be in 0 to
 * CREDENTIAL_TIME_LAST. */
void credential_format_time(int64_t t, char out[CREDENTIAL_TIME_MAX]);

/* Parse exactly that form (no fraction, no other zone) into *t.  Return 0,
 * or -1 for anything else, an impossible date included. */
int credential_parse_time(const char *s, int64_t *t);

/*
 * Check every field of c against the rules written beside it in struct
 * credential (the proof_value only for its form, when it is not "").
 * Return 0, or -1 with the first problem in why ("'achievement_id' is not
 * an absolute IRI").
 */
int credential_check(const struct credential *c,
    char why[CREDENTIAL_WHY_MAX]);

/*
 * Append c as JSON to out: the shape above, two-space indented, with the
 * proof when c->proof_value is not "".  Return 0, or -1 with why when
 * credential_check refuses c (then nothing is appended).
 */
int credential_write_json(const struct credential *c, struct buf *out,
    char why[CREDENTIAL_WHY_MAX]);

/*
 * Sign c with the issuer's secret key sk (libsodium's 64-byte Ed25519
 * secret key, whose public half must be c->issuer_pk), setting
 * c->proof_value, and append the signed credential as JSON to out.  The
 * proof covers the canonical form of the document and of the proof
 * options (see canonical.h).  Return 0, or -1 with why (and proof_value
 * "") when c is refused or its canonical form cannot be made.  sk is read,
 * never copied.
 */
int credential_build_signed(struct credential *c, const unsigned char sk[64],
    struct buf *out, char why[CREDENTIAL_WHY_MAX]);

/*
 * Fill c from a parsed JSON document.  Its strings then point into doc and
 * live as long as it does.  Return 0, or -1 with why when doc is not a
 * credential of the shape above: a property missing or unknown, a value of
 * another type or form, a verificationMethod that is not the issuer's key.
 * Members may come in any order, a "type" may list its names in any
 * order and one name may stand alone as a string, and "identifier" may be
 * its object alone: none of this changes the credential's meaning.  A missing proof is no error here (proof_value is
 * then "").  When the id has been read, c->id is set even on failure.
 */
int credential_parse(struct credential *c, const struct json *doc,
    char why[CREDENTIAL_WHY_MAX]);

/*
 * Check the proof of c with c->issuer_pk: recompute the canonical forms
 * from c and verify the signature.  Return 0 when it holds, or -1 with
 * why: "no proof", "signature does not match", ...  Times are not looked
 * at: the caller decides what expiry means to it.
 */
int credential_verify(const struct credential *c,
    char why[CREDENTIAL_WHY_MAX]);

/*
 * The status list credential an organization publishes (W3C Bitstring
 * Status List v1.0), of one fixed shape too, signed as a credential is:
 *
 *	{
 *	  "@context": [ VC 2.0 ],
 *	  "id": URL,
 *	  "type": [ "VerifiableCredential", "BitstringStatusListCredential" ],
 *	  "issuer": "did:key:z6Mk...",
 *	  "validFrom": ...,
 *	  "credentialSubject": { "id": URL "#list",
 *	    "type": "BitstringStatusList", "statusPurpose": "revocation",
 *	    "encodedList": "u..." },
 *	  "proof": [ { ... as a credential's ... } ]
 *	}
 *
 * It has no validUntil: it stands until a newer one replaces it.
 */
struct credential_list {
	const char *id;			/* its https URL, no fragment */
	unsigned char issuer_pk[32];
	int64_t valid_from;
	const char *encoded_list;	/* "u" + base64url(GZIP(bits)), see
					 * bitstring.h */
	int64_t created;		/* the proof's created */
	char proof_value[PROOF_VALUE_MAX];	/* "" when unsigned */
};

/* Sign l with sk (whose public half is l->issuer_pk) and append it as
 * JSON to out; 0, or -1 with why. */
int credential_list_build_signed(struct credential_list *l,
    const unsigned char sk[64], struct buf *out,
    char why[CREDENTIAL_WHY_MAX]);

/* Fill l from a parsed document, its strings pointing into doc; 0, or -1
 * with why when it is not a status list credential of the shape above. */
int credential_list_parse(struct credential_list *l, const struct json *doc,
    char why[CREDENTIAL_WHY_MAX]);

/* Check l's proof against l->issuer_pk; 0, or -1 with why. */
int credential_list_verify(const struct credential_list *l,
    char why[CREDENTIAL_WHY_MAX]);

#endif
