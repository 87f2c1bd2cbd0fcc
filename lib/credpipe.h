/*
 * credpipe.h: the index of libcredpipe.a, every module at a glance.
 *
 * Each header below is a module's contract: what it is for, and for each
 * function what it returns and who frees what.  Exported names carry the
 * module's prefix (buf_, record_, store_, ...).  A command includes the
 * headers it uses; this one is for reading, and for a tool that wants
 * the whole library.  lib/store_sqlite.h is not here: it is the SQLite
 * store's own, which no command sees.
 */
#ifndef CREDPIPE_H
#define CREDPIPE_H

/* Foundations */
#include "buf.h"	/* growable byte buffers, never NULL */
#include "exitcodes.h"	/* the exit status of every command */
#include "util.h"	/* allocation that cannot fail, times, progress */
#include "utf8.h"	/* UTF-8 validation, control characters */
#include "version.h"	/* what -V prints */

/* What the operator and the members give */
#include "config.h"	/* where the database and the keys come from */
#include "email.h"	/* a recipient's address */
#include "names.h"	/* slugs, names, texts, addresses, credential ids */
#include "roster.h"	/* the CSV roster reader (csv-validate) */
#include "record.h"	/* the record stream between the commands */
#include "strset.h"	/* a set of strings: duplicates in a roster */
#include "sshkey.h"	/* a member's OpenSSH public key */

/* The database and who may do what */
#include "store.h"	/* every table, behind one contract */
#include "files.h"	/* whether a file of secrets may be trusted */
#include "auth.h"	/* API keys, roles, plans, approval */
#include "sign.h"	/* the master key, the signing keys */
#include "classify.h"	/* what to do for each recipient; the quota */

/* The credential */
#include "uuid.h"	/* urn:uuid: ids */
#include "json.h"	/* a strict JSON reader and escaper */
#include "multibase.h"	/* base58btc, did:key */
#include "image.h"	/* PNG and SVG, data: URIs */
#include "canonical.h"	/* the canonical N-Quads of a credential */
#include "proof.h"	/* eddsa-rdfc-2022 proofs */
#include "credential.h"	/* the Open Badges 3.0 credential */
#include "bitstring.h"	/* Bitstring Status List bits */
#include "status.h"	/* published status lists, revocation checks */

/* Delivery */
#include "issue.h"	/* issuing one job item's credential */
#include "mime.h"	/* the mail that carries it */
#include "smtpreply.h"	/* SMTP replies, read from the bytes */
#include "transport.h"	/* SMTP through libcurl, or a maildir */
#include "worker.h"	/* the loop of job-worker */

#endif
