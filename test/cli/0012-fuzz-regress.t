#!/bin/sh
# The roster fuzz target over the inputs kept in test/fuzz/regress and the
# csv-validate corpus: what the fuzzer once found stays fixed.
. "$(dirname "$0")/lib.sh"

"$CREDPIPE_BUILD/test/fuzz/replay" "$TOP"/test/fuzz/regress/* \
    "$TOP"/test/cli/csv-validate/*.csv
