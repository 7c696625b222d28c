#!/usr/bin/env bash
# The crisis view and the safety plan in batch mode against the demo platform:
# crisis lines come from the platform for the client's country (none for a
# country it has none for, and then no number at all), the emergency contact
# from the client's record, the safety plan written from a file and read back
# byte for byte, a stale version refused with nothing lost, offline from the
# cache (saying how old it is) and a write queued and sent once, and a
# service's hostile name made harmless.
# Usage: tests/batch/crisis.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
post() { curl -sf -X POST -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' -d "$2" "$BASE/$1"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
# The seed: pat-0008 speaks Malay and lives in Malaysia (an emergency contact),
# pat-0001 Saudi Arabia, pat-0002 Pakistan.
my=pat-0008 sa=pat-0001 pk=pat-0002

# ---- crisis lines from the platform ----
out=$(ez --format json crisis "$my")
rc=$?
lines=$(printf '%s\n' "$out" | jq -r 'select(.kind == "crisis-line") | .phone' | sort | tr '\n' ' ')
[ $rc = 0 ] && [ "$lines" = "1-800-820066 15555 " ] && ok "malaysian_client_gets_platform_lines: HEAL 15555 and MIASA" ||
	fail "malaysian_client_gets_platform_lines" "rc=$rc lines=$lines $out"
c=$(printf '%s\n' "$out" | jq -r 'select(.kind == "emergency-contact") | .phone')
[ -n "$c" ] && [ "$c" = "$(api "Patient/$my" | jq -r '.contact[0].telecom[0].value')" ] &&
	ok "the emergency contact is the client's record's" || fail "the emergency contact" "$c; $out"
printf '%s\n' "$out" | jq -s -e 'any(.[]; .kind == "no-safety-plan")' >/dev/null && ok "no safety plan yet, said so" ||
	fail "no safety plan yet, said so" "$out"
# One round trip for the lines: the Locations with their services.
n0=$(wc -l <"$WORK/platform.log")
ez crisis "$my" >/dev/null 2>&1
trips=$(sed -n "$((n0 + 1)),\$p" "$WORK/platform.log" | grep -cE 'GET /fhir/R4/(Location|HealthcareService)\?')
[ "$trips" = 1 ] && ok "crisis_lines_one_round_trip" || fail "crisis_lines_one_round_trip" "$trips"
expect "the table names the lines, phones first" 0 "15555 +HEAL Line, Ministry of Health \\(Malaysia\\)" ez crisis "$my"
for p in "$sa" "$pk"; do
	out=$(ez crisis "$p" 2>&1)
	rc=$?
	[ $rc = 0 ] && printf '%s' "$out" | grep -q "No crisis line is known for this country on the platform; ask your clinic" &&
		ok "none_known_for_$p: said so" || fail "none_known_for_$p: said so" "rc=$rc $out"
	# No number but the contact's: not one digit run outside its row.
	n=$(ez --format json crisis "$p" | jq -r 'select(.kind == "crisis-line") | .phone' | wc -l)
	j=$(ez --format json crisis "$p" | jq -r 'select(.kind == "no-crisis-line") | .area')
	[ "$n" = 0 ] && [ -n "$j" ] && ok "none_known_for_$p: no number, the country named" ||
		fail "none_known_for_$p: no number" "$n lines, area $j"
done

expect "no such client: exit 3" 3 "no Patient" ez crisis pat-9999
expect "not an id: exit 2" 2 "not a valid Patient id" ez crisis 'a/b'
expect "no plan yet: safety-plan exits 3" 3 "has no safety plan" ez safety-plan "$my"

# ---- the safety plan: from a file, back byte for byte ----
printf '# my draft\n\n== 1. Warning signs\nI stop answering "anyone"; # not a comment\n  indented; semi;colon\n== 2. Internal coping\nأمشي على البحر\nداخلي\n\n== 3. Distraction\n\n== 4. Family or friends\nMy sister \x27Aisha\x27 \\ +60 12-345 6789\n== 5. Professionals\nHEAL 15555\n== 6. Safe environment\nKeys with my brother.\ntrailing spaces   ' >"$WORK/plan"
out=$(ez --format json safety-plan write "$my" --file "$WORK/plan")
rc=$?
v1=$(printf '%s' "$out" | jq -r .version)
[ $rc = 0 ] && [ -n "$v1" ] && [ "$v1" != null ] && ok "safety plan written from a file" || fail "safety plan written" "rc=$rc $out"
got=$(ez --format json safety-plan "$my")
want() { printf '%s' "$got" | jq -j ".step_$1"; }
[ "$(want 1)" = "$(printf 'I stop answering "anyone"; # not a comment\n  indented; semi;colon')" ] &&
	[ "$(want 2)" = "$(printf 'أمشي على البحر\nداخلي\n')" ] && [ "$(want 3)" = "" ] &&
	[ "$(want 4)" = "My sister 'Aisha' \\ +60 12-345 6789" ] && [ "$(want 6)" = "$(printf 'Keys with my brother.\ntrailing spaces   ')" ] &&
	ok "safety_plan_round_trip: quotes, '#', ';', Arabic, blank lines, trailing spaces byte for byte" ||
	fail "safety_plan_round_trip" "$got"
cp=$(api "CarePlan/$(printf '%s' "$got" | jq -r .id)")
[ "$(printf '%s' "$cp" | jq -r '.category[0].coding[0].code')" = safety-plan ] && [ "$(printf '%s' "$cp" | jq -r .status)" = active ] &&
	[ "$(printf '%s' "$cp" | jq -r '.activity | length')" = 6 ] && [ "$(printf '%s' "$cp" | jq -r '.activity[1].detail.code.coding[0].code')" = 2 ] &&
	[ "$(printf '%s' "$cp" | jq -r '.subject.reference')" = "Patient/$my" ] && [ "$(printf '%s' "$cp" | jq -r '.author.reference')" != null ] &&
	ok "a CarePlan: safety-plan category, active, six coded steps, the client's, an author" || fail "the CarePlan" "$cp"
expect "the table shows the headed steps" 0 "== 2\. Internal coping strategies" ez safety-plan "$my"

# ---- a copy for the client ----
expect "a copy for the client" 0 "A copy for the client is in" ez safety-plan "$my" --print "$WORK/copy.txt"
[ "$(stat -c %a "$WORK/copy.txt")" = 600 ] && grep -q "Keys with my brother" "$WORK/copy.txt" && ok "the copy: 0600, the plan's text" ||
	fail "the copy" "$(stat -c %a "$WORK/copy.txt")"
expect "a copy never overwrites" 4 "there already" ez safety-plan "$my" --print "$WORK/copy.txt"

# ---- versions: a stale write is a conflict, nothing lost ----
printf '== 1. a\nchanged by me\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan2"
out=$(ez --format json safety-plan write "$my" --file "$WORK/plan2" --replaces "$v1")
v2=$(printf '%s' "$out" | jq -r .version)
[ -n "$v2" ] && [ "$v2" != null ] && [ "$v2" != "$v1" ] && ok "replaced with the version read: a new version" ||
	fail "replaced with the version read" "$out"
printf '== 1. a\nstale\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan3"
expect "safety_plan_stale_version_conflicts" 4 "changed by someone else \\(version $v1 is now version $v2\\); nothing was overwritten" \
	ez safety-plan write "$my" --file "$WORK/plan3" --replaces "$v1"
expect "a first write over an existing plan conflicts" 4 "has a safety plan already" ez safety-plan write "$my" --file "$WORK/plan3"
[ "$(ez --format json safety-plan "$my" | jq -r .step_1)" = "changed by me" ] && [ -f "$WORK/plan3" ] &&
	ok "nothing lost: the plan as it was, the stale text still in its file" || fail "nothing lost" "$(ez --format json safety-plan "$my")"
expect "a bad plan refused, exit 2" 2 "has 2 of its 6 steps" ez safety-plan write "$my" --file <(printf '== 1. a\nx\n== 2. b\n')
expect "text before step 1 refused" 2 "before the heading of step 1" ez safety-plan write "$my" --file <(printf 'hello\n== 1. a\n')

# ---- hostile text from the platform: a C1 CSI and a bidi override ----
post HealthcareService '{"resourceType":"HealthcareService","active":true,"name":"Evil\u009b31m pwned\u202e line","type":[{"coding":[{"system":"urn:ezrizi:service","code":"crisis-line"}]}],"telecom":[{"system":"phone","value":"000"}],"coverageArea":[{"reference":"Location/loc-country-my"}]}' >/dev/null ||
	fail "a hostile service posted" ""
out=$(ez crisis "$my" 2>&1)
printf '%s' "$out" | grep -q "000 .*Evil<U+009B>31m pwned<U+202E> line" && ! printf '%s' "$out" | LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae' &&
	ok "hostile_service_name_sanitised: shown, no CSI, no bidi override" || fail "hostile_service_name_sanitised" "$(printf '%s' "$out" | od -c | head)"
out=$(ez --format json crisis "$my")
! printf '%s' "$out" | LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae' && printf '%s' "$out" | grep -qF 'Evil\u009b31m pwned\u202e line' &&
	ok "hostile name in JSON: \\u escaped, decodes to the server's text" || fail "hostile name in JSON" "$out"

# ---- offline: from the cache, saying how old; a write queued and sent once ----
out=$(ez --offline crisis "$my" 2>&1)
printf '%s' "$out" | grep -q "15555" && printf '%s' "$out" | grep -q "local copy, fetched 0 minutes ago" &&
	ok "offline_crisis_from_cache: the lines, and how old they are" || fail "offline_crisis_from_cache" "$out"
expect "offline, the plan from the cache" 0 "changed by me" ez --offline crisis "$my"
expect "offline, a plan not in the cache is not said to be none" 3 "in the local copy; it may have one on the server" ez --offline safety-plan "$sa"
printf '== 1. a\noffline text\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan4"
expect "offline: queued" 0 '"queued":"1"' ez --offline --format json safety-plan write "$my" --file "$WORK/plan4" --replaces "$v2"
rm -f "$WORK/plan4"
expect "offline, a bad plan is not queued" 2 "steps" ez --offline safety-plan write "$my" --file <(printf '== 1. a\n')
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
history() { api "CarePlan/$(ez --format json safety-plan "$my" | jq -r .id)/_history" | jq '.entry | length'; }
n=$(history)
[ "$(ez --format json safety-plan "$my" | jq -r .step_1)" = "offline text" ] && [ "$n" = 3 ] &&
	ok "offline_safety_plan_replays_once: the text from the outbox, one version more" || fail "offline_safety_plan_replays_once" "history $n"

# An offline write made from a version changed meanwhile: refused when sent,
# kept in the outbox with why, the plan as it was.
printf '== 1. a\nqueued from a stale copy\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan6"
expect "offline from a stale version: queued" 0 '"queued":"1"' ez --offline --format json safety-plan write "$my" --file "$WORK/plan6" --replaces "$v2"
ez sync >/dev/null 2>&1
out=$(ez --format json outbox)
printf '%s' "$out" | grep -q '"state":"failed"' && printf '%s' "$out" | grep -q "changed by someone else" &&
	[ "$(ez --format json safety-plan "$my" | jq -r .step_1)" = "offline text" ] &&
	ok "offline_stale_plan_kept: refused when sent, kept in the outbox with why, nothing overwritten" ||
	fail "offline_stale_plan_kept" "$out"
seq=$(printf '%s' "$out" | jq -r .seq | head -n1)
expect "the refused write discarded" 0 "" ez outbox discard "$seq"

# ---- exactly once when the answer is lost ----
v=$(ez --format json safety-plan "$my" | jq -r .version)
fault '{"drop_after_commit_next":1}'
printf '== 1. a\nlost answer\n== 2. b\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n' >"$WORK/plan5"
expect "a write whose answer was lost" 0 "lost answer" ez --format json safety-plan write "$my" --file "$WORK/plan5" --replaces "$v"
n=$(history)
[ "$n" = 4 ] && [ "$(ez --format json safety-plan "$my" | jq -r .step_1)" = "lost answer" ] && ok "saved exactly once" ||
	fail "saved exactly once" "history $n"

# ---- a front desk: the lines and the contact, not the plan ----
config_user reception
expect "login as reception" 0 "Logged in" ez login
out=$(ez crisis "$my" 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q "15555" && printf '%s' "$out" | grep -q "front desk does not see it" &&
	! printf '%s' "$out" | grep -q "lost answer" && ok "front_desk_crisis_without_the_plan" ||
	fail "front_desk_crisis_without_the_plan" "rc=$rc $out"
expect "a front desk cannot read the plan" 7 "front desk does not see it" ez safety-plan "$my"
expect "nor write one" 7 "front desk does not see it" ez safety-plan write "$my" --file "$WORK/plan5"
# Offline, the last answer holds: still no plan, still no flag's words.
out=$(ez --offline crisis "$my" 2>&1)
printf '%s' "$out" | grep -q "front desk does not see it" && ! printf '%s' "$out" | grep -q "lost answer" &&
	ok "front_desk_offline_remembered" || fail "front_desk_offline_remembered" "$out"
config_user amina
expect "login as amina again" 0 "Logged in" ez login
expect "the counsellor reads the plan" 0 "lost answer" ez crisis "$my"

# ---- the server gone (not --offline): the local copies, said so ----
platform_stop
out=$(ez crisis "$my" 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q "15555" && printf '%s' "$out" | grep -q "local copy, fetched" &&
	printf '%s' "$out" | grep -q "lost answer" && ok "unreachable_crisis_from_cache: the lines and the plan, from the local copy" ||
	fail "unreachable_crisis_from_cache" "rc=$rc $out"

# ---- a server that ignores _revinclude: the services by a second search ----
platform_start --no-include
config_user amina
expect "login (no includes)" 0 "Logged in" ez login
lines=$(ez --format json crisis "$my" | jq -r 'select(.kind == "crisis-line") | .phone' | sort | tr '\n' ' ')
[ "$lines" = "1-800-820066 15555 " ] && ok "lines_without_revinclude: the same lines" || fail "lines_without_revinclude" "$lines"
n0=$(wc -l <"$WORK/platform.log")
ez crisis "$my" >/dev/null 2>&1
trips=$(sed -n "$((n0 + 1)),\$p" "$WORK/platform.log" | grep -cE 'GET /fhir/R4/(Location|HealthcareService)\?')
[ "$trips" = 2 ] && ok "lines_without_revinclude: a second round trip, only then" || fail "lines_without_revinclude: two round trips" "$trips"
finish
