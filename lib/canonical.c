/*
 * canonical.c: the canonical N-Quads of a credential; the contract is in
 * canonical.h.
 *
 * The quads of a credential go into a small table, with blank nodes as
 * numbers; canonicalize() then labels the blank nodes by their
 * first-degree hashes and writes the sorted lines.  The table is the one
 * place that says which RDF the JSON-LD contexts make of each property.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "canonical.h"
#include "credential.h"
#include "multibase.h"

#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define XSD_DATETIME "http://www.w3.org/2001/XMLSchema#dateTime"
#define CRED "https://www.w3.org/2018/credentials#"
#define OB "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
#define SDO "https://schema.org/"
#define SEC "https://w3id.org/security#"
#define STATUS "https://www.w3.org/ns/credentials/status#"


/* The Open Badges 3.0.3 context types these three with IRIs of its own
 * spelling: "xsd:dateTime" (no xsd prefix is defined, so it stays as it
 * is) and XMLSchema under https. */
#define OB_DATETIME "xsd:dateTime"
#define OB_BOOLEAN "https://www.w3.org/2001/XMLSchema#boolean"
#define OB_ANYURI "https://www.w3.org/2001/XMLSchema#anyURI"

enum { IRI, BLANK, LITERAL };

struct term {
	int kind;		/* IRI, BLANK or LITERAL */
	const char *s;		/* IRI, LITERAL: the text */
	const char *type;	/* LITERAL: the datatype IRI; NULL for a plain
				 * string (xsd:string) */
	int blank;		/* BLANK: the node's number */
};

struct quad {
	struct term s;
	const char *p;		/* the predicate IRI */
	struct term o;
};

/* The most quads and blank nodes of the fixed shape. */
#define QUADS_MAX 48
#define BLANKS_MAX 3

struct graph {
	struct quad q[QUADS_MAX];
	int n;			/* quads in q */
	int nblank;		/* blank nodes, numbered from 0 */
};

/* A line of output: where it is in its buffer, and its length. */
struct line {
	const char *p;
	size_t n;
};

static struct term
iri(const char *s)
{
	return (struct term){ IRI, s, NULL, 0 };
}

static struct term
blank(int b)
{
	return (struct term){ BLANK, NULL, NULL, b };
}

static struct term
literal(const char *s, const char *type)
{
	return (struct term){ LITERAL, s, type, 0 };
}

static void
add(struct graph *g, struct term s, const char *p, struct term o)
{
	if (g->n == QUADS_MAX)
		abort();	/* the shape is fixed: a bug, not input */
	g->q[g->n].s = s;
	g->q[g->n].p = p;
	g->q[g->n].o = o;
	g->n++;
}

void
canonical_literal(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;

	buf_addc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char u[7] = "\\u00";

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		buf_add(out, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\b': buf_adds(out, "\\b"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\f': buf_adds(out, "\\f"); break;
		case '\r': buf_adds(out, "\\r"); break;
		default:
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			buf_add(out, u, 6);
		}
	}
	buf_adds(out, run);
	buf_addc(out, '"');
}

static void
put_term(struct buf *b, const struct term *t, const char *const label[])
{
	switch (t->kind) {
	case IRI:
		buf_addc(b, '<');
		buf_adds(b, t->s);
		buf_addc(b, '>');
		break;
	case BLANK:
		buf_adds(b, label[t->blank]);
		break;
	default:
		canonical_literal(b, t->s);
		if (t->type) {
			buf_adds(b, "^^<");
			buf_adds(b, t->type);
			buf_addc(b, '>');
		}
	}
}

/* Append one quad as an N-Quads line, blank nodes named by label. */
static void
put_quad(struct buf *b, const struct quad *q, const char *const label[])
{
	put_term(b, &q->s, label);
	buf_adds(b, " <");
	buf_adds(b, q->p);
	buf_adds(b, "> ");
	put_term(b, &q->o, label);
	buf_adds(b, " .\n");
}

static int
line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	if (c)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

/* Sort the n lines of b that start at the offsets off[0..n-1]
 * (off[n] is b->len) into lines. */
static void
sort_lines(const struct buf *b, const size_t *off, int n, struct line *lines)
{
	int i;

	for (i = 0; i < n; i++) {
		lines[i].p = b->p + off[i];
		lines[i].n = off[i + 1] - off[i];
	}
	qsort(lines, (size_t)n, sizeof *lines, line_cmp);
}

static int
mentions(const struct quad *q, int b)
{
	return (q->s.kind == BLANK && q->s.blank == b) ||
	    (q->o.kind == BLANK && q->o.blank == b);
}

/*
 * RDFC-1.0 4.6, Hash First Degree Quads: the quads that mention blank
 * node k, with k written _:a and any other blank node _:z, sorted, and
 * hashed with SHA-256.  scratch is working space.
 */
