#!/bin/sh
# Public revocation, end to end: 200 credentials issued through the real
# pipeline, 20 of them renewed (the old ones superseded once the renewals
# are delivered) and 20 revoked by hand and issued afresh, the key rotated
# in between; org-admin status publish writes the lists, and an
# independent checker (@digitalcredentials/vc-bitstring-status-list,
# pinned in test/interop) that loads them as a web server would serve
# them finds exactly those 40 revoked and the other 200 not, as
# credential-verify -s does.  Publishing again changes no byte; a list
# tampered with, or missing, is refused with the reason.
. "$(dirname "$0")/lib.sh"

interop=$TOP/test/interop
base=https://acme.example/status

setup_org acme professional || exit 1
setup_org beta professional || exit 1
org-admin org sender acme badges@acme.example "Acme Badges"
org-admin org sender beta badges@beta.example
org-admin org status-url beta none 2>/dev/null

# submit ORG BADGE ROSTER: the pipeline of a member of ORG.
submit() {
	CREDPIPE_API_KEY=$(cat "$1.key") sh -c \
	    'csv-validate -q "$1" | recipient-check -q -b "$2" >"$1.tsv" &&
	    bulk-submit -q -b "$2" <"$1.tsv"' sh "$3" "$2" >/dev/null
}

# roster FIRST LAST: recipients rFIRST to rLAST.
roster() {
	awk -v a="$1" -v b="$2" 'BEGIN { print "name,email"
		for (i = a; i <= b; i++) printf "Recipient %d,r%d@example.org\n", i, i }'
}

roster 1 100 >timed.csv
roster 101 200 >forever.csv
roster 1 10 >beta.csv
submit acme timed timed.csv && submit acme forever forever.csv &&
    submit beta timed beta.csv
is "three jobs submitted" "$(org-admin job list | wc -l)" 3
run job-worker -M maildir
exits "the worker delivers them into a maildir" 0
is "210 messages" "$(ls maildir/new | wc -l)" 210

# A new signing key: what is issued from now on goes into a list of its
# own, signed by it.
org-admin key generate acme >/dev/null 2>&1

# 20 time-bound credentials renewed; 20 others revoked by hand, and their
# recipients issued new ones.
roster 1 20 >renew.csv
submit acme timed renew.csv
is "the renewals are classified active-timebound" \
    "$(cut -f 2 renew.csv.tsv | sort | uniq -c | awk '{ print $1, $2 }')" \
    "20 active-timebound"
org-admin credential list acme forever | awk -F '\t' '
	{ n = $3; sub(/^r/, "", n); sub(/@.*/, "", n) }
	n <= 120 { print $1 }' >byhand
is "20 to revoke by hand" "$(wc -l <byhand)" 20
while read -r id; do
	org-admin credential revoke -r "left the course" "$id"
done <byhand
roster 101 120 >reissue.csv
submit acme forever reissue.csv
is "the reissues are classified revoked" \
    "$(cut -f 2 reissue.csv.tsv | sort | uniq -c | awk '{ print $1, $2 }')" \
    "20 revoked"
run job-worker -M maildir
exits "the worker delivers the renewals and reissues" 0
is "250 messages" "$(ls maildir/new | wc -l)" 250

org-admin credential list acme >creds.tsv
is "acme holds 240 credentials: 200 active, 20 revoked, 20 superseded" \
    "$(cut -f 7 creds.tsv | sort | uniq -c | awk '{ printf "%s %s ", $1, $2 }')" \
    "200 active 20 revoked 20 superseded "
mkdir creds
while IFS='	' read -r id _; do
	org-admin credential show -j "$id" >"creds/${id#urn:uuid:}.json"
done <creds.tsv
awk -F '\t' '{ v = $7 == "active" ? "valid" : "revoked"
	sub(/^urn:uuid:/, "", $1); print "creds/" $1 ".json " v }' creds.tsv |
    sort >want
is "240 credentials, each with a status entry" \
    "$(grep -l '"statusListCredential": "https://acme.example/status/' creds/*.json | wc -l)" 240

# Publish.
run org-admin status publish -o pub acme
exits "status publish" 0
is "two lists, written" "$(wc -l <out)" 2
awk -F '\t' -v b="$base" '{ n = $2; sub(".*/", "", n)
	print ($1 == "pub/" n && index($2, b "/") == 1) ? "ok" : "bad",
	    $3, $4, $5 }' out >lines
is "the first key's list: 200 entries, 40 revoked; the new key's: 40, none" \
    "$(tr '\n' '|' <lines)" "ok 200 40 written|ok 40 0 written|"
list1=$(sed -n '1s/\t.*//p' out)
list2=$(sed -n '2s/\t.*//p' out)
url1=$(sed -n '1p' out | cut -f 2)
url2=$(sed -n '2p' out | cut -f 2)
is "the files are 0644" "$(stat -c %a "$list1" "$list2" | tr '\n' ' ')" \
    "644 644 "
is "the publication is audited" \
    "$(org-admin log | awk -F '\t' '$4 == "status publish"' | wc -l)" 1

