#!/bin/sh
# Every command has a man page; every page is clean mdoc; each command's
# usage (-h) says what the SYNOPSIS of its page says.
. "$(dirname "$0")/lib.sh"

for page in "$TOP"/man/*.[1-8]; do
	name=$(basename "$page")
	if mandoc -T lint -W warning "$page" >lint 2>&1; then
		ok "$name is clean mdoc"
	else
		not_ok "$name is clean mdoc"
		diag lint
	fi
done

PATH=$TOP/scripts:$PATH
for src in "$TOP"/cmd/*.c "$TOP"/scripts/bulk-issue "$TOP"/scripts/retry-failed; do
	cmd=$(basename "$src" .c)
	page=$TOP/man/$cmd.1
	if [ ! -f "$page" ]; then
		not_ok "$cmd has a man page"
		continue
	fi
	ok "$cmd has a man page"
	mandoc -T ascii -O width=300 "$page" | sed 's/.\x08//g' |
	    awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 }
		on && NF { $1 = $1; print }' >synopsis
	"$cmd" -h 2>&1 | sed 's/^usage://' |
	    awk 'NF { $1 = $1; print }' >usage
	same "$cmd: usage matches the SYNOPSIS of its page" usage synopsis
done

done_testing
