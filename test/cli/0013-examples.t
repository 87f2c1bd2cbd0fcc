#!/bin/sh
# The example rosters say what they claim: one clean, one with a problem
# on every row but the first.
. "$(dirname "$0")/lib.sh"

run csv-validate -x "$TOP/examples/roster.csv"
exits "examples/roster.csv is clean" 0
is "all ten rows come out valid" "$(cut -f 2 out | sort | uniq -c | awk '{$1=$1; print}')" "10 valid"

run csv-validate "$TOP/examples/roster-problems.csv"
exits "examples/roster-problems.csv is read" 0
is "one row is valid, twenty are not" \
    "$(cut -f 2 out | sort | uniq -c | awk '{$1=$1; print}' | tr '\n' ' ')" \
    "20 invalid 1 valid "
is "every invalid row has its own reason" \
    "$(awk -F '\t' '$2 == "invalid" { print $5 }' out | sort -u | wc -l)" 20

done_testing
