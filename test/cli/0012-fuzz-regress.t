#!/bin/sh
# The fuzz targets over the inputs kept in test/fuzz/TARGET/ and the test
# inputs they start from: what the fuzzers once found stays fixed.
. "$(dirname "$0")/lib.sh"

# replay TARGET INPUT...: every input through the target, none crashing.
replay() {
	t=$1
	shift
	"$CREDPIPE_BUILD/test/fuzz/replay_$t" "$@" >$t.tap 2>$t.err
	rc=$?
	n=$(grep -c '^ok' $t.tap)
	if [ $rc = 0 ] && [ "$n" = $# ]; then
		ok "the $t target over its $n kept inputs"
	else
		not_ok "the $t target over its kept inputs ($n of $#, exit $rc)"
		diag $t.err
	fi
}

replay roster "$TOP"/test/fuzz/roster/* "$TOP"/test/cli/csv-validate/*.csv
replay credential "$TOP"/test/fuzz/credential/* \
    "$TOP"/test/cli/credential-verify/*.json
replay record "$TOP"/test/fuzz/record/* "$TOP"/test/cli/transport/*.records
replay mime "$TOP"/test/fuzz/mime/*
replay smtpreply "$TOP"/test/fuzz/smtpreply/*

done_testing
