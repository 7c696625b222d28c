#!/usr/bin/env bash
# The core (src/) never includes curses, readline or anything of ui/; only ui/ and
# src/main.c may. And libcore.a, as built, refers to no curses or readline symbol.
# The core never asks on a terminal: only the shell's front end (src/tty.c)
# opens /dev/tty or sets the terminal's modes.
# Usage: tests/layering.sh [path/to/libcore.a]
lib=${1:+$(realpath "$1")}
cd "$(dirname "$0")/.."
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

srcs=$(ls src/*.c src/cmd/*.c include/core/*.h 2>/dev/null | grep -vE '^src/(main|tty)\.c$')
[ -n "$srcs" ] && ok "the core's sources are found ($(printf '%s\n' "$srcs" | wc -l) files)" ||
	fail "the core's sources are found" "none"
bad=$(grep -lE '#include *[<"](n?curses|ncursesw/curses|readline/readline|readline/history)\.h' $srcs)
[ -z "$bad" ] && ok "no curses or readline header in the core" || fail "no curses or readline header in the core" "$bad"
bad=$(grep -lE '#include *"ui/' $srcs)
[ -z "$bad" ] && ok "nothing of ui/ included in the core" || fail "nothing of ui/ included in the core" "$bad"
# The terminal is the front end's: the pattern is checked on the one file that
# may (it must find it there), then on the core.
tty_re='"/dev/tty"|\<tc(set|get)attr *\('
grep -qE "$tty_re" src/tty.c && ok "the shell's front end (src/tty.c) is where the terminal is asked" ||
	fail "the shell's front end (src/tty.c) is where the terminal is asked" "no /dev/tty or tcsetattr found there"
bad=$(grep -lE "$tty_re" $srcs)
[ -z "$bad" ] && ok "no core module opens /dev/tty or sets the terminal's modes" ||
	fail "no core module opens /dev/tty or sets the terminal's modes" "$bad"

# No include cycle among the screen's headers, nor among the core's.
for dirs in "ui include/ui" "include/core"; do
	# shellcheck disable=SC2086
	if out=$(tests/include-cycles.sh . $dirs); then
		# The control that the graph is read at all: it has includes in it.
		case $out in
		*" 0 includes"*|"") fail "no include cycle among the headers of $dirs" "no include read: $out" ;;
		*) ok "no include cycle among the headers of $dirs ($out)" ;;
		esac
	else
		fail "no include cycle among the headers of $dirs" "$out"
	fi
done
# The control: a made-up cycle (a.h -> b.h -> c.h -> a.h, beside a header
# outside it) is caught and named.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include/fake"
printf '#include "fake/b.h"\n#include <stdio.h>\n' >"$tmp/include/fake/a.h"
printf '#include "fake/c.h"\n#include "fake/d.h"\n' >"$tmp/include/fake/b.h"
printf '  #  include "fake/a.h"\n' >"$tmp/include/fake/c.h"
printf '/* none */\n' >"$tmp/include/fake/d.h"
out=$(tests/include-cycles.sh "$tmp" include/fake)
rc=$?
[ $rc -eq 1 ] && [ "$out" = "include/fake/a.h -> include/fake/b.h -> include/fake/c.h -> include/fake/a.h" ] &&
	ok "a made-up include cycle is caught" || fail "a made-up include cycle is caught" "rc=$rc: $out"
rm "$tmp/include/fake/c.h"
out=$(tests/include-cycles.sh "$tmp" include/fake)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "3 headers, 2 includes among them, no cycle" ] &&
	ok "the same headers without the cycle pass" || fail "the same headers without the cycle pass" "rc=$rc: $out"

if [ -n "$lib" ]; then
	syms=$(nm -u "$lib" 2>/dev/null)
	# The positive control: the library's undefined symbols are listed at all.
	printf '%s\n' "$syms" | grep -qE '\b(curl_easy_init|sqlite3_open_v2)\b' &&
		ok "libcore.a's undefined symbols are read" || fail "libcore.a's undefined symbols are read" "nm gave nothing"
	bad=$(printf '%s\n' "$syms" | grep -E '\b(initscr|newwin|wrefresh|doupdate|getch|wgetch|endwin|readline|rl_[a-z_]+|add_history)\b' | sort -u | tr '\n' ' ')
	[ -z "$bad" ] && ok "libcore.a links no curses or readline symbol" || fail "libcore.a links no curses or readline symbol" "$bad"
	bad=$(printf '%s\n' "$syms" | grep -E '\b(tcsetattr|tcgetattr)\b' | sort -u | tr '\n' ' ')
	[ -z "$bad" ] && ok "libcore.a sets no terminal's modes" || fail "libcore.a sets no terminal's modes" "$bad"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
