#!/bin/sh
# The test server as a slow, load-shedding and flaky relay: -E delays the
# reply to a message's data and no other, -F sheds transactions with a 421
# to MAIL FROM and -G connections with a 421 greeting, at random from the
# seed -S, and -d '*' drops every message after its data, keeping it in
# dropped/.  What the driver gets, what the server keeps and counts.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

# send_each: the driver once for each record of ./in, one after the other,
# their lines in ./out: after a 421 to the greeting the transport tries
# none of a run's other messages, and here each is to reach the server.
send_each() {
	while IFS= read -r rec; do
		printf '%s\n' "$rec" | "$SMTP_SEND" -t 5000 -u "$SMTP_URL"
	done <in >out 2>err
}

# chat COMMAND...: talk to the server on a connection of our own; prints
# each reply, and EOF if the server closes the connection after the last.
chat() {
	/usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
f = s.makefile("rb")
def reply():
    while True:
        try:
            line = f.readline()
        except OSError as e:
            sys.exit("no EOF: %s" % e)
        if not line:
            print("EOF")
            sys.exit(0)
        print(line.decode().rstrip("\r\n"))
        if line[3:4] != b"-":
            return
reply()
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b"\r\n")
    reply()
reply()
' "$SMTP_PORT" "$@"
}

# mails N: N transactions, MAIL FROM then RSET, on a connection of our
# own and a new one after each 421; prints the reply code to each MAIL.
mails() {
	/usr/bin/python3 -c '
import smtplib, sys
s = None
for i in range(int(sys.argv[2])):
    if s is None:
        s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=5)
        s.ehlo()
    code = s.mail("a@example.org")[0]
    print(code)
    if code == 421:
        s.close()
        s = None
    else:
        s.rset()
' "$SMTP_PORT" "$1"
}

# atleast DESC GOT MIN: pass when the number GOT is MIN or more.
atleast() {
	if [ "$2" -ge "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '# got: %s, want %s or more\n' "$2" "$3"
	fi
}

awk 'BEGIN { for (i = 2; i < 102; i++)
	printf "%d\tvalid\tperson.%d@example.org\tPerson %d\t\n", i, i, i }' \
    >hundred
head -n 3 hundred >three
head -n 1 hundred >one
att=$TOP/test/cli/transport/credential.json

# -E: the end of the data waits, and nothing else does.
smtp_start slow -E 300 || exit 1
printf 'sessions 0\nmax_concurrent 0\nmessages 0\nshed 0\nrefused 0\n'\
'dropped 0\n' >want
same "stats: every figure, 0 before anything happens" slow/stats want
t0=$(date +%s%N)
run "$SMTP_SEND" -t 10000 -u "$SMTP_URL" <one
t1=$(date +%s%N)
exits "-E 300: sent" 0
atleast "-E 300: the message took 0.3 s at least" \
    $(((t1 - t0) / 1000000)) 300
is "-E 300: stored" "$(smtp_stat messages)" 1
smtp_stop

# Were MAIL FROM and RCPT TO slowed down as much, a 550 to RCPT would not
# come back within the driver's time limit.
smtp_start slower -E 5000 -r 'nobody@example.org=550 5.1.1 no such user' \
    || exit 1
printf '2\tvalid\tnobody@example.org\tNobody\t\n' >in
run "$SMTP_SEND" -t 2000 -u "$SMTP_URL" <in
is "-E 5000: MAIL FROM and RCPT TO answered at once" "$(cut -f 3- out)" \
    "550	550 5.1.1 no such user"
smtp_stop

# -F 100: every transaction shed, and the connection closed.
smtp_start shed -F 100 || exit 1
cp three in
send_each
is "-F 100: the driver gets the 421 for each" \
    "$(grep -c '	421	421 4.3.2 shedding load, try again later$' out)" 3
is "-F 100: stats count every MAIL FROM" "$(smtp_stat shed)" \
    "$(cat shed/wire/* | grep -ac '^MAIL FROM:')"
