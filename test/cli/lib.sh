# lib.sh: the TAP harness every test/cli/*.t sources.
#
# A test runs in a scratch directory of its own, removed at the end, with
# stdin from /dev/null and the commands of $CREDPIPE_BUILD/bin (default
# build/bin of the source tree) first on PATH, and store-test
# ($CREDPIPE_BUILD/test/store) after them.  A test reaches the database
# through the commands, and through store-test (store_test, rows) for
# what no command shows or does, never another way, so that it runs
# against any engine of the store.  It prints TAP: one line per
# assertion, the plan at the end (done_testing).

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
CREDPIPE_BUILD=${CREDPIPE_BUILD:-$TOP/build}
PATH=$CREDPIPE_BUILD/bin:$CREDPIPE_BUILD/test/store:$PATH
LC_ALL=C
export TOP CREDPIPE_BUILD PATH LC_ALL
unset CREDPIPE_DB CREDPIPE_API_KEY CREDPIPE_MASTER_KEY CREDPIPE_SMTP_URL

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/credpipe-test.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 1
exec </dev/null

# The engine the test runs on.  With CREDPIPE_TEST_PG (a server's URI
# without a database, as test/pg/server writes it), PostgreSQL: the test
# has a database of its own, made here and dropped at the end, which
# CREDPIPE_DB names, and its master key is named beside it (a database
# on a server has no directory).  Else SQLite, ./credpipe.db by default.
engine=sqlite
if [ -n "${CREDPIPE_TEST_PG:-}" ]; then
	engine=postgresql
	pg_db=t_$(basename "$SCRATCH" | tr 'A-Z' 'a-z' | tr -dc 'a-z0-9')
	pg_sql() {
		psql -qAtX -v ON_ERROR_STOP=1 "$CREDPIPE_TEST_PG/postgres" -c "$1"
	}
	pg_sql "CREATE DATABASE $pg_db" || exit 1
	CREDPIPE_DB=$CREDPIPE_TEST_PG/$pg_db
	CREDPIPE_MASTER_KEY=$SCRATCH/credpipe.key
	export CREDPIPE_DB CREDPIPE_MASTER_KEY
fi
# DB: the test's database as -d and CREDPIPE_DB take it.
DB=${CREDPIPE_DB:-credpipe.db}
export DB

# cleanup: what the end of a test removes (test/smtp/lib.sh runs it too).
cleanup() {
	if [ "$engine" = postgresql ]; then
		for d in $(pg_sql "SELECT datname FROM pg_database
		    WHERE datname LIKE '${pg_db}%'"); do
			pg_sql "DROP DATABASE $d WITH (FORCE)"
		done
	fi
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
SMTP_EXIT_TRAP=cleanup

# db_exists: whether the test's database has been made (org-admin init).
db_exists() {
	if [ "$engine" = sqlite ]; then
		[ -e credpipe.db ]
	else
		org-admin org list >/dev/null 2>&1
	fi
}

# new_db NAME: print the name of a new, empty database besides the
# test's: the path NAME.db in the scratch directory, or on PostgreSQL the
# URI of a database made for it.
new_db() {
	if [ "$engine" = sqlite ]; then
		echo "$SCRATCH/$1.db"
	else
		pg_sql "CREATE DATABASE ${pg_db}_$1" || return
		echo "$CREDPIPE_TEST_PG/${pg_db}_$1"
	fi
}

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

# setup_org SLUG PLAN: in the test's database (made if missing), an approved
# organization on PLAN with a signing key, the badges "timed" (365 days)
# and "forever", and an issuer whose API key (1,000 submissions an hour)
# is in SLUG.key.
setup_org() {
	db_exists || org-admin init 2>/dev/null || return
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

# store_test ARGS...: store-test ARGS (test/store/store-test.c), on
# ./credpipe.db unless ARGS say -d.  When it fails, the test fails too (at
# done_testing), so that no comparison passes for want of what it should
# have given.
store_test() {
	store-test "$@" && return
	set -- "$?" "$*"
	echo "store-test $2: exit $1" >>"$SCRATCH/.store-failed"
	return "$1"
}

# rows TABLE [COLUMN=VALUE...] [COLUMN...]: the rows of TABLE whose
# COLUMN is VALUE, as store-test dump writes them (in the order of the
# primary key, NULL as \N, text escaped as credpipe-records(5) shows it):
# the named columns of each, TAB-separated, or all of them when none is
# named.  No such table or column fails the test, as store_test does.
rows() {
	store_test dump >"$SCRATCH/.rows" || return
	awk -F '\t' -v OFS='\t' '
	function fail(why) {
		print "rows: " why
		failed = 1
		exit 1
	}
	BEGIN {
		t = ARGV[1]
		for (i = 2; i < ARGC; i++) {
			if ((e = index(ARGV[i], "=")) > 0) {
				nw++
				wcol[nw] = substr(ARGV[i], 1, e - 1)
				wval[nw] = substr(ARGV[i], e + 1)
			} else {
				col[++nc] = ARGV[i]
			}
		}
		ARGC = 2
		ARGV[1] = "-"
	}
	$1 == ("#" t) {
		for (i = 2; i <= NF; i++)
			at[$i] = i
		for (i = 1; i <= nw; i++)
			if (!(wcol[i] in at))
				fail(t " has no column " wcol[i])
		for (i = 1; i <= nc; i++)
			if (!(col[i] in at))
				fail(t " has no column " col[i])
		seen = 1
		next
	}
	$1 == t {
		for (i = 1; i <= nw; i++)
			if ($(at[wcol[i]]) != wval[i])
				next
		if (!nc) {
			print substr($0, length(t) + 2)
			next
		}
		line = $(at[col[1]])
		for (i = 2; i <= nc; i++)
			line = line OFS $(at[col[i]])
		print line
	}
	END {
		if (!seen && !failed)
			fail("no table " t)
	}' "$@" <"$SCRATCH/.rows" && return
	echo "rows $*: no such table or column" >>"$SCRATCH/.store-failed"
	return 1
}

# item_states JOB: how many items of JOB are in each state, as
# job-status -p -i shows them to CREDPIPE_API_KEY: a line "STATE COUNT"
# each, by state.
item_states() {
	job-status -p -i "$1" | cut -f 3 | sort | uniq -c |
	    awk '{ print $2, $1 }'
}

# ago SECONDS: the time that long ago (negative: ahead), ISO 8601 UTC.
ago() {
	date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ
}

# accepted DIR COUNT: the COUNT credentials in DIR are valid for the OB
# 3.0 JSON Schema and verify in the node verifier (test/interop) and in
# credential-verify with the test's database; six assertions.
accepted() {
	run node "$TOP/test/interop/schema.js" "$1"/*.json
	exits "the OB 3.0 schema takes every one" 0
	has "schema: all $2" out "# schema: $2 of $2 valid"
	run sh -c 'cd "$1/test/interop" && node verify.js "$2"/*.json' sh \
	    "$TOP" "$(cd "$1" && pwd)"
	exits "the node verifier accepts every one" 0
	is "node: $2 OK" "$(grep -c ' OK$' out)" "$2"
	run credential-verify -d "$DB" "$1"/*.json
	exits "credential-verify agrees" 0
	is "credential-verify: $2 OK" "$(grep -c '^OK ' out)" "$2"
}

done_testing() {
	if [ -s "$SCRATCH/.store-failed" ]; then
		not_ok "store-test gave what was asked of it"
		diag "$SCRATCH/.store-failed"
	fi
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}
