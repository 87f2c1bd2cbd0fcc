#!/bin/sh
# Connections: one connection carries message after message; -c N opens
# N at once, and the server sees them all open together (its replies are
# slowed down so that they overlap).
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

awk 'BEGIN { for (i = 2; i < 42; i++)
	printf "%d\tvalid\tperson.%d@example.org\tPerson %d\t\n", i, i, i }' >in

smtp_start one || exit 1
run "$SMTP_SEND" -c 1 -u "$SMTP_URL" <in
exits "one connection: all sent" 0
is "one connection: 40 messages" "$(smtp_stat messages)" 40
is "one connection: one session" "$(smtp_stat sessions)" 1
is "one connection: 40 MAIL FROM in it" "$(grep -ac '^MAIL FROM:' one/wire/1)" \
    40
is "one connection: one EHLO" "$(grep -ac '^EHLO ' one/wire/1)" 1
smtp_stop

for n in 4 8; do
	smtp_start "c$n" -D 30 || exit 1
	run "$SMTP_SEND" -c "$n" -u "$SMTP_URL" <in
	exits "-c $n: all sent" 0
	is "-c $n: 40 messages" "$(smtp_stat messages)" 40
	is "-c $n: $n sessions open at once" "$(smtp_stat max_concurrent)" "$n"
	is "-c $n: $n sessions in all, each reused" "$(smtp_stat sessions)" "$n"
	smtp_stop
done

done_testing
