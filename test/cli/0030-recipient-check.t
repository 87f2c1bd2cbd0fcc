#!/bin/sh
# recipient-check: the six statuses from a prepared database, the review
# totals, the monthly quota, and what it refuses.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY

# Credentials in every state, through org-admin credential import.
t_old=$(ago 31536000) t_gone=$(ago 86400) t_recent=$(ago 864000)
t_later=$(ago -30672000) t_rev=$(ago 432000)
printf 'timed\t%s\t%s\t%s\t%s\t%s\n' \
    expired@example.org Expired "$t_old" "$t_gone" - \
    timed@example.org Timed "$t_recent" "$t_later" - \
    forever@example.org Forever "$t_recent" - - |
    org-admin credential import acme >ids
printf 'timed\trevoked@example.org\tRevoked\t%s\t-\t%s\tleft the course\n' \
    "$t_recent" "$t_rev" | org-admin credential import acme >>ids
is "import printed four ids" "$(grep -c '^urn:uuid:' ids)" 4
id_exp=$(sed -n 1p ids) id_timed=$(sed -n 2p ids)
id_forever=$(sed -n 3p ids) id_rev=$(sed -n 4p ids)

cat >roster.csv <<'CSV'
name,email
New Person,new@example.org
Expired Person,EXPIRED@example.org
Timed Person,timed@example.org
Forever Person,forever@example.org
Revoked Person,revoked@example.org
Bad Email,bad@
CSV
csv-validate -q roster.csv >records
run recipient-check -b timed <records
exits "recipient-check" 0
{
	printf '2\tnew\tnew@example.org\tNew Person\t\n'
	printf '3\texpired\texpired@example.org\tExpired Person\t%s issued %s, expired %s\n' "$id_exp" "$t_old" "$t_gone"
	printf '4\tactive-timebound\ttimed@example.org\tTimed Person\t%s issued %s, expires %s\n' "$id_timed" "$t_recent" "$t_later"
	printf '5\tactive-nonexpiring\tforever@example.org\tForever Person\t%s issued %s, does not expire\n' "$id_forever" "$t_recent"
	printf '6\trevoked\trevoked@example.org\tRevoked Person\t%s issued %s, revoked %s: left the course\n' "$id_rev" "$t_recent" "$t_rev"
	printf '7\tinvalid\tbad@\tBad Email\tnothing after the @ in email\n'
} >want
same "each of the six statuses, with the credential it was decided by" out want
printf '%s\n' \
    "recipient-check: timed: 6 rows: 4 issuable (2 renewals), 1 skipped, 1 invalid" \
    "recipient-check: quota $(date -u +%Y-%m): 4 of 1000 used with these rows (4 new)" >want
same "the review totals" err want
run recipient-check -q -b timed <records
is "-q: no totals" "$(cat err)" ""

# The other badge knows none of these credentials.
run recipient-check -q -b forever <records
is "another badge: all new but the invalid row" \
    "$(cut -f 2 out | tr '\n' ' ')" "new new new new new invalid "

# Quota: the headroom goes in row order.
org-admin org quota acme 2
run recipient-check -b timed <records
is "past the headroom, issuable rows become invalid in row order" \
    "$(cut -f 2,5 out | sed -n '1,5p' | tr '\t\n' '| ')" \
    "new| expired|$id_exp issued $t_old, expired $t_gone invalid|over monthly quota (2 of 2 used) active-nonexpiring|$id_forever issued $t_recent, does not expire invalid|over monthly quota (2 of 2 used) "
has "the totals say how full the quota is" err "quota $(date -u +%Y-%m): 2 of 2 used with these rows (2 new)"
is "the skipped row costs nothing" "$(sed -n 4p out | cut -f 2)" active-nonexpiring

# A recipient counted this month already passes when the quota is full.
org-admin org quota acme default
printf 'name,email\nCounted,counted@example.org\n' | csv-validate -q - |
    recipient-check -q -b forever >review
bulk-submit -q -b forever <review >job || not_ok "bulk-submit for the count"
org-admin org quota acme 1
printf 'name,email\nCounted,counted@example.org\nOther,other@example.org\n' |
    csv-validate -q - >records2
