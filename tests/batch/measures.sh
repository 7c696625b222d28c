#!/usr/bin/env bash
# A client's measures in batch mode against the demo platform: the seeded
# schedule listed and due; a schedule set (one CarePlan, an activity an
# instrument), set again (nothing written), changed, listed in the three
# formats; due computed from the sessions before and the scores (every
# session, a cancelled session before passed over, monthly at 30 and 31
# days); an assessment takes it off; bad input refused with exit 2 and
# nothing written, online or offline; a front desk sees due, no dates or
# scores, and sets nothing; offline: read from the cache, a change queued and
# sent once, a first plan whose answer was lost made once.
# Usage: tests/batch/measures.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=UTC
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
today=$(date -u +%F)
day() { date -u -d "$today $1 days" +%F; }
appt_of() { ez --format json appointments | jq -r "select(.id | endswith(\"-amina-$1\")) | .patient_id"; }
seeded=$(appt_of 1500)
pat=$(appt_of 1300)
[ -n "$seeded" ] && [ -n "$pat" ] && [ "$seeded" != "$pat" ] && ok "two clients of today" ||
	fail "two clients of today" "'$seeded' '$pat'"
plans() { api "CarePlan?subject=Patient/$1&category=urn:ezrizi:careplan|measures&_count=50" | jq '[.entry[]?.resource] | length'; }
version() { api "CarePlan?subject=Patient/$1&category=urn:ezrizi:careplan|measures" | jq -r '.entry[0].resource.meta.versionId'; }
due_of() { ez --format json measures "$1" | jq -r "select(.instrument == \"$2\") | .due"; }

# The seeded schedule: the PHQ-9 at every session, never given: due today.
expect "seeded: PHQ-9 every session, due today" 0 "PHQ-9 +every session +due +$today 15:00" ez measures "$seeded"
expect "no schedule" 0 "No measures are scheduled for this client" ez measures "$pat"

# Set, set again, changed.
expect "set: phq9 every session" 0 "PHQ-9 is now every session for this client" ez measure "$pat" phq9 every-session
v=$(version "$pat")
expect "set again: nothing written" 0 "already; nothing was written" ez measure "$pat" phq9 every-session
[ "$(version "$pat")" = "$v" ] && ok "set again keeps the version" || fail "set again keeps the version" "$v -> $(version "$pat")"
expect "set: gad7 monthly" 0 "GAD-7 is now monthly" ez measure "$pat" gad7 monthly
[ "$(plans "$pat")" = 1 ] && ok "one plan for the client" || fail "one plan for the client" "$(plans "$pat")"
acts=$(api "CarePlan?subject=Patient/$pat&category=urn:ezrizi:careplan|measures" |
	jq -r '.entry[0].resource.activity[].detail | [.code.coding[0].system, .code.coding[0].code, .scheduledTiming.code.coding[0].code] | join(" ")' | tr '\n' '|')
[ "$acts" = "http://loinc.org 44249-1 every-session|http://loinc.org 69737-5 monthly|" ] &&
	ok "an activity an instrument: the panel code and the schedule" || fail "an activity an instrument: the panel code and the schedule" "$acts"

out=$(ez --format json measures "$pat")
keys=$(printf '%s\n' "$out" | head -n1 | jq -c 'keys')
[ "$keys" = '["appointment_id","due","instrument","last_given","schedule","score","session"]' ] &&
	ok "json: exactly its fields" || fail "json: exactly its fields" "$keys"
got=$(printf '%s\n' "$out" | jq -r '[.instrument, .schedule, .due, .appointment_id] | join(" ")' | tr '\n' '|')
[ "$got" = "phq9 every-session true appt-${today//-/}-amina-1300|gad7 monthly true appt-${today//-/}-amina-1300|" ] &&
	ok "json: both due at today's session" || fail "json: both due at today's session" "$got"
