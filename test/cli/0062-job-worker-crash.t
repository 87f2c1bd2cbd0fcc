#!/bin/sh
# job-worker killed with SIGKILL at random moments, twenty times, during a
# 2,000-item job: afterwards every item is sent or failed, no item has two
# credentials, a message went out twice at most once per kill (with the
# same Message-ID), and the database is intact.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org quota acme 5000
awk 'BEGIN { print "name,email"
	for (i = 1; i <= 2000; i++) printf "Person %d,p%d@example.org\n", i, i
}' >roster.csv
csv-validate -q -s 10000000 roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)
q() { sqlite3 credpipe.db "$1"; }

smtp_start "$SCRATCH/srv" || exit 1
kills=0
tries=0
while [ $kills -lt 20 ] && [ $tries -lt 200 ]; do
	tries=$((tries + 1))
	job-worker -l 1 -u "$SMTP_URL" >/dev/null 2>>worker.err &
	pid=$!
	# Somewhere between 10 and 150 ms into the run.
	sleep "$(awk -v s="$tries" 'BEGIN { srand(s); printf "%.3f", 0.01 + rand() * 0.14 }')"
	if kill -9 $pid 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait $pid 2>/dev/null
	[ "$(q "SELECT status FROM job WHERE id = $job")" = completed ] && break
done
is "twenty kills landed while the job ran" "$kills" 20

# Let the last leases run out, and finish.
rounds=0
while [ "$(q "SELECT status FROM job WHERE id = $job")" != completed ] &&
    [ $rounds -lt 30 ]; do
	sleep 1
	job-worker -l 1 -u "$SMTP_URL" >/dev/null 2>>worker.err
	rounds=$((rounds + 1))
done
smtp_stop
is "the job completes" "$(q "SELECT status FROM job WHERE id = $job")" completed
is "every item is sent" "$(q "SELECT state || ' ' || count(*) FROM job_item WHERE job_id = $job GROUP BY state")" "sent 2000"
is "no item has two credentials" \
    "$(q "SELECT count(*) FROM (SELECT job_item_id FROM credential GROUP BY job_item_id HAVING count(*) > 1)")" 0
is "every item has its credential" \
    "$(q "SELECT count(*) FROM job_item i JOIN credential c ON c.id = i.credential_id WHERE i.job_id = $job AND c.job_item_id = i.id")" 2000
find "$SCRATCH/srv/mail" -type f ! -name '*.env' -exec grep -h '^Message-ID:' {} + |
    sed 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/' | sort >ids
sort -u ids >unique
is "every credential was delivered" "$(wc -l <unique)" 2000
q "SELECT credential_id FROM job_item WHERE job_id = $job" | sort >issued
same "and the messages carry exactly the issued credentials" unique issued
dups=$(($(wc -l <ids) - $(wc -l <unique)))
if [ $dups -le $kills ]; then
	ok "duplicates ($dups) are no more than the kills ($kills)"
else
	not_ok "duplicates ($dups) are no more than the kills ($kills)"
fi
is "the database is intact" "$(q 'PRAGMA integrity_check')" ok
is "the foreign keys hold" "$(q 'PRAGMA foreign_key_check')" ""
if grep -q 'locked' worker.err; then not_ok "no 'database is locked'"; else ok "no 'database is locked'"; fi

done_testing
