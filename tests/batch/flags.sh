#!/usr/bin/env bash
# Risk flags in batch mode against the demo platform: raised by an assessment
# or a counsellor's judgement, listed (all the clients' or one's), acknowledged
# and closed with who and when recorded on the server itself; a front desk
# sees that a flag exists, not what it says, and cannot acknowledge one; the
# words typed reach the server byte for byte and come back inert; offline,
# each write is queued and made exactly once.
# Usage: tests/batch/flags.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
active() { api "Flag?patient=Patient/$pat&_count=100" | jq '[.entry[]?.resource | select(.status == "active")] | length'; }

expect "no flags yet" 0 "No active flags for this client" ez flags "$pat"
out=$(ez --format json assess "$pat" phq9 --answers 0,0,0,0,0,0,0,0,1)
fa=$(printf '%s' "$out" | jq -r .flag_id)
[ -n "$fa" ] && [ "$fa" != null ] && ok "an assessment raised a flag" || fail "an assessment raised a flag" "$out"

# The counsellor's own words, byte for byte: quotes, '#', ';', a backslash, Arabic.
words='Said "goodbye" to her sister #2; plans\ly — قالت وداعاً'
out=$(ez --format json flag add "$pat" --text "$words")
rc=$?
fb=$(printf '%s' "$out" | jq -r .id)
[ $rc = 0 ] && [ "$(api "Flag/$fb" | jq -r .code.text)" = "$words" ] &&
	ok "flag_add_keeps_the_words: on the server byte for byte" ||
	fail "flag_add_keeps_the_words: on the server byte for byte" "rc=$rc $out"
f=$(api "Flag/$fb")
[ "$(printf '%s' "$f" | jq -r .status)" = active ] &&
	[ "$(printf '%s' "$f" | jq -r '.category[0].coding[0].code')" = safety ] &&
	[ "$(printf '%s' "$f" | jq -r .author.reference)" = Practitioner/prac-amina ] &&
	[ "$(printf '%s' "$f" | jq -r .period.start)" != null ] &&
	ok "the flag: active, safety, authored, dated" || fail "the flag: active, safety, authored, dated" "$f"
expect "an empty flag is refused" 2 "Say why the flag is raised" ez flag add "$pat" --text "  "
expect "a flag needs its words" 2 "text" ez flag add "$pat"

# Listed: every client's, and one's, with the fields scripts read.
json=$(ez --format json flags)
printf '%s\n' "$json" | grep -q "\"id\":\"$fa\"" && printf '%s\n' "$json" | grep -q "\"id\":\"$fb\"" &&
	ok "flags: every client's" || fail "flags: every client's" "$json"
fields=$(ez --format json flags "$pat" | head -n1 | jq -r 'keys_unsorted | join(",")')
[ "$fields" = "id,patient_id,patient_name,state,since,text,author_id,author_name,acknowledged_by,acknowledged_at,evidence,close_reason" ] &&
	ok "flags: the JSON fields" || fail "flags: the JSON fields" "$fields"
[ "$(ez --format json flags "$pat" | jq -r .state | sort -u)" = unacknowledged ] &&
	ok "both wait for a clinician" || fail "both wait for a clinician" "$(ez --format json flags "$pat")"
expect "the table says review now" 0 "review now" ez flags "$pat"

# A front desk: that there is one, not what it says; no acknowledging.
config_user reception
expect "login as reception" 0 "Logged in" ez login
desk=$(ez --format json flags "$pat")
[ "$(printf '%s\n' "$desk" | grep -c '^{')" = 2 ] && [ "$(printf '%s\n' "$desk" | jq -r .text | sort -u)" = null ] &&
	[ "$(printf '%s\n' "$desk" | jq -r .author_id | sort -u)" = null ] &&
	[ "$(printf '%s\n' "$desk" | jq -r .evidence | sort -u)" = null ] &&
	ok "front_desk_sees_no_detail: two flags, no words, no author, no evidence" ||
	fail "front_desk_sees_no_detail: two flags, no words, no author, no evidence" "$desk"
expect "a front desk's table says a safety flag" 0 "safety flag" ez flags "$pat"
# Offline the cache holds the flags whole: the last answer on the roles hides them still.
desk=$(ez --offline --format json flags "$pat")
[ "$(printf '%s\n' "$desk" | grep -c '^{')" = 2 ] && [ "$(printf '%s\n' "$desk" | jq -r .text | sort -u)" = null ] &&
	ok "front_desk_offline_sees_no_detail" || fail "front_desk_offline_sees_no_detail" "$desk"
expect "a front desk cannot acknowledge" 7 "Only a clinician" ez flag ack "$fa"
expect "front_desk_sees_no_scores" 7 "scores are clinical" ez scores "$pat"
[ "$(api "Flag/$fa" | jq '[.extension[]? | select(.url == "urn:ezrizi:flag-acknowledgement")] | length')" = 0 ] &&
	ok "nothing written by the front desk" || fail "nothing written by the front desk" "$(api "Flag/$fa")"

