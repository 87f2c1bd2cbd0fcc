#!/bin/sh
# scripts/bulk-issue and scripts/retry-failed: the pipeline for one roster,
# with and without the question, and the failed rows of a job sent
# through it again.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"
PATH=$TOP/scripts:$PATH

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
# njobs: how many jobs org-admin job list shows, or what went wrong.
njobs() {
	org-admin job list >jobs.out 2>&1 && wc -l <jobs.out || cat jobs.out
}
cat >roster.csv <<'CSV'
name,email
Ada Lovelace,ada@example.org
Alan Turing,alan@example.org
Bad,bad@
CSV

run bulk-issue -b timed roster.csv
exits "without -y and no terminal to ask on: 1" 1
has "saying how to go on" err "no terminal to ask on"
is "nothing was submitted" "$(njobs)" 0

printf 'n\n' | script -qec "bulk-issue -b timed roster.csv" /dev/null >tty.out 2>&1
has "on a terminal it shows the review totals" tty.out "2 issuable (0 renewals), 0 skipped, 1 invalid"
has "and asks" tty.out "Issue 2 credential(s) of timed? [y/N]"
is "no: nothing submitted" "$(njobs)" 0
printf 'y\n' | script -qec "bulk-issue -o kept.tsv -b timed roster.csv" /dev/null >tty.out 2>&1
is "yes: the job is submitted" "$(njobs)" 1
has "and its id printed" tty.out "$(org-admin job list | cut -f 1)"
is "-o keeps the review" "$(cut -f 2 kept.tsv | tr '\n' ' ')" "new new invalid "

printf 'name,email\nGrace,grace@example.org\nGone,gone@example.org\n' >r2.csv
run bulk-issue -y -b timed r2.csv
exits "-y submits without asking" 0
job=$(cat out)
is "and prints the job id alone on stdout" "$job" \
    "$(org-admin job list | cut -f 1 | sort -n | tail -n 1)"
run bulk-issue -y -b timed r2.csv
exits "the same roster again: nothing to issue" 65
run bulk-issue -y -b timed missing.csv
exits "a missing roster: csv-validate's 66" 66
run bulk-issue roster.csv
exits "no badge: usage" 64

smtp_start "$SCRATCH/srv1" -r 'gone@example.org=550 5.1.1 unknown' || exit 1
job-worker -u "$SMTP_URL" 2>/dev/null
smtp_stop
run retry-failed -y 1
exits "a job without failures" 0
has "says so" err "job 1 has no failed rows"
run retry-failed -y "$job"
exits "retry-failed submits the failed rows again" 0
job2=$(cat out)
is "one item: the failed recipient" "$(job-status -p -i "$job2" | cut -f 2)" gone@example.org
smtp_start "$SCRATCH/srv2" || exit 1
job-worker -u "$SMTP_URL" 2>/dev/null
smtp_stop
is "delivered once the server accepts it" "$(job-status -p -i "$job2" | cut -f 3)" sent
run retry-failed
exits "retry-failed needs a job: 64" 64

done_testing
