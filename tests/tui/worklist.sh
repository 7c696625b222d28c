#!/usr/bin/env bash
# The worklist on the screen, on the seeded week (Thursday 2026-12-03, 12:00
# in Karachi): the counsellor's title bar counts the notes owed, W shows the
# worklist, N offers the counsellor's template on the command line and opens
# the editor with its headings, the note saved is tied to the selected
# session and the count goes down; the front desk's title bar has no count.
# Usage: tests/tui/worklist.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi EZRIZI_NOW=2026-12-03T07:00:00Z
platform_start --today 2026-12-03
config_user amina
printf 'poll_interval = 600\npractitioner = prac-amina\nnote_template = soap\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login

# The editor: keeps a copy of what it was given, then writes under the headings.
mkdir -p "$WORK/bin" "$WORK/ed"
cat >"$WORK/bin/note-editor" <<'SH'
#!/bin/sh
cp "$1" "$EDLOG/given"
printf 'Subjective:\nSlept better.\n\nObjective:\nCalm.\n\nAssessment:\nImproving.\n\nPlan:\nSame time next week.\n' >"$1"
SH
chmod +x "$WORK/bin/note-editor"

title() { screen | sed -n 1p; }
tui_start ez EZRIZI_NOW=$EZRIZI_NOW EDITOR="'$WORK/bin/note-editor'" EDLOG="'$WORK/ed'"
if ! wait_for "Today: " 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
if wait_for "amina .* — 5 notes owed" 150; then
	ok "worklist_start_count: the title bar counts the 5 notes owed"
else
	fail "worklist_start_count: the title bar counts the 5 notes owed" "$(title)"
fi

keys W
if wait_for "overdue draft" 100 && screen | grep -q "note-draft-overdue" && screen | grep -q "appt-20261130-amina-1200"; then
	ok "worklist_view: W shows the worklist, the overdue draft and Monday's session"
else
	fail "worklist_view: W shows the worklist" "$(screen)"
fi
keys q
wait_gone "overdue draft" 50 || fail "the worklist closes" "$(screen)"

# 09:00 today (pat-0026): N offers soap (note_template), Enter opens the editor.
keys Home
keys N
if wait_for "write-note soap" 50; then
	ok "write_note_template_choice: N offers the counsellor's template"
else
	fail "write_note_template_choice: N offers the counsellor's template" "$(status_line)"
fi
keys Enter
check "write_note_template_choice: the note is saved as a draft, signing asked" "Draft saved. Sign it now" 150
keys y
check "write_note_template_choice: and signed" "Note signed" 150
[ "$(grep -v '^$' "$WORK/ed/given" 2>/dev/null | paste -sd'|')" = 'Subjective:|Objective:|Assessment:|Plan:' ] &&
	ok "write_note_template_choice: the editor opened with SOAP's headings" ||
	fail "write_note_template_choice: the editor opened with SOAP's headings" "$(cat "$WORK/ed/given" 2>/dev/null)"
if wait_for "amina .* — 4 notes owed" 150; then
	ok "worklist_start_count: the note saved takes the count down"
else
	fail "worklist_start_count: the note saved takes the count down" "$(title)"
fi
got=$("$EZRIZI" --format json notes --appointment appt-20261203-amina-0900 | jq -r '[.patient_id, .appointment_id] | @tsv')
[ "$got" = "pat-0026	appt-20261203-amina-0900" ] && ok "write_note_template_choice: tied to the selected session" ||
	fail "write_note_template_choice: tied to the selected session" "$got"
id=$("$EZRIZI" --format json notes --appointment appt-20261203-amina-0900 | jq -r .id | head -n1)
[ "$(api "DocumentReference/$id" | jq -r '.extension[0].valueCode')" = soap ] &&
	ok "write_note_template_choice: the template is recorded" || fail "write_note_template_choice: the template is recorded" "$id"
keys q
check "the screen quits" "^EXIT=0" 100

# owed_count_follows_the_server: a screen that looks every 2 s counts once
# (three searches), not at every look; a note written elsewhere (batch, a
# store of its own) for Monday's session takes its count down at a look.
mkdir -m 700 -p "$WORK/batch-data"
TOKEN=$(token amina)
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN EZRIZI_NOW=$EZRIZI_NOW "$EZRIZI" "$@"; }
sed 's/^poll_interval = .*/poll_interval = 2/' "$XDG_CONFIG_HOME/ezrizi/config" >"$WORK/poll.conf"
S=poll
counts() { grep -c 'DocumentReference?author=Practitioner%2Fprac-amina&_count=' "$WORK/platform.log"; }
c0=$(counts)
tui_start poll EZRIZI_NOW=$EZRIZI_NOW -- --config "'$WORK/poll.conf'"
if wait_for "amina .* — 4 notes owed" 150; then
	sleep 7   # three looks or more
	looks=$(grep -c 'in batch: GET /fhir/R4/DocumentReference?author=Practitioner%2Fprac-amina&_lastUpdated=' "$WORK/platform.log")
	n=$(($(counts) - c0))
	if [ "$looks" -ge 2 ] && [ "$n" = 1 ]; then
		ok "owed_count_follows_the_server: counted once over $looks looks"
	else
		fail "owed_count_follows_the_server: counted once" "$n counts, $looks looks"
	fi
	mon=$(api Appointment/appt-20261130-amina-1200 | jq -r '.participant[].actor.reference | select(startswith("Patient/")) | ltrimstr("Patient/")')
	printf 'Seen on Monday; notes written later.\n' | ezb note add "$mon" --appointment appt-20261130-amina-1200 >"$WORK/mon.out" 2>&1 ||
		fail "a note for Monday's session, elsewhere" "$(cat "$WORK/mon.out")"
	if wait_for "amina .* — 3 notes owed" 100; then
		ok "owed_count_follows_the_server: a note written elsewhere takes the count down"
	else
		fail "owed_count_follows_the_server: a note written elsewhere takes the count down" "$(title)"
	fi
else
	fail "owed_count_follows_the_server: the screen counts" "$(title)"
fi
keys q
check "that screen quits" "^EXIT=0" 100
S=ez

# The front desk: no count, whatever is owed. The positive control: its
# title bar is drawn, with its clock.
config_user reception
expect "login as reception" 0 "Logged in" "$EZRIZI" login
S=fd
tui_start fd EZRIZI_NOW=$EZRIZI_NOW
if wait_for "Today, everyone: " 150 && wait_for "reception — 2026-12-03 12:00" 50; then
	sleep 1
	title | grep -q "owed" && fail "worklist_not_for_front_desk: no count on its title bar" "$(title)" ||
		ok "worklist_not_for_front_desk: no count on its title bar"
else
	fail "worklist_not_for_front_desk: the screen starts" "$(screen)"
fi
finish
