#!/bin/sh
# Members list and revoke their organization's credentials: 1,000 issued
# through the real pipeline, 300 imported in every state and 10,000 more
# imported to revoke at once.
# credential-list agrees with org-admin credential list, filter by
# filter; credential-revoke takes credential-list's output from a pipe,
# all or nothing, refusing the roles below admin, another organization's
# ids and any bad line (naming it, changing nothing); once the status
# lists are published, the independent checker sees exactly those revoked,
# as credential-verify -s does.
. "$(dirname "$0")/lib.sh"

base=https://acme.example/status
setup_org acme professional || exit 1
setup_org beta professional || exit 1
{
	org-admin org sender acme badges@acme.example Acme
	org-admin org sender beta badges@beta.example Beta
	org-admin member add acme vic@acme.example viewer
	org-admin member add acme ann@acme.example admin
	org-admin apikey create acme vic@acme.example >vic.key
	org-admin apikey create acme ann@acme.example >ann.key
} 2>/dev/null
# The key's last use is recorded, refused or not; nothing else may change.
dump() { store_test dump | grep -v '^api_key	'; }

awk 'BEGIN { print "name,email"
	for (i = 1; i <= 1000; i++) printf "Recipient %d,r%d@example.org\n", i, i }' >r.csv
csv-validate -q r.csv | recipient-check -q -k acme.key -b timed >r.tsv
bulk-submit -q -k acme.key -b timed <r.tsv >/dev/null
printf 'name,email\nBeta One,b1@example.org\n' | csv-validate -q |
    recipient-check -q -k beta.key -b timed | bulk-submit -q -k beta.key -b timed >/dev/null
run job-worker -M maildir
exits "1,001 credentials issued" 0
# 300 more, imported: in March, in every state.
awk 'BEGIN { for (i = 1; i <= 300; i++) {
	d = sprintf("2026-03-%02dT10:00:00Z", i % 28 + 1)
	if (i % 3 == 0)		# expired
		printf "timed\tm%d@example.org\tM %d\t%s\t2026-06-01T00:00:00Z\t-\n", i, i, d
	else if (i % 3 == 1)	# revoked
		printf "forever\tm%d@example.org\tM %d\t%s\t-\t2026-04-01T00:00:00Z\tleft\n", i, i, d
	else
		printf "forever\tm%d@example.org\tM %d\t%s\t-\t-\n", i, i, d } }' |
    org-admin credential import acme >/dev/null

# credential-list, a viewer's, against the operator's list.
run credential-list -k vic.key -r
exits "a viewer lists" 0
cut -f 1-7 out >member.list
org-admin credential list acme >operator.list
same "oldest first: the operator's list, field for field" member.list operator.list
is "1,300 credentials" "$(wc -l <out)" 1300
is "9 fields a line" "$(awk -F '\t' 'NF != 9' out | wc -l)" 0
credential-list -k vic.key -r -b forever | cut -f 1-7 >member.forever
org-admin credential list acme forever >operator.forever
same "-b forever agrees" member.forever operator.forever
credential-list -k vic.key | cut -f 1 | tac >newest.reversed
cut -f 1 out >oldest
same "newest first is the reverse" newest.reversed oldest
for state in active expired revoked; do
	credential-list -k vic.key -r -s "$state" >s.$state
	awk -F '\t' -v s="$state" '$7 == s' out >want.$state
	same "-s $state agrees" s.$state want.$state
done
is "100 expired, 100 revoked by import" "$(wc -l <s.expired) $(wc -l <s.revoked)" "100 100"
credential-list -k vic.key -r -S 2026-03-10 -U 2026-03-20 >march
awk -F '\t' '$5 >= "2026-03-10" && $5 < "2026-03-20"' out >want.march
same "-S and -U: issued in [since, until)" march want.march
is "and that is some of March" "$(wc -l <march)" 110
credential-list -k vic.key -e R7@Example.org >r7
is "-e: one recipient, the address lowercased" "$(cut -f 3 r7)" r7@example.org
run credential-list -k vic.key -s nope
exits "an unknown state: 64" 64
run credential-list -k vic.key -S 2026-02-30
exits "a day that is not one: 64" 64
credential-list -k beta.key >beta.list
is "beta sees its one credential" "$(wc -l <beta.list)" 1
if grep -qf beta.list operator.list; then not_ok "beta's is not acme's"; else ok "beta's is not acme's"; fi

# credential-revoke: refused below admin, for others' ids, for a bad line.
credential-list -k vic.key -b timed -s active >targets
is "1,000 to revoke" "$(wc -l <targets)" 1000
dump >before
for who in vic acme; do
	run credential-revoke -k $who.key -r "exam annulled" <targets
	exits "$who may not revoke: 77" 77
	has "$who: says the role" err "this needs the admin role or above"
