#!/bin/sh
# Maildir delivery (lib/transport.c) of messages built by lib/mime.c,
# through the test driver: files complete in new/ and nothing left in
# tmp/, read back by Python's email package; refusals.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

data=$TOP/test/cli/transport
nnames=$(wc -l <"$data/names.records")

run "$SMTP_SEND" -M md -a "$data/credential.json" <"$data/names.records"
exits "hostile names: all sent" 0
is "hostile names: one result per message" "$(grep -c '	sent	' out)" \
    "$nnames"
is "maildir: one file per message in new/" "$(ls md/new | wc -l)" "$nnames"
is "maildir: tmp/ is empty" "$(ls md/tmp | wc -l)" 0
if [ -d md/cur ]; then
	ok "maildir: cur/ exists"
else
	not_ok "maildir: cur/ exists"
fi
bad=$(ls md/new | grep -cv '^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*\.[^/:]*$')
is "maildir: unique names as maildir(5) has them" "$bad" 0
is "maildir: files are 0600" \
    "$(find md/new -type f ! -perm 600 | wc -l)" 0

smtp_expect "$data/names.records" "$data/credential.json" >want
smtp_parse md/new/* 2>perr | sort >got
same "python: names, subject, attachment, body and line ends" got want
diag perr

first=$(ls md/new | head -n 1)
head -c 34 "md/new/$first" | od -c | sed -n 1,3p >got
printf 'Return-Path: <badges@example.org>\r' | od -c | sed -n 1,3p >want
same "maildir: files start with the envelope sender" got want
is "maildir: Delivered-To is the envelope recipient" \
    "$(grep -l '^Delivered-To: person\.[0-9][0-9]@example\.org.$' md/new/* |
    wc -l)" "$nnames"

# Names and addresses that must never reach a header: refused by
# mime_build, nothing written.
printf '2\tvalid\tada@example.org\tAda\\r\\nBcc: evil@example.org\t\n' >bad
printf '3\tvalid\tbob@example.org\\r\\nRCPT TO:<e@example.org>\tBob\t\n' >>bad
printf '4\tvalid\tcy@exam\\nple.org\tCy\t\n' >>bad
printf '5\tvalid\tdi@example.org\tDi\033[31m\t\n' >>bad
printf '6\tvalid\tdi@example.org\tDi\302\205\t\n' >>bad
cat >want <<'EOT'
2	refused	0	recipient name: control character U+000D
3	refused	0	recipient address: more than one @ in email
4	refused	0	recipient address: invalid character U+000A in email domain
5	refused	0	recipient name: control character U+001B
6	refused	0	recipient name: control character U+0085
EOT
run "$SMTP_SEND" -M refused <bad
exits "control characters: exit 1" 1
same "control characters: refused with the reason" out want
is "control characters: nothing written" "$(ls refused/new | wc -l)" 0

# The same addresses given straight to the transport (-R): the envelope
# check refuses them.
sed 's/refused	0	recipient address/permanent	0	envelope recipient/' \
    want | grep envelope >want.env
run "$SMTP_SEND" -R -M raw <bad
grep permanent out >got
same "envelope: refused by the transport" got want.env
is "envelope: nothing written" "$(ls raw/new | wc -l)" 0

run "$SMTP_SEND" -M no/such/dir <"$data/names.records"
exits "a maildir that cannot be created: exit 73" 73
is "a maildir that cannot be created: the reason" "$(cat err)" \
    "send: no/such/dir: No such file or directory"

done_testing
