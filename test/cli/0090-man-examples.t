#!/bin/sh
# Every command's man page: each block of its EXAMPLES section, as mandoc
# renders it (what a reader copies), runs and exits 0.
#
# The blocks run in a copy of one prepared directory: the database of an
# organization "acme" with the badge "python-101", the member
# ada@acme.example, an admin, whose key is in CREDPIPE_API_KEY (and
# ada.key), the roster roster.csv, its records.tsv and review.tsv, job 42
# done with two failures and its failed rows in retry.csv, a delivered
# credential.json and a directory of them, credentials/, ada's SSH key
# ada.pub recorded as key 1 and another of hers, ada-laptop.pub, not
# recorded yet, and an SMTP server in CREDPIPE_SMTP_URL.  HOME is the
# directory (with its .ssh).  A block that starts from nothing
# (org-admin init) runs in an empty directory instead.
. "$(dirname "$0")/lib.sh"
# What is run here names its database as a file, as the operator's
# examples do: SQLite on either run.
unset CREDPIPE_DB CREDPIPE_MASTER_KEY
. "$TOP/test/smtp/lib.sh"
PATH=$TOP/scripts:$PATH

smtp_start "$SCRATCH/srv" -r 'grace.hopper@example.com=550 5.1.1 unknown' \
    -r 'timbl@example.org=550 5.1.1 unknown' || exit 1
CREDPIPE_SMTP_URL=$SMTP_URL
export CREDPIPE_SMTP_URL

mkdir base
(
	cd base || exit 1
	{
		org-admin init
		org-admin org create -p professional acme "Acme Training"
		org-admin org approve acme
		org-admin org status-url acme https://acme.example/status
		org-admin org sender acme badges@acme.example "Acme Badges"
		org-admin key generate acme
		org-admin badge create -v 365 acme python-101 "Python 101"
		org-admin badge create acme warmup "Warm-up"
		org-admin member add acme ada@acme.example admin
		org-admin apikey create -r 1000 acme ada@acme.example >ada.key
		ssh-keygen -q -t ed25519 -N '' -C ada@home -f ada &&
		ssh-keygen -q -t ed25519 -N '' -C ada@laptop -f ada-laptop &&
		rm ada ada-laptop &&
		org-admin member sshkey add acme ada@acme.example ada.pub &&
		mkdir -m 700 .ssh
	} >/dev/null 2>&1 || exit 1
	CREDPIPE_API_KEY=$(cat ada.key)
	export CREDPIPE_API_KEY
	# Jobs 1 to 41, so that the roster's job is 42.
	i=1
	while [ $i -le 41 ]; do
		printf 'name,email\nWarm Up,w%d@example.org\n' $i >w.csv
		csv-validate -q w.csv | recipient-check -q -b warmup |
		    bulk-submit -q -b warmup >/dev/null || exit 1
		i=$((i + 1))
	done
	cp "$TOP/examples/roster.csv" roster.csv
	csv-validate -q roster.csv >records.tsv
	recipient-check -q -b python-101 <records.tsv >review.tsv
	[ "$(bulk-submit -q -b python-101 <review.tsv)" = 42 ] || exit 1
	job-worker -c 2 2>/dev/null || exit 1
	job-status -f 42 >retry.csv
	csv-validate -q roster.csv | recipient-check -q -b python-101 >review.tsv
	mkdir credentials
	for id in $(rows credential id document | awk -F '\t' '$2 != "\\N" { print $1 }'); do
		org-admin credential show -j "$id" >"credentials/${id#urn:uuid:}.json"
	done
	cp "$(ls credentials/*.json | head -1)" credential.json
) || { not_ok "the prepared directory"; done_testing; exit 1; }
ok "the prepared directory"
CREDPIPE_API_KEY=$(cat base/ada.key)
export CREDPIPE_API_KEY

# blocks PAGE: the code blocks of PAGE's EXAMPLES, as rendered, into
# files block.1, block.2, ...; prints how many.
blocks() {
	rm -f block.*
	mandoc -T ascii -O width=200 "$1" | sed 's/.\x08//g' | awk '
		/^EXAMPLES/ { on = 1; next }
		/^[A-Z]/ { on = 0 }
		!on { next }
		/^           / { if (!inblock) { n++; inblock = 1 }
			sub(/^           /, ""); print > ("block." n); next }
		{ inblock = 0 }
		END { print n + 0 }'
}

for page in "$TOP"/man/*.1; do
	name=$(basename "$page" .1)
	n=$(blocks "$page")
	if [ "$n" -gt 0 ]; then
		ok "$name has $n examples"
	else
		not_ok "$name has examples"
	fi
	i=1
	while [ $i -le "$n" ]; do
		rm -rf run
		if head -1 "block.$i" | grep -q '^org-admin init'; then
			mkdir run
		else
			cp -a base run
		fi
		if (cd run && HOME=$PWD sh -e ../block.$i) >out 2>err; then
			ok "$name example $i runs: $(head -1 block.$i)"
		else
			not_ok "$name example $i runs: $(head -1 block.$i)"
			sed 's/^/# > /' "block.$i"
			diag err
		fi
		i=$((i + 1))
	done
done
smtp_stop

done_testing
