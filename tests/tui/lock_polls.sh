#!/usr/bin/env bash
# locked_screen_looks_less: a locked screen shows nothing of the model, so it
# looks at the server one time in four; the unlock looks at once. Counted in
# the platform's log: each look is one batch, with one Flag search in it
# (poll_interval = 2: every 2 s open, every 8 s locked).
# Usage: tests/tui/lock_polls.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Karachi}
platform_start
config_user amina
echo "poll_interval = 2" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
looks() { grep -c '^  in batch: GET /fhir/R4/Flag?' "$WORK/platform.log"; }

tui_start ez
if ! wait_for "Today" 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
sleep 2
a=$(looks); sleep 8; b=$(looks)
open=$((b - a))
[ "$open" -ge 3 ] && ok "unlocked, a look every 2 s ($open in 8 s)" || fail "unlocked, a look every 2 s" "$open in 8 s"
keys L
check "L locks" "ezrizi is locked\."
a=$(looks); sleep 12; b=$(looks)
locked=$((b - a))
[ "$locked" -le 2 ] && ok "locked_screen_looks_less: $locked looks in 12 s" ||
	fail "locked_screen_looks_less" "$locked looks in 12 s (unlocked: $open in 8 s)"
a=$(looks)
tm send-keys -t "$S" -l demo
keys Enter
check "the password unlocks" "Today"
sleep 0.7
b=$(looks)
[ "$((b - a))" -ge 1 ] && ok "locked_screen_looks_less: the unlock looks at once" ||
	fail "locked_screen_looks_less: the unlock looks at once" "no look in 0.7 s"
keys q
check "the screen quits" "^EXIT=0" 100
finish
