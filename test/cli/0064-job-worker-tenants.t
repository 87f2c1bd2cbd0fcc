#!/bin/sh
# job-worker with many tenants in one run: 40 organizations, each with its
# own sender, name, signing key and two badges with their own names and
# subject templates, 80 jobs of 3 recipients (some shared between
# organizations and between badges), delivered over four SMTP connections
# and, from a copy of the same database, into a maildir.  Every message
# must carry the sender, From, Subject and credential of its own
# organization and badge, and each of the 240 credentials must arrive
# exactly once, to its recipient.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

NORG=40
POOL=50

BODY_ALPHA='Dear {{name}}, {{org}} awards you {{badge}}: {{credential_id}}.'
BODY_BETA='{{badge}} for {{name}} from {{org}}, {{credential_id}}.'
org-admin init 2>/dev/null || exit 1
: >orgs.tsv
: >badges.tsv
n=1
while [ $n -le $NORG ]; do
	o=org$n
	{
		org-admin org create -p professional $o "Organization $n Ltd" &&
		org-admin org approve $o &&
		org-admin org status-url $o https://$o.example/status &&
		org-admin key generate $o &&
		org-admin org sender $o badges@$o.example "Org $n Badges" &&
		org-admin badge create -s 'Subject for {{badge}} of {{org}}' \
		    -b "$BODY_ALPHA" $o alpha "Alpha $n" &&
		org-admin badge create -s '{{org}} awards {{name}} the {{badge}}' \
		    -b "$BODY_BETA" $o beta "Beta $n" &&
		org-admin member add $o issuer@$o.example issuer &&
		org-admin apikey create -r 1000 $o issuer@$o.example >$o.key
	} >/dev/null 2>setup.err || { cat setup.err >&2; exit 1; }
	did=$(org-admin org show $o | sed -n 's/^signing-key	//p')
	printf '%s\t%s\t%s\t%s\t%s\n' $o "Organization $n Ltd" "$did" \
	    badges@$o.example "Org $n Badges" >>orgs.tsv
	printf '%s\talpha\tAlpha %s\tSubject for {{badge}} of {{org}}\t%s\n' \
	    $o $n "$BODY_ALPHA" >>badges.tsv
	printf '%s\tbeta\tBeta %s\t{{org}} awards {{name}} the {{badge}}\t%s\n' \
	    $o $n "$BODY_BETA" >>badges.tsv
	n=$((n + 1))
done
is "40 organizations, each with a did:key of its own" \
    "$(cut -f 3 orgs.tsv | grep '^did:key:z' | sort -u | wc -l)" $NORG

