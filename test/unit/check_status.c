/*
 * check_status.c: publishing status lists and checking against them.
 * 150,000 entries of one key fill one list and start a second; the
 * published files carry exactly the revoked bits, each signed by its own
 * key; publishing again writes nothing, and a revocation rewrites only
 * its list; a key that cannot be unsealed writes nothing; and the checker
 * says why it cannot trust a list.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bitstring.h"
#include "credential.h"
#include "exitcodes.h"
#include "json.h"
#include "sign.h"
#include "status.h"
#include "store.h"
#include "unit.h"

#define NENTRIES 150000
#define BASE "https://acme.example/status"

static struct unit_workspace ws;
static char out[96];
static struct store *db;
static struct sign_master *master;
static long long org, badge, key1;
static unsigned char pk1[32];

static long long
add_key(unsigned char pk[32])
{
	unsigned char sealed[SIGN_SEALED_LEN];
	long long id;

	sign_keypair_new(master, pk, sealed);
	ck_assert_int_eq(store_key_add(db, org, pk, sealed, sizeof sealed,
	    &id), 0);
	return id;
}

static void
setup(void)
{
	struct store_badge b = { 0 };

	unit_workspace_open(&ws, "check_status");
	db = ws.db;
	master = ws.master;
	snprintf(out, sizeof out, "%s/status", ws.dir);
	ck_assert_int_eq(store_org_create(db, "acme", "Acme", "professional",
	    &org), 0);
	store_org_set(db, org, STORE_ORG_STATUS_URL, BASE);
	key1 = add_key(pk1);
	b.org_id = org;
	b.slug = (char *)"timed", b.name = (char *)"Timed";
	b.subject = (char *)"s", b.body = (char *)"b";
	b.description = b.criteria = (char *)"";
	b.valid_days = 365;
	ck_assert_int_eq(store_badge_create(db, &b, &badge), 0);
}

static void
teardown(void)
{
	unit_workspace_close(&ws);
}

/* A credential holding entry index of list, in id. */
static void
insert(long long list, unsigned long index, char id[CREDENTIAL_ID_MAX])
{
	struct store_cred_new c = { 0 };

	credential_new_id(id);
	c.id = id;
	c.org_id = org;
	c.badge_id = badge;
	c.email = "r@example.org";
	c.name = "R";
	c.issued = store_now(db);
	c.document = "{}";
	c.status_list_id = list;
	c.status_index = index;
	store_cred_insert(db, &c);
}

static void
revoke_cred(const char *id)
{
	store_begin(db);
	ck_assert_int_eq(store_cred_revoke(db, org, id, "revoked"), 0);
	store_commit(db);
}

/* What one publication reported, by list. */
struct report {
	int n;
	char file[4][128];
	char url[4][128];
	unsigned long entries[4], revoked[4];
	int written[4];
};

static void
record(const struct status_published *p, void *arg)
{
	struct report *r = arg;

	ck_assert_int_lt(r->n, 4);
	snprintf(r->file[r->n], sizeof r->file[0], "%s", p->file);
	snprintf(r->url[r->n], sizeof r->url[0], "%s", p->url);
	r->entries[r->n] = p->entries;
	r->revoked[r->n] = p->revoked;
	r->written[r->n] = p->written;
	r->n++;
}

static void
publish(struct report *r)
{
	char why[STATUS_WHY_MAX];

	memset(r, 0, sizeof *r);
	ck_assert_msg(status_publish(db, master, org, out, record, r, why) ==
	    0, "publish: %s", why);
}

/*
 * Read the list file, check that it is a list of url whose proof holds,
 * signed by pk, and that its set bits are exactly those of want (size
 * entries).  Its bytes go to text.
 */
