#!/bin/sh
# job-status: the list, one job, its items, its failed rows as a CSV that
# goes back through the pipeline (the retry loop, end to end), -w and its
# exit codes and bar, cancellation, and what another organization sees.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin member add acme viewer@acme.example viewer
org-admin apikey create acme viewer@acme.example >viewer.key 2>/dev/null
# jobfield JOB NAME: a field of org-admin job show JOB: the operator's
# view, apart from job-status's.
jobfield() {
	org-admin job show "$1" | sed -n "s/^$2	//p"
}

cat >roster.csv <<'CSV'
name,email
Ada Lovelace,ada@example.org
=HYPERLINK(evil),formula@example.org
"Turing, Alan",alan@example.org
Grace Hopper,grace@example.org
CSV
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)

run job-status
exits "the list" 0
has "the list has a header for people" out "JOB    STATUS"
run job-status -p
is "-p: one stable line per job" "$(cut -f 1-7 out)" \
    "$(printf '%s\tpending\ttimed\t4\t0\t0\t0' "$job")"

# The server refuses two of them for good.
smtp_start "$SCRATCH/srv1" -r 'formula@example.org=550 5.1.1 mailbox unknown' \
    -r 'alan@example.org=550 5.1.1 mailbox unknown' || exit 1
job-worker -u "$SMTP_URL" 2>/dev/null
smtp_stop

run job-status -p "$job"
exits "-p JOB" 0
printf 'status\tcompleted\ntotal\t4\nsent\t2\nfailed\t2\nskipped\t0\ncancelled\t0\npending\t0\nfailure\t2\t550 5.1.1 mailbox unknown\n' >want
grep -E '^(status|total|sent|failed|skipped|cancelled|pending|failure)	' out >got
same "-p JOB: counts and the failures grouped by reason" got want
run job-status "$job"
has "JOB for people: status" out "job $job (timed): completed"
has "JOB for people: counts" out "items     4: 2 sent, 2 failed, 0 skipped, 0 cancelled, 0 pending"
has "JOB for people: failures by reason" out "       2  550 5.1.1 mailbox unknown"
run job-status -i "$job"
is "-i: every item, with state, credential and attempts" \
    "$(cut -f 1,2,3,5 out | tr '\t\n' ' |')" \
    "2 ada@example.org sent 1|3 formula@example.org failed 1|4 alan@example.org failed 1|5 grace@example.org sent 1|"
is "-i: sent items name their credential" \
    "$(awk -F '\t' '$3 == "sent" && $4 ~ /^urn:uuid:/' out | wc -l)" 2
run job-status -f "$job"
exits "-f" 0
cat >want <<'CSV'
name,email,reason
"'=HYPERLINK(evil)",formula@example.org,550 5.1.1 mailbox unknown
"Turing, Alan",alan@example.org,550 5.1.1 mailbox unknown
CSV
same "-f: the failed rows as CSV, the formula guarded" out want
cp out retry.csv

# The retry loop: the failed rows back through the pipeline.
run csv-validate retry.csv
exits "csv-validate accepts the CSV as it is" 0
has "the guard is removed: the name comes back as it was" out "=HYPERLINK(evil)"
has "the reason column is ignored, with a word" err "ignoring column 'reason'"
csv-validate -q retry.csv | recipient-check -q -b timed >retry.tsv
is "the failed recipients are issuable again" "$(cut -f 2 retry.tsv | tr '\n' ' ')" "new new "
job2=$(bulk-submit -q -b timed <retry.tsv)
smtp_start "$SCRATCH/srv2" || exit 1
job-worker -u "$SMTP_URL" 2>/dev/null
smtp_stop
is "once the server accepts them, they are delivered" "$(smtp_stat messages)" 2
is "the retry job completed with no failure" "$(jobfield "$job2" status) $(job-status -p "$job2" | sed -n 's/^failed\t//p')" "completed 0"

# -w: exit codes, and the bar only on a terminal.
run job-status -w "$job2"
exits "-w on a job that completed without failures: 0" 0
if grep -q '\[' err; then not_ok "no bar when stderr is not a terminal"; else ok "no bar when stderr is not a terminal"; fi
has "plain lines instead" err "job $job2: completed: 2 of 2 done: 2 sent, 0 failed, 0 skipped"
run job-status -w "$job"
exits "-w on a job that ended with failures: 1" 1
script -qec "job-status -w $job2" /dev/null >tty.out 2>&1
if grep -q '\[##############################\] 2/2' tty.out; then ok "a progress bar on a terminal"; else not_ok "a progress bar on a terminal"; diag tty.out; fi
printf 'name,email\nLate,late@example.org\n' | csv-validate -q - | recipient-check -q -b timed >late.tsv
job3=$(bulk-submit -q -b timed <late.tsv)
job-status -w "$job3" >w.out 2>w.err &
wpid=$!
sleep 1
if kill -0 $wpid 2>/dev/null; then ok "-w waits while the job is pending"; else not_ok "-w waits while the job is pending"; fi
job-worker -M outbox 2>/dev/null
wait $wpid
is "-w returns when the worker finishes it, exit 0" "$?" 0
has "and shows the job" w.out "job $job3 (timed): completed"

# Cancellation.
printf 'name,email\nC1,c1@example.org\nC2,c2@example.org\n' | csv-validate -q - |
    recipient-check -q -b timed >c.tsv
job4=$(bulk-submit -q -b timed <c.tsv)
run job-status -k viewer.key -c "$job4"
exits "a viewer may not cancel: 77" 77
run job-status -c "$job4"
exits "an issuer cancels a pending job" 0
has "saying what will not be sent" err "job $job4 cancelled: 2 items will not be sent"
rm -rf outbox
job-worker -M outbox 2>/dev/null
is "nothing of a cancelled pending job is sent" "$(ls outbox/new 2>/dev/null | wc -l)" 0
is "its items are cancelled, their quota released" \
    "$(jobfield "$job4" cancelled) $(for e in $(rows job_item job_id="$job4" email); do
	store_test quota acme "$e"; done | tr -d '\n')" "2 00"
run job-status -c "$job4"
exits "cancelling it again: 65" 65
has "it has ended" err "has ended (cancelled)"

awk 'BEGIN { print "name,email"; for (i = 1; i <= 30; i++) printf "P%d,p%d@example.org\n", i, i }' |
    csv-validate -q - | recipient-check -q -b timed >p.tsv
job5=$(bulk-submit -q -b timed <p.tsv)
rm -rf outbox
job-worker -n 10 -M outbox 2>/dev/null
run job-status -c "$job5"
exits "a job in progress is cancelled" 0
job-worker -M outbox 2>/dev/null
is "no new claims after cancelling: only the 10 sent before" "$(ls outbox/new | wc -l)" 10
is "the rest are cancelled" "$(jobfield "$job5" cancelled)" 20
is "the job stays cancelled" "$(jobfield "$job5" status)" cancelled
run job-status -w "$job5"
exits "-w on a cancelled job: 1" 1

# Another organization sees none of it.
setup_org other professional || exit 1
run job-status -k other.key "$job"
exits "another organization's job: 65" 65
has "it is no such job, not forbidden" err "no such job: $job"
run job-status -k other.key -p
is "their list is empty" "$(cat out)" ""
run job-status -k viewer.key "$job"
exits "a viewer may look" 0
run job-status 999
exits "an unknown job: 65" 65
run job-status -f
exits "-f needs a job: 64" 64
run job-status -cw 1
exits "-c and -w together: 64" 64
run job-status x
exits "a job id that is not a number: 64" 64

done_testing
