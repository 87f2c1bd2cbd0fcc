#!/bin/sh
# The PostgreSQL database itself, as test/cli/0021-store.t tests the
# SQLite file: an empty database is refused until org-admin init makes
# the schema, which a second init leaves alone; a newer schema is refused
# and left as it is; another program's database is refused; a password
# in the URI is refused before anything connects.  It reads and writes
# the server with psql, as no other command test may.
. "$(dirname "$0")/../cli/lib.sh"

if [ "$engine" != postgresql ]; then
	not_ok "CREDPIPE_TEST_PG names a server (make test-pg runs this)"
	done_testing
fi
psql_db() { # DB SQL
	psql -qAtX -v ON_ERROR_STOP=1 "$1" -c "$2"
}

run org-admin org list
exits "an empty database is no credpipe database yet: 66" 66
has "naming init" err "no credpipe database here"
is "and nothing was made in it" \
    "$(psql_db "$CREDPIPE_DB" "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")" 0
run org-admin init
exits "init makes the schema" 0
has "saying so" err "created the database $CREDPIPE_DB"
is "at the current version" \
    "$(psql_db "$CREDPIPE_DB" "SELECT version FROM credpipe_schema")" 9
run org-admin init
is "init again says nothing of the database" "$(grep -c 'created the database' err)" 0
org-admin org create acme Acme 2>/dev/null
store_test dump >before.dump
psql_db "$CREDPIPE_DB" "UPDATE credpipe_schema SET version = 99"
run org-admin org list
exits "a newer schema is refused with 78" 78
has "saying what to do" err "newer than this credpipe knows"
psql_db "$CREDPIPE_DB" "UPDATE credpipe_schema SET version = 9"
store_test dump >after.dump
same "and the database is as it was" after.dump before.dump

# A database of version 8, from before the items held the quota
# themselves, is migrated when opened: the same schema as a new one.
schema() {
	psql_db "$1" "SELECT tablename || ' ' || indexdef FROM pg_indexes
	    WHERE schemaname = current_schema() ORDER BY 1"
	psql_db "$1" "SELECT table_name || '.' || column_name || ' ' ||
	    data_type FROM information_schema.columns
	    WHERE table_schema = current_schema() ORDER BY 1"
}
v8=$(new_db v8)
org-admin -d "$v8" init 2>/dev/null
schema "$v8" >new.schema
psql_db "$v8" "CREATE TABLE quota_hold (org_id bigint NOT NULL
    REFERENCES org(id), month text NOT NULL, email text NOT NULL,
    job_item_id bigint NOT NULL REFERENCES job_item(id),
    PRIMARY KEY (org_id, month, email, job_item_id));
    DROP INDEX job_item_email;
    CREATE INDEX job_item_open ON job_item(email) WHERE due IS NOT NULL;
    UPDATE credpipe_schema SET version = 8"
run org-admin -d "$v8" org list
exits "a database of version 8 opens" 0
is "at version 9 now" "$(psql_db "$v8" "SELECT version FROM credpipe_schema")" 9
schema "$v8" >migrated.schema
same "with a new database's schema" migrated.schema new.schema
is "quota_hold gone, and every item indexed by email" \
    "$(grep -c quota_hold migrated.schema) $(grep -c 'job_item_email.*(email)$' migrated.schema)" "0 1"

other=$(new_db other)
psql_db "$other" "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"
run org-admin -d "$other" init
exits "another program's database is refused" 65
has "as not ours" err "not a credpipe database"
is "and left alone" "$(psql_db "$other" "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") $(psql_db "$other" "SELECT x FROM t")" "1 1"

with_pw=$(echo "$CREDPIPE_DB" | sed 's|://credpipe@|://credpipe:secret@|')
run org-admin -d "$with_pw" org list
exits "a password in the URI: 64" 64
has "saying where it goes" err "~/.pgpass"
run org-admin -d "$CREDPIPE_DB?password=secret" org list
exits "as a parameter too: 64" 64
run org-admin -d postgresql://credpipe@127.0.0.1:1/nothing org list
exits "a server out of reach: 75, try again later" 75
has "saying so" err "unreachable"

done_testing
