#!/usr/bin/env bash
# A damaged local cache from the command line: a records file cut to nothing
# is damage, never an empty store; a damaged page is salvaged by cache verify
# with the writes waiting for the server, which then go out exactly once; and
# cache wipe never loses an unsent write without being told to.
# Usage: tests/store/damage.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=Asia/Karachi
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
cfg=$XDG_CONFIG_HOME/ezrizi/config
store=$XDG_DATA_HOME/ezrizi/store-default
# The byte at an offset of the records file, in hex.
byte_at() { od -An -tx1 -j "$1" -N1 "$store/records" | tr -d ' \n'; }
# expect_not NAME PATTERN -- command...: it ran (any exit) and did not say PATTERN.
lacks() {
	local name=$1 pat=$2 out
	shift 2
	out=$("$@" 2>&1)
	if [ -z "$out" ]; then fail "$name" "no output at all"
	elif printf '%s' "$out" | grep -qE -- "$pat"; then fail "$name" "said /$pat/: $(printf '%s' "$out" | head -c 400)"
	else ok "$name"; fi
}
on_server() { api "Communication?subject=Patient/$1&_count=1000" | jq -r '[.entry[]?.resource.payload[0].contentString // empty] | .[]'; }

expect "login makes the cache" 0 "Logged in" ez login
pid=$(ez --format json appointments | head -n1 | jq -r .patient_id)
[ -n "$pid" ] && [ "$pid" != null ] || { fail "a client today" "none"; finish; exit; }

# ======== records_truncated_is_damage ========
expect "records_truncated_is_damage: a write is queued" 0 "Queued" ez --offline send "$pid" "queued before the damage $$"
expect "records_truncated_is_damage: it waits" 0 "waiting.*send" ez outbox
truncate -s 0 "$store/records"
[ -e "$store/records-wal" ] && fail "records_truncated_is_damage: no WAL beside it" "$(ls -la "$store")"
expect "records_truncated_is_damage: outbox says the records are damaged" 1 "records in .* are damaged.*empty or missing" ez outbox
lacks "records_truncated_is_damage: outbox never says nothing waits" "Nothing waits" ez outbox
expect "records_truncated_is_damage: a read says so" 1 "are damaged.*ezrizi cache verify" ez appointments
expect "records_truncated_is_damage: an offline read says so" 1 "are damaged" ez --offline appointments
expect "records_truncated_is_damage: a write says so, and is not taken for queued" 1 "are damaged" ez --offline send "$pid" "after the damage"
expect "records_truncated_is_damage: login says so" 1 "are damaged" ez login
[ "$(stat -c %s "$store/records")" = 0 ] && ok "records_truncated_is_damage: nothing was made of the file" ||
	fail "records_truncated_is_damage: nothing was made of the file" "$(stat -c %s "$store/records") bytes"
out=$(ez cache verify 2>&1); rc=$?
[ "$rc" = 1 ] && printf '%s' "$out" | grep -q "How many were lost cannot be known" &&
	printf '%s' "$out" | grep -q "Writes that were waiting for the server may have been lost" &&
	ok "records_truncated_is_damage: cache verify reports it, failing" ||
	fail "records_truncated_is_damage: cache verify reports it, failing" "exit $rc: $out"
printf '%s' "$out" | grep -qE "0 (was|were) damaged|No write was waiting" &&
	fail "records_truncated_is_damage: cache verify never says 0 damaged" "$out" ||
	ok "records_truncated_is_damage: cache verify never says 0 damaged"
# Verify made the records afresh: the login is gone, and the commands say what to do.
expect "records_truncated_is_damage: afterwards, a read asks for a login" 2 "ezrizi login" ez appointments
expect "records_truncated_is_damage: log in again" 0 "Logged in" ez login
expect "records_truncated_is_damage: cache verify is clean again" 0 "0 were damaged" ez cache verify

# ======== verify_salvages_outbox_after_page_damage ========
first=$(ez sync | sed -n 's/^\([0-9]*\) records\? brought.*/\1/p')
[ -n "$first" ] && [ "$first" -gt 50 ] && ok "verify_salvages_outbox_after_page_damage: the cache holds $first records" ||
	fail "verify_salvages_outbox_after_page_damage: the cache holds records" "$first"
expect "verify_salvages_outbox_after_page_damage: a message is queued" 0 "Queued" ez --offline send "$pid" "salvage one $$"
printf 'Salvaged note %s\n' "$$" >"$WORK/note.txt"
expect "verify_salvages_outbox_after_page_damage: a note is queued" 0 "Queued" ez --offline note add "$pid" --file "$WORK/note.txt"
expect "verify_salvages_outbox_after_page_damage: another message" 0 "Queued" ez --offline send "$pid" "salvage two $$"
waiting=$(ez --format tsv outbox | tail -n +2 | cut -f1 | tr '\n' ' ')
[ "$(printf '%s' "$waiting" | wc -w)" = 3 ] || fail "verify_salvages_outbox_after_page_damage: three wait" "$waiting"
# Every command closes the store, which writes the WAL back: the file is all.
[ ! -s "$store/records-wal" ] || fail "verify_salvages_outbox_after_page_damage: checkpointed" "$(ls -la "$store")"
# Page 2 is the root of the records' table (an interior page with this many):
# damaged, SQLite reaches no record at all.
[ "$(byte_at 4096)" = 05 ] && ok "verify_salvages_outbox_after_page_damage: page 2 is the table's root" ||
	fail "verify_salvages_outbox_after_page_damage: page 2 is the table's root" "type $(byte_at 4096)"
