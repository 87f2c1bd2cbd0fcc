#!/bin/sh
# org-admin from nothing to an organization ready to issue, its listings,
# and its refusals: each says why and changes nothing.
. "$(dirname "$0")/lib.sh"

run org-admin init
exits "init" 0
has "init says what it created" err "created the database ${CREDPIPE_DB:-./credpipe.db}"
has "and the master key" err "created the master key ${CREDPIPE_MASTER_KEY:-./credpipe.key}"
# (A database on a server is no file of ours to have a mode.)
if [ "$engine" = sqlite ]; then
	is "the database is mode 0600" "$(stat -c %a credpipe.db)" 600
fi
is "the master key is mode 0600" "$(stat -c %a credpipe.key)" 600
run org-admin init
exits "init again changes nothing and succeeds" 0
is "and says nothing" "$(cat err)" ""

run org-admin org create -p professional acme "Acme Training"
exits "org create" 0
run org-admin org approve acme
exits "org approve" 0
run org-admin org sender acme Badges@Acme.Example "Acme Badges"
exits "org sender" 0
run org-admin key generate acme
exits "key generate" 0
did=$(cat out)
case $did in
did:key:z6Mk*) ok "key generate prints the did:key" ;;
*) not_ok "key generate prints the did:key (got '$did')" ;;
esac
run org-admin badge create -v 365 -D "Writes Python" -c "Passed the exam" \
    acme python-101 "Python 101"
exits "badge create" 0
run org-admin badge create acme forever "Lifetime Member"
exits "badge create without validity" 0
run org-admin member add acme Ada@Example.org issuer
exits "member add" 0
run org-admin member add acme viewer@example.org viewer
exits "member add a viewer" 0
run org-admin apikey create -r 5 acme ada@example.org
exits "apikey create" 0
key=$(cat out)
case $key in
cpk_????????????_*) ok "the key has the documented form" ;;
*) not_ok "the key has the documented form (got '$key')" ;;
esac
is "the key is 81 characters" "${#key}" 81
has "the key is said to be shown once" err "shown this once"
run env CREDPIPE_API_KEY="$key" org-admin apikey check
exits "apikey check with the new key" 0
printf 'acme\tada@example.org\tissuer\n' >want
same "it names the organization, member and role" out want

# Listings: TAB-separated, one object a line.
run org-admin org list
printf 'acme\tAcme Training\tprofessional\tapproved\t1000\tbadges@acme.example\tAcme Badges\n' >want
same "org list" out want
run org-admin org quota acme 25
exits "org quota" 0
run org-admin org show acme
has "org show: the override quota" out "$(printf 'quota\t25 (set for this organization)')"
has "org show: the signing key" out "$(printf 'signing-key\t%s' "$did")"
run org-admin org quota acme default
run org-admin org show acme
has "org quota default restores the plan's" out "$(printf 'quota\t1000 (the plan')"
run org-admin badge list acme
printf 'forever\tLifetime Member\tnone\npython-101\tPython 101\t365\n' >want
same "badge list" out want
run org-admin badge set acme python-101 validity none
exits "badge set validity none" 0
run org-admin badge set acme python-101 description "Two
lines"
run org-admin badge show acme python-101
has "badge show: validity" out "$(printf 'validity\tnone')"
has "badge show: a description with a newline, escaped" out "$(printf 'description\tTwo\\nlines')"
run org-admin member list acme
is "member list" "$(cut -f 1,2 out | tr '\t\n' ': ')" "ada@example.org:issuer viewer@example.org:viewer "
run org-admin apikey list acme
is "apikey list: prefix, member, role" "$(cut -f 1-3 out)" \
    "$(printf '%s\tada@example.org\tissuer' "${key%_*}")"
is "apikey list: active, rate 5" "$(cut -f 6,7 out)" "$(printf 'active\t5')"
run org-admin key generate acme
did2=$(cat out)
run org-admin key list acme
is "key rotation keeps the old key, retired" "$(cut -f 1,3 out | tr '\t\n' ' |')" \
    "$did retired|$did2 active|"

