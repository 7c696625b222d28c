#!/usr/bin/env bash
# Privacy by role and the audit trail, in batch mode against the demo platform
# (issue 12): a front desk is refused notes, note writing, messages, scores and
# safety plans (exit 7), and asks the server for none of them, sync included;
# a psychotherapy note carries its labels on the server, is marked for the
# counsellor and is never exported (its text out of TSV and JSON); every view,
# write and amendment is an AuditEvent that reaches the server exactly once,
# an answer lost and an offline period included; `ezrizi audit` lists them.
# Usage: tests/batch/privacy.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
LOG=$WORK/platform.log
# AuditEvents on the server: all of amina's, or those about one record.
audits() { api "AuditEvent?agent=Practitioner/prac-amina&_summary=count" | jq -r .total; }
audits_of() { api "AuditEvent?entity=$1&_count=200" | jq '[.entry[]?] | length'; }
pending() { ez --offline --format json audit | jq -s '[.[] | select(.pending == "true")] | length'; }

expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json appointments | jq -r .patient_id | grep -v null | head -n1)
[ -n "$pat" ] && ok "a client of amina's today: $pat" || fail "a client of amina's today" "none"
[ "$(audits)" = 0 ] && ok "no AuditEvent yet" || fail "no AuditEvent yet" "$(audits)"

# ---- writing: a note, and a psychotherapy note ----
word=PELICAN$$
secret=OSPREY$$
printf 'S: %s slept better.\nP: continue.\n' "$word" >"$WORK/note"
printf 'Process: %s, transference noticed.\n' "$secret" >"$WORK/process"
nid=$(ez --format json note add "$pat" --file "$WORK/note" | jq -r .id)
[ -n "$nid" ] && [ "$nid" != null ] && ok "a note written" || fail "a note written" "$nid"
pid=$(ez --format json note add "$pat" --process --file "$WORK/process" | jq -r .id)
[ -n "$pid" ] && [ "$pid" != null ] && ok "a process note written" || fail "a process note written" "$pid"
sec=$(api "DocumentReference/$pid" | jq -c '[.meta.security[]? | .system + "|" + .code] | sort')
[ "$sec" = '["http://terminology.hl7.org/CodeSystem/v3-ActCode|PSYTHPN","http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"]' ] &&
	ok "process_note_labels: R and PSYTHPN on the server" || fail "process_note_labels: R and PSYTHPN on the server" "$sec"
[ "$(api "DocumentReference/$nid" | jq '.meta.security // [] | length')" = 0 ] &&
	ok "a session note has no label" || fail "a session note has no label" "$(api "DocumentReference/$nid" | jq -c .meta)"

# For people, marked; for programs, never its text.
expect "the counsellor reads the process note" 0 "$secret" ez note "$pid"
expect "marked as a process note" 0 "psychotherapy note" ez note "$pid"
out=$(ez --format json note "$pid")
rc=$?
[ $rc = 0 ] && [ "$(printf '%s' "$out" | jq -r .process)" = true ] && [ "$(printf '%s' "$out" | jq -r .id)" = "$pid" ] &&
	ok "process_note_never_exported: JSON says it is one (control)" || fail "process_note_never_exported: JSON says it is one (control)" "rc=$rc $out"
printf '%s' "$out" | grep -q "$secret" && fail "process_note_never_exported: not in JSON" "$out" ||
	ok "process_note_never_exported: not in JSON"
out=$(ez --format tsv notes "$pat")
printf '%s' "$out" | grep -q "$word" && ok "notes in TSV: the session note's beginning (control)" ||
	fail "notes in TSV: the session note's beginning (control)" "$out"
printf '%s' "$out" | grep -q "$secret" && fail "process_note_never_exported: not in TSV" "$out" ||
	ok "process_note_never_exported: not in TSV"
