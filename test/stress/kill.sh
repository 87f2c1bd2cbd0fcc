# kill.sh: job-worker killed with SIGKILL at random moments during one
# job, and what must hold afterwards.  Sourced, after test/cli/lib.sh and
# test/smtp/lib.sh, by test/cli/0062-job-worker-crash.t (a small round for
# `make check`) and test/stress/worker-kill (`make stress`).
#
#	kill_seed			a random seed, for SEED when unset
#	kill_round ITEMS KILLS CONNS SEED
#
# kill_round works in a directory of its own under $SCRATCH, with a fresh
# database: one organization; time-bound credentials imported for 20% of
# its ITEMS recipients, still active, and expired ones for another 10%; one
# job of all ITEMS, which thus holds renewals of both kinds (active-
# timebound, expired) and new recipients.  Then job-worker -l 1 -c CONNS
# is started in the background again and again and killed with SIGKILL
# 10 to 120 ms later (the delays drawn from SEED; KILL_SPAN, in seconds,
# widens the 110 ms of their spread), until KILLS kills have
# landed on a live worker or the job is complete; then the leases run out
# and plain runs finish the job.  It prints a TAP line per check (through
# ok, not_ok, is and same) and its figures and timings as TAP comments;
# its last figures are left in kill_kills, kill_dups, kill_bound and
# kill_secs.

kill_tab=$(printf '\t')

# The kills land 10 ms to 10 ms + KILL_SPAN seconds after a start.
KILL_SPAN=${KILL_SPAN:-0.110}

# kill_now: the time, in seconds with a fraction.
kill_now() {
	date +%s.%N
}

# kill_since T: seconds since kill_now said T, to a tenth.
kill_since() {
	awk -v a="$1" -v b="$(kill_now)" 'BEGIN { printf "%.1f", b - a }'
}

kill_seed() {
	od -An -N4 -tu4 /dev/urandom | tr -d ' '
}

# kill_status JOB: the job's status, as the operator sees it.
kill_status() {
	org-admin job show "$1" | sed -n "s/^status$kill_tab//p"
}

