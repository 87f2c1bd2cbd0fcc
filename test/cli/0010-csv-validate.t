#!/bin/sh
# csv-validate against the corpus in test/cli/csv-validate: for each case
# NAME.csv (the roster) and NAME.expect (how to run it and what must come
# out), check stdout, stderr and the exit status exactly.
#
# NAME.expect holds header lines, then "stdout:" and the expected lines,
# then "stderr:" and the expected lines.  Header lines:
#	args: OPTIONS	options before the file name
#	stdin: yes	the roster comes on stdin and the argument is -
#	file: NAME	the roster is copied to NAME (default NAME.csv)
#	exit: N		the expected exit status
# Lines starting with # are comments.
. "$(dirname "$0")/lib.sh"

corpus=$TOP/test/cli/csv-validate
ncases=0
for expect in "$corpus"/*.expect; do
	case=$(basename "$expect" .expect)
	ncases=$((ncases + 1))
	rm -f want.out want.err
	: >want.out
	: >want.err
	awk '
		/^stdout:$/ { part = "want.out"; next }
		/^stderr:$/ { part = "want.err"; next }
		part { print > part; next }
	' "$expect"
	header=$(sed -n '/^stdout:$/q; p' "$expect")
	args=$(printf '%s\n' "$header" | sed -n 's/^args: //p')
	stdin=$(printf '%s\n' "$header" | sed -n 's/^stdin: //p')
	file=$(printf '%s\n' "$header" | sed -n 's/^file: //p')
	want=$(printf '%s\n' "$header" | sed -n 's/^exit: //p')
	[ -n "$file" ] || file=$case.csv
	cp "$corpus/$case.csv" "$file"
	if [ "$stdin" = yes ]; then
		# shellcheck disable=SC2086
		run csv-validate $args - <"$file"
	else
		# shellcheck disable=SC2086
		run csv-validate $args "$file"
	fi
	exits "$case: exit status" "$want"
	same "$case: stdout" out want.out
	same "$case: stderr" err want.err
	rm -f "$file"
done
if [ "$ncases" -ge 40 ]; then
	ok "the corpus has $ncases cases"
else
	not_ok "the corpus has only $ncases cases"
fi

done_testing
