/*
 * store_sqlite_status.c: the status lists of organizations, which entry
 * each credential has, and what a publication of a list needs.  The
 * contract is in store.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "bitstring.h"
#include "store_impl.h"

/* Start a list of org_id for key_id under base; return its id and write
 * its seed into seed. */
static long long
start_list(struct store *s, long long org_id, long long key_id,
    const char *base, long long now, unsigned char seed[32],
    char url[2100])
{
	static const char add[] = "INSERT INTO status_list (org_id, key_id, "
	    "seed, size, created) VALUES (?, ?, ?, ?, ?) RETURNING id";
	static const char name[] = "UPDATE status_list SET url = ? "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, add);
	size_t n = strlen(base);
	long long id;

	randombytes_buf(seed, 32);
	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, key_id);
	store_bind_blob(st, 3, seed, 32);
	store_bind_int(st, 4, BITSTRING_LIST_SIZE);
	store_bind_int(st, 5, now);
	if (store_insert(s, st, &id) != 0)
		store_die(s, "status list");
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(url, 2100, "%.*s/%lld.json", (int)n, base, id);
	st = store_stmt(s, name);
	store_bind_text(st, 1, url);
	store_bind_int(st, 2, id);
	store_exec(s, st);
	return id;
}

void
store_status_assign(struct store *s, long long org_id, long long key_id,
    const char *base, long long now, struct store_status_entry *e)
{
	static const char open_list[] = "SELECT id, url, seed, used "
	    "FROM status_list WHERE org_id = ? AND key_id = ? AND used < size "
	    "ORDER BY id LIMIT 1";
	static const char take[] = "UPDATE status_list SET used = used + 1 "
	    "WHERE id = ?";
	struct store_stmt *st = store_stmt(s, open_list);
	unsigned char seed[32];
	unsigned long used = 0;

	store_bind_int(st, 1, org_id);
	store_bind_int(st, 2, key_id);
	if (store_row(s, st)) {
		e->list_id = store_col_int(st, 0, 0);
		snprintf(e->url, sizeof e->url, "%s", store_col_text(st, 1));
		size_t len;
		const void *p = store_col_blob(st, 2, &len);

		if (len != 32)
			store_die(s, "status list seed");
		memcpy(seed, p, 32);
		used = (unsigned long)store_col_int(st, 3, 0);
		store_reset(st);
	} else {
		e->list_id = start_list(s, org_id, key_id, base, now, seed,
		    e->url);
	}
	e->index = bitstring_index(seed, used);
	sodium_memzero(seed, sizeof seed);
	st = store_stmt(s, take);
	store_bind_int(st, 1, e->list_id);
	store_exec(s, st);
}

void
store_status_lists(struct store *s, long long org_id,
    store_status_list_fn *fn, void *arg)
{
	static const char sql[] = "SELECT l.id, l.org_id, l.key_id, l.url, "
	    "l.size, l.used, l.created, (SELECT CASE WHEN max(c.revoked) > "
	    "l.created THEN max(c.revoked) ELSE l.created END FROM credential c "
	    "WHERE c.status_list_id = l.id) FROM status_list l "
	    "WHERE l.org_id = ? ORDER BY l.id";
	struct store_stmt *st = store_stmt(s, sql);
	struct store_status_list l;

	store_bind_int(st, 1, org_id);
	while (store_row(s, st)) {
		l.id = store_col_int(st, 0, 0);
		l.org_id = store_col_int(st, 1, 0);
		l.key_id = store_col_int(st, 2, 0);
		l.url = store_col_text(st, 3);
		l.size = (unsigned long)store_col_int(st, 4, 0);
		l.used = (unsigned long)store_col_int(st, 5, 0);
		l.created = store_col_int(st, 6, 0);
		l.changed = store_col_int(st, 7, 0);
		fn(&l, arg);
	}
}

void
store_status_revoked(struct store *s, long long list_id,
    store_status_bit_fn *fn, void *arg)
{
	static const char sql[] = "SELECT status_index FROM credential "
	    "WHERE status_list_id = ? AND revoked IS NOT NULL "
	    "ORDER BY status_index";
	struct store_stmt *st = store_stmt(s, sql);

	store_bind_int(st, 1, list_id);
	while (store_row(s, st))
		fn((unsigned long)store_col_int(st, 0, 0), arg);
}
