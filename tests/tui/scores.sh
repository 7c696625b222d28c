#!/usr/bin/env bash
# A client's scores on the screen, in a detached tmux: the notes pane starts
# with the trend of each instrument the client has (a sparkline, the latest
# score and band), an assessment given on the command line shows there once
# the screen looks again, S shows the chart, the line still fits at 60x20,
# and without UTF-8 the sparkline is ASCII. Waits for text, never for a
# fixed time.
# Usage: tests/tui/scores.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}

platform_start
config_user amina
printf 'poll_interval = 600\npractitioner = prac-amina\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
pid1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_id)
name1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_name)
first=$(printf '%s' "$name1" | cut -d' ' -f1)
expect "a PHQ-9 before the screen" 0 '"score":"12"' \
	"$EZRIZI" --format json assess "$pid1" phq9 --answers 2,2,2,2,2,2,0,0,0

tui_start ez
if ! wait_for "Today: " 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
keys Home
wait_for "Notes: $first" || fail "the first client's notes" "$(screen)"
check "the notes pane shows the PHQ-9's trend" "PHQ-9 ▄ 12 moderate"

# An assessment given here: its answer in the overlay, then the trend has it.
keys :
type_text "assess $pid1 phq9 --answers 3,3,3,3,3,3,0,0,0"
keys Enter
wait_for "moderately severe" 150 || fail "the assessment's answer" "$(screen)"
keys q
check "the trend after assessing: two scores, the latest" "PHQ-9 ▄▆ 18 moderately" 150

# The chart: the dates, the bars, the scores and the change since the first.
keys S
check "score_chart: the instrument's heading" "PHQ-9 \(0 to 27\)"
check "score_chart: the latest with its change" "[0-9]{4}-[0-9]{2}-[0-9]{2}  █+.* +18 +\+6  moderately severe"
keys q
wait_gone "0 to 27" || fail "the chart closes" "$(screen)"

# 60x20: the line is cut, never lost.
tm resize-window -t ez -x 60 -y 20
check "at 60x20 the trend still shows" "PHQ-9 ▄▆ 18"
# (The old session goes only once the new one is there: killing the last
# session ends the tmux server, and a session started meanwhile races it.)
tm rename-session -t ez old

# Without UTF-8: the sparkline in ASCII.
tui_start ez LC_CTYPE=C LC_ALL=C
tm kill-session -t old
if wait_for "Today: " 150; then
	keys Home
	check "ascii_sparkline: no UTF-8, ASCII marks" "PHQ-9 -\+ 18 moderately"
else
	fail "ascii_sparkline: the screen starts" "$(screen)"
fi
tm kill-session -t ez

# trend_score_in_the_screens_digits: Arabic-Indic on the Arabic screen.
if locale -a 2>/dev/null | grep -qi '^ar_SA.utf8$'; then
	cp "$XDG_CONFIG_HOME/ezrizi/config" "$WORK/ar.conf"
	echo "digits = arabic" >>"$WORK/ar.conf"
	tui_start ez LANG=ar_SA.UTF-8 LC_CTYPE=ar_SA.UTF-8 -- --config "'$WORK/ar.conf'"
	if wait_for "amina" 150; then
		keys Home
		check "trend_score_in_the_screens_digits" "PHQ-9.*١٨"
	else
		fail "trend_score_in_the_screens_digits: the screen starts" "$(screen)"
	fi
else
	echo "ok trend_score_in_the_screens_digits # SKIP no ar_SA.UTF-8 locale"
fi
finish
