#!/usr/bin/env bash
# The man page's generated sections are what the registry and the default key
# table generate: COMMANDS ('ezrizi help --roff'), SCREEN COMMANDS ('docgen
# screen') and KEYS ('docgen keys'); the README's key list names every default
# key ('docgen labels'). Regenerate with scripts/regen-docs.
# Usage: tests/man.sh path/to/ezrizi path/to/docgen
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$top/build/ezrizi}")
docgen=$(realpath "${2:-$top/build/ui/docgen}")
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
export LANG=C.UTF-8 LANGUAGE= LC_ALL=

section() {  # the lines between BEGIN NAME and END NAME of the man page
	sed -n "/^\\.\\\\\" BEGIN $1 (/,/^\\.\\\\\" END $1\$/p" "$top/man/ezrizi.1" | sed '1d;$d'
}
check() {  # NAME, then the command that generates it
	local name=$1 want have
	shift
	want=$("$@") || { fail "man: $name" "'$*' failed"; return; }
	have=$(section "$name")
	if [ -z "$want" ]; then
		fail "man: $name" "'$*' printed nothing"
	elif [ "$want" = "$have" ]; then
		ok "man: the $name section is what '$(basename "$1") ${*:2}' generates"
	else
		fail "man: $name" "man/ezrizi.1 differs from '$*' (run scripts/regen-docs):
$(diff <(printf '%s\n' "$have") <(printf '%s\n' "$want"))"
	fi
}
check COMMANDS "$bin" help --roff
check "SCREEN COMMANDS" "$docgen" screen
check KEYS "$docgen" keys

# The README's key list is written for reading (keys grouped, two a line), so it
# is not generated; but it names every default key, and no key that is not one.
block=$(sed -n '/^    j k ↑ ↓/,/^$/p' "$top/README")
labels=$("$docgen" labels | tr ' ' '\n' | sed 's/,$//' | grep . | sort -u)
missing=
for k in $labels; do
	# a key is a word of the block: surrounded by spaces, commas or the line's ends
	printf '%s\n' "$block" | grep -qE "(^| |,|\()$(printf '%s' "$k" | sed 's/[]\[^$.*\\/+?(){}|]/\\&/g')(,| |$)" || missing="$missing $k"
done
if [ -z "$labels" ] || [ -z "$block" ]; then
	fail "README: the key list" "no labels ($labels) or no key list in the README"
elif [ -z "$missing" ]; then
	ok "README: the key list names every default key ($(printf '%s\n' "$labels" | wc -l))"
else
	fail "README: the key list" "these default keys are not in it:$missing"
fi
# The control: a key list without one key is caught.
cut=$(printf '%s\n' "$block" | sed 's/C-l//')
printf '%s\n' "$cut" | grep -qE '(^| |,)C-l(,| |$)' && fail "README: control" "C-l still found" || ok "README: the check finds a missing key (control)"

if command -v groff >/dev/null; then
	warn=$(groff -man -Tutf8 -ww -z "$top/man/ezrizi.1" 2>&1)
	[ -z "$warn" ] && ok "man: groff has no warning" || fail "man: groff warns" "$warn"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
