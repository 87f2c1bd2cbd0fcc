#!/bin/sh
# SMTP delivery through the test server: what arrives, read back by
# Python's email package; the same credential, the same Message-ID; no
# CR or LF of an address ever on the wire.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

data=$TOP/test/cli/transport
nnames=$(wc -l <"$data/names.records")
smtp_start srv || exit 1

run "$SMTP_SEND" -c 2 -u "$SMTP_URL" -a "$data/credential.json" \
    <"$data/names.records"
exits "hostile names: all sent" 0
is "hostile names: 250 for each" "$(grep -c '	sent	250	$' out)" \
    "$nnames"
is "server: one message each" "$(smtp_stat messages)" "$nnames"

smtp_expect "$data/names.records" "$data/credential.json" >want
smtp_parse srv/mail/[0-9] srv/mail/[0-9][0-9] 2>perr | sort >got
same "python: names, subject, attachment, body and line ends" got want
diag perr

cut -f 3 "$data/names.records" | sort >want
sed -n 's/^to //p' srv/mail/*.env | sort >got
same "envelope: one RCPT TO per recipient, as given" got want
is "envelope: the sender" "$(grep -h '^from ' srv/mail/*.env | sort -u)" \
    "from badges@example.org"

# The same credential sent twice (a worker that died after sending):
# the same Message-ID, indeed the same bytes.
head -n 1 "$data/names.records" >one
run "$SMTP_SEND" -u "$SMTP_URL" -a "$data/credential.json" <one
run "$SMTP_SEND" -u "$SMTP_URL" -a "$data/credential.json" <one
n=$(smtp_stat messages)
same "sent again: the same message" "srv/mail/$n" "srv/mail/$((n - 1))"
is "sent again: the Message-ID of the credential" \
    "$(grep -a '^Message-ID: ' "srv/mail/$n" | tr -d '\r')" \
    "Message-ID: <00000000-0000-4000-8000-000000000002@example.org>"

# Addresses with CR or LF: refused by mime_build, and (with -R, which
# hands them to the transport as they are) by the transport; nothing of
# them reaches the server.
printf '2\tvalid\tada@example.org\\r\\nRCPT TO:<evil@example.org>\tA\t\n' >bad
printf '3\tvalid\tbob@example.org\\r\\nDATA\tB\t\n' >>bad
printf '4\tvalid\tcy@example.org\\nRCPT TO:<evil@example.org>\tC\t\n' >>bad
printf '5\tvalid\tok@example.org\tD\t\n' >>bad
cat >want <<'EOT'
2	refused	0	recipient address: more than one @ in email
3	refused	0	recipient address: invalid character U+000D in email domain
4	refused	0	recipient address: more than one @ in email
5	sent	250	
EOT
before=$(ls srv/wire | wc -l)
run "$SMTP_SEND" -u "$SMTP_URL" <bad
sort out >got
same "CR/LF in an address: refused by mime_build" got want
sed 's/refused	0	recipient address/permanent	0	envelope recipient/' \
    want >want.raw
run "$SMTP_SEND" -R -u "$SMTP_URL" <bad
sort out >got
same "CR/LF in an address: refused by the transport" got want.raw
is "CR/LF in an address: two sessions, one message each" \
    "$(ls srv/wire | wc -l)" $((before + 2))
wire="srv/wire/$((before + 1)) srv/wire/$((before + 2))"
# shellcheck disable=SC2086
is "CR/LF in an address: nothing of it on the wire" \
    "$(cat $wire | grep -ac -e evil -e '^DATA.*@')" 0
# shellcheck disable=SC2086
is "CR/LF in an address: the only RCPT TO" \
    "$(grep -ah '^RCPT' $wire | tr -d '\r' | sort -u)" \
    "RCPT TO:<ok@example.org>"

done_testing
