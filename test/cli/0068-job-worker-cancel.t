#!/bin/sh
# Cancelling a job: its deferred items end at once and leave their
# recipients as they were before the job (a renewal's predecessor still
# active, a new recipient new), but for a credential that may have left,
# which is revoked "not delivered: job cancelled"; their quota is
# released and a new submission reaches them all.  The operator cancels
# any organization's job, audited; a member only their own.  Cancelled
# while a worker delivers it, a job sends no more than was on the wire.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
setup_org beta professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org sender beta badges@beta.example "Beta"

# field ID NAME: a row of org-admin credential show ID.
field() {
	org-admin credential show "$1" 2>/dev/null | sed -n "s/^$2	//p"
}
# jobfield JOB NAME: a field of job-status -p JOB.
jobfield() {
	job-status -p "$1" | sed -n "s/^$2	//p"
}
classes() {
	cut -f 2,3 "$1" | sort -k 2
}

# Deferred items: 451 at RCPT for two new recipients and two renewals,
# one recipient's connection dropped after DATA; two delivered.
printf 'timed\t%s\t%s\t%s\t%s\t-\n' \
    ren1@example.org "Ren One" "$(ago 86400)" "$(ago -2592000)" \
    ren2@example.org "Ren Two" "$(ago 86400)" "$(ago -2592000)" |
    org-admin credential import acme >old.ids
cat >roster.csv <<'CSV'
name,email
Ok One,ok1@example.org
Grey One,grey1@example.org
Ren One,ren1@example.org
Drop One,drop1@example.org
Grey Two,grey2@example.org
Ren Two,ren2@example.org
Ok Two,ok2@example.org
CSV
grep -v '^Ok ' roster.csv >held.csv
csv-validate -q held.csv | recipient-check -q -b timed >before.tsv
is "before the job: new, new, renewals" "$(classes before.tsv)" \
    "new	drop1@example.org
new	grey1@example.org
new	grey2@example.org
active-timebound	ren1@example.org
active-timebound	ren2@example.org"
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)
smtp_start "$SCRATCH/grey" \
    -r 'grey1@example.org=451 4.7.1 greylisted' -r 'grey2@example.org=451 4.7.1 greylisted' \
    -r 'ren1@example.org=451 4.7.1 greylisted' -r 'ren2@example.org=451 4.7.1 greylisted' \
    -d drop1@example.org || exit 1
run job-worker -u "$SMTP_URL"
exits "a run with a greylisting relay" 0
smtp_stop
is "two delivered, one dropped after its data" "$(smtp_stat messages) $(smtp_stat dropped)" "2 1"
is "five items deferred, each with its credential" \
    "$(job-status -i "$job" | awk -F '\t' '$3 == "deferred" && $4 ~ /^urn:uuid:/ { print $2 }' | sort | tr '\n' ' ')" \
    "drop1@example.org grey1@example.org grey2@example.org ren1@example.org ren2@example.org "
drop_id=$(job-status -i "$job" | awk -F '\t' '$2 == "drop1@example.org" { print $4 }')
csv-validate -q held.csv | recipient-check -q -b timed >during.tsv
is "while the job holds them they are not issuable" "$(cut -f 2 during.tsv | sort -u)" invalid

run job-status -c "$job"
exits "job-status -c cancels it" 0
has "saying how many will not be sent" err "cancelled: 5 items will not be sent"
is "the job is cancelled: 2 sent, 5 cancelled, none pending" \
    "$(jobfield "$job" status) $(jobfield "$job" sent) $(jobfield "$job" cancelled) $(jobfield "$job" pending)" \
    "cancelled 2 5 0"
is "the five items are cancelled; only the one whose data was sent keeps a credential" \
    "$(job-status -i "$job" | awk -F '\t' '$3 != "sent" { print $2, $3, ($4 ~ /^urn:uuid:/) }' | sort | tr '\n' '|')" \
    "drop1@example.org cancelled 1|grey1@example.org cancelled 0|grey2@example.org cancelled 0|ren1@example.org cancelled 0|ren2@example.org cancelled 0|"

