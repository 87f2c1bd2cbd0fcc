/*
 * store.h: the database that every command after csv-validate shares.
 *
 * All SQL of credpipe lives behind this header, and nothing outside
 * lib/store*.c knows which engine holds the data: SQLite (lib/
 * store_sqlite*.c), a file named by its path, the default; or PostgreSQL
 * (lib/store_pg*.c), named by a URI "postgresql://..." in libpq's syntax,
 * for workers on several hosts.  The engines differ in what they are
 * given (a file or a server), never in what these calls mean.
 *
 * What any engine must give, whatever its isolation and however many
 * hosts its clients run on:
 *
 *	one writer	store_begin starts a write transaction that no other
 *		writer's overlaps (SQLite: BEGIN IMMEDIATE; PostgreSQL: one
 *		advisory lock every write transaction takes first), so
 *		that what is read in it stays true until it commits;
 *	claim	store_items_claim hands each due item to one claimer only,
 *		passing over items another claimer holds (skip-locked), and
 *		never to two at once, under a lease measured by the
 *		database's clock (store_now), the same for every claimer
 *		whatever the clocks of their hosts say;
 *	record	the store_item_* results change an item only while the
 *		caller holds its lease (STORE_NOTFOUND otherwise);
 *	submit	what bulk-submit checks and writes (the rate-limit token,
 *		the quota's headroom, the job and its items) is one atomic
 *		step in one write transaction: two submissions never both
 *		take the last of a quota;
 *	copy	store_reader and store_writer move typed rows, ids kept, so
 *		that store_copy moves a database between any two engines.
 *
 * Times, the names of who acts and the ids of credentials are made by
 * the callers (store_now, store_actor, uuid.h) and bound as values: no
 * statement asks its engine for them.
 *
 * An SQLite file is created mode 0600 (its -wal and -shm files inherit
 * that mode), runs in WAL mode with foreign keys on and synchronous=FULL,
 * so that a commit that precedes an effect outside the database (a key
 * printed, a job id printed, a mail sent) survives a power cut.  Writers
 * wait up to STORE_BUSY_MS for each other, on either engine.
 *
 * Errors: what a caller can expect (a name not found, a name taken) comes
 * back as a return value, and so does the one error worth waiting out
 * that comes before anything is done: other writers holding the database
 * past the timeout (store_begin_try: STORE_RETRY).  One writer at a time
 * leaves no other error to retry inside a transaction: no serialization
 * failure, no deadlock.  Anything else (disk full, a corrupt file, a
 * server gone) ends the program with a message "tool: DB: what went
 * wrong" and the exit status of lib/exitcodes.h that fits (75, try again
 * later, for busy or a server out of reach; 74 for I/O; 65 for a file
 * that is not a credpipe database).  Callers therefore never see a
 * half-done change: a transaction not committed is rolled back when the
 * program ends (or its connection does).
 *
 * Strings in the row structs handed to a callback live until it returns;
 * those filled by a *_get function belong to the struct, and its
 * *_release function frees them.
 */
#ifndef CREDPIPE_STORE_H
#define CREDPIPE_STORE_H

#include <stddef.h>
#include <stdio.h>

#define STORE_BUSY_MS 10000

/* Return values besides 0. */
enum {
	STORE_NOTFOUND = 1,	/* no such row */
	STORE_EXISTS = 2,	/* the name is taken */
	STORE_BROKEN = 3,	/* store_copy: a reference does not hold */
	STORE_DIFFERS = 4,	/* store_copy: the copy is not the same */
	STORE_RETRY = 5		/* busy: nothing was done; try again */
};

struct store;

/* Flags for store_open. */
enum {
	STORE_CREATE = 1	/* create the file when it is missing, or
				 * the schema in an empty PostgreSQL
				 * database */
};

/*
 * Open the database at path and bring its schema up to date (in one
 * transaction).  path is a file's (SQLite) or a postgresql:// URI.  A
 * missing file, or a PostgreSQL database without the schema, is an error
 * (exit 66, naming org-admin init) unless STORE_CREATE is given; a schema
 * newer than this program knows is refused (exit 78) and left unchanged;
 * a URI with a password in it is refused (64).  Never returns NULL.
 */
struct store *store_open(const char *path, int flags);

/* Close the database; NULL is allowed. */
void store_close(struct store *s);

/* Whether this store_open made the database (its schema, in a new file
 * or an empty PostgreSQL database). */
int store_made(struct store *s);

