#!/usr/bin/env bash
# The core (src/) never includes curses, readline or anything of ui/; only ui/ and
# src/main.c may. And libcore.a, as built, refers to no curses or readline symbol.
# Usage: tests/layering.sh [path/to/libcore.a]
lib=${1:+$(realpath "$1")}
cd "$(dirname "$0")/.."
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

srcs=$(ls src/*.c src/cmd/*.c include/core/*.h 2>/dev/null | grep -v '^src/main\.c$')
[ -n "$srcs" ] && ok "the core's sources are found ($(printf '%s\n' "$srcs" | wc -l) files)" ||
	fail "the core's sources are found" "none"
bad=$(grep -lE '#include *[<"](n?curses|ncursesw/curses|readline/readline|readline/history)\.h' $srcs)
[ -z "$bad" ] && ok "no curses or readline header in the core" || fail "no curses or readline header in the core" "$bad"
bad=$(grep -lE '#include *"ui/' $srcs)
[ -z "$bad" ] && ok "nothing of ui/ included in the core" || fail "nothing of ui/ included in the core" "$bad"

if [ -n "$lib" ]; then
	syms=$(nm -u "$lib" 2>/dev/null)
	# The positive control: the library's undefined symbols are listed at all.
	printf '%s\n' "$syms" | grep -qE '\b(curl_easy_init|sqlite3_open_v2)\b' &&
		ok "libcore.a's undefined symbols are read" || fail "libcore.a's undefined symbols are read" "nm gave nothing"
	bad=$(printf '%s\n' "$syms" | grep -E '\b(initscr|newwin|wrefresh|doupdate|getch|wgetch|endwin|readline|rl_[a-z_]+|add_history)\b' | sort -u | tr '\n' ' ')
	[ -z "$bad" ] && ok "libcore.a links no curses or readline symbol" || fail "libcore.a links no curses or readline symbol" "$bad"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