# The independent checker, the lists served from pub/ at their URLs.
run node "$interop/status.js" "$base" pub creds/*.json
exits "node: every status checked" 0
has "node: 200 valid, 40 revoked" out \
    "# status: 240 credentials, 200 valid, 40 revoked, 0 not checked"
grep -v '^#' out | sort >node.verdicts
same "node: exactly the superseded and the revoked ones are revoked" \
    node.verdicts want

# credential-verify, offline, on the same directory.
credential-verify -s pub creds/*.json >cv 2>cv.err
awk '{ print $1, $2 }' cv | sed 's/^OK/valid/; s/^FAIL/revoked/' |
    awk '{ sub(/^urn:uuid:/, "", $2); print "creds/" $2 ".json " $1 }' |
    sort >cv.verdicts
same "credential-verify -s agrees on all 240" cv.verdicts want
is "its reason is the list entry" \
    "$(grep -c "^FAIL urn:uuid:[-0-9a-f]* revoked (status list $base/[0-9]*\.json entry [0-9]*)\$" cv)" 40
is "nothing on stderr" "$(wc -c <cv.err)" 0
credential-verify -s pub -d "$DB" creds/*.json >cvd
awk '{ print $1, $2 }' cvd | sed 's/^OK/valid/; s/^FAIL/revoked/' |
    awk '{ sub(/^urn:uuid:/, "", $2); print "creds/" $2 ".json " $1 }' |
    sort >cvd.verdicts
same "credential-verify -s -d agrees too" cvd.verdicts want

# A credential without credentialStatus passes -s and says nothing of it.
beta_id=$(org-admin credential list beta | sed -n '1s/\t.*//p')
org-admin credential show -j "$beta_id" >beta.json
run credential-verify -s pub beta.json
exits "a credential without status passes -s" 0
has "OK, with nothing said of its status" out "OK $beta_id did:key:"

# Publishing again, a second later or more, with nothing changed: the
# same bytes, left alone (their mtime dated back to tell).
mkdir before
cp pub/* before/
touch -d @1000000000 pub/*
sleep 1
run org-admin status publish -o pub acme
exits "publish again" 0
is "both lists unchanged" "$(cut -f 5 out | tr '\n' ' ')" "unchanged unchanged "
for f in before/*; do
	if cmp -s "$f" "pub/${f#before/}"; then
		ok "${f#before/}: identical bytes"
	else
		not_ok "${f#before/}: identical bytes"
	fi
done
is "the files were not touched" "$(stat -c %Y pub/* | tr '\n' ' ')" \
    "1000000000 1000000000 "
is "an unchanged publication is not audited" \
    "$(org-admin log | awk -F '\t' '$4 == "status publish"' | wc -l)" 1

# Tampered lists.  flip FILE INDEX OUT: FILE with bit INDEX of its list
# flipped, the proof left as it was.
flip() {
	python3 - "$@" <<'EOF'
import base64, gzip, json, sys
doc = json.load(open(sys.argv[1]))
s = doc["credentialSubject"]
enc = s["encodedList"][1:]
bits = bytearray(gzip.decompress(base64.urlsafe_b64decode(
    enc + "=" * (-len(enc) % 4))))
i = int(sys.argv[2])
bits[i // 8] ^= 0x80 >> (i % 8)
s["encodedList"] = "u" + base64.urlsafe_b64encode(
    gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")
json.dump(doc, open(sys.argv[3], "w"), indent=2)
EOF
}
revoked_id=$(head -1 byhand)
revoked_file=creds/${revoked_id#urn:uuid:}.json
index=$(sed -n 's/^ *"statusListIndex": "\([0-9]*\)",*$/\1/p' "$revoked_file")
is "the revoked credential is in the first list" \
    "$(sed -n 's/^ *"statusListCredential": "\(.*\)"$/\1/p' "$revoked_file")" \
    "$url1"
mkdir flipped
cp pub/* flipped/
flip "$list1" "$index" "flipped/${list1#pub/}"
run credential-verify -s flipped "$revoked_file"
exits "a list with its revocation flipped off: FAIL" 1
has "signature does not match" out \
    "FAIL $revoked_id status list $url1: signature does not match"
run node "$interop/status.js" "$base" flipped "$revoked_file"
exits "node refuses it too" 1
has "node: not verified" out "not verified"

mkdir forged
cp pub/* forged/
proof2=$(sed -n 's/^ *"proofValue": "\(.*\)"$/\1/p' "$list2")
sed "s/\"proofValue\": \".*\"/\"proofValue\": \"$proof2\"/" "$list1" \
    >"forged/${list1#pub/}"
run credential-verify -s forged "$revoked_file"
exits "a list with another proofValue: FAIL" 1
has "signature does not match" out \
    "FAIL $revoked_id status list $url1: signature does not match"

mkdir partial
cp "$list1" partial/
renewed=$(grep -l "\"statusListCredential\": \"$url2\"" creds/*.json | head -1)
run credential-verify -s partial "$renewed" "$revoked_file"
exits "a missing list: FAIL" 1
has "missing list: its reason" out "status list $url2 is not in partial"
has "the list that is there still counts" out "revoked (status list $url1 entry $index)"
run credential-verify -s nowhere "$revoked_file"
exits "-s with a directory that is not there: 66" 66
has "saying so" err "credential-verify: nowhere: No such file or directory"

# A key that cannot be unsealed writes nothing: 78.
org-admin -k other.key init 2>/dev/null
run org-admin -k other.key status publish -o other acme
exits "a list whose key cannot be unsealed: 78" 78
has "saying which and why" err "org-admin: acme: status list $base/"
if [ -e other ]; then not_ok "nothing written"; else ok "nothing written"; fi

# The default directory, created 0755; an organization without lists.
run org-admin status publish beta
exits "an organization without lists: 0" 0
is "and nothing on stdout" "$(wc -c <out)" 0
has "saying why on stderr" err "beta has no status lists: its status URL is none"
is "./status is created, 0755" "$(stat -c %a status)" 755

done_testing
