#!/usr/bin/env bash
# Assessments in batch mode against the demo platform: scored, saved as a
# QuestionnaireResponse and an Observation (and a Flag when they are a risk),
# refused with exit 2 and nothing written when they cannot be scored (also
# offline: nothing queued), exactly once when the answer is lost or the write
# waits in the outbox.
# Usage: tests/batch/assess.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
count() { api "$1?subject=Patient/$pat&_summary=count" | jq .total; }
flags() { api "Flag?patient=Patient/$pat&_count=100" | jq '[.entry[]?.resource | select(.status == "active")] | length'; }

# PHQ-9 with item 9 = 1: a risk whatever the total, a Flag pointing at the score.
out=$(ez --format json assess "$pat" phq9 --answers 0,1,0,1,0,1,0,1,1)
rc=$?
[ $rc = 0 ] && [ "$(printf '%s' "$out" | jq -r .score)" = 5 ] && [ "$(printf '%s' "$out" | jq -r .band)" = mild ] &&
	[ "$(printf '%s' "$out" | jq -r .risk)" = true ] && ok "phq9_item9_raises_flag: scored 5, mild, a risk" ||
	fail "phq9_item9_raises_flag: scored 5, mild, a risk" "rc=$rc $out"
flag=$(printf '%s' "$out" | jq -r .flag_id)
obs=$(printf '%s' "$out" | jq -r .observation_id)
qr=$(printf '%s' "$out" | jq -r .id)
f=$(api "Flag/$flag")
[ "$(printf '%s' "$f" | jq -r .status)" = active ] &&
	[ "$(printf '%s' "$f" | jq -r '.category[0].coding[0].code')" = safety ] &&
	[ "$(printf '%s' "$f" | jq -r '.subject.reference')" = "Patient/$pat" ] &&
	[ "$(printf '%s' "$f" | jq -r '.extension[0].valueReference.reference')" = "Observation/$obs" ] &&
	ok "the flag is active, safety, the client's, linked to the score" || fail "the flag" "$f"
o=$(api "Observation/$obs")
[ "$(printf '%s' "$o" | jq -r '.code.coding[0].code')" = 44261-6 ] && [ "$(printf '%s' "$o" | jq -r .valueInteger)" = 5 ] &&
	[ "$(printf '%s' "$o" | jq -r '.derivedFrom[0].reference')" = "QuestionnaireResponse/$qr" ] &&
	[ "$(printf '%s' "$o" | jq -r '.category[0].coding[0].code')" = survey ] &&
	ok "the Observation: LOINC 44261-6, 5, from the response, survey" || fail "the Observation" "$o"
r=$(api "QuestionnaireResponse/$qr")
[ "$(printf '%s' "$r" | jq -r .questionnaire)" = "http://loinc.org/q/44249-1" ] &&
	[ "$(printf '%s' "$r" | jq -r .status)" = completed ] &&
	[ "$(printf '%s' "$r" | jq -r '.item | length')" = 9 ] &&
	[ "$(printf '%s' "$r" | jq -r '.item[8].answer[0].valueCoding.code')" = LA6569-3 ] &&
	ok "the response: PHQ-9's canonical, completed, nine LOINC-coded answers" || fail "the response" "$r"

# No risk, no flag; GAD-7 for this client's language.
before=$(flags)
expect "gad7 severe, no flag" 0 '"band":"severe".*"risk":"false","flag_id":""' ez --format json assess "$pat" gad7 --answers 3,3,3,3,3,3,3
[ "$(flags)" = "$before" ] && ok "no flag without a risk" || fail "no flag without a risk" "$before -> $(flags)"
expect "gad7: its unconfirmed panel code said so" 0 "Unconfirmed: the panel code 69737-5 of GAD-7" \
	ez assess "$pat" gad7 --answers 0,0,0,0,0,0,0
expect "gad7 at 8 positive in Turkish" 0 '"score":"8".*"positive":"true".*"cutoff":"8"' \
	ez --format json assess "$pat" gad7 --answers 2,2,2,2,0,0,0 --language tr
printf '3\n3\n-\n3\n3\n' >"$WORK/who5"
expect "who5 from a file, a missing answer refused" 2 "every item answered" ez assess "$pat" who5 --file "$WORK/who5"
printf '3\n3\n3\n3\n3\n' >"$WORK/who5"
expect "who5 from a file" 0 '"score":"60"' ez --format json assess "$pat" who5 --file "$WORK/who5"
expect "cssrs: unconfirmed levels said so" 0 "Unconfirmed" ez assess "$pat" cssrs --answers 1,0,-,-,-,0
expect "cssrs: recent behaviour is high risk" 0 '"band":"high".*"risk":"true"' ez --format json assess "$pat" cssrs --answers 0,0,-,-,-,2

# Refused: exit 2, nothing written, online or offline.
qrs=$(count QuestionnaireResponse)
expect "too few answers" 2 "takes 9 answers, not 8" ez assess "$pat" phq9 --answers 0,0,0,0,0,0,0,0
expect "an answer out of range" 2 "Answer 3 of PHQ-9 is 4" ez assess "$pat" phq9 --answers 0,0,4,0,0,0,0,0,0
expect "an unknown instrument" 2 "neither an instrument ezrizi knows" ez assess "$pat" phq10 --answers 0
expect "no answers" 2 "one of the two" ez assess "$pat" phq9
expect "answers not from standard input" 2 "not on standard input" ez assess "$pat" phq9 --file -
expect "a file that is not there" 3 "Cannot read" ez assess "$pat" phq9 --file "$WORK/none"
expect "the skip logic" 2 "not asked" ez assess "$pat" cssrs --answers 0,0,1,-,-,0
expect "offline, out of range" 2 "Answer 1 of GAD-7" ez --offline assess "$pat" gad7 --answers 9,0,0,0,0,0,0
expect "nothing queued" 0 "Nothing waits for the server" ez outbox
[ "$(count QuestionnaireResponse)" = "$qrs" ] && ok "nothing written by what was refused" ||
	fail "nothing written by what was refused" "$qrs -> $(count QuestionnaireResponse)"

# Exactly once: the answer lost, then the outbox.
fault '{"drop_after_commit_next":1}'
expect "an assessment whose answer was lost" 0 '"score":"0"' ez --format json assess "$pat" phq9 --answers 0,0,0,0,0,0,0,0,0
[ "$(count QuestionnaireResponse)" = "$((qrs + 1))" ] && [ "$(count Observation)" = "$(( $(count QuestionnaireResponse) ))" ] &&
	ok "saved exactly once" || fail "saved exactly once" "$qrs -> $(count QuestionnaireResponse), $(count Observation) observations"
before=$(flags)
expect "offline: queued" 0 '"queued":"1"' ez --offline --format json assess "$pat" phq9 --answers 1,1,1,1,1,1,1,1,2
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
[ "$(count QuestionnaireResponse)" = "$((qrs + 2))" ] && [ "$(flags)" = "$((before + 1))" ] &&
	ok "offline_assessment_replays_once: one response, one flag" ||
	fail "offline_assessment_replays_once: one response, one flag" "$qrs -> $(count QuestionnaireResponse); flags $before -> $(flags)"
finish