static void
check_file(const char *file, const char *url, const unsigned char pk[32],
    const unsigned char *want, struct buf *text)
{
	char why[CREDENTIAL_WHY_MAX], jwhy[JSON_WHY_MAX];
	char bwhy[BITSTRING_WHY_MAX];
	struct credential_list l;
	struct buf bits = BUF_INIT;
	struct json *doc;
	struct stat st;

	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	unit_slurp(text, file);
	doc = json_parse(text->p, text->len, jwhy);
	ck_assert_msg(doc != NULL, "%s: %s", file, jwhy);
	ck_assert_msg(credential_list_parse(&l, doc, why) == 0, "%s: %s",
	    file, why);
	ck_assert_msg(credential_list_verify(&l, why) == 0, "%s: %s", file,
	    why);
	ck_assert_str_eq(l.id, url);
	ck_assert_int_eq(memcmp(l.issuer_pk, pk, 32), 0);
	ck_assert_int_eq(bitstring_decode(l.encoded_list, &bits, bwhy), 0);
	ck_assert_uint_eq(bits.len, BITSTRING_LIST_SIZE / 8);
	ck_assert_int_eq(memcmp(bits.p, want, bits.len), 0);
	buf_release(&bits);
	json_free(doc);
}

static time_t
mtime(const char *file)
{
	struct stat st;

	ck_assert_int_eq(stat(file, &st), 0);
	return st.st_mtime;
}

/* Date a file back to 2001, so that a rewrite shows in its mtime. */
static void
age(const char *file)
{
	struct timespec t[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, file, t, 0), 0);
}

START_TEST(file_names)
{
	char *line = NULL, *want, name[STATUS_NAME_MAX];
	FILE *f = unit_cases("test/unit/data/status-names.tsv");
	size_t cap = 0;
	int n = 0;

	while (unit_next_case(f, &line, &cap, &want)) {
		if (strcmp(want, "-") == 0) {
			ck_assert_msg(status_file_name(line, name) == -1,
			    "%s: got %s", line, name);
		} else {
			ck_assert_msg(status_file_name(line, name) == 0,
			    "%s: refused", line);
			ck_assert_str_eq(name, want);
		}
		n++;
	}
	ck_assert_int_gt(n, 10);
	free(line);
	fclose(f);
}
END_TEST

/* The entries handed out: their list and index. */
static struct entry {
	long long list_id;
	unsigned long index;
} entries[NENTRIES];

