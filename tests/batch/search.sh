#!/usr/bin/env bash
# Name search the way people type names: Arabic without harakat, Turkish on an
# English keyboard, accents optional, against the demo platform.
# Usage: tests/batch/search.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }

expect "login" 0 "Logged in" ez login
expect "unlock for scripts" 0 "stays open" ez unlock --for 10m

# finds NAME ID [env...] -- search text: the search lists the client.
finds() {
	local name=$1 id=$2 text=$3 out rc
	shift 3
	out=$(env "$@" "$EZRIZI" --format json patients --search "$text" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name" "exit $rc: $out"
	elif printf '%s\n' "$out" | jq -r .id 2>/dev/null | grep -qx -- "$id"; then
		ok "$name"
	else
		fail "$name" "no $id in: $(printf '%s' "$out" | head -c 400)"
	fi
}

# Requests the platform has logged for Patient searches so far.
patient_requests() { grep -c 'GET .*/Patient?' "$WORK/platform.log"; }

before=$(patient_requests)
finds "Arabic without harakat finds مُحَمَّد" pat-0001 "محمد"
after=$(patient_requests)
echo "# one search: $((after - before)) requests"
[ $((after - before)) -le 2 ] && ok "a search is at most two requests here" ||
	fail "a search is at most two requests here" "$((after - before))"
finds "Arabic with harakat finds مُحَمَّد" pat-0001 "مُحَمَّد"
finds "alef and taa variants" pat-0001 "عبد الله"
finds "ibrahim finds İbrahim" pat-0004 "ibrahim"
finds "isikoglu finds Işıkoğlu" pat-0004 "isikoglu"
finds "IŞIK under a Turkish locale" pat-0004 "IŞIK" LANG=tr_TR.UTF-8
finds "IŞIK under an English locale" pat-0004 "IŞIK" LANG=en_GB.UTF-8
finds "isik under a Turkish locale" pat-0004 "isik" LANG=tr_TR.UTF-8
finds "the server's own search still works" pat-0004 "Işıkoğlu"

# An Urdu name (keheh ک, Farsi yeh ی, heh goal ہ) typed on an Arabic keyboard.
urdu=$(ez --format json patients --language ur --limit 300 | jq -r 'select(.name | test("[کیہ]")) | "\(.id)\t\(.name)"' | head -n1)
uid=${urdu%%$'\t'*}
typed=$(printf '%s' "${urdu#*$'\t'}" | sed 's/ک/ك/g; s/ی/ي/g; s/ہ/ه/g')
if [ -n "$urdu" ]; then
	finds "Urdu letters typed as Arabic ($typed)" "$uid" "$typed"
else
	fail "Urdu letters typed as Arabic" "no Urdu name with ک ی ہ in the demo data"
fi

out=$(ez --format json patients --search "zzqxnotaname" 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "no match: nothing, exit 0" ||
	fail "no match: nothing, exit 0" "exit $rc: $(printf '%s' "$out" | head -c 300)"
expect "no match in a table says so" 0 "No clients found" ez patients --search "zzqxnotaname"

n=$(ez --format json patients --search "a" --limit 7 | grep -c '^{')
[ "$n" = 7 ] && ok "--limit holds ($n)" || fail "--limit holds" "$n rows"
dups=$(ez --format json patients --search "a" --limit 500 | jq -r .id | sort | uniq -d)
[ -z "$dups" ] && ok "no client twice" || fail "no client twice" "$dups"
notr=$(ez --format json patients --search "i" --language tr | jq -r 'select(.language != "tr") | .id')
[ -z "$notr" ] && ok "search within a language" || fail "search within a language" "$notr"

# Offline, from the local cache the searches above filled.
out=$(ez --offline --format json patients --search "isikoglu" 2>&1)
printf '%s\n' "$out" | jq -r .id 2>/dev/null | grep -qx pat-0004 &&
	ok "offline: isikoglu from the cache" || fail "offline: isikoglu from the cache" "$(printf '%s' "$out" | head -c 300)"
out=$(ez --offline --format json patients --search "zzqxnotaname" 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "offline: no match" || fail "offline: no match" "exit $rc: $out"

finish
