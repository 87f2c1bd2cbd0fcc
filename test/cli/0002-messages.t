#!/bin/sh
# What the commands say when something is not as it should be: each
# message names the command alone, says what is wrong and what to do, and
# counts in words that agree with the number.
. "$(dirname "$0")/lib.sh"
PATH=$TOP/scripts:$PATH

version=$(sed -n 's/^#define CREDPIPE_VERSION "\(.*\)"$/\1/p' "$TOP/lib/version.h")
for cmd in csv-validate recipient-check bulk-submit job-status job-worker \
    credential-verify org-admin credpipe-shell bulk-issue retry-failed; do
	run "$cmd" -V
	is "$cmd -V" "$(cat out) $rc" "$cmd $version 0"
done
for cmd in csv-validate recipient-check bulk-submit job-status job-worker \
    credential-verify org-admin credpipe-shell; do
	run "$CREDPIPE_BUILD/bin/$cmd" -Z
	is "$cmd by its full path, a bad option: its name alone, exit 64" \
	    "$(head -n 1 err) $rc" "$cmd: invalid option -- 'Z' 64"
done
for cmd in bulk-issue retry-failed; do
	run "$cmd" -h
	is "$cmd -h: the usage on stdout, exit 0" "$(head -n 1 out | cut -d ' ' -f 1,2) $rc" "usage: $cmd 0"
	run "$TOP/scripts/$cmd" -Z
	is "$cmd -Z: its name, exit 64" "$(head -n 1 err) $rc" "$cmd: no option -Z 64"
done

# A member in the wrong directory is not told to make a database.
mkdir elsewhere
run sh -c 'cd elsewhere && job-status'
exits "no database here: 66" 66
has "saying what names the database" err "CREDPIPE_DB or -d names the one to use"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY

# job-status: options that do not go together, each named.
run job-status -fi 3
is "-fi: which options, exit 64" "$(cat err) $rc" "job-status: -c, -f, -i and -w go one at a time 64"
run job-status -pw 3
is "-pw" "$(cat err) $rc" "job-status: -p is for lists and details, not -w 64"
run job-status -f
is "-f without a job" "$(cat err) $rc" "job-status: -f needs a job id 64"
run job-status 1 2
is "two jobs" "$(cat err) $rc" "job-status: one job at a time 64"

# "nothing to issue" says why, by count.
printf 'name,email\nAda,ada@example.org\nAlan,alan@example.org\nNo Mail,\n' >r.csv
csv-validate -q r.csv | recipient-check -q -b forever >r.tsv
job=$(bulk-submit -q -b forever <r.tsv)
csv-validate -q r.csv | recipient-check -q -b forever >again.tsv
run bulk-submit -b forever <again.tsv
exits "a roster submitted twice: 65" 65
has "bulk-submit names the reasons by count" err \
    "bulk-submit: nothing to issue: 3 rows, none issuable: 2 waiting in job $job already, 1 missing email"
run bulk-issue -y -b forever r.csv
exits "bulk-issue: 65" 65
has "bulk-issue says the same" err \
    "bulk-issue: nothing to issue: 3 rows, none issuable: 2 waiting in job $job already, 1 missing email"

# Counts agree with their nouns.
run job-status -c "$job"
has "cancel: two items" err "cancelled: 2 items will not be sent"
printf 'name,email\nOne,one@example.org\n' | csv-validate -q | recipient-check -q -b forever >one.tsv
job1=$(bulk-submit -q -b forever <one.tsv)
run job-status -c "$job1"
is "cancel: one item" "$(cat err)" "job-status: job $job1 cancelled: 1 item will not be sent"

# job-status -w on a job no worker takes says so, once, and why.
printf 'name,email\nTwo,two@example.org\n' | csv-validate -q | recipient-check -q -b forever >two.tsv
job2=$(bulk-submit -q -b forever <two.tsv)
setup_org beta professional || exit 1
printf 'name,email\nThree,three@example.org\n' | csv-validate -q |
    recipient-check -q -k beta.key -b forever >three.tsv
job3=$(bulk-submit -q -k beta.key -b forever <three.tsv)
org-admin org approve -u beta 2>/dev/null
timeout 13 job-status -w "$job2" >w2.out 2>w2.err &
timeout 13 job-status -k beta.key -w "$job3" >w3.out 2>w3.err
wait
has "-w: no worker, after 10 s of nothing" w2.err \
    "job-status: job $job2: no worker has taken it in 10 s; job-worker runs from the operator's cron (job-worker(1))"
is "said once" "$(grep -c 'no worker' w2.err)" 1
has "-w: the organization waits for approval" w3.err \
    "job-status: job $job3 waits: organization beta is not approved yet"

# org-admin: a word it does not know, or wrong arguments: that command's
# usage, not all of it.
run org-admin org frob
is "org frob: names the word and what org takes" "$(cat err) $rc" \
    "org-admin: org frob: no such command; org takes create, list, show, approve, plan, quota, sender, status-url, set (org-admin -h shows them all) 64"
run org-admin frob
has "a noun it does not know" err "org-admin: no command 'frob'; the commands are init, org,"
run org-admin badge create acme
is "badge create with too few words: its usage alone" "$(cat err) $rc" \
    "usage: org-admin [-d db] badge create [-b body] [-c criteria] [-D description] [-I url] [-i file] [-s subject] [-t type] [-v days] org slug name 64"

# org-admin says what each change did; the log shows them all.
for c in "org approve acme" "org plan acme enterprise" "org quota acme 20" \
    "org sender acme b@acme.example Acme" "org set acme url https://acme.example/" \
    "badge create acme b2 B2" "badge set acme b2 name Bee" \
    "member add acme m@acme.example viewer" "member remove acme m@acme.example"; do
	run org-admin $c
	if [ "$rc" = 0 ] && [ "$(wc -l <err)" = 1 ] && [ ! -s out ]; then
		ok "org-admin $c: one line of what it did"
	else
		not_ok "org-admin $c: one line of what it did (exit $rc)"
		diag err
	fi
done
run org-admin log -n 2
is "log -n 2: the last two entries, oldest first" "$(cut -f 2- out)" \
    "$(id -un)	acme	member add	org=acme email=m@acme.example role=viewer
$(id -un)	acme	member remove	org=acme email=m@acme.example"
run org-admin log -o acme
is "log -o acme: every change of acme" "$(wc -l <out)" \
    "$(rows audit org_id="$(rows org slug=acme id)" | wc -l)"
run org-admin log -o nope
exits "log of no such organization: 65" 65

done_testing
