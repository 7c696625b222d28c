#!/usr/bin/env bash
# Writes of several resources against a server that keeps a transaction whole
# (atomic) and one that runs it entry by entry with no rollback (batch, as
# Medplum does without the project feature transaction-bundles). The outcome a
# user sees must be the same: never a double booking, never half a change.
# Usage: tests/batch/transactions.sh atomic|batch [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
MODE=${1:?atomic or batch}
EZRIZI=${2:-$EZRIZI}
export TZ=Asia/Kuala_Lumpur
platform_start --transactions "$MODE"
config_user reception
ez() { "$EZRIZI" "$@"; }
expect "login ($MODE)" 0 "Logged in" ez login
expect "unlock ($MODE)" 0 "stays open" ez unlock --for 10m
# A second receptionist at another desk: her own token, no shared local store,
# so nothing on this machine orders the two.
TOK2=$(token reception)
ez2() { EZRIZI_TOKEN=$TOK2 "$EZRIZI" "$@"; }
tok=$(token reception)
fhir() { curl -sf -H "Authorization: Bearer $tok" "$BASE/$1"; }
put() { curl -sf -X PUT -H "Authorization: Bearer $tok" -H 'Content-Type: application/fhir+json' -d "$2" "$BASE/$1" >/dev/null; }
# Live appointments on a slot, and undone ones (entered in error).
on_slot() { fhir "Appointment?slot=Slot/$1&_count=50" | jq -r "[.entry[]?.resource | select(.status $2 \"entered-in-error\")] | length"; }

sjson=$(ez --format json slots --from +1d --to +7d)
slot_n() { printf '%s\n' "$sjson" | sed -n "${1}p" | jq -r .id; }
pjson=$(ez --format json patients --limit 20)
p1=$(printf '%s\n' "$pjson" | sed -n 10p | jq -r .id)
p2=$(printf '%s\n' "$pjson" | sed -n 11p | jq -r .id)
[ -n "$p1" ] && [ -n "$p2" ] && [ "$(slot_n 20)" != null ] && ok "fixtures ($MODE)" || fail "fixtures ($MODE)" "$p1 $p2"

# Every transaction waits 300 ms before it runs, so both desks have read the
# slot as free before either books: the race is certain, not likely.
fault '{"tx_delay_ms": 300}'

# ---- two desks book one slot at the same moment ----
races=0 undone=0
for i in 1 2 3 4; do
	s=$(slot_n $((10 + i)))
	# Two other clients each round: one client is never in two sessions at once.
	q1=$(printf '%s\n' "$pjson" | sed -n "$((2 * i))p" | jq -r .id)
	q2=$(printf '%s\n' "$pjson" | sed -n "$((2 * i + 1))p" | jq -r .id)
	ez book --slot "$s" --patient "$q1" >"$WORK/r1" 2>&1 & a1=$!
	ez2 book --slot "$s" --patient "$q2" >"$WORK/r2" 2>&1 & a2=$!
	wait $a1; e1=$?
	wait $a2; e2=$?
	codes=$(printf '%s\n' "$e1" "$e2" | sort | tr '\n' ' ')
	live=$(on_slot "$s" '!=')
	void=$(on_slot "$s" '==')
	undone=$((undone + void))
	if [ "$codes" = "0 4 " ] && [ "$live" = 1 ] && grep -q "just taken" "$WORK/r1" "$WORK/r2"; then
		races=$((races + 1))
	else
		fail "double_booking_race $i ($MODE)" "exit codes $codes, $live live, $void undone: $(cat "$WORK/r1" "$WORK/r2")"
	fi
	[ "$(fhir "Slot/$s" | jq -r .status)" = busy ] || fail "race $i: the slot is busy ($MODE)" "$(fhir "Slot/$s" | jq -c .status)"
done
[ "$races" = 4 ] && ok "double_booking_race: one books, the other is told, one appointment ($MODE, 4 rounds)"
if [ "$MODE" = batch ]; then
	# The loser's half-made booking was made and then undone, every round.
	[ "$undone" = 4 ] && ok "half-made bookings undone, entered in error (4 of 4)" || fail "half-made bookings undone" "$undone of 4"
	expect "whoami says the server is not atomic" 0 "not atomic .*transaction-bundles" ez whoami
	expect "whoami json: not-atomic" 0 '"transactions":"not-atomic"' ez --format json whoami
else
	[ "$undone" = 0 ] && ok "an atomic server leaves nothing to undo" || fail "an atomic server leaves nothing to undo" "$undone"
	expect "whoami says the server is atomic" 0 "atomic \(seen" ez whoami
fi
expect "the lost race names free slots nearby ($MODE)" 4 "Free nearby" \
	ez book --slot "$(slot_n 11)" --patient "$p2"

