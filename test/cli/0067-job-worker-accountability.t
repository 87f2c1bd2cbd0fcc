#!/bin/sh
# job-worker accounts for every credential that may have left: a relay
# that drops each connection after the end of DATA leaves credentials
# that were received but not delivered, and each of them is revoked "not
# delivered: ...", fails credential-verify, leaves the credential its
# renewal would have superseded active, and makes its recipient issuable
# again; sent once more, each recipient ends up with exactly one
# credential that verifies.  A recipient refused at RCPT, permanently or
# until the attempts run out, never received anything: its credential is
# withdrawn and nothing is revoked.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"

# creds OUTDIR FILE...: the credential attached to each message,
# read with Python's email package, written to OUTDIR/N.json; prints
# "ID<TAB>TO" per message.
cat >creds.py <<'PY'
import email, email.policy, json, os, sys
out = sys.argv[1]
for n, path in enumerate(sys.argv[2:], 1):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    atts = [p for p in msg.iter_attachments()
            if p.get_content_type() == "application/json"]
    if len(atts) != 1:
        print("%s: %d application/json attachments" % (path, len(atts)))
        continue
    data = atts[0].get_payload(decode=True)
    with open(os.path.join(out, "%d.json" % n), "wb") as f:
        f.write(data)
    print("%s\t%s" % (json.loads(data)["id"],
                      msg["To"].addresses[0].addr_spec))
PY
creds() {
	creds_dir=$1
	shift
	mkdir -p "$creds_dir" && /usr/bin/python3 creds.py "$creds_dir" "$@"
}
# field ID NAME: a row of org-admin credential show ID.
field() {
	org-admin credential show "$1" 2>/dev/null | sed -n "s/^$2	//p"
}
# states EMAIL...: the states org-admin credential list gives the
# recipients' credentials of the badge, one line per recipient:
# "EMAIL STATE STATE ...", in the order of issue.
states() {
	org-admin credential list acme timed >list.out
	for e in "$@"; do
		awk -F '\t' -v e="$e" 'BEGIN { printf "%s", e }
		    $3 == e { printf " %s", $7 } END { print "" }' list.out
	done
}

# Three renewals of active time-bound credentials, and ten new recipients.
printf 'timed\t%s\t%s\t%s\t%s\t-\n' \
    ren1@example.org "Ren One" "$(ago 86400)" "$(ago -2592000)" \
    ren2@example.org "Ren Two" "$(ago 86400)" "$(ago -2592000)" \
    ren3@example.org "Ren Three" "$(ago 86400)" "$(ago -2592000)" |
    org-admin credential import acme >old.ids
is "three credentials imported" "$(wc -l <old.ids)" 3
{
	echo name,email
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "New $i,new$i@example.org"; done
	echo "Ren One,ren1@example.org"
	echo "Ren Two,ren2@example.org"
	echo "Ren Three,ren3@example.org"
} >roster.csv
sed 1d roster.csv | cut -d , -f 2 | sort >emails
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
is "classified: ten new, three active time-bound" \
    "$(cut -f 2 review.tsv | sort | uniq -c | awk '{ printf "%s %s,", $1, $2 }')" \
    "3 active-timebound,10 new,"
job=$(bulk-submit -q -b timed <review.tsv)

# Every connection dropped after the end of DATA, one attempt.
smtp_start "$SCRATCH/drop" -d '*' || exit 1
run job-worker -a 1 -u "$SMTP_URL"
exits "the worker runs against a relay that drops after DATA" 0
smtp_stop
is "the relay received all thirteen, and kept them as dropped" \
    "$(smtp_stat dropped) $(smtp_stat messages)" "13 0"
run job-status -p "$job"
is "the job ends with thirteen failures" \
    "$(sed -n 's/^status	//p; s/^failed	//p' out | tr '\n' ' ')" "completed 13 "
has "saying the connection was lost after the end of DATA" out \
    "gave up after 1 attempts: connection lost after the end of DATA"

