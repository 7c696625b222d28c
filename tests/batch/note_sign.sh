#!/usr/bin/env bash
# Signing session notes (issue 12): a draft signed with a Provenance in the
# same transaction; a signed note locked (a correction is a new note that
# replaces it, the original's version never moves); a change made on the
# server behind ezrizi's back shown as tampered; addenda in a chain; the
# co-signature of a trainee's note by the supervisor only; a save of the same
# text saves nothing; offline signing replayed exactly once.
# Usage: tests/batch/note_sign.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 2p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"
ver() { api "DocumentReference/$1" | jq -r .meta.versionId; }
provs() { api "Provenance?target=DocumentReference/$1&_count=100" | jq '[.entry[]?.resource] | length'; }

# A draft, signed.
d=$(printf 'Session one: talked about sleep.\n' | ez --format json note add "$pat" --draft)
id=$(printf '%s' "$d" | jq -r .id)
[ "$(printf '%s' "$d" | jq -r .status)" = preliminary ] && [ "$(provs "$id")" = 0 ] &&
	ok "a draft has no signature" || fail "a draft has no signature" "$d"
out=$(ez --format json note sign "$id")
doc=$(api "DocumentReference/$id")
prov=$(api "Provenance?target=DocumentReference/$id" | jq -c '.entry[0].resource')
sha=$(printf 'Session one: talked about sleep.\n' | sha256sum | cut -d' ' -f1)
[ "$(printf '%s' "$doc" | jq -r .docStatus)" = final ] &&
	[ "$(printf '%s' "$doc" | jq -r .authenticator.reference)" = Practitioner/prac-amina ] &&
	[ "$(printf '%s' "$prov" | jq -r '.signature[0].who.reference')" = Practitioner/prac-amina ] &&
	[ "$(printf '%s' "$prov" | jq -r '.signature[0].type[0].code')" = 1.2.840.10065.1.12.1.1 ] &&
	[ "$(printf '%s' "$prov" | jq -r '.signature[0].data' | base64 -d | od -An -tx1 | tr -d ' \n')" = "$sha" ] &&
	[ "$(printf '%s' "$prov" | jq -r '.target[0].reference')" = "DocumentReference/$id" ] &&
	[ "$(printf '%s' "$out" | jq -r .signed_by_id)" = prac-amina ] &&
	[ "$(printf '%s' "$out" | jq -r .tampered)" = false ] &&
	ok "note_sign: final, authenticator, Provenance with the content's SHA-256" ||
	fail "note_sign: final, authenticator, Provenance with the content's SHA-256" "$out / $doc / $prov"
expect "a signed note is not signed again" 2 "signed already" ez note sign "$id"
[ "$(provs "$id")" = 1 ] && ok "still one signature" || fail "still one signature" "$(provs "$id")"

# Locked: a correction is a new note; the original never changes.
v0=$(ver "$id")
out=$(printf 'Session one: talked about sleep.\n' | ez note edit "$id")
[ $? = 0 ] && printf '%s' "$out" | grep -q "No change; nothing saved." && [ "$(ver "$id")" = "$v0" ] &&
	ok "noop_edit_saves_nothing: the same text, no new version" || fail "noop_edit_saves_nothing" "$out"
n0=$(api "DocumentReference?subject=Patient/$pat&_count=200" | jq '[.entry[]?.resource] | length')
out=$(printf 'Session one: talked about sleep and work.\n' | ez --format json note edit "$id")
nid=$(printf '%s' "$out" | jq -r .id)
[ -n "$nid" ] && [ "$nid" != "$id" ] && [ "$(ver "$id")" = "$v0" ] &&
	[ "$(api "DocumentReference/$id" | jq -r .status)" = current ] &&
	[ "$(printf '%s' "$out" | jq -r .amends)" = "$id" ] && [ "$(provs "$nid")" = 1 ] &&
	ok "signed_note_locked: the edit is a new signed note, the original's version did not move" ||
	fail "signed_note_locked" "$v0 -> $(ver "$id"): $out"
