#!/usr/bin/env bash
# A server's forms on the screen: a known instrument worded by the platform's
# Questionnaire under its canonical (the wording arrives while the form is
# open, sanitised: a C1 CSI and a bidi override are shown, never obeyed; the
# scoring stays the instrument's), and a platform's own form: its words before
# an item, enableWhen turning an item on, a typed answer asked on the command
# line and saved byte for byte, the total from the answers' weights.
# Usage: tests/tui/forms.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
platform_start
config_user amina
expect "login" 0 "Logged in" "$EZRIZI" login
TOKEN=$(token amina)
mkdir -m 700 -p "$WORK/batch-data"
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/fhir+json' --data-binary @- \
	"$BASE/Questionnaire/phq9-platform" >/dev/null <<'J' || fail "put the platform's PHQ-9" "refused"
{"resourceType":"Questionnaire","id":"phq9-platform","url":"http://loinc.org/q/44249-1","version":"test-1","status":"active",
 "item":[{"linkId":"1","type":"choice","code":[{"system":"http://loinc.org","code":"44250-9"}],"text":"Test wording \u009b31m one \u202eevil",
   "answerOption":[{"valueCoding":{"code":"a","display":"Zero words"}},{"valueCoding":{"code":"b","display":"One words"}},
   {"valueCoding":{"code":"c","display":"Two words"}},{"valueCoding":{"code":"d","display":"Three words"}}]}]}
J
S=ez
screen_start ez
check "the screen" "^┌ Today: [0-9]+ sessions"
name=$(screen | sed -n 's/.*┌ Notes: \(.*\) ─.*/\1/p' | sed 's/ *─*$//' | head -n1)
pat=$(ezb --format json appointments | jq -r "select(.patient_name == \"$name\") | .patient_id" | head -n1)
[ -n "$pat" ] && [ "$pat" != null ] && ok "the client on screen: $name" || fail "the client on screen" "'$name'"
qrs() { api "QuestionnaireResponse?subject=Patient/$pat&_summary=count" | jq .total; }

open_form() {  # FORM
	keys g
	wait_for "^:give " 30
	type_text "$1"
	keys Enter
}

open_form phq9
check "server_wording_on_the_form: the platform's item text" "Test wording <U\+009B>31m one <U\+202E>evil"
check "the platform's answers' words" "1  One words"
check "the wording's source said" "version test-1\); ezrizi cannot tell"
check "item 2 keeps ezrizi's words (the server has none)" "Item 1 of 9 \(LOINC 44250-9\)"
keys 1
check "item 2 unworded" "ezrizi has no wording for this item"
keys q

n0=$(qrs)
open_form session-check
check "the form's words before its first item" "A few questions about how the online session went"
check "a boolean item" "Did the session start on time\?"
check "its answers" "1  Yes"
keys 0
check "enable_when_on_screen: 'late' asked after a no" "How many minutes late did it start\?"
keys Enter
check "a typed item asks on the command line" "Answer to item 2:"
type_text "12"
keys Enter
check "on to the group's first item, the group's words above" "The connection"
check "its options by number" "1  None"
keys 2
check "the second choice" "Picture problems"
keys 3
check "a string item" "Anything else\?"
keys Enter
check "the string's prompt" "Answer to item 5:"
type_text 'late, but "fine" # ok'
keys Enter
check "the summary's total" "Total: 3"
check "the summary's typed words" 'Anything else\?: late, but "fine" # ok'
keys Enter
for _ in $(seq 1 50); do [ "$(qrs)" = "$((n0 + 1))" ] && break; sleep 0.2; done
[ "$(qrs)" = "$((n0 + 1))" ] && ok "the form saved once" || fail "the form saved once" "$n0 -> $(qrs)"
last=$(api "QuestionnaireResponse?subject=Patient/$pat&_sort=-_lastUpdated&_count=1" | jq -c '.entry[0].resource')
[ "$(printf '%s' "$last" | jq -r '.item[1].answer[0].valueInteger')" = 12 ] &&
	[ "$(printf '%s' "$last" | jq -r '.item[3].answer[0].valueString')" = 'late, but "fine" # ok' ] &&
	ok "typed_answers_byte_for_byte" || fail "typed_answers_byte_for_byte" "$last"

# 60x20: the item and its answers still show (once the save's job is done).
check "the save's job done" "Saved the answers to Session check" 100
tm resize-window -t ez -x 60 -y 20 || fail "at 60x20: resized" "tmux refused"
open_form session-check
check "at 60x20 the item" "Did the session start"
check "at 60x20 the answers" "0  No"
keys q
finish
