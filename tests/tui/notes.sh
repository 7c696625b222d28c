#!/usr/bin/env bash
# Notes in $EDITOR that must not be lost or leaked, on the screen in a detached
# tmux: ezrizi killed while the editor is open leaves the note's file, and the
# next screen seals it into the client's draft, wipes it and offers it back;
# the private folder is refused when it is not private; and :cache wipe asks,
# naming the writes not yet sent. Waits for text, never for a fixed time.
# Usage: tests/tui/notes.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}

platform_start
config_user amina
# No look again (which would send the outbox) while the test runs.
printf 'poll_interval = 600\npractitioner = prac-amina\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
pid1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_id)
name1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_name)
first=$(printf '%s' "$name1" | cut -d' ' -f1)

# The editor: $EDLOG/mode says what it does with the file $1.
CAN=CANARY$$x$RANDOM
mkdir -p "$WORK/bin" "$WORK/ed" "$WORK/tmp"
cat >"$WORK/bin/note-editor" <<'SH'
#!/bin/sh
echo "$1" >"$EDLOG/path"
case $(cat "$EDLOG/mode") in
kill) printf '%s recovered text\n' "$CAN" >>"$1"; kill -9 "$PPID"; exit 0 ;;
check) if grep -q "$CAN recovered text" "$1"; then echo yes; else echo no; fi >"$EDLOG/had"; exit 0 ;;
esac
exit 3
SH
chmod +x "$WORK/bin/note-editor"

# tui SESSION [no-runtime-dir]: the screen in a new 80x24 session; "EXIT=rc"
# when it ends. With no-runtime-dir, XDG_RUNTIME_DIR is unset (the fallback).
tui() {
	local run=
	[ "${2:-}" = no-runtime-dir ] && run="-u XDG_RUNTIME_DIR"
	tui_start "$1" TMPDIR="'$WORK/tmp'" EDITOR="'$WORK/bin/note-editor'" EDLOG="'$WORK/ed'" CAN="'$CAN'" $run
}
tm new-session -d -s keepalive "sleep 600"

# ======== editor_killed_note_recovered ========
tui ez
if ! wait_for "Today: " 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
keys Home
wait_for "Notes: $first" || fail "sync: wait_for Notes: $first" "$(screen)"
echo kill >"$WORK/ed/mode"
keys N
# No draft yet: the command line offers the template (free, the default).
wait_for "write-note free" 50 || fail "N offers the template" "$(status_line)"
keys Enter
check "editor_killed_note_recovered: ezrizi is killed with the editor open" "^EXIT=137" 100
edpath=$(cat "$WORK/ed/path" 2>/dev/null)
[ -n "$edpath" ] && grep -qF "$CAN recovered text" "$edpath" 2>/dev/null &&
	ok "editor_killed_note_recovered: the note's file is left behind, in plain text" ||
	fail "editor_killed_note_recovered: the note's file is left behind" "'$edpath'"
case $edpath in
"$XDG_RUNTIME_DIR"/ezrizi/note-*.txt) ok "editor_killed_note_recovered: in the private folder, named after nobody" ;;
*) fail "editor_killed_note_recovered: in the private folder, named after nobody" "$edpath" ;;
esac
printf '%s' "$edpath" | grep -qE "$pid1|$first" && fail "editor_killed_note_recovered: the name says nothing of the client" "$edpath"
tm kill-session -t ez
S=ez2
tui ez2
check "editor_killed_note_recovered: the next screen says the note is kept as a draft" "kept as a draft" 150
if [ -n "$edpath" ] && [ ! -e "$edpath" ]; then ok "editor_killed_note_recovered: the file is gone"; else fail "editor_killed_note_recovered: the file is gone" "$(ls -la "$(dirname "$edpath")")"; fi
hits=$(grep -rlsF "$CAN" "$XDG_RUNTIME_DIR" "$WORK/tmp" "$XDG_DATA_HOME" /tmp/ezrizi-* 2>/dev/null)
[ -z "$hits" ] && ok "editor_killed_note_recovered: no plain text of it anywhere" || fail "editor_killed_note_recovered: no plain text of it anywhere" "$hits"
keys Home
wait_for "Notes: $first" || fail "sync: wait_for Notes: $first" "$(screen)"
rm -f "$WORK/ed/had"
echo check >"$WORK/ed/mode"
keys N
for _ in $(seq 1 $((100 * SLOW))); do [ -s "$WORK/ed/had" ] && break; sleep 0.1; done
[ "$(cat "$WORK/ed/had" 2>/dev/null)" = yes ] && ok "editor_killed_note_recovered: N on that client opens it" ||
	fail "editor_killed_note_recovered: N on that client opens it" "the editor's file: $(cat "$WORK/ed/had" 2>/dev/null)"
# N saves a draft and asks whether to sign it (issue 12): y signs.
check "editor_killed_note_recovered: and it is saved, as a draft first" "Draft saved. Sign it now" 100
keys y
check "n_saves_a_draft_then_asks: y signs it" "Note signed" 100
tm send-keys -t ez2 q
check "the screen quits" "^EXIT=0" 100
top=$("$EZRIZI" --format json notes "$pid1" --limit 1 | jq -r .id)
"$EZRIZI" --format json note "$top" | jq -r .text | grep -qF "$CAN recovered text" &&
	ok "editor_killed_note_recovered: the recovered note reached the server" ||
	fail "editor_killed_note_recovered: the recovered note reached the server" "$("$EZRIZI" notes "$pid1" | head -n 3)"