list=$(ez --format json notes "$pat")
printf '%s\n' "$list" | grep -q "\"id\":\"$nid\"" && ! printf '%s\n' "$list" | grep -q "\"id\":\"$id\"" &&
	ok "the replaced note is not listed, the correction is" || fail "the replaced note is not listed" "$list"
printf 'x\n' >"$WORK/x.txt"
expect "the replaced note refuses an edit" 4 "replaced by note $nid" ez note edit "$id" --file "$WORK/x.txt"

# Tampering: the text changed on the server behind ezrizi's back.
t=$(printf 'Session two: planned.\n' | ez --format json note add "$pat")
tid=$(printf '%s' "$t" | jq -r .id)
[ "$(provs "$tid")" = 1 ] && [ "$(printf '%s' "$t" | jq -r .status)" = final ] &&
	ok "note_add_signed_has_provenance" || fail "note_add_signed_has_provenance" "$t"
[ "$(ez --format json note "$tid" | jq -r .tampered)" = false ] && ok "untouched: not tampered" ||
	fail "untouched: not tampered" "$(ez --format json note "$tid")"
api "DocumentReference/$tid" | jq '.content[0].attachment.data = "'"$(printf 'Session two: nothing said.\n' | base64)"'" | del(.meta)' >"$WORK/t.json"
curl -sf -X PUT -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
	--data-binary @"$WORK/t.json" "$BASE/DocumentReference/$tid" >/dev/null
j=$(ez --format json note "$tid")
tab=$(ez note "$tid")
lst=$(ez --format json notes "$pat" | jq -r "select(.id == \"$tid\") | .tampered")
[ "$(printf '%s' "$j" | jq -r .tampered)" = true ] && printf '%s' "$tab" | grep -q "changed after it was signed" &&
	[ "$lst" = true ] && ok "server_side_change_shown_as_tampered (note, notes)" ||
	fail "server_side_change_shown_as_tampered" "$j / $lst"

# offline_sign_of_a_signed_note: refused at once from the cache, not queued to be refused later.
o0=$(printf 'Signed before going offline.\n' | ez --format json note add "$pat" | jq -r .id)
ez notes "$pat" >/dev/null 2>&1
expect "offline_sign_of_a_signed_note: refused at once" 2 "signed already" ez --offline note sign "$o0"
ez --offline outbox 2>&1 | grep -q "note sign $o0" && fail "offline_sign_of_a_signed_note: nothing queued" "$(ez --offline outbox)" ||
	ok "offline_sign_of_a_signed_note: nothing queued"
expect "offline_sign_of_a_signed_note: the outbox listed (control)" 0 "" ez --offline outbox

# Addenda: refused on a draft; a chain of three in order.
dr=$(printf 'A draft.\n' | ez --format json note add "$pat" --draft | jq -r .id)
printf 'More.\n' >"$WORK/more.txt"
expect "an addendum to a draft is refused" 2 "sign it first" ez note addendum "$dr" --file "$WORK/more.txt"
o=$(printf 'The original.\n' | ez --format json note add "$pat" | jq -r .id)
for k in 1 2 3; do
	printf 'Addendum number %s.\n' "$k" | ez --format json note addendum "$o" >"$WORK/a$k.json" ||
		fail "addendum $k" "$(cat "$WORK/a$k.json")"
	sleep 1
done
[ "$(jq -r .appends "$WORK/a1.json")" = "$o" ] &&
	[ "$(api "DocumentReference/$(jq -r .id "$WORK/a2.json")" | jq -r '.relatesTo[0].code')" = appends ] &&
	ok "an addendum appends the original" || fail "an addendum appends the original" "$(cat "$WORK/a1.json")"
chain=$(ez note "$o")
order=$(printf '%s\n' "$chain" | grep -o 'Addendum number [0-9]' | tr -d '\n')
[ "$order" = "Addendum number 1Addendum number 2Addendum number 3" ] &&
	[ "$(printf '%s\n' "$chain" | grep -c '^Signed by .* at ')" = 4 ] &&
	printf '%s\n' "$chain" | grep -q "Addendum 3 of 3" &&
	ok "addendum_chain_of_three: in order under the original, each signed" ||
	fail "addendum_chain_of_three" "$chain"
