#!/usr/bin/env bash
# Screens that read well (issue 9): the list's columns by need, cut names with
# "…" and Arabic cut shaped as cut, one digit system and dates in order in
# Arabic, a mirrored title bar, the help in words, an Arabic chat line in the
# English screen, and a status line that never cuts a message or a question.
# The platform seeded for a fixed day, a fixed clock, ezrizi ordering and
# shaping right-to-left text itself (bidi = app), in a private tmux.
# Usage: tests/tui/screens.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
export EZRIZI_NOW=2026-12-02T05:00:00Z   # Wednesday, 10:00 in Karachi
platform_start --today 2026-12-02
config_user amina
sed -i 's/^bidi = .*/bidi = app/' "$XDG_CONFIG_HOME/ezrizi/config"
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login

# Arabic presentation forms (what ezrizi draws for Arabic and Urdu letters).
AR='[\x{FB50}-\x{FDFF}\x{FE70}-\x{FEFF}]'
# Their initial and medial forms: a word cut short must not end in one.
JOINING='[\x{FE8B}\x{FE8C}\x{FE91}\x{FE92}\x{FE97}\x{FE98}\x{FE9B}\x{FE9C}\x{FE9F}\x{FEA0}\x{FEA3}\x{FEA4}\x{FEA7}\x{FEA8}\x{FEB3}\x{FEB4}\x{FEB7}\x{FEB8}\x{FEBB}\x{FEBC}\x{FEBF}\x{FEC0}\x{FEC3}\x{FEC4}\x{FEC7}\x{FEC8}\x{FECB}\x{FECC}\x{FECF}\x{FED0}\x{FED3}\x{FED4}\x{FED7}\x{FED8}\x{FEDB}\x{FEDC}\x{FEDF}\x{FEE0}\x{FEE3}\x{FEE4}\x{FEE7}\x{FEE8}\x{FEEB}\x{FEEC}\x{FEF3}\x{FEF4}]'

