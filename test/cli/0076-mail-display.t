#!/bin/sh
# What a recipient sees: badges with a PNG, an SVG and a hosted image, an
# organization with its profile and the wallet and verifier it
# recommends, and another with none of that, mailed through the test
# SMTP server to recipients with hostile names; each message read by
# Python's email package and html.parser (test/smtp/display.py): its MIME
# tree, the inline image by Content-ID and byte for byte the badge's
# file, the attachment named after the badge and byte for byte the
# stored credential, every name escaped, nothing loaded from outside,
# the links as links; and the credentials carry the images, the type and
# the profile, valid for the OB 3.0 schema and the node verifier.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/smtp/lib.sh"

img=$TOP/test/data/image
sha() { sha256sum "$1" | cut -d ' ' -f 1; }

setup_org acme professional || exit 1
setup_org beta professional || exit 1
org-admin org sender acme badges@acme.example "Acme Badges"
org-admin org sender beta badges@beta.example "Beta"

# The profile and the links, each checked as it is set.
run org-admin org set acme url https://acme.example/
exits "org set url" 0
run org-admin org set acme email Badges@Acme.Example
exits "org set email" 0
run org-admin org set acme description "$(printf 'Acme trains people.\nSince 1999 & <still>.')"
exits "org set description: two lines" 0
run org-admin org set acme image "$img/logo.png"
exits "org set image: a PNG file" 0
run org-admin org set acme wallet https://wallet.acme.example/add
exits "org set wallet" 0
run org-admin org set acme verifier https://verify.acme.example/check
exits "org set verifier" 0
run org-admin org show acme
cat >want <<'EOF'
url	https://acme.example/
email	badges@acme.example
description	Acme trains people.\nSince 1999 & <still>.
image	png, 113 bytes
wallet	https://wallet.acme.example/add
verifier	https://verify.acme.example/check
EOF
grep -E '^(url|email|description|image|wallet|verifier)	' out >got
same "org show: the profile, the image as its type and size" got want

refuse() {
	want=$1 msg=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ] && grep -qF -- "$msg" err; then
		ok "refused ($want): $msg"
	else
		not_ok "refused ($want): $msg (exit $rc)"
		diag err
	fi
}
/usr/bin/python3 - <<'EOF'
import struct, zlib
def chunk(t, d):
    return (struct.pack(">I", len(d)) + t + d +
            struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
head = (b"\x89PNG\r\n\x1a\n" +
        chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)) +
        chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0")))
for n, name in ((65536, "max.png"), (65537, "big.png")):
    fill = n - len(head) - 12 - 12 - 8
    data = head + chunk(b"tEXt", b"Comment\0" + b"x" * fill) + chunk(b"IEND", b"")
    assert len(data) == n
    open(name, "wb").write(data)
EOF
refuse 65 "a GIF image; use PNG or SVG" org-admin badge create -i "$img/badge.gif" acme x X
refuse 65 "PNG: chunk IDAT cut short" org-admin badge create -i "$img/truncated.png" acme x X
refuse 65 "SVG: the root element is not svg" org-admin badge create -i "$img/page.html" acme x X
refuse 65 "SVG: the root element is not svg" org-admin badge create -i "$img/nosvg.svg" acme x X
refuse 65 "more than 65536 bytes" org-admin badge create -i big.png acme x X
refuse 65 "cannot read: No such file or directory" org-admin badge create -i nothing.png acme x X
refuse 65 "not an https URL" org-admin badge create -I http://acme.example/b.png acme x X
refuse 65 "not an https URL" org-admin badge create -I "$img/badge.png" acme x X
refuse 65 "not one of Open Badges" org-admin badge create -t Trophy acme x X
refuse 65 "not an https URL" org-admin org set acme wallet http://wallet.example/
refuse 65 "not an https URL" org-admin org set acme verifier 'https://v.example/"><script>'
refuse 65 "not an http or https URL" org-admin org set acme url ftp://acme.example/
refuse 65 "no @ in email" org-admin org set acme email acme.example
refuse 65 "control characters but line ends" org-admin org set acme description "$(printf 'a\tb')"
refuse 65 "no organization field 'logo'" org-admin org set acme logo x
refuse 65 "no badge field 'picture'" org-admin badge set acme timed picture x
run org-admin badge list acme
is "nothing was made of the refusals" "$rc $(cut -f 1 out | grep -cx x)" "0 0"
run org-admin badge create -i max.png acme max "Max"
exits "a PNG of exactly 64 KiB is taken" 0

