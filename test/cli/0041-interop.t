#!/bin/sh
# Our credentials against independent software: jsonld.js and
# @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite, pinned in
# test/interop/package-lock.json, every context loaded offline
# (test/interop/check.js says what it checks).
#
# gen makes 200 credentials with hostile text and the readable examples
# of the credential-verify corpus; check.js compares our canonical
# N-Quads with jsonld.canonize, expands in safe mode, verifies, and
# tampers; then credential-verify must give the same verdict as the node
# verifier on every file, tampered copies included.
. "$(dirname "$0")/lib.sh"
# Offline: no database is read.
unset CREDPIPE_DB

gen=$CREDPIPE_BUILD/test/interop/gen
interop=$TOP/test/interop
corpus=$TOP/test/cli/credential-verify
count=200

mkdir creds
run "$gen" -n $count -s 20261125 creds
exits "gen: $count credentials" 0
is "gen: $count credential files" "$(ls creds | grep -c '^[0-9]*\.json$')" \
    $count
run "$gen" -e creds
exits "gen -e: the examples" 0
for f in good.json good.nq forever.json expired.json future.json \
    controls.json full.json; do
	same "gen -e: $f is the corpus's" "creds/$f" "$corpus/$f"
done

if [ -d "$interop/node_modules" ]; then
	ok "the npm packages are installed"
else
	not_ok "the npm packages are installed (make check installs them)"
fi
run node "$interop/check.js" creds
exits "node: every check passes" 0
grep '^#' out >summary
diag summary
n=$((count + 6))
has "node: canonical forms equal jsonld.canonize" summary \
    "# canonical: $n of $n documents and $n of $n proof options equal"
has "node: safe-mode expansion keeps every property" summary \
    "# safe-mode expansion: $n of $n clean; an undefined property is refused"
has "node: the verifier accepts ours and rejects tampered copies" summary \
    "# verifier: $count of $count generated credentials accepted, $((3 * count)) of $((3 * count)) tampered copies rejected"

# credential-verify, on the same files in the same order.
grep -v '^#' out >node.verdicts
is "node: a verdict for every file" "$(wc -l <node.verdicts)" \
    $((count * 4 + 6))
sed 's|^|creds/|; s| .*||' node.verdicts >files
# shellcheck disable=SC2046
credential-verify $(cat files) >ours 2>ours.err
cut -d ' ' -f 1 ours >ours.verdicts
cut -d ' ' -f 2 node.verdicts >node.words
same "credential-verify agrees with the node verifier on every file" \
    ours.verdicts node.words
is "credential-verify: $((count + 4)) OK" "$(grep -c '^OK ' ours)" \
    $((count + 4))
is "credential-verify: nothing on stderr" "$(wc -c <ours.err)" 0

# The recipient's name comes back as written, hostile text and all, with
# the escapes of credential-verify(1).
run node -e '
	const c = JSON.parse(require("fs").readFileSync("creds/0001.json"));
	const esc = c.credentialSubject.name.replace(
	    /[\\\t\n\r]|[\u0000-\u001f\u007f-\u009f]/g, (ch) => ({"\\": "\\\\",
	    "\t": "\\t", "\n": "\\n", "\r": "\\r"})[ch] || "\\u" +
	    ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"));
	console.log("OK " + c.id + " " + c.issuer.id + " " + esc);'
grep -F "OK $(sed -n 's/^  "id": "\(.*\)",$/\1/p' creds/0001.json) " ours \
    >got.line
same "credential-verify prints the recipient's name, escaped" got.line out

# 1EdTech's Open Badges 3.0 JSON Schema: every credential we write is
# valid; one issued before, with its proof an object, is not.
run node "$interop/schema.js" creds/[0-9]*[0-9].json creds/good.json \
    creds/full.json
exits "schema: every credential is valid" 0
has "schema: all of them" out "# schema: $((count + 2)) of $((count + 2)) valid"
run node "$interop/schema.js" "$corpus/legacy-proof-object.json"
exits "schema: a proof that is an object is refused" 1
has "schema: saying so" out "/proof must be array"

done_testing
