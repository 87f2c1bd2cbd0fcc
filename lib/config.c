/* config.c: configuration lookup; the contract is in config.h. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "exitcodes.h"
#include "util.h"

const char *
config_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *
config_db(const char *opt)
{
	const char *v = opt ? opt : config_env("CREDPIPE_DB");

	return v ? v : "./credpipe.db";
}

char *
config_master_key(const char *opt, const char *db)
{
	const char *v = opt ? opt : config_env("CREDPIPE_MASTER_KEY");
	const char *slash;

	if (v)
		return xstrdup(v);
	/* A database on a server has no directory to keep it beside. */
	if (strstr(db, "://"))
		errx(EXIT_CONFIG, "%s: a database on a server: "
		    "CREDPIPE_MASTER_KEY or -k names the master key file", db);
	if (!(slash = strrchr(db, '/')))
		return xstrdup("credpipe.key");
	{
		struct buf b = BUF_INIT;

		buf_add(&b, db, (size_t)(slash - db + 1));
		buf_adds(&b, "credpipe.key");
		return buf_detach(&b);
	}
}

char *
config_api_key(const char *keyfile)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (!keyfile)
		return config_env("CREDPIPE_API_KEY") ?
		    xstrdup(config_env("CREDPIPE_API_KEY")) : NULL;
	if (!(f = fopen(keyfile, "r")))
		err(EXIT_NOINPUT, "%s", keyfile);
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}
