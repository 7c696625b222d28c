#!/usr/bin/env bash
# Batch mode against the demo platform: every command, and bad input.
# Usage: tests/batch/commands.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=Asia/Kuala_Lumpur
platform_start
config_user amina
cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
[profile down]
server = http://127.0.0.1:9/fhir/R4
retries = 0
connect_timeout = 2
CFG
ez() { "$EZRIZI" "$@"; }
today=$(date +%F)

# ---- logging in ----
expect "whoami before login says how to log in" 5 "ezrizi login" ez whoami
expect "login" 0 "Logged in" ez login
perm=$(stat -c %a "$XDG_DATA_HOME/ezrizi/store-default")
[ "$perm" = 700 ] && ok "the local cache's folder is 0700" || fail "the local cache's folder is 0700" "mode $perm"
# The positive control: the store holds the login (a records file with data in it).
[ -s "$XDG_DATA_HOME/ezrizi/store-default/records" ] || [ -s "$XDG_DATA_HOME/ezrizi/store-default/records-wal" ] ||
	fail "the cache holds the login" "$(ls -la "$XDG_DATA_HOME/ezrizi/store-default")"
grep -rqa "access_token\|amina" "$XDG_DATA_HOME/ezrizi" && fail "nothing readable in the cache" "found" ||
	ok "nothing readable in the cache"
expect "unlock for scripts" 0 "stays open" ez unlock --for 10m
expect "whoami names the counsellor" 0 "prac-amina" ez whoami
me=$(ez --format json whoami | jq -r .practitioner_id)

# ---- appointments ----
json=$(ez --format json appointments)
n=$(printf '%s\n' "$json" | grep -c '^{')
[ "$n" -ge 3 ] && ok "today's appointments ($n)" || fail "today's appointments" "$n rows: $json"
bad=$(printf '%s\n' "$json" | jq -r "select(.practitioner_id != \"$me\" or (.start | startswith(\"$today\") | not)) | .id")
[ -z "$bad" ] && ok "all mine and today" || fail "all mine and today" "$bad"
fields=$(printf '%s\n' "$json" | head -n1 | jq -r 'keys_unsorted | join(",")')
[ "$fields" = "id,start,end,status,patient_id,patient_name,practitioner_id,practitioner_name,slot_id,service,comment,cancel_reason" ] &&
	ok "appointment json fields" || fail "appointment json fields" "$fields"
missing=$(printf '%s\n' "$json" | jq -r 'select(.patient_name == null or .practitioner_name == null) | .id')
[ -z "$missing" ] && ok "names filled in" || fail "names filled in" "$missing"
expect "tsv header" 0 "^id	start	end	status" ez --format tsv appointments
expect "table" 0 "Client" ez appointments
expect "everyone's week" 0 "^\{" ez --format json appointments --from today --to +6d --practitioner all
expect "malformed date" 2 "2026-02-30" ez appointments --date 2026-02-30
expect "misspelt day" 2 "tomorow" ez appointments --date tomorow
expect "date and from together" 2 "not both" ez appointments --date today --from today
expect "range backwards" 2 "ends before" ez appointments --from +3d --to today
appt=$(printf '%s\n' "$json" | head -n1 | jq -r .id)
expect "one appointment" 0 "Counsellor" ez appointment "$appt"
expect "unknown appointment" 3 "no Appointment" ez appointment no-such-appt
expect "invalid id" 2 "not a valid" ez appointment 'a/b'

# ---- commands and options ----
expect "help lists commands" 0 "reschedule" ez help
expect "help for one" 0 "--slot ID" ez help book
expect "help unknown" 2 "not an ezrizi command" ez help nosuch
expect "unknown command" 2 "not an ezrizi command" ez frobnicate
expect "unknown option" 2 "Unknown option --nope" ez appointments --nope
expect "missing required option" 2 "--patient is required" ez book --slot x
expect "too many arguments" 2 "Too many" ez appointment a b
expect "bad format" 2 "table tsv json" ez --format xml appointments
expect "version" 0 "^ezrizi [0-9]" ez --version

