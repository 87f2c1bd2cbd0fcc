# smtp/lib.sh: start and stop the test SMTP server (test/smtp/server.py)
# from a shell test or benchmark.
#
#	smtp_start DIR [server options]	start it, keeping its files in DIR;
#					sets SMTP_PID, SMTP_PORT, SMTP_URL
#	smtp_stop			stop it and wait for it to go
#	smtp_stat NAME			a figure of DIR/stats ("messages", ...)
#	smtp_test_ca DIR		make DIR/ca.pem, a test CA, and DIR/srv.pem
#					and DIR/srv.key, a certificate for
#					127.0.0.1 it signed (smtp_start -T)
#
# smtp_start arranges for smtp_stop to run when the shell exits, however it
# exits (an EXIT trap, and HUP, INT and TERM turned into exits), on top of
# the EXIT trap of test/cli/lib.sh; and it passes the shell's pid to the
# server, which exits by itself if that shell dies without cleaning up.
# The server runs with Debian's /usr/bin/python3 and python3-aiosmtpd.
#
#	$SMTP_SEND			the test driver (test/smtp/send.c)
#	smtp_parse FILE...		test/smtp/parse.py
#	smtp_expect RECORDS ATTACHMENT	what smtp_parse must print

SMTP_PID=
SMTP_DIR=
SMTP_EXIT_TRAP=${SMTP_EXIT_TRAP-'rm -rf "$SCRATCH"'}

smtp_start() {
	SMTP_DIR=$1
	shift
	mkdir -p "$SMTP_DIR" || return 1
	rm -f "$SMTP_DIR/port"
	trap 'smtp_stop; '"$SMTP_EXIT_TRAP" EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	/usr/bin/python3 "$TOP/test/smtp/server.py" -o "$SMTP_DIR" -P $$ \
	    "$@" 2>"$SMTP_DIR/log" &
	SMTP_PID=$!
	smtp_i=0
	while [ ! -s "$SMTP_DIR/port" ]; do
		if ! kill -0 "$SMTP_PID" 2>/dev/null || [ "$smtp_i" -ge 200 ]
		then
			echo "# smtp server did not start:" >&2
			sed 's/^/# /' "$SMTP_DIR/log" >&2
			smtp_stop
			return 1
		fi
		sleep 0.05
		smtp_i=$((smtp_i + 1))
	done
	SMTP_PORT=$(cat "$SMTP_DIR/port")
	SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
}

smtp_stop() {
	if [ -n "$SMTP_PID" ]; then
		kill "$SMTP_PID" 2>/dev/null
		wait "$SMTP_PID" 2>/dev/null
		SMTP_PID=
	fi
}

smtp_stat() {
	sed -n "s/^$1 //p" "$SMTP_DIR/stats"
}

# The test driver and the independent parser.
SMTP_SEND=$CREDPIPE_BUILD/test/smtp/send

smtp_parse() {
	/usr/bin/python3 "$TOP/test/smtp/parse.py" "$@"
}

# smtp_expect RECORDS ATTACHMENT: what smtp_parse must print, sorted, for
# the messages the driver sends for RECORDS with -a ATTACHMENT.
smtp_expect() {
	smtp_sha=$(sha256sum "$2" | cut -d ' ' -f 1)
	awk -F '\t' -v sha="$smtp_sha" '{
		id = sprintf("00000000-0000-4000-8000-%012d", $1)
		printf "<%s@example.org>\tExample Academy\tbadges@example.org" \
		    "\t%s\t%s\tYour badge Python 101, %s\tcredential.json " \
		    "application/json %s\tHello %s,\\n\\nExample Academy " \
		    "awards you the badge Python 101, valid until " \
		    "2030-01-01.\\nYour credential urn:uuid:%s is " \
		    "attached.\\n\tok\n", id, $4, $3, $4, sha, $4, id
	}' "$1" | sort
}

smtp_test_ca() {
	{
		openssl ecparam -name prime256v1 -genkey -noout \
		    -out "$1/ca.key" &&
		openssl req -x509 -new -key "$1/ca.key" \
		    -subj /CN=credpipe-test-ca -days 2 -out "$1/ca.pem" &&
		openssl ecparam -name prime256v1 -genkey -noout \
		    -out "$1/srv.key" &&
		openssl req -new -key "$1/srv.key" -subj /CN=127.0.0.1 \
		    -out "$1/srv.csr" &&
		printf 'subjectAltName=IP:127.0.0.1\n' >"$1/srv.ext" &&
		openssl x509 -req -in "$1/srv.csr" -CA "$1/ca.pem" \
		    -CAkey "$1/ca.key" -CAcreateserial -days 2 \
		    -extfile "$1/srv.ext" -out "$1/srv.pem"
	} >"$1/openssl.log" 2>&1 || { sed 's/^/# /' "$1/openssl.log" >&2
		return 1; }
}
