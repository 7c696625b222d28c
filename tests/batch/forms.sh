#!/usr/bin/env bash
# A platform's own forms (Questionnaires) in batch mode against the demo
# platform: given by id or canonical, answered in the form's order with its
# enableWhen, scored by the answers' ordinalValue, saved as a
# QuestionnaireResponse nested as the form is; forms ezrizi cannot give whole
# are refused with exit 2 and nothing written; offline, the local copy is
# checked and the write queued once; a server's wording of a known
# instrument keeps the instrument's scoring; hostile text in a form never
# reaches the terminal raw.
# Usage: tests/batch/forms.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
qrs() { api "QuestionnaireResponse?subject=Patient/$pat&_summary=count" | jq .total; }
put() { curl -sf -X PUT -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
	--data-binary @- "$BASE/Questionnaire/$1" >/dev/null; }

# The demo's form: on time (yes), so 'late' is not asked; sound some (1),
# picture many (2): a total of 3; the comment's commas reach the server as typed.
out=$(ez --format json assess "$pat" session-check --answers 'yes,-,2,3,late\, but fine \\ ok')
rc=$?
qr=$(printf '%s' "$out" | jq -r .id)
[ $rc = 0 ] && [ "$(printf '%s' "$out" | jq -r .score)" = 3 ] && [ "$(printf '%s' "$out" | jq -r .instrument)" = session-check ] &&
	[ "$(printf '%s' "$out" | jq -r .risk)" = false ] && [ "$(printf '%s' "$out" | jq -r .flag_id)" = "" ] &&
	ok "form_scored_by_ordinal_value: 3, no risk, no flag" || fail "form_scored_by_ordinal_value" "rc=$rc $out"
r=$(api "QuestionnaireResponse/$qr")
[ "$(printf '%s' "$r" | jq -r .questionnaire)" = "urn:ezrizi:demo:questionnaire:session-check|1" ] &&
	[ "$(printf '%s' "$r" | jq -r '[.item[].linkId] | join(" ")')" = "on-time link comment" ] &&
	[ "$(printf '%s' "$r" | jq -r '.item[0].answer[0].valueBoolean')" = true ] &&
	[ "$(printf '%s' "$r" | jq -r '.item[1].item[1].answer[0].valueCoding.code')" = many ] &&
	[ "$(printf '%s' "$r" | jq -r '.item[2].answer[0].valueString')" = 'late, but fine \ ok' ] &&
	ok "form_response_nested: the version given on, the group's answers inside it, the text byte for byte" || fail "form_response_nested" "$r"
o=$(api "Observation/$(printf '%s' "$out" | jq -r .observation_id)")
[ "$(printf '%s' "$o" | jq -r '.code.coding[0].system')" = urn:ezrizi:questionnaire-score ] &&
	[ "$(printf '%s' "$o" | jq -r .valueInteger)" = 3 ] &&
	[ "$(printf '%s' "$o" | jq -r '.derivedFrom[0].reference')" = "QuestionnaireResponse/$qr" ] &&
	ok "the form's total: an Observation from the response" || fail "the form's total" "$o"

# enableWhen: late (no), so 'late' is asked; by canonical, answers by code.
expect "by canonical, late asked" 0 '"score":"0"' ez --format json assess "$pat" \
	'urn:ezrizi:demo:questionnaire:session-check' --answers 'no,12,none,none,-'
