#!/usr/bin/env bash
# Giving an instrument on the screen (give, key g): one item at a time, a
# digit (an Arabic-Indic one too) answers and goes on, Backspace goes back,
# the C-SSRS's skip logic leaves out what it does not ask, a summary with the
# score (and the risk) before Enter saves it as 'assess' does; q leaves and
# saves nothing. At 60x20 the item and its answers still show.
# Usage: tests/tui/form.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
platform_start
config_user amina
expect "login" 0 "Logged in" "$EZRIZI" login
TOKEN=$(token amina)
mkdir -m 700 -p "$WORK/batch-data"
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
S=ez
screen_start ez
check "the screen" "^┌ Today: [0-9]+ sessions"
name=$(screen | sed -n 's/.*┌ Notes: \(.*\) ─.*/\1/p' | sed 's/ *─*$//' | head -n1)
pat=$(ezb --format json appointments | jq -r "select(.patient_name == \"$name\") | .patient_id" | head -n1)
[ -n "$pat" ] && [ "$pat" != null ] && ok "the client on screen: $name" || fail "the client on screen" "'$name'"
qrs() { api "QuestionnaireResponse?subject=Patient/$pat&_summary=count" | jq .total; }
n0=$(qrs)

open_form() {  # INSTRUMENT
	keys g
	wait_for "^:give " 30
	type_text "$1"
	keys Enter
}

# q leaves and nothing is saved.
open_form phq9
check "the form: item 1 of 9, its LOINC code" "Item 1 of 9 \(LOINC 44250-9\)"
check "the answers' meanings (LOINC's)" "0  Not at all"
keys 2
check "a digit goes on" "Item 2 of 9"
keys q
check "q leaves" "Left the form; nothing was saved"
[ "$(qrs)" = "$n0" ] && ok "form_quit_saves_nothing" || fail "form_quit_saves_nothing" "$n0 -> $(qrs)"

# arabic_indic_digits_answer_the_form: an Arabic keyboard's digits (٠-٩) and
# an Urdu one's (۰-۹) answer as 0-9 do; the summary shows what they gave.
open_form phq9
keys ٢
check "arabic_indic_digits_answer_the_form: ٢ goes on" "Item 2 of 9"
keys ۳
check "an Urdu keyboard's ۳ goes on" "Item 3 of 9"
for d in ١ ۰ ٠ ٠ ٠ ٠ ٠; do keys $d; sleep 0.1; done
check "arabic_indic_digits_answer_the_form: the answers they gave" "Answers: 2 3 1 0 0 0 0 0 0"
keys q
check "left it" "Left the form; nothing was saved"

# PHQ-9: back and change, out of range refused, the summary, saved.
open_form phq9
keys 3
check "item 2" "Item 2 of 9"
keys BSpace
check "Backspace goes back" "Item 1 of 9"
keys 0
keys 7
check "out of range said" "Item 2 takes 0 to 3"
for d in 1 0 1 0 1 0 1; do keys $d; sleep 0.1; done
check "item 9" "Item 9 of 9"
keys 1
check "the summary's answers" "Answers: 0 1 0 1 0 1 0 1 1"
check "the summary's score" "Score 5: mild"
check "the summary says a flag will be raised" "saving raises a safety flag"
keys Enter
check "form_saves_as_assess" "a safety flag is raised for this client" 100
[ "$(qrs)" = "$((n0 + 1))" ] && ok "one response saved" || fail "one response saved" "$n0 -> $(qrs)"
last=$(api "QuestionnaireResponse?subject=Patient/$pat&_sort=-_lastUpdated&_count=1" | jq -c '[.entry[0].resource.item[].answer[0].valueCoding.code]')
[ "$last" = '["LA6568-5","LA6569-3","LA6568-5","LA6569-3","LA6568-5","LA6569-3","LA6568-5","LA6569-3","LA6569-3"]' ] &&
	ok "the answers as given, LOINC-coded" || fail "the answers as given" "$last"
check "the banner follows" "RISK, review now" 100

# C-SSRS: a no to the second skips the third to the fifth.
open_form cssrs
check "C-SSRS item 1" "Item 1 of 6"
check "form_shows_the_risk_banner: the client's flag over the form too" "^│.?⚠.*RISK, review now"
keys 0
check "C-SSRS item 2" "Item 2 of 6"
keys 0
check "cssrs_skip_logic: from 2 to 6" "Item 6 of 6"
check "item 6's answers" "2  yes, within the past three months"
keys 0
check "the summary, the skipped ones unanswered" "Answers: 0 0 - - - 0"
check "its risk level" "Risk level: "
keys q

# 60x20: the item and its answers still show.
tm resize-window -t ez -x 60 -y 20 || fail "at 60x20: resized" "tmux refused"
open_form gad7
check "at 60x20 the item" "Item 1 of 7"
check "at 60x20 the last answer" "3  Nearly every day"
keys q
finish
