/*
 * status.c: publishing status lists into a directory, and checking
 * credentials against such a directory.  The contract is in status.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitstring.h"
#include "buf.h"
#include "exitcodes.h"
#include "files.h"
#include "json.h"
#include "status.h"
#include "strset.h"
#include "util.h"

int
status_file_name(const char *url, char name[STATUS_NAME_MAX])
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
	    "tuvwxyz0123456789._-";
	const char *host = strstr(url, "://"), *seg;
	size_t n;

	if (!host || !strchr(host + 3, '/'))
		return -1;
	seg = strrchr(url, '/') + 1;
	n = strlen(seg);
	if (n == 0 || n >= STATUS_NAME_MAX || seg[0] == '.' ||
	    strspn(seg, ok) != n)
		return -1;
	memcpy(name, seg, n + 1);
	return 0;
}

/* ---- publishing ---- */

/* A list as the database has it, copied out of its callback. */
struct pub_list {
	struct store_status_list l;	/* url points to url below */
	char *url;
	size_t key;			/* its key in keys[] */
};

struct pub {
	struct pub_list *lists;
	size_t n, cap;
	struct pub_key {
		long long id;
		unsigned char pk[32];
		unsigned char *sk;	/* unsealed */
	} *keys;
	size_t nkeys;
};

static void
collect(const struct store_status_list *l, void *arg)
{
	struct pub *p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->lists = xrealloc(p->lists, p->cap * sizeof *p->lists);
	}
	p->lists[p->n].l = *l;
	p->lists[p->n].url = xstrdup(l->url);
	p->lists[p->n].l.url = p->lists[p->n].url;
	p->n++;
}

static void
pub_release(struct pub *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->lists[i].url);
	for (i = 0; i < p->nkeys; i++)
		sign_secret_free(p->keys[i].sk);
	free(p->lists);
	free(p->keys);
}

/* Unseal the key of every list, once each; 0, or -1 with why. */
static int
unseal_keys(struct store *s, const struct sign_master *m, struct pub *p,
    char why[STATUS_WHY_MAX])
{
	char err[SIGN_ERR_MAX];
	struct store_key k;
	struct pub_key *pk;
	size_t i, j;

	p->keys = xcalloc(p->n ? p->n : 1, sizeof *p->keys);
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->nkeys; j++)
			if (p->keys[j].id == p->lists[i].l.key_id)
				break;
		p->lists[i].key = j;
		if (j < p->nkeys)
			continue;
		if (store_key_get(s, p->lists[i].l.key_id, &k) != 0) {
			snprintf(why, STATUS_WHY_MAX, "status list %s: its "
			    "signing key is gone", p->lists[i].url);
			return -1;
		}
		pk = &p->keys[p->nkeys];
		pk->id = k.id;
		memcpy(pk->pk, k.pk, sizeof pk->pk);
		pk->sk = sign_unseal(m, k.sealed, k.sealed_len, k.pk, err);
		store_key_release(&k);
		if (!pk->sk) {
			snprintf(why, STATUS_WHY_MAX, "status list %s: %s",
			    p->lists[i].url, err);
			return -1;
		}
		p->nkeys++;
	}
	return 0;
}

struct bits {
	unsigned char *p;
	unsigned long size;	/* entries */
	unsigned long set;	/* bits set */
	unsigned long beyond;	/* entries past size: none, or the store is
				 * broken */
};

static void
set_bit(unsigned long index, void *arg)
{
	struct bits *b = arg;

	if (index >= b->size) {
		b->beyond++;
		return;
	}
	if (!bitstring_get(b->p, b->size / 8, index))
		b->set++;
	bitstring_set(b->p, index);
}

/* The signed list credential of pl into out; 0, or -1 with why. */
static int
build_list(struct store *s, const struct pub *p, const struct pub_list *pl,
    struct buf *out, unsigned long *revoked, char why[STATUS_WHY_MAX])
{
	struct bits b = { NULL, pl->l.size, 0, 0 };
	struct buf encoded = BUF_INIT;
	struct credential_list cl;
	char cwhy[CREDENTIAL_WHY_MAX];
	int rc = -1;

	if (b.size == 0 || b.size % 8 != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: %lu entries is "
		    "not a whole number of bytes", pl->url, b.size);
		return -1;
	}
	b.p = xcalloc(b.size / 8, 1);
	store_status_revoked(s, pl->l.id, set_bit, &b);
	if (b.beyond) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: %lu revoked "
		    "entries beyond its %lu", pl->url, b.beyond, b.size);
		goto done;
	}
	bitstring_encode(b.p, b.size / 8, &encoded);
	memset(&cl, 0, sizeof cl);
	cl.id = pl->url;
	memcpy(cl.issuer_pk, p->keys[pl->key].pk, sizeof cl.issuer_pk);
	cl.valid_from = cl.created = pl->l.changed;
	cl.encoded_list = encoded.p;
	if (credential_list_build_signed(&cl, p->keys[pl->key].sk, out,
	    cwhy) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: %s", pl->url,
		    cwhy);
		goto done;
	}
	*revoked = b.set;
	rc = 0;
