#!/bin/sh
# job-worker against a relay that sheds load with 421: at MAIL FROM (-F)
# the transport tries the message again on a new connection, so the run
# exits 0 and delivers everything (or defers, with the 421, what was shed
# three times running); connections refused at the greeting now and then
# (-G 10) do not make a run give up either; a relay that refuses every
# greeting (-G 100) does: exit 69, the items deferred without an attempt.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org quota acme 5000

submit() { # TAG COUNT: a job of COUNT new recipients; prints its id
	awk -v t="$1" -v n="$2" 'BEGIN { print "name,email"
		for (i = 1; i <= n; i++) printf "Person %s %d,%s%d@example.org\n", t, i, t, i
	}' >$1.csv
	csv-validate -q $1.csv | recipient-check -q -b timed | bulk-submit -q -b timed
}
field() { # JOB FIELD
	job-status -p "$1" | sed -n "s/^$2	//p"
}
# states JOB: "state attempts reason" counts of job-status -p -i.
states() {
	job-status -p -i "$1" | awk -F '\t' '{ print $3, $5, $6 }' | sort |
	    uniq -c | awk '{ $1 = $1; print }'
}
# msgids DIR: the Message-IDs of the relay's mail/, sorted, duplicates kept.
msgids() {
	find "$1/mail" -type f ! -name '*.env' | xargs -r grep -h '^Message-ID:' |
	    sed 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/' | sort
}
SHED="421 4.3.2 shedding load, try again later"

# 1. 10% of the transactions shed at MAIL FROM.
job=$(submit a 500)
smtp_start "$SCRATCH/srv1" -F 10 -S 7 || exit 1
run job-worker -c 4 -T 240 -u "$SMTP_URL"
smtp_stop
exits "-F 10: the cron-like run exits 0" 0
shed=$(smtp_stat shed)
echo "# -F 10: $(smtp_stat sessions) sessions, $shed transactions shed"
if [ "$shed" -ge 20 ]; then
	ok "-F 10: the relay shed many transactions ($shed)"
else
	not_ok "-F 10: the relay shed many transactions ($shed, want 20 or more)"
fi
# A message is deferred only when it was shed three times running (about
# one in a thousand): say how many, and that each of those is deferred,
# an attempt counted, with the relay's 421.
job-status -p -i "$job" >items1
sent=$(awk -F '\t' '$3 == "sent"' items1 | wc -l)
deferred=$(awk -F '\t' '$3 == "deferred"' items1 | wc -l)
echo "# -F 10: $sent sent, $deferred deferred"
is "-F 10: every item is sent or deferred" $((sent + deferred)) 500
is "-F 10: the sent ones at their first attempt" \
    "$(awk -F '\t' '$3 == "sent" { print $5 }' items1 | sort -u)" 1
is "-F 10: any deferred one with the 421, one attempt counted" \
    "$(awk -F '\t' -v r="$SHED" '$3 == "deferred" && !($5 == 1 && $6 == r)' items1)" ""
if [ "$deferred" -le 5 ]; then
	ok "-F 10: the shed ones were tried again: at most a few deferred ($deferred)"
else
	not_ok "-F 10: the shed ones were tried again: at most a few deferred ($deferred)"
fi
is "-F 10: job-status counts them so" "$(field "$job" sent) $(field "$job" pending)" \
    "$sent $deferred"
is "-F 10: the relay kept a message for each one sent" "$(smtp_stat messages)" "$sent"
msgids "$SCRATCH/srv1" >ids1
is "-F 10: none twice" "$(uniq -d ids1)" ""
awk -F '\t' '$3 == "sent" { print $4 }' items1 | sort >issued1
same "-F 10: exactly the credentials of the items sent" ids1 issued1
if [ "$deferred" = 0 ]; then want=completed; else want=processing; fi
is "-F 10: the job is $want" "$(field "$job" status)" $want

# 2. 10% of the connections refused at the greeting.  Five runs of 100
# items, each opening its four connections, and trying again past a
# refused greeting; -S 1 refuses the 1st and the 15th of the first 27
# greetings, so that no connection meets three refusals running, the one
# case where a greeting refused is "unavailable" (69).
job=$(submit b 500)
smtp_start "$SCRATCH/srv2" -G 10 -S 1 || exit 1
: >rcs2
i=1
while [ $i -le 5 ]; do
	job-worker -c 4 -T 240 -n 100 -u "$SMTP_URL" 2>>err2
	echo "run $i: exit $?" >>rcs2
	i=$((i + 1))
done
smtp_stop
is "-G 10: no run exits 69, or anything but 0" "$(grep -v 'exit 0$' rcs2)" ""
refused=$(smtp_stat refused)
echo "# -G 10: $(smtp_stat sessions) sessions, $refused refused at the greeting"
if [ "$refused" -ge 1 ]; then
	ok "-G 10: the relay refused greetings ($refused)"
else
	not_ok "-G 10: the relay refused greetings ($refused)"
fi
job-status -p -i "$job" >items2
is "-G 10: every item is delivered or deferred with its reason" \
    "$(awk -F '\t' '!($3 == "sent" || ($3 == "deferred" && $6 ~ /421 4\.3\.2 /))' items2 | head -10)" ""
is "-G 10: every item is sent (no run was unavailable), at its first attempt" \
    "$(awk -F '\t' '{ print $3, $5 }' items2 | sort | uniq -c | awk '{ $1 = $1; print }')" \
    "500 sent 1"
is "-G 10: the relay kept 500 messages" "$(smtp_stat messages)" 500
msgids "$SCRATCH/srv2" >ids2
awk -F '\t' '{ print $4 }' items2 | sort >issued2
same "-G 10: each credential once" ids2 issued2
is "-G 10: the job is completed" "$(field "$job" status)" completed

# 3. Every greeting refused: the relay cannot be used.  The batch in hand
# (100 items) is deferred, no attempt counted, nothing more is claimed.
job=$(submit c 150)
smtp_start "$SCRATCH/srv3" -G 100 || exit 1
run job-worker -c 4 -T 240 -u "$SMTP_URL"
smtp_stop
exits "-G 100: exit 69" 69
has "-G 100: saying the transport is unavailable" err "the transport is unavailable"
is "-G 100: no message reached the relay" "$(smtp_stat messages)" 0
job-status -p -i "$job" >items3
is "-G 100: the batch in hand is deferred, attempts 0; the rest untouched" \
    "$(awk -F '\t' '{ print $3, $5 }' items3 | sort | uniq -c | awk '{ $1 = $1; print }')" \
    "100 deferred 0
50 pending 0"
is "-G 100: each deferred one with the relay's refusal" \
    "$(awk -F '\t' '$3 == "deferred" && $6 !~ /421 4\.3\.2 too busy/' items3)" ""
is "-G 100: each deferred one keeps its credential" \
    "$(awk -F '\t' '$3 == "deferred" && $4 ~ /^urn:uuid:/' items3 | wc -l)" 100
awk -F '\t' '$3 == "deferred" { print $4 }' items3 | sort >deferred3
org-admin credential list acme timed | awk -F '\t' '$7 == "active" { print $1 }' |
    sort | comm -12 - deferred3 >active3
same "-G 100: and those credentials are active" active3 deferred3
is "-G 100: the job is still processing" "$(field "$job" status)" processing

done_testing
