#!/bin/sh
# README.md's quick start, run as it is written, in a fresh clone of the
# repository (what is committed, nothing else).
. "$(dirname "$0")/lib.sh"

git clone -q "$TOP" clone 2>err || { not_ok "a fresh clone"; diag err; done_testing; exit 1; }
ok "a fresh clone"
awk '/^## Quick start/ { on = 1; next } /^## / { on = 0 }
	on && /^    / { sub(/^    /, ""); print }' clone/README.md >quickstart
has "the quick start starts with make demo" quickstart "make demo"
# The clone is as fresh as CI's, but the tests run from a build, under
# make: a newcomer's shell has none of that environment (the build's
# commands on PATH, the outer make's B and SAN), so start from nothing.
if (cd clone && env -i HOME="$HOME" LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    sh -e ../quickstart) >out 2>err; then
	ok "the quick start runs"
else
	not_ok "the quick start runs"
	tail -20 err | sed 's/^/# /'
fi
has "make demo verified the credentials it delivered" out "OK urn:uuid:"
is "all ten of them" "$(grep -c '^OK urn:uuid:' out)" 10
has "the review of the problem roster follows" out "$(printf '3\tinvalid\tmissing name')"
has "and job-status lists the demo's job" out "completed  python-101"

done_testing