# The rosters.  Organization n's alpha job goes to pool members n, n+1 and
# n+2, its beta job to n+2, n+7 and n+13 (modulo the pool): n+2 holds both
# of its badges, and every pool member holds badges of several
# organizations.  A recipient's name says whose roster it came from, so
# that a name in the wrong message shows too.
roster() { # ORG N BADGE OFFSETS...
	ro=$1 rn=$2 rb=$3
	shift 3
	echo "name,email"
	for off; do
		k=$(( (rn + off) % POOL + 1 ))
		echo "Person $k of $ro $rb,p$k@pool.example"
	done
}
# All alpha jobs first, then all beta ones: a batch of 100 items holds
# some 33 jobs of 33 organizations.
: >jobs.tsv
for b in alpha beta; do
	n=1
	while [ $n -le $NORG ]; do
		o=org$n
		if [ $b = alpha ]; then
			roster $o $n $b 0 1 2 >$o-$b.csv
		else
			roster $o $n $b 2 7 13 >$o-$b.csv
		fi
		job=$(CREDPIPE_API_KEY=$(cat $o.key) sh -c '
		    csv-validate -q "$1" | recipient-check -q -b "$2" |
		    bulk-submit -q -b "$2"' sh $o-$b.csv $b) || exit 1
		printf '%s\t%s\t%s\n' $o $b "$job" >>jobs.tsv
		n=$((n + 1))
	done
done
is "80 jobs submitted" "$(cut -f 3 jobs.tsv | grep -c '^[0-9][0-9]*$')" 80

# A copy of the database as it is now, for the maildir run.
mkdir m
store_test backup m/credpipe.db
cp credpipe.key m/credpipe.key

# The checker: reads the messages with Debian's Python email package.
cat >check.py <<'PY'
"""check.py ORGS BADGES ITEMS MODE FILE...

ITEMS: org, badge, email, name, credential id of every item.  MODE smtp:
each FILE has its envelope in FILE.env; maildir: in the Return-Path and
Delivered-To lines.  Prints a line for each message that is wrong, with
what is wrong in it, and for each credential that arrived twice or never;
then "wrong N of M messages"; exits 1 when anything was wrong.
"""
import email, email.header, email.policy, email.utils
import hashlib, json, re, sys

def tsv(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

orgs = {r[0]: r for r in tsv(sys.argv[1])}     # slug name did addr sender
by_did = {r[2]: r[0] for r in orgs.values()}
badges = {(r[0], r[1]): r for r in tsv(sys.argv[2])}  # org slug name subj body
items = {r[4]: r[:4] for r in tsv(sys.argv[3])}
mode = sys.argv[4]
files = sys.argv[5:]
seen = {}
wrong = 0

def address(msg, field):
    raw = [v for k, v in msg.raw_items() if k.lower() == field]
    if len(raw) != 1:
        return "%d %s headers" % (len(raw), field), None
    disp, addr = email.utils.parseaddr(re.sub(r"\r\n(?=[ \t])", "", raw[0]))
    return str(email.header.make_header(email.header.decode_header(disp))), addr

def fill(tmpl, name, badge, org, cid):
    return (tmpl.replace("{{name}}", name).replace("{{badge}}", badge)
            .replace("{{org}}", org).replace("{{credential_id}}", cid))

def check(path):
    """What is wrong with one message: a list of strings."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    if mode == "smtp":
        env = {}
        with open(path + ".env") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                env.setdefault(k, []).append(v)
        env_from, env_to = env.get("from", [None])[0], env.get("to", [])
    else:
        env_from = str(msg["Return-Path"] or "").strip().strip("<>")
        env_to = [str(msg["Delivered-To"] or "").strip()]
    atts = [p for p in msg.iter_attachments()
            if p.get_content_type() == "application/json"]
    if len(atts) != 1:
        return ["%d application/json attachments" % len(atts)]
    try:
        cred = json.loads(atts[0].get_payload(decode=True))
        cid = cred["id"]
        iss_id, iss_name = cred["issuer"]["id"], cred["issuer"]["name"]
        subj = cred["credentialSubject"]
        ach = subj["achievement"]["name"]
        ident = subj["identifier"][0]
    except (ValueError, KeyError, IndexError, TypeError) as e:
        return ["unreadable credential: %r" % e]
    seen.setdefault(cid, []).append(path)
    if cid not in items:
        return ["credential %s is no item's (issuer %s)"
                % (cid, by_did.get(iss_id, iss_id))]
    org, badge, mail, name = items[cid]
    o, b = orgs[org], badges[(org, badge)]
    from_name, from_addr = address(msg, "from")
    to_name, to_addr = address(msg, "to")
    body = msg.get_body(("plain",))
    body = body.get_content().replace("\r\n", "\n").strip() if body else None
    salted = hashlib.sha256((mail + str(ident.get("salt"))).encode())
    uuid = cid[len("urn:uuid:"):]
    want = [
        ("envelope sender", env_from, o[3]),
        ("envelope recipients", env_to, [mail]),
        ("From address", from_addr, o[3]),
        ("From name", from_name, o[4]),
        ("To address", to_addr, mail),
        ("To name", to_name, name),
        ("Subject", str(msg["Subject"]), fill(b[3], name, b[2], o[1], cid)),
        ("body", body, fill(b[4], name, b[2], o[1], cid)),
        ("Message-ID", str(msg["Message-ID"]).strip(),
         "<%s@%s>" % (uuid, o[3].split("@")[1])),
        ("issuer.id", iss_id, o[2]),
        ("issuer.name", iss_name, o[1]),
        ("achievement name", ach, b[2]),
        ("credential name", cred.get("name"), b[2]),
        ("recipient name", subj.get("name"), name),
        ("recipient identity", ident.get("identityHash"),
         "sha256$" + salted.hexdigest()),
    ]
    probs = ["%s %r, want %r" % (what, got, exp)
             for what, got, exp in want if got != exp]
    if probs:
        probs.insert(0, "credential of %s %s to %s, issuer %s:"
                     % (org, badge, mail, by_did.get(iss_id, iss_id)))
    return probs

for path in files:
    probs = check(path)
    if probs:
        wrong += 1
        print("%s: %s" % (path, " ".join(probs)))
bad = wrong
for cid, paths in sorted(seen.items()):
    if len(paths) > 1:
        print("%s arrived %d times: %s" % (cid, len(paths), " ".join(paths)))
        bad += 1
for cid in sorted(set(items) - set(seen)):
    print("%s (%s %s to %s) never arrived" % ((cid,) + tuple(items[cid][:3])))
    bad += 1
print("wrong %d of %d messages" % (wrong, len(files)))
sys.exit(1 if bad else 0)
PY

# items.tsv for a database: org, badge, email, name, credential id of
# every item, through job-status -p -i with each organization's key.
items() { # DB
	while IFS='	' read -r o b job; do
		CREDPIPE_API_KEY=$(cat $o.key) job-status -d "$1" -p -i "$job" |
		    while IFS='	' read -r row mail state cred att reason; do
			# The roster's line "row" is the item's.
			name=$(sed -n "${row}p" $o-$b.csv | cut -d , -f 1)
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' $o $b "$mail" "$name" \
			    "$cred" "$state"
		done
	done <jobs.tsv
}

# check WHAT DB MODE FILES...: the assertions of one run.
check() {
	ck_what=$1 ck_db=$2 ck_mode=$3
	shift 3
	items "$ck_db" >items-$ck_what.all
	is "$ck_what: all 240 items sent" \
	    "$(cut -f 6 items-$ck_what.all | sort | uniq -c | awk '{ $1 = $1; print }')" \
	    "240 sent"
	is "$ck_what: 240 distinct credentials issued" \
	    "$(cut -f 5 items-$ck_what.all | grep '^urn:uuid:' | sort -u | wc -l)" 240
	cut -f 1-5 items-$ck_what.all >items-$ck_what.tsv
	is "$ck_what: 240 messages" "$#" 240
	/usr/bin/python3 check.py orgs.tsv badges.tsv items-$ck_what.tsv \
	    "$ck_mode" "$@" >check-$ck_what.out 2>&1
	ck_rc=$?
	if [ $ck_rc = 0 ] && [ "$(tail -1 check-$ck_what.out)" = "wrong 0 of 240 messages" ]
	then
		ok "$ck_what: every message is its own organization's and badge's, each credential once, to its recipient"
	else
		not_ok "$ck_what: every message is its own organization's and badge's, each credential once, to its recipient"
		tail -1 check-$ck_what.out | sed 's/^/# /'
		sed '$d' check-$ck_what.out | head -60 | sed 's/^/# /'
		ck_more=$(($(wc -l <check-$ck_what.out) - 61))
		[ $ck_more -le 0 ] || echo "# ... and $ck_more lines more"
	fi
	for j in $(cut -f 3 jobs.tsv); do
		org-admin -d "$ck_db" job show "$j" | sed -n 's/^status	//p'
	done | sort | uniq -c | awk '{ $1 = $1; print }' >status-$ck_what
	is "$ck_what: the 80 jobs are completed" "$(cat status-$ck_what)" "80 completed"
}

smtp_start "$SCRATCH/srv" || exit 1
run job-worker -c 4 -u "$SMTP_URL"
exits "one worker run over four connections delivers the 80 jobs" 0
smtp_stop
is "the relay accepted 240 messages" "$(smtp_stat messages)" 240
check smtp "$DB" smtp $(find srv/mail -type f ! -name '*.env' | sort -t / -k 3n)

mkdir creds
/usr/bin/python3 -c '
import email, email.policy, sys
for i, p in enumerate(sys.argv[1:]):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    for a in m.iter_attachments():
        open("creds/%d.json" % i, "wb").write(a.get_payload(decode=True))
' $(find srv/mail -type f ! -name '*.env')
is "240 attachments" "$(ls creds | wc -l)" 240
run sh -c 'credential-verify -d "$DB" creds/*.json'
exits "credential-verify accepts every one" 0

run job-worker -d m/credpipe.db -c 4 -M outbox
exits "the same run, from the copy, into a maildir" 0
check maildir m/credpipe.db maildir $(find outbox/new -type f | sort)

done_testing