done
awk 'NR == 500 { print "urn:uuid:00000000-0000-4000-8000-000000000000" } { print }' targets >bad1
run credential-revoke -k ann.key -r "exam annulled" <bad1
exits "an unknown id on line 500: 65" 65
has "naming the line" err "stdin:500: no such credential: urn:uuid:00000000-0000-4000-8000-000000000000; nothing was revoked"
awk -v b="$(cut -f 1 beta.list)" 'NR == 700 { print b } { print }' targets >bad2
run credential-revoke -k ann.key -r "exam annulled" <bad2
exits "beta's id on line 700: 65" 65
has "it is no such credential to acme" err "stdin:700: no such credential"
run credential-revoke -k ann.key -r "exam annulled" "$(sed -n 1p s.revoked | cut -f 1)"
exits "one revoked already: 65" 65
has "saying so, and -f" err "argument 1: $(sed -n 1p s.revoked | cut -f 1) is revoked already; nothing was revoked (-f skips those)"
sed 's/$/\r/' targets >crlf
run credential-revoke -k ann.key <crlf
exits "CRLF line ends: 65" 65
has "saying so" err "stdin:1: a carriage return (CRLF line ends?); nothing was revoked"
run credential-revoke -k ann.key -r "bad$(printf '\033')[2J" <targets
exits "a reason with a control character: 64" 64
dump >after
same "none of it changed anything" after before
is "nothing was printed" "$(wc -c <out)" 0

# All 1,000 at once, from a pipe.
start=$(date +%s%N)
credential-list -k ann.key -b timed -s active | credential-revoke -k ann.key -r "exam annulled" >revoked 2>err
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
exits "1,000 revoked in one run" 0
echo "# credential-list | credential-revoke of 1,000: $ms ms"
cut -f 1 targets | sort >want.ids
sort revoked >got.ids
same "the ids it printed are the 1,000" got.ids want.ids
has "and a count" err "credential-revoke: 1000 revoked; the next status publish makes them public"
is "each revocation audited, with the member" \
    "$(org-admin log -o acme | awk -F '\t' '$4 == "credential revoke" && $2 == "ann@acme.example"' | wc -l)" 1000
is "they are revoked, with the reason" \
    "$(credential-list -k vic.key -b timed -s revoked | awk -F '\t' '$9 == "exam annulled"' | wc -l)" 1000
run credential-revoke -k ann.key <targets
exits "again: refused, revoked already" 65
run credential-revoke -k ann.key -f <targets
exits "again with -f: passed over" 0
has "saying how many" err "0 revoked; 1000 revoked already, passed over (-f)"

# 10,000 at once: imported (issued in 2025), one bad line refuses them
# all, then all of them from a pipe in one run.
awk 'BEGIN { for (i = 1; i <= 10000; i++)
	printf "forever\tk%d@example.org\tK %d\t2025-01-%02dT10:00:00Z\t-\t-\n", i, i, i % 28 + 1 }' |
    org-admin credential import acme >/dev/null
credential-list -k ann.key -b forever -U 2026-01-01 >k.list
is "10,000 more" "$(wc -l <k.list)" 10000
dump >before
awk 'NR == 9999 { print "urn:uuid:not-one" } { print }' k.list >bad3
run credential-revoke -k ann.key -r "cohort withdrawn" <bad3
exits "one bad line of 10,001: 65" 65
has "naming it" err "stdin:9999: no such credential: urn:uuid:not-one; nothing was revoked"
dump >after
same "and nothing changed" after before
start=$(date +%s%N)
credential-list -k ann.key -b forever -U 2026-01-01 | credential-revoke -k ann.key -r "cohort withdrawn" >revoked 2>err
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
exits "10,000 revoked in one run" 0
echo "# credential-list | credential-revoke of 10,000: $ms ms"
is "it printed 10,000 ids" "$(sort -u revoked | wc -l)" 10000
is "all revoked" "$(credential-list -k vic.key -b forever -U 2026-01-01 -s revoked | wc -l)" 10000

# Published, the checker sees exactly those revoked.
mkdir creds
while IFS='	' read -r id _; do
	org-admin credential show -j "$id" >"creds/${id#urn:uuid:}.json"
done <targets
run org-admin status publish -o pub acme
exits "status publish" 0
run sh -c 'cd "$1/test/interop" && node status.js "$2" "$3/pub" "$3"/creds/*.json' sh "$TOP" "$base" "$PWD"
exits "the checker checked every one" 0
has "the checker: 1,000 revoked, none valid" out "# status: 1000 credentials, 0 valid, 1000 revoked, 0 not checked"
run credential-verify -s pub creds/*.json
exits "credential-verify -s: FAIL, exit 1" 1
is "credential-verify -s: 1,000 revoked" "$(grep -c '^FAIL .* revoked' out)" 1000

done_testing