# ---- patients ----
pjson=$(ez --format json patients --limit 300)
pn=$(printf '%s\n' "$pjson" | grep -c '^{')
[ "$pn" -ge 200 ] && ok "200+ patients ($pn)" || fail "200+ patients" "$pn"
pid=$(printf '%s\n' "$pjson" | jq -r 'select(.language == "tr") | .id' | head -n1)
pname=$(ez --format json patient "$pid" | jq -r .name)
part=$(printf '%s' "$pname" | cut -d' ' -f1)
expect "search by name" 0 "$pid" ez --format tsv patients --search "$part"
notr=$(ez --format json patients --language tr | jq -r 'select(.language != "tr") | .id')
[ -z "$notr" ] && ok "patients by language" || fail "patients by language" "$notr"
expect "unknown patient" 3 "no Patient" ez patient pat-nope
expect "bad limit" 2 "--limit" ez patients --limit 0
# global_options_after_command: ezrizi's own options after any command, as
# before it ('patient ID --format json' was refused; 'patients ... --format' too).
expect "global_options_after_command: patient ID --format json" 0 "^\\{\"id\":\"$pid\"" ez patient "$pid" --format json
expect "global_options_after_command: as --format json before it" 0 "^\\{\"id\":\"$pid\"" ez --format json patient "$pid"
expect "global_options_after_command: patients --limit 2 --format=tsv" 0 "^id	name	" ez patients --limit 2 --format=tsv
expect "global_options_after_command: --help after a command explains it" 0 "^Usage: ezrizi book --slot ID" ez book --help
expect "global_options_after_command: twice is refused" 2 "--format is given twice" ez --format json patient "$pid" --format tsv
expect "global_options_after_command: in a batch line, it says where it goes" 2 "option of ezrizi itself" \
	sh -c "echo 'patient $pid --format json' | '$EZRIZI' batch"

# ---- slots ----
sjson=$(ez --format json slots --from +1d --to +7d)
sn=$(printf '%s\n' "$sjson" | grep -c '^{')
[ "$sn" -ge 20 ] && ok "free slots ($sn)" || fail "free slots" "$sn"
nameless=$(printf '%s\n' "$sjson" | jq -r 'select(.practitioner_name == null) | .id' | head -n 3)
[ -z "$nameless" ] && ok "slots name the counsellor" || fail "slots name the counsellor" "$nameless"
other=$(ez --format json slots --practitioner "$me" --from +1d --to +7d | jq -r "select(.practitioner_id != \"$me\") | .id")
[ -z "$other" ] && ok "slots of one counsellor" || fail "slots of one counsellor" "$other"
urdu=$(ez --format json slots --language ur --from +1d --to +7d | jq -r .practitioner_id | sort -u)
[ -n "$urdu" ] && ok "slots by language" || fail "slots by language" "none"
tok=$(token)
for p in $urdu; do
	curl -sf -H "Authorization: Bearer $tok" \
		"$BASE/Practitioner/$p" | jq -e '[.communication[].coding[].code] | index("ur")' >/dev/null ||
		fail "slot counsellor speaks ur" "$p"
done