# The secret never reaches the database: its rows, nor on SQLite a byte
# of its files.
secret=${key##*_}
if { store_test dump; [ "$engine" = postgresql ] || cat credpipe.db*; } |
    grep -qa "$secret"; then
	not_ok "the API key's secret is not in the database"
else
	ok "the API key's secret is not in the database"
fi

# The audit log has an entry per change.
is "every change is in the audit log" \
    "$(org-admin log | cut -f 4 | tr '\n' ,)" \
    "org create,org approve,org sender,key generate,badge create,badge create,member add,member add,apikey create,org quota,org quota,badge set,badge set,key generate,"

# Refusals change nothing.
store_test dump >before
refuse() {
	want_rc=$1 want_msg=$2
	shift 2
	run "$@"
	desc=$(printf '%s' "$*" | tr '\r\n' '  ')
	exits "$desc exits $want_rc" "$want_rc"
	has "$desc: says why" err "$want_msg"
}
refuse 65 "no organization 'nope'" org-admin org approve nope
refuse 65 "no organization 'nope'" org-admin badge create nope b "B"
refuse 65 "has no badge 'nope'" org-admin badge show acme nope
refuse 65 "has no badge 'nope'" org-admin badge set acme nope name X
refuse 65 "is not a member of acme" org-admin member remove acme nobody@example.org
refuse 65 "is not a member of acme" org-admin apikey create acme nobody@example.org
refuse 65 "organization 'acme' exists already" org-admin org create acme "Again"
refuse 65 "has a badge 'python-101' already" org-admin badge create acme python-101 "Again"
refuse 65 "is a member of acme already" org-admin member add acme ADA@example.org admin
refuse 65 "'not-an-email': no @ in email" org-admin member add acme not-an-email issuer
refuse 65 "'a@b': email domain needs a dot" org-admin org sender acme a@b
refuse 65 "no role 'boss'" org-admin member add acme bob@example.org boss
refuse 65 "no plan 'gold'" org-admin org plan acme gold
refuse 65 "no plan 'gold'" org-admin org create -p gold other "Other"
refuse 65 "quota '-5' is not a number" org-admin org quota acme -5
refuse 65 "quota 'lots' is not a number" org-admin org quota acme lots
refuse 65 "organization 'Bad Slug'" org-admin org create "Bad Slug" "Bad"
refuse 65 "no badge field 'colour'" org-admin badge set acme python-101 colour red
refuse 65 "validity '0'" org-admin badge set acme python-101 validity 0
refuse 65 "the subject must not hold control characters" \
    org-admin badge set acme python-101 subject "$(printf 'Hi\r\nBcc: x@y.z')"
refuse 65 "the subject: " org-admin badge set acme python-101 subject "Your {{bagde}}"
refuse 65 "the body: " org-admin badge create -b "Hello {{name" acme other "Other"
refuse 65 "no credential 'urn:uuid:nope'" org-admin credential revoke urn:uuid:nope
refuse 77 "no API key cpk_000000000000" org-admin apikey revoke cpk_000000000000
refuse 64 "org frobnicate: no such command; org takes create," org-admin org frobnicate acme
refuse 64 "usage:" org-admin org create onlyslug
refuse 64 "usage:" org-admin
store_test dump >after
same "no refusal changed the database" after before

# An import is all or nothing: a bad line after good ones imports none of
# them, and no id is printed for a credential that does not exist.
t=$(ago 86400)
printf 'python-101\t%s\t%s\t%s\t-\t-\n' one@example.org One "$t" \
    two@example.org Two "$t" three@example.org Three "$t" >good.tsv
{ cat good.tsv; printf 'python-101\tfour@example.org\tFour\tyesterday\t-\t-\n'; } >bad.tsv
run org-admin credential import acme <bad.tsv
exits "an import with a bad fourth line is refused" 65
has "naming the line" err "stdin:4:"
is "and prints no id" "$(cat out)" ""
run org-admin credential list acme
is "none of its credentials exists" \
    "$(grep -c -e one@ -e two@ -e three@ -e four@ out)" 0
run org-admin credential import acme <good.tsv
exits "its three good lines alone import" 0
is "printing three ids" "$(grep -c '^urn:uuid:' out)" 3
cp out ids
run org-admin credential list acme
is "which are the credentials listed" "$(cut -f 1 out | sort)" "$(sort ids)"

# A revoked or unknown API key.
run org-admin apikey revoke "$key"
exits "apikey revoke takes the whole key" 0
run org-admin apikey revoke "${key%_*}"
exits "revoking it twice is refused" 77
has "saying so" err "is revoked already"
run env CREDPIPE_API_KEY="$key" org-admin apikey check
exits "a revoked key is refused with 77" 77
has "saying it was revoked" err "has been revoked"
run env CREDPIPE_API_KEY="${key%?}0" org-admin apikey check
exits "a wrong secret is refused with 77" 77
run env CREDPIPE_API_KEY=cpk_000000000000_0000000000000000000000000000000000000000000000000000000000000000 org-admin apikey check
exits "an unknown key is refused with 77" 77
has "saying it is not valid" err "is not valid"
run env CREDPIPE_API_KEY= org-admin apikey check
exits "no key at all is refused with 77" 77
has "naming the variable" err "CREDPIPE_API_KEY"
run org-admin member remove acme ada@example.org
exits "member remove" 0
run org-admin member add acme ada@example.org viewer
exits "a removed member can be added again" 0

# The master key must be private.
chmod 640 credpipe.key
run org-admin key generate acme
exits "a group-readable master key is refused with 78" 78
has "saying how to fix it" err "chmod 600 ${CREDPIPE_MASTER_KEY:-./credpipe.key}"
chmod 604 credpipe.key
run org-admin init
exits "init refuses it too" 78
chmod 600 credpipe.key
run org-admin -k elsewhere.key key generate acme
exits "a missing master key exits 66" 66
CREDPIPE_MASTER_KEY=credpipe.key run org-admin -d "$DB" key generate acme
exits "-d and CREDPIPE_MASTER_KEY are honoured" 0

# Three operators at once: all succeed, none sees "database is locked",
# nor a -wal that another removed as it looked.
writer() {
	i=0
	while [ $i -lt 40 ]; do
		org-admin org create "org-$1-$i" "Org $1 $i" || echo "fail $1 $i"
		org-admin member add "org-$1-$i" "m$i@example.org" issuer || echo "fail $1 $i"
		i=$((i + 1))
	done
}
writer a >a.out 2>a.err &
writer b >b.out 2>b.err &
writer c >c.out 2>c.err
wait
is "three concurrent writers: no failures" "$(cat a.out b.out c.out)" ""
is "and no message but what they did" \
    "$(grep -hv -e 'created organization' -e 'is an issuer of' a.err b.err c.err)" ""
is "all wrote all they meant to" "$(org-admin org list | grep -c '^org-')" 120

done_testing
