#!/usr/bin/env bash
# A client's message holding one of the clinic's risk words is marked for
# review in 'ezrizi chat' (JSON and TSV: review), the counsellor's own with the
# same word is not; nothing of it is written to the server (no resource made
# or changed, no Flag); with no words set nothing is marked and the command
# still runs; a front desk is not shown the mark; 'ezrizi lexicon' says that
# no reviewed lexicon ships. The words are made-up neutral test words, set in
# this test's config: no clinical term is written here.
# Usage: tests/batch/review.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
platform_start
config_user amina
ez() { "$EZRIZI" "$@"; }
words() {
	cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
risk_words_en = zebrafish, blue heron
risk_words_ar = زرافة
risk_words_tr = ılık
CFG
}
words
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
pat=$(ez --format json patients --limit 5 | sed -n 3p | jq -r .id)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client" || fail "a client" "none"

# The counsellor writes the word; then the client, five times.
expect "the counsellor's message with the word" 0 "Sent" ez send "$pat" "We spoke of the zebrafish $$"
thread=$(api "Communication?subject=Patient/$pat&_count=100" | jq -r '[.entry[].resource | select(.partOf == null)][0].id')
[ -n "$thread" ] && [ "$thread" != null ] && ok "the thread" || fail "the thread" "none"
client_writes "$pat" "$thread" "Today I saw a $(printf 'ZEBRA\342\200\213FISH'), $$ one"   # a zero-width space inside
client_writes "$pat" "$thread" "zebrafishes and goldfish, $$ two"
client_writes "$pat" "$thread" "رأيت زرافه $$ three"                       # ه for ة
client_writes "$pat" "$thread" "ILIK bir gün $$ four"                      # I for ı
client_writes "$pat" "$thread" "a blue   heron, $$ five"

json=$(ez --format json chat "$pat")
rc=$?
[ $rc = 0 ] && [ "$(printf '%s\n' "$json" | grep -c "$$")" = 6 ] && ok "chat: six messages (control)" ||
	fail "chat: six messages (control)" "rc=$rc $json"
review_of() { printf '%s\n' "$json" | jq -r --arg w "$1" 'select(.text | contains($w)) | .review'; }
[ "$(review_of "$$ one")" = true ] && ok "client_message_with_word_marked (a zero-width space inside)" ||
	fail "client_message_with_word_marked" "$(review_of "$$ one")"
[ "$(review_of "zebrafish $$")" = false ] && ok "counsellor_message_with_word_not_marked" ||
	fail "counsellor_message_with_word_not_marked" "$(review_of "zebrafish $$")"
[ "$(review_of "$$ two")" = false ] && ok "a longer word is not the word" || fail "a longer word is not the word" "$(review_of "$$ two")"
[ "$(review_of "$$ three")" = true ] && ok "Arabic: heh for taa marbuta" || fail "Arabic: heh for taa marbuta" "$(review_of "$$ three")"
[ "$(review_of "$$ four")" = true ] && ok "Turkish: I for ı (LC_CTYPE=$LC_CTYPE)" || fail "Turkish: I for ı" "$(review_of "$$ four")"
[ "$(review_of "$$ five")" = true ] && ok "a phrase" || fail "a phrase" "$(review_of "$$ five")"
fields=$(printf '%s\n' "$json" | head -n1 | jq -r 'keys_unsorted | join(",")')
[ "$fields" = "id,sent,sender_ref,sender_name,status,thread_id,review,text" ] && ok "chat: the JSON fields" ||
	fail "chat: the JSON fields" "$fields"
head=$(ez --format tsv chat "$pat" | head -n1)
[ "$head" = "$(printf 'id\tsent\tsender_ref\tsender_name\tstatus\tthread_id\treview\ttext')" ] && ok "chat: the TSV header" ||
	fail "chat: the TSV header" "$head"
only=$(ez --format json chat "$pat" --review)
[ "$(printf '%s\n' "$only" | grep -c '^{')" = 4 ] && [ "$(printf '%s\n' "$only" | jq -r .review | sort -u)" = true ] &&
	ok "chat --review: only the four marked" || fail "chat --review: only the four marked" "$only"
expect "the table says how many to review" 0 "4 messages may speak of self-harm: review them" ez chat "$pat"
expect "the table marks the row" 0 "review .*$$ one" ez chat "$pat"

