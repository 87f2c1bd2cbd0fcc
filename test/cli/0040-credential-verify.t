#!/bin/sh
# credential-verify against the corpus in test/cli/credential-verify: for
# each case NAME.json and NAME.expect ("exit: N", then "stdout:" and the
# expected lines, then "stderr:" and the expected lines), check the exit
# status, stdout and stderr exactly, reading the file by name and again
# from stdin.  Then what concerns several inputs: order, unreadable files,
# the size limit and the options.
#
# good, forever, expired, future, controls and full were written by
# `build/test/interop/gen -e DIR` (signed with the W3C vc-di-eddsa test
# key); legacy-proof-object is good.json as credpipe wrote it before the
# proof became an array; the other cases are good.json or full.json
# edited as their names say.
. "$(dirname "$0")/lib.sh"
# Offline first: without -d or CREDPIPE_DB no database is read.
unset CREDPIPE_DB

corpus=$TOP/test/cli/credential-verify
ncases=0
: >all.want
for expect in "$corpus"/*.expect; do
	case=$(basename "$expect" .expect)
	ncases=$((ncases + 1))
	awk '
		/^stdout:$/ { part = "want.out"; next }
		/^stderr:$/ { part = "want.err"; next }
		part { print > part; next }
	' "$expect"
	touch want.out want.err
	want=$(sed -n 's/^exit: //p' "$expect")
	cp "$corpus/$case.json" .
	run credential-verify "$case.json"
	exits "$case: exit status" "$want"
	same "$case: stdout" out want.out
	same "$case: stderr" err want.err
	run credential-verify <"$case.json"
	exits "$case on stdin: exit status" "$want"
	same "$case on stdin: stdout" out want.out
	cat want.out >>all.want
	rm -f want.out want.err
done
if [ "$ncases" -ge 35 ]; then
	ok "the corpus has $ncases cases"
else
	not_ok "the corpus has only $ncases cases"
fi

# Every file in one run: one verdict each, in argument order, exit 1.
run credential-verify "$corpus"/*.json
exits "all cases at once: exit 1" 1
same "all cases at once: the verdicts in order" out all.want

run credential-verify "$corpus/good.json" - "$corpus/forever.json" \
    <"$corpus/controls.json"
exits "only good credentials: exit 0" 0
is "only good credentials: three verdicts" "$(grep -c '^OK ' out)" 3
is "- reads stdin among files" "$(sed -n 2p out | cut -c1-48)" \
    "OK urn:uuid:9e1b4c7d-3a6f-4e28-b5d0-7c2a8f1e6b39"

# A file that cannot be opened has no verdict; the others still do.
mkdir adir
run credential-verify "$corpus/good.json" nosuch.json adir \
    "$corpus/expired.json"
exits "unopenable files: exit 66" 66
is "unopenable files: the others are judged" "$(cut -d " " -f1 out | tr "\\n" " ")" \
    "OK FAIL "
has "unopenable files: a missing file is named" err \
    "credential-verify: nosuch.json: No such file or directory"
has "unopenable files: a directory is named" err \
    "credential-verify: adir: is a directory"

# The size limit: 1 MiB, whitespace and all.
awk 'BEGIN { for (i = 0; i < 1048576; i++) printf " " }' >pad
head -c $((1048576 - $(wc -c <"$corpus/good.json"))) pad |
    cat "$corpus/good.json" - >limit.json
cat limit.json pad >over.json
is "the limit file is 1 MiB" "$(wc -c <limit.json)" 1048576
run credential-verify limit.json
exits "a credential of exactly 1 MiB: exit 0" 0
run credential-verify over.json
exits "a file over 1 MiB: exit 1" 1
same "a file over 1 MiB: verdict" out /dev/stdin <<'END'
FAIL - larger than 1048576 bytes
END

run credential-verify </dev/null
exits "empty stdin: exit 1" 1
is "empty stdin: verdict" "$(cat out)" "FAIL - empty input"

# With a database: the issuer's key must be one of its organizations',
# and a credential it knows by id must be that one.  (What it revoked or
# superseded fails too: tests 0042, 0060 and 0067, on credentials the
# worker issued.)
good_id=urn:uuid:3b6e7f0a-8c1d-4e2f-9a3b-5c6d7e8f9a0b
full_id=urn:uuid:5d3c1b2a-7e6f-4a89-b0c1-d2e3f4a5b6c7
w3c=did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2
[ "$engine" = sqlite ] || export CREDPIPE_DB="$DB"
setup_org acme professional || exit 1
run credential-verify -d "$DB" "$corpus/full.json"
exits "-d: signed by a key no organization here has: 1" 1
is "-d: as an unknown issuer key" "$(cat out)" \
    "FAIL $full_id unknown issuer key: no organization of this database signs with it"
# The W3C test key, as a retired key of the organization exu.
setup_org exu professional || exit 1
pk=$(/usr/bin/python3 -c '
import sys
a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n = 0
for ch in sys.argv[1][9:]:
    n = n * 58 + a.index(ch)
print(n.to_bytes(34, "big")[2:].hex())' "$w3c")
# Added as its active key, with a secret nothing unseals, then retired by
# a key of its own.
store_test key-add exu "$pk" >/dev/null
org-admin key generate exu >/dev/null 2>&1
is "the W3C test key is a retired key of exu" \
    "$(org-admin key list exu | awk -F '\t' -v k="$w3c" '$1 == k { print $3 }')" retired
run credential-verify -d "$DB" "$corpus/full.json"
exits "-d: a key of an organization here, an id it does not know: 0" 0
is "-d: the OK line names the organization after the issuer" "$(cat out)" \
    "OK $full_id $w3c exu Ada Lovelace"
printf 'timed\tada@example.org\tAda Lovelace\t%s\t-\t-\t\t%s\n' \
    "$(ago 86400)" "$good_id" | org-admin credential import acme >/dev/null
run credential-verify -d "$DB" "$corpus/good.json"
exits "-d: an id acme issued, signed by exu: 1" 1
is "-d: not that credential" "$(cat out)" \
    "FAIL $good_id not the credential issued under this id"
printf 'timed\teve@example.org\tAda Lovelace\t%s\t-\t-\t\t%s\n' \
    "$(ago 86400)" "$full_id" | org-admin credential import exu >/dev/null
run credential-verify -d "$DB" "$corpus/full.json"
exits "-d: exu's id, exu's key, another recipient: 1" 1
is "-d: not that credential either" "$(cat out)" \
    "FAIL $full_id not the credential issued under this id"
run env CREDPIPE_DB="$DB" credential-verify "$corpus/good.json"
exits "CREDPIPE_DB works as -d" 1
run env -u CREDPIPE_DB credential-verify "$corpus/good.json"
exits "without a database the proof alone decides" 0
run credential-verify -d missing.db "$corpus/good.json"
exits "-d: a missing database exits 66" 66

run credential-verify -h
exits "-h: exit 0" 0
has "-h: usage on stdout" out "usage: credential-verify [-d db] [-s dir] [file ... | -]"
run credential-verify -x
exits "unknown option: exit 64" 64
has "unknown option: usage on stderr" err "usage: credential-verify"

run sh -c 'credential-verify "$1" >/dev/full' sh "$corpus/good.json"
exits "a full disk: exit 74" 74
has "a full disk: says so" err "credential-verify: stdout"

done_testing
