#!/bin/sh
# org-admin db copy: a database of three organizations, 100,000 imported
# credentials and some issued, members, API and SSH keys, a rotated
# signing key, jobs in every state (pending, processing with an item a
# killed worker still holds and one deferred, completed with items sent
# and failed, cancelled), status lists published and audit history,
# copied into a new database: every table compares equal, the row count
# said.  A target with rows, one that is not a credpipe database, the
# source itself, a missing source and a URI are refused, changing
# nothing.  A copy of the copy is the original again; on the copy, with
# the master key beside it, a worker finishes the pending job, and
# credential-verify -d of the copy accepts what it delivered.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
setup_org beta enterprise || exit 1
setup_org gamma free || exit 1
{
	org-admin org sender acme badges@acme.example "Acme"
	org-admin org sender beta badges@beta.example "Beta"
	org-admin org set acme description "Training, since 1999"
	org-admin member add acme ann@acme.example admin
	org-admin member add beta bob@beta.example viewer
	org-admin member remove beta bob@beta.example
	org-admin apikey create -r 50 acme ann@acme.example >ann.key
	org-admin key generate acme
	ssh-keygen -q -t ed25519 -N '' -C ann@home -f ann &&
	    org-admin member sshkey add acme ann@acme.example ann.pub
} >/dev/null 2>&1
is "an SSH key recorded" "$(org-admin member sshkey list acme | wc -l)" 1

# 100,000 imported: a third expired, a tenth revoked.
awk 'BEGIN { for (i = 0; i < 100000; i++) {
	d = sprintf("2026-%02d-%02dT10:%02d:00Z", i % 9 + 1, i % 28 + 1, i % 60)
	printf "%s\th%d@example.org\tHolder %d\t%s\t%s\t%s\n",
	    i % 2 ? "timed" : "forever", i, i, d,
	    i % 3 ? "-" : "2026-10-01T00:00:00Z",
	    i % 10 ? "-" : "2026-10-02T00:00:00Z\tleft" } }' |
    org-admin credential import acme >/dev/null 2>&1
is "100,000 imported" "$(org-admin credential list acme | wc -l)" 100000

# submit KEYFILE BADGE EMAIL...: a job of those recipients; prints its id.
submit() {
	k=$1 b=$2
	shift 2
	{
		echo name,email
		for e; do echo "Person ${e%@*},$e"; done
	} | csv-validate -q | recipient-check -q -k "$k" -b "$b" |
	    bulk-submit -q -k "$k" -b "$b"
}
# states JOB KEYFILE: the job's status and its items' states, one line.
states() {
	job-status -k "$2" -p "$1" | sed -n 's/^status	//p' | tr '\n' ' '
	job-status -k "$2" -p -i "$1" | cut -f 3 | sort | uniq -c |
	    awk '{ printf "%s %s ", $2, $1 }'
}

# Completed: two sent, one failed; processing: one deferred.
smtp_start "$SCRATCH/srv" -r 'fail1@example.org=550 5.1.1 unknown' \
    -r 'grey1@example.org=451 4.7.1 greylisted' -H hang1@example.org || exit 1
done_job=$(submit acme.key timed ok1@example.org ok2@example.org fail1@example.org)
grey_job=$(submit acme.key forever ok3@example.org grey1@example.org)
run job-worker -j "$done_job" -u "$SMTP_URL"
run job-worker -j "$grey_job" -u "$SMTP_URL"
is "a job completed: sent and failed" "$(states "$done_job" acme.key)" \
    "completed failed 1 sent 2 "
is "a job processing: one deferred" "$(states "$grey_job" acme.key)" \
    "processing deferred 1 sent 1 "
