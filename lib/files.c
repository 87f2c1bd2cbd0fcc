/* files.c: which files may be trusted; the contract is in files.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "exitcodes.h"
#include "files.h"
#include "util.h"

/* The name of uid, for the chown to suggest. */
static void
user_name(uid_t uid, char out[64])
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(out, 64, "%s", pw->pw_name);
	else
		snprintf(out, 64, "%ld", (long)uid);
}

static int
refuse(char why[FILES_WHY_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
refuse(char why[FILES_WHY_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, FILES_WHY_MAX, fmt, ap);
	va_end(ap);
	return EXIT_CONFIG;
}

int
files_check_dir(const char *path, uid_t uid, char why[FILES_WHY_MAX])
{
	const char *slash = strrchr(path, '/');
	struct buf dir = BUF_INIT;
	char name[64];
	struct stat st;
	int rc = 0;

	if (!slash)
		buf_adds(&dir, ".");
	else if (slash == path)
		buf_adds(&dir, "/");
	else
		buf_add(&dir, path, (size_t)(slash - path));
	if (stat(dir.p, &st) != 0) {
		rc = refuse(why, "%s: %s", dir.p, strerror(errno));
	} else if ((st.st_mode & 022) && !((st.st_mode & S_ISVTX) &&
	    st.st_uid == uid)) {
		user_name(uid, name);
		rc = refuse(why, "%s: the directory of %s is writable by %s, "
		    "who could put a file of theirs in its place; make it "
		    "private with: chmod go-w %s (or keep the files in a "
		    "directory of %s's)", dir.p, path, st.st_mode & 002 ?
		    "others" : "its group", dir.p, name);
	}
	buf_release(&dir);
	return rc;
}

int
files_check(const char *path, int flags, uid_t uid,
    char why[FILES_WHY_MAX])
{
	int secret = flags & FILES_SECRET;
	mode_t bad = secret ? 077 : 022;
	char name[64];
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT && (flags & FILES_OPTIONAL))
			return 0;
		return refuse(why, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return refuse(why, "%s: not a regular file", path);
	if (st.st_uid != uid) {
		user_name(uid, name);
		return refuse(why, "%s: owned by another user (uid %ld), who "
		    "could read or change it; if it is yours, take it with: "
		    "chown %s %s", path, (long)st.st_uid, name, path);
	}
	if (st.st_mode & bad)
		return refuse(why, "%s: group or others may %s it (mode "
		    "%03o); make it private with: chmod 600 %s", path,
		    secret ? "read or write" : "write",
		    (unsigned)(st.st_mode & 0777),
		    path);
	return files_check_dir(path, uid, why);
}

int
files_replace_at(int dfd, const char *dir, const char *name, const void *p,
    size_t n, mode_t mode, char why[FILES_WHY_MAX])
{
	struct buf tmp = BUF_INIT;
	size_t off = 0;
	ssize_t w;
	int fd, rc = 0;

	buf_printf(&tmp, ".%s.tmp", name);
	fd = openat(dfd, tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (fd < 0) {
		refuse(why, "cannot create '%s/%s': %s", dir, tmp.p,
		    strerror(errno));
		buf_release(&tmp);
		return EXIT_CANTCREAT;
	}
	while (off < n && (w = write(fd, (const char *)p + off, n - off)) > 0)
		off += (size_t)w;
	if (off < n || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		refuse(why, "%s/%s: %s", dir, tmp.p, strerror(errno));
		close(fd);
		unlinkat(dfd, tmp.p, 0);
		rc = EXIT_IOERR;
	} else if (close(fd) != 0 || renameat(dfd, tmp.p, dfd, name) != 0) {
		refuse(why, "cannot replace '%s/%s': %s", dir, name,
		    strerror(errno));
		unlinkat(dfd, tmp.p, 0);
		rc = EXIT_IOERR;
	} else if (fsync(dfd) != 0) {
		refuse(why, "%s: %s", dir, strerror(errno));
		rc = EXIT_IOERR;
	}
	buf_release(&tmp);
	return rc;
}

int
files_replace(const char *path, const void *p, size_t n, mode_t mode,
    char why[FILES_WHY_MAX])
{
	struct buf dir = BUF_INIT;
	const char *slash = strrchr(path, '/');
	int dfd, rc;

	if (slash)
		buf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path));
	else
		buf_adds(&dir, ".");
	if ((dfd = open(dir.p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		refuse(why, "%s: %s", dir.p, strerror(errno));
		buf_release(&dir);
		return EXIT_CANTCREAT;
	}
	rc = files_replace_at(dfd, dir.p, slash ? slash + 1 : path, p, n, mode,
	    why);
	close(dfd);
	buf_release(&dir);
	return rc;
}