# Acknowledged: who and when, on the server; again is no second record.
config_user amina
expect "login as amina" 0 "Logged in" ez login
expect "acknowledge" 0 "Flag $fa acknowledged" ez flag ack "$fa"
f=$(api "Flag/$fa")
[ "$(printf '%s' "$f" | jq -r '.extension[] | select(.url == "urn:ezrizi:flag-acknowledgement") | .extension[] | select(.url == "by") | .valueReference.reference')" = Practitioner/prac-amina ] &&
	[ "$(printf '%s' "$f" | jq -r '.extension[] | select(.url == "urn:ezrizi:flag-acknowledgement") | .extension[] | select(.url == "at") | .valueDateTime')" != "" ] &&
	[ "$(printf '%s' "$f" | jq -r '.extension[] | select(.url == "http://hl7.org/fhir/StructureDefinition/flag-detail") | .valueReference.reference')" != null ] &&
	ok "acknowledgement_recorded: by, at, and the evidence kept" || fail "acknowledgement_recorded: by, at, and the evidence kept" "$f"
v=$(api "Flag/$fa" | jq -r .meta.versionId)
expect "acknowledged twice" 0 "acknowledged already" ez flag ack "$fa"
[ "$(api "Flag/$fa" | jq -r .meta.versionId)" = "$v" ] && ok "the second acknowledgement wrote nothing" ||
	fail "the second acknowledgement wrote nothing" "version $v -> $(api "Flag/$fa" | jq -r .meta.versionId)"
expect "every one of the client's" 0 "Flag $fb acknowledged" ez flag ack --patient "$pat"
expect "an id and a client" 2 "not both" ez flag ack "$fa" --patient "$pat"
expect "not a flag id" 2 "not a flag id" ez flag ack "no/such"
expect "no such flag" 3 "no Flag with the id no-such-flag" ez flag ack no-such-flag

# Closed, with the reason; then nothing left to acknowledge.
expect "close needs a reason" 2 "reason" ez flag close "$fa"
expect "closed" 0 "Flag $fa closed" ez flag close "$fa" --reason "Seen with the family; plan in place"
f=$(api "Flag/$fa")
[ "$(printf '%s' "$f" | jq -r .status)" = inactive ] && [ "$(printf '%s' "$f" | jq -r .period.end)" != null ] &&
	[ "$(printf '%s' "$f" | jq -r '.extension[] | select(.url == "urn:ezrizi:flag-closure") | .extension[] | select(.url == "reason") | .valueString')" = "Seen with the family; plan in place" ] &&
	ok "the closure: inactive, ended, with its reason" || fail "the closure" "$f"
expect "closed twice" 0 "closed already" ez flag close "$fa" --reason "again"
expect "a closed flag is not acknowledged" 4 "is closed" ez flag ack "$fa"
expect "flags: the closed one gone" 0 "^$fb" ez --format tsv flags "$pat"
[ "$(ez --format tsv flags "$pat" | grep -c "^$fa")" = 0 ] && ok "the closed flag is not active" ||
	fail "the closed flag is not active" "$(ez --format tsv flags "$pat")"
expect "--all shows it closed" 0 "^$fa.*closed" ez --format tsv flags --all "$pat"

# Hostile words come out inert, in JSON as in a table. (The platform, as
# Medplum does, refuses C0 controls in a string; C1's CSI and a bidi override
# it takes.)
evil=$(printf 'Risk \302\23331m red \342\200\256reversed')
out=$(ez --format json flag add "$pat" --text "$evil")
fe=$(printf '%s' "$out" | jq -r .id)
for fmt in json table tsv; do
	o=$(ez --format $fmt flags "$pat")
	if printf '%s' "$o" | grep -q "$fe" && ! printf '%s' "$o" | LC_ALL=C grep -qP '\xc2\x9b|\xe2\x80\xae'; then
		ok "hostile_flag_text_inert ($fmt)"
	else
		fail "hostile_flag_text_inert ($fmt)" "$(printf '%s' "$o" | od -c | head -5)"
	fi
done
[ "$(ez --format json flags "$pat" | jq -r "select(.id == \"$fe\") | .text")" = "$evil" ] &&
	ok "the JSON decodes to the words as written" || fail "the JSON decodes to the words as written" "$(ez --format json flags "$pat")"

# Offline: queued, then each made once.
n=$(active)
expect "offline: a flag queued" 0 '"queued":"1"' ez --offline --format json flag add "$pat" --text "Called the clinic, crying"
expect "offline: reading from the cache" 0 "$fb +pat" ez --offline flags "$pat"
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
[ "$(active)" = "$((n + 1))" ] && ok "offline_flag_replays_once" || fail "offline_flag_replays_once" "$n -> $(active)"
expect "offline: an acknowledgement queued" 0 '"queued":"1"' ez --offline --format json flag ack --patient "$pat"
expect "sent by sync" 0 "1 write sent" ez sync
[ "$(ez --format json flags "$pat" | jq -r .state | sort -u)" = acknowledged ] &&
	ok "the queued acknowledgement made" || fail "the queued acknowledgement made" "$(ez --format json flags "$pat")"
finish
