#!/usr/bin/env bash
# Batch mode when things go wrong: the server down, tokens refused or expired,
# 5xx then retry, 412, malformed, huge and 1,000-deep JSON, connections dropped
# before and after the server committed a write.
# Usage: tests/batch/faults.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=Europe/Istanbul
platform_start
config_user amina
cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
[profile down]
server = http://127.0.0.1:9/fhir/R4
retries = 1
connect_timeout = 2
[profile capped]
server = $BASE
max_wait = 8
CFG
ez() { "$EZRIZI" "$@"; }
ms() { date +%s%3N; }
# fault_left KEY: what is left of a fault's count (posting nothing that changes it).
fault_left() { curl -sf -X POST -H 'Content-Type: application/json' -d '{"deep_next":0}' "$ADMIN/faults" | jq ".faults.$1"; }
# timed NAME -- command...: stdout in $WORK/NAME.out, stderr in $WORK/NAME.err,
# the exit code in $rc, the time taken in $took (ms).
timed() {
	local name=$1 t0
	shift 2
	t0=$(ms)
	"$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
	took=$(($(ms) - t0))
}

expect "login" 0 "Logged in" ez login
expect "unlock for scripts" 0 "stays open" ez unlock

# ---- the network ----
expect "server down" 6 "Cannot reach http://127.0.0.1:9" env EZRIZI_TOKEN=x "$EZRIZI" --profile down --format json appointments --practitioner all
expect "added latency is waited for" 0 "^\{" sh -c "curl -sf -X POST -d '{\"latency_ms\":400}' $ADMIN/faults >/dev/null; '$EZRIZI' --format json appointments"
fault '{"clear":true}'

# ---- credentials ----
expect "a refused EZRIZI_TOKEN" 5 "EZRIZI_TOKEN" env EZRIZI_TOKEN=not-a-token "$EZRIZI" appointments --practitioner all
printf 'bogus\n' >"$WORK/token"; chmod 600 "$WORK/token"
printf 'server = %s\ntoken_file = %s\n' "$BASE" "$WORK/token" >"$WORK/tokencfg"
expect "a refused token_file" 5 "token_file" ez --config "$WORK/tokencfg" appointments --practitioner all
chmod 644 "$WORK/token"
expect "a token file others can read is refused" 5 "chmod 600" ez --config "$WORK/tokencfg" appointments --practitioner all
expect "EZRIZI_TOKEN works with any server" 0 "^\{" env EZRIZI_TOKEN="$(token)" "$EZRIZI" --format json appointments --practitioner all
fault '{"expire_tokens":true}'
expect "an expired token is refreshed" 0 "^\{" ez --format json appointments
fault '{"expire_tokens":true}'
expect "the refreshed token was stored and is refreshed again" 0 "^\{" ez --format json appointments
fault '{"expire_tokens":true,"revoke_refresh_tokens":true}'
expect "a refused refresh says to log in again" 5 "log in again" ez appointments
expect "log in again" 0 "Logged in" ez login
printf 'server = %s\nusername = amina\npassword_command = echo wrong\n' "$BASE" >"$WORK/wrongpw"
expect "a wrong password" 5 "wrong username or password" ez --config "$WORK/wrongpw" --profile "" login
printf 'server = %s\nusername = amina\npassword_command = exit 3\n' "$BASE" >"$WORK/failcmd"
expect "a failing password_command" 5 "did not print a secret" ez --config "$WORK/failcmd" login
expect "EZRIZI_DEBUG never shows the token" 0 "http GET" sh -c "EZRIZI_DEBUG=http EZRIZI_TOKEN=tok-canary-123 '$EZRIZI' appointments --practitioner all 2>&1 >/dev/null | grep -v 'tok-canary-123'"
cat >"$WORK/badcfg" <<CFG
server = $BASE
sever = typo
CFG
expect "a bad config line names its line" 2 "badcfg:2: unknown key 'sever'" ez --config "$WORK/badcfg" appointments

# ---- the server failing ----
fault '{"fail_next":2,"fail_status":500}'
expect "500 twice, then retried" 0 "^\{" ez --format json appointments
fault '{"fail_next":1,"fail_status":503,"retry_after":1}'
expect "503 with Retry-After, then retried" 0 "^\{" ez --format json appointments
fault '{"fail_next":10,"fail_status":502}'
expect "502 past the retries" 6 "HTTP 502" ez appointments
fault '{"clear":true}'
fault '{"drop_next":1}'
expect "a dropped connection is retried" 0 "^\{" ez --format json appointments
fault '{"malformed_next":1}'
expect "malformed JSON" 1 "malformed JSON" ez appointments
fault '{"deep_next":1}'
expect "1,000-deep JSON" 1 "nested too deeply" ez appointments
fault '{"huge_next":1}'
expect "a huge answer" 1 "larger than 32 MiB" ez appointments
fault '{"huge_header_next":1}'
expect huge_header_message 1 "The answer from $ORIGIN was too large \(its headers\); .*tell its administrator" ez appointments
fault '{"many_headers_next":3}'
expect many_headers_message 1 "The answer from $ORIGIN was too large \(its headers\)" ez appointments
left=$(fault_left many_headers_next)
[ "$left" = 2 ] && ok "headers too large are not retried" || fail "headers too large are not retried" "$((3 - left)) requests"
fault '{"clear":true}'

