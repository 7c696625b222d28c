#!/usr/bin/env bash
# The man page's command list is the one the command table generates.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$top/build/ezrizi}")
want=$(LANG=C.UTF-8 LANGUAGE= "$bin" help --roff)
have=$(sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' "$top/man/ezrizi.1" | sed '1d;$d')
if [ "$want" != "$have" ]; then
	echo "FAIL man: the COMMANDS section of man/ezrizi.1 differs from 'ezrizi help --roff':"
	diff <(printf '%s\n' "$have") <(printf '%s\n' "$want")
	echo "0 passed, 1 failed"
	exit 1
fi
if command -v groff >/dev/null && groff -man -Tutf8 -ww -z "$top/man/ezrizi.1" 2>&1 | grep -q .; then
	echo "FAIL man: groff warns:"; groff -man -Tutf8 -ww -z "$top/man/ezrizi.1"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "ok man"
echo "1 passed, 0 failed"