S=
# The screen exactly as drawn (not through unbidi, as tests/tui/lib.sh's is).
screen() { tm capture-pane -p -t "$S" 2>/dev/null; }
# open NAME LANG COLSxLINES [VAR=value...]: the screen, settled.
open() {
	local name=$1 lang=$2 size=$3
	shift 3
	S=$name
	tm new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" \
		"env TERM=screen LANG=$lang LC_CTYPE=$lang LANGUAGE= TZ=$TZ EZRIZI_NOW=$EZRIZI_NOW XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' $* '$EZRIZI'; sleep 60"
	settle
}
keys() { tm send-keys -t "$S" "$@"; settle; }
has() { screen | grep -qP -- "$1"; }
check() { if has "$2"; then ok "$1"; else fail "$1" "no /$2/ on screen:
$(screen)"; fi; }
check_not() { if has "$2"; then fail "$1" "/$2/ on screen:
$(screen)"; else ok "$1"; fi; }
widest() { screen | wc -L; }
# (Its tmux session stays until the end: the server goes when its last does.)
close() { tm send-keys -t "$S" q; }

# ---- list_names_ellipsis_12h ----
open en80 en_US.UTF-8 80x24
check "list_names_ellipsis_12h: 80x24, the 12-hour times and the whole name" \
	"^│  01:00 PM–01:50 PM  B Chloe Hughes +│"
# chat_rtl_line_keeps_space_and_indent: "HH:MM AM Name: text", the space after
# the colon kept; continuation lines start under the name, as English ones do.
check "chat_rtl_line_keeps_space_and_indent: an Arabic message after ': '" \
	"││ \d\d:\d\d [AP]M $AR[^│]*: $AR"
if screen | grep -P "││ \d\d:\d\d [AP]M " | grep -qP ":$AR"; then
	fail "chat_rtl_line_keeps_space_and_indent: no message glued to the colon" "$(screen | grep -P ':$AR')"
else
	ok "chat_rtl_line_keeps_space_and_indent: no message glued to the colon"
fi
check "chat_rtl_line_keeps_space_and_indent: its continuation under the name" "││ {10}$AR"
keys f
tm send-keys -t "$S" -l all
keys Enter
check "list_names_ellipsis_12h: everyone's day says whose" "Today, everyone: \d+ sessions"
check "list_names_ellipsis_12h: a cut name ends in …" "│ [ ▸]\d\d:\d\d [AP]M  [A-Z] [^│]*[^ │]… "
[ "$(widest)" -le 80 ] && ok "list_names_ellipsis_12h: no line wider than the terminal" ||
	fail "list_names_ellipsis_12h: no line wider than the terminal" "$(widest) columns"
close

open en60 en_US.UTF-8 60x20
check "list_names_ellipsis_12h: 60x20, the start and the whole name" "^│  01:00 PM  B Chloe Hughes +│"
check_not "list_names_ellipsis_12h: 60x20, no name cut to its first letters" "Chlo(│| )"
# status_line_long_message_wraps: the whole message, on a second line; the
# panes give it up while it shows.
keys :
tm send-keys -t "$S" -l 'goto 2026-02-30'
keys Enter
if screen | tail -n 2 | head -n 1 | grep -q "^ '2026-02-30' is not a day of the calendar; check the month$" &&
	screen | tail -n 1 | grep -q "^ (01-12) and the day of the month$" &&
	screen | tail -n 3 | head -n 1 | grep -q "┘$"; then
	ok "status_line_long_message_wraps: two lines, above them the panes"
else
	fail "status_line_long_message_wraps: two lines, above them the panes" "$(screen | tail -n 4)"
fi
keys Escape
if screen | tail -n 1 | grep -q "? help" && screen | tail -n 2 | head -n 1 | grep -q "^└.*┘$"; then
	ok "status_line_long_message_wraps: the next key gives the line back"
else
	fail "status_line_long_message_wraps: the next key gives the line back" "$(screen | tail -n 3)"
fi
# question_never_cut: a check-in on another day asks, and the question ends
# where it says what y does.
keys ']'
check "question_never_cut: tomorrow's list" "Tomorrow: \d+ session"
keys i
if screen | tail -n 3 | tr -s ' \n' '  ' | grep -q "is not today\. Check a client in for an appointment\. .* press y to do it all the same, any other key not to\." &&
	screen | tail -n 1 | grep -q "any other key not to\.$"; then
	ok "question_never_cut: the whole question on the status line"
else
	fail "question_never_cut: the whole question on the status line" "$(screen | tail -n 4)"
fi
keys a
check "question_never_cut: another key, and the hints are back" "^ ↑↓ move"
close

# ---- Arabic ----
open ar80 ar_SA.UTF-8 80x24
title=$(screen | head -n 1)
# The title bar reads from the right: ezrizi, the server, the user, the clock.
printf '%s' "$title" | grep -qP -- "— amina — 127\.0\.0\.1:\d+ — ezrizi *$" &&
	ok "title_bar_mirrored: ezrizi at the right end" || fail "title_bar_mirrored: ezrizi at the right end" "$title"
# The weekday whole (الأربعاء, drawn right to left), never ar_SA's one letter.
printf '%s' "$title" | grep -qP "ءﺎﻌﺑﺭﻷﺍ" && ! printf '%s' "$title" | grep -qP "(^| )ﺭ( |$)" &&
	ok "weekday_never_one_letter: the title says الأربعاء" || fail "weekday_never_one_letter: the title says الأربعاء" "$title"
# arabic_one_digit_system: the title bar (but the server's address), the list
# and its title: Arabic-Indic digits only.
list=$(screen | sed -n '2,23p' | sed -e 's/.*┐┌//' -e 's/.*││//')
if printf '%s' "$list" | grep -qP '[\x{0660}-\x{0669}]{2}:[\x{0660}-\x{0669}]{2}' &&
	printf '%s' "$title" | grep -qP '[\x{0660}-\x{0669}]'; then
	ok "arabic_one_digit_system: the times are Arabic-Indic"
else
	fail "arabic_one_digit_system: the times are Arabic-Indic" "$title
$list"
fi
if printf '%s' "$list" | grep -q '[0-9]' || printf '%s' "$title" | sed 's/127\.0\.0\.1:[0-9]*//' | grep -q '[0-9]'; then
	fail "arabic_one_digit_system: no Latin digit of ours" "$title
$list"
else
	ok "arabic_one_digit_system: no Latin digit of ours"
fi
# help_describes_commands, mirrored: the keys at the right, their words to
# the left of them.
keys '?'
check "help_describes_commands: the help mirrored, keys at the right" "│ +[^ ].*   ↓ j +│$"
check_not "help_describes_commands: no command strings" "select down|confirm checkin|text reason"
keys q
# arabic_cut_shaped: everyone's day at 60 columns cuts names: a cut word ends
# in "…" on its left, its last letter in its final (or isolated) form.
close
open ar60 ar_SA.UTF-8 60x20
keys f
tm send-keys -t "$S" -l all
keys Enter
check "arabic_cut_shaped: cut Arabic names end in …" "…$AR"
check_not "arabic_cut_shaped: none ends in a joining form" "…$JOINING"
close

# week_title_date_order: an Arabic screen with ISO dates (LC_TIME=C): the
# week's date in Arabic-Indic digits, in its own order.
open arweek ar_SA.UTF-8 80x24 LC_TIME=C.UTF-8
keys w
check "week_title_date_order: the week's date reads 2026-11-30" "┌.*[\x{0660}-\x{0669}]+ :٢٠٢٦-١١-٣٠ "
check_not "week_title_date_order: never 30-11-2026" "٣٠-١١-٢٠٢٦|30-11-2026"
close

# help_describes_commands, in English: keys of one command together, in words.
open enhelp en_US.UTF-8 80x24
keys '?'
check "help_describes_commands: j and ↓ together, said in words" "│   j ↓ +Move down\. +│"
keys PageDown
check "help_describes_commands: x says what it does and what it asks" "│   x +Cancel an appointment and free its slot\. Asks for the"
check_not "help_describes_commands: no command strings" "select down|confirm checkin|text reason|pick-slot book"
close
finish
