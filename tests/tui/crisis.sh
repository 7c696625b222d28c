#!/usr/bin/env bash
# The crisis view on the screen: C opens it over the panes for the selected
# client, from a task (the screen keeps drawing), with the lines the platform
# serves for the client's country or the sentence that there are none, the
# emergency contact and the safety plan; phones first so 60x20 keeps them,
# and mirrored in Arabic. In a private tmux; waits for text, never sleeps.
# Usage: tests/tui/crisis.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
export EZRIZI_NOW=2026-12-02T05:00:00Z   # Wednesday, 10:00 in Karachi
platform_start --today 2026-12-02
config_user amina
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
# ezrizi orders right-to-left text itself, so the mirroring is its own.
sed -i "s/^bidi = .*/bidi = app/" "$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
pid1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_id)
country=$(api "Patient/$pid1" | jq -r '.address[0].country')
contact=$(api "Patient/$pid1" | jq -r '.contact[0].telecom[0].value // empty')
printf '== 1. a\nwarning sign one\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\nkeys away\n' >"$WORK/plan"
expect "a safety plan for the first client" 0 "saved" "$EZRIZI" safety-plan write "$pid1" --file "$WORK/plan"

# open NAME LANG COLSxLINES: the screen, its first list shown.
open() {
	S=$1
	tm new-session -d -s "$1" -x "${3%x*}" -y "${3#*x}" \
		"env TERM=$TUI_TERM LANG=$2 LC_CTYPE=$2 LANGUAGE= TZ=$TZ EZRIZI_NOW=$EZRIZI_NOW XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$EZRIZI'; echo EXIT=\$?; sleep 300"
}

for size in 80x24 60x20; do
	open "c$size" C.UTF-8 "$size"
	if ! wait_for "Today|Week" 150; then fail "the screen starts ($size)" "$(screen)"; continue; fi
	keys Home
	keys C
	check "crisis_overlay_$size: opens for the selected client" "Crisis: $pid1" 100
	check "crisis_overlay_$size: the lines' heading and country" "Crisis lines \\($country\\)" 100
	[ "$country" = SA ] && check "crisis_overlay_$size: none known, said so" "No crisis line is known" 50
	[ -n "$contact" ] && check "crisis_overlay_$size: the emergency contact's phone" "$(re "$contact")" 50
	check "crisis_overlay_$size: the safety plan" "warning sign one" 50
	keys q
	wait_gone "Crisis lines" 50 && ok "crisis_overlay_$size: q closes it" || fail "crisis_overlay_$size: q closes it" "$(screen)"
	keys ":"
	type_text "crisis pat-0008"
	keys Enter
	check "crisis_command_$size: a Malaysian client's lines from the platform" "15555 +HEAL Line" 100
	check "crisis_command_$size: MIASA too" "1-800-820066" 50
	tm kill-session -t "c$size"
done

# crisis_view_never_blocks: a slow server, and the screen answers meanwhile.
open slow C.UTF-8 80x24
if wait_for "Today|Week" 150 && settle; then
	keys Home
	settle
	fault '{"latency_ms":2500}'
	keys C
	check "crisis_view_never_blocks: it says what it waits for" "Looking up the crisis lines" 50
	keys "?"
	check "crisis_view_never_blocks: the help opens meanwhile" "Help" 20
	check "crisis_view_never_blocks: then the view" "Crisis: $pid1" 150
	fault '{"latency_ms":0}'
else
	fail "the screen starts (slow)" "$(screen)"
fi
tm kill-session -t slow

# Arabic: the overlay mirrored (its title at the right edge).
if locale -a 2>/dev/null | grep -qi '^ar_SA.utf8$'; then
	open car ar_SA.UTF-8 80x24
	if wait_for "amina" 150 && settle; then
		keys Home
		keys C
		check "crisis_overlay_arabic: opens" "Crisis: $pid1" 100
		line=$(screen | grep -m1 "$pid1")
		phone=$(screen | grep -c -- "$(re "$contact")")
		[ -z "$contact" ] || [ "$phone" -gt 0 ] && ok "crisis_overlay_arabic: the phone keeps its order (+ first)" ||
			fail "crisis_overlay_arabic: the phone keeps its order" "$(screen)"
		case $line in
		┌──*"$pid1"*─┐) ok "crisis_overlay_arabic: its title at the right" ;;
		*) fail "crisis_overlay_arabic: its title at the right" "$line" ;;
		esac
	else
		fail "the Arabic screen starts" "$(screen)"
	fi
else
	echo "ok crisis_overlay_arabic # SKIP no ar_SA.UTF-8 locale"
fi
finish
