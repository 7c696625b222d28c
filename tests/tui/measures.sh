#!/usr/bin/env bash
# A measure due marks its appointment's row: the seeded client's PHQ-9 at
# every session (never given) shows "due" before the name, the rows of
# clients with no schedule do not; given in batch, the mark goes at the
# list's next refresh (r); a schedule set in batch marks its client's row at
# the next refresh; given to the client the notes pane shows, the mark goes
# with their scores at the next poll, no refresh needed. The front desk sees
# the mark.
# It shows at 60x20. The fetch is one look for the whole list, not one a
# client or a poll.
# Usage: tests/tui/measures.sh [path/to/ezrizi]
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
row_of() { ezb --format json appointments | jq -r "select(.id | endswith(\"-amina-$1\")) | .$2"; }
seeded=$(row_of 1500 patient_id)
seeded_name=$(row_of 1500 patient_name)
other=$(row_of 1300 patient_id)
other_name=$(row_of 1300 patient_name)
[ -n "$seeded" ] && [ -n "$other" ] && ok "the clients of 15:00 and 13:00" || fail "the clients" "'$seeded' '$other'"
plan_looks() { grep -c 'GET /fhir/R4/CarePlan?category=' "$WORK/platform.log"; }

S=amina
screen_start amina
check "amina's screen" "^┌ Today: [0-9]+ sessions"
check "due_mark_on_the_row: the seeded client" "due $(re "$seeded_name")"
screen | grep -q "$(re "$other_name")" && ok "the 13:00 row is there" || fail "the 13:00 row is there" "$(screen)"
screen | grep -qE "due $(re "$other_name")" && fail "no mark without a schedule" "$(screen)" || ok "no mark without a schedule"
[ "$(screen | grep -c ' due ')" = 1 ] && ok "one row marked" || fail "one row marked" "$(screen)"

# Polls look for nothing of it: one look for the list.
looks=$(plan_looks)
sleep $((3 * POLL))
[ "$(plan_looks)" = "$looks" ] && [ "$looks" -ge 1 ] && ok "one_look_a_list: none at a poll" ||
	fail "one_look_a_list: none at a poll" "$looks -> $(plan_looks)"

# Given in batch: gone at the next refresh; a schedule set in batch: shown.
ezb assess "$seeded" phq9 --answers 0,0,1,0,0,0,0,0,0 >"$WORK/assess.out" 2>&1 &&
	ok "assessed in batch" || fail "assessed in batch" "$(cat "$WORK/assess.out")"
ezb measure "$other" gad7 monthly >"$WORK/measure.out" 2>&1 &&
	ok "a schedule set in batch" || fail "a schedule set in batch" "$(cat "$WORK/measure.out")"
keys r
check "refreshed: the other client due" "due $(re "$other_name")"
if wait_gone "due $(re "$seeded_name")"; then ok "due_mark_gone_once_given"; else fail "due_mark_gone_once_given" "$(screen)"; fi
screen | grep -q "$(re "$seeded_name")" && ok "the seeded row is still there" || fail "the seeded row is still there" "$(screen)"

# Given to the client shown (in batch, while the screen is open): the mark
# goes with their scores, at the next poll, no refresh.
for _ in $(seq 1 30); do keys k; done   # from the top: the screen starts on the session under way
sleep 0.3
for _ in $(seq 1 10); do
	screen | grep -q "┌ Notes: $(re "$other_name")" && break
	keys j
	sleep 0.3
done
check "the notes show the other client" "┌ Notes: $(re "$other_name")"
ezb assess "$other" gad7 --answers 0,0,1,0,0,0,0 >"$WORK/assess2.out" 2>&1 &&
	ok "assessed in batch, the client shown" || fail "assessed in batch, the client shown" "$(cat "$WORK/assess2.out")"
if wait_gone "due $(re "$other_name")" $((3 * POLL * 10 + 30)); then ok "due_mark_gone_with_the_shown_clients_scores"; else
	fail "due_mark_gone_with_the_shown_clients_scores" "$(screen)"; fi
screen | grep -q "$(re "$other_name")" && ok "its row is still there" || fail "its row is still there" "$(screen)"

# The front desk sees a due mark (not clinical detail).
ezb measure "$other" phq9 every-session >/dev/null 2>&1 || fail "phq9 set in batch" "refused"
sed 's/^username = .*/username = reception/' "$XDG_CONFIG_HOME/ezrizi/config" >"$WORK/desk.conf"
tui_start desk XDG_DATA_HOME="'$WORK/desk-data'" EZRIZI_TOKEN="$(token reception)" -- --config "'$WORK/desk.conf'"
S=desk
check "the front desk's screen, everyone's day" "^┌ Today, everyone: [0-9]+ sessions"
check "front_desk_sees_the_due_mark" "due $(re "$other_name")"
grep 'GET /fhir/R4/Observation' "$WORK/platform.log" | grep -q '_elements=status%2Ccode%2Csubject%2Ceffective\|_elements=status,code,subject,effective' &&
	ok "front_desk_screen_asks_scores_without_values" || fail "front_desk_screen_asks_scores_without_values" "$(grep 'Observation' "$WORK/platform.log" | tail -5)"

# At 60x20 the mark still shows.
S=amina
keys r
check "amina's refreshed" "due $(re "$other_name")"
tm resize-window -t amina -x 60 -y 20 || fail "at 60x20: resized" "tmux refused"
check "at 60x20 the mark shows" " due $(re "$(first_word "$other_name")")"
finish
