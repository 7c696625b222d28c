#!/usr/bin/env bash
# The crisis view on the screen: C opens it over the panes for the selected
# client, from a task (the screen keeps drawing), with the lines the platform
# serves for the client's country or the sentence that there are none, the
# emergency contact and the safety plan; phones first so 60x20 keeps them,
# and mirrored in Arabic. P changes the plan in $EDITOR, as notes are written:
# in the private folder, wiped once read, a draft kept when it is refused.
# In a private tmux; waits for text, never sleeps.
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
	check "crisis_overlay_$size: opens for the selected client" "Crisis: [^p─]" 100
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
	check "crisis_view_never_blocks: then the view" "Crisis: [^p─]" 150
	fault '{"latency_ms":0}'
else
	fail "the screen starts (slow)" "$(screen)"
fi
tm kill-session -t slow

# ======== safety_plan_in_editor: P, the plan as it is, written back ========
mkdir -p "$WORK/bin" "$WORK/ed"
cat >"$WORK/bin/plan-editor" <<'SH'
#!/bin/sh
echo "$1" >"$EDLOG/path"
cp "$1" "$EDLOG/seen"
case $(cat "$EDLOG/mode") in
write) cat "$EDLOG/new" >"$1" ;;
fail) exit 3 ;;
esac
exit 0
SH
chmod +x "$WORK/bin/plan-editor"
tui_start ed EZRIZI_NOW="$EZRIZI_NOW" EDITOR="'$WORK/bin/plan-editor'" EDLOG="'$WORK/ed'"
S=ed
if wait_for "Today|Week" 150 && settle; then
	keys Home
	settle
	echo write >"$WORK/ed/mode"
	printf '== 1. x\nedited on screen; "quoted" # kept\n== 2. x\n== 3. x\n== 4. x\n' >"$WORK/ed/new"
	keys P
	check "safety_plan_in_editor: a text that is not a plan refused" "has 4 of its 6 steps" 100
	check "safety_plan_in_editor: ... and kept as a draft" "kept as a draft" 20
	grep -q "warning sign one" "$WORK/ed/seen" && ok "safety_plan_in_editor: the editor had the plan as it is" ||
		fail "safety_plan_in_editor: the editor had the plan" "$(cat "$WORK/ed/seen")"
	case $(cat "$WORK/ed/path") in
	"$XDG_RUNTIME_DIR"/ezrizi/plan-*.txt) ok "safety_plan_in_editor: in the private folder, named after nobody" ;;
	*) fail "safety_plan_in_editor: in the private folder" "$(cat "$WORK/ed/path")" ;;
	esac
	[ ! -e "$(cat "$WORK/ed/path")" ] && ok "safety_plan_in_editor: the file is gone once read" ||
		fail "safety_plan_in_editor: the file is gone once read" "$(cat "$WORK/ed/path")"
	printf '== 1. x\nedited on screen; "quoted" # kept\n== 2. x\nأمشي\n== 3. x\n== 4. x\n== 5. x\n== 6. x\n' >"$WORK/ed/new"
	keys P
	check "safety_plan_in_editor: saved" "Safety plan saved" 100
	grep -q "edited on screen" "$WORK/ed/seen" && ! grep -q "warning sign one" "$WORK/ed/seen" &&
		ok "safety_plan_in_editor: the draft came back to the editor" ||
		fail "safety_plan_in_editor: the draft came back" "$(cat "$WORK/ed/seen")"
	got=$("$EZRIZI" --format json safety-plan "$pid1")
	[ "$(printf '%s' "$got" | jq -r .step_1)" = 'edited on screen; "quoted" # kept' ] && [ "$(printf '%s' "$got" | jq -r .step_2)" = "أمشي" ] &&
		ok "safety_plan_in_editor: the server has it, byte for byte" || fail "safety_plan_in_editor: the server has it" "$got"
	# A draft made from a version someone has replaced since: the plan as it is
	# now comes above it, and the write replaces that version.
	printf '== 1. x\nstale draft\n' >"$WORK/ed/new"
	keys P
	check "stale_plan_draft: refused, kept" "has 1 of its 6 steps" 100
	v=$("$EZRIZI" --format json safety-plan "$pid1" | jq -r .version)
	printf '== 1. a\nchanged elsewhere\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan-else"
	"$EZRIZI" safety-plan write "$pid1" --file "$WORK/plan-else" --replaces "$v" >/dev/null
	printf '== 1. x\nmerged\n== 2. x\n== 3. x\n== 4. x\n== 5. x\n== 6. x\n' >"$WORK/ed/new"
	keys P
	check "stale_plan_draft: saved" "Safety plan saved" 100
	grep -q "^# The plan was changed since this draft" "$WORK/ed/seen" && grep -q "^# changed elsewhere" "$WORK/ed/seen" &&
		grep -q "^stale draft" "$WORK/ed/seen" && ok "stale_plan_draft: the plan as it is now above the draft, as comments" ||
		fail "stale_plan_draft: the plan as it is now above the draft" "$(cat "$WORK/ed/seen")"
	[ "$("$EZRIZI" --format json safety-plan "$pid1" | jq -r .step_1)" = merged ] && ok "stale_plan_draft: the writer's text replaced it" ||
		fail "stale_plan_draft: the writer's text replaced it" "$("$EZRIZI" --format json safety-plan "$pid1")"
else
	fail "the screen starts (editor)" "$(screen)"
fi
tm kill-session -t ed

# Arabic: the overlay mirrored (its title at the right edge).
if locale -a 2>/dev/null | grep -qi '^ar_SA.utf8$'; then
	open car ar_SA.UTF-8 80x24
	if wait_for "amina" 150 && settle; then
		keys Home
		keys C
		check "crisis_overlay_arabic: opens" "┌─+[^─ ]+ [^─]+─┐" 100   # its title, in Arabic, the client's name
		line=$(screen | grep -m1 "^┌")
		phone=$(screen | grep -c -- "$(re "$contact")")
		[ -z "$contact" ] || [ "$phone" -gt 0 ] && ok "crisis_overlay_arabic: the phone keeps its order (+ first)" ||
			fail "crisis_overlay_arabic: the phone keeps its order" "$(screen)"
		case $line in
		┌────*[!─]*─┐) ok "crisis_overlay_arabic: its title at the right" ;;
		*) fail "crisis_overlay_arabic: its title at the right" "$line" ;;
		esac
	else
		fail "the Arabic screen starts" "$(screen)"
	fi
else
	echo "ok crisis_overlay_arabic # SKIP no ar_SA.UTF-8 locale"
fi
finish
