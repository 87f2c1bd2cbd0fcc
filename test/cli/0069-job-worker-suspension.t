#!/bin/sh
# An organization that may not issue (its approval withdrawn, or on the
# Free plan) has its items left in the queue: a worker run sends nothing
# for it while it sends the other organizations' jobs, job-status and
# org-admin job show say why the job waits, and once the organization may
# issue again the next run sends them all.  Suspended while a worker
# delivers its job, it gets back what is not on the wire, untouched, and
# each recipient receives the credential exactly once in the end.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
setup_org beta professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org sender beta badges@beta.example "Beta"

jobfield() {
	job-status -p "$1" | sed -n "s/^$2	//p"
}
# submit ORG PREFIX N: a job of ORG for N recipients PREFIX1..PREFIXN.
submit() {
	awk -v p="$2" -v n="$3" 'BEGIN { print "name,email"
		for (i = 1; i <= n; i++) printf "%s %d,%s%d@example.org\n", p, i, p, i
	}' | csv-validate -q -s 10000000 - |
	    CREDPIPE_API_KEY=$(cat "$1.key") recipient-check -q -b timed |
	    CREDPIPE_API_KEY=$(cat "$1.key") bulk-submit -q -b timed
}
# mailed DIR SENDER: the recipients of the messages DIR/mail holds from
# SENDER, sorted, on one line.
mailed() {
	for f in "$1"/mail/*.env; do
		[ -e "$f" ] || continue
		grep -qx "from $2" "$f" && sed -n 's/^to //p' "$f"
	done | sort | tr '\n' ' '
}

# reason: why a job of a suspended organization waits.
check_waiting() {
	run job-status -p "$1"
	is "$3: job-status -p says the job waits, and why" \
	    "$(sed -n 's/^waiting	//p' out)" "$2"
	run job-status "$1"
	has "$3: job-status too" out "waiting   $2"
	run org-admin job show "$1"
	is "$3: org-admin job show too" "$(sed -n 's/^waiting	//p' out)" "$2"
}

for how in approval plan; do
	ajob=$(submit acme "a$how" 3)
	bjob=$(submit beta "b$how" 2)
	if [ $how = approval ]; then
		org-admin org approve -u acme
		why="organization acme is not approved yet; the operator approves it with org-admin org approve"
	else
		org-admin org plan acme free
		why="bulk issuance needs the Professional or Enterprise plan; acme is on the Free plan"
	fi
	smtp_start "$SCRATCH/$how-1" || exit 1
	run job-worker -u "$SMTP_URL"
	exits "$how: a run while acme is suspended" 0
	smtp_stop
	is "$how: it sends nothing for acme" "$(mailed "$SCRATCH/$how-1" badges@acme.example)" ""
	is "$how: and beta's job in the same run" \
	    "$(mailed "$SCRATCH/$how-1" badges@beta.example)" "b${how}1@example.org b${how}2@example.org "
	is "$how: two messages in all" "$(smtp_stat messages)" 2
	is "$how: beta's job is completed" \
	    "$(CREDPIPE_API_KEY=$(cat beta.key) job-status -p "$bjob" | sed -n 's/^status	//p')" completed
	is "$how: acme's job is pending, all three items" \
	    "$(jobfield "$ajob" status) $(jobfield "$ajob" pending)" "pending 3"
	is "$how: its items untouched: pending, no credential, no attempt" \
	    "$(job-status -i "$ajob" | cut -f 3-5 | sort -u)" "pending	-	0"
	check_waiting "$ajob" "$why" "$how"

	if [ $how = approval ]; then
		org-admin org approve acme
	else
		org-admin org plan acme professional
	fi
	run job-status -p "$ajob"
	is "$how: once acme may issue again, no waiting line" "$(grep -c '^waiting' out)" 0
	smtp_start "$SCRATCH/$how-2" || exit 1
	run job-worker -u "$SMTP_URL"
	exits "$how: the next run" 0
	smtp_stop
	is "$how: sends acme's three" "$(mailed "$SCRATCH/$how-2" badges@acme.example)" \
	    "a${how}1@example.org a${how}2@example.org a${how}3@example.org "
	is "$how: and nothing else" "$(smtp_stat messages)" 3
	is "$how: acme's job is completed, three sent" \
	    "$(jobfield "$ajob" status) $(jobfield "$ajob" sent)" "completed 3"
done

# Suspended while a worker delivers the job, slowly, over two connections.
job=$(submit acme p 200)
smtp_start "$SCRATCH/slow" -E 200 || exit 1
job-worker -c 2 -u "$SMTP_URL" >w.out 2>w.err &
wpid=$!
i=0
while [ "$(smtp_stat messages)" -lt 6 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
run org-admin org approve -u acme
at_suspend=$(smtp_stat messages)
exits "acme's approval withdrawn after a few were sent ($at_suspend)" 0
i=0
while kill -0 $wpid 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $wpid 2>/dev/null; then
	not_ok "the worker exits within 5 s of the suspension"
else
	ok "the worker exits within 5 s of the suspension"
fi
i=0
while kill -0 $wpid 2>/dev/null && [ $i -lt 400 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $wpid 2>/dev/null
wait $wpid
rc=$?
cp w.err err
exits "with 0" 0
smtp_stop
after=$(smtp_stat messages)
if [ $((after - at_suspend)) -le 2 ]; then
	ok "no more than the two on the wire delivered after the suspension ($at_suspend, then $after)"
else
	not_ok "no more than the two on the wire delivered after the suspension ($at_suspend, then $after)"
fi
sent=$(jobfield "$job" sent)
is "the job's sent items are the relay's messages" "$sent" "$after"
job-status -i "$job" | awk -F '\t' '$3 != "sent"' >rest.items
is "the rest wait, pending or deferred: none claimed, failed or cancelled" \
    "$(cut -f 3 rest.items | sort -u | grep -v -x -e pending -e deferred)" ""
is "all 200 accounted for" "$(($(wc -l <rest.items) + sent))" 200
is "job-status: the job waits, acme not approved" "$(jobfield "$job" waiting)" \
    "organization acme is not approved yet; the operator approves it with org-admin org approve"
org-admin credential list acme timed >list.out
is "no credential of acme's is revoked" "$(awk -F '\t' '$7 != "active"' list.out)" ""
is "those the waiting items hold are all in the list, active" \
    "$(awk -F '\t' 'NR == FNR { if ($4 != "-") c[$4] = 1; next } ($1 in c) { n++ } END { print n + 0 }' rest.items list.out)" \
    "$(awk -F '\t' '$4 != "-"' rest.items | wc -l)"

org-admin org approve acme
smtp_start "$SCRATCH/rest" || exit 1
run job-worker -u "$SMTP_URL"
exits "approved again, a run" 0
smtp_stop
is "delivers the rest" "$(smtp_stat messages)" "$(wc -l <rest.items)"
is "the job is completed, 200 sent" "$(jobfield "$job" status) $(jobfield "$job" sent)" "completed 200"
is "each waiting item kept the credential it held" \
    "$(job-status -i "$job" | awk -F '\t' 'NR == FNR { if ($4 != "-") c[$2] = $4; next } ($2 in c) && c[$2] != $4' rest.items -)" ""
cat "$SCRATCH"/slow/mail/* "$SCRATCH"/rest/mail/* 2>/dev/null |
    sed -n 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/p' | sort >ids
is "no Message-ID twice across both relays" "$(uniq -d ids)" ""
job-status -i "$job" | cut -f 4 | sort >cred.ids
same "each recipient's credential delivered exactly once" ids cred.ids
is "to 200 recipients" \
    "$(cat "$SCRATCH"/slow/mail/*.env "$SCRATCH"/rest/mail/*.env | sed -n 's/^to //p' | sort -u | wc -l)" 200

done_testing
