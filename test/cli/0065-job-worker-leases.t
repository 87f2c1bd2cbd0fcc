#!/bin/sh
# job-worker leases of one second against a relay slow to queue: batches,
# and then every single message, outlive the lease, and still no item is
# sent twice, none is lost, and the workers' own counts add up to the
# job.  And -T against a slow relay: the run ends soon after it, the mails
# not on the wire go back to the queue untried, and a later run sends
# them, each once.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org quota acme 5000

# submit TAG COUNT: a job of COUNT new recipients; prints its id.
submit() {
	awk -v t="$1" -v n="$2" 'BEGIN { print "name,email"
		for (i = 1; i <= n; i++) printf "Person %s %d,%s%d@example.org\n", t, i, t, i
	}' >$1.csv
	csv-validate -q $1.csv | recipient-check -q -b timed | bulk-submit -q -b timed
}

# ids DIR...: the credential ids named by the Message-IDs of the relays'
# mail/ files, one a line, sorted, duplicates kept.
ids() {
	for d; do
		find "$d/mail" -type f ! -name '*.env'
	done | xargs -r grep -h '^Message-ID:' |
	    sed 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/' | sort
}

# items JOB: job-status -p -i, as "state attempts" counts.
items() {
	job-status -p -i "$1" | awk -F '\t' '{ print $3, $5 }' | sort | uniq -c |
	    awk '{ $1 = $1; print }'
}

field() { # JOB FIELD
	job-status -p "$1" | sed -n "s/^$2	//p"
}

# sent_sum LOG...: the sum of the "sent" counts of the logs' final -v
# lines; finals LOG...: how many final lines there are.
sent_sum() {
	sed -n 's/^job-worker: done: [0-9]* items*: \([0-9]*\) sent,.*/\1/p' "$@" |
	    awk '{ s += $1 } END { print s + 0 }'
}
finals() {
	cat "$@" | grep -c '^job-worker: done: '
}

# check_round NAME JOB COUNT SRVDIR LOG...: what every round must show.
check_round() {
	cr_name=$1 cr_job=$2 cr_n=$3 cr_srv=$4
	shift 4
	if grep -q 'locked' "$@"; then
		not_ok "$cr_name: no 'database is locked'"
		cat "$@" | grep locked | head -5 | sed 's/^/# /'
	else
		ok "$cr_name: no 'database is locked'"
	fi
	ids "$cr_srv" >ids-$cr_name
	is "$cr_name: no Message-ID twice among the relay's mail" \
	    "$(uniq -d ids-$cr_name | head -20)" ""
	is "$cr_name: the relay kept $cr_n messages" "$(wc -l <ids-$cr_name)" "$cr_n"
	cr_over=$(cat "$@" | grep -c 'another worker took it over')
	# An item taken over from a worker that stalled past its lease may
	# have had an attempt under way; with none taken over, none has.
	if [ "$cr_over" = 0 ]; then
		is "$cr_name: every item is sent, at its first attempt" "$(items $cr_job)" "$cr_n sent 1"
	else
		is "$cr_name: every item is sent" \
		    "$(job-status -p -i $cr_job | cut -f 3 | sort | uniq -c | awk '{ $1 = $1; print }')" "$cr_n sent"
	fi
	is "$cr_name: the job is completed" "$(field $cr_job status)" completed
	job-status -p -i "$cr_job" | cut -f 4 | sort >issued-$cr_name
	sort -u ids-$cr_name >delivered-$cr_name
	same "$cr_name: every credential issued was delivered, and only those" \
	    delivered-$cr_name issued-$cr_name
	is "$cr_name: the workers' final -v lines add up to the items sent" \
	    "$(sent_sum "$@")" "$cr_n"
	cat "$@" | sed -n 's/^job-worker: done: \([0-9]*\) items*: \([0-9]*\) sent, \([0-9]*\) deferred, \([0-9]*\) failed, \([0-9]*\) skipped, \([0-9]*\) cancelled$/\1 \2 \3 \4 \5 \6/p' |
	    awk '$1 != $2 + $3 + $4 + $5 + $6 || $3 + $4 + $5 + $6 != 0' >odd-$cr_name
	is "$cr_name: each final line: all its items sent, nothing else" "$(cat odd-$cr_name)" ""
	echo "# $cr_name: sent by each worker: $(for f; do sent_sum "$f"; done | tr '\n' ' ')"
	[ "$cr_over" = 0 ] ||
		echo "# $cr_name: items taken over from a worker that stalled: $cr_over"
}