/* The engine that holds it: "sqlite" or "postgresql". */
const char *store_engine(struct store *s);

/* The schema version this program writes, and the file's. */
int store_schema_version(void);
int store_file_version(struct store *s);

/* Transactions.  store_begin takes the write lock at once, waiting for
 * other writers up to STORE_BUSY_MS, and ends the program as busy (75)
 * past that; store_begin_try returns STORE_RETRY then instead, for a
 * caller that would rather wait and try again (job-worker). */
void store_begin(struct store *s);
int store_begin_try(struct store *s);
/* A read transaction: one consistent snapshot for many reads, ended by
 * store_commit. */
void store_begin_read(struct store *s);
void store_commit(struct store *s);
/* End the transaction, read or write, undoing what it wrote. */
void store_rollback(struct store *s);

/*
 * How hard a commit is pushed to disk: full (the default) syncs the WAL
 * at every commit, so that it survives a power cut; without, a commit
 * survives the program's death but may be lost with the machine, which
 * suits a record that can be written again (a delivery done).
 */
void store_sync(struct store *s, int full);

/* The database's clock, Unix seconds: what leases, quotas and the times
 * recorded are measured by (on SQLite, a file on this host, this host's
 * clock). */
long long store_now(struct store *s);

/* The name of the program's user, for the audit log. */
const char *store_actor(void);

/* Write an audit entry: who did what, to which organization (0: none).
 * The actor is the login name of the program's user (store_actor), or,
 * with store_audit_by, the member who acted ("ada@acme.example"). */
void store_audit(struct store *s, long long org_id, const char *action,
    const char *detail);
void store_audit_by(struct store *s, const char *actor, long long org_id,
    const char *action, const char *detail);

/* An audit entry, as store_audit_list gives it. */
struct store_audit_entry {
	long long id;
	long long at;
	const char *actor;
	const char *org;	/* the organization's slug, or "" */
	const char *action;
	const char *detail;
};
typedef void store_audit_fn(const struct store_audit_entry *e, void *arg);
/* The last n entries (all, for n < 0) of one organization's log (of
 * everything, for org_id 0), oldest first. */
void store_audit_list(struct store *s, long long org_id, long long n,
    store_audit_fn *fn, void *arg);

/* Organizations. */
struct store_org {
	long long id;
	char *slug;
	char *name;
	char *plan;		/* "free", "professional", "enterprise" */
	int approved;
	long long quota;	/* the monthly override, -1 for the plan's */
	char *sender_email;	/* "" when unset */
	char *sender_name;	/* "" when unset */
	long long created;
	char *status_url;	/* the base URL of its status lists, "none"
				 * (its credentials carry no status), or ""
				 * when unset */
	char *url;		/* its public profile: "" when unset */
	char *email;
	char *description;
	char *image;		/* an image IRI (credential.h) */
	char *wallet_url;	/* the wallet its mail recommends */
	char *verifier_url;	/* the verifier its mail recommends */
};

/* The text properties of an organization that store_org_set writes. */
enum store_org_field {
	STORE_ORG_STATUS_URL,
	STORE_ORG_URL,
	STORE_ORG_EMAIL,
	STORE_ORG_DESCRIPTION,
	STORE_ORG_IMAGE,
	STORE_ORG_WALLET_URL,
	STORE_ORG_VERIFIER_URL
};

int store_org_create(struct store *s, const char *slug, const char *name,
    const char *plan, long long *id);
int store_org_get(struct store *s, const char *slug, struct store_org *o);
int store_org_get_id(struct store *s, long long id, struct store_org *o);
void store_org_release(struct store_org *o);
typedef void store_org_fn(const struct store_org *o, void *arg);
void store_org_list(struct store *s, store_org_fn *fn, void *arg);
void store_org_set_approved(struct store *s, long long id, int approved);
void store_org_set_plan(struct store *s, long long id, const char *plan);
void store_org_set_quota(struct store *s, long long id, long long quota);
void store_org_set_sender(struct store *s, long long id, const char *email,
    const char *name);
/* Set one text property; "" unsets it. */
void store_org_set(struct store *s, long long id, enum store_org_field f,
    const char *value);

/* Signing keys.  Adding a key makes it the active one; older keys stay,
 * inactive, so that what they signed can still be checked. */
struct store_key {
	long long id;
	unsigned char pk[32];	/* the Ed25519 public key */
	unsigned char *sealed;	/* the sealed secret key */
	size_t sealed_len;
	long long created;
	int active;
};