run org-admin badge create -v 30 -i "$img/badge.png" -t Certificate acme png-badge "PNG Badge"
exits "badge create -i PNG -t" 0
run org-admin badge create -i "$img/badge.svg" -t ext:Workshop acme svg-badge 'SVG <Badge> & "Co"'
exits "badge create -i SVG" 0
run org-admin badge create -I https://acme.example/hosted.png acme hosted "Hosted"
exits "badge create -I https-url" 0
run org-admin badge create -i "$img/badge.png" beta plain "Plain"
exits "a badge of the organization without links" 0
run org-admin badge show acme png-badge
has "badge show: the image as its type and size" out "$(printf 'image\tpng, 314 bytes')"
has "badge show: the type" out "$(printf 'type\tCertificate')"
run org-admin badge show acme hosted
has "badge show: a hosted image as its URL" out "$(printf 'image\thttps://acme.example/hosted.png')"
org-admin badge set acme max image none
org-admin badge set acme max type Badge
run org-admin badge show acme max
has "badge set image none" out "$(printf 'image\t\n')"
has "badge set type" out "$(printf 'type\tBadge')"

# Recipients with names that need escaping, in HTML and in headers.
cat >roster.csv <<'EOF'
name,email
"<script>alert(1)</script> & ""quotes"" 'single'",script@example.org
שלום עולם ‮ evil,rtl@example.org
Zoë 🎓 \back\slash\ Ω,emoji@example.org
"O'Brien ""Bob"" <bob@evil.example>",obrien@example.org
EOF
submit() {
	csv-validate -q roster.csv | CREDPIPE_API_KEY=$(cat "$1.key") \
	    recipient-check -q -b "$2" >"$2.tsv" &&
	    CREDPIPE_API_KEY=$(cat "$1.key") bulk-submit -q -b "$2" <"$2.tsv"
}
for b in png-badge svg-badge hosted; do
	submit acme $b >/dev/null || not_ok "submit $b"
done
submit beta plain >/dev/null || not_ok "submit plain"

smtp_start "$SCRATCH/srv" || exit 1
run job-worker -c 2 -u "$SMTP_URL"
exits "the worker delivers the four jobs" 0
smtp_stop
is "16 messages" "$(smtp_stat messages)" 16
find "$SCRATCH/srv/mail" -type f ! -name '*.env' | sort >messages

xargs /usr/bin/python3 "$TOP/test/smtp/parse.py" <messages >parsed 2>perr
is "parse.py reads them all, raising on any defect" "$(wc -l <parsed)" 16
diag perr
is "CRLF throughout, no header line over 76 characters" \
    "$(cut -f 9 parsed | sort | uniq -c | awk '{ $1 = $1; print }')" "16 ok"
awk -F '\t' '{ print $4 }' parsed | sort -u >got
cat >want <<'EOF'
<script>alert(1)</script> & "quotes" 'single'
O'Brien "Bob" <bob@evil.example>
Zoë 🎓 \\back\\slash\\ Ω
שלום עולם ‮ evil
EOF
sort want >want.sorted
same "the names decode exactly from To" got want.sorted

xargs /usr/bin/python3 "$TOP/test/smtp/display.py" "$DB" <messages >shown 2>derr
exits "display.py reads them all" 0
is "a line for each" "$(wc -l <shown)" 16
diag derr

# field N of the lines whose attachment is NAME, distinct
field() { awk -F '\t' -v a="$1" -v n="$2" '$3 == a { print $n }' shown | sort -u; }
tree_img="multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,IMAGE)),application/json)"
tree_none="multipart/mixed(multipart/alternative(text/plain,text/html),application/json)"
is "PNG badge: text and HTML, the HTML with its image, then the credential" \
    "$(field png-badge.json 2)" "$(echo "$tree_img" | sed 's|IMAGE|image/png|')"
is "SVG badge: the same with image/svg+xml" \
    "$(field svg-badge.json 2)" "$(echo "$tree_img" | sed 's|IMAGE|image/svg+xml|')"
is "hosted image: no image part, nothing to load" "$(field hosted.json 2)" "$tree_none"
is "the organization without links: PNG inline too" \
    "$(field plain.json 2)" "$(echo "$tree_img" | sed 's|IMAGE|image/png|')"
is "each credential attached is the stored one, named after its badge" \
    "$(cut -f 3,4 shown | sort | uniq -c | awk '{ $1 = $1; print }' | tr '\n' '|')" \
    "4 hosted.json same|4 plain.json same|4 png-badge.json same|4 svg-badge.json same|"
is "the PNG inline, byte for byte the badge's file" "$(field png-badge.json 5)" \
    "$(sha "$img/badge.png") image/png png-badge.png inline"
is "the SVG inline, byte for byte the badge's file" "$(field svg-badge.json 5)" \
    "$(sha "$img/badge.svg") image/svg+xml svg-badge.svg inline"
is "the hosted badge has no image" "$(field hosted.json 5)" "-"
is "the HTML shows the image by its Content-ID, or has no <img>" \
    "$(cut -f 3,6 shown | sort -u | tr '\n' '|')" \
    "hosted.json	-|plain.json	ok|png-badge.json	ok|svg-badge.json	ok|"
