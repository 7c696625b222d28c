#!/usr/bin/env bash
# Escalations in batch mode against the demo platform: to the platform's
# counsellor on call or the config's on_call, none named is a clear error; an
# urgent, restricted Communication about the client and their active flags,
# with the words as typed; read only by its recipient, and the sender sees
# when; offline, queued and sent exactly once.
# Usage: tests/batch/escalate.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
fl=$(ez --format json flag add "$pat" --text "worried" | jq -r .id)

words='Says "tonight" #2; has a plan\ — خطر'
out=$(ez --format json escalate "$pat" --file <(printf '%s\n' "$words"))
rc=$?
id=$(printf '%s' "$out" | jq -r .id)
c=$(api "Communication/$id")
[ $rc = 0 ] && [ "$(printf '%s' "$c" | jq -r .payload[0].contentString)" = "$words" ] &&
	ok "escalation_keeps_the_words" || fail "escalation_keeps_the_words" "rc=$rc $out"
[ "$(printf '%s' "$c" | jq -r .priority)" = stat ] &&
	[ "$(printf '%s' "$c" | jq -r .category[0].coding[0].code)" = alert ] &&
	[ "$(printf '%s' "$c" | jq -r .recipient[0].reference)" = Practitioner/prac-omar ] &&
	[ "$(printf '%s' "$c" | jq -r .subject.reference)" = "Patient/$pat" ] &&
	[ "$(printf '%s' "$c" | jq -r .about[0].reference)" = "Flag/$fl" ] &&
	[ "$(printf '%s' "$c" | jq -r .meta.security[0].code)" = R ] &&
	ok "escalation_to_the_platforms_on_call: stat, alert, restricted, about the flag" ||
	fail "escalation_to_the_platforms_on_call" "$c"
expect "the words after the id, as typed in a batch line" 0 "Escalated" ez escalate "$pat" call me back
expect "no words" 2 "Say what is happening" ez escalate "$pat"
expect "no such client" 3 "" ez escalate no-such-client help
fields=$(ez --format json escalations --sent | head -n1 | jq -r 'keys_unsorted | join(",")')
[ "$fields" = "id,sent,patient_id,patient_name,from_id,from_name,to_id,to_name,read,flags,text" ] &&
	ok "escalations: the JSON fields" || fail "escalations: the JSON fields" "$fields"
expect "not read yet" 0 "not yet" ez escalations --sent
expect "the sender cannot mark it read" 2 "only its recipient" ez escalation read "$id"

# The counsellor on call reads it; the sender sees when.
OM=$(token omar)
om() { XDG_DATA_HOME=$WORK/om EZRIZI_TOKEN=$OM "$EZRIZI" "$@"; }
mkdir -m 700 -p "$WORK/om"
expect "to omar" 0 "$(printf '%s' "$id")" om --format tsv escalations
expect "omar reads it" 0 "Escalation $id read" om escalation read "$id"
v=$(api "Communication/$id" | jq -r .meta.versionId)
expect "read twice" 0 "read already" om escalation read "$id"
[ "$(api "Communication/$id" | jq -r .meta.versionId)" = "$v" ] && ok "reading twice writes nothing" || fail "reading twice writes nothing" "$v"
[ "$(api "Communication/$id" | jq -r .meta.security[0].code)" = R ] && ok "the label stays when read" ||
	fail "the label stays when read" "$(api "Communication/$id")"
read=$(ez --format json escalations --sent | jq -r "select(.id == \"$id\") | .read")
[ -n "$read" ] && ok "escalation_read_receipt: the sender sees when ($read)" || fail "escalation_read_receipt" "$(ez --format json escalations --sent)"

# The config's on_call first; one that is not an id is refused.
echo "on_call = prac-bilal" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "on_call from the config" 0 '"to_id":"prac-bilal"' ez --format json escalate "$pat" "to bilal"
echo "on_call = not/an/id" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "a bad on_call" 2 "not a Practitioner id" ez escalate "$pat" "nobody"
sed -i '/^on_call/d' "$XDG_CONFIG_HOME/ezrizi/config"

# Offline: queued, then sent once.
n=$(api "Communication?category=alert&_summary=count" | jq .total)
expect "offline: queued" 0 '"queued":"1"' ez --offline --format json escalate "$pat" "offline: ring her"
expect "sent by sync" 0 "1 write sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
[ "$(api "Communication?category=alert&_summary=count" | jq .total)" = "$((n + 1))" ] &&
	ok "offline_escalation_replays_once" || fail "offline_escalation_replays_once" "$n -> $(api "Communication?category=alert&_summary=count" | jq .total)"

# No one on call: the platform names none, the config neither.
curl -sf -X PUT -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
	-d '{"resourceType":"PractitionerRole","id":"role-on-call","active":false,"practitioner":{"reference":"Practitioner/prac-omar"},"code":[{"coding":[{"system":"urn:ezrizi:role","code":"on-call"}]}]}' \
	"$BASE/PractitionerRole/role-on-call" >/dev/null
expect "no_one_on_call: said, what to do, nothing sent" 3 "No counsellor is on call.*on_call = PRACTITIONER-ID" ez escalate "$pat" "anyone?"
finish
