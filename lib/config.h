/*
 * config.h: where the database, the master key and the API key come from
 * (man/credpipe.7, ENVIRONMENT).  An option wins over its environment variable,
 * which wins over the default.
 */
#ifndef CREDPIPE_CONFIG_H
#define CREDPIPE_CONFIG_H

/* The value of an environment variable, or NULL when it is unset or
 * empty (an empty variable is one not set). */
const char *config_env(const char *name);

/* The database: opt (-d), else $CREDPIPE_DB, else "./credpipe.db". */
const char *config_db(const char *opt);

/* The master key file: opt (-k), else $CREDPIPE_MASTER_KEY, else (for a
 * database that is a file, not a URI of a server)
 * credpipe.key in the directory of db.  The caller frees the result. */
char *config_master_key(const char *opt, const char *db);

/*
 * The API key: the first line of the file keyfile (-k) when given, else
 * $CREDPIPE_API_KEY, else NULL.  The caller frees the result.  A keyfile
 * that cannot be read ends the program (EXIT_NOINPUT).
 */
char *config_api_key(const char *keyfile);

#endif
