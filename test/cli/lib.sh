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

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