left=$(find "$XDG_RUNTIME_DIR" "$WORK/tmp" -type f 2>/dev/null)
[ -z "$left" ] && ok "editor_killed_note_recovered: no file left in the private folders" || fail "editor_killed_note_recovered: no file left" "$left"

# ======== fallback_dir_checked (on the screen) ========
fb=$WORK/tmp/ezrizi-$(id -u)
rm -rf "$fb"
mkdir -m 777 "$fb"
chmod 777 "$fb"
rm -f "$WORK/ed/path"
S=fb
tui fb no-runtime-dir
if wait_for "Today: " 150; then
	keys Home
	wait_for "Notes: $first" || fail "sync: wait_for Notes: $first" "$(screen)"
	echo check >"$WORK/ed/mode"
	keys N
	wait_for "write-note free" 50 || fail "sync: wait_for write-note free" "$(status_line)"
	keys Enter
	check "fallback_dir_checked: a folder others can write is refused, saying which" "Not private, so not used for notes: $(printf '%s' "$fb" | cut -c1-30)" 100
	[ ! -e "$WORK/ed/path" ] && ok "fallback_dir_checked: the editor was not started" || fail "fallback_dir_checked: the editor was not started" "$(cat "$WORK/ed/path")"
	[ -z "$(ls -A "$fb")" ] && ok "fallback_dir_checked: nothing was written in it" || fail "fallback_dir_checked: nothing was written in it" "$(ls -la "$fb")"
	tm send-keys -t fb q
	wait_for "^EXIT=" 100 || fail "sync: wait_for ^EXIT=" "$(screen)"
else
	fail "fallback_dir_checked: the screen starts" "$(screen)"
fi
rm -rf "$fb"

# ======== wipe_asks_on_the_screen ========
expect "wipe_asks_on_the_screen: a write waits" 0 "Queued" "$EZRIZI" --offline send "$pid1" "unsent $$"
seq=$("$EZRIZI" --format tsv outbox | sed -n 2p | cut -f1)
S=wipe
tui wipe
if wait_for "Today: " 150; then
	keys : 'cache wipe' Enter
	check "wipe_asks_on_the_screen: :cache wipe asks, naming the write not yet sent" "1 write not yet sent \($seq \(send\)\)" 50
	keys n
	sleep 0.5
	[ -e "$XDG_DATA_HOME/ezrizi/store-default/header" ] && ok "wipe_asks_on_the_screen: any other key keeps it" ||
		fail "wipe_asks_on_the_screen: any other key keeps it" "the store is gone"
	keys : 'cache wipe yes' Enter
	check "wipe_asks_on_the_screen: :cache wipe yes refuses while the write waits" "would be lost" 50
	[ -e "$XDG_DATA_HOME/ezrizi/store-default/header" ] && ok "wipe_asks_on_the_screen: still there" || fail "wipe_asks_on_the_screen: still there" "gone"
	keys : 'cache wipe' Enter
	wait_for "not yet sent" 50 || fail "sync: wait_for not yet sent" "$(screen)"
	keys y
	# (The status line is cut at 80 columns.)
	check "wipe_asks_on_the_screen: y wipes, saying a write was discarded" "The local cache is removed, and 1 write that was waiting" 100
	[ ! -e "$XDG_DATA_HOME/ezrizi/store-default/header" ] && ok "wipe_asks_on_the_screen: the cache is gone" ||
		fail "wipe_asks_on_the_screen: the cache is gone" "$(ls -la "$XDG_DATA_HOME/ezrizi/store-default")"
	tm send-keys -t wipe q
	wait_for "^EXIT=" 100 || fail "sync: wait_for ^EXIT=" "$(screen)"
else
	fail "wipe_asks_on_the_screen: the screen starts" "$(screen)"
fi

# ======== wipe_names_waiting_audits ========
expect "wipe_names_waiting_audits: login again" 0 "Logged in" "$EZRIZI" login
expect "wipe_names_waiting_audits: the day cached" 0 "" "$EZRIZI" appointments
expect "wipe_names_waiting_audits: the notes cached" 0 "" "$EZRIZI" notes "$pid1"
expect "wipe_names_waiting_audits: viewed offline" 0 "" "$EZRIZI" --offline notes "$pid1"
"$EZRIZI" --offline --format json audit | grep -q '"pending":"true"' && ok "wipe_names_waiting_audits: one waits" ||
	fail "wipe_names_waiting_audits: one waits" "$("$EZRIZI" --offline audit 2>&1)"
S=wipe2
tui_start wipe2 TMPDIR="'$WORK/tmp'" -- --offline
if wait_for "Today: " 150; then
	keys : 'cache wipe' Enter
	check "wipe_names_waiting_audits: :cache wipe says the audit records go too" "[0-9]+ audit records? ha(s|ve) not reached the server" 50
	keys n
	sleep 0.5
	[ -e "$XDG_DATA_HOME/ezrizi/store-default/header" ] && ok "wipe_names_waiting_audits: any other key keeps them" ||
		fail "wipe_names_waiting_audits: any other key keeps them" "the store is gone"
	tm send-keys -t wipe2 q
	wait_for "^EXIT=" 100 || fail "sync: wait_for ^EXIT=" "$(screen)"
else
	fail "wipe_names_waiting_audits: the screen starts" "$(screen)"
fi

finish