run recipient-check -b timed <records2
is "counted already: new; the next one: over quota" \
    "$(cut -f 2,5 out | tr '\t\n' '| ')" \
    "new| invalid|over monthly quota (1 of 1 used) "
org-admin org quota acme default

# A roster submitted already waits: recipient-check says so.
run recipient-check -b forever <records2
is "a recipient waiting in a job is not offered again" \
    "$(sed -n 1p out | cut -f 2,5)" "$(printf 'invalid\twaiting in job %s already' "$(cat job)")"

# Refusals.
run sh -c 'recipient-check -b timed <roster.csv'
exits "a CSV piped straight in is refused with 65" 65
has "with a hint to run csv-validate first" err \
    "recipient-check: stdin:1: not a credpipe record (1 field, expected 5); is it a CSV file? run it through csv-validate first"
is "and writes nothing" "$(wc -c <out)" 0
# Emails with the characters that the list of a roster's recipients, as
# an engine is handed it, must carry: each is found by its own.
printf 'timed\t%s\tOdd\t%s\t%s\t-\n' "o'b{1}?@example.org" "$t_old" \
    "$t_gone" "x}{'@example.org" "$t_recent" "$t_later" |
    org-admin credential import acme >/dev/null
printf "name,email\nA,o'b{1}?@example.org\nB,x}{'@example.org\nC,{}@example.org\n" |
    csv-validate -q - >odd
run recipient-check -q -b timed <odd
is "quotes and braces in emails: each recipient's own credential decides" \
    "$(cut -f 2 out | tr '\n' ' ')" "expired active-timebound new "

# Many recipients at once: 3,000 rows, every third holding a credential
# that expired, one in nine an active one.
awk -v old="$t_old" -v gone="$t_gone" -v rec="$t_recent" -v later="$t_later" \
    'BEGIN { for (i = 0; i < 3000; i++) {
	if (i % 3 == 0)
		printf "timed\tm%d@example.org\tM\t%s\t%s\t-\n", i, old, gone
	else if (i % 3 == 1 && i % 9 < 3)
		printf "timed\tm%d@example.org\tM\t%s\t%s\t-\n", i, rec, later
	} }' | org-admin credential import acme >/dev/null
awk 'BEGIN { print "name,email"; for (i = 0; i < 3000; i++)
	printf "M %d,m%d@example.org\n", i, i }' | csv-validate -q - >many
org-admin org quota acme 100000
run recipient-check -q -b timed <many
org-admin org quota acme default
is "3,000 rows: every one classified by its own credentials" \
    "$(cut -f 2 out | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')" \
    "active-timebound 334 expired 1000 new 1666 "
is "in the order of the stream" "$(cut -f 1 out | sort -n -c && echo sorted)" sorted

{ head -2 records; echo garbage; } >broken
run recipient-check -b timed <broken
exits "a bad line anywhere refuses the stream" 65
is "and nothing of it is written" "$(wc -c <out)" 0
run recipient-check -b nope <records
exits "an unknown badge exits 65" 65
has "naming it" err "organization acme has no badge 'nope'"
run recipient-check <records
exits "-b is required" 64
run env CREDPIPE_API_KEY= recipient-check -b timed <records
exits "no API key: 77" 77
org-admin member add acme viewer@acme.example viewer
org-admin apikey create acme viewer@acme.example >viewer.key 2>/dev/null
run recipient-check -k viewer.key -b timed <records
exits "a viewer may not classify: 77" 77
has "the role needed is named" err "this needs the issuer role or above"

# Free plan may check (but not submit); another organization sees nothing
# of acme's credentials.
setup_org other free || exit 1
run recipient-check -k other.key -b timed <records
exits "a Free organization may classify" 0
is "another organization: acme's credentials are invisible" \
    "$(cut -f 2 out | tr '\n' ' ')" "new new new new new invalid "
org-admin badge create acme acme-only "Acme only"
run recipient-check -k other.key -b acme-only <records
exits "another organization's badge is unknown" 65
has "as if it did not exist" err "organization other has no badge 'acme-only'"

done_testing
