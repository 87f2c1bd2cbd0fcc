#!/bin/sh
# The database file: an older schema is migrated on open, a newer one is
# refused and left as it is, and a file that is not ours is refused.
#
# It tests the SQLite file itself (its schema, user_version and
# application_id), which it makes and reads with the sqlite3 shell, as no
# other command test may: a PostgreSQL store would have counterparts.
. "$(dirname "$0")/lib.sh"

sqlite3 old.db <"$TOP/test/data/schema-v1.sql"
is "the fixture is at schema version 1" \
    "$(sqlite3 old.db 'PRAGMA user_version')" 1
run org-admin -d old.db org list
exits "a version 1 database opens" 0
has "its data is still there" out "$(printf 'old\tOld Org\tprofessional\tapproved')"
org-admin -d new.db init 2>/dev/null
current=$(sqlite3 new.db 'PRAGMA user_version')
is "it was migrated to the current version" \
    "$(sqlite3 old.db 'PRAGMA user_version')" "$current"
is "the schema equals a new database's" \
    "$(sqlite3 old.db .schema)" "$(sqlite3 new.db .schema)"
run org-admin -d old.db member list old
has "members survived" out "owner@old.example"
run org-admin -d old.db badge create old b "A badge"
exits "the migrated database takes new writes" 0

sqlite3 new.db 'PRAGMA user_version = 99'
cp new.db before.db
run org-admin -d new.db org list
exits "a newer schema is refused with 78" 78
has "saying what to do" err "newer than this credpipe knows"
if cmp -s new.db before.db; then ok "and the file is unchanged"; else not_ok "and the file is unchanged"; fi

sqlite3 other.db 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
run org-admin -d other.db org list
exits "another program's database is refused" 65
has "as not ours" err "not a credpipe database"
is "and left alone" "$(sqlite3 other.db 'SELECT x FROM t')" 1

# Another program's file at credpipe's schema version, without credpipe's
# application id: the version alone does not make it ours.
sqlite3 foreign.db "CREATE TABLE t (x); INSERT INTO t VALUES (1);
    PRAGMA user_version = $current;"
is "the foreign file has the current version" \
    "$(sqlite3 foreign.db 'PRAGMA user_version')" "$current"
is "and application id 0" "$(sqlite3 foreign.db 'PRAGMA application_id')" 0
cp foreign.db foreign.orig
run org-admin -d foreign.db org list
exits "it is refused with 65" 65
has "as not ours" err "not a credpipe database"
if cmp -s foreign.db foreign.orig; then ok "and the file is unchanged"; else not_ok "and the file is unchanged"; fi

printf 'name,email\n' >text.db
run org-admin -d text.db org list
exits "a file that is not SQLite is refused with 65" 65

run org-admin -d missing.db org list
exits "a missing database exits 66" 66
has "naming the command that creates it" err "org-admin init"
if [ -e missing.db ]; then not_ok "and does not create it"; else ok "and does not create it"; fi

done_testing