before=$(qrs)
expect "an answer to an item not asked" 2 "Item late is not asked" ez assess "$pat" session-check --answers 'yes,5,1,1,-'
expect "a required item unanswered" 2 "Item on-time must be answered" ez assess "$pat" session-check --answers '-,-,1,1,-'
expect "a choice out of range" 2 "Item audio takes the number of an answer, 1 to 3" ez assess "$pat" session-check --answers 'yes,-,4,1,-'
expect "too few answers" 2 "The form asks 5 items; 3 answers" ez assess "$pat" session-check --answers 'yes,-,1'
expect "a whole number" 2 "Item late takes a whole number" ez assess "$pat" session-check --answers 'no,soon,1,1,-'
expect "no such form" 2 "neither an instrument ezrizi knows" ez assess "$pat" no-such-form --answers 1
[ "$(qrs)" = "$before" ] && ok "refused answers wrote nothing" || fail "refused answers wrote nothing" "$before -> $(qrs)"
expect "unscored: an item that counts unanswered" 0 "Not scored: item video" ez assess "$pat" session-check --answers 'yes,-,1,-,-'

# A form ezrizi cannot give whole is refused, saying what to do.
put date-form <<'J' || fail "put date-form" "refused"
{"resourceType":"Questionnaire","id":"date-form","status":"active","item":[{"linkId":"when","type":"dateTime","text":"When?"}]}
J
expect "an item type ezrizi does not ask" 2 "Item when asks for a dateTime, which ezrizi cannot ask yet; give this form on the platform" \
	ez assess "$pat" date-form --answers x
put vs-form <<'J' || fail "put vs-form" "refused"
{"resourceType":"Questionnaire","id":"vs-form","status":"active","item":[{"linkId":"a","type":"choice","text":"A","answerValueSet":"http://example.org/ValueSet/x"}]}
J
expect "an outside ValueSet" 2 "Item a takes its answers from the ValueSet http://example.org/ValueSet/x" ez assess "$pat" vs-form --answers 1
# A contained ValueSet is read, its concepts weighted.
put cvs-form <<'J' || fail "put cvs-form" "refused"
{"resourceType":"Questionnaire","id":"cvs-form","status":"active","contained":[{"resourceType":"ValueSet","id":"vs","status":"active","compose":{"include":[{"system":"urn:x","concept":[{"code":"lo","display":"Low","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/ordinalValue","valueDecimal":1}]},{"code":"hi","display":"High","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/ordinalValue","valueDecimal":4}]}]}]}}],"item":[{"linkId":"a","type":"choice","text":"A","answerValueSet":"#vs"}]}
J
expect "a contained ValueSet, weighted" 0 '"score":"4"' ez --format json assess "$pat" cvs-form --answers hi

# Offline: checked against the local copy, queued, replayed once.
before=$(qrs)
expect "offline: a bad answer refused from the local copy" 2 "Item audio takes the number" \
	ez --offline assess "$pat" session-check --answers 'yes,-,9,1,-'
expect "offline: queued" 0 '"queued":"1"' ez --offline --format json assess "$pat" session-check --answers 'yes,-,1,1,-'
expect "sync replays it" 0 "" ez sync
expect "sync again" 0 "" ez sync
[ "$(qrs)" = $((before + 1)) ] && ok "offline_form_replays_once" || fail "offline_form_replays_once" "$before -> $(qrs)"

# Hostile text in a form: item text and answer displays with a C1 CSI and a
# bidi override; the JSON output is inert and the refusal names it safely.
put hostile-form <<'J' || fail "put hostile-form" "refused"
{"resourceType":"Questionnaire","id":"hostile-form","status":"active","title":"T\u009b31mX\u202e","item":[{"linkId":"x\u009b2J","type":"date","text":"\u202eevil"}]}
J
out=$(ez assess "$pat" hostile-form --answers 1 2>&1)
printf '%s' "$out" | grep -q "asks for a date" && ! printf '%s' "$out" | LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae' &&
	ok "hostile_form_text_sanitised in the error" || fail "hostile_form_text_sanitised in the error" "$(printf '%s' "$out" | od -c | head)"

