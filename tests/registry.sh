#!/usr/bin/env bash
# No command is known by its name outside the registry: what a command is (it
# writes, needs the terminal, runs on the screen, moves in the overlay, sends
# to a client...) is a flag or an argument kind of its entry, read through the
# one resolver. This fails when src/ or ui/ compares anything with a command's
# name outside the resolver and parser (src/cmd.c, src/cmd_words.c).
# Usage: tests/registry.sh path/to/docgen
top=$(cd "$(dirname "$0")/.." && pwd)
docgen=$(realpath "${1:-$top/build/ui/docgen}")
cd "$top" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# Every command's name, the screen's too.
names=$("$docgen" names)
n=$(printf '%s\n' "$names" | grep -c .)
[ "$n" -ge 45 ] && ok "the registry names its commands ($n)" || fail "the registry names its commands" "$n names: $names"
alt=$(printf '%s\n' "$names" | tr ' ' '\n' | sort -u | paste -sd'|')

# A comparison with a command's name (a word of one, or a line that starts with
# one: "select "), and the shapes the names were checked in before.
pattern="(strn?cmp|strcasecmp|ascii_eq_nocase|ascii_prefix_nocase)\\([^;]*\"($alt)( [^\"]*)?\"|strn?cmp\\((argv|w|words|head)\\[[01]\\]|strn?cmp\\([a-z]*->name,|strn?cmp\\(cmd,"
# The check can fail: it finds the kinds of checks that were there.
control='if (strcmp(argv[0], "send") == 0 && argc >= 3)
	else if (keymap_lookup(k) != NULL && strncmp(cmd, "select ", 7) == 0)
bool patient = strcmp(e->name, "help") == 0;'
found=$(printf '%s\n' "$control" | grep -cE "$pattern")
[ "$found" = 3 ] && ok "the check finds a name check (control)" || fail "the check finds a name check (control)" "$found of 3"

# The same words in another role, each with why it is not a command's name.
allowed='^src/appt\.c:[0-9]+:.*"noshow"'   # Appointment.status, a FHIR code
hits=$(grep -rnE "$pattern" src ui | grep -vE '^(src/cmd\.c|src/cmd_words\.c):' | grep -vE "$allowed")
if [ -z "$hits" ]; then
	ok "no check of a command's name outside the registry"
else
	fail "no check of a command's name outside the registry" "
$hits"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