csv-validate -q held.csv | recipient-check -b timed >after.tsv 2>after.err
is "afterwards they classify as before the job, but the one whose data was sent: revoked" \
    "$(classes after.tsv)" \
    "revoked	drop1@example.org
new	grey1@example.org
new	grey2@example.org
active-timebound	ren1@example.org
active-timebound	ren2@example.org"
is "by its credential, revoked as not delivered: job cancelled" \
    "$(awk -F '\t' '$3 == "drop1@example.org" { print $5 }' after.tsv | sed 's/ issued [0-9TZ:-]*, revoked [0-9TZ:-]*: /: /')" \
    "$drop_id: not delivered: job cancelled"
is "the revocation's reason" "$(field "$drop_id" revoke-reason)" "not delivered: job cancelled"
mkdir dropped
/usr/bin/python3 -c '
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
att = [p for p in msg.iter_attachments() if p.get_content_type() == "application/json"][0]
sys.stdout.buffer.write(att.get_payload(decode=True))' "$SCRATCH/grey/dropped/1" >dropped/1.json
run credential-verify -d "$DB" dropped/1.json
exits "the credential the relay received fails credential-verify" 1
has "as revoked: not delivered, job cancelled" out "FAIL $drop_id revoked"
has "with the reason" out ": not delivered: job cancelled"
bad=
for id in $(cat old.ids); do
	[ "$(field "$id" revoked)" = - ] || bad="$bad $id:revoked"
	[ -z "$(field "$id" superseded-by)" ] || bad="$bad $id:superseded-by"
done
is "the renewals' predecessors are active, superseded by nothing" "$bad" ""
has "their quota is released: the five cost quota again, on top of the two delivered" \
    after.err "7 of 1000 used with these rows (5 new)"

job2=$(bulk-submit -q -b timed <after.tsv)
smtp_start "$SCRATCH/good" || exit 1
run job-worker -u "$SMTP_URL"
exits "a new submission, one run against a good relay" 0
smtp_stop
is "delivers to each of the five, once" \
    "$(sed -n 's/^to //p' "$SCRATCH"/good/mail/*.env | sort | tr '\n' ' ')" \
    "drop1@example.org grey1@example.org grey2@example.org ren1@example.org ren2@example.org "
is "the new job is completed, all five sent" \
    "$(jobfield "$job2" status) $(jobfield "$job2" sent)" "completed 5"

# The operator cancels another organization's job; a member may not.
printf 'name,email\nB One,b1@example.org\nB Two,b2@example.org\n' | csv-validate -q - |
    CREDPIPE_API_KEY=$(cat beta.key) recipient-check -q -b timed >b.tsv
bjob=$(CREDPIPE_API_KEY=$(cat beta.key) bulk-submit -q -b timed <b.tsv)
run org-admin job cancel "$bjob"
exits "org-admin job cancel cancels beta's job" 0
has "saying whose" err "job $bjob of beta cancelled"
run org-admin job show "$bjob"
is "org-admin job show: cancelled, both items" \
    "$(sed -n 's/^status	//p; s/^cancelled	//p; s/^pending	//p' out | tr '\n' ' ')" "cancelled 2 0 "
is "beta sees it cancelled" "$(CREDPIPE_API_KEY=$(cat beta.key) job-status -p "$bjob" | sed -n 's/^status	//p')" cancelled
is "the cancel is audited" \
    "$(org-admin log | awk -F '\t' '$4 ~ /^job/ { print $4, $5 }')" \
    "job cancel job=$bjob org=beta"
run org-admin job cancel "$bjob"
exits "a second cancel: 65" 65
has "saying it has ended" err "has ended"
is "and is not audited again" \
    "$(org-admin log | awk -F '\t' '$4 == "job cancel"' | wc -l)" 1

