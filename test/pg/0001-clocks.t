#!/bin/sh
# Two job-workers whose hosts' clocks disagree by ten minutes share one
# job on PostgreSQL, over TCP as workers on two hosts would: leases are
# measured by the database's clock, so the fast one never takes an item
# the other holds.  Each item is claimed once, sent once, and neither
# worker finds an item taken over.  (On SQLite, one host, one clock, the
# same skew would let the fast worker take every lease over: that is why
# it is the engine for one host.)
. "$(dirname "$0")/../cli/lib.sh"
. "$TOP/test/smtp/lib.sh"

if [ "$engine" != postgresql ]; then
	not_ok "CREDPIPE_TEST_PG names a server (make test-pg runs this)"
	done_testing
fi
case $CREDPIPE_DB in
postgresql://*@127.0.0.1:*) ok "the workers reach the server over TCP" ;;
*) not_ok "the workers reach the server over TCP ($CREDPIPE_DB)" ;;
esac

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme" 2>/dev/null
awk 'BEGIN { print "name,email"
	for (i = 1; i <= 400; i++) printf "Person %d,p%d@example.org\n", i, i
}' >roster.csv
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)

# Slow at the end of DATA: a batch outlives its one-second lease, which
# its worker renews; a worker that read leases by its own clock ten
# minutes ahead would find all of the other's run out.
is "the skewed clock is ten minutes ahead" \
    "$(( $(faketime -f '+10m' date +%s) - $(date +%s) >= 590 ))" 1
smtp_start "$SCRATCH/srv" -E 30 || exit 1
job-worker -v -l 1 -j "$job" -u "$SMTP_URL" >slow.out 2>slow.err &
a=$!
faketime -f '+10m' job-worker -v -l 1 -j "$job" -u "$SMTP_URL" \
    >fast.out 2>fast.err &
b=$!
wait $a; ra=$?
wait $b; rb=$?
smtp_stop
is "both workers succeed" "$ra $rb" "0 0"
find "$SCRATCH/srv/mail" -type f ! -name '*.env' -exec grep -h '^Message-ID:' {} + |
    sort >ids
is "400 messages" "$(smtp_stat messages)" 400
is "no Message-ID twice: no item sent twice" "$(uniq -d ids)" ""
is "every item is sent" "$(item_states "$job")" "sent 400"
is "each item was tried once" \
    "$(job-status -p -i "$job" | awk -F '\t' '{ print $5 }' | sort -u)" 1
if grep -q 'taken over' slow.err fast.err; then
	not_ok "neither worker found an item taken over"
	grep 'taken over' slow.err fast.err | sed 's/^/# /'
else
	ok "neither worker found an item taken over"
fi
sa=$(sed -n 's/^job-worker: done: [0-9]* items*: \([0-9]*\) sent,.*/\1/p' slow.err)
sb=$(sed -n 's/^job-worker: done: [0-9]* items*: \([0-9]*\) sent,.*/\1/p' fast.err)
is "their counts add up to the job" "$((${sa:-0} + ${sb:-0}))" 400
echo "# the worker on time sent ${sa:-0}, the one ten minutes ahead ${sb:-0}"

done_testing
