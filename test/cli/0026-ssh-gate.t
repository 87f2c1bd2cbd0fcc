#!/bin/sh
# The member gate over a real OpenSSH server: sshd on 127.0.0.1 with its
# own host key, config and authorized_keys (written by org-admin ssh
# authorized-keys) in the scratch directory.  A member of acme runs the
# pipeline from "their machine" through ssh and gets a job; everything
# else they try is refused, by credpipe-shell or by sshd itself.
. "$(dirname "$0")/lib.sh"
SMTP_EXIT_TRAP='stop_sshd; cleanup'
. "$TOP/test/smtp/lib.sh"

SSHD=/usr/sbin/sshd
S=$SCRATCH
# The database as authorized_keys names it: a file's absolute path, or
# the URI of a database on a server as it is.
forced_db=$S/credpipe.db
[ "$engine" = sqlite ] || forced_db=$DB

setup_org acme professional || exit 1
setup_org beta professional || exit 1
{
	org-admin org sender acme badges@acme.example Acme
	org-admin member add acme ada@acme.example issuer
	org-admin member add acme vic@acme.example viewer
	org-admin member add beta bob@beta.example issuer
} 2>/dev/null
for who in ada vic bob eve ian ola; do
	ssh-keygen -q -t ed25519 -N '' -C "$who@laptop" -f "$S/$who" || exit 1
done
org-admin member sshkey add acme ada@acme.example "$S/ada.pub" >ada.id 2>/dev/null
org-admin member sshkey add -r 1 acme vic@acme.example "$S/vic.pub" >vic.id 2>/dev/null
org-admin member sshkey add beta bob@beta.example "$S/bob.pub" >bob.id 2>/dev/null
is "three keys recorded" "$(cat ada.id vic.id bob.id | wc -l)" 3
run org-admin ssh authorized-keys -o "$S/authorized_keys"
exits "authorized-keys written" 0
is "mode 0600" "$(stat -c %a "$S/authorized_keys")" 600
is "a line a key, and the header" "$(wc -l <"$S/authorized_keys")" 4
has "each line is restricted to credpipe-shell" "$S/authorized_keys" \
    "restrict,command=\"$CREDPIPE_BUILD/bin/credpipe-shell -d $forced_db $(cut -f 1 ada.id)\" ssh-ed25519"

# sshd, as the user running the test, for that user.
ssh-keygen -q -t ed25519 -N '' -f "$S/host" || exit 1
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
me=$(id -un)
start_sshd() {
	for try in 1 2 3 4 5; do
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		cat >"$S/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $S/host
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
PermitUserEnvironment no
StrictModes no
LogLevel VERBOSE
CONF
		rm -f "$S/sshd.log"
		"$SSHD" -D -e -f "$S/sshd_config" 2>"$S/sshd.log" &
		SSHD_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q "Server listening" "$S/sshd.log" 2>/dev/null && return 0
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.05
			i=$((i + 1))
		done
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
	done
	echo "# sshd did not start:" >&2
	sed 's/^/# /' "$S/sshd.log" >&2
	return 1
}
stop_sshd() {
	[ -n "${SSHD_PID-}" ] && kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}
trap 'stop_sshd; cleanup' EXIT
start_sshd || exit 1
echo "[127.0.0.1]:$port $(cut -d ' ' -f 1,2 "$S/host.pub")" >"$S/known_hosts"

# as WHO COMMAND...: what the member WHO's ssh runs, from their machine.
as() {
	who=$1
	shift
	ssh -F /dev/null -p "$port" -i "$S/$who" -o IdentitiesOnly=yes \
	    -o BatchMode=yes -o UserKnownHostsFile="$S/known_hosts" \
	    -o StrictHostKeyChecking=yes -o LogLevel=ERROR \
	    "$me@127.0.0.1" "$@"
}

# The pipeline, on the member's side, as the README gives it.
printf 'name,email\nAda Lovelace,ada@example.org\nAlan Turing,alan@example.org\nBad,bad@\n' >roster.csv
csv-validate -q roster.csv | as ada recipient-check -q -b timed >review.tsv
is "recipient-check over ssh: 3 rows back" "$(cut -f 2 review.tsv | tr '\n' ' ')" "new new invalid "
run as ada bulk-submit -q -b timed <review.tsv
exits "bulk-submit over ssh: accepted" 0
job=$(cat out)
is "bulk-submit over ssh: a job id" \
    "$(org-admin job show "$job" | sed -n 's/^org	//p')" acme
is "the job knows the SSH key that made it" \
    "$(rows job id="$job" ssh_key_id)" "$(cut -f 1 ada.id)"
