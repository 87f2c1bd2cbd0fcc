#!/bin/sh
# store-test, the other tests' way into the database (test/store): the
# dump is the same bytes for the same rows, in the order and the form
# store.h gives it; the copy dumps as its original does; the edits are
# made as they are given.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
tab=$(printf '\t')
esc=$(printf '\033')

# Credentials imported out of the order of their ids.
printf 'timed\t%s\t%s\t2026-01-01T00:00:00Z\t%s\t-\t\t%s\n' \
    c@example.org C 2026-06-01T00:00:00Z urn:uuid:00000000-0000-4000-8000-00000000000c \
    a@example.org A - urn:uuid:00000000-0000-4000-8000-00000000000a \
    b@example.org B - urn:uuid:00000000-0000-4000-8000-00000000000b |
    org-admin credential import acme >/dev/null
store_test dump >dump1
store_test dump >dump2
same "the same rows dump the same bytes" dump2 dump1
is "tables in the order of their names" "$(sed -n 's/^#\([^	]*\).*/\1/p' dump1 | tr '\n' ' ')" \
    "$(sed -n 's/^#\([^	]*\).*/\1/p' dump1 | sort | tr '\n' ' ')"
is "each row after its table's heading, named by it" \
    "$(awk -F '\t' '/^#/ { t = substr($1, 2); next } $1 != t' dump1)" ""
is "the key's columns first, in its order, then the others by name" \
    "$(grep '^#job	' dump1)" "#job${tab}id${tab}api_key_id${tab}badge_id${tab}created${tab}finished${tab}org_id${tab}ssh_key_id${tab}started${tab}status"
is "rows in the order of the primary key" "$(rows credential email | tr '\n' ' ')" \
    "a@example.org b@example.org c@example.org "
is "NULL as \\N, an integer in decimal" \
    "$(rows credential email=a@example.org expires issued)" "\\N${tab}1767225600"

# Text escaped, every control character shown.
store_test cred-revoke urn:uuid:00000000-0000-4000-8000-00000000000a "x${tab}y
z${esc}"
is "text escaped as credpipe-records(5) shows it" \
    "$(rows credential email=a@example.org revoke_reason)" 'x\ty\nz\x1b'
run store-test cred-revoke urn:uuid:00000000-0000-4000-8000-00000000000a again
exits "a credential revoked already: 65" 65

# A blob in hexadecimal: the key added is the key dumped.
pk=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
id=$(store_test key-add acme "$pk")
is "a blob in lowercase hexadecimal" "$(rows signing_key id="$id" public_key active)" "$pk${tab}1"
run store-test key-add acme 00112233
exits "a key of fewer than 64 digits: 64" 64

# The copy, and the database's check of itself.
store_test dump >before
run store-test backup copy.db
exits "backup" 0
is "made mode 0600" "$(stat -c %a copy.db)" 600
store-test -d copy.db dump >copy.dump
same "the copy dumps as its original" copy.dump before
run store-test backup copy.db
exits "backup onto a file there already: 73" 73
store-test -d copy.db dump >copy.dump
same "which is left as it was" copy.dump before
is "the check of its storage" "$(store_test check integrity)" ok
is "and of its references" "$(store_test check references)" ok

# Edits of a job's items.
printf 'name,email\nAda,ada@example.org\n' | csv-validate -q - |
    recipient-check -q -k acme.key -b timed >ada.tsv
job=$(bulk-submit -q -k acme.key -b timed <ada.tsv)
store_test item-set "$job" 2 name "Ada${esc}"
store_test item-set "$job" 2 email eve@example.org
is "item-set: the name and the email as given" \
    "$(job-status -k acme.key -p -i "$job" | cut -f 2 | tr '\n' ' ')$(rows job_item job_id="$job" name)" \
    'eve@example.org Ada\x1b'
run store-test item-set "$job" 3 name X
exits "item-set of a row the job has not: 65" 65
is "job-add: a job of the badge, empty and pending" \
    "$(org-admin job show "$(store_test job-add acme timed)" | sed -n 's/^badge	//p; s/^status	//p; s/^total	//p' | tr '\n' ' ')" \
    "timed pending 0 "

done_testing