rows=$(ez --format json notes "$pat" | jq -r '.id' | tr '\n' ' ')
want="$o $(jq -r .id "$WORK/a1.json") $(jq -r .id "$WORK/a2.json") $(jq -r .id "$WORK/a3.json")"
case "$rows" in *"$want"*) ok "notes lists the addenda under their note, oldest first";;
	*) fail "notes lists the addenda under their note" "$rows / $want";; esac
[ "$(ez --format json notes "$pat" | jq -r "select(.id == \"$o\") | .addenda")" = 3 ] &&
	ok "the original counts its addenda" || fail "the original counts its addenda" "$(ez --format json notes "$pat")"

# Co-signature: bilal is a trainee supervised by amina.
ez logout >/dev/null 2>&1
config_user bilal
echo "supervisor = prac-amina" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "trainee login" 0 "Logged in" ez login
tr=$(printf 'Trainee session.\n' | ez --format json note add "$pat" --draft | jq -r .id)
out=$(ez note sign "$tr")
printf '%s' "$out" | grep -q "waits for your supervisor" &&
	[ "$(ez --format json note "$tr" | jq -r .cosign)" = awaited ] &&
	[ "$(api "Provenance?target=DocumentReference/$tr" | jq -r '.entry[0].resource.signature[0].onBehalfOf.reference')" = Practitioner/prac-amina ] &&
	ok "cosign: a trainee's signed note awaits the supervisor" || fail "cosign: awaits" "$out"
expect "the trainee cannot co-sign" 2 "Only the supervisor" ez note cosign "$tr"
ez logout >/dev/null 2>&1
config_user siti
expect "another counsellor login" 0 "Logged in" ez login
expect "cosign_refused_for_anyone_else" 2 "Only the supervisor" ez note cosign "$tr"
ez logout >/dev/null 2>&1
config_user amina
echo "supervises = prac-bilal" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "supervisor login" 0 "Logged in" ez login
expect "unlock again" 0 "stays open" ez unlock --for 10m
aw=$(ez --format json notes --awaiting-cosign)
printf '%s\n' "$aw" | grep -q "\"id\":\"$tr\"" && ok "the supervisor's list of notes awaiting co-sign" ||
	fail "the supervisor's list of notes awaiting co-sign" "$aw"
expect "the supervisor co-signs" 0 "Note co-signed" ez note cosign "$tr"
[ "$(ez --format json note "$tr" | jq -r .cosign)" = given ] && [ "$(provs "$tr")" = 2 ] &&
	[ "$(api "DocumentReference/$tr" | jq -r .docStatus)" = final ] &&
	ok "cosign_flow: co-signed by a second Provenance, the note unchanged" || fail "cosign_flow" "$(ez --format json note "$tr")"
aw=$(ez --format json notes --awaiting-cosign)
! printf '%s\n' "$aw" | grep -q "\"id\":\"$tr\"" && ok "co-signed: off the list" || fail "co-signed: off the list" "$aw"

# Offline: sign and addendum queued, each made once.
od=$(printf 'Offline draft.\n' | ez --format json note add "$pat" --draft | jq -r .id)
ez --format json notes "$pat" >/dev/null
expect "offline: a sign queued" 0 '"queued":"1"' ez --offline --format json note sign "$od"
printf 'Offline addendum.\n' >"$WORK/oa.txt"
expect "offline: an addendum queued" 0 '"queued":"2"' ez --offline --format json note addendum "$o" --file "$WORK/oa.txt"
expect "sent by sync" 0 "2 writes sent" ez sync
expect "sync again sends nothing" 0 "0 writes sent" ez sync
[ "$(provs "$od")" = 1 ] && [ "$(api "DocumentReference/$od" | jq -r .docStatus)" = final ] &&
	[ "$(ez --format json notes "$pat" | jq -r "select(.id == \"$o\") | .addenda")" = 4 ] &&
	ok "offline_sign_replays_once" || fail "offline_sign_replays_once" "$(provs "$od")"
finish