is "every hostile name comes out of the HTML as it went in: escaped right" \
    "$(cut -f 7 shown | sort | uniq -c | awk '{ $1 = $1; print }')" "16 ok"
is "the HTML's elements: no script, no style, no form, nothing else" \
    "$(cut -f 8 shown | sort -u | tr '\n' '|')" \
    "a bdi body br head html img meta p title|a bdi body br head html meta p title|bdi body br head html img meta p title|"
is "no src= but cid:" "$(cut -f 9 shown | sort -u)" "-"
is "acme's mail links its wallet and its verifier" \
    "$(awk -F '\t' '$3 != "plain.json" { print $10 }' shown | sort -u)" \
    "https://verify.acme.example/check https://wallet.acme.example/add"
is "beta's mail has no link" "$(field plain.json 10)" "-"
is "the HTML says what the text says" "$(cut -f 11 shown | sort -u)" same
# The text parts, decoded: TYPE FILE...
texts() {
	t=$1
	shift
	for m; do
		/usr/bin/python3 -c '
import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[2], "rb"), policy=email.policy.default)
for p in msg.walk():
    if p.get_content_type().startswith(sys.argv[1]):
        sys.stdout.write(p.get_content())' "$t" "$m"
	done
}
# shellcheck disable=SC2046
texts text/html $(cat messages) >html
# shellcheck disable=SC2046
texts text/ $(cat messages) >texts
if grep -qi '<script' html; then not_ok "no raw <script> in any HTML part"; else ok "no raw <script> in any HTML part"; fi
if grep -q 'hosted.png' texts; then not_ok "the hosted image is named nowhere"; else ok "the hosted image is named nowhere"; fi
has "the HTML escapes the name" html "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;"
has "the image's text is the badge's name, escaped" html 'alt="SVG &lt;Badge&gt; &amp; &quot;Co&quot;"'
has "the text says what the file is" parsed "is your credential: a digital credential signed by Org acme, in the Open Badges 3.0 format."
has "the text names the file" parsed "The file attached to this message, png-badge.json, is"
has "and what to do with it" parsed "- Keep the file"
has "the text recommends acme's wallet" parsed "Org acme recommends this wallet: https://wallet.acme.example/add"
has "and its verifier" parsed "Org acme recommends this verifier: https://verify.acme.example/check"
grep 'badges@beta.example' parsed >beta
has "beta's text still says to use a wallet" beta "- Add it to a digital wallet that reads Open Badges 3.0, to keep it with your other credentials and share it from there.\\n\\n- Have it checked"
if grep -q recommends beta; then not_ok "and recommends nothing"; else ok "and recommends nothing"; fi

# The credentials carry the images, the type and the profile.
mkdir creds
xargs /usr/bin/python3 "$TOP/test/smtp/attachments.py" "$DB" creds <messages >/dev/null
exits "attachments.py: every attachment checked" 0
run /usr/bin/python3 - "$img" creds <<'EOF'
import base64, glob, json, os, sys
img, creds = sys.argv[1], sys.argv[2]
def uri(t, f):
    return "data:%s;base64,%s" % (t, base64.b64encode(open(os.path.join(img, f), "rb").read()).decode())
want = {
    "PNG Badge": ({"id": uri("image/png", "badge.png"), "type": "Image"}, "Certificate"),
    'SVG <Badge> & "Co"': ({"id": uri("image/svg+xml", "badge.svg"), "type": "Image"}, "ext:Workshop"),
    "Hosted": ({"id": "https://acme.example/hosted.png", "type": "Image"}, None),
    "Plain": ({"id": uri("image/png", "badge.png"), "type": "Image"}, None),
}
profile = {"url": "https://acme.example/", "email": "badges@acme.example",
           "description": "Acme trains people.\nSince 1999 & <still>.",
           "image": {"id": uri("image/png", "logo.png"), "type": "Image"}}
seen = {}
for f in sorted(glob.glob(creds + "/*.json")):
    c = json.load(open(f))
    a = c["credentialSubject"]["achievement"]
    image, kind = want[a["name"]]
    problems = []
    if a.get("image") != image:
        problems.append("achievement.image")
    if a.get("achievementType") != kind:
        problems.append("achievementType")
    iss = c["issuer"]
    for k, v in profile.items():
        if a["name"] != "Plain" and iss.get(k) != v:
            problems.append("issuer." + k)
    if a["name"] == "Plain" and set(iss) != {"id", "type", "name"}:
        problems.append("beta's issuer has more than id, type, name")
    seen[a["name"]] = seen.get(a["name"], 0) + 1
    print("%s %s" % (a["name"], " ".join(problems) or "ok"))
EOF
is "each credential: the badge's image and type, the issuer's profile" \
    "$(sort out | uniq -c | awk '{ $1 = $1; print }' | tr '\n' '|')" \
    '4 Hosted ok|4 PNG Badge ok|4 Plain ok|4 SVG <Badge> & "Co" ok|'
accepted creds 16

done_testing
