#!/usr/bin/env bash
# Note templates, notes tied to their session, group notes and the worklist,
# in batch mode against the demo platform on a seeded week (Thursday
# 2026-12-03, 12:00 in Karachi): templates in five languages, a file in the
# config dir wins, --from-last keeps headings and drops words; a note tied to
# its appointment is found by one lookup; one text for each attending client
# of a group session, none when the server fails half-way; the worklist's
# exact rows, oldest first, and the same offline from the cache.
# Usage: tests/batch/worklist.sh [path/to/ezrizi] [atomic|batch]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
MODE=${2:-atomic}
export TZ=Asia/Karachi EZRIZI_NOW=2026-12-03T07:00:00Z
DAY=2026-12-03
platform_start --today "$DAY" --transactions "$MODE"
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m

# ======== templates ========
# lang locale: the headings of soap, dap and birp in that language.
check_lang() {
	local l=$1 loc=$2 soap=$3 dap=$4 birp=$5 t want out
	for t in soap dap birp; do
		case $t in soap) want=$soap ;; dap) want=$dap ;; birp) want=$birp ;; esac
		out=$(LANGUAGE= LANG=$loc LC_ALL=$loc ez note template "$t")
		got=$(printf '%s\n' "$out" | grep -v '^$' | paste -sd'|')
		[ "$got" = "$want" ] && ok "templates_in_five_languages: $t in $l" ||
			fail "templates_in_five_languages: $t in $l" "got '$got', wanted '$want'"
	done
}
check_lang en C.UTF-8 'Subjective:|Objective:|Assessment:|Plan:' 'Data:|Assessment:|Plan:' \
	'Behaviour:|Intervention:|Response:|Plan:'
check_lang ar ar_SA.UTF-8 'المعطيات الذاتية:|المعطيات الموضوعية:|التقييم:|الخطة:' 'البيانات:|التقييم:|الخطة:' \
	'السلوك:|التدخل:|الاستجابة:|الخطة:'
check_lang ur ur_PK.UTF-8 'موضوعی:|معروضی:|جائزہ:|منصوبہ:' 'معلومات:|جائزہ:|منصوبہ:' 'رویہ:|مداخلت:|ردعمل:|منصوبہ:'
check_lang ms ms_MY.UTF-8 'Subjektif:|Objektif:|Penilaian:|Pelan:' 'Data:|Penilaian:|Pelan:' \
	'Tingkah laku:|Intervensi:|Respons:|Pelan:'
check_lang tr tr_TR.UTF-8 'Öznel:|Nesnel:|Değerlendirme:|Plan:' 'Veri:|Değerlendirme:|Plan:' \
	'Davranış:|Müdahale:|Yanıt:|Plan:'
expect "templates: --lang picks the language" 0 "^Öznel:" ez note template soap --lang tr
out=$(ez note template free)
rc=$?
[ $rc = 0 ] && [ -z "$(printf '%s' "$out" | tr -d ' \n')" ] && ok "templates: free text has no headings" ||
	fail "templates: free text has no headings" "rc=$rc: $out"
expect "templates: the list names the four" 0 "birp.*BIRP \(Behaviour" ez note template
expect "templates: an unknown one is refused, saying where a clinic's go" 2 "no note template 'nosuch'.*templates" \
	ez note template nosuch
expect "templates: a bad name is refused" 2 "not a note template's name" ez note template ../x

# A clinic's own: SOAP for Turkish only, DAP for every language, and one of its own.
tdir=$XDG_CONFIG_HOME/ezrizi/templates
mkdir -p "$tdir"
printf 'Klinik S:\n\nKlinik P:\n\n' >"$tdir/soap.tr"
printf 'Clinic data:\n\nClinic plan:\n\n' >"$tdir/dap"
printf 'Risk:\n\nSafety plan reviewed:\n\n' >"$tdir/risk-review.en"
expect "template_override_wins: the config dir's soap.tr" 0 "^Klinik S:" ez note template soap --lang tr
out=$(ez note template soap --lang en)
printf '%s' "$out" | grep -q '^Subjective:' && ! printf '%s' "$out" | grep -q Klinik &&
	ok "template_override_wins: soap.tr leaves English as shipped" || fail "template_override_wins: soap.tr leaves English as shipped" "$out"
