#!/usr/bin/env bash
# The core (src/) never includes curses, readline or anything of ui/; only ui/ and
# src/main.c may. And libcore.a, as built, refers to no curses or readline symbol.
# The screen's model (ui/model.c) draws nothing.
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
# The screen's model draws nothing: ui/model.[ch] include the core and how
# the screen writes times (ui/localfmt.h), never curses nor the view's headers.
model_incs=$(grep -hE '^#include' ui/model.h ui/model.c ui/model_flag.c)
printf '%s\n' "$model_incs" | grep -q '"core/' && ok "the screen's model's includes are read" ||
	fail "the screen's model's includes are read" "none found in ui/model.[ch]"
bad=$(printf '%s\n' "$model_incs" | grep -E '[<"](n?curses|ncursesw/curses|readline/[a-z]+)\.h|"ui/' |
	grep -vE '"ui/(model|model_int|localfmt)\.h"' | tr '\n' ' ')
[ -z "$bad" ] && ok "the screen's model includes no curses and nothing of the view" ||
	fail "the screen's model includes no curses and nothing of the view" "$bad"
# The terminal is the front end's: the pattern is checked on the one file that
# may (it must find it there), then on the core.
tty_re='"/dev/tty"|\<tc(set|get)attr *\('
grep -qE "$tty_re" src/tty.c && ok "the shell's front end (src/tty.c) is where the terminal is asked" ||
	fail "the shell's front end (src/tty.c) is where the terminal is asked" "no /dev/tty or tcsetattr found there"
bad=$(grep -lE "$tty_re" $srcs)
[ -z "$bad" ] && ok "no core module opens /dev/tty or sets the terminal's modes" ||
	fail "no core module opens /dev/tty or sets the terminal's modes" "$bad"

# No include cycle among the screen's headers, nor among the core's; nor
# among their modules (a header with its .c: two modules that call each other).
for check in ":ui include/ui" ":include/core" "--modules:ui include/ui" "--modules:include/core src"; do
	opt=${check%%:*} dirs=${check#*:}
	what="the headers of $dirs"
	[ -n "$opt" ] && what="the modules of $dirs"
	# shellcheck disable=SC2086
	if out=$(tests/include-cycles.sh $opt . $dirs); then
		# The control that the graph is read at all: it has includes in it.
		case $out in
		*" 0 includes"*|"") fail "no include cycle among $what" "no include read: $out" ;;
		*) ok "no include cycle among $what ($out)" ;;
		esac
	else
		fail "no include cycle among $what" "$out"
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
# The control for modules: no header includes the other, but x.c includes
# y.h and y.c includes x.h; the build's own "config.h" beside a .c is no
# header of the graph, and a private header (x_int.h) is its module's.
mkdir -p "$tmp/m"
printf '/* x */\n' >"$tmp/m/x.h"
printf '#include "config.h"\n' >"$tmp/m/y.h"
printf '#include "m/x.h"\n' >"$tmp/m/x_int.h"
printf '#include "m/x.h"\n#include "m/x_int.h"\n#include "m/y.h"\n' >"$tmp/m/x.c"
printf '#include "m/y.h"\n' >"$tmp/m/y.c"
out=$(tests/include-cycles.sh --modules "$tmp" m)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "3 headers, 2 includes among them, no cycle" ] &&
	ok "modules that do not call back pass" || fail "modules that do not call back pass" "rc=$rc: $out"
printf '#include "m/y.h"\n#include "m/x.h"\n' >"$tmp/m/y.c"
out=$(tests/include-cycles.sh --modules "$tmp" m)
rc=$?
[ $rc -eq 1 ] && [ "$out" = "m/x.h -> m/y.h -> m/x.h" ] &&
	ok "two modules that call each other are caught" || fail "two modules that call each other are caught" "rc=$rc: $out"

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