# The server's wording of a known instrument: still the PHQ-9's scoring;
# the response names the version the answers were given on.
put phq9-platform <<'J' || fail "put phq9-platform" "refused"
{"resourceType":"Questionnaire","id":"phq9-platform","url":"http://loinc.org/q/44249-1","version":"test-1","status":"active","item":[{"linkId":"1","type":"choice","code":[{"system":"http://loinc.org","code":"44250-9"}],"text":"Test wording one"}]}
J
out=$(ez --format json assess "$pat" phq9-platform --answers 0,0,0,0,0,0,0,0,1)
rc=$?
r=$(api "QuestionnaireResponse/$(printf '%s' "$out" | jq -r .id)")
[ $rc = 0 ] && [ "$(printf '%s' "$out" | jq -r .instrument)" = phq9 ] && [ "$(printf '%s' "$out" | jq -r .risk)" = true ] &&
	[ "$(printf '%s' "$r" | jq -r .questionnaire)" = "http://loinc.org/q/44249-1|test-1" ] &&
	ok "server_wording_keeps_instrument_scoring: PHQ-9 item 9 still a risk, the version named" ||
	fail "server_wording_keeps_instrument_scoring" "rc=$rc $out $(printf '%s' "$r" | jq -c .questionnaire)"

# Under one canonical, a form in the client's language before a newer one.
put lang-ar <<'J' || fail "put lang-ar" "refused"
{"resourceType":"Questionnaire","id":"lang-ar","url":"urn:test:lang","version":"1","language":"ar","status":"active","item":[{"linkId":"a","type":"string","text":"A"}]}
J
put lang-en <<'J' || fail "put lang-en" "refused"
{"resourceType":"Questionnaire","id":"lang-en","url":"urn:test:lang","version":"2","language":"en","status":"active","item":[{"linkId":"a","type":"string","text":"A"}]}
J
qof() { api "QuestionnaireResponse/$(printf '%s' "$1" | jq -r .id)" | jq -r .questionnaire; }
out=$(ez --format json assess "$pat" urn:test:lang --language ar-SA --answers x)
[ "$(qof "$out")" = "urn:test:lang|1" ] && ok "form_in_the_clients_language: the Arabic one, older" ||
	fail "form_in_the_clients_language" "$out $(qof "$out")"
out=$(ez --format json assess "$pat" urn:test:lang --language tr --answers x)
[ "$(qof "$out")" = "urn:test:lang|2" ] && ok "no form in the language: the newest" || fail "no form in the language: the newest" "$(qof "$out")"
# scores_lists_form_totals: the forms' totals are listed with the instruments'
# scores, oldest first, named by the form's canonical URL (the total's code);
# --instrument takes that URL and then lists that form's totals only.
CAN=urn:ezrizi:demo:questionnaire:session-check
srv=$(api "Observation?subject=Patient/$pat&_count=200" |
	jq "[.entry[].resource | select(.code.coding[]? | .system == \"urn:ezrizi:questionnaire-score\" and .code == \"$CAN\")] | length")
out=$(ez --format json scores "$pat" --instrument "$CAN")
rc=$?
[ $rc = 0 ] && [ "$srv" -gt 0 ] && [ "$(printf '%s\n' "$out" | grep -c .)" = "$srv" ] &&
	[ "$(printf '%s\n' "$out" | jq -r .instrument | sort -u)" = "$CAN" ] &&
	[ "$(printf '%s\n' "$out" | head -n1 | jq -r .score)" = 3 ] &&
	ok "scores_lists_form_totals: $srv totals of the form, the first 3" ||
	fail "scores_lists_form_totals" "rc=$rc server=$srv $out"
all=$(ez --format json scores "$pat")
[ "$(printf '%s\n' "$all" | jq -r .instrument | grep -c "^$CAN$")" = "$srv" ] &&
	[ "$(printf '%s\n' "$all" | jq -r .authored | sort -c && echo sorted)" = sorted ] &&
	ok "every score and total together, oldest first" || fail "every score and total together" "$all"
expect "a form's canonical that has no totals: none" 0 "No scores" ez scores "$pat" --instrument urn:test:none
expect "a word that is not an instrument is still refused" 2 "not an instrument ezrizi knows" ez scores "$pat" --instrument phq-9
finish
