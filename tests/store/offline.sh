#!/usr/bin/env bash
# The encrypted local cache from the command line: the passphrase and the unlock
# agent, working offline, the outbox sent exactly once and in order while the
# platform drops answers, conflicts kept for the user, and no plain text left
# behind. Usage: tests/store/offline.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=Asia/Karachi
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
cfg=$XDG_CONFIG_HOME/ezrizi/config
CANARY="canary-$$-zq7"

expect "login makes the cache" 0 "Logged in" ez login
store=$XDG_DATA_HOME/ezrizi/store-default
[ "$(stat -c %a "$store")" = 700 ] && ok "the cache's folder is 0700" || fail "the cache's folder is 0700" "$(stat -c %a "$store")"
bad=$(find "$store" -type f ! -perm 600)
[ -z "$bad" ] && ok "its files are 0600" || fail "its files are 0600" "$bad"

# ---- the passphrase and the agent ----
sed -i 's/^passphrase_command = .*/passphrase_command = echo not-the-passphrase/' "$cfg"
before=$(cd "$store" && sha256sum header)
expect "a wrong passphrase says so" 5 "passphrase is wrong" ez appointments
[ "$(cd "$store" && sha256sum header)" = "$before" ] && ok "a wrong passphrase touches nothing" || fail "a wrong passphrase touches nothing" "header changed"
sed -i '/^passphrase_command/d' "$cfg"
expect "locked, scripts are told to unlock" 5 "ezrizi unlock" ez appointments </dev/null
echo "passphrase_command = echo test-cache-passphrase" >>"$cfg"
expect "unlock" 0 "stays open" ez unlock --for 10m
sed -i '/^passphrase_command/d' "$cfg"
expect "unlocked, scripts need no passphrase" 0 "^\{" ez --format json appointments </dev/null
expect "lock ends it" 0 "Locked" ez lock
expect "locked again" 5 "ezrizi unlock" ez appointments </dev/null
echo "passphrase_command = echo test-cache-passphrase" >>"$cfg"
expect "unlock again" 0 "stays open" ez unlock
expect "bad duration" 2 "not a duration" ez unlock --for soon

# ---- working offline ----
first=$(ez sync | sed -n 's/^\([0-9]*\) records\? brought.*/\1/p')
[ -n "$first" ] && [ "$first" -gt 50 ] && ok "sync fills the cache ($first records)" || fail "sync fills the cache" "$first"
# (The seed data all carries one timestamp: a change moves the mark past it.)
ez send "$(ez --format json appointments | head -n1 | jq -r .patient_id)" "a change" >/dev/null
ez sync >/dev/null
second=$(ez sync | sed -n 's/^\([0-9]*\) records\? brought.*/\1/p')
[ -n "$second" ] && [ "$second" -le 3 ] && ok "the next sync brings only what changed ($second)" ||
	fail "the next sync brings only what changed" "$first then $second"
online=$(ez --format json appointments)
offline=$(ez --offline --format json appointments)
[ -n "$online" ] && [ "$online" = "$offline" ] && ok "offline, today's list comes from the cache" ||
	fail "offline, today's list comes from the cache" "online: $(printf '%s' "$online" | head -c 300) offline: $(printf '%s' "$offline" | head -c 300)"
pid=$(printf '%s\n' "$online" | head -n1 | jq -r .patient_id)
[ "$(ez --offline --format json notes "$pid" | grep -c '^{')" -ge 1 ] && ok "offline, the client's notes come from the cache" ||
	fail "offline, the client's notes come from the cache" "$(ez --offline notes "$pid" 2>&1)"
expect "offline, the chat comes from the cache" 0 "^\{" ez --offline --format json chat "$pid"
expect "offline, a client not in the cache says so" 3 "not in the local cache" ez --offline patient pat-0199

# ---- writes without the server ----
expect "offline, a message is queued" 0 "Queued" ez --offline send "$pid" "first $CANARY"
printf 'Offline note %s\n' "$CANARY" >"$WORK/note.txt"
expect "offline, a note is queued (its file read now)" 0 "Queued" ez --offline note add "$pid" --file "$WORK/note.txt"
rm "$WORK/note.txt"
expect "outbox lists them" 0 "waiting.*send" ez outbox
fault '{"fail_next":20,"fail_status":503}'
expect "a write the server cannot take is queued" 0 "Queued" ez checkin "$(printf '%s\n' "$online" | jq -r 'select(.status == "booked") | .id' | head -n1)"
fault '{"clear":true}'
expect "sync sends them" 0 "3 writes sent; 0 refused" ez sync
expect "the queued note reached the server" 0 "Offline note $CANARY" ez --format json notes "$pid"
expect "the outbox is empty" 0 "Nothing waits" ez outbox

# A slot booked offline that someone else takes meanwhile: refused, kept, shown.
slot=$(ez --format json slots --from +3d --to +9d | sed -n 2p | jq -r .id)
expect "offline, a booking is queued" 0 "Queued" ez --offline book --slot "$slot" --patient "$pid"
EZRIZI_TOKEN="$(token bilal)" "$EZRIZI" book --slot "$slot" --patient pat-0009 --practitioner x >/dev/null 2>&1 ||
	EZRIZI_TOKEN="$(token bilal)" "$EZRIZI" book --slot "$slot" --patient pat-0009 >/dev/null 2>&1
expect "sync reports the refusal" 4 "refused" ez sync
expect "the outbox keeps it, with why" 0 "refused.*just taken" ez outbox
seq=$(ez --format tsv outbox | sed -n 2p | cut -f1)
expect "discard drops it" 0 "Dropped" ez outbox discard "$seq"
expect "the outbox is empty again" 0 "Nothing waits" ez outbox