/*
 * Add a signing key to an organization and make it the active one; the
 * key that was active stays, retired.  pk is the Ed25519 public key and
 * sealed, len bytes, its secret half as sign_keypair_new sealed it.
 * Return 0 with the new key's id in *id (when id is not NULL), or
 * STORE_EXISTS, changing nothing and leaving *id alone, when a UNIQUE
 * constraint of the database refuses the key.
 */
int store_key_add(struct store *s, long long org_id,
    const unsigned char pk[32], const unsigned char *sealed, size_t len,
    long long *id);
int store_key_active(struct store *s, long long org_id, struct store_key *k);
/* A key of an organization by its id, active or retired: 0 or
 * STORE_NOTFOUND. */
int store_key_get(struct store *s, long long key_id, struct store_key *k);
/* The organization whose key pk is or was, in *org_id: 0 or
 * STORE_NOTFOUND. */
int store_key_owner(struct store *s, const unsigned char pk[32],
    long long *org_id);
void store_key_release(struct store_key *k);
typedef void store_key_fn(const struct store_key *k, void *arg);
void store_key_list(struct store *s, long long org_id, store_key_fn *fn,
    void *arg);

/* Badges. */
struct store_badge {
	long long id;
	long long org_id;
	char *slug;
	char *name;
	char *description;
	char *criteria;
	long long valid_days;	/* -1: never expires */
	char *subject;		/* email subject template */
	char *body;		/* email body template */
	long long created;
	char *image;		/* an image IRI (credential.h), "" for none */
	char *achievement_type;	/* "" for none */
};

int store_badge_create(struct store *s, const struct store_badge *b,
    long long *id);
int store_badge_get(struct store *s, long long org_id, const char *slug,
    struct store_badge *b);
int store_badge_get_id(struct store *s, long long id, struct store_badge *b);
void store_badge_release(struct store_badge *b);
typedef void store_badge_fn(const struct store_badge *b, void *arg);
void store_badge_list(struct store *s, long long org_id, store_badge_fn *fn,
    void *arg);
/* Write back every field of b (found by b->id) but id, org and slug. */
void store_badge_update(struct store *s, const struct store_badge *b);

/* Members of an organization. */
struct store_member {
	long long id;
	long long org_id;
	char *email;
	char *role;		/* "viewer", "issuer", "admin", "owner" */
	long long created;
};

int store_member_add(struct store *s, long long org_id, const char *email,
    const char *role, long long *id);
int store_member_get(struct store *s, long long org_id, const char *email,
    struct store_member *m);
void store_member_release(struct store_member *m);
/* Remove a member and revoke their API keys.  Return 0 or
 * STORE_NOTFOUND. */
int store_member_remove(struct store *s, long long org_id, const char *email);
typedef void store_member_fn(const struct store_member *m, void *arg);
void store_member_list(struct store *s, long long org_id,
    store_member_fn *fn, void *arg);

/* API keys: the lookup prefix and a hash of the secret, never the key. */
struct store_apikey {
	long long id;
	char *prefix;
	unsigned char hash[32];
	long long member_id;
	char *member_email;
	char *role;
	long long org_id;
	long long created;
	long long last_used;	/* 0: never */
	long long revoked;	/* 0: not revoked, else when */
	long long rate;		/* bulk submissions allowed an hour */
};

void store_apikey_add(struct store *s, long long member_id,
    const char *prefix, const unsigned char hash[32], long long rate);
int store_apikey_get(struct store *s, const char *prefix,
    struct store_apikey *k);
void store_apikey_release(struct store_apikey *k);
typedef void store_apikey_fn(const struct store_apikey *k, void *arg);
void store_apikey_list(struct store *s, long long org_id,
    store_apikey_fn *fn, void *arg);
/* Return 0, or STORE_NOTFOUND when the prefix names no key of org_id
 * (of any organization when 0) that is not revoked already. */
int store_apikey_revoke(struct store *s, long long org_id,
    const char *prefix);
void store_apikey_touch(struct store *s, long long id);

/*
 * SSH public keys of members (credpipe-shell): the key's type
 * ("ssh-ed25519"), its base64 blob, its comment and its fingerprint
 * ("SHA256:..."), and a rate of bulk submissions an hour, as an API key
 * has.  A blob belongs to one key not revoked.
 */
struct store_sshkey {
	long long id;
	long long member_id;
	char *member_email;
	char *role;
	long long org_id;
	char *org_slug;
	long long member_removed;	/* 0: a member still */
	char *type;
	char *blob;
	char *comment;
	char *fingerprint;
	long long created;
	long long last_used;	/* 0: never */
	long long revoked;	/* 0: not revoked */
	long long rate;
};