expect "template_override_wins: dap with no language, in Arabic too" 0 "^Clinic data:" ez note template dap --lang ar
expect "template_override_wins: a clinic's own is listed" 0 "risk-review.*templates/risk-review.en" ez note template
printf '\xff\xfe bad\n' >"$tdir/birp.en"
expect "a template that is not UTF-8 is refused, naming it" 2 "birp.en is not UTF-8 text" ez note template birp --lang en
rm -f "$tdir/birp.en"

# ======== --template and --from-last ========
pat=pat-0026   # amina's 09:00 client today
count_notes() { api "DocumentReference?subject=Patient/$1&_count=200" | jq '[.entry[]?.resource] | length'; }
before=$(count_notes "$pat")
ez note template soap --lang en >"$WORK/soap.txt"
expect "note add --template: the bare template is refused" 2 "only the template's headings" \
	ez note add "$pat" --template soap --file "$WORK/soap.txt"
[ "$(count_notes "$pat")" = "$before" ] && ok "note add --template: nothing was saved" ||
	fail "note add --template: nothing was saved" "$(count_notes "$pat") notes, $before before"
WORDS=UNIQUEWORD$$
printf 'Subjective:\nSlept badly %s.\n\nObjective:\nCalm.\n\nAssessment:\nImproving.\n\nPlan:\nSee next week.\n' "$WORDS" >"$WORK/soap-filled.txt"
out=$(LANGUAGE= LANG=C.UTF-8 ez --format json note add "$pat" --template soap --file "$WORK/soap-filled.txt")
nid=$(printf '%s' "$out" | jq -r .id)
[ "$(api "DocumentReference/$nid" | jq -r '.extension[] | select(.url == "urn:ezrizi:note-template") | .valueCode')" = soap ] &&
	ok "note add --template: recorded on the note" || fail "note add --template: recorded on the note" "$out"
out=$(ez note template --from-last "$pat")
got=$(printf '%s\n' "$out" | grep -v '^$' | paste -sd'|')
[ "$got" = 'Subjective:|Objective:|Assessment:|Plan:' ] && ! printf '%s' "$out" | grep -q "$WORDS" &&
	ok "from_last_copies_headings_not_words" || fail "from_last_copies_headings_not_words" "$out"
expect "--from-last: a last note with no headings says so" 3 "no headings" ez note template --from-last pat-0031

# ======== a note tied to its session ========
appt=appt-20261203-amina-0900
out=$(ez --format json note add "$pat" --appointment "$appt" --file "$WORK/soap-filled.txt")
tid=$(printf '%s' "$out" | jq -r .id)
doc=$(api "DocumentReference/$tid")
[ "$(printf '%s' "$doc" | jq -r '.context.related[0].reference')" = "Appointment/$appt" ] &&
	[ "$(printf '%s' "$doc" | jq -r '.context.period.start')" = 2026-12-03T04:00:00Z ] &&
	[ "$(printf '%s' "$doc" | jq -r '.context.period.end')" = 2026-12-03T04:50:00Z ] &&
	ok "note_tied_to_session: context.related and the session's period" || fail "note_tied_to_session: context.related and period" "$doc"
got=$(ez --format json notes --appointment "$appt" | jq -r .id | paste -sd' ')
[ "$got" = "$tid" ] && ok "note_tied_to_session: notes --appointment finds it, and only it" ||
	fail "note_tied_to_session: notes --appointment finds it, and only it" "got '$got', wanted $tid"
got=$(ez --format json notes "$pat" --appointment "$appt" | jq -r .appointment_id | paste -sd' ')
[ "$got" = "$appt" ] && ok "note_tied_to_session: the client's notes of the session say which" ||
	fail "note_tied_to_session: the client's notes of the session say which" "$got"
