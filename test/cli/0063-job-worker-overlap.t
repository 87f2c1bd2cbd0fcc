#!/bin/sh
# Four job-workers started together on one job deliver each item exactly
# once, without "database is locked"; and a name or email holding CR or LF,
# put straight into the database, never reaches the wire.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
awk 'BEGIN { print "name,email"
	for (i = 1; i <= 600; i++) printf "Person %d,p%d@example.org\n", i, i
}' >roster.csv
csv-validate -q roster.csv | recipient-check -q -b timed >review.tsv
job=$(bulk-submit -q -b timed <review.tsv)

smtp_start "$SCRATCH/srv" || exit 1
pids=
for w in 1 2 3 4; do
	job-worker -j "$job" -u "$SMTP_URL" >w$w.out 2>w$w.err &
	pids="$pids $!"
done
fails=0
for pid in $pids; do
	wait "$pid" || fails=$((fails + 1))
done
smtp_stop
is "four workers at once all succeed" "$fails" 0
if grep -q locked w?.err; then not_ok "no 'database is locked'"; cat w?.err | sed 's/^/# /'; else ok "no 'database is locked'"; fi
is "600 messages" "$(smtp_stat messages)" 600
find "$SCRATCH/srv/mail" -type f ! -name '*.env' -exec grep -h '^Message-ID:' {} + | sort >ids
is "each item delivered exactly once: no Message-ID twice" "$(uniq -d ids)" ""
is "every item is sent" "$(item_states "$job")" "sent 600"
is "the server saw several sessions at once" "$(smtp_stat sessions)" 4

# Injection: CR and LF put into the database behind the tools' backs.
printf 'name,email\nEve,eve@example.org\nMallory,mallory@example.org\nTrent,trent@example.org\n' |
    csv-validate -q - | recipient-check -q -b timed >r2.tsv
job2=$(bulk-submit -q -b timed <r2.tsv)
crlf=$(printf '\r\n.')
crlf=${crlf%.}
store_test item-set "$job2" 2 email "eve@example.org${crlf}RCPT TO:<spy@evil.example>"
store_test item-set "$job2" 3 name "Mallory${crlf}Bcc: spy@evil.example"
store_test sender acme badges@acme.example "Acme
X-Evil: spy@evil.example"
smtp_start "$SCRATCH/srv2" || exit 1
run job-worker -j "$job2" -u "$SMTP_URL"
exits "the worker runs" 0
smtp_stop
if grep -rq 'evil' "$SCRATCH/srv2/wire" "$SCRATCH/srv2/mail"; then
	not_ok "nothing of the injected text reaches the wire"
	grep -r 'evil' "$SCRATCH/srv2" | sed 's/^/# /'
else
	ok "nothing of the injected text reaches the wire"
fi
is "no message went out at all: the sender's name is refused too" "$(smtp_stat messages)" 0
is "the three items failed" "$(item_states "$job2")" "failed 3"
has "the address is refused, with why" /dev/stdin <<EOF2
$(job-status -p -i "$job2" | awk -F '\t' '$1 == 2 { print $6 }')
EOF2
run credential-list
is "their credentials are withdrawn" \
    "$rc $(cut -f 3 out | grep -c -e '^eve@' -e '^mallory@' -e '^trent@')" "0 0"

done_testing
