#!/usr/bin/env bash
# The screen never sleeps on its loop for the local store: unlocked while
# another ezrizi holds the store alone (a new passphrase, a salvage: here a
# `flock -x` on its lock file, as src/store.c takes it), the screen unlocks at
# once, keeps answering keys, and opens the store by itself once it is let go.
# Usage: tests/tui/store_held.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Karachi}
TUI_TERM=tmux-256color
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; tui_cleanup' EXIT
command -v flock >/dev/null || { echo "flock is not installed"; exit 77; }

# As tests/tui/lib.sh's, saying only the screen's last lines.
check() { if wait_for "$2" "${3:-100}"; then ok "$1"; else fail "$1" "no /$2/ on screen: $(screen | tail -n 3)"; fi; }
type_line() { tm send-keys -t ez ':'; tm send-keys -t ez -l "$1"; tm send-keys -t ez Enter; }

platform_start
config_user amina
expect "login makes the cache" 0 "Logged in" "$EZRIZI" login
store=$XDG_DATA_HOME/ezrizi/store-default
[ -e "$store/lock" ] && ok "the store has its lock file" || fail "the store has its lock file" "$(ls -la "$store")"

tui_start ez
check "the screen is open" "Today"
type_line outbox
check "with the store open, the outbox answers" "Nothing waits"
tm send-keys -t ez L
check "L locks" "ezrizi is locked\."

# The screen let go of the store with the lock: another ezrizi takes it alone.
# (The subshell becomes the sleep that holds the lock: killing it lets go.)
( exec 9>"$store/lock" && flock -x 9 && : >"$WORK/flock.held" && exec sleep 60 ) &
holder=$!
for _ in $(seq 1 50); do [ -e "$WORK/flock.held" ] && break; sleep 0.1; done
[ -e "$WORK/flock.held" ] && ok "another process holds the store alone" || fail "another process holds the store alone" "flock did not start"
expect "a script is told the store is being changed (the lock is really held)" 5 "is changing the local store" \
	"$EZRIZI" --offline outbox

t0=$(date +%s%N)
tm send-keys -t ez -l demo
tm send-keys -t ez Enter
if wait_for "Another ezrizi is changing the local cache" 20; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	ok "store_held_unlock_does_not_freeze: the password unlocks at once (${ms} ms), saying the cache opens later"
else
	fail "store_held_unlock_does_not_freeze: the password unlocks at once" "$(screen | tail -n 3)"
fi
screen | grep -q "ezrizi is locked" && fail "the screen is unlocked" "$(screen)" || ok "the screen is unlocked"
# Keys act while the store is held: the week view, and back, each within a second.
tm send-keys -t ez w
check "a key acts within a second while the store is held (w: the week)" "^┌ Week of " 10
tm send-keys -t ez w
check "and another (w: back to the day)" "Today" 10
type_line outbox
check "meanwhile the outbox says the store is being changed" "is changing the local store" 20

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=
check "once let go, the screen opens the store by itself" "The local cache is open again" 30
type_line outbox
check "and the outbox answers from it" "Nothing waits" 30
tm send-keys -t ez q
check "the screen quits as usual" "^EXIT=0"
finish