kill_round() {
	kr_items=$1 kr_want=$2 kr_c=$3 kr_seed=$4
	kr_l="-c $kr_c"
	kr_dir=$SCRATCH/round-c$kr_c
	mkdir "$kr_dir" && cd "$kr_dir" || { not_ok "$kr_l: a directory"; return 1; }
	echo "# $kr_l: $kr_items items, $kr_want kills, seed $kr_seed"
	kr_t0=$(kill_now)

	# A fresh database each round: on SQLite ./credpipe.db of the
	# round's directory, on PostgreSQL a database of its own.
	if [ "$engine" = postgresql ]; then
		CREDPIPE_DB=$(new_db "c$kr_c") ||
		    { not_ok "$kr_l: a database"; cd "$SCRATCH"; return 1; }
		export CREDPIPE_DB
	fi

	# The organization, the credentials it issued before, the job.
	setup_org acme professional ||
	    { not_ok "$kr_l: the organization"; cd "$SCRATCH"; return 1; }
	CREDPIPE_API_KEY=$(cat acme.key)
	export CREDPIPE_API_KEY
	org-admin org sender acme badges@acme.example "Acme"
	org-admin org quota acme $((kr_items * 2))
	kr_then=$(ago 86400) kr_later=$(ago -2592000)
	kr_old=$(ago 40000000) kr_gone=$(ago 8000000)
	awk -v n="$kr_items" -v then="$kr_then" -v later="$kr_later" \
	    -v old="$kr_old" -v gone="$kr_gone" 'BEGIN {
		for (i = 1; i <= n; i++)
			if (i % 10 == 1 || i % 10 == 2)
				printf "timed\tp%d@example.org\tPerson %d\t%s\t%s\t-\n",
				    i, i, then, later
			else if (i % 10 == 3)
				printf "timed\tp%d@example.org\tPerson %d\t%s\t%s\t-\n",
				    i, i, old, gone
	}' >import.tsv
	org-admin credential import acme <import.tsv >imported
	is "$kr_l: $(wc -l <import.tsv | tr -d ' ') earlier credentials imported" \
	    "$(grep -c '^urn:uuid:' imported)" "$(wc -l <import.tsv | tr -d ' ')"
	# email, predecessor, what becomes of it: the active ones are revoked
	# as superseded, the expired ones only linked.
	awk -F '\t' -v OFS='\t' 'NR == FNR { id[FNR] = $1; next }
	    { print $2, id[FNR], ($5 == later ? "superseded" : "") }' \
	    later="$kr_later" imported import.tsv | sort >predecessors
	awk 'BEGIN { print "name,email"
		for (i = 1; i <= '"$kr_items"'; i++)
			printf "Person %d,p%d@example.org\n", i, i
	}' >roster.csv
	csv-validate -q -s 100000000 roster.csv |
	    recipient-check -q -b timed >review.tsv
	kr_job=$(bulk-submit -q -b timed <review.tsv)
	kr_at=$((kr_items / 10 * 2 + (kr_items % 10 >= 2 ? 2 : kr_items % 10)))
	kr_ex=$((kr_items / 10 + (kr_items % 10 >= 3)))
	is "$kr_l: the job holds $kr_at active-timebound, $kr_ex expired, the rest new" \
	    "$(cut -f 2 review.tsv | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')" \
	    "active-timebound $kr_at expired $kr_ex new $((kr_items - kr_at - kr_ex)) "
	kr_t1=$(kill_now)

	# The kills.
	smtp_start "$kr_dir/srv" ||
	    { not_ok "$kr_l: the test relay"; cd "$SCRATCH"; return 1; }
	kr_max=$((kr_want * 10 + 100))
	awk -v s="$kr_seed" -v n="$kr_max" 'BEGIN { srand(s)
		for (i = 0; i < n; i++) printf "%.3f\n", 0.010 + rand() * '"$KILL_SPAN"'
	}' >delays
	kill_kills=0
	kr_tries=0 kr_self=0 kr_bad=
	exec 3<delays
	while [ "$kill_kills" -lt "$kr_want" ] && read kr_d <&3; do
		kr_tries=$((kr_tries + 1))
		job-worker -l 1 -c "$kr_c" -u "$SMTP_URL" >/dev/null 2>>worker.err &
		kr_pid=$!
		sleep "$kr_d"
		kill -KILL "$kr_pid" 2>/dev/null
		wait "$kr_pid" 2>/dev/null
		kr_rc=$?
		case $kr_rc in
		137) kill_kills=$((kill_kills + 1)) ;;
		0) kr_self=$((kr_self + 1)) ;;
		*) kr_bad="$kr_bad $kr_rc" ;;
		esac
		[ "$(kill_status "$kr_job")" = completed ] && break
	done
	exec 3<&-
	kr_t2=$(kill_now)
	kr_sent=$(org-admin job show "$kr_job" | sed -n "s/^sent$kill_tab//p")
	echo "# $kr_l: $kill_kills kills landed in $kr_tries runs ($kr_self ended by themselves), $kr_sent items sent, $(kill_since "$kr_t1") s"
	is "$kr_l: $kr_want kills landed on a live worker" "$kill_kills" "$kr_want"

	# The leases run out; plain runs finish the job.
	kr_runs=0
	while [ "$(kill_status "$kr_job")" != completed ] && [ $kr_runs -lt 30 ]
	do
		sleep 1.2
		job-worker -l 1 -c "$kr_c" -u "$SMTP_URL" >/dev/null 2>>worker.err
		kr_rc=$?
		[ $kr_rc = 0 ] || kr_bad="$kr_bad $kr_rc"
		kr_runs=$((kr_runs + 1))
	done
	smtp_stop
	kr_t3=$(kill_now)
	echo "# $kr_l: $kr_runs plain runs finished it, $(kill_since "$kr_t2") s"
	is "$kr_l: no worker failed (exit statuses other than 0 and SIGKILL)" "$kr_bad" ""

	# Nothing lost.
	is "$kr_l: the job completes" "$(kill_status "$kr_job")" completed
	job-status -p -i "$kr_job" >items
	is "$kr_l: every item is sent" \
	    "$(cut -f 3 items | sort | uniq -c | awk '{ printf "%s %s ", $2, $1 }')" \
	    "sent $kr_items "
	cut -f 4 items | sort -u | grep -v '^-$' >issued
	is "$kr_l: every item has a credential of its own" "$(wc -l <issued)" "$kr_items"
	# Every credential of the badge is an imported one or an item's: an
	# item issued two would show the second here.
	org-admin credential list acme timed >creds
	cut -f 1 creds | sort >all
	sort imported issued >want
	same "$kr_l: and no item was issued a second one" all want
	rows credential job_item_id | grep -vx '\\N' | sort | uniq -d >twice
	is "$kr_l: no item is named by two credentials" "$(wc -l <twice)" 0

	# What the relay received.
	find "$kr_dir/srv/mail" -type f ! -name '*.env' \
	    -exec grep -h '^Message-ID:' {} + |
	    sed 's/^Message-ID: <\([^@]*\)@.*/urn:uuid:\1/' | sort >ids
	sort -u ids >unique
	is "$kr_l: the relay's count of messages agrees with its files" \
	    "$(smtp_stat messages)" "$(wc -l <ids | tr -d ' ')"
	is "$kr_l: every credential was delivered" "$(wc -l <unique)" "$kr_items"
	same "$kr_l: the Message-IDs received are exactly the issued credentials" \
	    unique issued
	kill_dups=$(($(wc -l <ids) - $(wc -l <unique)))
	kill_bound=$((kill_kills * kr_c))
	echo "# $kr_l: $kill_dups duplicate mails, bound $kill_bound ($kill_kills kills x $kr_c connections)"
	if [ "$kill_dups" -le "$kill_bound" ]; then
		ok "$kr_l: duplicates ($kill_dups) <= kills x connections ($kill_bound)"
	else
		not_ok "$kr_l: duplicates ($kill_dups) <= kills x connections ($kill_bound)"
	fi

	# Renewals: one active credential per recipient, every predecessor
	# superseded (the active ones) or linked (the expired ones).
	awk -F '\t' '$7 == "active" { n[$3]++ }
	    END { for (e in n) if (n[e] > 1) print e }' creds >two
	is "$kr_l: no recipient holds two active credentials" "$(wc -l <two)" 0
	if [ -s two ]; then head -5 two | sed 's/^/# /'; fi
	is "$kr_l: every recipient holds one" \
	    "$(awk -F '\t' '$7 == "active"' creds | cut -f 3 | sort -u | wc -l)" "$kr_items"
	awk -F '\t' 'NR == FNR { kind[$2] = $3 == "" ? "expired" : $3; next }
	    $1 in kind && $7 != kind[$1] { bad++ }
	    END { print bad + 0 }' predecessors creds >stale
	is "$kr_l: the active predecessors are superseded, the expired ones still expired, not revoked" \
	    "$(cat stale)" 0
	# email, predecessor, its reason, of each item whose credential
	# supersedes one.
	rows credential id supersedes revoke_reason |
	    awk -F '\t' -v OFS='\t' 'NR == FNR { sup[$1] = $2
		why[$1] = $3 == "\\N" ? "" : $3; next }
	    sup[$4] != "" && sup[$4] != "\\N" { print $2, sup[$4], why[sup[$4]] }' \
	    - items | sort >links
	same "$kr_l: each renewal supersedes its predecessor (revoked 'superseded' when it was active)" \
	    links predecessors

	# The database.
	is "$kr_l: the database is intact" \
	    "$(store_test check integrity)" ok
	is "$kr_l: the foreign keys hold" \
	    "$(store_test check references)" ok
	if grep -q 'database is locked' worker.err; then
		not_ok "$kr_l: no 'database is locked' from the workers"
		grep 'database is locked' worker.err | head -5 | sed 's/^/# /'
	else
		ok "$kr_l: no 'database is locked' from the workers"
	fi
	if [ -s worker.err ]; then
		echo "# $kr_l: the workers said:"
		sort worker.err | uniq -c | sort -rn | head -10 | sed 's/^/#   /'
	fi

	kill_secs=$(kill_since "$kr_t0")
	echo "# $kr_l: round $kill_secs s: setup $(awk -v a="$kr_t0" -v b="$kr_t1" 'BEGIN { printf "%.1f", b - a }') s, kills $(awk -v a="$kr_t1" -v b="$kr_t2" 'BEGIN { printf "%.1f", b - a }') s, finish $(awk -v a="$kr_t2" -v b="$kr_t3" 'BEGIN { printf "%.1f", b - a }') s, checks $(kill_since "$kr_t3") s"
	cd "$SCRATCH"
}
