/*
 * store_sqlite_status.c: the status lists of organizations, which entry
 * each credential has, and what a publication of a list needs.  The
 * contract is in store.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "bitstring.h"
#include "store_sqlite.h"

/* Start a list of org_id for key_id under base; return its id and write
 * its seed into seed. */
static long long
start_list(struct store *s, long long org_id, long long key_id,
    const char *base, long long now, unsigned char seed[32],
    char url[2100])
{
	static const char add[] = "INSERT INTO status_list (org_id, key_id, "
	    "seed, size, created) VALUES (?, ?, ?, ?, ?)";
	static const char name[] = "UPDATE status_list SET url = ? "
	    "WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, add);
	size_t n = strlen(base);
	long long id;

	randombytes_buf(seed, 32);
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, key_id);
	sqlite3_bind_blob(st, 3, seed, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, BITSTRING_LIST_SIZE);
	sqlite3_bind_int64(st, 5, now);
	if (store_insert(s, st, &id) != 0)
		store_die(s, "status list");
	while (n > 0 && base[n - 1] == '/')
		n--;
	snprintf(url, 2100, "%.*s/%lld.json", (int)n, base, id);
	st = store_stmt(s, name);
	store_bind_text(st, 1, url);
	sqlite3_bind_int64(st, 2, id);
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
	sqlite3_stmt *st = store_stmt(s, open_list);
	unsigned char seed[32];
	unsigned long used = 0;

	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, key_id);
	if (store_row(s, st)) {
		e->list_id = sqlite3_column_int64(st, 0);
		snprintf(e->url, sizeof e->url, "%s", store_col_text(st, 1));
		if (sqlite3_column_bytes(st, 2) != 32)
			store_die(s, "status list seed");
		memcpy(seed, sqlite3_column_blob(st, 2), 32);
		used = (unsigned long)sqlite3_column_int64(st, 3);
		sqlite3_reset(st);
	} else {
		e->list_id = start_list(s, org_id, key_id, base, now, seed,
		    e->url);
	}
	e->index = bitstring_index(seed, used);
	sodium_memzero(seed, sizeof seed);
	st = store_stmt(s, take);
	sqlite3_bind_int64(st, 1, e->list_id);
	store_exec(s, st);
}

void
store_status_lists(struct store *s, long long org_id,
    store_status_list_fn *fn, void *arg)
{
	static const char sql[] = "SELECT l.id, l.org_id, l.key_id, l.url, "
	    "l.size, l.used, l.created, max(l.created, coalesce((SELECT "
	    "max(c.revoked) FROM credential c WHERE c.status_list_id = l.id), "
	    "0)) FROM status_list l WHERE l.org_id = ? ORDER BY l.id";
	sqlite3_stmt *st = store_stmt(s, sql);
	struct store_status_list l;

	sqlite3_bind_int64(st, 1, org_id);
	while (store_row(s, st)) {
		l.id = sqlite3_column_int64(st, 0);
		l.org_id = sqlite3_column_int64(st, 1);
		l.key_id = sqlite3_column_int64(st, 2);
		l.url = store_col_text(st, 3);
		l.size = (unsigned long)sqlite3_column_int64(st, 4);
		l.used = (unsigned long)sqlite3_column_int64(st, 5);
		l.created = sqlite3_column_int64(st, 6);
		l.changed = sqlite3_column_int64(st, 7);
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
	sqlite3_stmt *st = store_stmt(s, sql);

	sqlite3_bind_int64(st, 1, list_id);
	while (store_row(s, st))
		fn((unsigned long)sqlite3_column_int64(st, 0), arg);
}
