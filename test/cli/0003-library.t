#!/bin/sh
# The library's shape: lib/credpipe.h names every module and compiles on
# its own; each engine of the store is the only code that knows its
# database (SQLite, libpq), and no command sees the store's private
# headers.
. "$(dirname "$0")/lib.sh"

# (Read in the tree, written only in the scratch directory.)
missing=
for h in "$TOP"/lib/*.h; do
	b=${h##*/}
	case $b in credpipe.h|store_impl.h|store_sqlite.h|store_pg.h) continue ;; esac
	grep -q "^#include \"$b\"" "$TOP/lib/credpipe.h" || missing="$missing $b"
done
is "credpipe.h includes every module's header" "$missing" ""
run sh -c 'echo "#include \"credpipe.h\"" |
    cc -std=c11 -D_DEFAULT_SOURCE -I"$1/lib" $(pkg-config --cflags libcurl libsodium sqlite3 zlib) \
    -Wall -Wextra -Werror -fsyntax-only -x c -' sh "$TOP"
exits "and compiles alone" 0
is "lib/store_sqlite*.c use SQLite" \
    "$(cd "$TOP" && grep -l sqlite3 lib/store_sqlite*.c | wc -l)" 2
is "only lib/store_sqlite*.c names sqlite3" \
    "$(cd "$TOP" && grep -l sqlite3 lib/*.c cmd/*.c | grep -v '^lib/store_sqlite[a-z_]*\.c$')" ""
is "lib/store_pg*.c use libpq" \
    "$(cd "$TOP" && grep -l libpq lib/store_pg*.c | wc -l)" 2
is "only lib/store_pg*.c names libpq" \
    "$(cd "$TOP" && grep -l libpq lib/*.c cmd/*.c | grep -v '^lib/store_pg[a-z_]*\.c$')" ""
is "no command includes a private header of the store" \
    "$(cd "$TOP" && grep -lE 'store_(impl|sqlite|pg)\.h' cmd/*.c)" ""

done_testing
