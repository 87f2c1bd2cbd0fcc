#!/bin/sh
# org-admin job: the operator lists the jobs of every organization or of
# one, shows one with its counts and why it waits, and refuses what is
# not a job.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
setup_org beta enterprise || exit 1
submit() {
	printf 'name,email\nAda,ada@example.org\nBob,bob@example.org\n' |
	    csv-validate -q - | recipient-check -q -k "$1.key" -b "$2" |
	    bulk-submit -q -k "$1.key" -b "$2"
}
a1=$(submit acme timed)
b1=$(submit beta forever)
a2=$(submit acme forever)

run org-admin job list
exits "job list" 0
is "every organization's jobs, newest first: id, org, badge, status, counts" \
    "$(cut -f 1-10 out | tr '\t\n' ' |')" \
    "$a2 acme forever pending 2 0 0 0 0 2|$b1 beta forever pending 2 0 0 0 0 2|$a1 acme timed pending 2 0 0 0 0 2|"
is "each line ends with the time it was created" \
    "$(cut -f 11 out | grep -c '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T..:..:..Z$')" 3
run org-admin job list beta
is "job list ORG: that organization's only" "$(cut -f 1,2 out | tr '\t\n' ' |')" "$b1 beta|"
run org-admin job list nobody
exits "job list of an unknown organization: 65" 65
has "naming it" err "no organization 'nobody'"

org-admin org approve -u beta
run org-admin job show "$b1"
exits "job show" 0
is "field<TAB>value lines" "$(grep -E '^(id|org|badge|status|total|pending)	' out | tr '\t\n' ' |')" \
    "id $b1|org beta|badge forever|status pending|total 2|pending 2|"
has "a job of an organization that may not issue says why it waits" out \
    "waiting	organization beta is not approved yet"
run org-admin job show "$a1"
if grep -q '^waiting' out; then not_ok "a job that may go says no waiting"; else ok "a job that may go says no waiting"; fi

run org-admin job show 999
exits "an unknown job: 65" 65
has "saying so" err "no job 999"
run org-admin job show x1
exits "a job id that is not one: 65" 65
run org-admin job cancel
exits "cancel without a job: 64" 64
run org-admin job frob 1
exits "an unknown verb: 64" 64

done_testing
