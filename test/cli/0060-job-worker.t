#!/bin/sh
# job-worker: a 1,000-recipient job delivered through the test SMTP
# server, every message read by an independent MIME parser, every
# credential byte-identical to the stored one and accepted by the
# independent verifier; and the supersessions and revocations a job of
# renewals, reissues and fresh issues leaves in the database.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Académie Acme"
org-admin org quota acme 5000

# 1,000 recipients whose names need encoding.
awk 'BEGIN {
	print "name,email"
	for (i = 1; i <= 1000; i++)
		printf "Zoë Ñúñez-%d \"Ωmega\" 🎓,r%d@example.org\n", i, i
}' >roster.csv
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)

smtp_start "$SCRATCH/srv" || exit 1
run job-worker -c 4 -u "$SMTP_URL"
exits "the worker delivers the job" 0
is "the server accepted 1,000 messages" "$(smtp_stat messages)" 1000
is "the job is completed" \
    "$(org-admin job show "$job" | sed -n 's/^status	//p')" completed
is "every item is sent" "$(item_states "$job")" "sent 1000"
smtp_stop

find "$SCRATCH/srv/mail" -type f ! -name '*.env' | sort >messages
xargs /usr/bin/python3 "$TOP/test/smtp/parse.py" <messages >parsed
is "Python's email package reads all of them" "$(wc -l <parsed)" 1000
is "each is CRLF throughout, no header line over 76 characters" \
    "$(cut -f 9 parsed | sort | uniq -c | awk '{ $1 = $1; print }')" "1000 ok"
is "the sender's name decodes to what org-admin was given" \
    "$(cut -f 2,3 parsed | sort -u)" "$(printf 'Académie Acme\tbadges@acme.example')"
awk -F '\t' '{ n = $5; sub(/^r/, "", n); sub(/@.*/, "", n)
	if ($4 != sprintf("Zoë Ñúñez-%d \"Ωmega\" 🎓", n)) print "bad name: " $4 }' parsed >badnames
is "each recipient's name decodes exactly, non-ASCII and quotes included" "$(cat badnames)" ""
is "the subject decodes" "$(cut -f 6 parsed | sort -u)" "Your Timed credential from Org acme"
is "each has one attachment, named after the badge, application/json" \
    "$(cut -f 7 parsed | cut -d ' ' -f 1,2 | sort -u)" "timed.json application/json"
has "the body names the recipient" parsed 'Hello Zoë Ñúñez-1 "Ωmega" 🎓,'
mkdir creds
run sh -c 'xargs /usr/bin/python3 "$TOP/test/smtp/attachments.py" "$DB" creds <messages'
exits "every attachment is byte for byte the stored credential, sent to its recipient" 0
is "1,000 attachments checked" "$(tail -1 out)" 1000
is "1,000 distinct Message-IDs" "$(cut -f 1 parsed | sort -u | wc -l)" 1000
run sh -c 'cd "$TOP/test/interop" && node verify.js "$1"/creds/*.json' sh "$SCRATCH"
exits "the independent verifier accepts every credential" 0
is "it checked 1,000" "$(grep -c ' OK$' out)" 1000
run sh -c 'credential-verify -d "$DB" creds/*.json'
exits "credential-verify agrees" 0

# A job of renewals, reissues and fresh issues.
printf 'timed\t%s\t%s\t%s\t%s\t%s\t\t%s\n' \
    exp@example.org Exp "$(ago 40000000)" "$(ago 8000000)" - urn:uuid:00000000-0000-4000-8000-000000000001 \
    act@example.org Act "$(ago 86400)" "$(ago -86400)" - urn:uuid:00000000-0000-4000-8000-000000000002 \
    rev@example.org Rev "$(ago 86400)" - "$(ago 3600)" urn:uuid:00000000-0000-4000-8000-000000000003 |
    org-admin credential import acme >/dev/null
printf 'name,email\nExp,exp@example.org\nAct,act@example.org\nRev,rev@example.org\nNew,new@example.org\n' >r2.csv
csv-validate -q r2.csv | recipient-check -q -b timed >r2.tsv
is "classified as renewal, reissue, fresh and new" "$(cut -f 2 r2.tsv | tr '\n' ' ')" \
    "expired active-timebound revoked new "
job2=$(bulk-submit -q -b timed <r2.tsv)
run job-worker -M outbox
exits "the worker delivers it to a maildir" 0
is "four messages in outbox/new" "$(ls outbox/new | wc -l)" 4
# after ID FIELD: a field of credential ID as org-admin shows it, and how
# many credentials supersede it.
after() {
	printf '%s %s' "$(org-admin credential show "$1" | sed -n "s/^$2	//p")" \
	    "$(rows credential supersedes="$1" | wc -l)"
}
is "the expired one is superseded, not revoked (it expired)" \
    "$(after urn:uuid:00000000-0000-4000-8000-000000000001 revoked)" "- 1"
is "the active time-bound one is revoked as superseded, and superseded" \
    "$(after urn:uuid:00000000-0000-4000-8000-000000000002 revoke-reason)" "superseded 1"
is "the revoked one keeps its own reason and nothing supersedes it" \
    "$(after urn:uuid:00000000-0000-4000-8000-000000000003 revoke-reason)" "revoked 0"
job-status -p -i "$job2" >items2
rows credential id supersedes revoked >creds2
is "the four new credentials: supersessions exactly as classified" \
    "$(awk -F '\t' 'NR == FNR { sup[$1] = $2; rev[$1] = $3; next }
	{ print $2, (sup[$4] == "\\N" ? "-" : sup[$4]), (rev[$4] == "\\N") }' \
	creds2 items2 | tr '\n' '|')" \
    "exp@example.org urn:uuid:00000000-0000-4000-8000-000000000001 1|act@example.org urn:uuid:00000000-0000-4000-8000-000000000002 1|rev@example.org - 1|new@example.org - 1|"
rows job_item job_id="$job2" id >items2.id
is "one credential per item" \
    "$(rows credential job_item_id | grep -cxFf items2.id)" 4
org-admin credential show -j urn:uuid:00000000-0000-4000-8000-000000000002 >/dev/null 2>&1
act_new=$(awk -F '\t' '$2 == "act@example.org" { print $4 }' items2)
org-admin credential show -j "$act_new" >act.json
run credential-verify -d "$DB" act.json
exits "the successor verifies" 0

# Nothing is due any more: a second run does nothing and says so.
run job-worker -M outbox
exits "an idle run exits 0" 0
is "and writes nothing more" "$(ls outbox/new | wc -l)" 4
run job-worker
exits "no transport configured: 78" 78
has "saying what to give" err "no transport"

done_testing
