#!/bin/sh
# job-worker killed with SIGKILL at random moments, twenty times, during a
# 2,000-item job of renewals (active time-bound and expired predecessors)
# and new recipients; once at -c 1, once at -c 4, a fresh database each.
# Afterwards every item is sent and has one credential, which the relay
# received; a mail went out twice at most once per kill and connection
# (with the same Message-ID); no recipient holds two active credentials,
# every predecessor is superseded or linked; the database is intact.
# test/stress/kill.sh does the rounds; test/stress/worker-kill (make
# stress) runs them larger.  SEED=N repeats a run's kill delays.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"
. "$TOP/test/stress/kill.sh"

SEED=${SEED:-$(kill_seed)}
echo "# seed $SEED"
kill_round 2000 20 1 "$SEED"
kill_round 2000 20 4 "$((SEED + 1))"

done_testing