/* Return 0 with the key's id in *id, or STORE_EXISTS when the blob is a
 * key not revoked already. */
int store_sshkey_add(struct store *s, long long member_id, const char *type,
    const char *blob, const char *comment, const char *fingerprint,
    long long rate, long long *id);
/* A key by its id: 0 or STORE_NOTFOUND. */
int store_sshkey_get(struct store *s, long long id, struct store_sshkey *k);
void store_sshkey_release(struct store_sshkey *k);
typedef void store_sshkey_fn(const struct store_sshkey *k, void *arg);
/* The keys of an organization (of every organization when 0), of one
 * member when member_id > 0, oldest first; with active_only, those not
 * revoked of members not removed. */
void store_sshkey_list(struct store *s, long long org_id, long long member_id,
    int active_only, store_sshkey_fn *fn, void *arg);
/* Return 0, or STORE_NOTFOUND when org_id (any, for 0) has no such key
 * that is not revoked already. */
int store_sshkey_revoke(struct store *s, long long org_id, long long id);
void store_sshkey_touch(struct store *s, long long id);

/* Credentials. */
struct store_cred {
	char *id;		/* "urn:uuid:..." */
	long long org_id;
	long long badge_id;
	char *badge_slug;
	char *email;
	char *name;
	long long issued;
	long long expires;	/* 0: never */
	long long revoked;	/* 0: not revoked */
	char *revoke_reason;	/* "" when not revoked */
	char *supersedes;	/* "" when none */
	char *superseded_by;	/* "" when none */
	char *document;		/* the signed JSON; "" when none */
};

/* Look a credential up by id, in one organization, or in any when org_id
 * is 0 (the operator).  Return 0 or STORE_NOTFOUND. */
int store_cred_get(struct store *s, long long org_id, const char *id,
    struct store_cred *c);
void store_cred_release(struct store_cred *c);
typedef void store_cred_fn(const struct store_cred *c, void *arg);
/* The credentials of an organization, of one badge when badge_id > 0,
 * oldest first.  The document is not loaded ("") in a list. */
void store_cred_list(struct store *s, long long org_id, long long badge_id,
    store_cred_fn *fn, void *arg);
/* Return 0, or STORE_NOTFOUND when the organization (any, for 0) has no
 * such credential that is not revoked already. */
int store_cred_revoke(struct store *s, long long org_id, const char *id,
    const char *reason);

/* A credential's state at time now: "active", "expired", "revoked", or
 * "superseded" (revoked because a renewal replaced it). */
const char *store_cred_state(const struct store_cred *c, long long now);

/* Which credentials store_cred_query gives: those of org_id, of one
 * badge when badge_id > 0, of one recipient when email is not NULL,
 * issued at or after since and before until (0: no bound), in one state
 * when state is not NULL; newest first, or oldest first with oldest. */
struct store_cred_filter {
	long long org_id;
	long long badge_id;
	const char *email;
	long long since, until;
	const char *state;
	long long now;		/* for the state */
	int oldest;
};
/* Call fn for each credential the filter takes, one row at a time (the
 * document is not loaded): memory does not grow with their number. */
void store_cred_query(struct store *s, const struct store_cred_filter *f,
    store_cred_fn *fn, void *arg);

/* The latest credential of a badge for one recipient, for classifying
 * (the hot path of recipient-check: no allocation). */
struct store_latest {
	char id[64];
	long long issued;
	long long expires;	/* 0: never */
	long long revoked;	/* 0: not revoked */
	char reason[128];	/* why it was revoked, cut to fit */
};

/* Return 0 and fill l, or STORE_NOTFOUND when the recipient has no
 * credential of the badge. */
int store_cred_latest(struct store *s, long long org_id, long long badge_id,
    const char *email, struct store_latest *l);

/* Record a credential issued elsewhere or earlier (no signed document):
 * expires and revoked 0 for none.  id is its id, or "" for a new one,
 * written back into id.  Return 0, or STORE_EXISTS when the id is
 * taken. */
int store_cred_import(struct store *s, long long org_id, long long badge_id,
    const char *email, const char *name, long long issued,
    long long expires, long long revoked, const char *reason,
    char id[64]);

/* The job in which a recipient waits for a credential of the badge (an
 * item pending, claimed or deferred), or 0. */
long long store_job_open_for(struct store *s, long long org_id,
    long long badge_id, const char *email);