# ---- slow servers and long Retry-After: the wait is told, and capped ----
TOKEN=$(token)
fault '{"slow_bytes_next":1,"slow_bytes_ms":1000}'
timed slow -- env EZRIZI_TOKEN="$TOKEN" "$EZRIZI" --profile capped appointments --practitioner all
if [ "$rc" != 6 ]; then
	fail slow_server_capped "exit $rc, wanted 6: $(cat "$WORK/slow.err")"
elif [ "$took" -lt 7500 ] || [ "$took" -gt $((8000 + 4000 * SLOW)) ]; then
	fail slow_server_capped "took $took ms for max_wait = 8"
elif ! grep -q "^ezrizi: Waiting for $ORIGIN: [5-7] seconds without an answer…$" "$WORK/slow.err"; then
	fail slow_server_capped "it did not say what it waited for: $(cat "$WORK/slow.err")"
elif ! grep -q "^ezrizi: This command waited 8 seconds for $ORIGIN, the longest it may (max_wait); .*raise max_wait" "$WORK/slow.err"; then
	fail slow_server_capped "no message at the cap: $(cat "$WORK/slow.err")"
else
	ok "slow_server_capped ($took ms)"
fi
fault '{"clear":true}'
expect "works again after the cap" 0 '^\{' env EZRIZI_TOKEN="$TOKEN" "$EZRIZI" --profile capped --format json appointments --practitioner all

fault '{"fail_next":1,"fail_status":503,"retry_after":600}'
timed beyond -- ez appointments
if [ "$rc" != 6 ] || ! grep -q "$ORIGIN asked ezrizi to retry in 600 seconds, later than this command may wait (max_wait = 120)" "$WORK/beyond.err"; then
	fail retry_after_beyond_cap_fails_at_once "exit $rc: $(cat "$WORK/beyond.err")"
elif [ "$took" -gt $((3000 * SLOW)) ]; then
	fail retry_after_beyond_cap_fails_at_once "took $took ms"
else
	ok "retry_after_beyond_cap_fails_at_once ($took ms)"
fi
fault '{"fail_next":1,"fail_status":503,"retry_after":6}'
timed told -- ez --format json appointments
if [ "$rc" != 0 ] || ! grep -q '^{' "$WORK/told.out"; then
	fail retry_after_wait_is_told "exit $rc: $(cat "$WORK/told.err")"
elif ! grep -q "^ezrizi: Waiting for $ORIGIN: the server asked to retry in 6 seconds…$" "$WORK/told.err" ||
	[ "$(wc -l <"$WORK/told.err")" != 1 ]; then
	fail retry_after_wait_is_told "stderr: $(cat "$WORK/told.err")"
else
	ok retry_after_wait_is_told
fi
fault '{"clear":true}'
expect "works again afterwards" 0 "^\{" ez --format json appointments

# ---- writes whose answer is lost (a 412 on a real version conflict is in commands.sh) ----
slots=$(ez --format json slots --from +2d --to +9d)
pat=$(ez --format json patients --limit 5 | sed -n 3p | jq -r .id)
s1=$(printf '%s\n' "$slots" | sed -n 1p | jq -r .id)
s2=$(printf '%s\n' "$slots" | sed -n 2p | jq -r .id)
fault '{"drop_after_commit_next":1}'
expect "booking whose answer was lost" 0 "\"status\":\"booked\"" ez --format json book --slot "$s1" --patient "$pat"
n=$(api "Appointment?slot=Slot/$s1" | jq '[.entry[]?.resource | select(.status == "booked")] | length')
[ "$n" = 1 ] && ok "booked exactly once" || fail "booked exactly once" "$n appointments"
appt=$(api "Appointment?slot=Slot/$s1" | jq -r '.entry[0].resource.id')
fault '{"drop_after_commit_next":1}'
expect "reschedule whose answer was lost" 0 "\"slot_id\":\"$s2\"" ez --format json reschedule "$appt" --slot "$s2"
fault '{"drop_after_commit_next":1}'
expect "cancel whose answer was lost" 0 "cancelled" ez --format json cancel "$appt"
before=$(api "DocumentReference?subject=Patient/$pat&_summary=count" | jq .total)
fault '{"drop_after_commit_next":1}'
expect "note whose answer was lost" 0 "Note saved" sh -c "printf 'Lost answer, one note.\n' | '$EZRIZI' note add '$pat'"
after=$(api "DocumentReference?subject=Patient/$pat&_summary=count" | jq .total)
[ "$after" = "$((before + 1))" ] && ok "note saved exactly once" || fail "note saved exactly once" "$before -> $after"
before=$(api "Communication?subject=Patient/$pat&_summary=count" | jq .total)
fault '{"drop_after_commit_next":1}'
expect "message whose answer was lost" 0 "Sent" ez send "$pat" "one message only"
after=$(api "Communication?subject=Patient/$pat&_summary=count" | jq .total)
[ "$after" = "$((before + 2))" ] || [ "$after" = "$((before + 1))" ] && ok "message sent exactly once ($before -> $after)" ||
	fail "message sent exactly once" "$before -> $after"
n=$(ez --format json chat "$pat" | grep -c 'one message only')
[ "$n" = 1 ] && ok "the message shows once" || fail "the message shows once" "$n"

finish
