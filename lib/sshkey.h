/*
 * sshkey.h: a member's SSH public key, as OpenSSH writes it in
 * ~/.ssh/id_ed25519.pub:
 *
 *	ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... ada@laptop
 *
 * a type, the key in base64 and a comment.  The key must be one OpenSSH
 * takes today: ssh-ed25519, ecdsa-sha2-nistp256/384/521, the security-key
 * types sk-ssh-ed25519@openssh.com and sk-ecdsa-sha2-nistp256@openssh.com,
 * or ssh-rsa of 2048 bits or more.  Its base64 must decode (padded, as
 * OpenSSH writes it) to the wire form that starts with the same type,
 * and hold the fields that type has, and no more.
 *
 * The fingerprint is OpenSSH's: "SHA256:" and the SHA-256 of the decoded
 * key in base64 without padding, as ssh-keygen -l prints it.
 */
#ifndef CREDPIPE_SSHKEY_H
#define CREDPIPE_SSHKEY_H

#include <stddef.h>

#define SSHKEY_TYPE_MAX 40	/* the longest type, with its NUL */
#define SSHKEY_BLOB_MAX 8192	/* the longest base64 taken */
#define SSHKEY_FP_MAX 51	/* "SHA256:" and 43 characters, NUL */
#define SSHKEY_COMMENT_MAX 256	/* characters of comment kept */
#define SSHKEY_WHY_MAX 160

struct sshkey {
	char type[SSHKEY_TYPE_MAX];
	char *blob;		/* the base64, as given */
	char *comment;		/* UTF-8 without control characters;
				 * may be "" */
	char fingerprint[SSHKEY_FP_MAX];
};

/*
 * Parse one line of a public key file (its LF, if any, removed): type,
 * blob and an optional comment, separated by spaces or TABs.  Return 0,
 * or -1 with why; the caller frees with sshkey_release either way.
 */
int sshkey_parse(struct sshkey *k, const char *line, char why[SSHKEY_WHY_MAX]);
void sshkey_release(struct sshkey *k);

#endif
