/* config.c: configuration lookup; the contract is in config.h. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "util.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *
config_db(const char *opt)
{
	const char *v = opt ? opt : env("CREDPIPE_DB");

	return v ? v : "./credpipe.db";
}

char *
config_master_key(const char *opt, const char *db)
{
	const char *v = opt ? opt : env("CREDPIPE_MASTER_KEY");
	const char *slash;

	if (v)
		return xstrdup(v);
	if (!(slash = strrchr(db, '/')))
		return xstrdup("credpipe.key");
	{
		struct buf b = BUF_INIT;

		buf_add(&b, db, (size_t)(slash - db + 1));
		buf_adds(&b, "credpipe.key");
		return buf_detach(&b);
	}
}

const char *
config_api_key(void)
{
	return env("CREDPIPE_API_KEY");
}
