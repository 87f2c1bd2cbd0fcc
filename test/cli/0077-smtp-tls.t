#!/bin/sh
# A relay login never travels in clear: job-worker with a user name (in
# the URL or in ~/.netrc) requires STARTTLS, and refuses, saying why, a
# relay that does not offer it (the test reads the wire); -S requires it
# without a login.  With a relay whose certificate comes from a test CA it
# delivers with -C and refuses, saying why, without.  -u refuses a URL
# that holds a password.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
HOME=$SCRATCH
export HOME

# A test CA and a certificate for 127.0.0.1 that it signed.
smtp_test_ca "$SCRATCH" || exit 1

# submit N: a job of N new recipients.
n=0
submit() {
	i=0
	echo name,email >r.csv
	while [ $i -lt "$1" ]; do
		n=$((n + 1)); i=$((i + 1))
		echo "Person $n,p$n@example.org" >>r.csv
	done
	csv-validate -q r.csv | recipient-check -q -b timed |
	    bulk-submit -q -b timed >/dev/null
}

# A relay that offers AUTH and no STARTTLS.
submit 2
smtp_start "$SCRATCH/clear" -A u:s3cret || exit 1
CREDPIPE_SMTP_URL="smtp://u:s3cret@127.0.0.1:$SMTP_PORT" run job-worker -r 1
exits "a login and no STARTTLS: the relay cannot be used (69)" 69
has "saying why" err "the relay offers no STARTTLS; refusing to send the password in clear"
if grep -aqi -e 'AUTH' -e 's3cret' -e 'czNjcmV0' "$SCRATCH"/clear/wire/*; then
	not_ok "neither AUTH nor the password went out"
else
	ok "neither AUTH nor the password went out"
fi
is "nothing was delivered" "$(smtp_stat messages)" 0
printf 'machine 127.0.0.1 login u password s3cret\n' >.netrc
chmod 600 .netrc
sleep 1
CREDPIPE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" run job-worker -r 1
exits "a login from ~/.netrc: refused the same way" 69
has "saying why" err "refusing to send the password in clear"
if grep -aqi -e 'AUTH' -e 's3cret' -e 'czNjcmV0' "$SCRATCH"/clear/wire/*; then
	not_ok "no password went out from ~/.netrc either"
else
	ok "no password went out from ~/.netrc either"
fi
rm .netrc
smtp_stop

# Without a login, STARTTLS is used when offered; -S requires it.
smtp_start "$SCRATCH/open" || exit 1
sleep 1
run job-worker -S -r 1 -u "smtp://127.0.0.1:$SMTP_PORT"
exits "-S and a relay without STARTTLS: 69" 69
has "saying why" err "the relay offers no STARTTLS, which TLS required (-S) asks for"
sleep 1
CREDPIPE_SMTP_TLS=require run job-worker -r 1 -u "smtp://127.0.0.1:$SMTP_PORT"
exits "CREDPIPE_SMTP_TLS=require does the same" 69
is "nothing delivered so far" "$(smtp_stat messages)" 0
sleep 1
run job-worker -r 1 -u "smtp://127.0.0.1:$SMTP_PORT"
exits "no login, no -S: delivered in clear, as asked" 0
is "the two are delivered" "$(smtp_stat messages)" 2
smtp_stop

# A relay with STARTTLS and a certificate from the test CA, AUTH only
# under TLS.
submit 1
smtp_start "$SCRATCH/tls" -T "$SCRATCH/srv.pem:$SCRATCH/srv.key" -A u:s3cret || exit 1
sleep 1
CREDPIPE_SMTP_URL="smtp://u:s3cret@127.0.0.1:$SMTP_PORT" run job-worker -r 1
exits "a certificate this machine does not trust: 69" 69
has "saying why" err "SSL certificate problem"
is "nothing delivered" "$(smtp_stat messages)" 0
sleep 1
CREDPIPE_SMTP_URL="smtp://u:wrong@127.0.0.1:$SMTP_PORT" run job-worker -r 1 -C ca.pem
exits "the login refused: 69" 69
has "saying why, with the relay's reply" err "535"
sleep 1
CREDPIPE_SMTP_URL="smtp://u:s3cret@127.0.0.1:$SMTP_PORT" run job-worker -r 1 -C ca.pem
exits "-C ca.pem: delivered over TLS" 0
is "one message" "$(smtp_stat messages)" 1
if grep -aq 'STARTTLS' "$SCRATCH"/tls/wire/*; then
	ok "the client said STARTTLS"
else
	not_ok "the client said STARTTLS"
fi
sleep 1
submit 1
CREDPIPE_SMTP_CA=ca.pem CREDPIPE_SMTP_URL="smtp://u:s3cret@127.0.0.1:$SMTP_PORT" \
    run job-worker -r 1
exits "CREDPIPE_SMTP_CA does as -C" 0
is "two messages" "$(smtp_stat messages)" 2
smtp_stop
run org-admin job list
is "every item is sent" \
    "$rc $(awk -F '\t' '{ n += $5 - $6 } END { print n + 0 }' out)" "0 0"

run job-worker -u "smtp://u:s3cret@127.0.0.1:25"
exits "-u with a password: 64" 64
has "saying where the password goes instead" err "put it in ~/.netrc, or give the URL in CREDPIPE_SMTP_URL"
if grep -q s3cret err; then not_ok "the message does not repeat the password"; else ok "the message does not repeat the password"; fi

done_testing