done:
	buf_release(&encoded);
	free(b.p);
	return rc;
}

/* Whether the file name in dfd holds exactly the n bytes at p. */
static int
holds(int dfd, const char *name, const char *p, size_t n)
{
	struct stat st;
	char *got, more;
	ssize_t r;
	size_t off = 0;
	int fd, same = 0;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != n) {
		close(fd);
		return 0;
	}
	got = xmalloc(n + 1);
	while (off < n && (r = read(fd, got + off, n - off)) > 0)
		off += (size_t)r;
	same = off == n && read(fd, &more, 1) == 0 && memcmp(got, p, n) == 0;
	free(got);
	close(fd);
	return same;
}

/* Replace dir/name by the n bytes at p, atomically (files.h); 0, or an
 * exit status with why. */
static int
replace(int dfd, const char *dir, const char *name, const char *p, size_t n,
    char why[STATUS_WHY_MAX])
{
	char fwhy[FILES_WHY_MAX];
	int rc;

	if ((rc = files_replace_at(dfd, dir, name, p, n, 0644, fwhy)) != 0)
		snprintf(why, STATUS_WHY_MAX, "%s", fwhy);
	return rc;
}

/* Open dir, made 0755 when it is missing; the descriptor, or -1 with
 * why. */
static int
open_dir(const char *dir, char why[STATUS_WHY_MAX])
{
	int fd;

	if (mkdir(dir, 0755) == 0) {
		if (chmod(dir, 0755) != 0) {
			snprintf(why, STATUS_WHY_MAX, "%s: %s", dir,
			    strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(why, STATUS_WHY_MAX, "cannot create '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		snprintf(why, STATUS_WHY_MAX, "cannot open '%s': %s", dir,
		    strerror(errno));
	return fd;
}

int
status_publish(struct store *s, const struct sign_master *m,
    long long org_id, const char *dir, status_published_fn *fn, void *arg,
    char why[STATUS_WHY_MAX])
{
	struct pub p = { NULL, 0, 0, NULL, 0 };
	struct status_published r;
	struct buf doc = BUF_INIT, file = BUF_INIT;
	char name[STATUS_NAME_MAX];
	int dfd = -1, rc = EXIT_CONFIG;
	size_t i;

	store_begin_read(s);
	store_status_lists(s, org_id, collect, &p);
	if (unseal_keys(s, m, &p, why) != 0)
		goto done;
	rc = EXIT_CANTCREAT;
	if ((dfd = open_dir(dir, why)) < 0)
		goto done;
	for (i = 0; i < p.n; i++) {
		const struct pub_list *pl = &p.lists[i];

		rc = EXIT_DATAERR;
		if (status_file_name(pl->url, name) != 0) {
			snprintf(why, STATUS_WHY_MAX, "status list %s: its URL "
			    "does not end in a file name", pl->url);
			goto done;
		}
		buf_reset(&doc);
		if (build_list(s, &p, pl, &doc, &r.revoked, why) != 0)
			goto done;
		buf_reset(&file);
		buf_printf(&file, "%s/%s", dir, name);
		r.file = file.p;
		r.url = pl->url;
		r.entries = pl->l.used;
		r.written = !holds(dfd, name, doc.p, doc.len);
		if (r.written &&
		    (rc = replace(dfd, dir, name, doc.p, doc.len, why)) != 0)
			goto done;
		fn(&r, arg);
	}
	rc = 0;
done:
	store_commit(s);
	if (dfd >= 0)
		close(dfd);
	buf_release(&doc);
	buf_release(&file);
	pub_release(&p);
	return rc;
}

/* ---- checking ---- */

/* A list file as read, once a run. */
struct dir_list {
	int ok;			/* 1: parsed, verified, decoded */
	char *why;		/* when not ok: the reason, whole */
	unsigned char pk[32];	/* its issuer's key */
	struct buf bits;
};

struct status_dir {
	int fd;
	char *path;
	struct strset urls;	/* a URL: its index in lists + 1 */
	struct dir_list *lists;
	size_t n, cap;
};

struct status_dir *
status_dir_open(const char *path)
{
	struct status_dir *d;
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return NULL;
	d = xcalloc(1, sizeof *d);
	d->fd = fd;
	d->path = xstrdup(path);
	return d;
}

void
status_dir_free(struct status_dir *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->lists[i].why);
		buf_release(&d->lists[i].bits);
	}
	free(d->lists);
	strset_release(&d->urls);
	free(d->path);
	close(d->fd);
	free(d);
}

/* Read the file name of d, at most STATUS_FILE_MAX bytes, into text; 0,
 * or -1 with why. */
static int
read_list(struct status_dir *d, const char *url, const char *name,
    struct buf *text, char why[STATUS_WHY_MAX])
{
	struct stat st;
	ssize_t r = 0;
	int fd;

	if ((fd = openat(d->fd, name, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			snprintf(why, STATUS_WHY_MAX, "status list %s is not in "
			    "%s", url, d->path);
		else
			snprintf(why, STATUS_WHY_MAX, "status list %s: cannot "
			    "open '%s/%s': %s", url, d->path, name,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: '%s/%s' is not "
		    "a file", url, d->path, name);
		close(fd);
		return -1;
	}
	do {
		text->len += (size_t)r;
		buf_grow(text, 65536);
	} while (text->len <= STATUS_FILE_MAX &&
	    (r = read(fd, text->p + text->len, 65536)) > 0);
	close(fd);
	text->p[text->len] = '\0';
	if (r < 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: '%s/%s': %s",
		    url, d->path, name, strerror(errno));
		return -1;
	}
	if (text->len > STATUS_FILE_MAX) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: '%s/%s' is "
		    "larger than %d bytes", url, d->path, name,
		    STATUS_FILE_MAX);
		return -1;
	}
	return 0;
}