atleast "-F 100: one at least for each message" "$(smtp_stat shed)" 3
is "-F 100: nothing stored" "$(smtp_stat messages) $(ls shed/mail)" "0 "
for w in shed/wire/*; do tail -n 1 "$w"; done | grep -avc '^MAIL FROM:' >got
is "-F 100: nothing read after MAIL FROM" "$(cat got)" 0
chat "EHLO test" "MAIL FROM:<a@example.org>" | tail -n 2 >got
printf '421 4.3.2 shedding load, try again later\nEOF\n' >want
same "-F 100: the 421, then the server closes" got want
smtp_stop

# -F 30: some shed, not all, each transaction either shed or stored.
smtp_start f30 -F 30 -S 7 || exit 1
run "$SMTP_SEND" -c 8 -t 5000 -u "$SMTP_URL" <hundred
shed=$(smtp_stat shed)
stored=$(smtp_stat messages)
if [ "$shed" -gt 0 ] && [ "$stored" -gt 0 ]; then
	ok "-F 30: some shed, not all ($shed shed, $stored stored)"
else
	not_ok "-F 30: some shed, not all ($shed shed, $stored stored)"
fi
is "-F 30: every MAIL FROM shed or stored" $((shed + stored)) \
    "$(cat f30/wire/* | grep -ac '^MAIL FROM:')"
is "-F 30: the driver sent what was stored" "$(grep -c '	sent	' out)" \
    "$stored"
smtp_stop

# -S: the same seed makes the same choices, another seed others.  Our own
# client makes them in order, and its choices do not hang on what they
# were: a transaction after another, a new connection after a 421.
for r in 1.7 2.7 3.8; do
	seed=${r#*.}
	smtp_start "seed$r" -F 30 -S "$seed" || exit 1
	mails 100 >"codes$r"
	is "-S $seed: stats count the 421s" "$(smtp_stat shed)" \
	    "$(grep -c '^421$' "codes$r")"
	smtp_stop
done
is "-S 7: some 421, not all" "$(sort -u codes1.7 | tr '\n' ' ')" "250 421 "
same "-S 7 twice: the same transactions shed" codes2.7 codes1.7
if cmp -s codes1.7 codes3.8; then
	not_ok "-S 8: other transactions shed"
else
	ok "-S 8: other transactions shed"
fi

# -G 100: every connection refused at the greeting.
smtp_start busy -G 100 || exit 1
cp three in
send_each
is "-G 100: the driver gets the 421 for each" \
    "$(grep -c '	421	421 4.3.2 too busy, try again later$' out)" 3
is "-G 100: every connection refused" \
    "$(smtp_stat refused) $(smtp_stat messages)" "$(smtp_stat sessions) 0"
atleast "-G 100: one at least for each message" "$(smtp_stat refused)" 3
is "-G 100: no EHLO read" "$(cat busy/wire/* | wc -c)" 0
chat >got
printf '421 4.3.2 too busy, try again later\nEOF\n' >want
same "-G 100: the 421, then the server closes" got want
smtp_stop

# -d '*': every message dropped after its data, kept in dropped/.
smtp_start drop -d '*' || exit 1
run "$SMTP_SEND" -c 1 -t 5000 -a "$att" -u "$SMTP_URL" <three
is "-d '*': no reply for any" "$(cut -f 1,3 out | sort | tr '\t\n' ' ')" \
    "2 0 3 0 4 0 "
is "-d '*': stats" \
    "$(smtp_stat messages) $(smtp_stat dropped) $(ls drop/mail)" "0 3 "
smtp_expect three "$att" >want
smtp_parse drop/dropped/1 drop/dropped/2 drop/dropped/3 2>perr | sort >got
same "-d '*': dropped/N is the message" got want
diag perr
cut -f 3 three | sort >want
sed -n 's/^to //p' drop/dropped/*.env | sort >got
same "-d '*': dropped/N.env its envelope" got want
smtp_stop

# -d ADDR: the one message dropped, kept apart from the others.
smtp_start dropone -d person.3@example.org || exit 1
run "$SMTP_SEND" -c 1 -t 5000 -u "$SMTP_URL" <three
is "-d ADDR: stats" "$(smtp_stat messages) $(smtp_stat dropped)" "2 1"
is "-d ADDR: dropped/1.env" "$(grep '^to ' dropone/dropped/1.env)" \
    "to person.3@example.org"
has "-d ADDR: dropped/1 is its message" dropone/dropped/1 \
    "To: Person 3 <person.3@example.org>"
smtp_stop

# -N keeps no dropped/ files, but counts them.
smtp_start null -N -d '*' || exit 1
run "$SMTP_SEND" -c 1 -t 5000 -u "$SMTP_URL" <three
smtp_stop
is "-d '*' -N: counted" "$(smtp_stat dropped)" 3
is "-d '*' -N: no files" "$(ls null)" "log
port
stats"

done_testing
