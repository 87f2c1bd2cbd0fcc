#!/bin/sh
# A relay that never ends its reply line: the message fails with a short
# text and the worker's memory stays bounded.  (libcurl gives up on a
# reply of 300 KB, "Too large response headers"; the transport keeps at
# most 1 KB of a reply line whatever libcurl hands it.)
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

# A server that greets with 4 MB and no line end, then closes.
cat >endless.py <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
open(sys.argv[1], "w").write("%d\n" % s.getsockname()[1])
while True:
    c, _ = s.accept()
    try:
        c.sendall(b"220-" + b"x" * (4 << 20))
    except OSError:
        pass
    c.close()
EOF
/usr/bin/python3 endless.py port &
srv=$!
trap 'kill $srv 2>/dev/null; cleanup' EXIT
i=0
while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
printf '2\tvalid\tada@example.org\tAda\t\n' >in
/usr/bin/time -f '%M' -o rss "$SMTP_SEND" -t 5000 -u "smtp://127.0.0.1:$(cat port)" \
    <in >out 2>err
rc=$?
is "the message is not sent: the relay cannot be used (69)" "$rc" 69
is "one result line" "$(wc -l <out)" 1
len=$(cut -f 4 out | wc -c)
if [ "$len" -le 600 ]; then ok "its text is short ($len bytes)"; else not_ok "its text is short ($len bytes)"; fi
rss=$(tail -n 1 rss)
if [ "$rss" -lt 40000 ]; then
	ok "memory stays bounded (${rss} kB for a 4 MB line)"
else
	not_ok "memory stays bounded (${rss} kB for a 4 MB line)"
fi

done_testing
