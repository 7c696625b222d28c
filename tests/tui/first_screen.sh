#!/usr/bin/env bash
# The first screen, driven in a detached tmux on a private socket against the
# demo platform: today's list, moving the selection, switching panes, resizing,
# the too-small message, quitting. Waits for text, never for a fixed time.
# Usage: tests/tui/first_screen.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}

platform_start
config_user amina
expect "login" 0 "Logged in" "$EZRIZI" login

# What the screen should show, from batch mode.
appts=$("$EZRIZI" --format json appointments)
n=$(printf '%s\n' "$appts" | grep -c '^{')
[ "$n" -ge 2 ] || { fail "amina has appointments today" "$n: $appts"; finish; exit; }
pid1=$(printf '%s\n' "$appts" | jq -r .patient_id | sed -n 1p)
name1=$(printf '%s\n' "$appts" | jq -r .patient_name | sed -n 1p)
# The first row with another client, and how many Downs it takes to get there.
downs=$(printf '%s\n' "$appts" | jq -r .patient_id | awk -v p="$pid1" '$0 != p { print NR - 1; exit }')
[ -n "$downs" ] || { fail "two clients today" "$appts"; finish; exit; }
pid2=$(printf '%s\n' "$appts" | jq -r .patient_id | sed -n "$((downs + 1))p")
name2=$(printf '%s\n' "$appts" | jq -r .patient_name | sed -n "$((downs + 1))p")
note2=$("$EZRIZI" --format json notes "$pid2" | head -n1 | jq -r '.date // empty' | cut -c1-16 | tr T ' ')
w1=$(re "$(first_word "$name1")")
w2=$(re "$(first_word "$name2")")
# The row the screen opens on: the first session under way now (marked ▸),
# else the first row. Its client's first word, now.
open_word() {
	local now i=1 s e
	now=$(date +%s)
	while IFS=$'\t' read -r s e; do
		if [ "$(date -d "$s" +%s)" -le "$now" ] && [ "$now" -lt "$(date -d "$e" +%s)" ]; then
			break
		fi
		i=$((i + 1))
	done < <(printf '%s\n' "$appts" | jq -r '[.start, .end] | @tsv')
	[ "$i" -le "$n" ] || i=1
	re "$(first_word "$(printf '%s\n' "$appts" | jq -r .patient_name | sed -n "${i}p")")"
}
wo=$(open_word)

# A session that outlives the others, so tmux's server does not exit (and race
# the next new-session) each time the last screen quits.
tm new-session -d -s keepalive "sleep 600"
tm new-session -d -s ez -x 80 -y 24 \
	"env TERM=screen LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$EZRIZI'; echo \$? >'$WORK/exit'"

# ---- the first paint ----
check "title names the server and the user" "^ ezrizi — 127\.0\.0\.1:[0-9]+ — amina — [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}"
check "list title counts today's sessions" "Today: $n sessions"
check "a row: times, status letter, client" "│ [ ▸][0-9]{2}:[0-9]{2}–[0-9]{2}:[0-9]{2}  [BACFXNPW] $w1"
# (A session may start or end while the screen starts: either client then.)
check "notes of the session under way, or of the first" "Notes: ($wo|$(open_word)) "
check "chat with the same client" "Chat: ($wo|$(open_word)) "
check "key hints in the status line" "^ ↑↓ move  Tab switch pane  : command  \\? help  L lock  q quit"
wait_gone "Loading…" && ok "everything loaded" || fail "everything loaded" "$(screen)"
lines=$(screen | wc -l)
[ "$lines" = 24 ] && ok "fills 80x24" || fail "fills 80x24" "$lines lines"
wide=$(screen | wc -L)
[ "$wide" -le 80 ] && ok "no line wider than the terminal" || fail "no line wider than the terminal" "$wide columns"

