/* smtpreply.c: SMTP replies from a server's bytes; the contract is in
 * smtpreply.h. */
#include "smtpreply.h"

void
smtpreply_init(struct smtpreply *r)
{
	r->code = 0;
	r->text = (struct buf)BUF_INIT;
	r->line = (struct buf)BUF_INIT;
	r->reply = (struct buf)BUF_INIT;
}

/* Keep what the server said printable and on one line. */
static void
add_printable(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && b->len < SMTPREPLY_TEXT_MAX; i++)
		buf_addc(b, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
}

/* One line of a reply, without its line end. */
static void
reply_line(struct smtpreply *r, const char *p, size_t n)
{
	int code;

	if (n < 3 || p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return;
	code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	if (r->reply.len == 0)
		buf_add(&r->reply, p, 3);
	/* The space only with room for text after it: a reply of many
	 * lines must not grow past the limit a space at a time. */
	if (n > 4 && r->reply.len + 1 < SMTPREPLY_TEXT_MAX) {
		buf_addc(&r->reply, ' ');
		add_printable(&r->reply, p + 4, n - 4);
	}
	if (n > 3 && p[3] == '-')
		return;
	if (code >= 400 && r->code == 0) {
		r->code = code;
		buf_add(&r->text, r->reply.p, r->reply.len);
	}
	buf_reset(&r->reply);
}

void
smtpreply_feed(struct smtpreply *r, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\n') {
			if (r->line.len < SMTPREPLY_LINE_MAX)
				buf_addc(&r->line, p[i]);
			continue;
		}
		if (r->line.len && r->line.p[r->line.len - 1] == '\r')
			r->line.len--;
		reply_line(r, r->line.p ? r->line.p : "", r->line.len);
		buf_reset(&r->line);
	}
}

void
smtpreply_reset(struct smtpreply *r)
{
	r->code = 0;
	buf_reset(&r->text);
	buf_reset(&r->line);
	buf_reset(&r->reply);
}

void
smtpreply_release(struct smtpreply *r)
{
	buf_release(&r->text);
	buf_release(&r->line);
	buf_release(&r->reply);
	r->code = 0;
}