/*
 * What classifying recipients looks up (lib/classify.c), for many at once:
 * out[i] says of emails[i] what store_job_open_for, store_quota_counted in
 * month and store_cred_latest would, in a few statements rather than
 * three for each recipient.
 */
struct store_recipient {
	long long job;		/* an open job waiting for them, or 0 */
	int counted;		/* counted in month already */
	int has_latest;		/* 0: no credential of the badge */
	struct store_latest latest;
};
void store_recipients(struct store *s, long long org_id, long long badge_id,
    const char *month, const char *const *emails, size_t n,
    struct store_recipient *out);

/*
 * Quota: the unique recipients counted for an organization in a month
 * ("2026-11", UTC).  An item holds its recipient's place in the month its
 * job was created while it is pending, claimed, deferred or sent; a
 * recipient is counted while any item holds them, whatever its badge or
 * job.  So an item that ends without a delivery (failed, skipped,
 * cancelled) lets its hold go, one sent keeps it, and a failure never
 * uncounts a recipient another item delivered to.  A submission that adds
 * pending items has reserved their places by adding them.
 */
long long store_quota_used(struct store *s, long long org_id,
    const char *month);
/* The month of time t, UTC, as the quota counts it: "2026-11". */
void store_month(long long t, char month[8]);
int store_quota_counted(struct store *s, long long org_id, const char *month,
    const char *email);

/*
 * Take one token from an API key's bucket of rate tokens an hour (full at
 * first, refilled continuously).  Return 0, or 1 when it is empty, with
 * *wait set to the seconds until a token is back (-1: never, rate 0).
 */
int store_apikey_take(struct store *s, long long key_id, long long rate,
    long long now, long long *wait);
/* The same for an SSH key's bucket. */
int store_sshkey_take(struct store *s, long long key_id, long long rate,
    long long now, long long *wait);

/* A new job, pending, created at now by an API key or an SSH key (0 for
 * none), and its items; return their ids.
 * prior names the credential the item's class refers to ("" for none);
 * state is "pending" or "skipped". */
long long store_job_create(struct store *s, long long org_id,
    long long badge_id, long long api_key_id, long long ssh_key_id,
    long long now);
long long store_job_add_item(struct store *s, long long job_id,
    unsigned long row, const char *email, const char *name,
    const char *class, const char *prior, const char *state);
/* Many items at once, as store_job_add_item adds each (their ids are
 * not returned). */
struct store_new_item {
	unsigned long row;
	const char *email, *name, *class, *prior, *state;
};
void store_job_add_items(struct store *s, long long job_id,
    const struct store_new_item *it, size_t n);

/*
 * The work queue of job-worker.  An item is claimable once its due time
 * has come: a pending item at once, a deferred one when its retry is due,
 * a claimed one when its lease runs out (its worker died).  Claiming sets
 * a lease: the claimer's name, and in due the time the lease runs out.
 * Only items whose organization may issue now are claimed (approved, on
 * the Professional or Enterprise plan, with an active signing key: the
 * gates of auth_may_issue, which check_jobs holds the claim to) and whose
 * badge exists; the others wait in the queue, untouched.
 *
 * The item calls below act only while the caller still holds the lease,
 * and return STORE_NOTFOUND, changing nothing, when it does not (another
 * worker took the item over): results are recorded only by the holder.
 *
 * Accountability.  An item records whether its credential may have left
 * the machine: some attempt reached the end of DATA, or an attempt was
 * under way when its worker died (its outcome is unknown).  When an item
 * ends without a delivery (failed, or cancelled), a credential that may
 * have left is revoked, "not delivered: REASON", so that it fails
 * verification and its recipient classifies as revoked (and it no longer
 * supersedes anything); only one that certainly never left is withdrawn
 * (deleted).  The credential a renewal supersedes is revoked
 * ("superseded") when the renewal is delivered, not when it is signed.
 */
struct store_item {
	long long id;
	long long job_id;
	long long org_id;
	long long badge_id;
	unsigned long row;
	int attempts;		/* deliveries tried before this claim */
	long long submitted;	/* when its job was created */
	char email[256];
	char name[1030];	/* 256 characters of up to 4 bytes */
	char class[24];
	char prior[64];		/* "" for none */
	char credential_id[64];	/* "" until issued */
};

/* Claim up to n items due by now, of job_id (any job when 0), under
 * lease until `until`; fill items and return how many.  Jobs that get
 * their first claimed item become "processing". */
