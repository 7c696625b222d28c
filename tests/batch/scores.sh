#!/usr/bin/env bash
# A client's scores read back in batch mode against the demo platform: the
# assessments saved by 'assess', oldest first, in the three formats, with the
# change since the first; one instrument alone; an unknown one refused (exit
# 2); what is not a score of ours left out; an unreadable one left out and
# said; a hostile band printed inert; the same from the cache offline.
# Usage: tests/batch/scores.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=UTC
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
post() {
	curl -sf -X POST -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
		-d "$1" "$BASE/Observation" | jq -r .id
}

# Three assessments, saved out of date order on a fixed clock: the later
# PHQ-9 first.
expect "phq9 on the 20th" 0 '"score":"5"' env EZRIZI_NOW=2026-11-20T09:00:00Z \
	"$EZRIZI" --format json assess "$pat" phq9 --answers 1,1,1,1,1,0,0,0,0
expect "phq9 on the 1st" 0 '"score":"12"' env EZRIZI_NOW=2026-11-01T09:00:00Z \
	"$EZRIZI" --format json assess "$pat" phq9 --answers 2,2,2,2,2,2,0,0,0
expect "gad7 on the 10th" 0 '"score":"8"' env EZRIZI_NOW=2026-11-10T09:00:00Z \
	"$EZRIZI" --format json assess "$pat" gad7 --answers 2,2,2,2,0,0,0

out=$(ez --format json scores "$pat")
rc=$?
got=$(printf '%s\n' "$out" | jq -r '[.instrument, .authored, .score, .band] | join(" ")' | tr '\n' '|')
want="phq9 2026-11-01T09:00:00+00:00 12 moderate|gad7 2026-11-10T09:00:00+00:00 8 mild|phq9 2026-11-20T09:00:00+00:00 5 mild|"
[ $rc = 0 ] && [ "$got" = "$want" ] && ok "json: both in date order, score and band" ||
	fail "json: both in date order, score and band" "rc=$rc $got"
keys=$(printf '%s\n' "$out" | head -n1 | jq -c 'keys')
[ "$keys" = '["authored","band","id","instrument","score"]' ] && ok "json: exactly its fields" ||
	fail "json: exactly its fields" "$keys"
obs=$(printf '%s\n' "$out" | head -n1 | jq -r .id)
[ "$(api "Observation/$obs" | jq -r .valueInteger)" = 12 ] && ok "json: the id is the Observation's" ||
	fail "json: the id is the Observation's" "$obs"
expect "tsv" 0 $'^id\tinstrument\tauthored\tscore\tband\n[^\t]+\tphq9\t2026-11-01T09:00:00\\+00:00\t12\tmoderate\n[^\t]+\tgad7\t[^\t]+\t8\tmild\n[^\t]+\tphq9\t2026-11-20T09:00:00\\+00:00\t5\tmild$' \
	ez --format tsv scores "$pat"
expect "table: labels, the change since the first" 0 \
	'PHQ-9 +2026-11-01 09:00 +12 +moderate.*GAD-7 +2026-11-10 09:00 +8 +mild.*PHQ-9 +2026-11-20 09:00 +5 +mild +-7' \
	sh -c "'$EZRIZI' scores '$pat' | tr '\n' ' '"

# One instrument; an unknown one.
out=$(ez --format json scores "$pat" --instrument gad7)
[ "$(printf '%s\n' "$out" | jq -r .instrument | sort -u)" = gad7 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
	ok "--instrument gad7 filters" || fail "--instrument gad7 filters" "$out"
expect "an unknown instrument" 2 "'phq10' is not an instrument ezrizi knows; use one of phq9, gad7, who5, cssrs" \
	ez scores "$pat" --instrument phq10
expect "no scores" 0 "No scores" ez scores "$pat" --instrument who5

# Not ours, and ours but unreadable.
post "$(jq -cn --arg p "Patient/$pat" '{resourceType:"Observation",status:"final",
	code:{coding:[{system:"http://loinc.org",code:"8480-6"}]},subject:{reference:$p},
	category:[{coding:[{system:"http://terminology.hl7.org/CodeSystem/observation-category",code:"survey"}]}],
	effectiveDateTime:"2026-11-05T09:00:00Z",valueInteger:120}')" >/dev/null
post "$(jq -cn --arg p "Patient/$pat" '{resourceType:"Observation",status:"final",
	code:{coding:[{system:"http://loinc.org",code:"44261-6"}]},subject:{reference:$p},
	category:[{coding:[{system:"http://terminology.hl7.org/CodeSystem/observation-category",code:"survey"}]}],
	effectiveDateTime:"2026-11-06T09:00:00Z",valueString:"high"}')" >/dev/null
expect "not ours left out, the unreadable one said" 0 "1 score could not be read" ez scores "$pat"
[ "$(ez --format json scores "$pat" | wc -l)" = 3 ] && ok "json: still the three" ||
	fail "json: still the three" "$(ez --format json scores "$pat")"

# A hostile band: an escape sequence and a right-to-left override.
BAND=$(printf 'mild\033[2J\033]0;owned\007 \xe2\x80\xaeesreveR end')
hid=$(post "$(jq -cn --arg p "Patient/$pat" --arg b "$BAND" '{resourceType:"Observation",status:"final",
	code:{coding:[{system:"http://loinc.org",code:"44261-6"}]},subject:{reference:$p},
	category:[{coding:[{system:"http://terminology.hl7.org/CodeSystem/observation-category",code:"survey"}]}],
	effectiveDateTime:"2026-11-25T09:00:00Z",valueInteger:7,
	interpretation:[{coding:[{system:"urn:ezrizi:band",code:$b}]}]}')")
for fmt in table tsv json; do
	ez --format $fmt scores "$pat" >"$WORK/hostile.$fmt" 2>&1
	rc=$?
	if [ $rc != 0 ] || ! grep -q "esreveR end" "$WORK/hostile.$fmt"; then
		fail "hostile_band_sanitised ($fmt)" "rc=$rc, no row: $(cat "$WORK/hostile.$fmt")"
	elif LC_ALL=C grep -q $'\033\|\007\|\xe2\x80\xae' "$WORK/hostile.$fmt"; then
		fail "hostile_band_sanitised ($fmt)" "raw controls: $(od -c "$WORK/hostile.$fmt" | head -5)"
	else
		ok "hostile_band_sanitised ($fmt)"
	fi
done
[ "$(grep -F "\"id\":\"$hid\"" "$WORK/hostile.json" | jq -r .band)" = "$BAND" ] &&
	ok "json: the hostile band decodes to the server's text" ||
	fail "json: the hostile band decodes to the server's text" "$(cat "$WORK/hostile.json")"

# Offline: from the cache the online look filled.
expect "offline, from the cache" 0 'PHQ-9 +2026-11-01 09:00 +12 +moderate.*GAD-7 +2026-11-10' \
	sh -c "'$EZRIZI' --offline scores '$pat' | tr '\n' ' '"
finish
