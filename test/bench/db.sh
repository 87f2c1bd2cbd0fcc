# db.sh: the benchmarks' database, on either engine, sourced from the
# benchmark's work directory (the current one).
#
#	db_fresh	a new, empty database, as CREDPIPE_DB names it
#	db_save		keep what it holds as the clean copy
#	db_restore	make it the clean copy again
#
# On SQLite (the default) it is ./credpipe.db; with CREDPIPE_TEST_PG (a
# server's URI, as test/pg/server writes it) a database "bench" on that
# server, the clean copy a database made from it as a template.  Sets
# engine, rc_target and bs_target (the targets of test/bench/submit).
if [ -n "${CREDPIPE_TEST_PG:-}" ]; then
	engine=postgresql rc_target=200 bs_target=500
	CREDPIPE_DB=$CREDPIPE_TEST_PG/bench
	CREDPIPE_MASTER_KEY=$PWD/credpipe.key
	export CREDPIPE_DB CREDPIPE_MASTER_KEY
	db_sql() {
		psql -qAtX -v ON_ERROR_STOP=1 "$CREDPIPE_TEST_PG/postgres" -c "$1"
	}
	db_fresh() {
		rm -f credpipe.key
		db_sql "DROP DATABASE IF EXISTS bench WITH (FORCE)"
		db_sql "CREATE DATABASE bench"
	}
	db_save() {
		db_sql "DROP DATABASE IF EXISTS bench_clean WITH (FORCE)"
		db_sql "CREATE DATABASE bench_clean TEMPLATE bench"
	}
	db_restore() {
		db_sql "DROP DATABASE bench WITH (FORCE)"
		db_sql "CREATE DATABASE bench TEMPLATE bench_clean"
	}
else
	engine=sqlite rc_target=100 bs_target=250
	unset CREDPIPE_DB
	db_fresh() {
		rm -f credpipe.db* credpipe.key
	}
	db_save() {
		cp credpipe.db clean.db
	}
	db_restore() {
		cp clean.db credpipe.db
		rm -f credpipe.db-wal credpipe.db-shm
	}
fi
