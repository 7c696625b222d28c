#!/usr/bin/env bash
# Escalation to the counsellor on call: a counsellor escalates a client in
# batch; the on-call counsellor's screen rings and says so across its title
# bar at its next look, with the sender, the client and the words; U shows it
# whole and marks it read, and the sender sees when. One sent before the
# screen opened is shown too.
# Usage: tests/tui/escalate.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Kuala_Lumpur
platform_start
config_user omar
POLL=2
echo "poll_interval = $POLL" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login as omar (on call)" 0 "Logged in" "$EZRIZI" login

# The sender, amina, in batch with a store of her own.
mkdir -m 700 -p "$WORK/amina-data"
TOKEN=$(token amina)
ama() { XDG_DATA_HOME=$WORK/amina-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
pat=$(ama --format json patients --limit 5 | sed -n 2p | jq -r .id)
name=$(ama --format json patient "$pat" | jq -r .name)
[ -n "$pat" ] && [ "$pat" != null ] && ok "a client: $name" || fail "a client" "none"

# One before the screen opens: shown at once when it does.
expect "escalated before the screen" 0 "Escalated to the counsellor on call \(prac-omar\)" \
	ama escalate "$pat" "first: rang the desk, crying"
S=omar
screen_start omar "start_with = everyone"   # a client to escalate from the screen
check "escalation_before_start_shown" "URGENT \(1\), press U to read it: .* about $(re "$name"): first: rang" $((2 * POLL * 10 + 50))

# One while it is open: within a poll, the count goes up.
words='Says "tonight"; has #2 plans — خطر'
expect "escalated while the screen is open" 0 "Escalated" ama escalate "$pat" "$words"
check "escalation_within_one_poll" "URGENT \(2\), press U to read the oldest: " $((2 * POLL * 10 + 30))

# U: the oldest, whole, and read; the sender sees when.
keys U
check "U shows it whole" "first: rang the desk, crying"
check "U marks it read" "Escalation .* read: its sender sees when"
first=$(ama --format json escalations --sent | jq -r 'select(.text == "first: rang the desk, crying") | .read')
[ -n "$first" ] && [ "$first" != null ] && ok "escalation_read_receipt: the sender sees when ($first)" ||
	fail "escalation_read_receipt" "$(ama --format json escalations --sent)"
keys q
check "the second still waits" "URGENT \(1\), press U to read it: .*Says"
keys U
check "the words as typed" "$(re "$words")"
keys q
check "none waits: the title bar is the usual one" "^ ezrizi — " 50
[ "$(ama --format json escalations --sent | jq -r .read | grep -c '^$')" = 0 ] &&
	ok "both read" || fail "both read" "$(ama --format json escalations --sent)"
keys U
check "U with none" "No escalation waits for you"

# H on omar's own screen sends one (to himself, on call): it goes at once.
keys H
check "H asks what is happening" "To the counsellor on call, about"
type_text 'from the screen; "quoted" #3'
keys Enter
check "escalation_from_the_screen" "Escalated to the counsellor on call"
[ "$(api 'Communication?category=alert&_count=100' | jq -r '[.entry[].resource | select(.payload[0].contentString == "from the screen; \"quoted\" #3")] | length')" = 1 ] &&
	ok "the screen's words as typed" || fail "the screen's words as typed" "$(api 'Communication?category=alert&_count=100')"
finish