size_t store_items_claim(struct store *s, long long job_id,
    const char *lease, long long now, long long until,
    struct store_item *items, size_t n);

/* How many items are due by now, of job_id (any job when 0), and may be
 * claimed. */
long long store_items_due(struct store *s, long long job_id, long long now);

/* What store_item_hold found. */
enum store_hold {
	STORE_HELD,		/* the caller holds it, renewed until `until` */
	STORE_LOST,		/* another worker took it, or it ended */
	STORE_BLOCKED,		/* held, but its organization may not issue
				 * now (or its badge is gone) */
	STORE_CANCELLED		/* held, but its job was cancelled */
};

/* Renew the lease of an item until `until`, and say whether the work may
 * go on. */
enum store_hold store_item_hold(struct store *s, long long item_id,
    const char *lease, long long until);
/* The same without renewing or writing anything: a look before the
 * item's mail is handed over. */
enum store_hold store_item_check(struct store *s, long long item_id,
    const char *lease);

/* Record the credential issued for an item. */
int store_item_issued(struct store *s, long long item_id, const char *lease,
    const char *credential_id);
/* An attempt to deliver the item is about to start: until its outcome is
 * recorded, the credential counts as one that may have left. */
int store_item_sending(struct store *s, long long item_id,
    const char *lease);
/* The item is done: delivered.  A note (NULL for none) replaces its
 * reason.  The credential its credential supersedes is revoked
 * ("superseded") unless it has expired or is revoked already. */
int store_item_sent(struct store *s, long long item_id, const char *lease,
    const char *note, long long now);
/* Try again at `due`, with the reply kept; counted is 1 when this was a
 * delivery attempt (not when the transport was down before trying);
 * data_sent is 1 when the attempt may have reached the end of DATA. */
int store_item_defer(struct store *s, long long item_id, const char *lease,
    long long due, const char *reply, int counted, int data_sent);
/* The item is done without a delivery, with why; its quota hold goes.
 * counted and data_sent as for store_item_defer.  Its credential is
 * revoked or withdrawn (see above). */
int store_item_fail(struct store *s, long long item_id, const char *lease,
    const char *reason, int counted, int data_sent, long long now);
/* The item is done without a credential: skipped, with why; its quota
 * hold goes. */
int store_item_skip(struct store *s, long long item_id, const char *lease,
    const char *reason);
/* The item's job was cancelled: it ends cancelled, as store_item_fail
 * would end it. */
int store_item_cancel(struct store *s, long long item_id, const char *lease,
    long long now);
/* Give a claimed item back untried, due at `due` (the worker stops early,
 * or its organization may not issue now); it keeps its credential. */
int store_item_release(struct store *s, long long item_id,
    const char *lease, long long due);

/* Mark jobs whose items are all done "completed". */
void store_jobs_finish(struct store *s, long long now);

/*
 * Status lists (W3C Bitstring Status List v1.0).  Each list belongs to
 * one organization and one of its signing keys, has BITSTRING_LIST_SIZE
 * entries, and lives at the URL it was given when it was started:
 * BASE/ID.json, BASE the organization's status URL then.  Its entries are
 * handed out in the order of a permutation keyed by the list's seed
 * (bitstring_index), so that each is unused and none says when its
 * credential was issued; a full list is never written to again, and the
 * next credential starts a new one.
 */
struct store_status_entry {
	long long list_id;
	char url[2100];		/* the list credential's URL */
	unsigned long index;
};

/* The next free entry for a credential of org_id signed with key_id,
 * starting a list under base at time now when none has room.  The
 * caller holds the write transaction. */
void store_status_assign(struct store *s, long long org_id, long long key_id,
    const char *base, long long now, struct store_status_entry *e);

struct store_status_list {
	long long id;
	long long org_id;
	long long key_id;	/* the key its credentials are signed with */
	const char *url;
	unsigned long size;	/* its entries */
	unsigned long used;	/* of which given out */
	long long created;
	long long changed;	/* the latest revocation of one of its
				 * credentials, or created: what the
				 * published list is as of */
};

typedef void store_status_list_fn(const struct store_status_list *l,
    void *arg);
/* The status lists of an organization, oldest first. */
void store_status_lists(struct store *s, long long org_id,
    store_status_list_fn *fn, void *arg);
/* The entries of a list whose credentials are revoked (superseded and
 * not delivered ones included), in index order. */
typedef void store_status_bit_fn(unsigned long index, void *arg);
void store_status_revoked(struct store *s, long long list_id,
    store_status_bit_fn *fn, void *arg);

