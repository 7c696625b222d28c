#!/usr/bin/env bash
# A risk flag that no one can miss: an assessment raised in batch by one
# counsellor shows, within one poll, on her screen and on the front desk's
# (the row's mark and a banner over the notes and the chat); the front desk
# reads that there is a flag, not what it says. Acknowledged with a key, the
# acknowledgement is on the server and the other screen's banner says so at
# its next poll. A flag raised with "!" keeps the words as typed.
# Usage: tests/tui/flags.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
platform_start
config_user amina
POLL=2
echo "poll_interval = $POLL" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login as amina" 0 "Logged in" "$EZRIZI" login

# Batch with a store of its own: the screens hold theirs.
mkdir -m 700 -p "$WORK/batch-data" "$WORK/desk-data"
TOKEN=$(token amina)
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }

S=amina
screen_start amina
check "amina's screen" "^┌ Today: [0-9]+ sessions"
name=$(screen | sed -n 's/.*┌ Notes: \(.*\) ─.*/\1/p' | sed 's/ *─*$//' | head -n1)
pat=$(ezb --format json appointments | jq -r "select(.patient_name == \"$name\") | .patient_id" | head -n1)
[ -n "$pat" ] && [ "$pat" != null ] && ok "the client on screen: $name" || fail "the client on screen" "'$name'"

# The front desk, as another user in a folder of its own.
sed 's/^username = .*/username = reception/' "$XDG_CONFIG_HOME/ezrizi/config" >"$WORK/desk.conf"
tui_start desk XDG_DATA_HOME="'$WORK/desk-data'" EZRIZI_TOKEN="$(token reception)" -- --config "'$WORK/desk.conf'"
S=desk
check "the front desk's screen, everyone's day" "^┌ Today, everyone: [0-9]+ sessions"
# Its selection on the same client: from the top (the screen starts on the
# session under way, which may be below theirs: front_desk_finds_the_client_after_noon),
# down the list until the notes show them.
for _ in $(seq 1 30); do keys k; done
sleep 0.3
for _ in $(seq 1 30); do
	screen | grep -q "┌ Notes: $(re "$name")" && break
	keys j
	sleep 0.3
done
check "the front desk shows the client" "┌ Notes: $(re "$name")"

# No flag yet: no banner on either screen.
S=amina
screen | grep -q "RISK" && fail "no banner before a flag" "$(screen)" || ok "no banner before a flag"

# The newest message in the chat, before the banner comes.
newest=NEWEST$$
ezb send "$pat" "$newest" >/dev/null 2>&1 || fail "a message sent" "refused"
check "the chat shows the newest message" "$newest" $((2 * POLL * 10 + 30))

ezb assess "$pat" phq9 --answers 0,1,0,0,0,0,0,0,1 >"$WORK/assess.out" 2>&1 &&
	ok "assessed in batch, item 9 = 1" || fail "assessed in batch" "$(cat "$WORK/assess.out")"
flag=$(ezb --format json flags "$pat" | jq -r .id | head -n1)
S=amina
check "banner_within_one_poll: the counsellor's notes and chat" "RISK, review now \(1 flag\): PHQ-9 item" $((2 * POLL * 10 + 30))
# screen_polls_in_one_batch: both screens' looks again went in batch Bundles
# (a POST each poll), none on its own, and the flag came through one.
inb=$(grep -c '^  in batch: GET /fhir/R4/Appointment?_lastUpdated=' "$WORK/platform.log")
alone=$(grep -c '^GET /fhir/R4/Appointment?_lastUpdated=' "$WORK/platform.log")
if [ "$inb" -gt 0 ] && [ "$alone" = 0 ] && grep -q '^  in batch: GET /fhir/R4/Flag?' "$WORK/platform.log"; then
	ok "screen_polls_in_one_batch ($inb looks again)"
else
	fail "screen_polls_in_one_batch" "$inb in batches, $alone alone"
fi
[ "$(screen | grep -c "RISK, review now")" = 2 ] && ok "the banner over the notes and over the chat" ||
	fail "the banner over the notes and over the chat" "$(screen)"
screen | grep -qE "⚠ $(re "$name")" && ok "the row is marked" || fail "the row is marked" "$(screen)"
# chat_keeps_the_newest_under_a_banner: the banner takes the chat's rows; the
# newest message stays in sight (it went below the pane until the next fetch).
screen | grep -q "$newest" && ok "chat_keeps_the_newest_under_a_banner" || fail "chat_keeps_the_newest_under_a_banner" "$(screen)"
S=desk
check "banner_within_one_poll: the front desk's" "SAFETY FLAG: this client" $((2 * POLL * 10 + 30))
# Neither the flag's words nor the client's scores (its trend line).
screen | grep -qE "PHQ-9|item 9" && fail "front_desk_banner_hides_detail" "$(screen)" || ok "front_desk_banner_hides_detail"

# Acknowledged with A, then y: on the server; the other screen follows.
S=amina
keys A
check "A asks first" "Acknowledge a risk flag"
keys y
check "acknowledged" "Flag .* acknowledged\."
acked=$(api "Flag/$flag" | jq -r '[.extension[]? | select(.url == "urn:ezrizi:flag-acknowledgement") | .extension[] | select(.url == "by") | .valueReference.reference] | first')
[ "$acked" = Practitioner/prac-amina ] && ok "acknowledgement_stored_from_the_screen" ||
	fail "acknowledgement_stored_from_the_screen" "$(api "Flag/$flag")"
check "the counsellor's banner is a reminder now" "⚑ Risk flag, acknowledged: PHQ-9"
S=desk
check "the front desk's banner follows within a poll" "Safety flag \(a clinician" $((2 * POLL * 10 + 30))

# "!" raises one with the words as typed, after saying what it will do.
S=amina
words='Said "goodbye" #2; a\b — قالت وداعاً'
keys '!'
check "! asks what worries" "What worries you about"
type_text "$words"
keys Enter
check "then asks before raising it" "Raise a safety flag about a client"
keys y
check "raised" "Flag raised"
[ "$(api "Flag?patient=Patient/$pat&_count=100" | jq -r --arg w "$words" '[.entry[].resource | select(.code.text == $w)] | length')" = 1 ] &&
	ok "flag_raised_on_screen_keeps_the_words" || fail "flag_raised_on_screen_keeps_the_words" "$(api "Flag?patient=Patient/$pat")"
check "urgent again: a flag waits" "RISK, review now \(1 flag\)"

# At 60x20 the banner still shows, above the notes.
tm resize-window -t amina -x 60 -y 20 || fail "at 60x20: resized" "tmux refused"
check "at 60x20 the banner shows" "RISK, review"
finish