run as ada job-status "$job"
exits "job-status over ssh" 0
has "job-status over ssh: the job" out "2 pending"
run as ada csv-validate -t
exits "csv-validate -t over ssh" 0
has "the template" out "name,email"
as ada job-status -f "$job" >failed.csv
is "job-status -f over ssh: the header" "$(head -n 1 failed.csv)" "name,email,reason"
is "the key's use is recorded" \
    "$(org-admin member sshkey list acme ada@acme.example |
    awk -F '\t' -v id="$(cut -f 1 ada.id)" '$1 == id { print ($8 != "-") }')" 1

# refused DESC RC TEXT COMMAND...: as ada, exits RC saying TEXT.
refused() {
	desc=$1 want_rc=$2 want=$3
	shift 3
	run as ada "$@"
	exits "$desc: exit $want_rc" "$want_rc"
	has "$desc: says so" err "$want"
}
refused "org-admin" 77 "'org-admin' is not a command this account runs" org-admin org list
# The sqlite3 shell on the SQLite file: a name credpipe-shell refuses, so
# that it never runs (a PostgreSQL store would have psql tried likewise).
refused "sqlite3" 77 "'sqlite3' is not a command" sqlite3 "$S/credpipe.db" .dump
refused "a shell" 77 "'sh' is not a command" sh
refused "bash -c" 77 "'bash' is not a command" bash -c id
refused "no command: no shell" 77 "no command given: there is no shell here"
refused "a path to a command" 77 "is not a command" "$CREDPIPE_BUILD/bin/org-admin" org list
refused "recipient-check -d another database" 77 "option -d of recipient-check is not taken here" \
    recipient-check -d /tmp/credpipe-gate-$$-other.db -b timed
refused "bulk-submit -k a key file" 77 "option -k of bulk-submit" bulk-submit -k /etc/passwd -b timed
refused "-d glued to its value" 77 "option -d" job-status -d/tmp/credpipe-gate-$$.db 1
refused "csv-validate of a server file" 77 "reads standard input here" csv-validate /etc/passwd
refused "credential-verify -s a server directory" 77 "option -s of credential-verify" credential-verify -s /etc
refused "a semicolon" 77 "';' is not taken" "job-status $job; org-admin org list"
refused "\$()" 77 "'\$' is not taken" 'job-status $(id -u)'
refused "backquotes" 77 "'\`' is not taken" 'job-status `id -u`'
refused "a redirection out" 77 "'>' is not taken" "job-status $job >/tmp/credpipe-gate-$$"
refused "a redirection in" 77 "'<' is not taken" "csv-validate </etc/passwd"
refused "a pipe" 77 "'|' is not taken" "job-status $job | sh"
refused "&&" 77 "'&' is not taken" "job-status $job && sh"
refused "a newline" 77 "control character" "job-status $job
sh"
refused "another organization's job" 65 "no such job" job-status "$(store_test job-add beta timed)"
refused "another organization's badge" 65 "organization acme has no badge 'nope'" recipient-check -b nope
is "no file was made by any of it" "$(ls -d /tmp/credpipe-gate-$$* 2>/dev/null)" ""

# What ssh offers besides commands is refused by sshd (restrict).
run as ada -W 127.0.0.1:"$port"
if [ "$rc" != 0 ]; then ok "no forwarding to 127.0.0.1 through the gate"; else not_ok "no forwarding to 127.0.0.1 through the gate"; fi
run as ada -tt job-status "$job"
has "no terminal is given" err "PTY allocation request failed"

# The roles and rates of each key are the member's.
csv-validate -q roster.csv >records.tsv
run as vic recipient-check -q -b timed <records.tsv
exits "a viewer may not classify: 77" 77
has "saying the role" err "this needs the issuer role or above; vic@acme.example is a viewer of acme"
run as bob job-status "$job"
exits "beta's member does not see acme's job" 65
has "which is no such job to him" err "no such job"

# A key's rate limit is its own: one submission an hour for ian's.
org-admin member add acme ian@acme.example issuer 2>/dev/null
org-admin member sshkey add -r 1 acme ian@acme.example "$S/ian.pub" >/dev/null 2>&1
org-admin ssh authorized-keys -o "$S/authorized_keys" 2>/dev/null
printf 'name,email\nIan One,ian1@example.org\n' | csv-validate -q >ian1.tsv
printf 'name,email\nIan Two,ian2@example.org\n' | csv-validate -q >ian2.tsv
as ian recipient-check -q -b timed <ian1.tsv >ian1.review
as ian recipient-check -q -b timed <ian2.tsv >ian2.review
run as ian bulk-submit -q -b timed <ian1.review
exits "ian's first submission" 0
run as ian bulk-submit -q -b timed <ian2.review
exits "his second within the hour: 75" 75
has "the rate limit, with when to try again" err "rate limit: 1 submission an hour"
run as ada bulk-submit -q -b timed <ian2.review
exits "ada's key has its own bucket" 0