# Completed through a maildir, then cancelled, then one a killed worker
# holds (its relay never answers the data), then one left pending.
md_job=$(submit beta.key timed b1@example.org b2@example.org)
run job-worker -j "$md_job" -M md
cancel_job=$(submit acme.key timed c1@example.org c2@example.org)
job-status -k acme.key -c "$cancel_job" 2>/dev/null
hang_job=$(submit beta.key forever hang1@example.org)
job-worker -j "$hang_job" -u "$SMTP_URL" >/dev/null 2>&1 &
worker=$!
i=0
while [ "$(states "$hang_job" beta.key)" != "processing claimed 1 " ] &&
    [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -9 "$worker"
wait "$worker" 2>/dev/null
smtp_stop
is "a job whose item a killed worker holds" "$(states "$hang_job" beta.key)" \
    "processing claimed 1 "
is "a job completed through a maildir" "$(states "$md_job" beta.key)" \
    "completed sent 2 "
is "a job cancelled" "$(states "$cancel_job" acme.key)" "cancelled cancelled 2 "
pending_job=$(submit acme.key timed p1@example.org p2@example.org p3@example.org)
is "a job pending" "$(states "$pending_job" acme.key)" "pending pending 3 "
id=$(job-status -k acme.key -i "$done_job" | awk -F '\t' '$2 == "ok1@example.org" { print $4 }')
org-admin credential revoke -r "left the course" "$id" 2>/dev/null
run org-admin status publish -o status acme
exits "status lists published" 0
org-admin log >log.orig
has "audit: status publish" log.orig "status publish"
has "audit: a credential revoked" log.orig "credential revoke"

# The copy.
store_test dump >orig.dump
nrows=$(grep -vc '^#' orig.dump)
ntables=$(grep -c '^#' orig.dump)
mkdir -m 700 copy
t0=$(date +%s%N)
run org-admin db copy "$DB" copy/credpipe.db
t1=$(date +%s%N)
exits "db copy" 0
echo "# db copy of $nrows rows in $ntables tables: $(((t1 - t0) / 1000000)) ms"
is "it says what it copied, and that every table compared equal" "$(cat err)" \
    "org-admin: copied $nrows rows in $ntables tables from $DB to copy/credpipe.db; every table compared equal"
is "more than 100,000 rows in 11 tables" "$((nrows > 100000)) $ntables" "1 11"
is "the new database is mode 0600" "$(stat -c %a copy/credpipe.db)" 600
# but_copies: a dump without the audit entries of db copy.
but_copies() {
	awk -F '\t' '!($1 == "audit" && $3 == "db copy")'
}
store_test -d copy/credpipe.db dump >copy.dump
but_copies <copy.dump >copy.rows
same "every table of the copy is the original's" copy.rows orig.dump
is "and one audit entry more: db copy, from where" \
    "$(awk -F '\t' '$1 == "audit" && $3 == "db copy" { print $3, $6 }' copy.dump)" \
    "db copy from=$DB rows=$nrows tables=$ntables"
store_test dump >orig.after
same "the original is as it was" orig.after orig.dump

# Refusals, each changing nothing.
run org-admin db copy "$DB" copy/credpipe.db
exits "a target with rows: 65" 65
is "naming it" "$(cat err)" \
    "org-admin: copy/credpipe.db is not empty: db copy writes only into a new database or an empty one; nothing was changed"
store_test -d copy/credpipe.db dump >copy.after
same "the target is as it was" copy.after copy.dump
echo "not a database, but a file someone keeps" >notes.txt
cp notes.txt notes.orig
run org-admin db copy "$DB" notes.txt
exits "a target that is not a credpipe database: 65" 65
has "saying so" err "notes.txt: "
same "and left alone" notes.txt notes.orig
# The same file by another name; on a server, the same URI.
same_db=./credpipe.db
[ "$engine" = sqlite ] || same_db=$DB
run org-admin db copy "$DB" "$same_db"
exits "the source itself: 65" 65
has "saying so" err "are the same database"
run org-admin db copy missing.db new.db
exits "a missing source: 66" 66
is "naming it" "$(cat err)" "org-admin: missing.db: no such database to copy"
is "and making nothing" "$(ls new.db* 2>/dev/null)" ""
run org-admin db copy mysql://db.example/credpipe new.db
exits "a URI of another engine: 64" 64
has "saying so" err "give the path of an SQLite database or a postgresql:// URI"
is "and making nothing" "$(ls new.db* 2>/dev/null)" ""
run org-admin db copy credpipe.db
exits "one operand: 64" 64
has "with the usage" err "usage: org-admin [-d db] db copy from to"
store_test dump >orig.after
same "after the refusals the original is as it was" orig.after orig.dump

# A copy of the copy is the original.
mkdir -m 700 copy2
run org-admin db copy copy/credpipe.db copy2/credpipe.db
exits "a copy of the copy" 0
store_test -d copy2/credpipe.db dump | but_copies >copy2.rows
same "compares equal to the original" copy2.rows orig.dump
is "with two db copy entries" "$(store_test -d copy2/credpipe.db dump |
    awk -F '\t' '$1 == "audit" && $3 == "db copy"' | wc -l)" 2

# On the copy, with the master key beside it, a worker finishes the
# pending job; what it delivered verifies against the copy.
cp -p credpipe.key copy/credpipe.key
run job-worker -d copy/credpipe.db -j "$pending_job" -M copied
exits "a worker on the copy" 0
is "finishes the copied pending job" \
    "$(job-status -d copy/credpipe.db -k acme.key -p "$pending_job" | sed -n 's/^status	//p')" \
    completed
is "while the original still waits" "$(states "$pending_job" acme.key)" \
    "pending pending 3 "
mkdir creds
run sh -c 'ls copied/new/* | xargs /usr/bin/python3 "$TOP/test/smtp/attachments.py" copy/credpipe.db creds'
exits "three mails, each of its credential in the copy" 0
is "three checked" "$(tail -1 out)" 3
run credential-verify -d copy/credpipe.db creds/*.json
exits "credential-verify -d of the copy accepts them" 0
is "three OK" "$(grep -c '^OK ' out)" 3
store_test -d copy/credpipe.db check references >check.out
is "the copy's references hold" "$(cat check.out)" ok

# On the PostgreSQL run the original is on the server, and the copies
# above are SQLite files: the copy of the copy (made before any worker
# ran on a copy) goes into a new PostgreSQL database and out again into
# a file, SQLite -> PostgreSQL -> SQLite, every table equal each time; a
# worker on that PostgreSQL database finishes the pending job there.
if [ "$engine" = postgresql ]; then
	back=$(new_db back)
	t0=$(date +%s%N)
	run org-admin db copy copy2/credpipe.db "$back"
	t1=$(date +%s%N)
	exits "SQLite into a new PostgreSQL database" 0
	echo "# db copy of $nrows rows, SQLite to PostgreSQL: $(((t1 - t0) / 1000000)) ms"
	store_test -d "$back" dump | but_copies >back.rows
	same "every table equal" back.rows orig.dump
	mkdir -m 700 copy3
	run org-admin db copy "$back" copy3/credpipe.db
	exits "and out again into an SQLite file" 0
	store_test -d copy3/credpipe.db dump | but_copies >copy3.rows
	same "every table equal again" copy3.rows orig.dump
	run job-worker -d "$back" -j "$pending_job" -M back-out
	exits "a worker on the PostgreSQL copy" 0
	is "finishes the copied pending job there" \
	    "$(job-status -d "$back" -k acme.key -p "$pending_job" | sed -n 's/^status	//p')" \
	    completed
	is "three mails" "$(ls back-out/new | wc -l)" 3
fi

done_testing
