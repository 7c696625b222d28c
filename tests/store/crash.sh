#!/bin/sh
# crash.sh - kill -9 the store at random moments (see crash.c).
#
#   tests/store/crash.sh [CRASH_BINARY] [ROUNDS] [SEED]
#
# Without a binary (or with "-") it compiles tests/store/crash.c by hand
# into a temporary folder. Runs in a private temporary folder, removed on
# exit. Prints "N passed, N failed"; exits 1 when a round failed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:--}
rounds=${2:-200}
seed=${3:-$(date +%s)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ezrizi-crash-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ "$bin" = - ]; then
	bin=$tmp/crash
	build=$root/build
	${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$root/include" -I"$build" \
		"$here/crash.c" "$root/src/store.c" "$root/src/store_repair.c" "$root/src/sqlpage.c" "$root/src/xmalloc.c" "$root/src/error.c" \
		"$root/src/fsutil.c" "$root/src/i18n.c" \
		$(pkg-config --cflags --libs libsodium sqlite3) -o "$bin"
fi
"$bin" "$tmp/store" "$rounds" "$seed"
