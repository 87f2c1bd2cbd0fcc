/*
 * credential.c: the Open Badges 3.0 credential, written and read; the
 * contract is in credential.h.
 *
 * The writer and the reader know the same fixed shape.  The reader walks
 * the parsed JSON with the list of members each object may have, so that
 * a member it does not know is refused rather than skipped: a verifier
 * that skipped one would vouch for text it never checked.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "canonical.h"
#include "credential.h"
#include "email.h"
#include "json.h"
#include "multibase.h"
#include "names.h"
#include "proof.h"
#include "utf8.h"
#include "util.h"
#include "uuid.h"

#define ACHIEVEMENT_ID_MAX 2048
#define SALT_LEN_MAX 64

/* ---- identifiers, salts and times ---- */

static void
put_hex(char *out, const unsigned char *p, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, p, n);
}

void
credential_new_id(char id[CREDENTIAL_ID_MAX])
{
	uuid_urn(id);
}

void
credential_new_salt(char salt[CREDENTIAL_SALT_MAX])
{
	unsigned char r[16];

	randombytes_buf(r, sizeof r);
	put_hex(salt, r, sizeof r);
}

void
credential_identity_hash(const char *email, const char *salt,
    char hash[CREDENTIAL_HASH_MAX])
{
	crypto_hash_sha256_state st;
	unsigned char h[32];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)email,
	    strlen(email));
	crypto_hash_sha256_update(&st, (const unsigned char *)salt,
	    strlen(salt));
	crypto_hash_sha256_final(&st, h);
	memcpy(hash, "sha256$", 7);
	put_hex(hash + 7, h, sizeof h);
}

void
credential_format_time(int64_t t, char out[CREDENTIAL_TIME_MAX])
{
	iso_time(t, out);
}

int
credential_parse_time(const char *s, int64_t *t)
{
	long long v;

	if (parse_iso_time(s, &v) != 0)
		return -1;
	*t = v;
	return 0;
}

/* ---- the rules of each field ---- */

static int
is_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/*
 * An absolute IRI we can put in a credential as it is: scheme http, https
 * or urn, then only characters that RFC 3986 allows in a URI.  Neither
 * JSON nor N-Quads then escapes anything, and no JSON-LD processor reads
 * the scheme as a prefix its contexts define.
 */
static int
is_iri(const char *s)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%";
	size_t n = strlen(s), rest;

	if (strncmp(s, "https:", 6) == 0)
		rest = 6;
	else if (strncmp(s, "http:", 5) == 0 || strncmp(s, "urn:", 4) == 0)
		rest = s[3] == ':' ? 4 : 5;
	else
		return 0;
	return n > rest && n <= ACHIEVEMENT_ID_MAX &&
	    strspn(s, allowed) == n;
}

int
credential_is_url(const char *s, int https)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%";
	size_t n = strlen(s), rest;

	if (strncmp(s, "https://", 8) == 0)
		rest = 8;
	else if (!https && strncmp(s, "http://", 7) == 0)
		rest = 7;
	else
		return 0;
	return n > rest && n <= CREDENTIAL_URL_MAX && strspn(s, allowed) == n &&
	    s[rest] != '/';
}

int
credential_is_image(const char *s)
{
	static const char *const heads[] = { "data:image/png;base64,",
	    "data:image/svg+xml;base64," };
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	size_t i, n = strlen(s), h, body, pad;

	if (credential_is_url(s, 1))
		return 1;
	for (i = 0; i < sizeof heads / sizeof *heads; i++)
		if (strncmp(s, heads[i], strlen(heads[i])) == 0)
			break;
	if (i == sizeof heads / sizeof *heads || n > CREDENTIAL_IMAGE_URI_MAX)
		return 0;
	h = strlen(heads[i]);
	body = strspn(s + h, b64);
	pad = strspn(s + h + body, "=");
	return body > 0 && h + body + pad == n && (body + pad) % 4 == 0 &&
	    pad <= 2;
}