# 100 messages queued offline, sent while the platform drops answers after
# committing: exactly 100 on the server, in order.
for i in $(seq -w 1 100); do
	ez --offline send "$pid" "bulk $i" >/dev/null || fail "queue bulk $i" "$?"
done
[ "$(ez --format tsv outbox | tail -n +2 | wc -l)" = 100 ] && ok "100 writes wait" || fail "100 writes wait" "$(ez outbox | tail -n 3)"
fault '{"drop_after_commit_next":25}'
for _ in 1 2 3 4 5 6; do
	ez sync >/dev/null 2>&1
	[ "$(ez --format tsv outbox | tail -n +2 | wc -l)" = 0 ] && break
done
fault '{"clear":true}'
got=$(api "Communication?subject=Patient/$pid&_count=1000&_sort=_lastUpdated" |
	jq -r '[.entry[].resource.payload[0].contentString // empty | select(startswith("bulk "))] | .[]')
n=$(printf '%s\n' "$got" | grep -c '^bulk ')
[ "$n" = 100 ] && ok "exactly 100 on the server" || fail "exactly 100 on the server" "$n"
[ "$got" = "$(seq -f 'bulk %03g' 1 100)" ] && ok "in the order they were written" || fail "in order" "$(printf '%s\n' "$got" | head -n 5)"

# ---- two ezrizi at once ----
# While files are being replaced (the lock held alone, as passwd does), others wait, then say so.
exec 9>"$store/lock"
flock -x 9
expect "while the store is being changed, another ezrizi is told" 4 "is changing the local store" ez --offline appointments
flock -u 9
exec 9>&-
# two_ezrizi_side_by_side: with the screen open, scripts read and write at once.
ssock=ezrizi-side-$$
tms() { tmux -L "$ssock" "$@"; }
tms new-session -d -x 80 -y 24 "env XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' TZ=$TZ TERM=tmux-256color '$EZRIZI'; echo EXIT=\$?; sleep 30"
seen=
for _ in $(seq 1 $((100 * SLOW))); do tms capture-pane -p | grep -q "Today" && { seen=1; break; }; sleep 0.1; done
[ -n "$seen" ] && ok "the screen is open" || fail "the screen is open" "$(tms capture-pane -p)"
t0=$(date +%s%N)
expect "a script reads from the cache beside the screen" 0 "^\{" ez --format json --offline appointments
expect "a script reads from the server beside the screen" 0 "^\{" ez --format json appointments
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt $((3000 * SLOW)) ] && ok "readers never wait for the screen (${ms} ms for two)" ||
	fail "readers never wait for the screen" "${ms} ms for two"
expect "a script writes beside the screen" 0 "Sent" ez send "$pid" "beside the screen $CANARY"
expect "a check of the whole store waits for the screen to close, and says so" 4 "has the local store in .* open; close it" ez cache verify
tms send-keys q
for _ in $(seq 1 $((50 * SLOW))); do tms capture-pane -p | grep -q "^EXIT=" && break; sleep 0.1; done
tms capture-pane -p | grep -q "^EXIT=0" && ok "the screen quits as usual" || fail "the screen quits as usual" "$(tms capture-pane -p | tail -n 3)"
tms kill-server 2>/dev/null

# ---- the passphrase changed on the screen ----
ez lock >/dev/null
tsock=ezrizi-offline-$$
tmx() { tmux -L "$tsock" "$@"; }
tmx new-session -d -x 80 -y 24 "env XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' TZ=$TZ TERM=tmux-256color '$EZRIZI'; echo EXIT=\$?; sleep 30"
scr() { tmx capture-pane -p; }
waitp() { for _ in $(seq 1 $((100 * SLOW))); do scr | grep -qE -- "$1" && return 0; sleep 0.1; done; return 1; }
if waitp "Today"; then
	tmx send-keys ':passwd' Enter
	waitp "The cache passphrase now" && tmx send-keys -l 'test-cache-passphrase' && tmx send-keys Enter
	waitp "The new passphrase:" && tmx send-keys -l 'a-new-passphrase' && tmx send-keys Enter
	waitp "The new passphrase again" && tmx send-keys -l 'a-new-passphrase' && tmx send-keys Enter
	waitp "The passphrase is changed" && ok "passwd on the screen" || fail "passwd on the screen" "$(scr | tail -n 2)"
	tmx send-keys q
	waitp "^EXIT=0" || fail "the screen quits" "$(scr | tail -n 2)"
else
	fail "the screen starts" "$(scr)"
fi
tmx kill-server 2>/dev/null
expect "the old passphrase no longer opens it" 5 "passphrase is wrong" ez appointments
sed -i 's/^passphrase_command = .*/passphrase_command = echo a-new-passphrase/' "$cfg"
expect "the new one does" 0 "^\{" ez --format json appointments
expect "unlock with it" 0 "stays open" ez unlock

# ---- verify, canaries, wipe ----
expect "cache verify" 0 "0 were damaged|0 was damaged" ez cache verify
ez lock >/dev/null
hits=$(grep -rlaF "$CANARY" "$XDG_DATA_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR" \
	/tmp/ezrizi-* 2>/dev/null)
[ -z "$hits" ] && ok "the canary is nowhere in plain text" || fail "the canary is nowhere in plain text" "$hits"
expect "wipe asks to be sure" 2 "cache wipe yes" ez cache wipe
expect "wipe" 0 "removed" ez cache wipe yes
[ ! -e "$store" ] && ok "the cache is gone" || fail "the cache is gone" "$(ls -la "$store")"

finish
