#!/usr/bin/env bash
# What the core asks of the shell's terminal goes through the front end's hooks
# (core/front.h, src/tty.c): the platform password and the cache passphrase are
# asked on a real terminal (a tmux pane), with echo off; with no terminal the
# core refuses, saying what to do instead.
# Usage: tests/batch/prompts.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=$(cd "$(dirname "${1:-$EZRIZI}")" && pwd)/$(basename "${1:-$EZRIZI}")
export TZ=${TZ:-Asia/Karachi}
unset TMUX
SOCK=ezrizi-prompts-$$
tm() { tmux -L "$SOCK" "$@"; }
lib_cleanup() { cleanup; }
trap 'tm kill-server 2>/dev/null; lib_cleanup' EXIT
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }

pane() { tm capture-pane -p -t "$1" 2>/dev/null; }
# wait_pane SESSION PATTERN: polls every 0.1 s, 10 s at most.
wait_pane() {
	for _ in $(seq 1 $((100 * SLOW))); do pane "$1" | grep -qE -- "$2" && return 0; sleep 0.1; done
	return 1
}
# in_tty NAME ARGS...: ezrizi ARGS in a terminal of its own; "EXIT=rc" when it ends.
in_tty() {
	local name=$1
	shift
	tm new-session -d -s "$name" -x 100 -y 30 \
		"env TZ=$TZ XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' \
XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' \
'$EZRIZI' $*; echo EXIT=\$?; sleep 60"
}

platform_start
config_user amina
cfg=$XDG_CONFIG_HOME/ezrizi/config
# The password from the terminal, not from password_command.
sed -i '/^password_command/d' "$cfg"
expect "no terminal: login says how to give the password" 5 "No terminal to ask for the password; set password_command" \
	setsid "$EZRIZI" login </dev/null
in_tty login login
if wait_pane login "Password for amina:"; then
	tm send-keys -t login -l demo
	tm send-keys -t login Enter
	wait_pane login "^EXIT=" && pane login | grep -q "^EXIT=0" && pane login | grep -q "Logged in" &&
		ok "the password asked on the terminal logs in" || fail "the password asked on the terminal logs in" "$(pane login)"
	pane login | grep -q "demo" && fail "the password is not echoed" "$(pane login)" || ok "the password is not echoed"
else
	fail "login asks for the password on the terminal" "$(pane login)"
fi

# The cache passphrase from the terminal, not from passphrase_command.
sed -i '/^passphrase_command/d' "$cfg"
expect "no terminal: a command says how to open the cache" 5 "The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command" \
	"$EZRIZI" --offline outbox </dev/null
expect "no terminal: passwd says where it can be done" 2 "Change the passphrase at a terminal" \
	"$EZRIZI" passwd </dev/null
in_tty unlock unlock --for 2m
if wait_pane unlock "Cache passphrase:"; then
	tm send-keys -t unlock -l test-cache-passphrase
	tm send-keys -t unlock Enter
	wait_pane unlock "^EXIT=" && pane unlock | grep -q "^EXIT=0" && pane unlock | grep -q "stays open" &&
		ok "the passphrase asked on the terminal unlocks" || fail "the passphrase asked on the terminal unlocks" "$(pane unlock)"
	pane unlock | grep -q "test-cache-passphrase" && fail "the passphrase is not echoed" "$(pane unlock)" ||
		ok "the passphrase is not echoed"
else
	fail "unlock asks for the passphrase on the terminal" "$(pane unlock)"
fi
expect "unlocked, a script opens the cache with no terminal" 0 "Nothing waits" "$EZRIZI" --offline outbox </dev/null
finish