int
credential_is_achievement_type(const char *s)
{
	static const char *const types[] = { "Achievement",
	    "ApprenticeshipCertificate", "Assessment", "Assignment",
	    "AssociateDegree", "Award", "Badge", "BachelorDegree",
	    "Certificate", "CertificateOfCompletion", "Certification",
	    "CommunityService", "Competency", "Course", "CoCurricular",
	    "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
	    "GeneralEducationDevelopment", "JourneymanCertificate",
	    "LearningProgram", "License", "Membership",
	    "ProfessionalDoctorate", "QualityAssuranceCredential",
	    "MasterCertificate", "MasterDegree", "MicroCredential",
	    "ResearchDoctorate", "SecondarySchoolDiploma" };
	static const char ext[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789.-_";
	size_t i;

	for (i = 0; i < sizeof types / sizeof *types; i++)
		if (strcmp(s, types[i]) == 0)
			return 1;
	return strncmp(s, "ext:", 4) == 0 && s[4] && strlen(s) <= 128 &&
	    strspn(s + 4, ext) == strlen(s + 4);
}

/* An address as email_check takes it, in lowercase already. */
static int
is_email(const char *s)
{
	char copy[256], why[EMAIL_WHY_MAX];
	size_t n = strlen(s);

	if (n >= sizeof copy)
		return 0;
	memcpy(copy, s, n + 1);
	return email_check(copy, n, why) == 0 && strcmp(copy, s) == 0;
}

/* Whether an optional field is there. */
static int
present(const char *s)
{
	return s && *s;
}

static int
is_text(const char *s)
{
	int partial;
	size_t n = strlen(s);

	return utf8_check(s, n, &partial) == n;
}

static int fail(char why[CREDENTIAL_WHY_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write the message into why; return -1. */
static int
fail(char why[CREDENTIAL_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, CREDENTIAL_WHY_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

static int
check_time(int64_t t, const char *path, char why[CREDENTIAL_WHY_MAX])
{
	if (t < 0 || t > CREDENTIAL_TIME_LAST)
		return fail(why, "'%s' is not a time from 1970 to 9999", path);
	return 0;
}

int
credential_check(const struct credential *c, char why[CREDENTIAL_WHY_MAX])
{
	const struct {
		const char *s, *path;
		int empty_ok;
	} texts[] = {
		{ c->name, "name", 0 },
		{ c->issuer_name, "issuer.name", 0 },
		{ c->recipient_name, "credentialSubject.name", 0 },
		{ c->achievement_name, "credentialSubject.achievement.name",
		    0 },
		{ c->achievement_description,
		    "credentialSubject.achievement.description", 1 },
		{ c->criteria,
		    "credentialSubject.achievement.criteria.narrative", 1 },
	};
	unsigned char sig[64];
	size_t i, n;

	if (!c->id || !names_is_credential_id(c->id))
		return fail(why, "'%s' is not a urn:uuid: of lowercase hex "
		    "digits", "id");
	for (i = 0; i < sizeof texts / sizeof *texts; i++) {
		if (!texts[i].s)
			return fail(why, "'%s' is missing", texts[i].path);
		if (!texts[i].empty_ok && !*texts[i].s)
			return fail(why, "'%s' is empty", texts[i].path);
		if (!is_text(texts[i].s))
			return fail(why, "'%s' is not UTF-8", texts[i].path);
	}
	if (check_time(c->valid_from, "validFrom", why) ||
	    check_time(c->valid_until, "validUntil", why) ||
	    check_time(c->awarded, "awardedDate", why) ||
	    check_time(c->created, "proof.created", why))
		return -1;
	if (c->valid_until && c->valid_until <= c->valid_from)
		return fail(why, "'%s' is not after validFrom", "validUntil");
	if (!c->identity_hash || strncmp(c->identity_hash, "sha256$", 7) ||
	    strlen(c->identity_hash) != 71 ||
	    !is_lower_hex(c->identity_hash + 7, 64))
		return fail(why, "'%s' is not sha256$ and 64 lowercase hex "
		    "digits", "credentialSubject.identifier.identityHash");
	if (!c->salt || !(n = strlen(c->salt)) || n > SALT_LEN_MAX ||
	    !is_lower_hex(c->salt, n))
		return fail(why, "'%s' is not 1 to 64 lowercase hex digits",
		    "credentialSubject.identifier.salt");
	if (!c->achievement_id || !is_iri(c->achievement_id))
		return fail(why, "'%s' is not an http, https or urn IRI of "
		    "RFC 3986 characters", "credentialSubject.achievement.id");
	if (strcmp(c->achievement_id, c->id) == 0)
		return fail(why, "'%s' is the credential's own id",
		    "credentialSubject.achievement.id");
	if (present(c->issuer_url) && !credential_is_url(c->issuer_url, 0))
		return fail(why, "'%s' is not an http or https URL of RFC 3986 "
		    "characters", "issuer.url");
	if (present(c->issuer_email) && !is_email(c->issuer_email))
		return fail(why, "'%s' is not an email address in lowercase",
		    "issuer.email");
	if (present(c->issuer_description) && !is_text(c->issuer_description))
		return fail(why, "'%s' is not UTF-8", "issuer.description");
	if (present(c->issuer_image) && !credential_is_image(c->issuer_image))
		return fail(why, "'%s' is not an https URL or a data URI of a "
		    "PNG or SVG image", "issuer.image.id");
	if (present(c->achievement_image) &&
	    !credential_is_image(c->achievement_image))
		return fail(why, "'%s' is not an https URL or a data URI of a "
		    "PNG or SVG image", "credentialSubject.achievement.image.id");
	if (present(c->achievement_type) &&
	    !credential_is_achievement_type(c->achievement_type))
		return fail(why, "'%s' is not an Open Badges achievement type",
		    "credentialSubject.achievement.achievementType");
	if (present(c->status_list) && (!credential_is_url(c->status_list, 1) ||
	    strchr(c->status_list, '#')))
		return fail(why, "'%s' is not an https URL without a fragment",
		    "credentialStatus.statusListCredential");
	if (present(c->status_list) &&
	    c->status_index >= CREDENTIAL_STATUS_INDEX_MAX)
		return fail(why, "'%s' is not below %lu",
		    "credentialStatus.statusListIndex",
		    CREDENTIAL_STATUS_INDEX_MAX);
	if (c->proof_value[0] && proof_decode(c->proof_value, sig) != 0)
		return fail(why, "'%s' is not z and the base58btc of a "
		    "64-byte signature", "proof.proofValue");
	return 0;
}

/* ---- writing ---- */

struct writer {
	struct buf *b;
	int depth;		/* containers open */
	int first;		/* nothing written yet in the innermost */
};

/* Start an item: a comma after the one before, a new line, the indent,
 * and "key": in an object. */
static void
w_item(struct writer *w, const char *key)
{
	int i;

	if (!w->first)
		buf_addc(w->b, ',');
	buf_addc(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		buf_adds(w->b, "  ");
	if (key) {
		json_escape(w->b, key, strlen(key));
		buf_adds(w->b, ": ");
	}
	w->first = 0;
}

static void
w_string(struct writer *w, const char *key, const char *s)
{
	w_item(w, key);
	json_escape(w->b, s, strlen(s));
}

static void
w_time(struct writer *w, const char *key, int64_t t)
{
	char s[CREDENTIAL_TIME_MAX];

	credential_format_time(t, s);
	w_string(w, key, s);
}

/* Open an object ('{') or array ('['), as a member or an element. */
static void
w_open(struct writer *w, const char *key, int c)
{
	if (w->depth > 0)
		w_item(w, key);
	buf_addc(w->b, c);
	w->depth++;
	w->first = 1;
}

static void
w_close(struct writer *w, int c)
{
	int i;

	w->depth--;
	buf_addc(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		buf_adds(w->b, "  ");
	buf_addc(w->b, c);
	w->first = 0;
}

/* A string member, when it is there. */
static void
w_optional(struct writer *w, const char *key, const char *s)
{
	if (present(s))
		w_string(w, key, s);
}

/* An "image" member, when there is one: an Image with its IRI. */
static void
w_image(struct writer *w, const char *id)
{
	if (!present(id))
		return;
	w_open(w, "image", '{');
	w_string(w, "id", id);
	w_string(w, "type", "Image");
	w_close(w, '}');
}

/* A "type" array of one or two names. */
static void
w_types(struct writer *w, const char *t1, const char *t2)
{
	w_open(w, "type", '[');
	w_string(w, NULL, t1);
	if (t2)
		w_string(w, NULL, t2);
	w_close(w, ']');
}

int
credential_write_json(const struct credential *c, struct buf *out,
    char why[CREDENTIAL_WHY_MAX])
{
	struct writer w = { out, 0, 1 };
	char did[DIDKEY_MAX], vm[DIDKEY_VM_MAX];

	if (credential_check(c, why) != 0)
		return -1;
	didkey_from_ed25519(c->issuer_pk, did);
	w_open(&w, NULL, '{');
	w_open(&w, "@context", '[');
	w_string(&w, NULL, CREDENTIAL_CONTEXT_VC);
	w_string(&w, NULL, CREDENTIAL_CONTEXT_OB);
	w_close(&w, ']');
	w_string(&w, "id", c->id);
	w_types(&w, "VerifiableCredential", "OpenBadgeCredential");
	w_string(&w, "name", c->name);
	w_open(&w, "issuer", '{');
	w_string(&w, "id", did);
	w_types(&w, "Profile", NULL);
	w_string(&w, "name", c->issuer_name);
	w_optional(&w, "url", c->issuer_url);
	w_optional(&w, "email", c->issuer_email);
	w_optional(&w, "description", c->issuer_description);
	w_image(&w, c->issuer_image);
	w_close(&w, '}');
	w_time(&w, "validFrom", c->valid_from);
	if (c->valid_until)
		w_time(&w, "validUntil", c->valid_until);
	w_time(&w, "awardedDate", c->awarded);

	w_open(&w, "credentialSubject", '{');
	w_types(&w, "AchievementSubject", NULL);
	w_string(&w, "name", c->recipient_name);
	w_open(&w, "identifier", '[');
	w_open(&w, NULL, '{');
	w_string(&w, "type", "IdentityObject");
	w_string(&w, "identityType", "emailAddress");
	w_item(&w, "hashed");
	buf_adds(out, "true");
	w_string(&w, "identityHash", c->identity_hash);
	w_string(&w, "salt", c->salt);
	w_close(&w, '}');
	w_close(&w, ']');
	w_open(&w, "achievement", '{');
	w_string(&w, "id", c->achievement_id);
	w_types(&w, "Achievement", NULL);
	w_optional(&w, "achievementType", c->achievement_type);
	w_string(&w, "name", c->achievement_name);
	w_string(&w, "description", c->achievement_description);
	w_open(&w, "criteria", '{');
	w_string(&w, "narrative", c->criteria);
	w_close(&w, '}');
	w_image(&w, c->achievement_image);
	w_close(&w, '}');
	w_close(&w, '}');

	if (present(c->status_list)) {
		char index[24];
		struct buf id = BUF_INIT;

		snprintf(index, sizeof index, "%lu", c->status_index);
		buf_printf(&id, "%s#%s", c->status_list, index);
		w_open(&w, "credentialStatus", '{');
		w_string(&w, "id", id.p);
		w_string(&w, "type", "BitstringStatusListEntry");
		w_string(&w, "statusPurpose", "revocation");
		w_string(&w, "statusListIndex", index);
		w_string(&w, "statusListCredential", c->status_list);
		w_close(&w, '}');
		buf_release(&id);
	}
	if (c->proof_value[0]) {
		didkey_vm_from_ed25519(c->issuer_pk, vm);
		w_open(&w, "proof", '[');
		w_open(&w, NULL, '{');
		w_string(&w, "type", "DataIntegrityProof");
		w_string(&w, "cryptosuite", "eddsa-rdfc-2022");
		w_time(&w, "created", c->created);
		w_string(&w, "verificationMethod", vm);
		w_string(&w, "proofPurpose", "assertionMethod");
		w_string(&w, "proofValue", c->proof_value);
		w_close(&w, '}');
		w_close(&w, ']');
	}
	w_close(&w, '}');
	buf_addc(out, '\n');
	return 0;
}

/* ---- signing and checking ---- */

/* The bytes an eddsa-rdfc-2022 proof of c signs. */
static int
hash_data(const struct credential *c, unsigned char hash[64],
    char why[CREDENTIAL_WHY_MAX])
{
	struct buf doc = BUF_INIT, opts = BUF_INIT;
	int r = -1;

	if (canonical_document(c, &doc, why) == 0) {
		canonical_proof(c, &opts);
		proof_hash(opts.p, opts.len, doc.p, doc.len, hash);
		r = 0;
	}
	buf_release(&doc);
	buf_release(&opts);
	return r;
}

int
credential_build_signed(struct credential *c, const unsigned char sk[64],
    struct buf *out, char why[CREDENTIAL_WHY_MAX])
{
	unsigned char pk[32], hash[64];

	c->proof_value[0] = '\0';
	if (credential_check(c, why) != 0)
		return -1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (memcmp(pk, c->issuer_pk, sizeof pk) != 0)
		return fail(why, "%s", "the secret key is not the issuer's");
	if (hash_data(c, hash, why) != 0)
		return -1;
	proof_sign(hash, sk, c->proof_value);
	return credential_write_json(c, out, why);
}

int
credential_verify(const struct credential *c, char why[CREDENTIAL_WHY_MAX])
{
	unsigned char hash[64];

	if (!c->proof_value[0])
		return fail(why, "%s", "no proof");
	if (credential_check(c, why) != 0 || hash_data(c, hash, why) != 0)
		return -1;
	if (proof_verify(hash, c->issuer_pk, c->proof_value) != 0)
		return fail(why, "%s", "signature does not match");
	return 0;
}

/* ---- reading ---- */

/* What the reader of one document needs. */
struct reader {
	char *why;		/* the message, on failure */
};

/* Say what is wrong with the member key of the object at path. */
static int
bad(struct reader *r, const char *path, const char *key, const char *what)
{
	snprintf(r->why, CREDENTIAL_WHY_MAX, "'%s%s%s' %s", path,
	    *path ? "." : "", key, what);
	return -1;
}

/*
 * Refuse an object with a member not in names (NULL-terminated).  The
 * name of the stranger is shown when it is short printable ASCII.
 */
static int
only(struct reader *r, const struct json *obj, const char *path,
    const char *const names[])
{
	size_t i, j;

	for (i = 0; i < obj->len; i++) {
		const struct json *k = &obj->keys[i];

		for (j = 0; names[j]; j++)
			if (strlen(names[j]) == k->len &&
			    memcmp(names[j], k->s, k->len) == 0)
				break;
		if (names[j])
			continue;
		for (j = 0; j < k->len && k->s[j] > ' ' && k->s[j] < 0x7f &&
		    k->s[j] != '\''; j++)
			;
		if (j == k->len && j > 0 && j <= 40)
			return bad(r, path, k->s, "is not a property of this "
			    "credential");
		snprintf(r->why, CREDENTIAL_WHY_MAX, "'%s' has a property "
		    "this credential does not have", *path ? path : "the "
		    "credential");
		return -1;
	}
	return 0;
}

/* The member key of obj, which must be an object; NULL after saying it
 * is missing (when required). */
static const struct json *
member(struct reader *r, const struct json *obj, const char *path,
    const char *key, int required)
{
	const struct json *v = json_get(obj, key);

	if (!v && required)
		bad(r, path, key, "is missing");
	return v;
}

/* An object member with no members but those in names. */
static const struct json *
object(struct reader *r, const struct json *obj, const char *path,
    const char *key, const char *const names[])
{
	const struct json *v = member(r, obj, path, key, 1);
	char full[128];

	if (!v)
		return NULL;
	if (v->type != JSON_OBJECT) {
		bad(r, path, key, "is not an object");
		return NULL;
	}
	snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
	return only(r, v, full, names) == 0 ? v : NULL;
}

/* A string member without NUL, into *out. */
static int
string(struct reader *r, const struct json *obj, const char *path,
    const char *key, const char **out)
{
	const struct json *v = member(r, obj, path, key, 1);

	if (!v)
		return -1;
	if (v->type != JSON_STRING)
		return bad(r, path, key, "is not a string");
	if (memchr(v->s, '\0', v->len))
		return bad(r, path, key, "holds a NUL character");
	*out = v->s;
	return 0;
}

static int types(struct reader *r, const struct json *obj, const char *path,
    const char *t1, const char *t2);

/* A string member, when it is there; *out stays NULL when not. */
static int
optional(struct reader *r, const struct json *obj, const char *path,
    const char *key, const char **out)
{
	if (!json_get(obj, key))
		return 0;
	return string(r, obj, path, key, out);
}

/* An "image" member, when it is there: an Image object with its IRI in
 * *out. */
static int
image(struct reader *r, const struct json *obj, const char *path,
    const char **out)
{
	static const char *const names[] = { "id", "type", NULL };
	const struct json *v;
	char full[128];

	if (!json_get(obj, "image"))
		return 0;
	snprintf(full, sizeof full, "%s.image", path);
	if (!(v = object(r, obj, path, "image", names)) ||
	    string(r, v, full, "id", out) != 0 ||
	    types(r, v, full, "Image", NULL) != 0)
		return -1;
	return 0;
}

/* A string member that must equal want. */
static int
constant(struct reader *r, const struct json *obj, const char *path,
    const char *key, const char *want)
{
	const char *s;

	if (string(r, obj, path, key, &s) != 0)
		return -1;
	if (strcmp(s, want) != 0) {
		snprintf(r->why, CREDENTIAL_WHY_MAX, "'%s%s%s' is not \"%s\"",
		    path, *path ? "." : "", key, want);
		return -1;
	}
	return 0;
}

static int
time_member(struct reader *r, const struct json *obj, const char *path,
    const char *key, int64_t *t)
{
	const char *s;

	if (string(r, obj, path, key, &s) != 0)
		return -1;
	if (credential_parse_time(s, t) != 0)
		return bad(r, path, key, "is not a time YYYY-MM-DDThh:mm:ssZ "
		    "from 1970 to 9999");
	return 0;
}

static int
is_string(const struct json *v, const char *s)
{
	return v->type == JSON_STRING && v->len == strlen(s) &&
	    memcmp(v->s, s, v->len) == 0;
}

/* The "type" of obj: the one or two names given, in any order; one name
 * may stand alone as a string. */
static int
types(struct reader *r, const struct json *obj, const char *path,
    const char *t1, const char *t2)
{
	const struct json *v = member(r, obj, path, "type", 1);
	int n = t2 ? 2 : 1;

	if (!v)
		return -1;
	if (!t2 && is_string(v, t1))
		return 0;
	if (v->type == JSON_ARRAY && v->len == (size_t)n &&
	    ((is_string(&v->items[0], t1) &&
	    (n == 1 || is_string(&v->items[1], t2))) ||
	    (n == 2 && is_string(&v->items[0], t2) &&
	    is_string(&v->items[1], t1))))
		return 0;
	if (t2)
		snprintf(r->why, CREDENTIAL_WHY_MAX, "'%s%stype' is not "
		    "[\"%s\", \"%s\"]", path, *path ? "." : "", t1, t2);
	else
		snprintf(r->why, CREDENTIAL_WHY_MAX, "'%s%stype' is not "
		    "\"%s\"", path, *path ? "." : "", t1);
	return -1;
}

static int
read_context(struct reader *r, const struct json *doc)
{
	const struct json *v = member(r, doc, "", "@context", 1);

	if (!v)
		return -1;
	if (v->type != JSON_ARRAY || v->len != 2 ||
	    !is_string(&v->items[0], CREDENTIAL_CONTEXT_VC) ||
	    !is_string(&v->items[1], CREDENTIAL_CONTEXT_OB))
		return bad(r, "", "@context", "is not the VC 2.0 context and "
		    "then the Open Badges 3.0.3 context");
	return 0;
}

static int
read_issuer(struct reader *r, const struct json *doc, struct credential *c)
{
	static const char *const names[] = { "id", "type", "name", "url",
	    "email", "description", "image", NULL };
	char did[DIDKEY_MAX];
	const struct json *v;
	const char *id;

	if (!(v = object(r, doc, "", "issuer", names)) ||
	    string(r, v, "issuer", "id", &id) != 0)
		return -1;
	if (didkey_to_ed25519(id, c->issuer_pk) != 0 || strchr(id, '#'))
		return bad(r, "issuer", "id", "is not an Ed25519 did:key");
	didkey_from_ed25519(c->issuer_pk, did);
	if (strcmp(did, id) != 0)
		return bad(r, "issuer", "id", "is not an Ed25519 did:key");
	if (types(r, v, "issuer", "Profile", NULL) != 0 ||
	    string(r, v, "issuer", "name", &c->issuer_name) != 0 ||
	    optional(r, v, "issuer", "url", &c->issuer_url) != 0 ||
	    optional(r, v, "issuer", "email", &c->issuer_email) != 0 ||
	    optional(r, v, "issuer", "description",
	    &c->issuer_description) != 0 ||
	    image(r, v, "issuer", &c->issuer_image) != 0)
		return -1;
	return 0;
}

/* "identifier": an array of one IdentityObject, or that object alone. */
static int
read_identifier(struct reader *r, const struct json *subject,
    struct credential *c)
{
	static const char *const names[] = { "type", "identityType",
	    "hashed", "identityHash", "salt", NULL };
	static const char path[] = "credentialSubject.identifier";
	const struct json *v = member(r, subject, "credentialSubject",
	    "identifier", 1), *hashed;

	if (!v)
		return -1;
	if (v->type == JSON_ARRAY && v->len == 1)
		v = &v->items[0];
	if (v->type != JSON_OBJECT)
		return bad(r, "credentialSubject", "identifier", "is not one "
		    "IdentityObject");
	if (only(r, v, path, names) != 0 ||
	    types(r, v, path, "IdentityObject", NULL) != 0 ||
	    constant(r, v, path, "identityType", "emailAddress") != 0)
		return -1;
	if (!(hashed = member(r, v, path, "hashed", 1)))
		return -1;
	if (hashed->type != JSON_TRUE)
		return bad(r, path, "hashed", "is not true");
	return string(r, v, path, "identityHash", &c->identity_hash) ||
	    string(r, v, path, "salt", &c->salt);
}

static int
read_achievement(struct reader *r, const struct json *subject,
    struct credential *c)
{
	static const char *const names[] = { "id", "type", "achievementType",
	    "name", "description", "criteria", "image", NULL };
	static const char *const criteria_names[] = { "narrative", NULL };
	static const char path[] = "credentialSubject.achievement";
	const struct json *a, *crit;

	if (!(a = object(r, subject, "credentialSubject", "achievement",
	    names)))
		return -1;
	if (string(r, a, path, "id", &c->achievement_id) != 0 ||
	    types(r, a, path, "Achievement", NULL) != 0 ||
	    optional(r, a, path, "achievementType",
	    &c->achievement_type) != 0 ||
	    string(r, a, path, "name", &c->achievement_name) != 0 ||
	    string(r, a, path, "description",
	    &c->achievement_description) != 0 ||
	    image(r, a, path, &c->achievement_image) != 0)
		return -1;
	if (!(crit = object(r, a, path, "criteria", criteria_names)))
		return -1;
	return string(r, crit, "credentialSubject.achievement.criteria",
	    "narrative", &c->criteria);
}

static int
read_subject(struct reader *r, const struct json *doc, struct credential *c)
{
	static const char *const names[] = { "type", "name", "identifier",
	    "achievement", NULL };
	static const char path[] = "credentialSubject";
	const struct json *s;

	if (!(s = object(r, doc, "", path, names)) ||
	    types(r, s, path, "AchievementSubject", NULL) != 0 ||
	    string(r, s, path, "name", &c->recipient_name) != 0 ||
	    read_identifier(r, s, c) != 0 ||
	    read_achievement(r, s, c) != 0)
		return -1;
	return 0;
}

/* credentialStatus, when there is one: a BitstringStatusListEntry whose
 * id is its list and its index. */
static int
read_status(struct reader *r, const struct json *doc, struct credential *c)
{
	static const char *const names[] = { "id", "type", "statusPurpose",
	    "statusListIndex", "statusListCredential", NULL };
	static const char path[] = "credentialStatus";
	const struct json *v;
	const char *id, *index;
	unsigned long i;
	char want[32];
	size_t n;

	if (!json_get(doc, path))
		return 0;
	if (!(v = object(r, doc, "", path, names)) ||
	    string(r, v, path, "id", &id) != 0 ||
	    constant(r, v, path, "type", "BitstringStatusListEntry") != 0 ||
	    constant(r, v, path, "statusPurpose", "revocation") != 0 ||
	    string(r, v, path, "statusListIndex", &index) != 0 ||
	    string(r, v, path, "statusListCredential", &c->status_list) != 0)
		return -1;
	if (parse_ulong(index, 0, CREDENTIAL_STATUS_INDEX_MAX - 1, &i) != 0 ||
	    (index[0] == '0' && index[1]))
		return bad(r, path, "statusListIndex", "is not a decimal "
		    "index");
	c->status_index = i;
	snprintf(want, sizeof want, "#%lu", i);
	n = strlen(c->status_list);
	if (strncmp(id, c->status_list, n) != 0 || strcmp(id + n, want) != 0)
		return bad(r, path, "id", "is not the status list's URL, # "
		    "and the index");
	return 0;
}

/* The proof of a document signed by pk: an array of the one proof, or
 * (as credentials issued before carry it) that proof alone.  Its created
 * goes to *created, its proofValue to value. */
static int
read_proof(struct reader *r, const struct json *doc,
    const unsigned char pk[32], int64_t *created,
    char value[PROOF_VALUE_MAX])
{
	static const char *const names[] = { "type", "cryptosuite",
	    "created", "verificationMethod", "proofPurpose", "proofValue",
	    NULL };
	char vm[DIDKEY_VM_MAX];
	const struct json *p = json_get(doc, "proof");
	const char *s;

	if (!p)
		return 0;
	if (p->type == JSON_ARRAY && p->len == 1)
		p = &p->items[0];
	if (p->type != JSON_OBJECT)
		return bad(r, "", "proof", "is not one proof");
	if (only(r, p, "proof", names) != 0 ||
	    types(r, p, "proof", "DataIntegrityProof", NULL) != 0 ||
	    constant(r, p, "proof", "cryptosuite", "eddsa-rdfc-2022") != 0 ||
	    time_member(r, p, "proof", "created", created) != 0 ||
	    constant(r, p, "proof", "proofPurpose", "assertionMethod") != 0 ||
	    string(r, p, "proof", "verificationMethod", &s) != 0)
		return -1;
	didkey_vm_from_ed25519(pk, vm);
	if (strcmp(s, vm) != 0)
		return bad(r, "proof", "verificationMethod", "is not the "
		    "issuer's key");
	if (string(r, p, "proof", "proofValue", &s) != 0)
		return -1;
	if (strlen(s) >= PROOF_VALUE_MAX)
		return bad(r, "proof", "proofValue", "is not z and the "
		    "base58btc of a 64-byte signature");
	memcpy(value, s, strlen(s) + 1);
	return 0;
}

/* validUntil, when there is one: 0 in the struct means none, and no
 * validFrom comes before 1970, so a validUntil of 0 is refused here. */
static int
read_valid_until(struct reader *r, const struct json *doc,
    struct credential *c)
{
	if (!json_get(doc, "validUntil"))
		return 0;
	if (time_member(r, doc, "", "validUntil", &c->valid_until) != 0)
		return -1;
	if (c->valid_until == 0)
		return bad(r, "", "validUntil", "is not after validFrom");
	return 0;
}

int
credential_parse(struct credential *c, const struct json *doc,
    char why[CREDENTIAL_WHY_MAX])
{
	static const char *const names[] = { "@context", "id", "type",
	    "name", "issuer", "validFrom", "validUntil", "awardedDate",
	    "credentialSubject", "credentialStatus", "proof", NULL };
	struct reader r = { why };
	const char *id;

	memset(c, 0, sizeof *c);
	if (doc->type != JSON_OBJECT)
		return fail(why, "%s", "not a JSON object");
	if (string(&r, doc, "", "id", &id) != 0)
		return -1;
	if (!names_is_credential_id(id))
		return bad(&r, "", "id", "is not a urn:uuid: of lowercase hex "
		    "digits");
	c->id = id;
	if (only(&r, doc, "", names) != 0 || read_context(&r, doc) != 0 ||
	    types(&r, doc, "", "VerifiableCredential",
	    "OpenBadgeCredential") != 0 ||
	    string(&r, doc, "", "name", &c->name) != 0 ||
	    read_issuer(&r, doc, c) != 0 ||
	    time_member(&r, doc, "", "validFrom", &c->valid_from) != 0 ||
	    read_valid_until(&r, doc, c) != 0 ||
	    time_member(&r, doc, "", "awardedDate", &c->awarded) != 0 ||
	    read_subject(&r, doc, c) != 0 ||
	    read_status(&r, doc, c) != 0 ||
	    read_proof(&r, doc, c->issuer_pk, &c->created,
	    c->proof_value) != 0)
		return -1;
	return credential_check(c, why);
}

/* ---- the status list credential ---- */

static int
list_check(const struct credential_list *l, char why[CREDENTIAL_WHY_MAX])
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_";
	unsigned char sig[64];

	if (!l->id || !credential_is_url(l->id, 1) || strchr(l->id, '#'))
		return fail(why, "'%s' is not an https URL without a fragment",
		    "id");
	if (check_time(l->valid_from, "validFrom", why) ||
	    check_time(l->created, "proof.created", why))
		return -1;
	if (!l->encoded_list || l->encoded_list[0] != 'u' ||
	    !l->encoded_list[1] ||
	    strspn(l->encoded_list + 1, b64) != strlen(l->encoded_list + 1))
		return fail(why, "'%s' is not u and base64url",
		    "credentialSubject.encodedList");
	if (l->proof_value[0] && proof_decode(l->proof_value, sig) != 0)
		return fail(why, "'%s' is not z and the base58btc of a "
		    "64-byte signature", "proof.proofValue");
	return 0;
}

static void
list_write(const struct credential_list *l, struct buf *out)
{
	struct writer w = { out, 0, 1 };
	char did[DIDKEY_MAX], vm[DIDKEY_VM_MAX];
	struct buf subject = BUF_INIT;

	didkey_from_ed25519(l->issuer_pk, did);
	buf_printf(&subject, "%s#list", l->id);
	w_open(&w, NULL, '{');
	w_open(&w, "@context", '[');
	w_string(&w, NULL, CREDENTIAL_CONTEXT_VC);
	w_close(&w, ']');
	w_string(&w, "id", l->id);
	w_types(&w, "VerifiableCredential", "BitstringStatusListCredential");
	w_string(&w, "issuer", did);
	w_time(&w, "validFrom", l->valid_from);
	w_open(&w, "credentialSubject", '{');
	w_string(&w, "id", subject.p);
	w_string(&w, "type", "BitstringStatusList");
	w_string(&w, "statusPurpose", "revocation");
	w_string(&w, "encodedList", l->encoded_list);
	w_close(&w, '}');
	if (l->proof_value[0]) {
		didkey_vm_from_ed25519(l->issuer_pk, vm);
		w_open(&w, "proof", '[');
		w_open(&w, NULL, '{');
		w_string(&w, "type", "DataIntegrityProof");
		w_string(&w, "cryptosuite", "eddsa-rdfc-2022");
		w_time(&w, "created", l->created);
		w_string(&w, "verificationMethod", vm);
		w_string(&w, "proofPurpose", "assertionMethod");
		w_string(&w, "proofValue", l->proof_value);
		w_close(&w, '}');
		w_close(&w, ']');
	}
	w_close(&w, '}');
	buf_addc(out, '\n');
	buf_release(&subject);
}

static void
list_hash(const struct credential_list *l, unsigned char hash[64])
{
	struct buf doc = BUF_INIT, opts = BUF_INIT;

	canonical_list(l, &doc);
	canonical_proof_options(l->issuer_pk, l->created, &opts);
	proof_hash(opts.p, opts.len, doc.p, doc.len, hash);
	buf_release(&doc);
	buf_release(&opts);
}

int
credential_list_build_signed(struct credential_list *l,
    const unsigned char sk[64], struct buf *out,
    char why[CREDENTIAL_WHY_MAX])
{
	unsigned char pk[32], hash[64];

	l->proof_value[0] = '\0';
	if (list_check(l, why) != 0)
		return -1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	if (memcmp(pk, l->issuer_pk, sizeof pk) != 0)
		return fail(why, "%s", "the secret key is not the issuer's");
	list_hash(l, hash);
	proof_sign(hash, sk, l->proof_value);
	list_write(l, out);
	return 0;
}

int
credential_list_verify(const struct credential_list *l,
    char why[CREDENTIAL_WHY_MAX])
{
	unsigned char hash[64];

	if (!l->proof_value[0])
		return fail(why, "%s", "no proof");
	if (list_check(l, why) != 0)
		return -1;
	list_hash(l, hash);
	if (proof_verify(hash, l->issuer_pk, l->proof_value) != 0)
		return fail(why, "%s", "signature does not match");
	return 0;
}

int
credential_list_parse(struct credential_list *l, const struct json *doc,
    char why[CREDENTIAL_WHY_MAX])
{
	static const char *const names[] = { "@context", "id", "type",
	    "issuer", "validFrom", "credentialSubject", "proof", NULL };
	static const char *const subject_names[] = { "id", "type",
	    "statusPurpose", "encodedList", NULL };
	static const char path[] = "credentialSubject";
	struct reader r = { why };
	const struct json *ctx, *sub;
	const char *issuer, *sid;
	char did[DIDKEY_MAX];
	size_t n;

	memset(l, 0, sizeof *l);
	if (doc->type != JSON_OBJECT)
		return fail(why, "%s", "not a JSON object");
	if (only(&r, doc, "", names) != 0 ||
	    !(ctx = member(&r, doc, "", "@context", 1)))
		return -1;
	if (ctx->type != JSON_ARRAY || ctx->len != 1 ||
	    !is_string(&ctx->items[0], CREDENTIAL_CONTEXT_VC))
		return bad(&r, "", "@context", "is not the VC 2.0 context");
	if (string(&r, doc, "", "id", &l->id) != 0 ||
	    types(&r, doc, "", "VerifiableCredential",
	    "BitstringStatusListCredential") != 0 ||
	    string(&r, doc, "", "issuer", &issuer) != 0)
		return -1;
	if (didkey_to_ed25519(issuer, l->issuer_pk) != 0)
		return bad(&r, "", "issuer", "is not an Ed25519 did:key");
	didkey_from_ed25519(l->issuer_pk, did);
	if (strcmp(did, issuer) != 0)
		return bad(&r, "", "issuer", "is not an Ed25519 did:key");
	if (time_member(&r, doc, "", "validFrom", &l->valid_from) != 0 ||
	    !(sub = object(&r, doc, "", path, subject_names)) ||
	    string(&r, sub, path, "id", &sid) != 0 ||
	    types(&r, sub, path, "BitstringStatusList", NULL) != 0 ||
	    constant(&r, sub, path, "statusPurpose", "revocation") != 0 ||
	    string(&r, sub, path, "encodedList", &l->encoded_list) != 0 ||
	    read_proof(&r, doc, l->issuer_pk, &l->created,
	    l->proof_value) != 0)
		return -1;
	n = strlen(l->id);
	if (strncmp(sid, l->id, n) != 0 || strcmp(sid + n, "#list") != 0)
		return bad(&r, path, "id", "is not the list's URL and #list");
	return list_check(l, why);
}
