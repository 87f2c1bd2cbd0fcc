#!/bin/sh
# Everything at once, as production has it: 8 organizations with 2
# badges each, 16 jobs of 150, three workers looping with 2 s leases and
# three connections each, killed with SIGKILL now and then, against a
# relay that sheds 10% of its transactions with 421, answers the end of
# DATA late, drops the connection after the data of two recipients,
# defers one and refuses one; a job cancelled and an organization
# suspended while they work, then restored.  In the end every job has
# ended and accounts for every item; every mail carries its own
# organization's sender; duplicates stay within the mails on the wire at
# the kills; nobody holds two active credentials of a badge; and what the
# relay got but did not accept is revoked, not deleted.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

orgs="1 2 3 4 5 6 7 8"
for o in $orgs; do
	setup_org org$o enterprise || exit 1
	org-admin org sender org$o badges@org$o.example "Org $o" 2>/dev/null
done
smtp_start "$SCRATCH/srv" -F 10 -E 5 -S 7 -d r7@example.org -d r77@example.org \
    -r 'r13@example.org=450 4.2.1 busy' -r 'r14@example.org=550 5.1.1 unknown' || exit 1
awk 'BEGIN { print "name,email"
	for (i = 1; i <= 150; i++) printf "Recipient %d,r%d@example.org\n", i, i }' >r.csv
for o in $orgs; do
	for b in timed forever; do
		csv-validate -q r.csv | recipient-check -q -k org$o.key -b $b |
		    bulk-submit -q -k org$o.key -b $b >>jobs || exit 1
	done
done
is "16 jobs of 150" "$(wc -l <jobs)" 16
cancelled=$(sed -n 5p jobs)		# org3's timed

worker() {
	while [ ! -e stop ]; do
		job-worker -l 2 -c 3 -u "$SMTP_URL" >/dev/null 2>>workers.err
		sleep 0.2
	done
}
worker & w1=$!
worker & w2=$!
worker & w3=$!
sleep 1
job-status -k org3.key -c "$cancelled" >/dev/null 2>cancel.err
is "a job cancelled while they work" "$?" 0
org-admin org approve -u org4 2>/dev/null
kills=0
for k in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.3
	# The newest of this test's workers, not another test's.
	if p=$(pgrep -n -x -P "$w1,$w2,$w3" job-worker) &&
	    kill -KILL "$p" 2>/dev/null; then
		kills=$((kills + 1))
	fi
done
sleep 1
org-admin org approve org4 2>/dev/null
sleep 4
: >stop
wait $w1 $w2 $w3
echo "# $kills workers killed"

# The leases run out; plain runs, retries brought forward, finish it all.
sleep 2
i=0
while org-admin job list | awk -F '\t' '$4 != "completed" && $4 != "cancelled" { x = 1 } END { exit !x }' &&
    [ $i -lt 20 ]; do
	store_test due-now >/dev/null
	job-worker -c 3 -u "$SMTP_URL" >/dev/null 2>>workers.err
	i=$((i + 1))
done
org-admin job list >list
is "every job ended: 15 completed, 1 cancelled" \
    "$(cut -f 4 list | sort | uniq -c | awk '{ printf "%s %s ", $1, $2 }')" "1 cancelled 15 completed "
is "each accounts for its 150: sent, failed, skipped, cancelled" \
    "$(awk -F '\t' '$6 + $7 + $8 + $9 != $5 || $5 != 150' list | wc -l)" 0
is "nothing but the kills on the workers' stderr" \
    "$(grep -cv '^Killed$' workers.err)" 0

# What each finished job did: 146 sent; r7 and r77 given up (the relay
# had their data, so revoked), r13 given up, r14 refused.
is "15 jobs sent 146 each" "$(awk -F '\t' '$4 == "completed" && $6 == 146 && $7 == 4' list | wc -l)" 15
job-status -k org1.key -p "$(sed -n 1p jobs)" >one
has "the two whose data was dropped: given up" one \
    "$(printf 'failure\t2\tgave up after 8 attempts: connection lost after the end of DATA')"
has "the refused one" one "$(printf 'failure\t1\t550 5.1.1 unknown')"

# The relay: every mail from its own organization, duplicates bounded.
sent=$(awk -F '\t' '{ n += $6 } END { print n }' list)
msgs=$(smtp_stat messages)
ids=$(cat "$SCRATCH"/srv/mail/[0-9]* | grep -i '^Message-ID:' | sort -u | wc -l)
is "every sent item's mail reached the relay" "$ids" "$sent"
dups=$((msgs - ids))
echo "# $msgs mails for $sent items sent: $dups duplicates; bound $((kills * 3)) ($kills kills x 3 connections)"
[ "$dups" -le $((kills * 3)) ] && ok "duplicates within the mails on the wire at the kills" ||
    not_ok "duplicates within the mails on the wire at the kills ($dups > $((kills * 3)))"
rows credential id org_id | sed 's/^urn:uuid://' | sort >cred.org
rows org id slug | sort >org.slug
for f in "$SCRATCH"/srv/mail/[0-9]*; do
	case $f in *.env) continue ;; esac
	id=$(grep -i -m 1 '^Message-ID:' "$f" | sed 's/.*<\([^@]*\)@.*/\1/')
	from=$(grep -i -m 1 '^From:' "$f" | sed 's/.*@\(org[0-9]*\)\.example.*/\1/')
	printf '%s\t%s\n' "$id" "$from"
done | sort >mail.from
join -t '	' cred.org mail.from >matched
is "every mail matched to its credential" "$(wc -l <matched)" "$msgs"
awk -F '\t' '{ print $2 "\t" $3 }' matched | sort -u >pairs
join -t '	' -1 1 -2 1 pairs org.slug | awk -F '\t' '$2 != $3' >wrong
is "every mail's sender is its credential's organization" "$(wc -l <wrong)" 0
is "and every mail is a credential's" "$(join -t '	' -v 2 cred.org mail.from | wc -l)" 0

# Credentials: one active a badge and recipient; the dropped, revoked.
for o in $orgs; do
	org-admin credential list org$o | sed "s/^/org$o	/"
done | awk -F '\t' '$8 == "active" { k = $1 " " $3 " " $4; if (n[k]++) print }' >twice
is "nobody holds two active credentials of a badge" "$(wc -l <twice)" 0
is "one active credential for each item sent" \
    "$(for o in $orgs; do org-admin credential list org$o; done | awk -F '\t' '$7 == "active"' | wc -l)" "$sent"
org-admin credential list org1 timed | awk -F '\t' '$3 == "r7@example.org" || $3 == "r77@example.org" { print $7 }' >dropped.state
is "what the relay got and did not accept is revoked, not deleted" "$(sort -u dropped.state)" revoked
is "and the cancelled job left no credential active" \
    "$(org-admin credential list org3 timed | awk -F '\t' '$7 == "active"' | wc -l)" \
    "$(awk -F '\t' -v j="$cancelled" '$1 == j { print $6 }' list)"

done_testing