# Nothing of it reaches the server: no resource made, none changed, no Flag
# (but the audit trail's record of the two views, issue 12: it says nothing
# of the marks).
stats() { admin_stats | jq -c 'del(.AuditEvent)'; }
before=$(stats)
versions=$(api "Communication?subject=Patient/$pat&_count=100" | jq -c '[.entry[].resource.meta.versionId] | sort')
ez --format json chat "$pat" >/dev/null && ez chat "$pat" --review >/dev/null
[ "$(stats)" = "$before" ] && ok "match_never_leaves_the_machine: nothing made" ||
	fail "match_never_leaves_the_machine: nothing made" "$before -> $(stats)"
[ "$(api "Communication?subject=Patient/$pat&_count=100" | jq -c '[.entry[].resource.meta.versionId] | sort')" = "$versions" ] &&
	ok "match_never_leaves_the_machine: nothing changed" || fail "match_never_leaves_the_machine: nothing changed" "$versions"
[ "$(api "Flag?patient=Patient/$pat&_count=100" | jq '[.entry[]?] | length')" = 0 ] &&
	ok "a mark never raises a flag" || fail "a mark never raises a flag" "$(api "Flag?patient=Patient/$pat")"
err=$(ez chat "$pat" 2>&1 >/dev/null)
[ -z "$err" ] && ok "nothing said on standard error" || fail "nothing said on standard error" "$err"

# Offline, from the cache: the same marks.
[ "$(ez --offline --format json chat "$pat" --review | grep -c '^{')" = 4 ] && ok "offline: the same marks" ||
	fail "offline: the same marks" "$(ez --offline --format json chat "$pat")"

# The lexicon: the words in use, and that no reviewed one ships.
expect "lexicon: no reviewed lexicon ships" 0 "No reviewed lexicon ships with ezrizi" ez lexicon
expect "lexicon: the clinic's words, from where" 0 "zebrafish.*risk_words_en" ez lexicon
expect "lexicon --match: marked" 0 "would be marked" ez lexicon --match "A ZEBRAFISH!"
expect "lexicon --match: not marked" 0 "would not be marked" ez lexicon --match "zebrafishes"

# A bad words file stops the command, naming the line: a lexicon half read
# would mark less than the clinic believes.
printf '# no language line\nzebrafish\n' >"$WORK/bad-words"
echo "risk_words_file = $WORK/bad-words" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "a bad risk_words_file: exit 2, its line" 2 "bad-words:2" ez chat "$pat"
printf '[en]\nkingfisher\n' >"$WORK/bad-words"
[ "$(ez --format json chat "$pat" --review | grep -c '^{')" = 4 ] &&
	ez lexicon --match "one kingfisher" | grep -q "would be marked" && ok "a good risk_words_file adds its words" ||
	fail "a good risk_words_file adds its words" "$(ez lexicon)"

# No words: nothing marked, and the command still ran.
config_user amina
json=$(ez --format json chat "$pat")
rc=$?
[ $rc = 0 ] && [ "$(printf '%s\n' "$json" | grep -c "$$")" = 6 ] && ok "no_words_nothing_marked: the chat still listed (control)" ||
	fail "no_words_nothing_marked: the chat still listed (control)" "rc=$rc $json"
[ "$(printf '%s\n' "$json" | jq -r .review | sort -u)" = false ] && ok "no_words_nothing_marked" ||
	fail "no_words_nothing_marked" "$json"
expect "no words: the table says so" 0 "No risk words are set" ez chat "$pat"
expect "no words: lexicon says so" 0 "No risk words are set" ez lexicon

# A front desk is not shown the messages at all (issue 12), so neither the
# mark nor the prompt; tests/batch/privacy.sh checks the rest.
words
sed -i 's/^username = .*/username = reception/' "$XDG_CONFIG_HOME/ezrizi/config"
expect "login as reception" 0 "Logged in" ez login
desk=$(ez --format json chat "$pat" 2>&1)
rc=$?
[ $rc = 7 ] && printf '%s' "$desk" | grep -q "front desk does not read them" && ok "front desk: the chat refused (control)" ||
	fail "front desk: the chat refused (control)" "rc=$rc $desk"
printf '%s\n' "$desk" | grep -q "$$" && fail "front_desk_not_shown_the_mark" "$desk" || ok "front_desk_not_shown_the_mark"
ez chat "$pat" 2>&1 | grep -q "self-harm" && fail "front desk: no prompt in the table" "$(ez chat "$pat")" || ok "front desk: no prompt in the table"
expect "front desk: --review refused" 7 "front desk does not read them" ez chat "$pat" --review
finish