dd if=/dev/urandom of="$store/records" bs=1 seek=$((4096 + 8)) count=4000 conv=notrunc 2>/dev/null
before=$(sha256sum <"$store/records")
expect "verify_salvages_outbox_after_page_damage: a read says to run cache verify" 1 "damaged.*ezrizi cache verify" ez --offline appointments
out=$(ez cache verify 2>&1); rc=$?
[ "$rc" = 1 ] && ok "verify_salvages_outbox_after_page_damage: verify fails (damage was found)" ||
	fail "verify_salvages_outbox_after_page_damage: verify fails" "exit $rc: $out"
printf '%s' "$out" | grep -qE "records were kept\. None was lost\." && ok "verify_salvages_outbox_after_page_damage: every record was kept" ||
	fail "verify_salvages_outbox_after_page_damage: every record was kept" "$out"
printf '%s' "$out" | grep -qE "3 writes waiting for the server are whole: [0-9]+ \(send\), [0-9]+ \(note add\), [0-9]+ \(send\)\." &&
	ok "verify_salvages_outbox_after_page_damage: verify names the writes, all whole" ||
	fail "verify_salvages_outbox_after_page_damage: verify names the writes, all whole" "$out"
printf '%s' "$out" | grep -qF "salvage one" && fail "verify_salvages_outbox_after_page_damage: never their text" "$out" ||
	ok "verify_salvages_outbox_after_page_damage: never their text"
aside=$(printf '%s' "$out" | sed -n 's/^The damaged files are kept in \(.*\): remove them.*/\1/p')
if [ -n "$aside" ] && [ -f "$aside/records" ]; then
	[ "$(sha256sum <"$aside/records")" = "$before" ] && ok "verify_salvages_outbox_after_page_damage: the damaged file is kept as it was" ||
		fail "verify_salvages_outbox_after_page_damage: the damaged file is kept as it was" "it differs"
	[ "$(stat -c %a "$aside")/$(stat -c %a "$aside/records")" = 700/600 ] && ok "verify_salvages_outbox_after_page_damage: kept private" ||
		fail "verify_salvages_outbox_after_page_damage: kept private" "$(stat -c %a "$aside") $(stat -c %a "$aside/records")"
else
	fail "verify_salvages_outbox_after_page_damage: the damaged file is kept" "'$aside': $out"
fi
[ "$(ez --format tsv outbox | tail -n +2 | cut -f1 | tr '\n' ' ')" = "$waiting" ] &&
	ok "verify_salvages_outbox_after_page_damage: the queued writes are still listed" ||
	fail "verify_salvages_outbox_after_page_damage: the queued writes are still listed" "$(ez outbox 2>&1)"
expect "verify_salvages_outbox_after_page_damage: the cache reads again" 0 "^\{" ez --offline --format json appointments
expect "verify_salvages_outbox_after_page_damage: the login survived" 0 "amina" ez whoami
expect "verify_salvages_outbox_after_page_damage: sync sends them" 0 "3 writes sent; 0 refused" ez sync
sent=$(on_server "$pid")
[ "$(printf '%s\n' "$sent" | grep -c "^salvage one $$\$")" = 1 ] && [ "$(printf '%s\n' "$sent" | grep -c "^salvage two $$\$")" = 1 ] &&
	ok "verify_salvages_outbox_after_page_damage: each message reached the server exactly once" ||
	fail "verify_salvages_outbox_after_page_damage: each message reached the server exactly once" "$(printf '%s\n' "$sent" | grep salvage)"
expect "verify_salvages_outbox_after_page_damage: the note reached the server" 0 "Salvaged note $$" ez --format json notes "$pid"
expect "verify_salvages_outbox_after_page_damage: nothing waits" 0 "Nothing waits" ez outbox
expect "verify_salvages_outbox_after_page_damage: a second sync sends nothing" 0 "0 writes sent" ez sync
[ "$(on_server "$pid" | grep -c "^salvage one $$\$")" = 1 ] && ok "verify_salvages_outbox_after_page_damage: still once" ||
	fail "verify_salvages_outbox_after_page_damage: still once" "$(on_server "$pid" | grep salvage)"
expect "verify_salvages_outbox_after_page_damage: cache verify is clean again" 0 "0 were damaged" ez cache verify

# ======== cache wipe and unsent writes ========
expect "wipe_refuses_unsent: a write waits" 0 "Queued" ez --offline send "$pid" "unsent $$"
seq=$(ez --format tsv outbox | sed -n 2p | cut -f1)
expect "wipe_refuses_unsent: 'cache wipe' alone asks for yes" 2 "cache wipe yes" ez cache wipe
expect "wipe_refuses_unsent: 'cache wipe yes' refuses, naming the write" 2 "1 write waiting for the server would be lost: $seq \(send\).*--discard-unsent" ez cache wipe yes
[ -e "$store/header" ] && ok "wipe_refuses_unsent: the cache is still there" || fail "wipe_refuses_unsent: the cache is still there" "gone"
expect "wipe_refuses_unsent: the write still waits" 0 "waiting.*send" ez outbox
sed -i '/^passphrase_command/d' "$cfg"
expect "wipe_refuses_unsent: a locked outbox cannot be read: refused" 2 "cannot be read.*may lose writes not yet sent" ez cache wipe yes </dev/null
echo "passphrase_command = echo test-cache-passphrase" >>"$cfg"
expect "wipe_refuses_unsent: --discard-unsent wipes, saying what was discarded" 0 "discarded: $seq \(send\)" ez cache wipe yes --discard-unsent
[ ! -e "$store" ] && ok "wipe_refuses_unsent: the cache is gone, damaged copies too" || fail "wipe_refuses_unsent: the cache is gone" "$(ls -laR "$store")"
expect "wipe_refuses_unsent: with nothing waiting, 'cache wipe yes' is enough" 0 "removed" ez cache wipe yes

finish
