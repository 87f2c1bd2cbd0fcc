#!/bin/sh
# The Debian package on this machine, as root (make deb-test, with DEB the
# .deb of make deb): dpkg -i; the account credpipe and its home
# /var/lib/credpipe; the commands in /usr/bin, their man pages, the
# examples, the systemd units neither enabled nor started; the demo run
# with the installed commands; as credpipe, a database in its home and a
# job the crontab's line delivers to a test relay; dpkg --purge, which
# removes the package and keeps the operator's data, saying so; installed
# again over that data and purged again; then what the purge said to do
# to remove the data and the account, done.  Whatever happens, the
# machine is left as it was found.
CREDPIPE_BUILD=/nonexistent
. "$(dirname "$0")/../cli/lib.sh"
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

bail() {
	echo "Bail out! $*"
	exit 1
}
[ "$(id -u)" = 0 ] || bail "run as root (make deb-test)"
[ -f "${DEB:-}" ] || bail "DEB names no .deb: make deb-test builds it"
if dpkg-query -W -f='${Status}' credpipe 2>/dev/null | grep -qv not-installed ||
    [ -e /var/lib/credpipe ] || [ -e /etc/credpipe ] ||
    getent passwd credpipe >/dev/null || getent group credpipe >/dev/null; then
	bail "credpipe is on this machine already (the package, /var/lib/credpipe," \
	    "/etc/credpipe or the account), which this test would remove"
fi