creds dropped $(find "$SCRATCH/drop/dropped" -type f ! -name '*.env' | sort) >received
is "Python's email package finds a credential in each dropped message" \
    "$(cut -f 1 received | grep -c '^urn:uuid:')" 13
is "one for each recipient" "$(cut -f 2 received | sort)" "$(cat emails)"
job-status -i "$job" | awk -F '\t' '{ print $4 "\t" $2 }' | sort >items
sort received >received.sorted
same "they are the credentials the job's items name" items received.sorted

bad=
while IFS='	' read -r id to; do
	run org-admin credential show "$id"
	if [ "$rc" != 0 ]; then
		bad="$bad $id:gone"
		continue
	fi
	[ "$(sed -n 's/^revoked	//p' out)" != - ] || bad="$bad $id:not-revoked"
	case $(sed -n 's/^revoke-reason	//p' out) in
	"not delivered: "?*) ;;
	*) bad="$bad $id:reason" ;;
	esac
	[ "$(sed -n 's/^email	//p' out)" = "$to" ] || bad="$bad $id:email"
done <received
is "each received credential is still in the database, revoked \"not delivered: ...\"" "$bad" ""
id1=$(head -1 received | cut -f 1)
is "the reason is the item's" "$(field "$id1" revoke-reason)" \
    "not delivered: $(job-status -i "$job" | awk -F '\t' -v id="$id1" '$4 == id { print $6 }')"

run sh -c 'credential-verify -d "$DB" dropped/*.json'
exits "credential-verify -d refuses them" 1
is "a FAIL line for each of the thirteen" "$(grep -c '^FAIL ' out)" 13
is "each saying it was revoked as not delivered" \
    "$(grep -c '^FAIL urn:uuid:[0-9a-f-]* revoked [0-9TZ:-]*: not delivered: gave up after 1 attempts' out)" 13

bad=
for id in $(cat old.ids); do
	[ "$(field "$id" revoked)" = - ] || bad="$bad $id"
done
is "the renewals' predecessors are not revoked" "$bad" ""
bad=
for id in $(cat old.ids); do
	[ -z "$(field "$id" superseded-by)" ] || bad="$bad $id:$(field "$id" superseded-by)"
done
is "credential show names no successor for them: the undelivered renewal supersedes nothing" "$bad" ""
states ren1@example.org ren2@example.org ren3@example.org >st
is "credential list: each predecessor active, its undelivered renewal revoked" "$(cat st)" \
    "ren1@example.org active revoked
ren2@example.org active revoked
ren3@example.org active revoked"

# Send the failed rows again: every recipient is issuable, as revoked.
job-status -f "$job" >retry.csv
csv-validate -q retry.csv | recipient-check -b timed >review2.tsv 2>rc.err
is "the failed rows classify as revoked, all thirteen" \
    "$(cut -f 2 review2.tsv | sort | uniq -c | awk '{ printf "%s %s,", $1, $2 }')" "13 revoked,"
has "issuable" rc.err "13 issuable"
is "for the recipients of the job" "$(cut -f 3 review2.tsv | sort)" "$(cat emails)"
job2=$(bulk-submit -q -b timed <review2.tsv)
is "bulk-submit takes them" "$(printf '%s' "$job2" | tr -d 0-9)" ""

org-admin credential list acme timed | cut -f 1 | sort >ids.before
smtp_start "$SCRATCH/good" || exit 1
run job-worker -u "$SMTP_URL"
exits "a run against a good relay" 0
smtp_stop
org-admin credential list acme timed | sort >list.after
is "it issues exactly one new credential per recipient" \
    "$(cut -f 1 list.after | comm -13 ids.before - | join -t '	' - list.after | cut -f 3 | sort)" \
    "$(cat emails)"
