#!/usr/bin/env bash
# The screen's first paint from a large local cache (many sessions today), and
# the server's answer to it with a list that changed meanwhile (issue 8): the
# row marked ▸ (the session under way), the selected row and the client the
# notes and chat panes show are the same at the cache's paint and after the
# answer; a move made while the cache is on screen stays after the answer.
# A fixed clock and a platform seeded for a fixed day; the platform answers
# late (its latency fault) so the cache's paint can be looked at.
# Usage: tests/tui/large_cache.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Kuala_Lumpur
DAY=2026-12-02
export EZRIZI_NOW=2026-12-02T06:05:00Z   # 14:05 in Kuala Lumpur
TUI_TERM=screen
command -v jq >/dev/null || { echo "jq is not installed"; exit 77; }

platform_start --today "$DAY"
config_user amina
# No look again while the test runs: every answer is one the test asked for.
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login

# ---- a large day: 40 sessions of amina's more than the seed's 4 ----
TOKEN=$(token)
seeded=$("$EZRIZI" --format json appointments | jq -r .patient_id)
# Clients with a plain name no other client has, not seen today yet: one for
# the session under way (NOW), one for the session after it (NEXT).
pats=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/Patient?_count=300&_elements=id,name" |
	jq -c --arg seen "$seeded" '[.entry[].resource | {id, name: .name[0].text}] |
		group_by(.name) | map(select(length == 1)[0]) |
		map(select((.name | test("^[A-Za-z]+ [A-Za-z]+$")) and
			(.id as $i | $seen | split("\n") | index($i) | not)))')
NOWP=$(printf '%s' "$pats" | jq -r '.[0].id')
NOWNAME=$(printf '%s' "$pats" | jq -r '.[0].name')
NEXTP=$(printf '%s' "$pats" | jq -r '.[1].id')
NEXTNAME=$(printf '%s' "$pats" | jq -r '.[1].name')
OTHERS=$(printf '%s' "$pats" | jq -c '[.[2:][].id]')
[ -n "$NEXTNAME" ] && [ "$NEXTNAME" != null ] && [ "$(printf '%s' "$OTHERS" | jq length)" -ge 20 ] ||
	{ fail "clients for a large day" "$pats"; finish; exit; }

# book FROM_MINUTE COUNT [PATIENT]: COUNT sessions of 10 minutes, one every 15
# minutes from FROM_MINUTE after midnight (Kuala Lumpur), for PATIENT or for
# the other clients in turn; one batch Bundle.
midnight=$(date -d "$DAY 00:00" +%s)
book() {
	jq -n --argjson t0 "$midnight" --argjson from "$1" --argjson n "$2" --arg only "${3:-}" \
		--argjson others "$OTHERS" '
		{resourceType: "Bundle", type: "batch", entry: [range(0; $n) as $i |
			(if $only != "" then $only else $others[(($from / 15 | floor) + $i) % ($others | length)] end) as $p |
			{request: {method: "POST", url: "Appointment"},
			 resource: {resourceType: "Appointment", status: "booked",
				start: (($t0 + ($from + 15 * $i) * 60) | todate),
				end: (($t0 + ($from + 15 * $i + 10) * 60) | todate),
				participant: [{actor: {reference: ("Patient/" + $p)}, status: "accepted"},
					{actor: {reference: "Practitioner/prac-amina"}, status: "accepted"}]}}]}' |
		curl -sf -o "$WORK/book.out" -X POST -H "Authorization: Bearer $TOKEN" \
			-H 'Content-Type: application/fhir+json' --data-binary @- "$BASE" &&
		[ "$(jq '[.entry[].response.status | select(startswith("201"))] | length' "$WORK/book.out")" = "$2" ]
}
# 06:00-08:45 twelve, 14:00 NOW (under way at 14:05: 14:00-14:10 is too short,
# so its own 50 minutes), 14:50 NEXT, 16:00-21:45 twenty-four.
book 360 12 && book 960 24 && book 890 1 "$NEXTP" || { fail "a large day is booked" "$(cat "$WORK/book.out")"; finish; exit; }
jq -n --argjson t0 "$midnight" --arg p "$NOWP" '{resourceType: "Appointment", status: "booked",
	start: (($t0 + 840 * 60) | todate), end: (($t0 + 890 * 60) | todate),
	participant: [{actor: {reference: ("Patient/" + $p)}, status: "accepted"},
		{actor: {reference: "Practitioner/prac-amina"}, status: "accepted"}]}' |
	curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/fhir+json' \
		--data-binary @- "$BASE/Appointment" || { fail "the session under way is booked" "curl failed"; finish; exit; }

# Into the cache: today's list, everyone's too, and the week around it.
"$EZRIZI" appointments --practitioner all --from -3d --to +3d >/dev/null &&
	n_cache=$("$EZRIZI" --format json appointments | grep -c '^{') ||
	{ fail "the cache is filled" "ezrizi appointments failed"; finish; exit; }
