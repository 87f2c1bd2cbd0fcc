#!/bin/sh
# On a real terminal (tmux): job-worker -v and job-status -w draw a
# progress bar that is redrawn in place, one line on the screen whatever
# the number of draws, never wider than the terminal less a column (a
# narrow one too), with what else they say on lines of its own; and
# plain lines, no carriage return, when stderr is not a terminal.
. "$(dirname "$0")/lib.sh"

setup_org acme enterprise || exit 1
org-admin org sender acme badges@acme.example Acme 2>/dev/null
# submit N: a job of N new recipients; its id in $job.
n=0
submit() {
	awk -v from=$n -v n="$1" 'BEGIN { print "name,email"
		for (i = from + 1; i <= from + n; i++)
			printf "Recipient %d,r%d@example.org\n", i, i }' >r.csv
	n=$((n + $1))
	job=$(csv-validate -q r.csv | recipient-check -q -k acme.key -b timed |
	    bulk-submit -q -k acme.key -b timed)
}

# The terminals: one tmux server of the test's own, a session a command.
tm() { tmux -S "$SCRATCH/tmux.sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
# term_start NAME COLUMNS COMMAND: run COMMAND (sh) in a terminal of
# COLUMNS x 30; NAME.raw gets every byte it writes there.
term_start() {
	printf '%s\n' "$3" >"$1.sh"
	tm new-session -d -s "$1" -x "$2" -y 30 -c "$SCRATCH" \
	    "while [ ! -e $1.go ]; do sleep 0.05; done; sh $1.sh; echo \$? >$1.rc; exec sleep 600"
	tm pipe-pane -o -t "$1" "cat >$SCRATCH/$1.raw"
	: >"$1.go"
}
# term_end NAME: wait (up to 60 s) for the command to end, then NAME.screen
# is the screen, its empty lines left out, and $rc the command's status.
term_end() {
	i=0
	while [ ! -s "$1.rc" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.3
	tm capture-pane -p -t "$1" | grep -v '^$' >"$1.screen"
	rc=$(cat "$1.rc" 2>/dev/null)
}
# draws NAME: how many times the bar was drawn.
draws() { tr '\r' '\n' <"$1.raw" | grep -c '^\[[# ]*\] '; }
# bars NAME: the lines of the screen that are a bar.
bars() { grep '^\[[# ]*\] ' "$1.screen"; }

if ! tm -V >/dev/null 2>&1; then
	not_ok "tmux runs (make deps installs it)"
	done_testing
	exit
fi

# job-worker -v: 800 items into a maildir, on a terminal 100 wide.
submit 800
term_start w1 100 'job-worker -v -M md'
term_end w1
is "job-worker -v on a terminal: exit 0" "$rc" 0
d=$(draws w1)
[ "$d" -ge 3 ] && ok "the bar was drawn $d times" || not_ok "the bar was drawn $d times, want 3 or more"
is "one bar on the screen, at the end: all 800" "$(bars w1)" \
    "[##############################] 800/800  800 sent, 0 deferred, 0 failed, 0 skipped"
is "then the last line, on a line of its own" "$(grep -c '^job-worker: done: 800 items: 800 sent' w1.screen)" 1
is "and nothing else" "$(wc -l <w1.screen)" 2
is "the bar ends before the screen's last column" "$(bars w1 | awk '{ print (length <= 99) }')" 1

# The same on a terminal 40 wide: the bar gives up columns, never wraps.
submit 300
term_start w2 40 'job-worker -v -M md'
term_end w2
is "40 columns: exit 0" "$rc" 0
bar=$(bars w2)
is "one bar, on one line" "$(bars w2 | wc -l)" 1
case $bar in
*" 300/300  300 sent"*) ok "it holds the counts" ;;
*) not_ok "it holds the counts (got '$bar')" ;;
esac
is "39 columns at most" "$(printf '%s\n' "$bar" | awk '{ print (length <= 39) }')" 1
is "the next line is the done line, not the rest of the bar" \
    "$(grep -A1 '^\[' w2.screen | sed -n 2p | cut -c 1-17)" "job-worker: done:"

# job-status -w: a bar that moves as workers take the job in steps, the
# stall hint on a line of its own, the job shown at the end.
submit 400
term_start s1 100 "job-status -k acme.key -w $job"
sleep 2.5
job-worker -n 100 -M md 2>/dev/null
sleep 2.5		# job-status looks once a second
job-worker -n 100 -M md 2>/dev/null
sleep 14		# no progress for more than 10 s: the hint
job-worker -M md 2>/dev/null
term_end s1
is "job-status -w on a terminal: exit 0, completed" "$rc" 0
d=$(draws s1)
[ "$d" -ge 5 ] && ok "the bar was drawn $d times" || not_ok "the bar was drawn $d times, want 5 or more"
for step in "100/400" "200/400" "400/400"; do
	if tr '\r' '\n' <s1.raw | grep -q "^\[[# ]*\] $step "; then
		ok "it showed $step"
	else
		not_ok "it showed $step"
	fi
done
is "the stall hint, on a line of its own" \
    "$(grep -c "^job-status: job $job: no worker has taken it in 10 s" s1.screen)" 1
is "two bars on the screen: before the hint and at the end" "$(bars s1 | wc -l)" 2
is "the last one complete" "$(bars s1 | tail -n 1)" \
    "[##############################] 400/400  400 sent, 0 failed, 0 skipped"
is "the job shown after it" "$(grep -A1 '^\[#*\] 400/400' s1.screen | sed -n 2p)" \
    "job $job (timed): completed"
is "the bars end before the screen's last column" \
    "$(bars s1 | awk 'length > 99' | wc -l)" 0

# Not a terminal: lines, no carriage return, no bar.
submit 200
job-worker -v -M md 2>plain.err
is "job-worker -v, stderr a file: no carriage return" "$(tr -cd '\r' <plain.err | wc -c)" 0
has "but its lines" plain.err "job-worker: done: 200 items: 200 sent"
is "and no bar" "$(grep -c '\[#' plain.err)" 0
job-status -k acme.key -w "$job" >plain.out 2>plain.err
is "job-status -w, stderr a file: no carriage return" "$(tr -cd '\r' <plain.err | wc -c)" 0
has "a line of counts" plain.err "job $job: completed: 200 of 200 done: 200 sent, 0 failed, 0 skipped"
is "and no bar" "$(grep -c '\[#' plain.err)" 0

done_testing
