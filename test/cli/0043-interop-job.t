#!/bin/sh
# A real job held to independent software: 1,000 recipients with hostile
# names and one of each other class (expired, active-timebound,
# active-nonexpiring, revoked), a badge with an image and a type, an
# issuer with its profile, delivered into a maildir; every credential
# mailed is valid for 1EdTech's OB 3.0 JSON Schema (test/interop/
# schema.js) and verifies in @digitalbazaar/vc (test/interop/verify.js)
# and in credential-verify; copies with the name, a date or the
# proofValue changed fail both.
. "$(dirname "$0")/lib.sh"

interop=$TOP/test/interop

setup_org acme professional || exit 1
CREDPIPE_API_KEY=$(cat acme.key)
export CREDPIPE_API_KEY
org-admin org sender acme badges@acme.example "Acme"
org-admin org quota acme 5000
org-admin org set acme url https://acme.example/
org-admin org set acme email badges@acme.example
org-admin org set acme description "Acme trains people."
org-admin org set acme image "$TOP/test/data/image/logo.png"
run org-admin badge create -v 365 -i "$TOP/test/data/image/badge.png" \
    -t Certificate -D 'Knows <html> & "quotes"' acme cert 'Certificate <of> "Achievement"'
exits "a badge with an image and a type" 0

# The recipients who hold credentials already: one of each class.
printf 'cert\t%s\t%s\t%s\t%s\t%s\t\t%s\n' \
    exp@example.org Exp "$(ago 40000000)" "$(ago 8000000)" - urn:uuid:00000000-0000-4000-8000-000000000001 \
    act@example.org Act "$(ago 86400)" "$(ago -86400)" - urn:uuid:00000000-0000-4000-8000-000000000002 \
    non@example.org Non "$(ago 86400)" - - urn:uuid:00000000-0000-4000-8000-000000000003 \
    rev@example.org Rev "$(ago 86400)" - "$(ago 3600)" urn:uuid:00000000-0000-4000-8000-000000000004 |
    org-admin credential import acme >/dev/null

# 1,000 new ones whose names need care everywhere: JSON, N-Quads, MIME.
/usr/bin/python3 - <<'EOF'
import csv
kinds = ['Zoë Ñúñez-%d "Ωmega" 🎓',
         "O'Brien \\ back\\slash\\n\\t\\u0000 %d",
         "שלום עולם \u202e %d \u200fעברית \u2067isolate\u2069",
         '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 %d \ufdfd 한국어 "\\"" <b>&amp;</b>']
with open("roster.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["name", "email"])
    for i in range(1, 1001):
        w.writerow([kinds[i % 4] % i, "r%d@example.org" % i])
    for n in ("Exp", "Act", "Non", "Rev"):
        w.writerow([n, n.lower() + "@example.org"])
EOF
csv-validate -q roster.csv | recipient-check -q -b cert >review.tsv
is "classified: 1,000 new and one of each other class" \
    "$(cut -f 2 review.tsv | sort | uniq -c | awk '{ printf "%s %s|", $1, $2 }')" \
    "1 active-nonexpiring|1 active-timebound|1 expired|1000 new|1 revoked|"
job=$(bulk-submit -q -b cert <review.tsv)
run job-worker -c 2 -M outbox
exits "the worker delivers the job into a maildir" 0
is "every item sent, the active non-expiring one skipped" \
    "$(item_states "$job" | tr '\n' '|')" \
    "sent 1003|skipped 1|"
is "1,003 messages" "$(ls outbox/new | wc -l)" 1003

mkdir creds
run sh -c 'ls outbox/new/* | xargs /usr/bin/python3 "$TOP/test/smtp/attachments.py" "$DB" creds'
exits "each attachment is byte for byte its stored credential" 0
is "1,003 credentials" "$(ls creds | wc -l)" 1003
run /usr/bin/python3 -c '
import csv, glob, json
roster = {r["name"] for r in csv.DictReader(open("roster.csv"))} - {"Non"}
names = set()
for f in glob.glob("creds/*.json"):
    c = json.load(open(f))
    a = c["credentialSubject"]["achievement"]
    assert a["image"]["type"] == "Image", f
    assert a["image"]["id"].startswith("data:image/png;base64,"), f
    assert a["achievementType"] == "Certificate", f
    assert c["issuer"]["image"]["id"].startswith("data:image/png;base64,"), f
    assert c["credentialStatus"]["type"] == "BitstringStatusListEntry", f
    names.add(c["credentialSubject"]["name"])
print(len(names), names == roster)'
exits "each carries the badge's image and type, the issuer's image and a status" 0
is "and each recipient's name exactly as the roster wrote it" "$(cat out)" "1003 True"

accepted creds 1003

# Tampered copies of 40 of them, the renewals among them: the name, a
# date, the proofValue.
mkdir tampered
run /usr/bin/python3 - <<'EOF'
import glob, json, os
files = sorted(glob.glob("creds/*.json"))
docs = {f: json.load(open(f)) for f in files}
pick = [f for f in files if docs[f]["credentialSubject"]["name"] in
        ("Exp", "Act", "Rev")]
pick += [f for f in files[::27] if f not in pick][:40 - len(pick)]
for f in pick:
    base = os.path.basename(f)[:-5]
    name, date, proof = (json.loads(json.dumps(docs[f])) for _ in range(3))
    name["credentialSubject"]["name"] += "."
    date["validUntil"] = str(int(date["validUntil"][:4]) + 1) + \
        date["validUntil"][4:]
    v = proof["proof"][0]["proofValue"]
    proof["proof"][0]["proofValue"] = v[:10] + ("2" if v[10] != "2" else "3") + v[11:]
    for kind, doc in (("name", name), ("date", date), ("proof", proof)):
        with open("tampered/%s-%s.json" % (base, kind), "w") as out:
            json.dump(doc, out, ensure_ascii=False, indent=2)
print(len(pick))
EOF
is "40 credentials tampered three ways" "$(cat out)" 40
run sh -c 'cd "$1" && node verify.js "$2"/tampered/*.json' sh "$interop" "$SCRATCH"
exits "the node verifier rejects the tampered copies" 1
is "all 120" "$(grep -c ' FAIL ' out)" 120
run sh -c 'credential-verify -d "$DB" tampered/*.json'
exits "credential-verify rejects them" 1
is "all 120" "$(grep -c '^FAIL ' out)" 120
ls tampered/*.json | paste - out >verdicts
is "the name and the date: the signature does not match" \
    "$(grep -e '-name.json' -e '-date.json' verdicts | grep -c 'signature does not match')" 80
run node "$interop/schema.js" tampered/*-name.json
exits "yet they are valid for the schema: only the proof tells" 0

done_testing
