#!/bin/sh
# csv-validate beyond the corpus: rosters of exactly the size limit and one
# byte more, output errors, the template and usage.
. "$(dirname "$0")/lib.sh"

# roster BYTES: a roster of exactly BYTES bytes on stdout.
roster() {
	awk -v size="$1" 'BEGIN {
		printf "name,email\n"
		n = 11
		for (i = 0; n < size - 60; i++) {
			line = sprintf("Person %d,person%d@example.org\n", i, i)
			printf "%s", line
			n += length(line)
		}
		name = "Last"
		pad = size - n - length(",last@example.org\n")
		while (length(name) < pad)
			name = name "x"
		printf "%s,last@example.org\n", name
	}'
}

roster 1048576 >exact.csv
is "the exact roster has 1,048,576 bytes" "$(wc -c <exact.csv)" 1048576
run csv-validate -q exact.csv
exits "exactly 1,048,576 bytes are accepted" 0
is "every row of it comes out" "$(wc -l <out)" "$(($(wc -l <exact.csv) - 1))"

roster 1048577 >over.csv
run csv-validate over.csv
exits "one byte more is refused" 65
has "the refusal names the limit" err \
    "csv-validate: over.csv: the file is larger than 1048576 bytes"
is "a refused file writes nothing on stdout" "$(wc -c <out)" 0

run sh -c 'csv-validate - <over.csv'
exits "one byte more on stdin is refused too" 65
is "nothing on stdout from the refused stdin" "$(wc -c <out)" 0
run sh -c 'cat exact.csv | csv-validate -q -'
exits "exactly the limit through a pipe" 0

run csv-validate -s 2000000 over.csv
exits "-s raises the limit" 0

# A file error late in a file: nothing of the good rows before it leaks.
{ sed -n '1,100p' exact.csv; printf 'Bad\377,bad@example.org\n'; } >late.csv
run csv-validate late.csv
exits "an encoding error on row 101 refuses the file" 65
is "and no record of the 99 good rows before it is written" \
    "$(wc -c <out)" 0

printf 'name,email\nAda,ada@example.org\n' >ok.csv
run sh -c 'csv-validate ok.csv >/dev/full'
exits "a full disk on stdout exits 74" 74
has "and says so" err "csv-validate: stdout: No space left on device"

run csv-validate missing.csv
exits "a missing file exits 66" 66
has "naming it" err "csv-validate: missing.csv: No such file or directory"
mkdir dir.csv
run csv-validate dir.csv
exits "a directory exits 66" 66

run csv-validate -t
exits "-t exits 0" 0
printf 'name,email\nAda Lovelace,ada.lovelace@example.org\n' >want
same "-t prints the template" out want
csv-validate -t >template.csv
run csv-validate -x template.csv
exits "the template is a valid roster" 0

run csv-validate -t ok.csv
exits "-t takes no file" 64
run csv-validate ok.csv ok.csv
exits "one file at most" 64
run csv-validate -z ok.csv
exits "an unknown option is a usage error" 64
has "usage goes to stderr" err "usage: csv-validate"
for bad in 0 -1 12x ''; do
	run csv-validate -s "$bad" ok.csv
	exits "-s '$bad' is refused" 64
done
run csv-validate -h
exits "-h exits 0" 0
has "-h prints usage on stdout" out "usage: csv-validate [-qx] [-s bytes]"

done_testing