START_TEST(publish_lists)
{
	static unsigned char seen[2][BITSTRING_LIST_SIZE / 8];
	static unsigned char want[3][BITSTRING_LIST_SIZE / 8];
	static char ids[NENTRIES / 500][CREDENTIAL_ID_MAX];
	struct buf first[2] = { BUF_INIT, BUF_INIT };
	struct buf text = BUF_INIT;
	char id3[CREDENTIAL_ID_MAX];
	unsigned long count[2] = { 0, 0 }, nrev[2] = { 0, 0 };
	unsigned char pk2[32];
	struct store_status_entry e;
	struct timespec t0, t1;
	struct report r;
	long long key2, list[2];
	size_t i, l, last = 0;

	/* 150,000 entries in one transaction: one full list, one more. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	store_begin(db);
	for (i = 0; i < NENTRIES; i++) {
		store_status_assign(db, org, key1, BASE, store_now(db), &e);
		entries[i].list_id = e.list_id;
		entries[i].index = e.index;
	}
	store_commit(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "# check_status: %d entries assigned in %.0f ms\n",
	    NENTRIES, (t1.tv_sec - t0.tv_sec) * 1e3 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	list[0] = entries[0].list_id;
	list[1] = entries[NENTRIES - 1].list_id;
	ck_assert_int_ne(list[0], list[1]);
	for (i = 0; i < NENTRIES; i++) {
		l = entries[i].list_id == list[1];
		ck_assert_int_eq(entries[i].list_id, list[l]);
		ck_assert_uint_lt(entries[i].index, BITSTRING_LIST_SIZE);
		if (!bitstring_get(seen[l], sizeof seen[l], entries[i].index))
			count[l]++;
		bitstring_set(seen[l], entries[i].index);
		/* The first list is used up before the second starts. */
		ck_assert_uint_ge(l, last);
		last = l;
	}
	ck_assert_uint_eq(count[0], BITSTRING_LIST_SIZE);
	ck_assert_uint_eq(count[1], NENTRIES - BITSTRING_LIST_SIZE);

	/* Every 500th entry has a credential; every third of those is
	 * revoked. */
	store_begin(db);
	for (i = 0; i < NENTRIES / 500; i++)
		insert(entries[i * 500].list_id, entries[i * 500].index,
		    ids[i]);
	store_commit(db);
	for (i = 0; i < NENTRIES / 500; i += 3) {
		l = entries[i * 500].list_id == list[1];
		revoke_cred(ids[i]);
		bitstring_set(want[l], entries[i * 500].index);
		nrev[l]++;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	publish(&r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "# check_status: 2 lists of %d entries published "
	    "in %.1f ms\n", NENTRIES, (t1.tv_sec - t0.tv_sec) * 1e3 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	ck_assert_int_eq(r.n, 2);
	for (l = 0; l < 2; l++) {
		char url[128], file[128];

		snprintf(url, sizeof url, BASE "/%lld.json", list[l]);
		snprintf(file, sizeof file, "%s/%lld.json", out, list[l]);
		ck_assert_str_eq(r.url[l], url);
		ck_assert_str_eq(r.file[l], file);
		ck_assert_uint_eq(r.entries[l], count[l]);
		ck_assert_uint_eq(r.revoked[l], nrev[l]);
		ck_assert_int_eq(r.written[l], 1);
		unit_slurp(&first[l], file);
		check_file(file, url, pk1, want[l], &text);
		age(file);
	}

	/* Again, a second later, with nothing changed: nothing is
	 * written. */
	sleep(1);
	publish(&r);
	ck_assert_int_eq(r.n, 2);
	for (l = 0; l < 2; l++) {
		ck_assert_int_eq(r.written[l], 0);
		ck_assert_int_eq(mtime(r.file[l]), 1000000000);
		unit_slurp(&text, r.file[l]);
		ck_assert_uint_eq(text.len, first[l].len);
		ck_assert_int_eq(memcmp(text.p, first[l].p, text.len), 0);
	}

	/* A revocation in the second list rewrites only its file. */
	i = NENTRIES / 500 - 1;
	ck_assert_int_eq(entries[i * 500].list_id, list[1]);
	ck_assert_uint_ne(i % 3, 0);
	revoke_cred(ids[i]);
	bitstring_set(want[1], entries[i * 500].index);
	publish(&r);
	ck_assert_int_eq(r.written[0], 0);
	ck_assert_int_eq(mtime(r.file[0]), 1000000000);
	ck_assert_int_eq(r.written[1], 1);
	ck_assert_int_ne(mtime(r.file[1]), 1000000000);
	ck_assert_uint_eq(r.revoked[1], nrev[1] + 1);
	check_file(r.file[1], r.url[1], pk1, want[1], &text);
	ck_assert(text.len != first[1].len ||
	    memcmp(text.p, first[1].p, text.len) != 0);
	age(r.file[1]);

	/* A new key starts a list of its own, which it signs; the lists of
	 * the old key stay as they are, signed by it. */
	key2 = add_key(pk2);
	store_begin(db);
	store_status_assign(db, org, key2, BASE, store_now(db), &e);
	insert(e.list_id, e.index, id3);
	store_commit(db);
	ck_assert_int_ne(e.list_id, list[0]);
	ck_assert_int_ne(e.list_id, list[1]);
	revoke_cred(id3);
	bitstring_set(want[2], e.index);
	publish(&r);
	ck_assert_int_eq(r.n, 3);
	ck_assert_int_eq(r.written[0], 0);
	ck_assert_int_eq(r.written[1], 0);
	ck_assert_int_eq(r.written[2], 1);
	ck_assert_uint_eq(r.entries[2], 1);
	ck_assert_uint_eq(r.revoked[2], 1);
	check_file(r.file[0], r.url[0], pk1, want[0], &text);
	check_file(r.file[1], r.url[1], pk1, want[1], &text);
	check_file(r.file[2], r.url[2], pk2, want[2], &text);
	ck_assert_int_eq(mtime(r.file[0]), 1000000000);
	ck_assert_int_eq(mtime(r.file[1]), 1000000000);

	buf_release(&first[0]);
	buf_release(&first[1]);
	buf_release(&text);
}
END_TEST

START_TEST(unsealable_key)
{
	char other[96], err[SIGN_ERR_MAX], why[STATUS_WHY_MAX];
	struct store_status_entry e;
	struct sign_master *m;
	struct report r = { 0 };
	struct stat st;

	store_begin(db);
	store_status_assign(db, org, key1, BASE, store_now(db), &e);
	store_commit(db);
	snprintf(other, sizeof other, "%s/other.key", ws.dir);
	ck_assert_int_eq(sign_master_create(other, err), 0);
	ck_assert_int_eq(sign_master_load(other, &m, err), 0);
	ck_assert_int_eq(status_publish(db, m, org, out, record, &r, why),
	    EXIT_CONFIG);
	ck_assert_ptr_nonnull(strstr(why, "status list " BASE "/"));
	ck_assert_ptr_nonnull(strstr(why, "unseal"));
	ck_assert_int_eq(r.n, 0);
	ck_assert_int_eq(stat(out, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	sign_master_free(m);
}
END_TEST

/* Replace the first text between `"name": "` and `"` in t by value. */
static void
set_member(struct buf *t, const char *name, const char *value)
{
	struct buf b = BUF_INIT, key = BUF_INIT;
	char *p, *end;

	buf_printf(&key, "\"%s\": \"", name);
	p = strstr(t->p, key.p);
	ck_assert_ptr_nonnull(p);
	p += key.len;
	end = strchr(p, '"');
	buf_add(&b, t->p, (size_t)(p - t->p));
	buf_adds(&b, value);
	buf_adds(&b, end);
	buf_release(t);
	*t = b;
	buf_release(&key);
}

static void
write_file(const char *file, const struct buf *t)
{
	FILE *f = fopen(file, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(t->p, 1, t->len, f), t->len);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Check a credential of the issuer pk at entry index of url against the
 * lists in d: its verdict must be v, and its reason (when v is not
 * STATUS_GOOD) the printf of fmt.
 */
static void expect(struct status_dir *d, const char *url,
    unsigned long index, const unsigned char pk[32], enum status_verdict v,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
expect(struct status_dir *d, const char *url, unsigned long index,
    const unsigned char pk[32], enum status_verdict v, const char *fmt, ...)
{
	char why[STATUS_WHY_MAX], want[STATUS_WHY_MAX];
	struct credential c = { 0 };
	va_list ap;

	c.status_list = url;
	c.status_index = index;
	memcpy(c.issuer_pk, pk, 32);
	why[0] = '\0';
	ck_assert_int_eq(status_check(d, &c, why), v);
	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	if (v != STATUS_GOOD)
		ck_assert_str_eq(why, want);
}

START_TEST(check_lists)
{
	char id[2][CREDENTIAL_ID_MAX], url[128], file[160], other[160];
	char cwhy[CREDENTIAL_WHY_MAX];
	unsigned char bits[BITSTRING_LIST_SIZE / 8], pk[32], sk[64];
	struct store_status_entry e[2];
	struct buf text = BUF_INIT, enc = BUF_INIT;
	struct credential_list cl = { 0 };
	struct status_dir *d;
	struct report r;
	int i;

	store_begin(db);
	for (i = 0; i < 2; i++) {
		store_status_assign(db, org, key1, BASE, store_now(db), &e[i]);
		insert(e[i].list_id, e[i].index, id[i]);
	}
	store_commit(db);
	revoke_cred(id[0]);
	publish(&r);
	snprintf(url, sizeof url, "%s", r.url[0]);
	snprintf(file, sizeof file, "%s", r.file[0]);

	d = status_dir_open(out);
	ck_assert_ptr_nonnull(d);
	expect(d, url, e[0].index, pk1, STATUS_REVOKED,
	    "revoked (status list %s entry %lu)", url, e[0].index);
	expect(d, url, e[1].index, pk1, STATUS_GOOD, "-");
	expect(d, NULL, 0, pk1, STATUS_GOOD, "-");
	expect(d, url, BITSTRING_LIST_SIZE, pk1, STATUS_UNKNOWN,
	    "status list %s has no entry %d", url, BITSTRING_LIST_SIZE);
	/* A credential of another issuer pointing at this list. */
	crypto_sign_keypair(pk, sk);
	expect(d, url, e[0].index, pk, STATUS_UNKNOWN,
	    "status list %s is not signed by the credential's issuer", url);
	expect(d, BASE "/99.json", 0, pk1, STATUS_UNKNOWN,
	    "status list %s is not in %s", BASE "/99.json", out);
	expect(d, BASE "/", 0, pk1, STATUS_UNKNOWN,
	    "status list %s: its URL does not end in a file name", BASE "/");

	/* A list is read once: gone now, it is still known to d. */
	unit_slurp(&text, file);
	ck_assert_int_eq(unlink(file), 0);
	expect(d, url, e[0].index, pk1, STATUS_REVOKED,
	    "revoked (status list %s entry %lu)", url, e[0].index);
	status_dir_free(d);
	d = status_dir_open(out);
	expect(d, url, e[0].index, pk1, STATUS_UNKNOWN,
	    "status list %s is not in %s", url, out);
	status_dir_free(d);

	/* The list with its revocation undone, its proof kept. */
	memset(bits, 0, sizeof bits);
	bitstring_encode(bits, sizeof bits, &enc);
	set_member(&text, "encodedList", enc.p);
	write_file(file, &text);
	d = status_dir_open(out);
	expect(d, url, e[0].index, pk1, STATUS_UNKNOWN,
	    "status list %s: signature does not match", url);
	status_dir_free(d);

	/* The same, signed by someone else: a valid list, of the wrong
	 * issuer. */
	buf_reset(&text);
	cl.id = url;
	memcpy(cl.issuer_pk, pk, 32);
	cl.valid_from = cl.created = store_now(db);
	cl.encoded_list = enc.p;
	ck_assert_int_eq(credential_list_build_signed(&cl, sk, &text, cwhy), 0);
	write_file(file, &text);
	d = status_dir_open(out);
	expect(d, url, e[0].index, pk1, STATUS_UNKNOWN,
	    "status list %s is not signed by the credential's issuer", url);
	/* Another URL's list under this one's name. */
	snprintf(other, sizeof other, "%s/98.json", out);
	ck_assert_int_eq(rename(file, other), 0);
	expect(d, BASE "/98.json", 0, pk, STATUS_UNKNOWN,
	    "status list %s: '%s' is the list %s", BASE "/98.json", other, url);
	status_dir_free(d);

	/* Larger than STATUS_FILE_MAX. */
	buf_reset(&text);
	buf_grow(&text, STATUS_FILE_MAX + 1);
	memset(text.p, ' ', STATUS_FILE_MAX + 1);
	text.len = STATUS_FILE_MAX + 1;
	write_file(file, &text);
	d = status_dir_open(out);
	expect(d, url, 0, pk1, STATUS_UNKNOWN,
	    "status list %s: '%s' is larger than %d bytes", url, file,
	    STATUS_FILE_MAX);
	status_dir_free(d);

	ck_assert_ptr_null(status_dir_open(file));
	buf_release(&text);
	buf_release(&enc);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("status");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, file_names);
	tcase_add_test(tc, publish_lists);
	tcase_add_test(tc, unsealable_key);
	tcase_add_test(tc, check_lists);
	suite_add_tcase(s, tc);
	return s;
}
