#!/bin/sh
# bulk-submit: a job from a reviewed stream in one transaction, and every
# refusal: each with its exit status and message, each changing nothing.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY

printf 'timed\tforever@example.org\tForever\t%s\t-\t-\n' "$(ago 86400)" |
    org-admin credential import acme >/dev/null
cat >roster.csv <<'CSV'
name,email
Ada Lovelace,ada@example.org
Alan Turing,alan@example.org
Forever Person,forever@example.org
Bad Email,bad@
CSV
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv

# The key's last use and its rate bucket change with every use.
dump() { store_test dump | grep -v '^api_key	'; }
# refused RC MESSAGE COMMAND...: the command exits RC, says MESSAGE and
# leaves the database as it was.
refused() {
	want_rc=$1 want_msg=$2
	shift 2
	dump >before
	run "$@"
	exits "$want_msg: exit $want_rc" "$want_rc"
	has "$want_msg: says so" err "$want_msg"
	dump >after
	same "$want_msg: nothing changed" after before
	is "$want_msg: no job id printed" "$(cat out)" ""
}

refused 77 "no API key: set CREDPIPE_API_KEY" \
    env CREDPIPE_API_KEY= bulk-submit -b timed <review.tsv
key=$(cat acme.key)
case $key in *0) wrong=${key%?}1 ;; *) wrong=${key%?}0 ;; esac
refused 77 "is not valid" env CREDPIPE_API_KEY="$wrong" \
    bulk-submit -b timed <review.tsv
org-admin member add acme viewer@acme.example viewer
org-admin apikey create acme viewer@acme.example >viewer.key 2>/dev/null
refused 77 "this needs the issuer role or above; viewer@acme.example is a viewer of acme" \
    bulk-submit -k viewer.key -b timed <review.tsv
org-admin org approve -u acme
refused 77 "organization acme is not approved yet" bulk-submit -b timed <review.tsv
org-admin org approve acme

{
	org-admin org create -p professional nokey "No Key" &&
	org-admin org approve nokey &&
	org-admin org status-url nokey none &&
	org-admin badge create nokey timed "Timed" &&
	org-admin member add nokey issuer@nokey.example issuer &&
	org-admin apikey create nokey issuer@nokey.example >nokey.key
} 2>/dev/null
csv-validate -q roster.csv | recipient-check -q -k nokey.key -b timed >nokey.tsv
refused 77 "organization nokey has no signing key" bulk-submit -k nokey.key -b timed <nokey.tsv

setup_org freeorg free || exit 1
csv-validate -q roster.csv | recipient-check -q -k freeorg.key -b timed >free.tsv
refused 77 "bulk issuance needs the Professional or Enterprise plan; freeorg is on the Free plan" \
    bulk-submit -k freeorg.key -b timed <free.tsv

refused 65 "not a credpipe record (1 field, expected 5); is it a CSV file? run it through csv-validate first" \
    bulk-submit -b timed <roster.csv
refused 65 "not classified (status valid): run the stream through recipient-check first" \
    sh -c 'csv-validate -q roster.csv | bulk-submit -b timed'
refused 65 "organization acme has no badge 'nope'" bulk-submit -b nope <review.tsv
grep -v -e '	new	' review.tsv >nothing.tsv
refused 65 "nothing to issue: 2 rows, none issuable" bulk-submit -b timed <nothing.tsv

# An edited stream: a skipped row changed to new.
sed 's/active-nonexpiring/new/' review.tsv >edited.tsv
refused 65 "1 row changed since the review; nothing was submitted: run recipient-check again" \
    bulk-submit -b timed <edited.tsv
has "the edited row is named" err "row 4: reviewed as new, now active-nonexpiring"
# An email edited into something a header could not carry.
sed 's/ada@example.org/ada@example.org\\r\\nRCPT TO:<x@evil.example>/' review.tsv >injected.tsv
refused 65 "1 row changed since the review" bulk-submit -b timed <injected.tsv

# Stale review: a credential issued, then one revoked, since the review.
printf 'timed\tada@example.org\tAda\t%s\t%s\t-\n' "$(ago 60)" "$(ago -86400)" |
    org-admin credential import acme >ada.id
refused 65 "1 row changed since the review" bulk-submit -b timed <review.tsv
has "naming the row and what it is now" err "row 2: reviewed as new, now active-timebound: $(cat ada.id) issued"
org-admin credential revoke "$(cat ada.id)"
csv-validate -q roster.csv | recipient-check -q -b timed >review2.tsv
forever=$(org-admin credential list acme timed | awk -F '\t' '$3 == "forever@example.org" { print $1 }')
org-admin credential revoke "$forever"
refused 65 "row 4: reviewed as active-nonexpiring, now revoked" bulk-submit -b timed <review2.tsv