# Unknown keys: sshd refuses them.
run as eve job-status "$job"
exits "a key nobody recorded: refused by sshd (255)" 255
has "Permission denied" err "Permission denied"

# A removed key: refused at once by credpipe-shell, then by sshd.
org-admin member sshkey remove acme "$(cut -f 2 ada.id)" 2>/dev/null
run as ada job-status "$job"
exits "a removed key, still in authorized_keys: 77" 77
has "credpipe-shell says it was removed" err "was removed"
org-admin ssh authorized-keys -o "$S/authorized_keys" 2>/dev/null
run as ada job-status "$job"
exits "once authorized-keys is written again: sshd refuses it (255)" 255
is "three lines remain" "$(grep -c '^restrict' "$S/authorized_keys")" 3

# A removed member's keys go with them.
org-admin member remove beta bob@beta.example 2>/dev/null
run as bob job-status 1
exits "a removed member: 77" 77

# scripts/bulk-issue and retry-failed take the remote.
org-admin member sshkey add acme ada@acme.example "$S/ada.pub" >ada2.id 2>/dev/null
org-admin ssh authorized-keys -o "$S/authorized_keys" 2>/dev/null
printf 'name,email\nGrace Hopper,grace@example.org\n' >r2.csv
CREDPIPE_SSH="ssh -F /dev/null -p $port -i $S/ada -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$S/known_hosts -o LogLevel=ERROR"
export CREDPIPE_SSH
run "$TOP/scripts/bulk-issue" -y -r "$me@127.0.0.1" -b timed r2.csv
exits "bulk-issue -r: submitted over ssh" 0
job2=$(cat out)
is "bulk-issue -r: a job of acme's, by ada's new key" \
    "$(org-admin job show "$job2" | sed -n 's/^org	//p')|$(rows job id="$job2" ssh_key_id)" \
    "acme|$(cut -f 1 ada2.id)"
smtp_start "$S/smtp" -r 'grace@example.org=550 5.1.1 <grace@example.org>: no such mailbox' || exit 1
run job-worker -u "$SMTP_URL"
smtp_stop
is "the worker fails grace's row" "$(job-status -k acme.key -p -i "$job2" | cut -f 3)" failed
run "$TOP/scripts/retry-failed" -y -r "$me@127.0.0.1" "$job2"
exits "retry-failed -r: the failed row again, over ssh" 0
job3=$(cat out)
is "retry-failed -r: a new job with the row" \
    "$(job-status -k acme.key -p -i "$job3" | cut -f 2)" "grace@example.org"

# Credentials, listed and revoked over ssh: a member lists, an admin
# revokes from the list, through two ssh sessions joined by a pipe.
org-admin member add acme ola@acme.example admin 2>/dev/null
org-admin member sshkey add acme ola@acme.example "$S/ola.pub" >/dev/null 2>&1
org-admin ssh authorized-keys -o "$S/authorized_keys" 2>/dev/null
run as ada credential-list -b timed -s active
exits "credential-list over ssh" 0
cp out active.list
is "acme's active credentials of timed" "$(wc -l <active.list)" \
    "$(org-admin credential list acme timed | awk -F '\t' '$7 == "active"' | wc -l)"
run as ada credential-revoke -r "not allowed" "$(sed -n 1p active.list | cut -f 1)"
exits "an issuer may not revoke: 77" 77
refused "credential-list -d another database" 77 "option -d of credential-list" credential-list -d /tmp/x.db
refused "credential-revoke of a word that is no id" 77 "is not a credential id" credential-revoke -r x ../credpipe.db
# ssh joins its words with spaces: a value of two words is quoted for
# credpipe-shell as well.
as ada credential-list -b timed -s active | as ola credential-revoke -r "'exam annulled'" >revoked.ids 2>err
rc=$?
exits "an admin revokes what the member listed, over ssh" 0
is "every listed one revoked" "$(wc -l <revoked.ids)" "$(wc -l <active.list)"
is "none active left" "$(as ada credential-list -b timed -s active | wc -l)" 0
is "the reason is the two words" "$(as ada credential-list -b timed -s revoked | cut -f 9 | sort -u)" "exam annulled"
is "audited as ola" \
    "$(org-admin log -o acme | awk -F '\t' '$4 == "credential revoke" && $2 == "ola@acme.example"' | wc -l)" \
    "$(wc -l <active.list)"

stop_sshd
done_testing
