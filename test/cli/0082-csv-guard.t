#!/bin/sh
# The CSV formula guard of job-status -f, round trip: a name a
# spreadsheet could take for a formula, also after spaces or Unicode
# spaces, is written with an apostrophe before it, and csv-validate takes
# exactly that apostrophe away again; names that are not formulas are
# written as they are.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"

nbsp=$(printf '\302\240')
ideo=$(printf '\343\200\200')
bom=$(printf '\357\273\277')
cat >names <<EOF
=HYPERLINK("http://evil.example")
@SUM(A1:A9)
+1+cmd|' /C calc'!A0
-2+3
${nbsp}=1+1
${ideo}=1+1
${bom}@x
${nbsp} ${nbsp}-1
Ada Lovelace
1=1
${nbsp}Grace
EOF
awk 'BEGIN { print "name,email" } {
	gsub(/"/, "\"\""); printf "\"%s\",p%d@example.org\n", $0, NR }' names >roster.csv
csv-validate -q roster.csv >records.tsv
is "the roster is read as it was written" "$(cut -f 4 records.tsv)" "$(cat names)"
recipient-check -q -b timed <records.tsv | bulk-submit -q -b timed >job
n=1
while [ $n -le 11 ]; do
	set -- "$@" -r "p$n@example.org=550 5.1.1 nobody"
	n=$((n + 1))
done
smtp_start "$SCRATCH/srv" "$@" || exit 1
job-worker -u "$SMTP_URL" 2>/dev/null
smtp_stop
run job-status -f "$(cat job)"
exits "job-status -f" 0
is "every row failed, so every row is in the CSV" "$(($(wc -l <out) - 1))" 11
# The name cells that are formulas begin with "' (quoted) or '.
awk -F ',' 'NR > 1 { print substr($1, 1, 2) }' out >starts
is "the eight formulas are guarded" "$(grep -c "^\"'" starts)" 8
is "the three others are not" "$(grep -vc "^\"'" starts)" 3
cp out retry.csv
run csv-validate retry.csv
exits "csv-validate takes the CSV back" 0
is "and every name comes back exactly as it was" "$(cut -f 4 out)" "$(cat names)"

done_testing