# ---- moving the selection ----
tm send-keys -t ez Home
check "Home selects the first client" "Notes: $w1 "
wait_gone "Loading…" || fail "sync: wait_gone Loading…" "$(screen)"
before_notes=$(screen | cut -c33- | sed -n 2,11p)
for _ in $(seq 1 "$downs"); do tm send-keys -t ez Down; done
check "Down: the notes follow the selection" "Notes: $w2"
check "Down: the chat follows the selection" "Chat: $w2"
wait_gone "Loading…" && ok "the second client loaded" || fail "the second client loaded" "$(screen)"
after_notes=$(screen | cut -c33- | sed -n 2,11p)
[ "$before_notes" != "$after_notes" ] && ok "the notes pane changed" || fail "the notes pane changed" "$after_notes"
if [ -n "$note2" ]; then
	check "the newest note's header" "$(re "$note2")"
else
	check "no notes says so" "No notes for this client yet"
fi
tm send-keys -t ez k
check "k moves back up" "Notes: $w1"
tm send-keys -t ez j
check "j moves down again" "Notes: $w2"

# ---- switching panes ----
# The focused pane's title is drawn in reverse video.
focused() { screen -e | grep -E -- "$1" | grep -qE $'\e\\[([0-9;]*;)?7(;[0-9;]*)?m(\e\\[[0-9;]*m)*'" ?$1"; }
wait_focus() { for _ in $(seq 1 100); do focused "$1" && return 0; sleep 0.1; done; return 1; }
wait_focus "Today" && ok "the list has the focus first" || fail "the list has the focus first" "$(screen -e | head -3 | cat -v)"
tm send-keys -t ez Tab
if wait_focus "Notes" && ! focused "Today"; then ok "Tab focuses the notes"; else fail "Tab focuses the notes" "$(screen -e | head -3 | cat -v)"; fi
tm send-keys -t ez Down
tm send-keys -t ez Tab
wait_focus "Chat" && ok "Tab focuses the chat" || fail "Tab focuses the chat" "$(screen -e | cat -v)"
screen | grep -qE "Notes: $w2" && ok "Down in the notes pane leaves the selection" ||
	fail "Down in the notes pane leaves the selection" "$(screen)"
tm send-keys -t ez BTab BTab
wait_focus "Today" && ok "Shift-Tab goes back to the list" || fail "Shift-Tab goes back to the list" "$(screen -e | head -3 | cat -v)"

# ---- resizing ----
tm resize-window -t ez -x 100 -y 30
for _ in $(seq 1 100); do
	[ "$(screen | wc -l)" = 30 ] && screen | sed -n 30p | grep -q "q quit" && break
	sleep 0.1
done
last=$(screen | sed -n 30p)
top=$(screen | sed -n 2p)
if printf '%s' "$last" | grep -q "q quit" && [ "$(printf '%s' "$top" | sed 's/ *$//' | wc -m)" -ge 100 ]; then
	ok "resize to 100x30 relays out"
else
	fail "resize to 100x30 relays out" "$(screen)"
fi
check "still the same client after resizing" "Notes: $w2"
tm resize-window -t ez -x 50 -y 15
for _ in $(seq 1 100); do screen | tr -s ' \n' '  ' | grep -q "too small: ezrizi needs at least 60×20" && break; sleep 0.1; done
screen | tr -s ' \n' '  ' | grep -q "too small: ezrizi needs at least 60×20" &&
	ok "50x15 says the terminal is too small" || fail "50x15 says the terminal is too small" "$(screen)"
screen | grep -q "Today:" && fail "nothing else when too small" "$(screen)" || ok "nothing else when too small"
tm resize-window -t ez -x 80 -y 24
check "growing again brings the screen back" "Notes: $w2"

# ---- reloading ----
tm send-keys -t ez r
check "r reloads and keeps the selection" "Notes: $w2"
wait_gone "Loading…" && ok "reloaded" || fail "reloaded" "$(screen)"