printf 'name,email\nA Three,a3@example.org\n' | csv-validate -q - | recipient-check -q -b timed >a3.tsv
ajob=$(bulk-submit -q -b timed <a3.tsv)
run env CREDPIPE_API_KEY="$(cat beta.key)" job-status -c "$ajob"
exits "job-status -c of acme's job with beta's key: 65" 65
has "no such job" err "no such job"
is "acme's job is untouched" "$(jobfield "$ajob" status) $(jobfield "$ajob" pending)" "pending 1"
run job-status -c "$ajob"
exits "acme cancels its own pending job" 0
is "cancelled" "$(jobfield "$ajob" status) $(jobfield "$ajob" cancelled)" "cancelled 1"
run job-status -c "$ajob"
exits "cancelling it again: 65" 65

# Cancelled while a worker delivers it, slowly, over two connections.
awk 'BEGIN { print "name,email"
	for (i = 1; i <= 200; i++) printf "Person %d,p%d@example.org\n", i, i
}' >big.csv
csv-validate -q big.csv | recipient-check -q -b timed >big.tsv
bigjob=$(bulk-submit -q -b timed <big.tsv)
smtp_start "$SCRATCH/slow" -E 200 || exit 1
job-worker -c 2 -u "$SMTP_URL" >w.out 2>w.err &
wpid=$!
i=0
while [ "$(smtp_stat messages)" -lt 6 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
run job-status -c "$bigjob"
at_cancel=$(smtp_stat messages)
exits "cancelled after a few were sent ($at_cancel)" 0
i=0
while kill -0 $wpid 2>/dev/null && [ $i -lt 400 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $wpid 2>/dev/null; then
	kill $wpid
	not_ok "the worker ends (still running 40 s after the cancel)"
fi
wait $wpid
rc=$?
cp w.err err
exits "the worker exits 0" 0
smtp_stop
after=$(smtp_stat messages)
if [ $((after - at_cancel)) -le 2 ]; then
	ok "no more than the two on the wire delivered after the cancel ($at_cancel, then $after)"
else
	not_ok "no more than the two on the wire delivered after the cancel ($at_cancel, then $after)"
fi
sent=$(jobfield "$bigjob" sent)
cancelled=$(jobfield "$bigjob" cancelled)
is "the job ends cancelled, sent + cancelled = 200 ($sent + $cancelled)" \
    "$(jobfield "$bigjob" status) $((sent + cancelled)) $(jobfield "$bigjob" failed) $(jobfield "$bigjob" pending)" \
    "cancelled 200 0 0"
is "every message the relay received is a sent item's" "$after" "$sent"
grep -h '^Message-ID:' "$SCRATCH"/slow/mail/* | sed 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/' | sort >ids
job-status -i "$bigjob" | awk -F '\t' '$3 == "sent" { print $4 }' | sort >sent.ids
same "the relay's Message-IDs are the sent items' credentials, each once" ids sent.ids
job-status -i "$bigjob" | awk -F '\t' '$3 == "cancelled"' >cancelled.items
org-admin credential list acme timed >list.out
is "no cancelled item's recipient holds an active credential" \
    "$(awk -F '\t' 'NR == FNR { c[$2] = 1; next } ($3 in c) && $7 == "active"' cancelled.items list.out)" ""
bad=
for id in $(awk -F '\t' '$4 != "-" { print $4 }' cancelled.items); do
	[ "$(field "$id" revoke-reason)" = "not delivered: job cancelled" ] || bad="$bad $id"
done
is "each cancelled item's credential left is revoked \"not delivered: job cancelled\"" "$bad" ""
is "the others are withdrawn: not in the list" \
    "$(awk -F '\t' 'NR == FNR { if ($4 == "-") c[$2] = 1; next } $3 in c' cancelled.items list.out)" ""

done_testing
