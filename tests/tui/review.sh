#!/usr/bin/env bash
# A client's message holding one of the clinic's risk words, on the screen:
# its row and the message carry the mark, the chat pane asks for a review, and
# u goes to that client before one who wrote earlier without the word; the
# prompt goes once the counsellor writes back (their own word is never
# marked). At 60x20 and in Arabic (mirrored) the mark and the prompt show; a
# front desk's screen shows neither. The words are made-up neutral test
# words set in this test's config: no clinical term is written here.
# Usage: tests/tui/review.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }
platform_start
config_user amina
cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
poll_interval = 2
practitioner = prac-amina
risk_words_en = zebrafish
CFG
expect "login" 0 "Logged in" "$EZRIZI" login
mkdir -m 700 -p "$WORK/batch-data" "$WORK/desk-data" "$WORK/ar-data"
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$(token) "$EZRIZI" "$@"; }

# Three of the day's clients: the first row's, and two more after it.
appts=$(ezb --format json appointments)
pids=$(printf '%s\n' "$appts" | jq -r .patient_id | awk '$0 != "null" && !seen[$0]++')
p0=$(printf '%s\n' "$pids" | sed -n 1p)
pa=$(printf '%s\n' "$pids" | sed -n 2p)
pb=$(printf '%s\n' "$pids" | sed -n 3p)
[ -n "$pb" ] || { fail "three clients today" "$appts"; finish; exit; }
name_of() { printf '%s\n' "$appts" | jq -r --arg p "$1" 'select(.patient_id == $p) | .patient_name' | head -n1; }
wa=$(re "$(first_word "$(name_of "$pa")")")
wb=$(re "$(first_word "$(name_of "$pb")")")
thread_of() {
	local t
	t=$(api "Communication?subject=Patient/$1&_count=100" | jq -r '[.entry[]?.resource | select(.partOf == null)][0].id')
	if [ -z "$t" ] || [ "$t" = null ]; then
		ezb send "$1" "Hello $$" >/dev/null
		t=$(api "Communication?subject=Patient/$1&_count=100" | jq -r '[.entry[]?.resource | select(.partOf == null)][0].id')
	fi
	printf '%s' "$t"
}
ta=$(thread_of "$pa")
tb=$(thread_of "$pb")
S=amina
screen_start amina
check "the screen" "^┌ Today: [0-9]+ sessions"
keys Home
check "on the first client" "Chat: $(re "$(first_word "$(name_of "$p0")")")"
screen | grep -qF "[review]" && fail "no mark before a message" "$(screen)" || ok "no mark before a message"

# The first client after the selection writes without the word, then the
# second with it: u goes to the second first.
client_writes "$pa" "$ta" "plain words $$"
check "the first writes: unread" "•1" 60
sleep 1
client_writes "$pb" "$tb" "a ZEBRAFISH here $$"
check "row_mark: the second's row carries the mark" "•1 review $wb" 60
[ "$(screen | grep -c "•1")" = 2 ] && ok "both rows unread" || fail "both rows unread" "$(screen)"
keys u
check "review_thread_first: u goes to the client whose message holds the word" "Chat: $wb" 50
check "message_mark: the message carries the mark" "\[review\] a ZEBRAFISH" 50
check "review_prompt: the chat asks for a review" "A message may speak of" 50
[ "$(screen | grep -c "RISK")" = 0 ] && ok "the prompt is not a flag's banner" || fail "the prompt is not a flag's banner" "$(screen)"
[ "$(api "Flag?patient=Patient/$pb&_count=100" | jq '[.entry[]?] | length')" = 0 ] &&
	ok "a mark never raises a flag" || fail "a mark never raises a flag" "$(api "Flag?patient=Patient/$pb")"
keys u
check "u again: the one without the word" "Chat: $wa" 50
screen | grep -q "self-harm" && fail "no prompt for the client without the word" "$(screen)" || ok "no prompt for the client without the word"
keys Home Down Down
check "back to the second" "Chat: $wb" 50

# At 60x20 the mark and the prompt still show.
tm resize-window -t amina -x 60 -y 20 || fail "at 60x20: resized" "tmux refused"
check "at 60x20: the prompt" "\[review\] A message may" 50
check "at 60x20: the prompt whole" "self-harm: review" 50
check "at 60x20: the prompt ends" "^│ *││ it\. *│" 50
check "at 60x20: the mark" "\[review\]" 50
tm resize-window -t amina -x 80 -y 24 || fail "at 80x24 again: resized" "tmux refused"

# The counsellor writes back, with the same word: not marked, and the prompt goes.
keys s
check "s asks for the message" "^Message to .*: ?$"
type_text "about the zebrafish $$"
keys Enter
check "the counsellor's message shows" "about the zebrafish" 50
wait_gone "self-harm" 50 && ok "the prompt goes once the counsellor writes back" ||
	fail "the prompt goes once the counsellor writes back" "$(screen)"
[ "$(screen | grep -c "\[review\]")" = 1 ] && ok "counsellor_words_not_marked: one mark, the client's" ||
	fail "counsellor_words_not_marked: one mark, the client's" "$(screen)"
sleep 1.1  # the next second: after the counsellor's, in the chat's order
client_writes "$pb" "$tb" "again zebrafish $$"
check "a new one asks again" "A message may speak of" 60

# Down the list until the chat shows the client's message with the word.
down_to_the_word() {
	for _ in $(seq 1 30); do keys k; done   # from the top: the screen starts on the session under way
	sleep 0.3
	for _ in $(seq 1 40); do
		screen | grep -qF "ZEBRAFISH here" && return
		keys j
		sleep 0.4
	done
}

# In Arabic, mirrored: the chat pane, and the prompt in it, left of the list.
tui_start ar XDG_DATA_HOME="'$WORK/ar-data'" EZRIZI_TOKEN="$(token)" LANGUAGE=ar LANG=ar_SA.UTF-8 \
	-- --config "'$WORK/amina.conf'"
S=ar
check "the Arabic screen" "^┌" 100
down_to_the_word
# In Arabic words: the mark [مراجعة], the prompt's "self-harm" إيذاء النفس.
check "Arabic: the mark" "\[مراجعة\]|\]مراجعة\[" 50
line=$(screen | grep -E "إيذاء النفس" | head -n1)
[ -n "$line" ] && ok "Arabic: the prompt" || fail "Arabic: the prompt" "$(screen)"
# Mirrored: the chat pane, the prompt in it, on the left of the list.
printf '%s\n' "$line" | grep -qE "^│ [^│]*إيذاء النفس[^│]*││ " && ok "Arabic: mirrored, the prompt left of the list" ||
	fail "Arabic: mirrored, the prompt left of the list" "[$line]"

# A front desk's screen: neither the mark nor the prompt.
sed 's/^username = .*/username = reception/' "$WORK/amina.conf" >"$WORK/desk.conf"
tui_start desk XDG_DATA_HOME="'$WORK/desk-data'" EZRIZI_TOKEN="$(token reception)" -- --config "'$WORK/desk.conf'"
S=desk
check "the front desk's screen" "^┌ Today, everyone: [0-9]+ sessions" 100
down_to_the_word
check "front desk: the client's chat shows (control)" "ZEBRAFISH here" 50
settle
screen | grep -qE "\[review\]|self-harm" && fail "front_desk_no_mark_no_prompt" "$(screen)" || ok "front_desk_no_mark_no_prompt"
finish
