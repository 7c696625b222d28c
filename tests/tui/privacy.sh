#!/usr/bin/env bash
# Privacy by role on the screen (issue 12): the front desk's notes and chat
# panes say the content is not shown to reception, with none of a client's
# note or message on screen, while the flag banner still shows; N is refused.
# The counsellor's screen shows both (the control), and a client's notes and
# messages shown after a selection are one view each in the audit trail,
# delivered at the look again: drawing them again is not a view.
# Usage: tests/tui/privacy.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
# Noon in Karachi on the platform's day (its seed is of the UTC day): after
# 19:00 UTC Karachi's today would be the platform's tomorrow.
export EZRIZI_NOW=$(date -u +%Y-%m-%dT07:00:00Z)
platform_start
config_user amina
POLL=2
echo "poll_interval = $POLL" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login as amina" 0 "Logged in" "$EZRIZI" login
mkdir -m 700 -p "$WORK/batch-data" "$WORK/desk-data"
TOKEN=$(token amina)
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
lists_of() {  # lists_of PATIENT TYPE: amina's list views of the client's records of TYPE
	api "AuditEvent?agent=Practitioner/prac-amina&entity=Patient/$1&_count=100" |
		jq "[.entry[]?.resource | select(.subtype[1].code == \"list\" and .entity[0].name == \"$2\")] | length"
}

# The client first on amina's list, with a note and a message of the test's.
pat=$(ezb --format json appointments | jq -r .patient_id | grep -v null | head -n1)
name=$(ezb --format json appointments | jq -r "select(.patient_id == \"$pat\") | .patient_name" | head -n1)
[ -n "$pat" ] && [ -n "$name" ] && ok "the client: $name" || fail "the client" "'$pat' '$name'"
word=HERON$$
chatword=KINGFISHER$$
printf 'S: %s said the week was hard.\n' "$word" | ezb note add "$pat" >/dev/null 2>&1 || fail "a note written" "refused"
ezb send "$pat" "Thank you, $chatword, see you Tuesday." >/dev/null 2>&1 || fail "a message sent" "refused"
ezb flag add "$pat" --text "Said she has a plan" >/dev/null 2>&1 || fail "a flag raised" "refused"
before_notes=$(lists_of "$pat" DocumentReference)

# to_client: the list's selection up, then down, until the client shows.
to_client() {
	for k in k j; do
		for _ in $(seq 1 20); do
			screen | grep -q "┌ Notes: $(re "$name")" && return 0
			keys $k
			sleep 0.3
		done
	done
}
S=amina
tui_start amina EZRIZI_NOW="$EZRIZI_NOW"
check "amina's screen" "^┌ Today: [0-9]+ sessions"
to_client
check "the counsellor's notes show the note (control)" "$word" 100
check "the counsellor's chat shows the message (control)" "$chatword" 100
# Delivered at the next looks again; then, repainted and looked at again, no more.
for _ in $(seq 1 $((POLL * 20 * SLOW))); do
	[ "$(lists_of "$pat" DocumentReference)" -gt "$before_notes" ] && [ "$(lists_of "$pat" Communication)" -gt 0 ] && break
	sleep 0.1
done
n_notes=$(lists_of "$pat" DocumentReference)
n_chat=$(lists_of "$pat" Communication)
[ "$n_notes" = $((before_notes + 1)) ] && [ "$n_chat" = 1 ] &&
	ok "screen_view_audited: the notes and the chat shown, one AuditEvent each" ||
	fail "screen_view_audited: the notes and the chat shown, one AuditEvent each" "notes $n_notes (was $before_notes), chat $n_chat"
keys C-l
sleep $((3 * POLL))
[ "$(lists_of "$pat" DocumentReference)" = "$n_notes" ] && [ "$(lists_of "$pat" Communication)" = "$n_chat" ] &&
	ok "screen_repaint_is_not_a_view" || fail "screen_repaint_is_not_a_view" "$(lists_of "$pat" DocumentReference) $(lists_of "$pat" Communication)"

# The front desk, as another user in a folder of its own.
sed 's/^username = .*/username = reception/' "$XDG_CONFIG_HOME/ezrizi/config" >"$WORK/desk.conf"
tui_start desk EZRIZI_NOW="$EZRIZI_NOW" XDG_DATA_HOME="'$WORK/desk-data'" EZRIZI_TOKEN="$(token reception)" -- --config "'$WORK/desk.conf'"
S=desk
check "the front desk's screen, everyone's day" "^┌ Today, everyone: [0-9]+ sessions"
to_client
check "the front desk shows the client" "┌ Notes: $(re "$name")"
check "front_desk_notes_pane_says_not_shown" "│ Session notes are clinical:" 100
check "front_desk_chat_pane_says_not_shown" "│ Messages with clients are" 100
check "front_desk_still_sees_the_flag_banner" "SAFETY FLAG: this client" $((2 * POLL * 10 + 30))
settle
printf '%s' "$SETTLED" | grep -qE "$word|$chatword|has a plan" && fail "front_desk_screen_no_clinical_text" "$SETTLED" ||
	ok "front_desk_screen_no_clinical_text"
keys N
check "front desk: N is refused" "neither reads nor writes" 50
screen | grep -q "$word" && fail "front desk: still no note after N" "$(screen)" || ok "front desk: still no note after N"
finish
