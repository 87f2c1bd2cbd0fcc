# lib.sh: the TAP harness every test/cli/*.t sources.
#
# A test runs in a scratch directory of its own, removed at the end, with
# stdin from /dev/null and the commands of $CREDPIPE_BUILD/bin (default
# build/bin of the source tree) first on PATH.  It prints TAP: one line
# per assertion, the plan at the end (done_testing).

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CREDPIPE_BUILD=${CREDPIPE_BUILD:-$TOP/build}
PATH=$CREDPIPE_BUILD/bin:$PATH
LC_ALL=C
export TOP CREDPIPE_BUILD PATH LC_ALL
unset CREDPIPE_DB CREDPIPE_API_KEY CREDPIPE_MASTER_KEY CREDPIPE_SMTP_URL

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/credpipe-test.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 1
exec </dev/null

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
}

# diag FILE: show a file as TAP comments.
diag() {
	sed 's/^/# /' "$1"
}

# run COMMAND...: run it with stdout in ./out and stderr in ./err, and
# its exit status in $rc.
run() {
	"$@" >out 2>err
	rc=$?
}

# is DESC GOT WANT: pass when two strings are equal.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '# got:  %s\n# want: %s\n' "$2" "$3"
	fi
}

# same DESC GOTFILE WANTFILE: pass when two files are equal.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$3" "$2" | sed 's/^/# /'
	fi
}

# has DESC FILE TEXT: pass when the file holds the text.
has() {
	if grep -qF -- "$3" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# '$3' not in:"
		diag "$2"
	fi
}

# exits DESC WANT: pass when $rc is WANT, else show stderr.
exits() {
	if [ "$rc" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1 (exit $rc, want $2)"
		diag err
	fi
}

# setup_org SLUG PLAN: in ./credpipe.db (made if missing), an approved
# organization on PLAN with a signing key, the badges "timed" (365 days)
# and "forever", and an issuer whose API key (1,000 submissions an hour)
# is in SLUG.key.
setup_org() {
	[ -e credpipe.db ] || org-admin init 2>/dev/null || return
	{
		org-admin org create -p "$2" "$1" "Org $1" &&
		org-admin org approve "$1" &&
		org-admin org status-url "$1" "https://$1.example/status" &&
		org-admin key generate "$1" &&
		org-admin badge create -v 365 "$1" timed "Timed" &&
		org-admin badge create "$1" forever "Forever" &&
		org-admin member add "$1" "issuer@$1.example" issuer &&
		org-admin apikey create -r 1000 "$1" "issuer@$1.example" >"$1.key"
	} >/dev/null 2>setup.err || { cat setup.err >&2; return 1; }
}

# ago SECONDS: the time that long ago (negative: ahead), ISO 8601 UTC.
ago() {
	date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ
}

# accepted DIR COUNT: the COUNT credentials in DIR are valid for the OB
# 3.0 JSON Schema and verify in the node verifier (test/interop) and in
# credential-verify with ./credpipe.db; six assertions.
accepted() {
	run node "$TOP/test/interop/schema.js" "$1"/*.json
	exits "the OB 3.0 schema takes every one" 0
	has "schema: all $2" out "# schema: $2 of $2 valid"
	run sh -c 'cd "$1/test/interop" && node verify.js "$2"/*.json' sh \
	    "$TOP" "$(cd "$1" && pwd)"
	exits "the node verifier accepts every one" 0
	is "node: $2 OK" "$(grep -c ' OK$' out)" "$2"
	run credential-verify -d credpipe.db "$1"/*.json
	exits "credential-verify agrees" 0
	is "credential-verify: $2 OK" "$(grep -c '^OK ' out)" "$2"
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
