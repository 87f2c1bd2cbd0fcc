#!/bin/sh
# How SMTP failures come back from the transport: 4xx temporary and 5xx
# permanent with the server's text, a connection dropped after DATA or a
# reply that never comes temporary, a server that is down or refuses us
# unavailable (exit 69 in the driver, as in the worker).
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

moved='551-5.1.6 user has moved;\n551 5.1.6 try ada@example.net'
smtp_start srv \
    -r 'busy@example.org=450 4.2.1 mailbox busy, try again later' \
    -r 'full@example.org=452 4.2.2 mailbox full' \
    -r 'nobody@example.org=550 5.1.1 no such user here' \
    -r "moved@example.org=$moved" \
    -r 'relay@example.org=554 5.7.1 relay access denied' \
    -d drop@example.org -H hang@example.org || exit 1

cat >in <<'EOT'
2	valid	ada@example.org	Ada	
3	valid	busy@example.org	Busy	
4	valid	full@example.org	Full	
5	valid	nobody@example.org	Nobody	
6	valid	relay@example.org	Relay	
7	valid	drop@example.org	Drop	
8	valid	hang@example.org	Hang	
9	valid	bob@example.org	Bob	
EOT
cat >want <<'EOT'
2	sent	250	
3	temporary	450	450 4.2.1 mailbox busy, try again later
4	temporary	452	452 4.2.2 mailbox full
5	permanent	550	550 5.1.1 no such user here
6	permanent	554	554 5.7.1 relay access denied
7	temporary	0
8	temporary	0
9	sent	250	
EOT
run "$SMTP_SEND" -c 3 -t 2000 -u "$SMTP_URL" <in
exits "failures: exit 1" 1
sort -n out | awk -F '\t' '$2 == "temporary" && $3 == 0 { NF = 3 } 1' \
    OFS='\t' >got
same "failures: status, code and the server's text" got want
grep '^7	' out >got
has "dropped after DATA: says how far it got" got "connection lost after the end of DATA"
grep '^8	' out >got
has "no reply to DATA: says it waited" got "no reply to the end of DATA within 2 s"
is "no text carries a stale errno" "$(grep -c errno out)" 0
is "failures: only the good ones stored" "$(smtp_stat messages)" 2
grep -ac '^QUIT' srv/wire/* | grep -c ':0$' >got
is "failures: every connection but the dropped one ends in QUIT" \
    "$(cat got)" 1

# After a failure the next message goes on a new connection: libcurl
# would keep the one that timed out, with the server still in DATA.
cat >in <<'EOT'
2	valid	hang@example.org	Hang	
3	valid	ada@example.org	Ada	
4	valid	drop@example.org	Drop	
5	valid	bob@example.org	Bob	
EOT
sessions=$(smtp_stat sessions)
run "$SMTP_SEND" -c 1 -t 1000 -u "$SMTP_URL" <in
is "after a failure: the next message is sent" \
    "$(cut -f 1,2 out | tr '\t\n' ' ')" \
    "2 temporary 3 sent 4 temporary 5 sent "
is "after a failure: a new connection" \
    "$(($(smtp_stat sessions) - sessions))" 3

# A multi-line reply comes back as one line.
printf '2\tvalid\tmoved@example.org\tMoved\t\n' >in
run "$SMTP_SEND" -t 5000 -u "$SMTP_URL" <in
is "multi-line reply: one line of text" "$(cut -f 2- out)" \
    "permanent	551	551 5.1.6 user has moved; 5.1.6 try ada@example.net"

# A server that is not there: unavailable, and the driver exits 69.
cat >in <<'EOT'
2	valid	ada@example.org	Ada	
3	valid	bob@example.org	Bob	
4	valid	cy@example.org	Cy	
EOT
url=$SMTP_URL
smtp_stop
run "$SMTP_SEND" -c 2 -u "$url" <in
exits "server down: exit 69" 69
is "server down: every message unavailable" \
    "$(cut -f 2 out | sort -u)" unavailable
has "server down: libcurl's reason" out "onnect"
# Two connections try two messages at most; the third is not tried.
is "server down: the third message not tried" \
    "$(grep '^4	' out | cut -f 4 | cut -c 1-11)" "not tried: "

# AUTH, under STARTTLS (a login never travels in clear: test 0077):
# credentials from ~/.netrc; without them, or wrong, the server refuses
# the session, which is the transport's failure, not the message's.
mkdir ca
smtp_test_ca ca || exit 1
smtp_start auth -A user:secret -T "$PWD/ca/srv.pem:$PWD/ca/srv.key" || exit 1
mkdir home
printf 'machine 127.0.0.1 login user password secret\n' >home/.netrc
chmod 600 home/.netrc
HOME=$PWD/home run "$SMTP_SEND" -C ca/ca.pem -u "$SMTP_URL" <in
exits "auth from ~/.netrc: sent" 0
is "auth from ~/.netrc: all three" "$(grep -c '	sent	' out)" 3
has "auth from ~/.netrc: STARTTLS first" auth/wire/1 "STARTTLS"
if grep -aq -e AUTH -e secret auth/wire/1; then
	not_ok "auth from ~/.netrc: AUTH only under TLS, nothing of it in clear"
else
	ok "auth from ~/.netrc: AUTH only under TLS, nothing of it in clear"
fi
HOME=$PWD run "$SMTP_SEND" -C ca/ca.pem -u "$SMTP_URL" <in
exits "no credentials: exit 69" 69
is "no credentials: the server's reply" "$(head -n 1 out | cut -f 2-)" \
    "unavailable	530	530 5.7.0 Authentication required"
url=$(echo "$SMTP_URL" | sed 's|//|//user:wrong@|')
HOME=$PWD run "$SMTP_SEND" -C ca/ca.pem -u "$url" <in
exits "wrong password: exit 69" 69
is "wrong password: the server's reply" "$(head -n 1 out | cut -f 2-)" \
    "unavailable	535	535 5.7.8 Authentication credentials invalid"
is "wrong password: the others not tried" "$(sed -n 2p out | cut -f 2-)" \
    "unavailable	535	not tried: 535 5.7.8 Authentication credentials invalid"
is "auth failures: nothing stored" "$(smtp_stat messages)" 3

done_testing
