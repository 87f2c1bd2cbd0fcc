#!/bin/sh
# The library's shape: lib/credpipe.h names every module and compiles on
# its own; the SQLite store is the only file that knows SQLite, and no
# command sees its private header.
. "$(dirname "$0")/lib.sh"

# (Read in the tree, written only in the scratch directory.)
missing=
for h in "$TOP"/lib/*.h; do
	b=${h##*/}
	case $b in credpipe.h|store_sqlite.h) continue ;; esac
	grep -q "^#include \"$b\"" "$TOP/lib/credpipe.h" || missing="$missing $b"
done
is "credpipe.h includes every module's header" "$missing" ""
run sh -c 'echo "#include \"credpipe.h\"" |
    cc -std=c11 -D_DEFAULT_SOURCE -I"$1/lib" $(pkg-config --cflags libcurl libsodium sqlite3 zlib) \
    -Wall -Wextra -Werror -fsyntax-only -x c -' sh "$TOP"
exits "and compiles alone" 0
is "only lib/store_sqlite*.c names sqlite3" \
    "$(cd "$TOP" && grep -l sqlite3 lib/*.c cmd/*.c | grep -v '^lib/store_sqlite[a-z_]*\.c$')" ""
is "no command includes store_sqlite.h" "$(cd "$TOP" && grep -l 'store_sqlite\.h' cmd/*.c)" ""

done_testing
