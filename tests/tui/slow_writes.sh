#!/usr/bin/env bash
# Commands that wait for a slow server, on the screen (issue 10): the send and
# the note's save ran inside a nested event loop, holding the client list that
# ], t and r free and reload meanwhile. Now they are jobs the one loop resumes:
# the keys act while a write waits, and what the wait held is looked up again
# by id. The platform delays every write (write_delay_ms) and answers reads at
# once, so the list really is reloaded under the waiting write; run under ASan
# (scripts/check), a use after free ends the screen with an error.
# Also: q while a write waits leaves once it is answered; q twice stops the
# wait, and the write waits in the outbox (sent later exactly once).
# Usage: tests/tui/slow_writes.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}

ez() { "$EZRIZI" "$@"; }
# How many of the client's messages on the platform hold this text.
on_server() { api "Communication?subject=Patient/$pid1&_count=200" | jq --arg t "$1" '[.entry[]?.resource.payload[]?.contentString | select(. == $t)] | length'; }
notes_with() { api "DocumentReference?subject=Patient/$pid1&_count=200" | jq -r '.entry[]?.resource.content[]?.attachment.data // empty' | base64 -d 2>/dev/null | grep -cF "$1"; }

platform_start
config_user amina
# No look again (which would send the outbox) while the test runs.
printf 'poll_interval = 600\npractitioner = prac-amina\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" ez login
pid1=$(ez --format json appointments | head -n1 | jq -r .patient_id)
first=$(ez --format json appointments | head -n1 | jq -r .patient_name | cut -d' ' -f1)
CAN=SLOW$$x$RANDOM
mkdir -p "$WORK/bin" "$WORK/tmp"
printf '#!/bin/sh\nprintf "%%s note text\\n" "$CAN" >"$1"\n' >"$WORK/bin/note-editor"
chmod +x "$WORK/bin/note-editor"

tui() { tui_start "$1" TMPDIR="'$WORK/tmp'" EDITOR="'$WORK/bin/note-editor'" CAN="'$CAN'"; }
tm new-session -d -s keepalive "sleep 600"
start_screen() {
	tui ez
	if ! wait_for "Today: " 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
	keys Home
	wait_for "Chat: $first" 100 || fail "sync: the chat of $first" "$(screen)"
}
# ], t and r while the write waits: each acts at once (the day shown changes,
# the list loads again), while the platform does not have the write yet.
keys_while_waiting() {  # NAME, then the command that counts the write on the platform
	local name=$1
	shift
	keys ']'
	check "$name: ] shows tomorrow while the write waits" "^┌ Tomorrow: " 30
	[ "$("$@")" = 0 ] && ok "$name: the platform does not have the write yet (the key did not wait for it)" ||
		fail "$name: the key acted before the write ended" "the platform has it already"
	keys t
	check "$name: t goes back to today while the write waits" "^┌ Today: " 30
	keys r
	keys Home
}

start_screen

# ======== slow_send_keys_live ========
fault '{"write_delay_ms":4000}'
msg="slow send $CAN"
keys s
check "slow_send_keys_live: s asks for the message" "^Message to .*: ?$"
type_text "$msg"
keys Enter
check "slow_send_keys_live: the status line says it works" "Working…" 20
keys_while_waiting slow_send_keys_live on_server "$msg"
check "slow_send_keys_live: the send ends, and says so" "Sent\." 100
[ "$(on_server "$msg")" = 1 ] && ok "slow_send_keys_live: the platform has the message once" ||
	fail "slow_send_keys_live: the platform has the message once" "$(on_server "$msg") times"
check "slow_send_keys_live: the chat shows it (its text wraps: the canary)" "^│.*│ *$CAN " 50
screen | grep -q '^EXIT=' && fail "slow_send_keys_live: the screen is still running" "$(screen)" ||
	ok "slow_send_keys_live: the screen is still running"

# ======== slow_note_save_keys_live ========
keys N
wait_for "write-note free" 50 || fail "sync: wait_for write-note free" "$(status_line)"
keys Enter
check "slow_note_save_keys_live: the note is being saved" "Saving the note…" 50
keys_while_waiting slow_note_save_keys_live notes_with "$CAN note text"
check "slow_note_save_keys_live: the save ends, and says so" "Draft saved. Sign it now" 100
keys n
wait_gone "Sign it now" || fail "slow_note_save_keys_live: n answers the question" "$(screen)"
[ "$(notes_with "$CAN note text")" = 1 ] && ok "slow_note_save_keys_live: the platform has the note once" ||
	fail "slow_note_save_keys_live: the platform has the note once" "$(notes_with "$CAN note text") times"
