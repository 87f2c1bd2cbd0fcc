#!/bin/sh
# The record stream's limits: recipient-check and bulk-submit look at the
# key before they read a byte, hold no more than one bounded line, and
# refuse a stream over 32 MiB, with the limit and what to do.
. "$(dirname "$0")/lib.sh"

setup_org acme professional || exit 1
printf 'name,email\nAda,ada@example.org\n' | csv-validate -q >stream.tsv
cp acme.key key

# A stranger's command reads nothing: what it leaves of a shared standard
# input is all of it.
for cmd in recipient-check bulk-submit; do
	{ env CREDPIPE_API_KEY= $cmd -b timed 2>err; echo "rc $?"; cat; } \
	    <stream.tsv >out
	is "$cmd without a key: exit 77" "$(head -n 1 out)" "rc 77"
	tail -n +2 out >left
	same "$cmd without a key: read not a byte" left stream.tsv
	has "$cmd without a key: says so" err "no API key"
	{ $cmd -k /dev/null -b timed 2>err; echo "rc $?"; cat; } \
	    <stream.tsv >out
	is "$cmd with an empty key file: exit 77" "$(head -n 1 out)" "rc 77"
	tail -n +2 out >left
	same "$cmd with an empty key file: read not a byte" left stream.tsv
	{ env CREDPIPE_API_KEY=cpk_000000000000_$(printf '%064d' 0) \
	    $cmd -b timed 2>err; echo "rc $?"; cat; } <stream.tsv >out
	is "$cmd with a wrong key: exit 77" "$(head -n 1 out)" "rc 77"
	tail -n +2 out >left
	same "$cmd with a wrong key: read not a byte" left stream.tsv
done

# One line of 80 MB: refused at its 65,537th byte, in little memory.
head -c 80000000 /dev/zero | tr '\0' x >line
for cmd in recipient-check bulk-submit; do
	/usr/bin/time -f %M -o rss $cmd -k key -b timed <line >out 2>err
	rc=$?
	exits "$cmd: an 80 MB line: exit 65" 65
	has "$cmd: an 80 MB line: says so" err \
	    "stdin:1: not a credpipe record (a line longer than 65536 bytes)"
	rss=$(tail -n 1 rss)
	if [ "$rss" -lt 65536 ]; then
		ok "$cmd: an 80 MB line: $rss KiB resident"
	else
		not_ok "$cmd: an 80 MB line: $rss KiB resident, 64 MiB or more"
	fi
	is "$cmd: an 80 MB line: nothing on stdout" "$(wc -c <out)" 0
done

# A stream of 32 MiB and one byte, all well formed: refused, and no job.
awk 'BEGIN { for (i = 1; i <= 1100000; i++)
	printf "%d\tinvalid\t\t\tmissing name; missing email\n", i + 1 }' \
    >stream32
size=$(wc -c <stream32)
run bulk-submit -k key -b timed <stream32
exits "bulk-submit: $size bytes: exit 65" 65
has "bulk-submit: says the limit and what to do" err \
    "bulk-submit: stdin: more than 33554432 bytes of records; split the roster and submit its parts one after the other"
is "bulk-submit: no job" "$(org-admin job list 2>&1 | wc -l)" 0
run recipient-check -k key -b timed <stream32
exits "recipient-check: $size bytes: exit 65" 65
has "recipient-check: says the limit" err "more than 33554432 bytes"
is "recipient-check: nothing on stdout" "$(wc -c <out)" 0

# Just under the limit, the same records are read to the end.
cut_at=$(head -c 33554432 stream32 | wc -l)
head -n "$cut_at" stream32 >under
run recipient-check -q -k key -b timed <under
exits "recipient-check: $(wc -c <under) bytes: read" 0
is "recipient-check: every row back" "$(wc -l <out)" "$cut_at"

done_testing