before=$(count_notes pat-0031)
expect "a note tied to a session the client is not in is refused" 2 "not in appointment" \
	ez note add pat-0031 --appointment "$appt" --file "$WORK/soap-filled.txt"
[ "$(count_notes pat-0031)" = "$before" ] && ok "... and nothing was saved" || fail "... and nothing was saved" "$(count_notes pat-0031)"
expect "notes needs a client or a session" 2 "Name the client" ez notes

# ======== group notes ========
gappt=$(api "Appointment?_count=200&date=ge2026-11-30" | jq -r '.entry[].resource | select(.id | startswith("appt-group-")) | .id' | head -n1)
members=$(api "Appointment/$gappt" | jq -r '[.participant[] | select(.actor.reference | startswith("Patient/")) | .actor.reference | sub("Patient/"; "")] | join(" ")')
nmem=$(printf '%s\n' $members | wc -l)
[ "$nmem" -ge 3 ] && ok "a group session of $nmem clients" || fail "a group session" "$gappt: $members"
gtext() { api "DocumentReference?_count=500&related=Appointment/$gappt" | jq "[.entry[]?.resource | select(.status == \"current\")] | length"; }
GW=GROUPWORDS$$
printf 'Group session: breathing practice, %s.\n' "$GW" >"$WORK/group.txt"
# Eight attend: more than one transaction of conditional creates takes on
# Medplum (8 entries, the Provenance one of them): refused, nothing made.
expect "group_note_all_or_none: eight at once is refused, saying what to do" 2 "1 to 7 clients at once" \
	ez note add --for attending --appointment "$gappt" --file "$WORK/group.txt"
[ "$(gtext)" = 0 ] && ok "... and nothing was saved" || fail "... and nothing was saved" "$(gtext) notes"
six=$(printf '%s\n' $members | head -n6 | paste -sd,)
fault "{\"tx_break_entry_next\": 3}"
out=$(ez note add --for "$six" --appointment "$gappt" --file "$WORK/group.txt" 2>&1)
rc=$?
[ $rc != 0 ] && [ "$(gtext)" = 0 ] && ok "group_note_all_or_none: a failure half-way leaves no note ($MODE)" ||
	fail "group_note_all_or_none: a failure half-way leaves no note ($MODE)" "rc=$rc, $(gtext) notes: $out"
fault '{}'
out=$(ez --format json note add --for "$six" --appointment "$gappt" --file "$WORK/group.txt")
rc=$?
docs=$(api "DocumentReference?_count=500&related=Appointment/$gappt")
made=$(printf '%s' "$docs" | jq -r '[.entry[]?.resource | select(.status == "current") | .subject.reference | sub("Patient/"; "")] | sort | join(" ")')
[ $rc = 0 ] && [ "$made" = "$(printf '%s\n' $members | head -n6 | sort | paste -sd' ')" ] &&
	ok "group_note_per_member: one note for each client named" || fail "group_note_per_member: one note for each client named" "rc=$rc made '$made' members '$six'"
printf '%s' "$docs" | jq -e --arg gw "$GW" '[.entry[].resource | select(.status == "current") | (.content[0].attachment.data | @base64d | contains($gw)) and (.subject | type == "object") and (.context.period.start != null) and (.docStatus == "final")] | all' >/dev/null &&
	ok "group_note_per_member: the one text, signed, each naming only its client, with the session's time" ||
	fail "group_note_per_member: the one text, each naming only its client" "$docs"
first=$(printf '%s' "$docs" | jq -r '[.entry[].resource | select(.status == "current") | .id] | sort | .[0]')
ntarget=$(api "Provenance?target=DocumentReference/$first" | jq '[.entry[]?.resource.target | length] | .[0]')
[ "$ntarget" = 6 ] && ok "group_note_per_member: one Provenance signs the six" || fail "group_note_per_member: one Provenance signs the six" "$ntarget"
one=$(printf '%s\n' $members | head -n1)
expect "group note: a client not in the session is refused" 2 "not in appointment" \
	ez note add --for "$one,pat-0031" --appointment "$gappt" --file "$WORK/group.txt"
