#!/usr/bin/env bash
# The modes' key tables, rebound in the config (bind -T TABLE KEY COMMAND): a
# key rebound in the overlay's table closes the help, one rebound in the
# picker's chooses a slot, one in the question's answers it; each with the
# control that the key does nothing before it is bound there (or elsewhere).
# Usage: tests/tui/modes.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Karachi
TUI_TERM=screen-256color
platform_start
config_user amina
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login

S=
# As tests/tui/lib.sh's, with -J: a line tmux wrapped is read whole.
screen() { tm capture-pane -p -J -t "$S" | unbidi; }

# ---- the overlay: x closes the help once bound so ----
S=overlay
screen_start overlay "bind -T overlay x close"
wait_for "^┌ Today" 100 || fail "the screen starts" "$(screen)"
keys '?'
wait_for "^┌─Help" 50 || fail "? opens the help" "$(screen)"
seen=
for _ in 1 2 3 4 5; do   # PageDown is the overlay table's: it scrolls
	screen | grep -q "Keys in the help and the output" && { seen=1; break; }
	keys PageDown
	sleep 0.3
done
[ -n "$seen" ] && ok "help lists the overlay's table (PageDown scrolls to it)" ||
	fail "help lists the overlay's table (PageDown scrolls to it)" "$(screen)"
# help_says_any_other_key: the confirm table's fallback is said in words.
# (Scrolled to where the table's lines show, not only its heading: the help
# grows as keys come.)
said= heading=
for _ in 1 2 3 4 5 6 7 8; do
	screen | grep -q "Keys at a question" && heading=1
	[ -n "$heading" ] && screen | grep -q "any other key" && { said=$(screen | grep -c "any other key"); break; }
	keys PageDown
	sleep 0.3
done
[ "${said:-0}" -ge 1 ] && ! screen | grep -qE '│ *Any +Answer' && ok "help_says_any_other_key: the confirm table says 'any other key', not 'Any'" ||
	fail "help_says_any_other_key: the confirm table says 'any other key'" "$(screen)"
keys z   # bound nowhere in the overlay, and no root key that moves: the help stays
sleep 0.5
screen | grep -q "^┌─Help" && ok "overlay (control): an unbound key leaves the help open" ||
	fail "overlay (control): an unbound key leaves the help open" "$(screen)"
keys x
if wait_gone "^┌─Help" 30 && wait_for "^┌ Today" 30; then
	ok "rebound_overlay_key: x (bind -T overlay x close) closes the help"
else
	fail "rebound_overlay_key: x (bind -T overlay x close) closes the help" "$(screen)"
fi
keys q
wait_for "^EXIT=0" 50 && ok "q leaves (root table unchanged)" || fail "q leaves (root table unchanged)" "$(screen)"

# ---- the question: n answers yes once bound so (y no longer does) ----
S=confirm
screen_start confirm "bind -T confirm y answer no" "bind -T confirm Y answer no" "bind -T confirm n answer yes"
wait_for "^┌ Today" 100 || fail "the screen starts" "$(screen)"
keys : ; sleep 0.2
tm send-keys -t "$S" -l "confirm redraw"; keys Enter
wait_for "press y to go ahead" 50 || fail "confirm asks" "$(screen)"
keys y
if wait_gone "press y to go ahead" 30; then
	ok "confirm (control): y rebound to answer no ends the question"
else
	fail "confirm (control): y rebound to answer no ends the question" "$(screen)"
fi
# A yes runs the command: the question's command is 'help', which opens the overlay.
keys : ; sleep 0.2
tm send-keys -t "$S" -l "confirm help"; keys Enter
wait_for "press y to go ahead" 50 || fail "confirm asks again" "$(screen)"
keys y
sleep 0.5
screen | grep -q "^┌─Help" && fail "confirm: y rebound to no does not run it" "$(screen)" ||
	ok "confirm: y rebound to answer no does not run it"
keys : ; sleep 0.2
tm send-keys -t "$S" -l "confirm help"; keys Enter
wait_for "press y to go ahead" 50 || fail "confirm asks a third time" "$(screen)"
keys n
wait_for "^┌─Help" 50 && ok "rebound_confirm_key: n (bind -T confirm n answer yes) runs the command" ||
	fail "rebound_confirm_key: n (bind -T confirm n answer yes) runs the command" "$(screen)"
keys q; keys q

# ---- the picker: Space chooses once bound so ----
S=picker
screen_start picker "bind -T picker Space choose"
wait_for "^┌ Today" 100 || fail "the screen starts" "$(screen)"
wait_gone "Loading…" 100
keys Home
keys b
if wait_for "^┌─Book a free slot" 100; then
	ok "b opens the picker"
	keys x   # bound nowhere in the picker: it stays open
	sleep 0.5
	screen | grep -q "^┌─Book a free slot" && ok "picker (control): an unbound key leaves it open" ||
		fail "picker (control): an unbound key leaves it open" "$(screen)"
	keys Space
	if wait_for "Booked" 100; then
		ok "rebound_picker_key: Space (bind -T picker Space choose) books the slot"
	else
		fail "rebound_picker_key: Space (bind -T picker Space choose) books the slot" "$(screen)"
	fi
else
	fail "b opens the picker" "$(screen)"
fi

# ---- an unknown table stops the start, saying what to use ----
S=badtable
screen_start badtable "bind -T nosuch x close"
if wait_for "^EXIT=" 100; then
	screen | grep -q "'nosuch' is not a key table; use root, overlay, picker, confirm or small" &&
		ok "bind -T nosuch: the start stops, naming the tables" ||
		fail "bind -T nosuch: the start stops, naming the tables" "$(screen)"
else
	fail "bind -T nosuch: ezrizi exits before the screen" "$(screen)"
fi
finish