is "it delivers thirteen messages" "$(smtp_stat messages) $(smtp_stat dropped)" "13 0"
is "one to each recipient" \
    "$(cat "$SCRATCH"/good/mail/*.env | sed -n 's/^to //p' | sort)" "$(cat emails)"
run job-status -p "$job2"
is "the second job is completed, thirteen sent" \
    "$(sed -n 's/^status	//p; s/^sent	//p' out | tr '\n' ' ')" "completed 13 "
is "one new credential per recipient" \
    "$(job-status -i "$job2" | awk -F '\t' '$4 ~ /^urn:uuid:/ { print $2 }' | sort)" "$(cat emails)"
mkdir mailed
run sh -c 'find "$1/good/mail" -type f ! -name "*.env" | sort | xargs /usr/bin/python3 "$TOP/test/smtp/attachments.py" "$DB" mailed' sh "$SCRATCH"
exits "each attachment is the stored credential, sent to its recipient" 0

# Every credential each recipient holds, through credential show -j.
mkdir held
org-admin credential list acme timed >list.out
bad=
for e in $(cat emails); do
	n=0
	for id in $(awk -F '\t' -v e="$e" '$3 == e { print $1 }' list.out); do
		f=held/$(echo "$id" | tr -d :).json
		org-admin credential show -j "$id" >"$f" 2>/dev/null || continue
		credential-verify -d "$DB" "$f" >/dev/null 2>&1 && n=$((n + 1))
	done
	[ "$n" = 1 ] || bad="$bad $e:$n"
done
is "each recipient holds exactly one credential that verifies" "$bad" ""
is "no recipient has two active credentials of the badge" \
    "$(awk -F '\t' '$7 == "active" { print $3 }' list.out | sort | uniq -d)" ""
is "every recipient has one active credential" \
    "$(awk -F '\t' '$7 == "active" { print $3 }' list.out | sort)" "$(cat emails)"
states ren1@example.org ren2@example.org ren3@example.org >st
is "the renewals' old credentials are superseded now, the undelivered ones still revoked" "$(cat st)" \
    "ren1@example.org superseded revoked active
ren2@example.org superseded revoked active
ren3@example.org superseded revoked active"
bad=
for id in $(cat old.ids); do
	e=$(field "$id" email)
	new=$(job-status -i "$job2" | awk -F '\t' -v e="$e" '$2 == e { print $4 }')
	[ "$(field "$id" superseded-by)" = "$new" ] || bad="$bad $id:$(field "$id" superseded-by)!=$new"
done
is "each old credential is superseded by the one delivered" "$bad" ""
csv-validate -q roster.csv | recipient-check -q -b timed >review3.tsv
is "the recipients now classify as holding an active time-bound credential" \
    "$(cut -f 2 review3.tsv | sort | uniq -c | awk '{ printf "%s %s,", $1, $2 }')" \
    "13 active-timebound,"

# Refused at RCPT with 550: nothing reached the end of DATA.
revoked_before=$(org-admin credential list acme | awk -F '\t' '$7 == "revoked"' | wc -l)
printf 'timed\t%s\t%s\t%s\t%s\t-\n' \
    rx@example.org "Ren X" "$(ago 86400)" "$(ago -2592000)" |
    org-admin credential import acme >rx.id
printf 'name,email\nNo One,no1@example.org\nNo Two,no2@example.org\nRen X,rx@example.org\nYes One,yes1@example.org\n' >r5.csv
csv-validate -q r5.csv | recipient-check -q -b timed >r5.tsv
job5=$(bulk-submit -q -b timed <r5.tsv)
smtp_start "$SCRATCH/refuse" -r 'no1@example.org=550 5.1.1 <no1@example.org>: mailbox unknown' \
    -r 'no2@example.org=550 5.1.1 <no2@example.org>: mailbox unknown' \
    -r 'rx@example.org=550 5.7.1 <rx@example.org>: refused' || exit 1