[ "$n_cache" = 42 ] && ok "42 sessions today, in the cache" || fail "42 sessions today, in the cache" "$n_cache"

# The server's list changes after the cache has it: three earlier sessions, so
# every row of the cache's list is three rows lower in the server's.
book 300 3 || { fail "three more sessions are booked" "$(cat "$WORK/book.out")"; finish; exit; }
fault "{\"latency_ms\":$((3000 * SLOW))}"

# ---- the screen ----
# A keepalive session, so tmux's server never exits between screens.
tm new-session -d -s keepalive "sleep 600"
tui_start ez EZRIZI_NOW=$EZRIZI_NOW

# The list's rows are lines 3 to 22. The row marked ▸ (plain text) and the
# row whose time is in reverse video (the selection).
SEL_RE=$'^(\e\\[[0-9;]*m)*│ (\e\\[[0-9;]*m)*\e\\[([0-9]+;)*7(;[0-9]+)*m'
marked_line() { screen | awk 'NR >= 3 && NR <= 22 && /^│ ▸/ { print NR; exit }'; }
selected_line() { screen -e | grep -nE -- "$SEL_RE" | head -n1 | cut -d: -f1; }
# agree NAME: the selected row is NAME's, the notes and chat are titled with
# NAME, and (with "marked") the selected row is the one marked ▸.
agree() {
	local s sel mk
	s=$(screen)
	sel=$(selected_line)
	# The row (the list's part of the line) names the client, perhaps cut short.
	[ -n "$sel" ] && printf '%s\n' "$s" | sed -n "${sel}p" | sed 's/││.*//' |
		grep -q " $(re "${1%% *}")" || return 1
	printf '%s\n' "$s" | grep -q "Notes: $(re "$1") " && printf '%s\n' "$s" | grep -q "Chat: $(re "$1") " || return 1
	if [ "${2:-}" = marked ]; then
		mk=$(marked_line)
		[ -n "$mk" ] && [ "$mk" = "$sel" ] || return 1
	fi
	return 0
}
# agree_soon NAME [marked]: within a second (the panes follow at once here).
agree_soon() {
	for _ in $(seq 1 $((10 * SLOW))); do agree "$@" && return 0; sleep 0.1; done
	return 1
}
state() {
	printf 'marked line %s, selected line %s, titles: %s\n%s' "$(marked_line)" "$(selected_line)" \
		"$(screen | grep -oE '(Notes|Chat): [^─]*' | tr '\n' '/')" "$(screen)"
}

# ---- the cache's paint ----
if wait_for "^┌ Today: 42 sessions" 50 && screen | grep -q "from the cache"; then
	ok "the screen paints the cache's 42 sessions first"
else
	fail "the screen paints the cache's 42 sessions first" "$(screen)"
fi
if agree_soon "$NOWNAME" marked && screen | grep -q "from the cache"; then
	ok "first_paint_marker_matches_panes: from the cache"
else
	fail "first_paint_marker_matches_panes: from the cache" "wanted $NOWNAME under ▸, selected and in the titles; $(state)"
fi

# ---- the server's answer: 45 sessions, every row three lower ----
if wait_for "^┌ Today: 45 sessions" $((60 + 40 * SLOW)) && ! screen | grep -q "from the cache"; then
	ok "the server's answer replaces the cache's list"
else
	fail "the server's answer replaces the cache's list" "$(screen)"
fi
if agree_soon "$NOWNAME" marked; then
	ok "first_paint_marker_matches_panes: after the server's answer"
else
	fail "first_paint_marker_matches_panes: after the server's answer" "wanted $NOWNAME under ▸, selected and in the titles; $(state)"
fi

# ---- a move while the cache is on screen, then a changed answer ----
# One more session on the server only, then a reload: the cache paints 45, the
# server answers 46. Down meanwhile selects NEXT; the answer must not take the
# selection back to the session selected before the reload.
fault '{"clear":true}'
book 240 1 || fail "one more session is booked" "$(cat "$WORK/book.out")"
fault "{\"latency_ms\":$((3000 * SLOW))}"
tm send-keys -t ez r
if wait_for "from the cache" 30; then
	tm send-keys -t ez Down
	if agree_soon "$NEXTNAME" && screen | grep -q "from the cache"; then
		ok "Down while the cache is on screen selects the next session"
	else
		fail "Down while the cache is on screen selects the next session" "wanted $NEXTNAME; $(state)"
	fi
else
	fail "r paints the cache's list first" "$(screen)"
fi
if wait_for "^┌ Today: 46 sessions" $((60 + 40 * SLOW)) && ! screen | grep -q "from the cache" && agree_soon "$NEXTNAME"; then
	ok "move_during_cache_paint_survives_answer"
else
	fail "move_during_cache_paint_survives_answer" "wanted $NEXTNAME still selected after the answer; $(state)"
fi
fault '{"clear":true}'

tm send-keys -t ez q
finish