/* A credential the worker issues. */
struct store_cred_new {
	const char *id;
	long long org_id;
	long long badge_id;
	const char *email;
	const char *name;
	long long issued;
	long long expires;	/* 0: never */
	const char *supersedes;	/* "" for none */
	long long job_item_id;
	const char *document;	/* the signed JSON */
	long long status_list_id;	/* 0: no status */
	unsigned long status_index;
};

void store_cred_insert(struct store *s, const struct store_cred_new *c);

/* The most recent credential of a badge that a recipient holds at time
 * now (neither revoked nor expired): 0 with its id in id, or
 * STORE_NOTFOUND. */
int store_cred_held(struct store *s, long long org_id, long long badge_id,
    const char *email, long long now, char id[64]);

/* Jobs as job-status shows them.  "pending" counts the items not done
 * yet: pending, claimed and deferred. */
struct store_job {
	long long id;
	long long org_id;
	char org[72];		/* the organization's slug */
	char badge[72];		/* the badge's slug */
	char status[16];	/* pending, processing, completed, cancelled */
	long long created;
	long long started;	/* 0: not yet */
	long long finished;	/* 0: not yet */
	long long total;
	long long sent;
	long long failed;
	long long skipped;
	long long cancelled;
	long long pending;
};

/* What the pending items of a job wait for: how many a worker holds now,
 * and when the first deferred one is due again (0: none is deferred). */
void store_job_waits(struct store *s, long long job_id, long long *claimed,
    long long *next_due);

/* The jobs of an organization (of every organization when org_id is 0,
 * for the operator), newest first. */
typedef void store_job_fn(const struct store_job *j, void *arg);
void store_job_list(struct store *s, long long org_id, store_job_fn *fn,
    void *arg);
/* One job of an organization (of any when org_id is 0): 0, or
 * STORE_NOTFOUND (also for another organization's job). */
int store_job_get(struct store *s, long long org_id, long long job_id,
    struct store_job *j);

/* The failures of a job grouped by reason, most frequent first. */
typedef void store_reason_fn(const char *reason, long long count, void *arg);
void store_job_failures(struct store *s, long long job_id,
    store_reason_fn *fn, void *arg);

/* The items of a job in row order. */
struct store_item_view {
	unsigned long row;
	const char *email;
	const char *name;
	const char *state;
	const char *credential_id;	/* "" when none */
	int attempts;
	const char *reason;		/* "" when none */
};
typedef void store_item_fn(const struct store_item_view *v, void *arg);
/* Every item, or with failed_only the failed ones. */
void store_job_items(struct store *s, long long job_id, int failed_only,
    store_item_fn *fn, void *arg);

/*
 * Cancel a pending or processing job of an organization (of any when
 * org_id is 0) at time now.  Its items that no worker holds (pending,
 * deferred, or claimed under a lease that ran out) end cancelled, as
 * store_item_cancel ends them: quota hold released, credential revoked
 * or withdrawn.  Items a worker holds end when it looks at them again:
 * those on the wire are delivered, the others cancelled.  Return 0,
 * STORE_NOTFOUND, or STORE_EXISTS when the job has ended already.
 */
int store_job_cancel(struct store *s, long long org_id, long long job_id,
    long long now);

/*
 * Rows as values that any engine holds: the way a whole database moves
 * from one store to another (store_copy, org-admin db copy).  An engine
 * provides its tables, a reader and a writer of their rows, and nothing
 * else; store_copy is built on those and the calls above alone.
 */
enum store_type {
	STORE_NULL,
	STORE_INTEGER,
	STORE_REAL,
	STORE_TEXT,		/* UTF-8 */
	STORE_BLOB
};

struct store_value {
	enum store_type type;
	long long i;		/* STORE_INTEGER */
	double r;		/* STORE_REAL */
	const void *p;		/* STORE_TEXT, STORE_BLOB: len bytes */
	size_t len;
};

/* A table: its name and its columns' names. */
struct store_table {
	char *name;
	char **cols;
	size_t ncols;
};

/*
 * The tables of the database, each after the tables it refers to
 * (parents before children), in *t; return how many.  A table's
 * references to itself, and a cycle of references (a credential and the
 * job item that issued it name each other), no order satisfies: the
 * writer's references are checked as a whole, at the end.  The order
 * comes from the schema itself, so that a table added later takes its
 * place.  store_tables_release frees *t.
 */
size_t store_tables(struct store *s, struct store_table **t);
void store_tables_release(struct store_table *t, size_t n);