run job-worker -u "$SMTP_URL"
exits "a run against a relay that refuses three recipients" 0
smtp_stop
is "it delivers the one it accepts, drops nothing" "$(smtp_stat messages) $(smtp_stat dropped)" "1 0"
is "three items failed with the relay's reply, one sent" \
    "$(job-status -i "$job5" | cut -f 2,3,4,6 | sed 's/urn:uuid:[0-9a-f-]*/ID/')" \
    "no1@example.org	failed	-	550 5.1.1 <no1@example.org>: mailbox unknown
no2@example.org	failed	-	550 5.1.1 <no2@example.org>: mailbox unknown
rx@example.org	failed	-	550 5.7.1 <rx@example.org>: refused
yes1@example.org	sent	ID	"
states no1@example.org no2@example.org rx@example.org >st
is "their credentials are withdrawn: none listed, the renewal's predecessor active" "$(cat st)" \
    "no1@example.org
no2@example.org
rx@example.org active"
is "the predecessor is neither revoked nor superseded" \
    "revoked=$(field "$(cat rx.id)" revoked) superseded-by=$(field "$(cat rx.id)" superseded-by)" \
    "revoked=- superseded-by="
is "nothing was revoked" \
    "$(org-admin credential list acme | awk -F '\t' '$7 == "revoked"' | wc -l)" "$revoked_before"
job-status -f "$job5" | csv-validate -q - | recipient-check -q -b timed >r5b.tsv
is "the refused recipients classify as before the job" \
    "$(cut -f 2,3 r5b.tsv)" "new	no1@example.org
new	no2@example.org
active-timebound	rx@example.org"

# 452 at RCPT until the attempts run out: nothing reached the end of DATA.
printf 'timed\t%s\t%s\t%s\t%s\t-\n' \
    ry@example.org "Ren Y" "$(ago 86400)" "$(ago -2592000)" |
    org-admin credential import acme >ry.id
printf 'name,email\nFull One,full1@example.org\nRen Y,ry@example.org\n' >r6.csv
csv-validate -q r6.csv | recipient-check -q -b timed >r6.tsv
job6=$(bulk-submit -q -b timed <r6.tsv)
smtp_start "$SCRATCH/full" -r 'full1@example.org=452 4.2.2 mailbox full' \
    -r 'ry@example.org=452 4.2.2 mailbox full' || exit 1
# An hour's delay (-r 3600), brought forward by hand: however long the
# first run takes, it makes one attempt.
run job-worker -a 2 -r 3600 -u "$SMTP_URL"
exits "first attempt" 0
is "both deferred, each with its credential" \
    "$(job-status -i "$job6" | awk -F '\t' '{ print $3, ($4 ~ /^urn:uuid:/) }' | tr '\n' ' ')" \
    "deferred 1 deferred 1 "
store_test due-now
run job-worker -a 2 -r 3600 -u "$SMTP_URL"
exits "second attempt" 0
smtp_stop
is "the relay accepted and dropped nothing" "$(smtp_stat messages) $(smtp_stat dropped)" "0 0"
is "both failed after two attempts, their credentials withdrawn" \
    "$(job-status -i "$job6" | cut -f 2-6)" \
    "full1@example.org	failed	-	2	gave up after 2 attempts: 452 4.2.2 mailbox full
ry@example.org	failed	-	2	gave up after 2 attempts: 452 4.2.2 mailbox full"
states full1@example.org ry@example.org >st
is "credential list: nothing for the new one, the predecessor active" "$(cat st)" \
    "full1@example.org
ry@example.org active"
is "nothing more was revoked" \
    "$(org-admin credential list acme | awk -F '\t' '$7 == "revoked"' | wc -l)" "$revoked_before"
job-status -f "$job6" | csv-validate -q - | recipient-check -q -b timed >r6b.tsv
is "the two classify as before the job" "$(cut -f 2,3 r6b.tsv)" \
    "new	full1@example.org
active-timebound	ry@example.org"

done_testing