# ---- quitting ----
tm send-keys -t ez q
for _ in $(seq 1 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
if [ -s "$WORK/exit" ]; then
	rc=$(cat "$WORK/exit")
	[ "$rc" = 0 ] && ok "q quits with 0" || fail "q quits with 0" "exit $rc"
else
	fail "q quits with 0" "still running: $(screen)"
fi

# run_in NAME ENV...: the screen in another session, its exit code in $WORK/NAME.
run_in() {
	local name=$1
	shift
	tm new-session -d -s "$name" -x 80 -y 24 \
		"env TERM=screen LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' $* '$EZRIZI' 2>'$WORK/$name.err'; echo \$? >'$WORK/$name'"
}
wait_exit() { for _ in $(seq 1 100); do [ -s "$WORK/$1" ] && return 0; sleep 0.1; done; return 1; }

# ---- Ctrl-C, and monochrome ----
run_in nocolor NO_COLOR=1
for _ in $(seq 1 100); do tm capture-pane -p -t nocolor | grep -q "Today: $n sessions" && break; sleep 0.1; done
sgr=$(tm capture-pane -p -e -t nocolor | grep -oE $'\e\\[[0-9;]*m' | grep -E '\[(.*;)?3[0-7](;|m)' | head -n1)
[ -z "$sgr" ] && ok "NO_COLOR: no colours" || fail "NO_COLOR: no colours" "$(printf '%s' "$sgr" | cat -v)"
tm capture-pane -p -t nocolor | grep -qE "│ [ ▸][0-9:–]{11}  [BACFXNPW] " && ok "NO_COLOR: status letters" ||
	fail "NO_COLOR: status letters" "$(tm capture-pane -p -t nocolor)"
tm send-keys -t nocolor C-c
if wait_exit nocolor; then
	[ "$(cat "$WORK/nocolor")" = 0 ] && ok "Ctrl-C quits cleanly" || fail "Ctrl-C quits cleanly" "exit $(cat "$WORK/nocolor")"
else
	fail "Ctrl-C quits cleanly" "still running"
fi

# ---- right-to-left text, ordered and shaped by ezrizi (bidi = app) ----
# The terminal (tmux here) reorders nothing: ezrizi draws Arabic names in visual
# order with their joined forms (presentation forms U+FB50..U+FEFF), never as
# the platform spells them in logical order.
cp "$XDG_CONFIG_HOME/ezrizi/config" "$WORK/bidi.conf"
sed -i 's/^bidi = .*/bidi = app/' "$WORK/bidi.conf"
tm new-session -d -s bidi -x 80 -y 24 \
	"env TERM=screen LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$EZRIZI' --config '$WORK/bidi.conf' 2>'$WORK/bidi.err'; echo \$? >'$WORK/bidi'"
for _ in $(seq 1 $((100 * SLOW))); do tm capture-pane -p -t bidi | grep -q "Today: $n sessions" && break; sleep 0.1; done
bscreen=$(tm capture-pane -p -t bidi)
arabic=$(printf '%s\n' "$appts" | jq -r .patient_name | grep -P '\p{Arabic}' | head -n1)
if [ -z "$arabic" ]; then
	fail "bidi: an Arabic client today" "none among today's clients"
elif printf '%s' "$bscreen" | grep -qF "$arabic"; then
	fail "bidi: Arabic is not drawn in logical order" "found '$arabic' as spelt"
else
	ok "bidi: Arabic is not drawn in logical order"
fi
printf '%s' "$bscreen" | grep -qP '[\x{FB50}-\x{FDFF}\x{FE70}-\x{FEFF}]' && ok "bidi: Arabic letters are joined (shaped)" ||
	fail "bidi: Arabic letters are joined (shaped)" "$bscreen"
tm send-keys -t bidi q
wait_exit bidi || fail "bidi session quits" "still running"

# In Arabic the screen mirrors: the appointment list is the right-hand pane.
tm new-session -d -s rtl -x 80 -y 24 \
	"env TERM=screen LANG=ar_SA.UTF-8 LC_CTYPE=ar_SA.UTF-8 TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$EZRIZI' --config '$WORK/bidi.conf' 2>'$WORK/rtl.err'; echo \$? >'$WORK/rtl'"
# (Times in Arabic-Indic digits there: digits = auto.)
D='[0-9\x{0660}-\x{0669}]'
for _ in $(seq 1 $((100 * SLOW))); do tm capture-pane -p -t rtl | sed -n 3p | grep -qP "││.*$D{2}:$D{2}–$D{2}:$D{2}" && break; sleep 0.1; done
tm capture-pane -p -t rtl | sed -n 3p | grep -qP "││.*$D{2}:$D{2}–$D{2}:$D{2}.? *│\$" &&
	ok "Arabic: the list is on the right" || fail "Arabic: the list is on the right" "$(tm capture-pane -p -t rtl | head -n 4)"
tm capture-pane -p -t rtl | tail -n 1 | grep -qE '^ {4,}' && ok "Arabic: the status line is aligned right" ||
	fail "Arabic: the status line is aligned right" "$(tm capture-pane -p -t rtl | tail -n 1)"
tm send-keys -t rtl ':'
tm send-keys -t rtl -l 'help'
for _ in $(seq 1 $((30 * SLOW))); do tm capture-pane -p -t rtl | tail -n 1 | grep -q 'help :$' && break; sleep 0.1; done
tm capture-pane -p -t rtl | tail -n 1 | grep -qE '^ {20,}help :$' && ok "Arabic: the command line is mirrored" ||
	fail "Arabic: the command line is mirrored" "$(tm capture-pane -p -t rtl | tail -n 1)"
tm send-keys -t rtl Escape
tm send-keys -t rtl q
wait_exit rtl || fail "the Arabic session quits" "still running"

# The command line with an Arabic word: drawn in visual order, and the cursor
# on the cell of the character it stands before (": s e n d _ x _" then the word
# in three cells, lam-alef joined: columns 8 to 10).
tm new-session -d -s cur -x 80 -y 24 \
	"env TERM=screen LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$EZRIZI' --config '$WORK/bidi.conf' 2>/dev/null; echo \$? >'$WORK/cur'"
for _ in $(seq 1 $((100 * SLOW))); do tm capture-pane -p -t cur | grep -q "Today: $n sessions" && break; sleep 0.1; done
tm send-keys -t cur ':'
tm send-keys -t cur -l 'send x سلام'
for _ in $(seq 1 $((30 * SLOW))); do tm capture-pane -p -t cur | tail -n 1 | grep -q '^:send x' && break; sleep 0.1; done
tm capture-pane -p -t cur | tail -n 1 | grep -qF ':send x ﻡﻼﺳ' && ok "command line: the Arabic word is drawn in visual order" ||
	fail "command line: the Arabic word is drawn in visual order" "$(tm capture-pane -p -t cur | tail -n 1)"
cursor_at() {  # waits for the cursor to reach column $1
	for _ in $(seq 1 $((30 * SLOW))); do
		[ "$(tm display -p -t cur '#{cursor_x}')" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# Inside the word the arrows move the way they point: Right goes right, over
# the word drawn right to left; Left comes back.
cols=ok
cursor_at 7 || cols="end: $(tm display -p -t cur '#{cursor_x}')"
tm send-keys -t cur Right
cursor_at 8 || cols="$cols; one right: $(tm display -p -t cur '#{cursor_x}')"
tm send-keys -t cur Right Right Right   # lam and alef share one cell, joined
cursor_at 10 || cols="$cols; four right: $(tm display -p -t cur '#{cursor_x}')"
tm send-keys -t cur Left
cursor_at 9 || cols="$cols; then left: $(tm display -p -t cur '#{cursor_x}')"
[ "$cols" = ok ] && ok "command line: the cursor moves over the right-to-left word" ||
	fail "command line: the cursor moves over the right-to-left word" "cursor columns: $cols"
tm send-keys -t cur Escape
tm send-keys -t cur q
wait_exit cur || fail "the command line session quits" "still running"

# ---- no server: an error on stderr and its exit code, no screen ----
mkdir -p "$WORK/empty/ezrizi"
run_in noserver XDG_CONFIG_HOME="'$WORK/empty'"
if wait_exit noserver; then
	[ "$(cat "$WORK/noserver")" = 2 ] && grep -q "server" "$WORK/noserver.err" &&
		ok "no server: message and exit 2" || fail "no server: message and exit 2" "exit $(cat "$WORK/noserver"): $(cat "$WORK/noserver.err")"
else
	fail "no server: message and exit 2" "still running"
fi

finish