# ---- two desks move two appointments to one slot ----
a1=$(ez --format json book --slot "$(slot_n 1)" --patient "$p1" | jq -r .id)
a2=$(ez --format json book --slot "$(slot_n 2)" --patient "$p2" | jq -r .id)
target=$(slot_n 3)
ez reschedule "$a1" --slot "$target" >"$WORK/m1" 2>&1 & m1=$!
ez2 reschedule "$a2" --slot "$target" >"$WORK/m2" 2>&1 & m2=$!
wait $m1; e1=$?
wait $m2; e2=$?
codes=$(printf '%s\n' "$e1" "$e2" | sort | tr '\n' ' ')
[ "$codes" = "0 4 " ] && ok "reschedule_race: one moves, the other is told ($MODE)" ||
	fail "reschedule_race ($MODE)" "exit codes $codes: $(cat "$WORK/m1" "$WORK/m2")"
if [ "$e1" = 0 ]; then loser=$a2 old=$(slot_n 2); else loser=$a1 old=$(slot_n 1); fi
lj=$(fhir "Appointment/$loser")
[ "$(printf '%s' "$lj" | jq -r '.slot[0].reference')/$(printf '%s' "$lj" | jq -r .status)" = "Slot/$old/booked" ] &&
	[ "$(fhir "Slot/$old" | jq -r .status)" = busy ] &&
	ok "reschedule_race: the loser keeps its time and its slot ($MODE)" ||
	fail "reschedule_race: the loser keeps its time and its slot ($MODE)" "$(printf '%s' "$lj" | jq -c '[.slot, .status]') slot $(fhir "Slot/$old" | jq -r .status)"
[ "$(on_slot "$target" '!=')" = 1 ] && ok "reschedule_race: one appointment on the slot ($MODE)" ||
	fail "reschedule_race: one appointment on the slot ($MODE)" "$(on_slot "$target" '!=')"

# ---- a cancel whose slot someone changed meanwhile ----
x=$(ez --format json book --slot "$(slot_n 4)" --patient "$(printf '%s\n' "$pjson" | sed -n 16p | jq -r .id)" | jq -r .id)
xs=$(slot_n 4)
fault '{"tx_delay_ms": 1500}'
ez cancel "$x" --reason "client unwell" >"$WORK/c" 2>&1 & c=$!
sleep 0.7
put "Slot/$xs" "$(fhir "Slot/$xs" | jq -c '. + {comment: "room changed"} | del(.meta)')"
wait $c; ec=$?
[ "$ec" = 4 ] && grep -q "changed by someone else meanwhile" "$WORK/c" &&
	[ "$(fhir "Appointment/$x" | jq -r .status)" = booked ] &&
	ok "cancel_half_made_is_undone: still booked, told to look again ($MODE)" ||
	fail "cancel_half_made_is_undone ($MODE)" "exit $ec, status $(fhir "Appointment/$x" | jq -r .status): $(cat "$WORK/c")"
expect "the cancel goes through once looked at again ($MODE)" 0 "Cancelled" ez cancel "$x" --reason "client unwell"
fault '{"tx_delay_ms": 300}'

# ---- chat: every send reuses the client's thread ----
cp=$(printf '%s\n' "$pjson" | sed -n 15p | jq -r .id)
for n in 1 2 3; do ez send "$cp" "message $n" >/dev/null 2>&1 || fail "send $n ($MODE)" "$(ez send "$cp" "message $n" 2>&1)"; done
threads=$(fhir "Communication?subject=Patient/$cp&_count=200" | jq -r '[.entry[]?.resource | select(.payload == null and .partOf == null)] | length')
msgs=$(fhir "Communication?subject=Patient/$cp&_count=200" | jq -r '[.entry[]?.resource | select(.payload != null)] | length')
[ "$threads" = 1 ] && [ "$msgs" = 3 ] && ok "thread_reused_by_later_sends: 3 messages, 1 thread ($MODE)" ||
	fail "thread_reused_by_later_sends ($MODE)" "$threads threads, $msgs messages"

# ---- an undo the server refuses: the user is told what is left ----
if [ "$MODE" = batch ]; then
	s=$(slot_n 25)
	fault '{"tx_delay_ms": 1500}'
	ez book --slot "$s" --patient "$(printf '%s\n' "$pjson" | sed -n 17p | jq -r .id)" >"$WORK/u" 2>&1 & u=$!
	sleep 0.7
	# Someone takes the slot meanwhile, and the server then fails every
	# request for a while: the half-made booking cannot be undone.
	put "Slot/$s" "$(fhir "Slot/$s" | jq -c '. + {status: "busy"} | del(.meta)')"
	# (retries = 3: the undo's four tries all fail; nothing else is asked.)
	fault '{"fail_next": 4, "fail_status": 503}'
	wait $u; eu=$?
	fault '{"tx_delay_ms": 0}'
	[ "$eu" = 1 ] && grep -q "could not undo all of it: Appointment/[^ ]* is left as the server made it" "$WORK/u" &&
		ok "undo_refused_names_what_is_left" || fail "undo_refused_names_what_is_left" "exit $eu: $(cat "$WORK/u")"
	[ "$(on_slot "$s" '!=')" = 1 ] && ok "undo_refused: the appointment it names is there to put right" ||
		fail "undo_refused: the appointment it names is there" "$(on_slot "$s" '!=')"
fi
fault '{}'
finish