expect "the table marks it" 0 "process note" ez notes "$pat"
# Amended, it stays one.
printf 'Process: %s, amended.\n' "$secret" >"$WORK/process2"
aid=$(ez --format json note edit "$pid" --file "$WORK/process2" | jq -r .id)
[ "$(api "DocumentReference/$aid" | jq -r '[.meta.security[]?.code] | sort | join(",")')" = "PSYTHPN,R" ] &&
	[ "$(api "DocumentReference/$pid" | jq -r '[.meta.security[]?.code] | sort | join(",")')" = "PSYTHPN,R" ] &&
	ok "process_note_amended_keeps_labels: the amendment and the superseded" ||
	fail "process_note_amended_keeps_labels" "$(api "DocumentReference/$aid" | jq -c .meta)"

# ---- the audit trail ----
# Written: 2, viewed: 3 (twice the table, once JSON), listed: 2, the amendment: 1.
n=$(audits)
[ "$n" = 8 ] && ok "audit_events_reach_the_server: 8 acts, 8 AuditEvents" ||
	fail "audit_events_reach_the_server: 8 acts, 8 AuditEvents" "$n $(api 'AuditEvent?_count=50' | jq -c '[.entry[].resource.subtype[1].code]')"
ev=$(api "AuditEvent?entity=DocumentReference/$nid" | jq '.entry[0].resource')
[ "$(printf '%s' "$ev" | jq -r .action)" = C ] && [ "$(printf '%s' "$ev" | jq -r '.subtype[1].code')" = write ] &&
	[ "$(printf '%s' "$ev" | jq -r '.agent[0].who.reference')" = Practitioner/prac-amina ] &&
	[ "$(printf '%s' "$ev" | jq -r '.agent[0].requestor')" = true ] &&
	[ "$(printf '%s' "$ev" | jq -r '.agent[0].network.address')" = "$(hostname)" ] &&
	[ "$(printf '%s' "$ev" | jq -r '.source.observer.display')" != null ] &&
	[ "$(printf '%s' "$ev" | jq -r '[.entity[].what.reference] | join(",")')" = "DocumentReference/$nid,Patient/$pat" ] &&
	[ "$(printf '%s' "$ev" | jq -r .outcome)" = 0 ] &&
	ok "the AuditEvent: who, requestor, this machine, source, entity and client" || fail "the AuditEvent's fields" "$ev"
grep -c 'POST /fhir/R4 ' "$LOG" | grep -qv '^0$' && ok "delivered as Bundles" || fail "delivered as Bundles" "no POST to the base"
! grep -q 'POST /fhir/R4/AuditEvent' "$LOG" &&
	ok "never one request a view" || fail "never one request a view" "$(grep 'POST /fhir/R4/AuditEvent' "$LOG")"

# The answer lost: the Bundle made it, the connection dropped; sent again, one.
fault '{"drop_after_commit_next": 1}'
expect "a view whose audit answer is lost" 0 "$word" ez note "$nid"
ez whoami >/dev/null 2>&1   # the next command sends what waits
[ "$(audits_of "DocumentReference/$nid")" = 2 ] && [ "$(pending)" = 0 ] && grep -q 'POST /fhir/R4 DROP' "$LOG" &&
	ok "audit_exactly_once_after_a_lost_answer" || fail "audit_exactly_once_after_a_lost_answer" "$(audits_of "DocumentReference/$nid") pending $(pending)"

# An offline period: views read from the cache wait, sealed, and go once.
before=$(audits)
for _ in 1 2 3; do ez --offline notes "$pat" >/dev/null 2>&1 || fail "offline view" "refused"; done
[ "$(pending)" = 3 ] && [ "$(audits)" = "$before" ] && ok "offline: three views wait here" ||
	fail "offline: three views wait here" "pending $(pending), server $(audits) (was $before)"
expect "offline: listed as pending" 0 "not yet sent" ez --offline audit
expect "cache_wipe_keeps_waiting_audits: refused" 2 "3 audit records have not reached the server" ez --offline cache wipe yes
[ "$(pending)" = 3 ] && ok "cache_wipe_keeps_waiting_audits: all three still wait" || fail "cache_wipe_keeps_waiting_audits" "pending $(pending)"
out=$(ez audit)
printf '%s' "$out" | grep -q "not yet sent" && ok "ezrizi audit: marked pending until delivered" || fail "ezrizi audit: marked pending" "$out"
[ "$(audits)" = $((before + 3)) ] && [ "$(pending)" = 0 ] && ok "audit_after_an_offline_period: each once" ||
	fail "audit_after_an_offline_period: each once" "server $(audits), wanted $((before + 3)); pending $(pending)"