# past_slots_never_offered: what is over is neither listed nor booked.
# A free slot of amina's that ended an hour ago (the seed's past slots depend on the hour).
past=$(curl -sf -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/fhir+json' \
	-d "{\"resourceType\":\"Slot\",\"schedule\":{\"reference\":\"Schedule/sched-amina\"},\"status\":\"free\",\"start\":\"$(date -u -d '-2 hour' +%Y-%m-%dT%H:%M:%SZ)\",\"end\":\"$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)\"}" \
	"$BASE/Slot" | jq -r .id)
if [ -n "$past" ] && [ "$past" != null ]; then
	listed=$(ez --format json slots --from -1d --to +7d | jq -r "select(.id == \"$past\") | .id")
	all=$(ez --format json slots --from -1d --to +7d | grep -c '^{')
	[ -z "$listed" ] && [ "$all" -ge 1 ] && ok "past_slots_never_offered ($all offered, $past not)" ||
		fail "past_slots_never_offered" "$past listed, or nothing at all ($all)"
	expect "past_slot_not_booked" 2 "is over; choose another" ez book --slot "$past" --patient "$pid"
	[ "$(curl -sf -H "Authorization: Bearer $tok" "$BASE/Slot/$past" | jq -r .status)" = free ] &&
		ok "the past slot is left as it was" || fail "the past slot is left as it was" "$past"
else
	fail "past_slots_never_offered" "could not make a slot that is over"
fi
expect "days that are over offer nothing" 0 "No free slots" ez slots --from -6d --to -1d

# ---- booking ----
slot=$(printf '%s\n' "$sjson" | sed -n 3p | jq -r .id)
slot2=$(printf '%s\n' "$sjson" | sed -n 4p | jq -r .id)
slot3=$(printf '%s\n' "$sjson" | sed -n 5p | jq -r .id)
mark=$(wc -l <"$WORK/platform.log")
b=$(ez --format json book --slot "$slot" --patient "$pid" --type followup --comment "first visit")
[ "$(printf '%s' "$b" | jq -r .status)/$(printf '%s' "$b" | jq -r .slot_id)/$(printf '%s' "$b" | jq -r .patient_id)" = "booked/$slot/$pid" ] &&
	[ "$(printf '%s' "$b" | jq -r '.patient_name | length > 0')/$(printf '%s' "$b" | jq -r '.practitioner_name | length > 0')" = true/true ] &&
	ok "book" || fail "book" "$b"
# book_in_two_requests: one batch of three searches (the client; the slot
# with its schedule and counsellor; the client's day, which the cache knows
# from 'slots' above), then the transaction; no read back.
asked=$(tail -n +"$((mark + 1))" "$WORK/platform.log" | grep -E '^(GET|POST|PUT) ' | awk '{ print $1, $2 }' | sed 's/?.*//')
inb=$(tail -n +"$((mark + 1))" "$WORK/platform.log" | grep -cE '^  in batch: GET /fhir/R4/(Patient\?_id=|Slot\?_id=|Appointment\?.*patient=)')
[ "$(printf '%s\n' "$asked" | wc -l)" = 2 ] && [ "$(printf '%s\n' "$asked" | grep -c '^POST /fhir/R4$')" = 2 ] &&
	[ "$inb" = 3 ] && ok "book_in_two_requests" || fail "book_in_two_requests" "$asked ($inb in the batch)"
new=$(printf '%s' "$b" | jq -r .id)
free_now=$(ez --format json slots --from +1d --to +7d)
[ "$(printf '%s\n' "$free_now" | grep -c '^{')" -ge 10 ] || fail "the slots are listed after booking" "$free_now"
printf '%s' "$free_now" | grep -q "\"$slot\"" && fail "booked slot is no longer free" "$slot" || ok "booked slot is no longer free"
expect "booking a taken slot" 4 "just taken" ez book --slot "$slot" --patient "$pid"
expect "a taken slot names free ones nearby" 4 "Free nearby: slot-[^ ]+ \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\)" ez book --slot "$slot" --patient "$pid"
expect "booking for an unknown client" 3 "no Patient" ez book --slot "$slot2" --patient pat-nope
expect "booking an unknown slot" 3 "no Slot" ez book --slot slot-nope --patient "$pid"
expect "bad type" 2 "not a value of --type" ez book --slot "$slot2" --patient "$pid" --type sometime
r=$(ez --format json reschedule "$new" --slot "$slot2" | jq -r .slot_id)
[ "$r" = "$slot2" ] && ok "reschedule" || fail "reschedule" "$r"
ez --format json slots --from +1d --to +7d | grep -q "\"$slot\"" && ok "old slot freed" || fail "old slot freed" "$slot"
# checkin_other_day_needs_any_day: the appointment is on another day.
expect "checkin_other_day_needs_any_day" 2 "not today; nothing was changed. Add --any-day" ez checkin "$new"
[ "$(ez --format json appointment "$new" | jq -r .status)" = booked ] && ok "the refused check-in changed nothing" ||
	fail "the refused check-in changed nothing" "$(ez --format json appointment "$new" | jq -r .status)"
expect "noshow_before_start_refused" 4 "has not begun yet" ez noshow "$new" --any-day
# checkin_writes_arrived: one meaning per status, as the platform's own data has it.
expect "checkin_writes_arrived" 0 '"status":"arrived"' ez --format json checkin "$new" --any-day
expect "check in twice is fine" 0 '"status":"arrived"' ez --format json checkin "$new" --any-day
expect "arrived reads as checked in" 0 "Status: +checked in" ez appointment "$new"
expect "--status checked-in finds the arrived ones too" 0 "$new" ez --format tsv appointments --status checked-in --from +1d --to +14d --practitioner all
expect "status_value_not_in_set_is_usage" 2 "'waiting' is not a value of --status; use proposed, pending, booked" ez appointments --status waiting
expect "missing_subcommand_says_so" 2 "There is no 'patient add' command" ez patient add --name X
expect "a bad --type is a usage error" 2 "'later' is not a value of --type; use routine" ez book --slot x --patient y --type later
c=$(ez --format json cancel "$new" --reason "client unwell")
[ "$(printf '%s' "$c" | jq -r .status)/$(printf '%s' "$c" | jq -r .cancel_reason)" = "cancelled/client unwell" ] &&
	ok "cancel with reason" || fail "cancel with reason" "$c"
ez --format json slots --from +1d --to +7d | grep -q "\"$slot2\"" && ok "cancel frees the slot" || fail "cancel frees the slot" "$slot2"
expect "cancel twice" 4 "cancelled; nothing was changed" ez cancel "$new"
expect "no-show of a cancelled one" 4 "nothing was changed" ez noshow "$new"
expect "reschedule a cancelled one" 4 "nothing was changed" ez reschedule "$new" --slot "$slot3"

# overlap_same_client_two_counsellors: one client, one time, two counsellors.
ojson=$(ez --format json slots --from +8d --to +14d)
ostart=$(printf '%s\n' "$ojson" | jq -r .start | sort | uniq -d | head -n1)
os1=$(printf '%s\n' "$ojson" | jq -r "select(.start == \"$ostart\") | .id" | sed -n 1p)
os2=$(printf '%s\n' "$ojson" | jq -r "select(.start == \"$ostart\") | .id" | sed -n 2p)
opid=$(printf '%s\n' "$pjson" | jq -r .id | sed -n 20p)
oa=$(ez --format json book --slot "$os1" --patient "$opid" | jq -r .id)
expect "overlap_same_client_two_counsellors" 4 "already has a session then: $oa.*add --allow-overlap" \
	ez book --slot "$os2" --patient "$opid"
[ "$(curl -sf -H "Authorization: Bearer $tok" "$BASE/Slot/$os2" | jq -r .status)" = free ] &&
	ok "the refused overlap booked nothing" || fail "the refused overlap booked nothing" "$os2"
expect "--allow-overlap books it all the same" 0 "Booked" ez book --slot "$os2" --patient "$opid" --allow-overlap
os3=$(printf '%s\n' "$ojson" | jq -r "select(.start == \"$ostart\") | .id" | sed -n 3p)
ob=$(ez --format json book --slot "$(printf '%s\n' "$ojson" | jq -r "select(.start != \"$ostart\") | .id" | tail -n1)" --patient "$opid" | jq -r .id)
[ -n "$os3" ] && expect "overlap_on_reschedule" 4 "already has a session then.*Nothing was moved" ez reschedule "$ob" --slot "$os3"

# Two receptionists, one slot, the same moment: exactly one wins, every time.
races=0
for i in 1 2 3 4 5; do
	# Two other clients each round: one client is never in two sessions at once.
	p1=$(printf '%s\n' "$pjson" | jq -r .id | sed -n "$((30 + 2 * i))p")
	p2=$(printf '%s\n' "$pjson" | jq -r .id | sed -n "$((31 + 2 * i))p")
	s=$(printf '%s\n' "$sjson" | sed -n "$((10 + i))p" | jq -r .id)
	ez book --slot "$s" --patient "$p1" >"$WORK/r1" 2>&1 & a1=$!
	ez book --slot "$s" --patient "$p2" >"$WORK/r2" 2>&1 & a2=$!
	wait $a1; e1=$?
	wait $a2; e2=$?
	codes=$(printf '%s\n' "$e1" "$e2" | sort | tr '\n' ' ')
	if [ "$codes" = "0 4 " ]; then
		races=$((races + 1))
	else
		fail "race $i" "exit codes $codes: $(cat "$WORK/r1" "$WORK/r2")"
	fi
	count=$(ez --format json appointments --from +1d --to +7d --practitioner all | jq -r "select(.slot_id == \"$s\" and .status == \"booked\") | .id" | wc -l)
	[ "$count" = 1 ] || fail "race $i leaves one booking" "$count"
done
[ "$races" = 5 ] && ok "concurrent bookings: one wins, one is told (5 rounds)"

# ---- notes ----
njson=$(ez --format json notes "$(ez --format json appointments | jq -r .patient_id | head -n1)")
nid=$(printf '%s\n' "$njson" | head -n1 | jq -r .id)
[ -n "$nid" ] && [ "$nid" != null ] && ok "notes" || fail "notes" "$njson"
dates=$(printf '%s\n' "$njson" | jq -r .date)
[ "$dates" = "$(printf '%s\n' "$dates" | sort -r)" ] && ok "notes newest first" || fail "notes newest first" "$dates"
expect "one note in full" 0 "\"text\":\"." ez --format json note "$nid"
expect "unknown note" 3 "no DocumentReference" ez note doc-nope
printf 'Session went well.\nClient practised breathing; review in two weeks.\n' >"$WORK/note.txt"
expect "note add from a file" 0 "Note saved" ez note add "$pid" --file "$WORK/note.txt"
first=$(ez --format json notes "$pid" | head -n1 | jq -r .first_line)
[ "$first" = "Session went well." ] && ok "new note comes first" || fail "new note comes first" "$first"
expect "note add from stdin, draft" 0 "\"status\":\"preliminary\"" sh -c "printf 'Draft: follow up\n' | '$EZRIZI' --format json note add '$pid' --type consult --draft"
draft=$(printf 'Draft one\n' | ez --format json note add "$pid" --draft | jq -r .id)
ed=$(printf 'Draft two\n' | ez --format json note edit "$draft")
[ "$(printf '%s' "$ed" | jq -r .id)/$(printf '%s' "$ed" | jq -r .text)" = "$draft/Draft two" ] && ok "a draft is edited in place" || fail "a draft is edited in place" "$ed"
signed=$(ez --format json notes "$pid" | jq -r 'select(.status == "final") | .id' | head -n1)
am=$(printf 'Corrected: review in three weeks.\n' | ez --format json note edit "$signed")
amid=$(printf '%s' "$am" | jq -r .id)
[ "$amid" != "$signed" ] && [ "$(printf '%s' "$am" | jq -r .status)" = amended ] &&
	ok "a signed note is amended by a new note" || fail "a signed note is amended by a new note" "$am"
notes_now=$(ez --format json notes "$pid")
printf '%s' "$notes_now" | grep -q "\"$amid\"" || fail "the amendment is listed" "$notes_now"
printf '%s' "$notes_now" | jq -r .id | grep -qx "$signed" && fail "the replaced note leaves the list" "$signed" ||
	ok "the replaced note leaves the list"
# The original is never changed (issue 12): the amendment's relatesTo says it is replaced.
expect "editing a superseded note" 4 "replaced by note $amid" sh -c "printf 'x\n' | '$EZRIZI' note edit '$signed'"
printf 'A\n' >"$WORK/ea"; printf 'B\n' >"$WORK/eb"
ez note edit "$draft" --file "$WORK/ea" >/dev/null 2>&1 & e1=$!
ez note edit "$draft" --file "$WORK/eb" >/dev/null 2>&1 & e2=$!
wait $e1; r1=$?; wait $e2; r2=$?
codes=$(printf '%s\n' "$r1" "$r2" | sort | tr '\n' ' ')
case $codes in "0 0 "|"0 4 ") ok "two edits at once: none lost silently ($codes)" ;; *) fail "two edits at once" "$codes" ;; esac
expect "empty note" 2 "empty" sh -c "printf '  \n' | '$EZRIZI' note add '$pid'"
expect "note type" 2 "not a value of --type" sh -c "printf 'x\n' | '$EZRIZI' note add '$pid' --type diary"
expect "note for nobody" 3 "no Patient" sh -c "printf 'x\n' | '$EZRIZI' note add pat-nope"
printf '\xff\xfe bad\n' >"$WORK/bad.txt"
expect "note not UTF-8" 2 "UTF-8" ez note add "$pid" --file "$WORK/bad.txt"

