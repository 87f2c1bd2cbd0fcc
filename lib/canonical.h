/*
 * canonical.h: the canonical N-Quads (RDFC-1.0) of a credential and of its
 * proof options, written directly from struct credential.
 *
 * A JSON-LD processor turns the credential into RDF with the two contexts
 * and then canonicalizes it.  Our credential has one fixed shape, so the
 * quads it yields are known in advance: the IRIs the contexts give each
 * property, and the datatypes they give each literal, as the contexts
 * define them, quirks included (Open Badges' awardedDate is typed
 * <xsd:dateTime>, its hashed <https://www.w3.org/2001/XMLSchema#boolean>).
 *
 * The document has three blank nodes (the credentialSubject, its
 * identifier and the achievement's criteria); the images and the status
 * entry have IRIs and are named nodes.  They are labelled as
 * RDFC-1.0 says: each gets the SHA-256 of its first-degree quads, and the
 * labels _:c14n0, _:c14n1, _:c14n2 go to them in the order of those
 * hashes.  Should two hashes be equal, the N-degree algorithm would be
 * needed; we refuse instead, loudly, and never write a wrong form.
 *
 * Lines are sorted by their bytes, which is code point order.  (jsonld.js
 * sorts UTF-16 code units; in this shape two lines always differ before
 * any literal, so the orders agree.)  Literals are escaped as RDFC-1.0's
 * canonical N-Quads: \" \\ \b \t \n \f \r, other characters below U+0020
 * and U+007F as \u00XX in upper case, everything else as it is.
 */
#ifndef CREDPIPE_CANONICAL_H
#define CREDPIPE_CANONICAL_H

#include "buf.h"
#include "credential.h"

/*
 * Append the canonical N-Quads of the document c describes, without its
 * proof, to out.  c must have passed credential_check.  Return 0, or -1
 * with why when two blank nodes have the same first-degree hash (then
 * nothing is appended).
 */
int canonical_document(const struct credential *c, struct buf *out,
    char why[CREDENTIAL_WHY_MAX]);

/* Append the canonical N-Quads of c's proof options (the proof without
 * its proofValue, under the credential's @context) to out. */
void canonical_proof(const struct credential *c, struct buf *out);

/* The same for the eddsa-rdfc-2022 proof options of any document signed
 * by the key pk at time t: the options are the same quads under the VC
 * 2.0 context alone, which is where their terms come from. */
void canonical_proof_options(const unsigned char pk[32], int64_t t,
    struct buf *out);

/* Append the canonical N-Quads of the status list credential l, without
 * its proof, to out.  It has no blank node. */
void canonical_list(const struct credential_list *l, struct buf *out);

/* Append s as an N-Quads string literal, quotes included. */
void canonical_literal(struct buf *out, const char *s);

#endif