static void
first_degree_hash(const struct graph *g, int k, struct buf *scratch,
    unsigned char hash[32])
{
	static const char *const az[] = { "_:z", "_:z", "_:z" };
	const char *label[BLANKS_MAX];
	size_t off[QUADS_MAX + 1];
	struct line lines[QUADS_MAX];
	crypto_hash_sha256_state st;
	int i, n = 0;

	memcpy(label, az, sizeof label);
	label[k] = "_:a";
	buf_reset(scratch);
	for (i = 0; i < g->n; i++) {
		if (!mentions(&g->q[i], k))
			continue;
		off[n++] = scratch->len;
		put_quad(scratch, &g->q[i], label);
	}
	off[n] = scratch->len;
	sort_lines(scratch, off, n, lines);
	crypto_hash_sha256_init(&st);
	for (i = 0; i < n; i++)
		crypto_hash_sha256_update(&st, (const unsigned char *)lines[i].p,
		    lines[i].n);
	crypto_hash_sha256_final(&st, hash);
}

/*
 * Label the blank nodes in the order of their first-degree hashes (as hex
 * strings, which is the order of the bytes) and append the sorted lines.
 */
static int
canonicalize(const struct graph *g, struct buf *out,
    char why[CREDENTIAL_WHY_MAX])
{
	static const char *const c14n[] = { "_:c14n0", "_:c14n1", "_:c14n2" };
	unsigned char hash[BLANKS_MAX][32];
	const char *label[BLANKS_MAX];
	int order[BLANKS_MAX];
	size_t off[QUADS_MAX + 1];
	struct line lines[QUADS_MAX];
	struct buf scratch = BUF_INIT;
	int i, j;

	for (i = 0; i < g->nblank; i++) {
		if (g->nblank > 1)
			first_degree_hash(g, i, &scratch, hash[i]);
		for (j = i; j > 0 && memcmp(hash[order[j - 1]], hash[i], 32) >
		    0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 1; i < g->nblank; i++) {
		if (memcmp(hash[order[i - 1]], hash[order[i]], 32) == 0) {
			snprintf(why, CREDENTIAL_WHY_MAX, "two blank nodes "
			    "have the same first-degree hash; refusing a "
			    "canonical form that could be wrong");
			buf_release(&scratch);
			return -1;
		}
	}
	for (i = 0; i < g->nblank; i++)
		label[order[i]] = c14n[i];

	buf_reset(&scratch);
	for (i = 0; i < g->n; i++) {
		off[i] = scratch.len;
		put_quad(&scratch, &g->q[i], label);
	}
	off[g->n] = scratch.len;
	sort_lines(&scratch, off, g->n, lines);
	buf_grow(out, scratch.len);
	/* A dataset is a set: a quad made twice (one image for the issuer
	 * and the achievement) is one line. */
	for (i = 0; i < g->n; i++)
		if (i == 0 || line_cmp(&lines[i - 1], &lines[i]) != 0)
			buf_add(out, lines[i].p, lines[i].n);
	buf_release(&scratch);
	return 0;
}

static int
present(const char *s)
{
	return s && *s;
}

/* An Image node of IRI id as the image of s. */
static void
add_image(struct graph *g, struct term s, const char *id)
{
	if (!present(id))
		return;
	add(g, s, OB "image", iri(id));
	add(g, iri(id), RDF_TYPE, iri(OB "Image"));
}

/* The literal v of s by p, when there is one. */
static void
add_optional(struct graph *g, struct term s, const char *p, const char *v,
    const char *type)
{
	if (present(v))
		add(g, s, p, literal(v, type));
}

int
canonical_document(const struct credential *c, struct buf *out,
    char why[CREDENTIAL_WHY_MAX])
{
	enum { SUBJECT, IDENTITY, CRITERIA };
	char from[CREDENTIAL_TIME_MAX], until[CREDENTIAL_TIME_MAX];
	char awarded[CREDENTIAL_TIME_MAX], did[DIDKEY_MAX], index[24];
	struct term cred = iri(c->id), issuer, badge = iri(c->achievement_id);
	struct graph g = { .n = 0, .nblank = 3 };
	struct buf status = BUF_INIT;
	int rc;

	didkey_from_ed25519(c->issuer_pk, did);
	issuer = iri(did);
	credential_format_time(c->valid_from, from);
	credential_format_time(c->awarded, awarded);

	add(&g, cred, RDF_TYPE, iri(CRED "VerifiableCredential"));
	add(&g, cred, RDF_TYPE, iri(OB "OpenBadgeCredential"));
	add(&g, cred, SDO "name", literal(c->name, NULL));
	add(&g, cred, CRED "issuer", issuer);
	add(&g, cred, CRED "validFrom", literal(from, XSD_DATETIME));
	if (c->valid_until) {
		credential_format_time(c->valid_until, until);
		add(&g, cred, CRED "validUntil", literal(until, XSD_DATETIME));
	}
	add(&g, cred, OB "awardedDate", literal(awarded, OB_DATETIME));
	add(&g, cred, CRED "credentialSubject", blank(SUBJECT));

	add(&g, issuer, RDF_TYPE, iri(OB "Profile"));
	add(&g, issuer, SDO "name", literal(c->issuer_name, NULL));
	add_optional(&g, issuer, SDO "url", c->issuer_url, OB_ANYURI);
	add_optional(&g, issuer, SDO "email", c->issuer_email, NULL);
	add_optional(&g, issuer, SDO "description", c->issuer_description,
	    NULL);
	add_image(&g, issuer, c->issuer_image);

	add(&g, blank(SUBJECT), RDF_TYPE, iri(OB "AchievementSubject"));
	add(&g, blank(SUBJECT), SDO "name", literal(c->recipient_name, NULL));
	add(&g, blank(SUBJECT), OB "identifier", blank(IDENTITY));
	add(&g, blank(SUBJECT), OB "achievement", badge);

	add(&g, blank(IDENTITY), RDF_TYPE, iri(OB "IdentityObject"));
	add(&g, blank(IDENTITY), OB "identityType",
	    literal("emailAddress", NULL));
	add(&g, blank(IDENTITY), OB "hashed", literal("true", OB_BOOLEAN));
	add(&g, blank(IDENTITY), OB "identityHash",
	    literal(c->identity_hash, NULL));
	add(&g, blank(IDENTITY), OB "salt", literal(c->salt, NULL));

	add(&g, badge, RDF_TYPE, iri(OB "Achievement"));
	add(&g, badge, SDO "name", literal(c->achievement_name, NULL));
	add(&g, badge, SDO "description",
	    literal(c->achievement_description, NULL));
	/* The context maps "criteria" to the IRI of the class Criteria. */
	add(&g, badge, OB "Criteria", blank(CRITERIA));
	add(&g, blank(CRITERIA), OB "narrative", literal(c->criteria, NULL));
	add_optional(&g, badge, OB "achievementType", c->achievement_type,
	    NULL);
	add_image(&g, badge, c->achievement_image);

	if (present(c->status_list)) {
		struct term entry;

		snprintf(index, sizeof index, "%lu", c->status_index);
		buf_printf(&status, "%s#%s", c->status_list, index);
		entry = iri(status.p);
		add(&g, cred, CRED "credentialStatus", entry);
		add(&g, entry, RDF_TYPE, iri(STATUS "BitstringStatusListEntry"));
		add(&g, entry, STATUS "statusListCredential",
		    iri(c->status_list));
		add(&g, entry, STATUS "statusListIndex", literal(index, NULL));
		add(&g, entry, STATUS "statusPurpose",
		    literal("revocation", NULL));
	}
	rc = canonicalize(&g, out, why);
	buf_release(&status);
	return rc;
}

void
canonical_proof(const struct credential *c, struct buf *out)
{
	canonical_proof_options(c->issuer_pk, c->created, out);
}

void
canonical_proof_options(const unsigned char pk[32], int64_t t,
    struct buf *out)
{
	char created[CREDENTIAL_TIME_MAX], vm[DIDKEY_VM_MAX];
	char why[CREDENTIAL_WHY_MAX];
	struct graph g = { .n = 0, .nblank = 1 };
	struct term proof = blank(0);

	credential_format_time(t, created);
	didkey_vm_from_ed25519(pk, vm);
	add(&g, proof, RDF_TYPE, iri(SEC "DataIntegrityProof"));
	add(&g, proof, SEC "cryptosuite",
	    literal("eddsa-rdfc-2022", SEC "cryptosuiteString"));
	add(&g, proof, "http://purl.org/dc/terms/created",
	    literal(created, XSD_DATETIME));
	add(&g, proof, SEC "verificationMethod", iri(vm));
	add(&g, proof, SEC "proofPurpose", iri(SEC "assertionMethod"));
	/* One blank node: it is _:c14n0 with no hash to compare. */
	if (canonicalize(&g, out, why) != 0)
		abort();
}

void
canonical_list(const struct credential_list *l, struct buf *out)
{
	char from[CREDENTIAL_TIME_MAX], did[DIDKEY_MAX];
	char why[CREDENTIAL_WHY_MAX];
	struct graph g = { .n = 0, .nblank = 0 };
	struct term list = iri(l->id), subject;
	struct buf sid = BUF_INIT;

	didkey_from_ed25519(l->issuer_pk, did);
	credential_format_time(l->valid_from, from);
	buf_printf(&sid, "%s#list", l->id);
	subject = iri(sid.p);
	add(&g, list, RDF_TYPE, iri(CRED "VerifiableCredential"));
	add(&g, list, RDF_TYPE, iri(STATUS "BitstringStatusListCredential"));
	add(&g, list, CRED "issuer", iri(did));
	add(&g, list, CRED "validFrom", literal(from, XSD_DATETIME));
	add(&g, list, CRED "credentialSubject", subject);
	add(&g, subject, RDF_TYPE, iri(STATUS "BitstringStatusList"));
	add(&g, subject, STATUS "statusPurpose", literal("revocation", NULL));
	add(&g, subject, STATUS "encodedList",
	    literal(l->encoded_list, SEC "multibase"));
	/* No blank node: nothing to label, nothing to refuse. */
	if (canonicalize(&g, out, why) != 0)
		abort();
	buf_release(&sid);
}