# ---- chat ----
cp=$(curl -sf -H "Authorization: Bearer $(token)" \
	"$BASE/Communication?_count=1&part-of:missing=false" | jq -r '.entry[0].resource.subject.reference' | sed 's|Patient/||')
cjson=$(ez --format json chat "$cp")
[ "$(printf '%s\n' "$cjson" | grep -c '^{')" -ge 2 ] && ok "chat history" || fail "chat history" "$cp: $cjson"
mark=$(wc -l <"$WORK/platform.log")
expect "send" 0 "Sent" ez send "$cp" "السلام عليكم — see you Thursday"
# send_in_two_requests: the client's thread headers with the client (one
# search), the transaction; not the client's read, nor the whole chat.
asked=$(tail -n +"$((mark + 1))" "$WORK/platform.log" | grep -E '^(GET|POST|PUT) ' | awk '{ print $1, $2 }')
[ "$(printf '%s\n' "$asked" | wc -l)" = 2 ] && printf '%s\n' "$asked" | grep -q 'part-of:missing=true' &&
	printf '%s\n' "$asked" | grep -q '^POST /fhir/R4$' &&
	ok "send_in_two_requests" || fail "send_in_two_requests" "$asked"
last=$(ez --format json chat "$cp" | tail -n1 | jq -r .text)
[ "$last" = "السلام عليكم — see you Thursday" ] && ok "sent message comes last" || fail "sent message comes last" "$last"
expect "send from stdin" 0 "Sent" sh -c "printf 'second line\n' | '$EZRIZI' send '$cp'"
# send_json_sender_name: the sender's name, never the reference in its place.
sj=$(ez --format json send "$cp" "third")
[ "$(printf '%s' "$sj" | jq -r .sender_ref)" = "Practitioner/$me" ] &&
	[ "$(printf '%s' "$sj" | jq -r .sender_name)" = "$(ez --format json whoami | jq -r .practitioner_name)" ] &&
	ok "send_json_sender_name" || fail "send_json_sender_name" "$sj"