/* Read, parse, verify and decode the list at url into dl; 0, or -1 with
 * why. */
static int
load_list(struct status_dir *d, const char *url, struct dir_list *dl,
    char why[STATUS_WHY_MAX])
{
	char name[STATUS_NAME_MAX], jwhy[JSON_WHY_MAX];
	char cwhy[CREDENTIAL_WHY_MAX], bwhy[BITSTRING_WHY_MAX];
	struct buf text = BUF_INIT;
	struct credential_list l;
	struct json *doc = NULL;
	int rc = -1;

	if (status_file_name(url, name) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: its URL does "
		    "not end in a file name", url);
		return -1;
	}
	if (read_list(d, url, name, &text, why) != 0)
		goto done;
	if (!(doc = json_parse(text.p, text.len, jwhy))) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: not JSON: %s",
		    url, jwhy);
		goto done;
	}
	if (credential_list_parse(&l, doc, cwhy) != 0 ||
	    credential_list_verify(&l, cwhy) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: %s", url, cwhy);
		goto done;
	}
	if (strcmp(l.id, url) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: '%s/%s' is the "
		    "list %s", url, d->path, name, l.id);
		goto done;
	}
	if (bitstring_decode(l.encoded_list, &dl->bits, bwhy) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s: %s", url, bwhy);
		goto done;
	}
	memcpy(dl->pk, l.issuer_pk, sizeof dl->pk);
	rc = 0;
done:
	json_free(doc);
	buf_release(&text);
	return rc;
}

/* The list at url, loaded the first time it is asked for. */
static const struct dir_list *
get_list(struct status_dir *d, const char *url)
{
	char why[STATUS_WHY_MAX];
	struct dir_list *dl;
	unsigned long i;

	if ((i = strset_add(&d->urls, url, strlen(url), d->n + 1)) != 0)
		return &d->lists[i - 1];
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->lists = xrealloc(d->lists, d->cap * sizeof *d->lists);
	}
	dl = &d->lists[d->n++];
	memset(dl, 0, sizeof *dl);
	dl->ok = load_list(d, url, dl, why) == 0;
	if (!dl->ok) {
		dl->why = xstrdup(why);
		buf_release(&dl->bits);
	}
	return dl;
}

enum status_verdict
status_check(struct status_dir *d, const struct credential *c,
    char why[STATUS_WHY_MAX])
{
	const struct dir_list *dl;
	int bit;

	if (!c->status_list || !c->status_list[0])
		return STATUS_GOOD;
	dl = get_list(d, c->status_list);
	if (!dl->ok) {
		snprintf(why, STATUS_WHY_MAX, "%s", dl->why);
		return STATUS_UNKNOWN;
	}
	if (memcmp(dl->pk, c->issuer_pk, sizeof dl->pk) != 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s is not signed by "
		    "the credential's issuer", c->status_list);
		return STATUS_UNKNOWN;
	}
	bit = bitstring_get((const unsigned char *)dl->bits.p, dl->bits.len,
	    c->status_index);
	if (bit < 0) {
		snprintf(why, STATUS_WHY_MAX, "status list %s has no entry %lu",
		    c->status_list, c->status_index);
		return STATUS_UNKNOWN;
	}
	if (bit) {
		snprintf(why, STATUS_WHY_MAX, "revoked (status list %s entry "
		    "%lu)", c->status_list, c->status_index);
		return STATUS_REVOKED;
	}
	return STATUS_GOOD;
}
