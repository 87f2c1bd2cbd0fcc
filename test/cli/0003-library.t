#!/bin/sh
# The library's shape: lib/credpipe.h names every module and compiles on
# its own; the SQLite store is the only file that knows SQLite, and no
# command sees its private header.
. "$(dirname "$0")/lib.sh"

cd "$TOP" || exit 1
missing=
for h in lib/*.h; do
	b=${h#lib/}
	case $b in credpipe.h|store_sqlite.h) continue ;; esac
	grep -q "^#include \"$b\"" lib/credpipe.h || missing="$missing $b"
done
is "credpipe.h includes every module's header" "$missing" ""
run sh -c 'echo "#include \"credpipe.h\"" |
    cc -std=c11 -D_DEFAULT_SOURCE -Ilib $(pkg-config --cflags libcurl libsodium sqlite3 zlib) \
    -Wall -Wextra -Werror -fsyntax-only -x c -'
exits "and compiles alone" 0
is "only lib/store_sqlite*.c names sqlite3" \
    "$(grep -l sqlite3 lib/*.c cmd/*.c | grep -v '^lib/store_sqlite[a-z_]*\.c$')" ""
is "no command includes store_sqlite.h" "$(grep -l 'store_sqlite\.h' cmd/*.c)" ""

done_testing
