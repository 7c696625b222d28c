#!/usr/bin/env bash
# Every catalogue is complete and consistent with the sources, and each language
# really shows: LANG=ar_SA.UTF-8 ezrizi help speaks Arabic, and so on.
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$top/build/ezrizi}")
cd "$top" || exit 1
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# POTFILES names every source file that has translatable strings.
for f in $(grep -lE '\b(N?_|ngettext)\(' src/*.c src/cmd/*.c ui/*.c 2>/dev/null); do
	grep -qx "$f" po/POTFILES || fail "POTFILES" "$f is missing from po/POTFILES"
done
[ "$failed" -eq 0 ] && ok "POTFILES lists every source with strings"

# The strings of today's sources, as xgettext finds them.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 -C \
	--files-from=po/POTFILES -o "$tmp/now.pot" 2>/dev/null
for lang in $(cat po/LINGUAS); do
	po=po/$lang.po
	stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
	case $stats in
	*untranslated*|*fuzzy*|*rror*) fail "$lang complete" "$stats" ;;
	*) ok "$lang complete and well-formed" ;;
	esac
	# Every msgid in the sources is translated in this catalogue.
	if msgcmp "$po" "$tmp/now.pot" >/dev/null 2>"$tmp/cmp"; then
		ok "$lang has every string of the sources"
	else
		fail "$lang has every string of the sources" "$(head -c 800 "$tmp/cmp")"
	fi
	grep -q '^"Plural-Forms: nplurals=' "$po" && ok "$lang plural forms" || fail "$lang plural forms" "no Plural-Forms"
done

english=$(LANG=C.UTF-8 LANGUAGE= "$bin" help)
check_lang() {  # LANG-CODE LOCALE PATTERN
	local out
	out=$(LANG=$2 LC_ALL=$2 LANGUAGE= "$bin" help 2>&1)
	if [ "$out" = "$english" ]; then
		fail "$1 help" "LANG=$2 ezrizi help is still English"
	elif ! printf '%s' "$out" | grep -qE "$3"; then
		fail "$1 help" "no /$3/ in: $(printf '%s' "$out" | head -n 3)"
	else
		ok "$1 help speaks $1"
	fi
}
check_lang ar ar_SA.UTF-8 'ال'
check_lang ur ur_PK.UTF-8 'ے|ں|ٹ'
check_lang ms ms_MY.UTF-8 '[Tt]emujanji|[Kk]lien'
check_lang tr tr_TR.UTF-8 'ı|ş|ğ|ç'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
