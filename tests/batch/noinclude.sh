#!/usr/bin/env bash
# A server that ignores _include (it is optional in FHIR): every name must still
# be there, fetched in one request a type, from the local cache first.
# Usage: tests/batch/noinclude.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=${1:-$EZRIZI}
export TZ=Asia/Kuala_Lumpur
platform_start --no-include --no-display
config_user amina
ez() { "$EZRIZI" "$@"; }
expect "login" 0 "Logged in" ez login
expect "unlock" 0 "stays open" ez unlock --for 10m
# The platform logs one line a request: "GET /fhir/R4/Patient?_id=... 200 3.1ms".
asked() { grep -c "^GET /fhir/R4/$1?_id=" "$WORK/platform.log"; }

# The server really leaves the included resources out (a positive control).
tok=$(token)
inc=$(curl -sf -H "Authorization: Bearer $tok" "$BASE/Appointment?_count=5&_include=Appointment:actor" |
	jq -r '[.entry[] | select(.resource.resourceType != "Appointment")] | length')
disp=$(curl -sf -H "Authorization: Bearer $tok" "$BASE/Appointment?_count=5" | jq -r '[.. | objects | select(has("display") and has("reference"))] | length')
[ "$inc/$disp" = 0/0 ] && ok "the platform ignores _include and names no one in references" ||
	fail "the platform ignores _include and names no one in references" "$inc included, $disp displays"

json=$(ez --format json appointments --practitioner all --from today --to +6d)
n=$(printf '%s\n' "$json" | grep -c '^{')
nameless=$(printf '%s\n' "$json" | jq -r 'select(.patient_name == null or .patient_name == "" or .practitioner_name == null) | .id')
[ "$n" -ge 10 ] && [ -z "$nameless" ] && ok "names_without_include: $n appointments, every name there" ||
	fail "names_without_include" "$n rows; nameless: $(printf '%s' "$nameless" | head -c 300)"
[ "$(asked Patient)" = 1 ] && [ "$(asked Practitioner)" = 1 ] &&
	ok "the missing names come in one request a type" ||
	fail "the missing names come in one request a type" "Patient $(asked Patient), Practitioner $(asked Practitioner)"
before=$(( $(asked Patient) + $(asked Practitioner) ))
ez --format json appointments --practitioner all --from today --to +6d >"$WORK/again.json"
after=$(( $(asked Patient) + $(asked Practitioner) ))
[ "$after" = "$before" ] && [ -z "$(jq -r 'select(.patient_name == null) | .id' "$WORK/again.json")" ] &&
	ok "the second time, from the local cache: no request for names" ||
	fail "the second time, from the local cache" "$before -> $after requests"

# A client's chat and notes: the senders and authors named too.
cp=$(curl -sf -H "Authorization: Bearer $tok" \
	"$BASE/Communication?_count=1&part-of:missing=false" | jq -r '.entry[0].resource.subject.reference' | sed 's|Patient/||')
cj=$(ez --format json chat "$cp")
[ "$(printf '%s\n' "$cj" | grep -c '^{')" -ge 2 ] &&
	[ -z "$(printf '%s\n' "$cj" | jq -r 'select(.sender_name == null) | .id')" ] &&
	ok "chat senders named without _include" || fail "chat senders named without _include" "$cj"
np=$(printf '%s\n' "$json" | jq -r .patient_id | head -n1)
nj=$(ez --format json notes "$np")
[ -z "$(printf '%s\n' "$nj" | jq -r 'select(.author_name == null) | .id')" ] &&
	ok "note authors named without _include" || fail "note authors named without _include" "$nj"
sj=$(ez --format json slots --from +1d --to +3d)
[ "$(printf '%s\n' "$sj" | grep -c '^{')" -ge 5 ] &&
	[ -z "$(printf '%s\n' "$sj" | jq -r 'select(.practitioner_name == null) | .id' | head -n 3)" ] &&
	ok "slots name the counsellor without _include" || fail "slots name the counsellor without _include" "$(printf '%s' "$sj" | head -c 300)"
# The screen: today's list names its clients (it searches the same way).
if command -v tmux >/dev/null; then
	SOCK=ezrizi-noinc-$$
	trap 'tmux -L "$SOCK" kill-server 2>/dev/null; cleanup' EXIT
	me_json=$(ez --format json appointments)
	name1=$(printf '%s\n' "$me_json" | head -n1 | jq -r .patient_name)
	word=$(printf '%s' "$name1" | cut -d' ' -f1)
	tmux -L "$SOCK" new-session -d -s s -x 80 -y 24 "env TERM=screen-256color LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ \
XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$EZRIZI'; sleep 60"
	seen=
	for _ in $(seq 1 $((100 * SLOW))); do
		tmux -L "$SOCK" capture-pane -p -t s | grep -qF -- "$word" && { seen=1; break; }
		sleep 0.1
	done
	# The cache paints first; the server's answer (with no people in it) follows.
	sleep $((2 * SLOW))
	scr=$(tmux -L "$SOCK" capture-pane -p -t s)
	printf '%s' "$scr" | grep -qF -- "$word" || seen=
	[ -n "$word" ] && [ -n "$seen" ] && ! printf '%s' "$scr" | grep -q "(no client)" &&
		ok "screen_names_without_include: the list names '$word'" ||
		fail "screen_names_without_include" "no '$word', or '(no client)':
$scr"
	tmux -L "$SOCK" send-keys -t s q
fi
finish