ez sync >/dev/null 2>&1
[ "$(audits)" = $((before + 3)) ] && ok "and not again at a sync" || fail "and not again at a sync" "$(audits)"
out=$(ez --format json audit --patient "$pat")
[ "$(printf '%s\n' "$out" | jq -s '[.[] | select(.act == "list" and .what == "DocumentReference")] | length')" = 5 ] &&
	[ "$(printf '%s\n' "$out" | jq -s '[.[] | select(.pending == "true")] | length')" = 0 ] &&
	ok "ezrizi audit --patient: the five lists of the notes, delivered" || fail "ezrizi audit --patient" "$out"
out=$(ez --format json audit --since tomorrow); rc=$?
[ $rc = 0 ] && [ -z "$out" ] && ok "audit --since tomorrow: nothing (and no crash: audit_since_frees_what_it_leaves_out)" ||
	fail "audit --since tomorrow: nothing" "$(ez --format json audit --since tomorrow)"
expect "audit: a bad day" 2 "" ez audit --since someday

# Signing (the sign helper's commands): a sign and an addendum are in the
# trail; a process note signed, and its addendum, keep the labels.
did=$(ez --format json note add "$pat" --process --draft --file "$WORK/process" | jq -r .id)
ez note sign "$did" >/dev/null 2>&1 || fail "the process draft signed" "refused"
printf 'Addendum: %s, later.\n' "$secret" >"$WORK/addendum"
adid=$(ez --format json note addendum "$did" --file "$WORK/addendum" | jq -r .id)
[ "$(api "DocumentReference/$did" | jq -r '[.meta.security[]?.code] | sort | join(",")')" = "PSYTHPN,R" ] &&
	[ "$(api "DocumentReference/$adid" | jq -r '[.meta.security[]?.code] | sort | join(",")')" = "PSYTHPN,R" ] &&
	ok "process_note_signed_keeps_labels: the note and its addendum" ||
	fail "process_note_signed_keeps_labels" "$(api "DocumentReference/$did" | jq -c .meta) $(api "DocumentReference/$adid" | jq -c .meta)"
acts=$(api "AuditEvent?entity=DocumentReference/$did&_count=50" | jq -r '[.entry[]?.resource.subtype[1].code] | sort | join(",")')
[ "$acts" = "sign,write" ] && ok "audit_sign: the draft written, then signed" || fail "audit_sign" "$acts"
acts=$(api "AuditEvent?entity=DocumentReference/$adid&_count=50" | jq -r '[.entry[]?.resource.subtype[1].code] | join(",")')
[ "$acts" = addendum ] && ok "audit_addendum" || fail "audit_addendum" "$acts"
draft=$(ez --format json note add "$pat" --draft --file "$WORK/note" | jq -r .id)

# ---- the front desk ----
msg=$(api "Communication?subject=Patient/$pat&_count=50" | jq -r '[.entry[]?.resource.payload[0].contentString | select(. != null)][0]')
[ -n "$msg" ] && [ "$msg" != null ] && ok "the client has messages (control)" || fail "the client has messages (control)" "none"
config_user reception
expect "login as reception" 0 "Logged in" ez login
mark=$(wc -l <"$LOG")
out=$(ez notes "$pat" 2>&1); rc=$?
[ $rc = 7 ] && printf '%s' "$out" | grep -q "front desk" && ok "front_desk_no_notes: refused, exit 7" ||
	fail "front_desk_no_notes: refused, exit 7" "rc=$rc $out"
printf '%s' "$out" | grep -q "$word" && fail "front_desk_no_notes: no note text" "$out" || ok "front_desk_no_notes: no note text"
out=$(ez --format json note "$nid" 2>&1); rc=$?
[ $rc = 7 ] && ! printf '%s' "$out" | grep -q "$word" && ok "front_desk_no_note: refused, no text" ||
	fail "front_desk_no_note: refused, no text" "rc=$rc $out"