screen | grep -q '^EXIT=' && fail "slow_note_save_keys_live: the screen is still running" "$(screen)" ||
	ok "slow_note_save_keys_live: the screen is still running"

# ======== token_refreshed_in_a_task ========
# A token the server no longer takes: the panes' loads (on the loop) and a
# send (a job) both get 401, and the token is refreshed in a task of its own,
# never in a loop inside the callback; the keys go on meanwhile. Under ASan this
# also caught the send holding the session's "me" while a refresh replaced it
# (me_kept_across_refresh: the same person keeps the same strings).
fault '{"expire_tokens":true}'
keys r
check "token_refreshed_in_a_task: the list loads again after the 401" "^┌ Today: [^ ]" 100
screen | grep -q 'log in\|[Ee]rror' && fail "token_refreshed_in_a_task: no error on the screen" "$(screen)" ||
	ok "token_refreshed_in_a_task: no error on the screen"
fault '{"expire_tokens":true,"write_delay_ms":3000}'
msg1="after expiry $CAN"
keys Home
wait_for "Chat: $first" 100 || fail "sync: the chat of $first" "$(screen)"
keys s
wait_for "^Message to .*: ?$" || fail "sync: s asks" "$(screen)"
type_text "$msg1"
keys Enter
keys ']'
check "token_refreshed_in_a_task: ] acts while the send refreshes and waits" "^┌ Tomorrow: " 30
keys t
check "token_refreshed_in_a_task: the send ends" "Sent\." 100
[ "$(on_server "$msg1")" = 1 ] && ok "token_refreshed_in_a_task: the platform has the message once" ||
	fail "token_refreshed_in_a_task: the platform has the message once" "$(on_server "$msg1") times"
fault '{"write_delay_ms":4000}'

# ======== quit_waits_for_the_write ========
msg2="quit after $CAN"
keys Home
wait_for "Chat: $first" 100 || fail "sync: the chat of $first" "$(screen)"
keys s
wait_for "^Message to .*: ?$" || fail "sync: s asks" "$(screen)"
type_text "$msg2"
keys Enter
keys q
check "quit_waits_for_the_write: q says it leaves once the server has answered" "Leaving once the server has answered" 30
screen | grep -q '^EXIT=' && fail "quit_waits_for_the_write: q did not leave at once" "$(screen)" ||
	ok "quit_waits_for_the_write: q did not leave at once"
check "quit_waits_for_the_write: then it leaves" "^EXIT=0" 100
[ "$(on_server "$msg2")" = 1 ] && ok "quit_waits_for_the_write: the platform has the message" ||
	fail "quit_waits_for_the_write: the platform has the message" "$(on_server "$msg2") times"
tm kill-session -t ez

# ======== quit_twice_stops_waiting ========
fault '{"write_delay_ms":8000}'
start_screen
msg3="stopped $CAN"
keys s
wait_for "^Message to .*: ?$" || fail "sync: s asks" "$(screen)"
type_text "$msg3"
keys Enter
wait_for "Working…" 20 || fail "sync: the send works" "$(screen)"
keys q
wait_for "Leaving once" 30 || fail "sync: q says it leaves" "$(screen)"
keys q
check "quit_twice_stops_waiting: q twice leaves before the server answers" "^EXIT=0" 40
[ "$(on_server "$msg3")" = 0 ] && ok "quit_twice_stops_waiting: it left before the platform had the message" ||
	fail "quit_twice_stops_waiting: it left before the platform had the message" "the platform has it"
expect "quit_twice_stops_waiting: the message waits in the outbox" 0 "send" ez outbox
# The platform still takes the write it was sent, after its delay; the
# outbox's copy then finds it there (the same write id) and adds none.
for _ in $(seq 1 $((150 * SLOW))); do [ "$(on_server "$msg3")" = 1 ] && break; sleep 0.1; done
fault '{}'
expect "quit_twice_stops_waiting: sync sends the outbox" 0 "" ez sync
[ "$(on_server "$msg3")" = 1 ] && ok "quit_twice_stops_waiting: the platform has the message exactly once" ||
	fail "quit_twice_stops_waiting: the platform has the message exactly once" "$(on_server "$msg3") times"
finish
