#!/bin/sh
# Text hygiene: every text org-admin stores refuses control characters
# (a mail body may hold line ends), and whatever is printed to a terminal
# shows control characters escaped, whoever put them in the database.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
esc=$(printf '\033')
bel=$(printf '\007')
c1=$(printf '\302\233')	# U+009B, the one-byte CSI

dump() { store_test dump; }
# refused DESC COMMAND...: exit 65, saying control characters, and the
# database as it was.
refused() {
	desc=$1
	shift
	dump >before
	run "$@"
	exits "$desc: refused (65)" 65
	has "$desc: says why" err "control characters"
	dump >after
	same "$desc: nothing changed" after before
}

refused "an organization's name" org-admin org create x "Evil${esc}[2J"
refused "a sender's name" org-admin org sender acme a@acme.example "A${bel}"
refused "an organization's description" org-admin org set acme description "A${esc}]0;x${bel}"
refused "a badge's name" org-admin badge create acme b "B${esc}[31m"
refused "a badge's description" org-admin badge create -D "d${esc}c" acme b B
refused "a badge's criteria" org-admin badge create -c "c${c1}2J" acme b B
refused "a subject" org-admin badge create -s "Hi${esc}" acme b B
refused "a subject with a line end" org-admin badge create -s "Hi
Bcc: x@y.z" acme b B
refused "a body" org-admin badge set acme timed body "Hello {{name}}${esc}[8m"
refused "a body with a TAB" org-admin badge set acme timed body "Hello	{{name}}"
refused "a badge's name, set" org-admin badge set acme timed name "T${c1}"
a=$(printf 'timed\ta@example.org\tA\t2026-01-01T00:00:00Z\t-\t-\n' |
    org-admin credential import acme)
refused "a revocation reason" org-admin credential revoke -r "bad${esc}[5m" "$a"
refused "an imported name" sh -c 'printf "timed\ta@example.org\tA\\033[1m\t2026-01-01T00:00:00Z\t-\t-\n" |
    org-admin credential import acme'
refused "an imported reason" sh -c 'printf "timed\ta@example.org\tA\t2026-01-01T00:00:00Z\t2026-02-01T00:00:00Z\t2026-01-15T00:00:00Z\tgone\\033[2J\n" |
    org-admin credential import acme'

# Line ends are a body's own.
run org-admin badge set acme timed body "Hello {{name}},

{{org}} awarded you {{badge}}."
exits "a body of several lines is taken" 0

# A database edited by hand: the reason holds ESC, BEL and a C1 control,
# revoked with none of org-admin's checks.
id=$(printf 'timed\tada@example.org\tAda\t2026-01-01T00:00:00Z\t2026-02-01T00:00:00Z\t-\n' |
    org-admin credential import acme)
store_test cred-revoke "$id" "x${esc}[2J${bel}${c1}y"

# on_tty COMMAND: run it with standard output on a terminal; its output
# in ./out, without the terminal's CRs.
on_tty() {
	script -qec "$*" /dev/null </dev/null | tr -d '\r' >out
}
on_tty org-admin credential show "$id"
has "credential show on a terminal: the reason escaped" out 'x\x1b[2J\x07\u009by'
if grep -q "$esc" out; then not_ok "no ESC reached the terminal"; else ok "no ESC reached the terminal"; fi
org-admin credential show "$id" >pipe
has "credential show into a pipe: the field as stored" pipe "x${esc}[2J${bel}${c1}y"

printf 'name,email\nAda,ada@example.org\n' | csv-validate -q >ada.tsv
on_tty "recipient-check -q -k acme.key -b timed <ada.tsv"
has "recipient-check on a terminal: the reason escaped" out 'x\x1b[2J\x07\u009by'
if grep -q "$esc" out; then not_ok "recipient-check: no ESC on the terminal"; else ok "recipient-check: no ESC on the terminal"; fi
recipient-check -q -k acme.key -b timed <ada.tsv >pipe
has "recipient-check into a pipe: the stream as it is" pipe "x${esc}[2J${bel}${c1}y"
run recipient-check -q -k acme.key -b timed <pipe
exits "which recipient-check reads again" 0

# A roster's cell, named in an invalid record.
printf 'name,email\n"Eve%s[31m",eve@example.org\n' "$esc" >eve.csv
on_tty "csv-validate -q eve.csv"
has "csv-validate on a terminal: the cell escaped" out 'Eve\x1b[31m'
csv-validate -q eve.csv >pipe
has "csv-validate into a pipe: the cell as it was" pipe "Eve${esc}[31m"

done_testing
