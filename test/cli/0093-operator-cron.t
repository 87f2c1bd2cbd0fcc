#!/bin/sh
# The operator's install, as examples/ writes it: `make install` into a
# scratch prefix (with the units), /etc/credpipe/env from examples/env,
# then the crontab's line run as cron runs it (env -i, /bin/sh, the
# crontab's PATH, nothing of the build on it) and the service's
# ExecStart run as systemd runs it (env -i, the EnvironmentFile, the
# WorkingDirectory), each delivering a job to a test relay.  The paths of
# the examples are moved under the scratch directory, and nothing else.
. "$(dirname "$0")/lib.sh"
# What is run here names its database as a file, as the operator's
# examples do: SQLite on either run.
unset CREDPIPE_DB CREDPIPE_MASTER_KEY
. "$TOP/test/smtp/lib.sh"

root=$SCRATCH/root
# at PATH: the path of the install under $root.
at() { printf '%s%s' "$root" "$1"; }
# moved: the examples' paths moved under $root.
moved() {
	sed -e "s|/usr/local/bin|$root/usr/local/bin|g" \
	    -e "s|/var/lib/credpipe|$root/var/lib/credpipe|g" \
	    -e "s|/etc/credpipe/env|$root/etc/credpipe/env|g"
}

# Run by make check, the make it runs must not take the outer one's
# settings (MAKEFLAGS holds its SAN= and B=); -o all: nothing is built.
run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" -o all install B="$CREDPIPE_BUILD" \
    DESTDIR="$root" PREFIX=/usr/local SYSTEMDUNITDIR=/etc/systemd/system
exits "make install into a scratch root" 0
[ -x "$(at /usr/local/bin/job-worker)" ] && ok "job-worker installed" ||
    not_ok "job-worker installed"
unit=$(at /etc/systemd/system/credpipe-worker.service)
[ -f "$unit" ] && [ -f "$(at /etc/systemd/system/credpipe-worker.timer)" ] &&
    ok "the service and the timer installed" || not_ok "the service and the timer installed"

# The operator's account: its home the data directory, the database
# made there, an organization with a job of three.
data=$(at /var/lib/credpipe)
mkdir -p "$data" "$(at /etc/credpipe)"
cd "$data" || exit 1
setup_org acme professional || exit 1
org-admin org sender acme badges@acme.example Acme 2>/dev/null
submit() (
	cd "$data" || exit
	printf 'name,email\nAda,ada%s@example.org\nAlan,alan%s@example.org\nGrace,grace%s@example.org\n' \
	    "$1" "$1" "$1" | csv-validate -q | recipient-check -q -k acme.key -b timed |
	    bulk-submit -q -k acme.key -b timed
)
cd "$SCRATCH" || exit 1

smtp_start "$SCRATCH/srv" || exit 1
# /etc/credpipe/env: examples/env as it is, its relay the test's.
moved <"$TOP/examples/env" |
    sed "s|^CREDPIPE_SMTP_URL=.*|CREDPIPE_SMTP_URL=$SMTP_URL|" >"$(at /etc/credpipe/env)"
chmod 600 "$(at /etc/credpipe/env)"
is "the env file names the database" \
    "$(grep '^CREDPIPE_DB=' "$(at /etc/credpipe/env)")" "CREDPIPE_DB=$data/credpipe.db"

# The crontab: its PATH line and its first job line, run as cron does.
crontab=$TOP/examples/crontab
path=$(sed -n 's/^PATH=//p' "$crontab" | moved)
line=$(grep -E '^[0-9*]' "$crontab" | head -n 1)
is "the crontab's line runs every five minutes" "$(echo "$line" | cut -d ' ' -f 1-5)" "*/5 * * * *"
cmd=$(echo "$line" | cut -d ' ' -f 6- | moved)
job=$(submit 1)
is "a job of three waits" "$job" 1
run env -i HOME="$data" LOGNAME=credpipe SHELL=/bin/sh PATH="$path" /bin/sh -c "$cmd"
exits "the crontab's command, under env -i: exit 0" 0
is "it said nothing (cron would mail it)" "$(cat out err)" ""
is "the relay got the three" "$(smtp_stat messages)" 3
is "the job is completed" "$(job-status -p -k "$data/acme.key" -d "$data/credpipe.db" "$job" | sed -n 's/^status\t//p')" completed
run env -i HOME="$data" PATH=/usr/bin:/bin /bin/sh -c "$cmd"
exits "without the crontab's PATH it would not be found" 127

# The service, as systemd runs it: ExecStart, with nothing but the
# EnvironmentFile, in the WorkingDirectory.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
case $exec_start in
"$root"*) ok "ExecStart names the installed job-worker" ;;
/usr/local/bin/job-worker*) exec_start=$(echo "$exec_start" | moved)
	ok "ExecStart names the installed job-worker" ;;
*) not_ok "ExecStart names the installed job-worker (got '$exec_start')" ;;
esac
is "the service reads the env file" "$(sed -n 's/^EnvironmentFile=//p' "$unit")" /etc/credpipe/env
is "in the data directory" "$(sed -n 's/^WorkingDirectory=//p' "$unit")" /var/lib/credpipe
is "as credpipe" "$(sed -n 's/^User=//p' "$unit")" credpipe
# systemd's reading of an EnvironmentFile: NAME=value lines, comments
# passed over, a value in single quotes taken without them.
envs=$(grep -E '^[A-Z_]+=' "$(at /etc/credpipe/env)" | sed "s/='\(.*\)'\$/=\1/")
job=$(submit 2)
run sh -c 'cd "$1" && shift && env -i $2 $1' sh "$data" "$exec_start" "$envs"
exits "the service's command, with the env file alone: exit 0" 0
is "the relay got three more" "$(smtp_stat messages)" 6
is "the second job is completed" "$(job-status -p -k "$data/acme.key" -d "$data/credpipe.db" "$job" | sed -n 's/^status\t//p')" completed

# The timer: every five minutes, and once after a boot for what was
# missed; nothing in the units starts the worker by itself.
timer=$(at /etc/systemd/system/credpipe-worker.timer)
is "the timer: every five minutes" "$(sed -n 's/^OnCalendar=//p' "$timer")" "*:0/5"
is "persistent" "$(sed -n 's/^Persistent=//p' "$timer")" true
is "the service has no [Install]: only the timer starts it" "$(grep -c '^\[Install\]' "$unit")" 0

done_testing