out=$(ez note "$pid" 2>&1); rc=$?
[ $rc = 7 ] && ! printf '%s' "$out" | grep -q "$secret" && ok "front_desk_no_process_note" || fail "front_desk_no_process_note" "rc=$rc $out"
expect "front_desk_writes_no_note" 7 "neither reads nor writes" ez note add "$pat" --draft --file "$WORK/note"
expect "front_desk_writes_no_note offline (never queued)" 7 "neither reads nor writes" ez --offline note add "$pat" --file "$WORK/note"
expect "front_desk_changes_no_note" 7 "neither reads nor writes" ez note edit "$nid" --file "$WORK/note"
expect "front_desk_signs_no_note" 7 "neither reads nor writes" ez note sign "$draft"
expect "front_desk_adds_no_addendum" 7 "neither reads nor writes" ez note addendum "$nid" --file "$WORK/note"
appt=$(api "Appointment?actor=Patient/$pat&_count=1" | jq -r '.entry[0].resource.id')
[ -n "$appt" ] && [ "$appt" != null ] && ok "the client has a session (control)" || fail "the client has a session (control)" "none"
expect "front_desk_writes_no_group_note" 7 "neither reads nor writes" ez note add --appointment "$appt" --for attending --file "$WORK/note"
expect "front_desk_no_session_notes" 7 "front desk" ez notes --appointment "$appt"
expect "front_desk_no_worklist" 7 "front desk" ez worklist
expect "the outbox holds nothing" 0 "" ez outbox
ez outbox 2>&1 | grep -q "note add" && fail "front desk: nothing queued" "$(ez outbox)" || ok "front desk: nothing queued"
out=$(ez chat "$pat" 2>&1); rc=$?
[ $rc = 7 ] && printf '%s' "$out" | grep -q "front desk does not read them" && ok "front_desk_no_chat: refused, exit 7" ||
	fail "front_desk_no_chat: refused, exit 7" "rc=$rc $out"
printf '%s' "$out" | grep -qF "$msg" && fail "front_desk_no_chat: no message text" "$out" || ok "front_desk_no_chat: no message text"
expect "front_desk_no_scores" 7 "scores are clinical" ez scores "$pat"
expect "front_desk_no_safety_plan" 7 "safety plan is clinical" ez safety-plan "$pat"
expect "front desk: still its appointments (control)" 0 "" ez appointments --practitioner all
expect "front desk: sync" 0 "records brought" ez sync
# Nothing clinical was even asked of the server (its log), sync included.
asked=$(tail -n +"$((mark + 1))" "$LOG" | grep -E 'GET /fhir/R4/(DocumentReference|Communication|Observation|CarePlan)')
tail -n +"$((mark + 1))" "$LOG" | grep -q 'GET /fhir/R4/Appointment' && ok "front desk: the server was asked (control)" ||
	fail "front desk: the server was asked (control)" "$(tail -n +"$((mark + 1))" "$LOG" | head)"
[ -z "$asked" ] && ok "front_desk_cache_holds_no_clinical_text: never fetched" || fail "front_desk_cache_holds_no_clinical_text" "$asked"
out=$(ez --offline notes "$pat" 2>&1); rc=$?
[ $rc = 7 ] && ok "offline too: refused" || fail "offline too: refused" "rc=$rc $out"
[ "$(api "DocumentReference/$draft" | jq -r .docStatus)" = preliminary ] && ok "the draft is still a draft" ||
	fail "the draft is still a draft" "$(api "DocumentReference/$draft" | jq -c '{docStatus, authenticator}')"
[ "$(api "DocumentReference?author=Practitioner/prac-reception&_summary=count" | jq -r .total)" = 0 ] &&
	ok "no note authored by Front Desk" || fail "no note authored by Front Desk" "$(api 'DocumentReference?author=Practitioner/prac-reception')"
# What ezrizi writes is valid R4 (the platform validates a plain create).
valid=$(printf '%s' "$ev" | jq 'del(.id, .meta)' | curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $(token)" \
	-H 'Content-Type: application/fhir+json' -d @- "$BASE/AuditEvent")
[ "$valid" = 201 ] && ok "the AuditEvent validates against R4" || fail "the AuditEvent validates against R4" "$valid"
n=$(audits)
finish