expect "tsv" 0 $'^instrument\tschedule\tlast_given\tscore\tdue\tsession\tappointment_id\nphq9\tevery-session\t\t\ttrue\t' \
	ez --format tsv measures "$pat"

# Bad input: exit 2, nothing written, nothing queued.
v=$(version "$pat")
expect "an unknown instrument" 2 "'phq10' is not an instrument ezrizi knows; use one of phq9, gad7, who5, cssrs" \
	ez measure "$pat" phq10 monthly
expect "an unknown schedule" 2 "'weekly' is not one of the words it takes here; use every-session, every-other-session, monthly, off" \
	ez measure "$pat" phq9 weekly
expect "offline, an unknown instrument" 2 "not an instrument ezrizi knows" ez --offline measure "$pat" phq10 monthly
expect "offline, an unknown schedule" 2 "is not one of the words" ez --offline measure "$pat" phq9 weekly
expect "nothing queued" 0 "Nothing waits for the server" ez outbox
[ "$(version "$pat")" = "$v" ] && [ "$(plans "$pat")" = 1 ] && ok "nothing written by what was refused" ||
	fail "nothing written by what was refused" "$v -> $(version "$pat"), $(plans "$pat") plans"

# Every session: the session before (a week ago) decides; a cancelled one
# after it is passed over.
post_appt() {
	curl -sf -X POST -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
		-d "$(jq -cn --arg p "Patient/$pat" --arg s "$1T10:00:00Z" --arg e "$1T10:50:00Z" --arg st "$2" \
			'{resourceType:"Appointment",status:$st,start:$s,end:$e,
			  participant:[{actor:{reference:$p},status:"accepted"}]}')" "$BASE/Appointment" | jq -r .id
}
give() { env EZRIZI_NOW="$2" "$EZRIZI" assess "$pat" "$1" --answers "$3" >/dev/null; }
[ -n "$(post_appt "$(day -7)" fulfilled)" ] && [ -n "$(post_appt "$(day -3)" cancelled)" ] &&
	ok "two sessions before: one held, one cancelled" || fail "two sessions before" "not made"
give phq9 "$(day -10)T09:00:00Z" 1,1,1,1,1,0,0,0,0
[ "$(due_of "$pat" phq9)" = true ] && ok "every session: a score before the session before is due" ||
	fail "every session: a score before the session before is due" "$(due_of "$pat" phq9)"
give phq9 "$(day -7)T11:00:00Z" 1,1,1,1,1,0,0,0,0
[ "$(due_of "$pat" phq9)" = true ] && ok "every session: a score on the session before's day is that session's" ||
	fail "every session: a score on the session before's day is that session's" "$(due_of "$pat" phq9)"
give phq9 "$(day -5)T09:00:00Z" 1,1,1,1,1,0,0,0,0
[ "$(due_of "$pat" phq9)" = false ] && ok "every session: since the session before, the cancelled one passed over" ||
	fail "every session: since the session before, the cancelled one passed over" "$(due_of "$pat" phq9)"
expect "table: last given and the score" 0 "PHQ-9 +every session +$(day -5) 09:00 +5 +no" ez measures "$pat"

# Monthly: 31 days before is due, 30 is not.
give gad7 "$(day -31)T09:00:00Z" 1,1,1,1,1,0,0
[ "$(due_of "$pat" gad7)" = true ] && ok "monthly: 31 days before is due" || fail "monthly: 31 days before is due" "$(due_of "$pat" gad7)"
give gad7 "$(day -30)T09:00:00Z" 1,1,1,1,1,0,0
[ "$(due_of "$pat" gad7)" = false ] && ok "monthly: exactly 30 days before is not" ||
	fail "monthly: exactly 30 days before is not" "$(due_of "$pat" gad7)"

# Given today: the seeded client's PHQ-9 is no longer due.
expect "assess the seeded client" 0 '"score"' ez --format json assess "$seeded" phq9 --answers 0,0,1,0,0,0,0,0,0
[ "$(due_of "$seeded" phq9)" = false ] && ok "given today: not due" || fail "given today: not due" "$(due_of "$seeded" phq9)"