# Now a good submission.
csv-validate -q roster.csv | recipient-check -q -b timed >review3.tsv
run bulk-submit -b timed <review3.tsv
exits "a fresh review is submitted" 0
job=$(cat out)
case $job in ''|*[!0-9]*) not_ok "it prints the job id (got '$job')" ;; *) ok "it prints the job id" ;; esac
has "and the totals" err "bulk-submit: job $job: 3 to issue (0 renewals), 0 skipped, 1 left out"
is "the job is pending" "$(org-admin job show "$job" | sed -n 's/^status	//p')" pending
is "one item per issuable row, with its class and prior credential" \
    "$(rows job_item job_id="$job" row email class prior state | sort -n |
    awk -F '\t' '{ print $1, $2, $3, ($4 != "\\N"), $5 }' | tr '\n' '|')" \
    "2 ada@example.org revoked 1 pending|3 alan@example.org new 0 pending|4 forever@example.org revoked 1 pending|"
is "the quota counts them" "$(for e in ada alan forever; do
	store_test quota acme $e@example.org; done | tr '\n' ' ')" "1 1 1 "
refused 65 "3 rows changed since the review" bulk-submit -b timed <review3.tsv
has "submitting it twice is refused: the rows wait in the job" err "now invalid: waiting in job $job already"

# A submission larger than what one statement writes: 1,201 rows, every
# fourth recipient holding a credential that never expires (skipped).
awk -v t="$(ago 60)" 'BEGIN { for (i = 0; i < 1201; i += 4)
	printf "timed\tbig%d@example.org\tB\t%s\t-\t-\n", i, t }' |
    org-admin credential import acme >/dev/null
awk 'BEGIN { print "name,email"; for (i = 0; i < 1201; i++)
	printf "Big %d,big%d@example.org\n", i, i }' >big.csv
org-admin org quota acme 100000
before=$(store_test quota acme)
csv-validate -q big.csv | recipient-check -q -b timed >big.tsv
run bulk-submit -b timed <big.tsv
exits "1,201 rows are submitted" 0
big=$(cat out)
rows job_item job_id="$big" row email state due >big.items
is "an item for every row, each with its own row and email" \
    "$(awk -F '\t' '$2 != "big" ($1 - 2) "@example.org" { bad++ }
	END { print NR, bad + 0 }' big.items)" "1201 0"
is "the skipped ones are not due; the rest are" \
    "$(awk -F '\t' '{ n[$3 " " ($4 != "\\N")]++ }
	END { print n["pending 1"], n["skipped 0"], NR }' big.items)" "900 301 1201"
is "each pending one holds its place in the quota, the skipped none" \
    "$(($(store_test quota acme) - before)) $(store_test quota acme big0@example.org) $(store_test quota acme big1@example.org)" "900 0 1"
org-admin org quota acme default

# Rate limit: a key allowed 2 submissions an hour.
org-admin member add acme slow@acme.example issuer
org-admin apikey create -r 2 acme slow@acme.example >slow.key 2>/dev/null
for n in 1 2 3; do
	printf 'name,email\nP%s,rate%s@example.org\n' $n $n >r$n.csv
	csv-validate -q r$n.csv | recipient-check -q -k slow.key -b timed >r$n.tsv
done
run bulk-submit -k slow.key -b timed <r1.tsv
exits "first submission within the rate" 0
run bulk-submit -k slow.key -b timed <r2.tsv
exits "second submission within the rate" 0
refused 75 "rate limit: 2 submissions an hour for this key; try again in 30 minutes" \
    bulk-submit -k slow.key -b timed <r3.tsv

# Twenty pairs race for the last headroom: never past the quota.
i=0
wins=0
while [ $i -lt 20 ]; do
	used=$(store_test quota acme)
	org-admin org quota acme $((used + 1))
	for side in a b; do
		printf 'name,email\nRacer,race-%s-%s@example.org\n' $i $side |
		    csv-validate -q - | recipient-check -q -b timed >race-$side.tsv
	done
	bulk-submit -q -b timed <race-a.tsv >race-a.out 2>race-a.err &
	bulk-submit -q -b timed <race-b.tsv >race-b.out 2>race-b.err
	rc_b=$?
	wait $!
	rc_a=$?
	[ $rc_a = 0 ] && wins=$((wins + 1))
	[ $rc_b = 0 ] && wins=$((wins + 1))
	if [ $((rc_a + rc_b)) != 65 ]; then
		not_ok "race $i: one wins, one is refused (exits $rc_a and $rc_b)"
		cat race-a.err race-b.err | sed 's/^/# /'
	fi
	i=$((i + 1))
done
is "20 races: 20 winners" "$wins" 20
used=$(store_test quota acme)
quota=$(org-admin org show acme | sed -n 's/^quota	\([0-9]*\) .*/\1/p')
is "the quota was never exceeded" \
    "$(awk -v u="$used" -v q="$quota" 'BEGIN { print (q != "" && u <= q + 0) }')" 1
if grep -q locked race-*.err; then not_ok "no 'database is locked'"; else ok "no 'database is locked'"; fi

done_testing