expect "group note: a client named twice is refused" 2 "named twice" \
	ez note add --for "$one,$one" --file "$WORK/group.txt"
expect "group note: PATIENT-ID and --for is refused" 2 "not both" \
	ez note add "$one" --for "$one" --file "$WORK/group.txt"

# ======== the worklist ========
# The seeded week: Mon 12:00 no note, Tue 10:00 signed (absent), Wed 09:00 a
# draft (within 48 h), today 09:00 now noted above (absent), today 10:00
# arrived with no note; and a draft of Sunday 16:00 tied to no session.
want='2026-11-29T16:00:00+05:00	old-draft	pat-0076		note-draft-overdue
2026-11-30T12:00:00+05:00	no-note	pat-0001	appt-20261130-amina-1200	
2026-12-02T09:00:00+05:00	draft	pat-0025	appt-20261202-amina-0900	note-session-appt-20261202-amina-0900
2026-12-03T10:00:00+05:00	no-note	pat-0031	appt-20261203-amina-1000	'
rows() { "$@" | jq -r '[.since, .kind, .patient_id, (.appointment_id // ""), (.note_id // "")] | @tsv'; }
got=$(rows ez --format json worklist)
[ "$got" = "$want" ] && ok "worklist_seeded_week: exact rows, oldest first" ||
	fail "worklist_seeded_week: exact rows, oldest first" "got:
$got
wanted:
$want"
expect "worklist: a table with the kinds in words" 0 "overdue draft.*note-draft-overdue" ez worklist
expect "worklist: the same kind as a code in TSV" 0 "old-draft" ez --format tsv worklist
got=$(EZRIZI_NOW=2026-12-04T07:00:00Z rows ez --format json worklist | sed -n 3p | cut -f2)
[ "$got" = old-draft ] && ok "worklist: a day later the Wednesday draft is overdue (48 h)" ||
	fail "worklist: a day later the Wednesday draft is overdue" "$got"
echo "draft_limit_hours = 72" >>"$XDG_CONFIG_HOME/ezrizi/config"
got=$(EZRIZI_NOW=2026-12-04T07:00:00Z rows ez --format json worklist | sed -n 3p | cut -f2)
[ "$got" = draft ] && ok "worklist: draft_limit_hours = 72 leaves it in time" || fail "worklist: draft_limit_hours = 72" "$got"
sed -i '/^draft_limit_hours/d' "$XDG_CONFIG_HOME/ezrizi/config"
echo "draft_limit_hours = 12" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "worklist: draft_limit_hours below 24 is refused" 2 "draft_limit_hours" ez worklist
sed -i '/^draft_limit_hours/d' "$XDG_CONFIG_HOME/ezrizi/config"
expect "worklist: --days out of range" 2 "from 1 to 90" ez worklist --days 0
got=$(rows ez --format json worklist --days 1 | cut -f3 | paste -sd' ')
[ "$got" = "pat-0076 pat-0031" ] && ok "worklist: --days 1 is today's sessions (and overdue drafts)" ||
	fail "worklist: --days 1" "$got"

# Offline, from the cache the last run filled: the same rows, and how old.
got=$(rows ez --offline --format json worklist)
[ "$got" = "$want" ] && ok "worklist_offline_from_cache: the same rows" ||
	fail "worklist_offline_from_cache: the same rows" "got:
$got"
expect "worklist_offline_from_cache: says how old" 0 "From the local cache, as fetched 0 minutes ago" ez --offline worklist
expect "worklist_offline_from_cache: an hour on" 0 "as fetched 60 minutes ago" env EZRIZI_NOW=2026-12-03T08:00:00Z "$EZRIZI" --offline worklist

# A signed note for Monday's session takes it off the list.
printf 'Monday session.\n' | ez note add pat-0001 --appointment appt-20261130-amina-1200 >/dev/null
got=$(rows ez --format json worklist | cut -f3 | paste -sd' ')
[ "$got" = "pat-0076 pat-0025 pat-0031" ] && ok "worklist: a signed note tied to the session takes it off" ||
	fail "worklist: a signed note tied to the session takes it off" "$got"

finish