# A front desk: due, no dates, no scores; sets nothing.
config_user reception
expect "login as reception" 0 "Logged in" ez login
LOG=$WORK/platform.log
mark=$(wc -l <"$LOG")
desk=$(ez --format json measures "$pat")
# Which instrument was given when is what a due needs; never the value.
obs=$(tail -n +"$((mark + 1))" "$LOG" | grep 'GET /fhir/R4/Observation')
[ -n "$obs" ] && ! printf '%s\n' "$obs" | grep -qv '_elements=status%2Ccode%2Csubject%2Ceffective\|_elements=status,code,subject,effective' &&
	ok "front_desk_measures_ask_no_values" || fail "front_desk_measures_ask_no_values" "${obs:-no Observation asked}"
got=$(printf '%s\n' "$desk" | jq -r '[.instrument, .due, (.last_given // "none"), (.score // "none")] | join(" ")' | tr '\n' '|')
[ "$got" = "phq9 false none none|gad7 false none none|" ] && ok "front_desk_sees_due_not_scores" ||
	fail "front_desk_sees_due_not_scores" "$got"
v=$(version "$pat")
expect "a front desk sets no measure" 7 "a clinician's to set" ez measure "$pat" who5 monthly
[ "$(version "$pat")" = "$v" ] && ok "nothing written by the front desk" || fail "nothing written by the front desk" "$(version "$pat")"
config_user amina
expect "login again" 0 "Logged in" ez login

# Offline: the cache answers; a change queued, sent once.
expect "offline: read from the cache" 0 "GAD-7 +monthly" ez --offline measures "$pat"
on=$(ez --format json measures "$pat" | jq -c '[.instrument, .due, .last_given, .appointment_id]')
off=$(ez --offline --format json measures "$pat" | jq -c '[.instrument, .due, .last_given, .appointment_id]')
[ -n "$on" ] && [ "$on" = "$off" ] && ok "offline: due as online, from the cached sessions and scores" ||
	fail "offline: due as online, from the cached sessions and scores" "$on / $off"
expect "offline: a change queued" 0 '"queued":"1"' ez --offline --format json measure "$pat" who5 monthly
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
n=$(api "CarePlan?subject=Patient/$pat&category=urn:ezrizi:careplan|measures" |
	jq '[.entry[0].resource.activity[] | select(.detail.code.coding[0].code == "who5")] | length')
[ "$n" = 1 ] && [ "$(plans "$pat")" = 1 ] && ok "offline_measure_replays_once" || fail "offline_measure_replays_once" "$n who5, $(plans "$pat") plans"
[ "$(due_of "$pat" who5)" = true ] && ok "who5 (ezrizi's code) due, never given" || fail "who5 due" "$(due_of "$pat" who5)"
expect "off" 0 "WHO-5 is now off" ez measure "$pat" who5 off
[ -z "$(due_of "$pat" who5)" ] && [ "$(due_of "$pat" gad7)" = false ] && ok "off: no longer listed" || fail "off: no longer listed" "$(ez measures "$pat")"

# A first plan whose answer was lost, then one queued offline: one plan each.
other=$(appt_of 0900)
fault '{"drop_after_commit_next":1}'
expect "a first plan whose answer was lost" 0 "now every other session" ez measure "$other" phq9 every-other-session
[ "$(plans "$other")" = 1 ] && ok "made exactly once" || fail "made exactly once" "$(plans "$other")"
third=$(appt_of 1000)
expect "offline: a first plan queued" 0 '"queued":"1"' ez --offline --format json measure "$third" cssrs monthly
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
[ "$(plans "$third")" = 1 ] && ok "offline_first_plan_replays_once" || fail "offline_first_plan_replays_once" "$(plans "$third")"
finish