/*
 * Read the rows of table t (as store_tables gave it, of this database
 * or of another at the same schema version), in the order of its
 * primary key, in the caller's transaction: store_reader_next gives the
 * next row's t->ncols values, in the order of t->cols, which live until
 * the next call; NULL after the last.
 */
struct store_reader;
struct store_reader *store_reader_open(struct store *s,
    const struct store_table *t);
const struct store_value *store_reader_next(struct store_reader *r);
void store_reader_close(struct store_reader *r);

/*
 * Insert rows into table t, each as t->ncols values in the order of
 * t->cols, as they are: primary keys included, so that references hold.
 * In the caller's write transaction, whose references are checked when
 * it commits, not at each row: the rows of a cycle may come in any order,
 * and store_check finds what does not hold before.  A row the schema
 * refuses otherwise (a UNIQUE or CHECK constraint) ends the program, as
 * any error does.
 */
struct store_writer;
struct store_writer *store_writer_open(struct store *s,
    const struct store_table *t);
void store_writer_row(struct store_writer *w, const struct store_value *v);
void store_writer_close(struct store_writer *w);

/*
 * Copy every row of every table of from into to, which must be empty (no
 * row in any table) and of the same schema version (store_open brings
 * both to the current one).  One read transaction on from, one snapshot,
 * and one write transaction on to: all or nothing.  Before to commits,
 * its references are checked (STORE_CHECK_REFERENCES) and both are dumped
 * (store_dump_in) and compared byte for byte, in the same transactions,
 * so that a writer of from meanwhile changes neither side.  Return 0,
 * with the rows and the tables copied in *rows and *tables (empty tables
 * counted too); or, having changed nothing, STORE_EXISTS when to is not
 * empty, STORE_BROKEN when a reference does not hold (from's rows do not
 * hold together), each written to log as store_check writes them, or
 * STORE_DIFFERS when the dumps differ, the first line that does written
 * to log.
 */
int store_copy(struct store *from, struct store *to, long long *rows,
    int *tables, FILE *log);

/*
 * For tests and tools, not the commands: what no command does.  A test
 * that must see what no command shows, or change what no command would,
 * goes through these and no other way into the database, so that it runs
 * against any engine.  The edits are made as a hand on the database would
 * make them, without any of the commands' checks, in the caller's write
 * transaction; the dump, the copy and the check are made outside one.
 */

/*
 * Write every table of the database to out as text that depends on its
 * contents alone, not on the engine or the file: two databases that hold
 * the same rows dump the same bytes.  The tables in the order of their
 * names; each is a line "#NAME" and its columns' names, then a line per
 * row, in the order of its primary key: NAME and the row's values, all
 * TAB-separated.  The columns are those of the primary key first, in its
 * order, then the others in the order of their names.  A value is \N for
 * NULL, an integer in decimal (a flag too, 0 or 1), a real as %.17g,
 * text escaped as in credpipe-records(5) with every control character
 * shown (record_escape_shown), a blob as lowercase hexadecimal.  Names
 * and text sort by their bytes.  One read transaction of its own: a
 * snapshot.  Return 0, or -1 when writing to out failed.
 */
int store_dump(struct store *s, FILE *out);
/* The same in the caller's transaction, read or write: what it reads, and
 * what it wrote and has not committed. */
int store_dump_in(struct store *s, FILE *out);

/*
 * Copy the database, as one snapshot, into a new database at path: a
 * file made mode 0600 in a directory files.h trusts, as store_open makes
 * one.  Return 0, or STORE_EXISTS when path exists, making nothing.
 */
int store_backup(struct store *s, const char *path);

/* What store_check checks. */
enum store_check {
	STORE_CHECK_INTEGRITY,	/* the storage: pages, indexes, rows */
	STORE_CHECK_REFERENCES	/* every reference to another row: that
				 * row exists */
};

/* The database's check of itself: a line of text for each problem found
 * written to out; return how many. */
long long store_check(struct store *s, enum store_check what, FILE *out);

/* Make the deferred items of job_id (of every job when 0) due at now, as
 * if their retry time had come; return how many. */
long long store_items_due_now(struct store *s, long long job_id,
    long long now);

/* Rewrite the recipient of the item of job_id at row: its email and its
 * name, each left as it is when NULL.  Return 0 or STORE_NOTFOUND. */
int store_item_set_recipient(struct store *s, long long job_id,
    unsigned long row, const char *email, const char *name);

#endif