data=/var/lib/credpipe
docs=/usr/share/doc/credpipe
units=/lib/systemd/system
version=$(sed -n 's/^#define CREDPIPE_VERSION "\(.*\)"$/\1/p' "$TOP/lib/version.h")
cmds=$(for c in "$TOP"/cmd/*.c; do basename "$c" .c; done; echo bulk-issue retry-failed)

# From here on, whatever happens, the machine is put back as it was.
cleanup() {
	smtp_stop
	if dpkg-query -W -f='${Status}' credpipe 2>/dev/null | grep -qv not-installed; then
		dpkg --purge credpipe >/dev/null 2>&1
	fi
	rm -rf "$data" /etc/credpipe
	if getent passwd credpipe >/dev/null; then
		deluser --quiet --system credpipe >/dev/null 2>&1
	fi
	if getent group credpipe >/dev/null; then
		delgroup --quiet --system credpipe >/dev/null 2>&1
	fi
	rm -rf "$SCRATCH"
}
SMTP_EXIT_TRAP=cleanup
. "$TOP/test/smtp/lib.sh"
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# as_credpipe SCRIPT [ARG...]: SCRIPT run by sh as the account credpipe,
# in its home, with nothing of this environment but what is given.
as_credpipe() {
	as_script=$1
	shift
	runuser -u credpipe -- env -i HOME="$data" LOGNAME=credpipe \
	    PATH=/usr/bin:/bin LC_ALL=C.UTF-8 CREDPIPE_DB="$data/credpipe.db" \
	    ${CREDPIPE_API_KEY:+CREDPIPE_API_KEY="$CREDPIPE_API_KEY"} \
	    /bin/sh -c "cd && $as_script" sh "$@"
}

# modes PATH: its owner, group and mode, as "credpipe:credpipe 750".
modes() {
	stat -c '%U:%G %a' "$1" 2>&1
}

# --- dpkg -i
run dpkg -i "$DEB"
exits "dpkg -i $(basename "$DEB")" 0
if grep -qi 'warn\|error' out err; then
	not_ok "dpkg -i says nothing amiss"
	diag out
	diag err
else
	ok "dpkg -i says nothing amiss"
fi
is "dpkg knows credpipe $version installed" \
    "$(dpkg-query -W -f='${Status} ${Version}' credpipe)" "install ok installed $version"

# --- the account and its home
if id credpipe >out 2>err; then ok "id credpipe"; else not_ok "id credpipe"; diag err; fi
IFS=: read -r _ _ uid gid _ home shell <<EOF
$(getent passwd credpipe)
EOF
[ "$uid" -lt 1000 ] && ok "credpipe is a system account (uid $uid)" ||
    not_ok "credpipe is a system account (uid $uid)"
is "its group is credpipe" "$(getent group "$gid" | cut -d : -f 1)" credpipe
is "its home is $data" "$home" "$data"
is "its shell runs what sshd hands it (credpipe-shell)" "$shell" /bin/sh
case $(getent shadow credpipe | cut -d : -f 2) in
[*!]*) ok "it has no password" ;;
*) not_ok "it has no password" ;;
esac
is "$data is credpipe's, 0750" "$(modes "$data")" "credpipe:credpipe 750"

# --- the commands, their pages, the examples, the units
for c in $cmds; do
	is "/usr/bin/$c -V: $version" "$(/usr/bin/"$c" -V 2>&1)" "$c $version"
done
for page in "$TOP"/man/*.[1-8]; do
	name=$(basename "$page")
	s=${name##*.}
	is "man -w $s ${name%.*}" "$(man -w "$s" "${name%.*}" 2>&1)" \
	    "/usr/share/man/man$s/$name.gz"
done
MANWIDTH=80 man job-worker >out 2>err
has "man job-worker shows the page" out "sign and deliver the credentials of submitted jobs"
MANWIDTH=80 man 7 credpipe >out 2>err
has "man 7 credpipe too" out "credpipe"
for f in copyright changelog.gz README.md.gz; do
	[ -f "$docs/$f" ] && ok "$docs/$f" || not_ok "$docs/$f"
done
for f in roster.csv roster-problems.csv crontab credpipe-worker.service \
    credpipe-worker.timer; do
	[ -f "$docs/examples/$f" ] && ok "$docs/examples/$f" ||
	    not_ok "$docs/examples/$f"
done
for u in credpipe-worker.service credpipe-worker.timer; do
	[ -f "$units/$u" ] && ok "$units/$u" || not_ok "$units/$u"
done
exec_start=$(sed -n 's/^ExecStart=//p' "$units/credpipe-worker.service")
case $exec_start in
/usr/bin/job-worker*) ok "the service runs /usr/bin/job-worker" ;;
*) not_ok "the service runs /usr/bin/job-worker (ExecStart=$exec_start)" ;;
esac
is "as credpipe" "$(sed -n 's/^User=//p' "$units/credpipe-worker.service")" credpipe
is "the timer is enabled nowhere" \
    "$(find /etc/systemd/system -name 'credpipe-worker*' 2>&1)" ""
[ ! -e /etc/systemd/system/timers.target.wants/credpipe-worker.timer ] &&
    ok "no timers.target.wants/credpipe-worker.timer" ||
    not_ok "no timers.target.wants/credpipe-worker.timer"
if [ -d /run/systemd/system ]; then
	is "systemctl: the timer disabled" \
	    "$(systemctl is-enabled credpipe-worker.timer 2>&1)" disabled
	is "systemctl: the timer not started" \
	    "$(systemctl is-active credpipe-worker.timer 2>&1)" inactive
	is "systemctl: no worker started" \
	    "$(systemctl is-active credpipe-worker.service 2>&1)" inactive
fi
# Without systemd running (a container), what the package would do is in
# its maintainer scripts: nothing there enables or starts a unit, a
# restart is a try-restart (only what runs already), and an enable only
# restores what the operator had enabled (was-enabled).
for script in postinst prerm postrm; do
	f=/var/lib/dpkg/info/credpipe.$script
	is "$script starts nothing" \
	    "$(grep -cE 'deb-systemd-invoke +(start|restart)|systemctl +(--[a-z]+ +)*(enable|start|restart)' "$f")" 0
done
is "postinst enables only what was enabled" \
    "$(grep -B2 "deb-systemd-helper enable" /var/lib/dpkg/info/credpipe.postinst | grep -c 'was-enabled')" \
    "$(grep -c "deb-systemd-helper enable" /var/lib/dpkg/info/credpipe.postinst)"

# --- the demo, with the installed commands: scripts/demo of the source in
# a tree of its own, with the roster the package installed, where the
# build's bin and the source's scripts are not: every command it runs is
# found in /usr/bin.
demo=$SCRATCH/demo
mkdir -p "$demo/scripts" "$demo/examples"
cp "$TOP/scripts/demo" "$demo/scripts/"
cp "$docs/examples/roster.csv" "$demo/examples/"
demo_path=$demo/build/bin:$demo/scripts:$PATH
for c in $cmds; do
	is "the demo runs $(PATH=$demo_path command -v "$c")" \
	    "$(PATH=$demo_path command -v "$c")" "/usr/bin/$c"
done
run env -i HOME="$SCRATCH" PATH="$PATH" LC_ALL=C.UTF-8 sh "$demo/scripts/demo"
exits "the demo runs" 0
is "credential-verify: the ten credentials it delivered are OK" \
    "$(grep -c '^OK urn:uuid:' out)" 10
has "job-status lists its job" out "completed"

# --- as credpipe: the database in its home, an organization, a job, and
# the crontab's line, run as cron runs it, delivering it to a test relay.
run as_credpipe '
	org-admin init &&
	org-admin org create -p professional acme "Acme Training" &&
	org-admin org approve acme &&
	org-admin org status-url acme https://acme.example/credpipe/status &&
	org-admin org sender acme badges@acme.example "Acme Training" &&
	org-admin key generate acme &&
	org-admin badge create -v 365 acme python-101 "Python 101" &&
	org-admin member add acme ada@acme.example issuer'
exits "as credpipe: org-admin init and an organization" 0
is "$data/credpipe.db is credpipe's, 0600" "$(modes "$data/credpipe.db")" "credpipe:credpipe 600"
is "and so is $data/credpipe.key" "$(modes "$data/credpipe.key")" "credpipe:credpipe 600"
CREDPIPE_API_KEY=$(as_credpipe 'org-admin apikey create acme ada@acme.example' 2>/dev/null)
job=$(as_credpipe 'csv-validate "$1" | recipient-check -q -b python-101 |
	bulk-submit -q -b python-101' "$docs/examples/roster.csv" 2>err)
is "a member submits the roster: job 1" "$job" 1

smtp_start "$SCRATCH/srv" || exit 1
# /etc/credpipe/env as examples/env says to install it, its relay the
# test's, when the package has examples/env.
url() { sed "s|^CREDPIPE_SMTP_URL=.*|CREDPIPE_SMTP_URL=$SMTP_URL|"; }
if [ -f "$docs/examples/env" ]; then
	install -d -m 0750 -g credpipe /etc/credpipe &&
	url <"$docs/examples/env" >"$SCRATCH/env" &&
	install -m 0600 -o credpipe -g credpipe "$SCRATCH/env" /etc/credpipe/env
fi
# cron: /bin/sh, HOME and LOGNAME from the account, PATH=/usr/bin:/bin,
# then the crontab's NAME=value lines; in HOME, the first job line.
crontab=$docs/examples/crontab
set -- HOME="$data" LOGNAME=credpipe SHELL=/bin/sh PATH=/usr/bin:/bin
while IFS= read -r v; do
	set -- "$@" "$v"
done <<EOF
$(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$crontab" | url)
EOF
line=$(grep -E '^[0-9*@]' "$crontab" | head -n 1)
cmd=$(echo "$line" | sed -E 's/^([^[:space:]]+[[:space:]]+){5}//')
is "the crontab's line runs every five minutes" "${line%%"$cmd"}" "*/5 * * * * "
cron_path=$(env -i "$@" /bin/sh -c 'echo "$PATH"')
is "the job-worker of its PATH is /usr/bin's" \
    "$(PATH=$cron_path command -v job-worker)" /usr/bin/job-worker
run runuser -u credpipe -- env -i "$@" /bin/sh -c "cd && $cmd"
exits "as credpipe, the crontab's line: exit 0" 0
is "it said nothing (cron would mail it)" "$(cat out err)" ""
is "the relay got the ten credentials" "$(smtp_stat messages)" 10
smtp_stop
is "the job is completed" \
    "$(as_credpipe 'job-status -p "$1"' "$job" | sed -n 's/^status	//p')" completed

# --- dpkg --purge: the package's files go, the operator's data stays, and
# the purge says so, and how to remove it.
purged() {
	for c in $cmds; do
		[ ! -e "/usr/bin/$c" ] && ok "$1: /usr/bin/$c gone" ||
		    not_ok "$1: /usr/bin/$c gone"
	done
	is "$1: the man pages, docs and units gone" \
	    "$(ls -d /usr/share/man/man1/job-worker.1.gz /usr/share/man/man7/credpipe.7.gz \
		"$docs" "$units"/credpipe-worker.* 2>/dev/null)" ""
	case $(dpkg-query -W -f='${Status}' credpipe 2>/dev/null) in
	"" | "unknown ok not-installed") ok "$1: dpkg knows credpipe no more" ;;
	*) not_ok "$1: dpkg knows credpipe no more" ;;
	esac
	is "$1: $data/credpipe.db kept, credpipe's, 0600" \
	    "$(modes "$data/credpipe.db")" "credpipe:credpipe 600"
	[ -f "$data/credpipe.key" ] && ok "$1: and the master key" ||
	    not_ok "$1: and the master key"
	has "$1 says where the data was kept, and how to remove it" out \
	    "kept the operator's data in $data (the database and its master key); remove it with: rm -rf $data"
	getent passwd credpipe >/dev/null && ok "$1: the account kept" ||
	    not_ok "$1: the account kept"
	has "$1 says so, and how to remove it" out \
	    "kept the system account credpipe; remove it with: deluser --system credpipe"
}
run dpkg --purge credpipe
exits "dpkg --purge credpipe" 0
diag out
purged "the purge"

# --- installed again, over the data kept: the job is there.
run dpkg -i "$DEB"
exits "dpkg -i again, over the data kept" 0
is "$data is credpipe's, 0750, again" "$(modes "$data")" "credpipe:credpipe 750"
is "the database is as it was: the job is completed" \
    "$(as_credpipe 'job-status -p "$1"' "$job" | sed -n 's/^status	//p')" completed
run dpkg --purge credpipe
exits "dpkg --purge credpipe again" 0
purged "the second purge"

# --- what the purge said to do, done: the machine as it was.
sed -n 's/^credpipe: kept .* with: //p' out >advice
while IFS= read -r a; do
	if sh -c "$a" >/dev/null 2>err; then ok "done: $a"; else not_ok "done: $a"; diag err; fi
done <advice
[ ! -e "$data" ] && ok "$data gone" || not_ok "$data gone"
[ ! -e /etc/credpipe ] && ok "/etc/credpipe gone" || not_ok "/etc/credpipe gone"
getent passwd credpipe >/dev/null && not_ok "the account gone" || ok "the account gone"
getent group credpipe >/dev/null && not_ok "its group gone" || ok "its group gone"

done_testing