# Round 1: four workers at once, -l 1, batches of 100 mails 15 ms each.
job=$(submit a 1000)
smtp_start "$SCRATCH/srv1" -E 15 || exit 1
pids=
for w in 1 2 3 4; do
	job-worker -v -l 1 -c 1 -j "$job" -u "$SMTP_URL" 2>r1-w$w.err &
	pids="$pids $!"
done
fails=0
for pid in $pids; do
	wait "$pid" || fails=$((fails + 1))
done
smtp_stop
is "round 1: the four workers exit 0" "$fails" 0
is "round 1: each wrote its final line" "$(finals r1-w?.err)" 4
check_round r1 "$job" 1000 "$SCRATCH/srv1" r1-w?.err

# Round 2: every mail takes 1.5 s at the end of DATA, longer than the
# lease.  Four lanes start together, each running workers of -n 4 (two
# mails at once, then two more) one after the other until they find
# nothing to do: a fresh worker claims every second or so, and takes any
# item whose lease was let run out.
job=$(submit b 40)
smtp_start "$SCRATCH/srv2" -E 1500 || exit 1
lane() { # N
	ln_i=0
	while [ $ln_i -lt 15 ]; do
		ln_i=$((ln_i + 1))
		job-worker -v -l 1 -c 2 -n 4 -j "$job" -u "$SMTP_URL" \
		    2>r2-l$1-$ln_i.err || echo "lane $1 run $ln_i: exit $?" >>r2.fail
		grep -q '^job-worker: done: 0 items' r2-l$1-$ln_i.err && break
	done
}
: >r2.fail
t0=$(date +%s)
pids=
for l in 1 2 3 4; do
	lane $l &
	pids="$pids $!"
done
for pid in $pids; do
	wait "$pid"
done
t1=$(date +%s)
smtp_stop
is "round 2: every worker exits 0" "$(cat r2.fail)" ""
echo "# round 2: $(ls r2-l*.err | wc -l) worker runs in $((t1 - t0)) s"
check_round r2 "$job" 40 "$SCRATCH/srv2" r2-l*.err

# Round 3: -T 3 with mails of a second each; one worker, a 30-item job.
job=$(submit c 30)
smtp_start "$SCRATCH/srv3" -E 1000 || exit 1
t0=$(date +%s.%N)
run job-worker -v -l 2 -c 1 -T 3 -j "$job" -u "$SMTP_URL"
t1=$(date +%s.%N)
smtp_stop
exits "round 3: the run stopped by -T exits 0" 0
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
if awk -v t="$took" 'BEGIN { exit !(t >= 2 && t < 6.5) }'; then
	ok "round 3: it ends within a few seconds of the -T ($took s)"
else
	not_ok "round 3: it ends within a few seconds of the -T ($took s)"
fi
sent=$(field "$job" sent)
if [ "$sent" -ge 1 ] && [ "$sent" -le 6 ]; then
	ok "round 3: it sent a few ($sent)"
else
	not_ok "round 3: it sent a few ($sent, want 1 to 6)"
fi
is "round 3: its final line counts those" "$(sent_sum err)" "$sent"
is "round 3: the relay has as many" "$(smtp_stat messages)" "$sent"
is "round 3: the others are back in the queue untried: pending, attempts 0" \
    "$(items "$job")" "$((30 - sent)) pending 0
$sent sent 1"
is "round 3: the job is not completed" "$(field "$job" status)" processing
is "round 3: job-status counts them as pending" "$(field "$job" pending)" $((30 - sent))
job-status -p -i "$job" | awk -F '\t' '$3 == "pending" { print $4 }' | sort >given-back
is "round 3: each of them keeps the credential it was issued" \
    "$(grep -c '^urn:uuid:' given-back)" $((30 - sent))
smtp_start "$SCRATCH/srv4" || exit 1
run job-worker -v -l 2 -c 1 -j "$job" -u "$SMTP_URL"
smtp_stop
exits "round 3: a later run" 0
is "round 3: sends the rest" "$(sent_sum err)" $((30 - sent))
is "round 3: every item is sent, each at its first attempt" "$(items "$job")" "30 sent 1"
is "round 3: the job is completed" "$(field "$job" status)" completed
ids "$SCRATCH/srv4" >later
same "round 3: the later run sent exactly the credentials given back" later given-back
ids "$SCRATCH/srv3" "$SCRATCH/srv4" >all3
is "round 3: no Message-ID twice over both runs" "$(uniq -d all3)" ""
job-status -p -i "$job" | cut -f 4 | sort >issued3
same "round 3: every credential arrived, once" all3 issued3

done_testing