expect "send to a client with no thread" 0 "Sent" ez send "$pid" "hello"
expect "send to no such client: exit 3" 3 "no Patient with the id pat-nope" ez send pat-nope "hello"
expect "chat with a new thread" 0 "hello" ez chat "$pid"
since=$(ez --format json chat "$cp" --since +1d)
[ -z "$since" ] && ok "chat since tomorrow is empty" || fail "chat since tomorrow is empty" "$since"
n1=$(ez --format json chat "$cp" --since today | grep -c '^{')
[ "$n1" -ge 2 ] && ok "chat since today has today's messages" || fail "chat since today" "$n1"
expect "empty message" 2 "empty" ez send "$cp" "   "
expect "bad since" 2 "not a time" ez chat "$cp" --since soon

# ---- batch ----
printf 'whoami\n# a comment\n\nappointment no-such\nhelp\n' >"$WORK/batch.txt"
expect "batch stops at the first error" 3 "batch.txt:4:" ez batch "$WORK/batch.txt"
out=$(ez batch --keep-going "$WORK/batch.txt" 2>/dev/null)
printf '%s' "$out" | grep -q "reschedule" && ok "batch --keep-going goes on" || fail "batch --keep-going goes on" "$out"
expect "batch from stdin" 0 "Counsellor" sh -c "printf 'appointment $appt\n' | '$EZRIZI' batch -"
expect "batch quoting" 2 "not closed" sh -c "printf 'patients --search \"abc\n' | '$EZRIZI' batch -"

finish
