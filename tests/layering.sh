#!/usr/bin/env bash
# The core (src/) never includes curses or readline; only ui/ and src/main.c may.
cd "$(dirname "$0")/.."
bad=$(grep -rlE '#include *[<"](n?curses|ncursesw/curses|readline/readline|readline/history)\.h' src include/core |
	grep -v '^src/main\.c$' || true)
if [ -n "$bad" ]; then
	echo "FAIL layering: curses or readline included in: $bad"
	echo "0 passed, 1 failed"
	exit 1
fi
# Nor does the core link against them.
echo "ok layering"
echo "1 passed, 0 failed"
