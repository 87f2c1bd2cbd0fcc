#!/bin/sh
# Files that already exist are not trusted blindly: a database or master
# key another user made, or could have, is refused with what to run, and
# nothing is written to it.  The attack: in a directory anyone may write,
# another user creates credpipe.db (0666) and credpipe.key (0600, theirs)
# before the operator's org-admin init.
. "$(dirname "$0")/lib.sh"
# The subject is the files of an SQLite database and its master key:
# on either run, SQLite files, each named here.
unset CREDPIPE_DB CREDPIPE_MASTER_KEY

# As root (as CI runs) the files can be given to another user; a user
# without root tries what it can make alone.
other=
[ "$(id -u)" = 0 ] && other=65534

mkdir open
chmod 777 open
run org-admin -d open/credpipe.db init
exits "init in a directory anyone may write: 78" 78
has "saying what to run" err "chmod go-w open"
if [ -e open/credpipe.db ]; then not_ok "nothing created there"; else ok "nothing created there"; fi

chmod 1777 open
run org-admin -d open/credpipe.db init
exits "a sticky directory of our own is fine" 0
run org-admin -d open/credpipe.db org list
exits "and the database opens" 0

if [ -n "$other" ]; then
	mkdir trap
	chmod 1777 trap
	: >trap/credpipe.db
	chmod 666 trap/credpipe.db
	chown "$other" trap/credpipe.db
	(umask 077; : >trap/credpipe.key)
	chown "$other" trap/credpipe.key
	cp -p trap/credpipe.db before.db
	run org-admin -d trap/credpipe.db init
	exits "init over another user's files: 78" 78
	has "the database is refused as another user's" err "owned by another user"
	has "with the chown to run" err "chown"
	is "the file is as it was" "$(cmp trap/credpipe.db before.db && stat -c %s trap/credpipe.db)" 0
	chown "$(id -u)" trap/credpipe.db
	run org-admin -d trap/credpipe.db init
	exits "the database ours, but 0666: 78" 78
	has "saying chmod 600" err "chmod 600 trap/credpipe.db"
	chmod 600 trap/credpipe.db
	run org-admin -d trap/credpipe.db init
	exits "the master key still another user's: 78" 78
	has "naming the key" err "master key trap/credpipe.key: owned by another user"
	run org-admin -d trap/credpipe.db org create acme "Acme"
	exits "the database itself is now trusted: org create works" 0
	run org-admin -d trap/credpipe.db key generate acme
	exits "key generate refuses another user's master key" 78
	run org-admin -d trap/credpipe.db key list acme
	is "no signing key was sealed under it" "$rc:$(cat out)" "0:"
	: >trap/credpipe.db-wal
	chown "$other" trap/credpipe.db-wal
	run org-admin -d trap/credpipe.db org list
	exits "a -wal file of another user's: 78" 78
	has "naming it" err "trap/credpipe.db-wal: owned by another user"
else
	ok "as root, another user's files are refused # skip not root: no second user to own files"
fi

# The master key: readable by the group is refused; so is a directory
# the group may write.
mkdir op
org-admin -d op/credpipe.db init 2>/dev/null
chmod 640 op/credpipe.key
run org-admin -d op/credpipe.db key generate x
exits "a master key the group may read: 78" 78
has "saying chmod 600" err "chmod 600 op/credpipe.key"
chmod 600 op/credpipe.key
chmod 770 op
run org-admin -d op/credpipe.db org list
exits "a directory the group may write: 78" 78
has "naming the directory" err "op: the directory of op/credpipe.db is writable by its group"
chmod 700 op
run org-admin -d op/credpipe.db org list
exits "put right, it opens again" 0

# A member with an account of their own on the host is not the operator:
# the operator's database and key are the operator's alone, so neither
# org-admin nor sqlite3 gets them to add a member or read a secret.  This
# part tests the SQLite file itself, tried with the sqlite3 shell: a
# PostgreSQL store would have a counterpart of it.
if [ -n "$other" ]; then
	mkdir -m 755 shared
	org-admin -d shared/credpipe.db init 2>/dev/null
	org-admin -d shared/credpipe.db org create acme Acme 2>/dev/null
	chmod 755 "$SCRATCH"
	as_other() { setpriv --reuid="$other" --regid="$other" --clear-groups "$@"; }
	run as_other org-admin -d shared/credpipe.db member add acme mallory@b.example owner
	exits "another account's org-admin member add: refused" 78
	has "the database is not theirs" err "owned by another user"
	run as_other sqlite3 shared/credpipe.db "INSERT INTO member (org_id, email, role, created) VALUES (1, 'mallory@b.example', 'owner', 0)"
	if [ "$rc" != 0 ]; then ok "nor can sqlite3 write it"; else not_ok "nor can sqlite3 write it"; fi
	run as_other cat shared/credpipe.key
	if [ "$rc" != 0 ]; then ok "nor read the master key"; else not_ok "nor read the master key"; fi
	run org-admin -d shared/credpipe.db member list acme
	is "no member was added" "$rc:$(cat out)" "0:"
	chmod 700 "$SCRATCH"
else
	ok "another account is not the operator # skip not root: no second user"
fi

done_testing
