#!/bin/sh
# job-worker against a misbehaving server: a 4xx recipient is deferred
# and delivered by a later run, a 5xx one fails with the server's reason,
# a connection dropped after DATA is retried, a server that is down
# leaves everything deferred (exit 69), and nothing is lost.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"

cat >roster.csv <<'CSV'
name,email
Good One,good1@example.org
Slow Server,slow@example.org
Gone Away,gone@example.org
Dropped Line,drop@example.org
Good Two,good2@example.org
CSV
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)
# Retries wait an hour (-r 3600), so however long a loaded machine takes
# over a run, no item comes due again within it; due_now brings the
# deferred items forward for the next run.
due_now() { store_test due-now; }
# item EMAIL FIELD: a field of EMAIL's item, of whichever job, as
# job-status -p -i shows it (3 its state, 5 its attempts, 6 its reason).
item() {
	for j in $(job-status -p | cut -f 1); do
		job-status -p -i "$j"
	done | awk -F '\t' -v e="$1" -v f="$2" '$2 == e { print $f }'
}
state() { item "$1" 3; }

smtp_start "$SCRATCH/srv1" -r 'slow@example.org=451 4.7.1 greylisted, come back later' \
    -r 'gone@example.org=550 5.1.1 <gone@example.org>: mailbox unknown' \
    -d drop@example.org || exit 1
run job-worker -r 3600 -u "$SMTP_URL"
exits "the first run ends normally" 0
smtp_stop
is "two good ones are delivered" "$(smtp_stat messages)" 2
is "the 4xx recipient is deferred" "$(state slow@example.org)" deferred
is "with the server's reply kept" "$(item slow@example.org 6)" \
    "451 4.7.1 greylisted, come back later"
is "the 5xx recipient failed" "$(state gone@example.org)" failed
is "with the server's reason" "$(item gone@example.org 6)" \
    "550 5.1.1 <gone@example.org>: mailbox unknown"
is "its credential is withdrawn" \
    "$(credential-list -e gone@example.org 2>&1 | wc -l)" 0
is "and its quota released" \
    "$(store_test quota acme gone@example.org)" 0
is "the dropped connection is deferred" "$(state drop@example.org)" deferred
is "an attempt was counted for each" \
    "$(item slow@example.org 5) $(item drop@example.org 5)" "1 1"
is "the job is still processing" \
    "$(org-admin job show "$job" | sed -n 's/^status	//p')" processing

# The server is down: nothing is lost, the worker says so with 69.  (Port
# 1 has nothing listening; the stopped server's port may already be
# another test's.)
due_now
run job-worker -r 3600 -u smtp://127.0.0.1:1
exits "the server down: exit 69" 69
has "saying the transport is unavailable" err "the transport is unavailable"
is "the two due items are deferred again" "$(state slow@example.org) $(state drop@example.org)" \
    "deferred deferred"
is "without counting an attempt" \
    "$(item slow@example.org 5) $(item drop@example.org 5)" "1 1"
has "the reply says why" /dev/stdin <<EOF2
$(item slow@example.org 6)
EOF2
is "their credentials are kept, one each" \
    "$({ credential-list -e slow@example.org
    credential-list -e drop@example.org; } | wc -l)" 2

# The server is back and well: a later run delivers them.
due_now
smtp_start "$SCRATCH/srv2" || exit 1
run job-worker -u "$SMTP_URL"
exits "the run after the outage" 0
smtp_stop
is "it delivers the two" "$(smtp_stat messages)" 2
is "which are now sent" "$(state slow@example.org) $(state drop@example.org)" "sent sent"
is "the job is completed, with its one failure" \
    "$(org-admin job show "$job" | sed -n 's/^status	//p') $(item_states "$job" | sed -n 's/^failed //p')" \
    "completed 1"
ids=$(find "$SCRATCH"/srv1/mail "$SCRATCH"/srv2/mail -type f ! -name '*.env' -exec grep -h '^Message-ID:' {} + | sort | uniq -d)
is "no message was delivered twice" "$ids" ""
is "every item is sent or failed" \
    "$(item_states "$job" 2>&1 | grep -v -e '^sent ' -e '^failed ' | wc -l)" 0

# Attempts run out: the last temporary failure fails the item.
printf 'name,email\nNever,never@example.org\n' | csv-validate -q - |
    recipient-check -q -b timed >r2.tsv
job2=$(bulk-submit -q -b timed <r2.tsv)
smtp_start "$SCRATCH/srv3" -r 'never@example.org=452 4.2.2 mailbox full' || exit 1
run job-worker -a 2 -r 3600 -u "$SMTP_URL"
exits "first attempt" 0
is "the first attempt defers it" "$(state never@example.org)" deferred
due_now
run job-worker -a 2 -r 3600 -u "$SMTP_URL"
exits "second attempt" 0
smtp_stop
is "after the last attempt the item fails" "$(state never@example.org)" failed
is "saying how many attempts and the last reply" \
    "$(item never@example.org 6)" \
    "gave up after 2 attempts: 452 4.2.2 mailbox full"

done_testing
