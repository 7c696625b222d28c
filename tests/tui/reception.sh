#!/usr/bin/env bash
# The front desk's screen: reception has no schedule of its own, so the screen
# opens on everyone's day (start_with = auto), at once from the second start;
# a counsellor's opens on their own; start_with = mine keeps the old way.
# Usage: tests/tui/reception.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=Asia/Kuala_Lumpur
TUI_TERM=screen-256color
platform_start
config_user reception
expect "login as reception" 0 "Logged in" "$EZRIZI" login

title_of() { tm capture-pane -p -t "$1" | unbidi | sed -n 2p; }
wait_title() {  # NAME PATTERN TENTHS
	for _ in $(seq 1 $(( $3 * SLOW ))); do
		title_of "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
everyone_n=$(EZRIZI_TOKEN=$(token reception) "$EZRIZI" --format json appointments --practitioner all | grep -c '^{')

screen_start first
if wait_title first "^┌ Today, everyone: $everyone_n sessions" 100; then
	ok "reception_starts_on_everyones_day ($everyone_n sessions)"
else
	fail "reception_starts_on_everyones_day" "$(title_of first)"
fi
tm send-keys -t first q
sleep 0.5
# The second start knows it from the store: everyone's day from the first paint.
screen_start second
first_title=
for _ in $(seq 1 $((100 * SLOW))); do
	first_title=$(title_of second)
	printf '%s' "$first_title" | grep -q '^┌ Today' && break
	sleep 0.05
done
printf '%s' "$first_title" | grep -q "everyone" && ok "the second start paints everyone's day at once" ||
	fail "the second start paints everyone's day at once" "$first_title"
tm send-keys -t second q
sleep 0.5

screen_start mine "start_with = mine"
wait_title mine "^┌ Today: 0 sessions" 100 && ok "start_with = mine: reception's own (empty) day" ||
	fail "start_with = mine: reception's own (empty) day" "$(title_of mine)"
tm send-keys -t mine q
sleep 0.5

# A counsellor with a schedule opens on their own day.
config_user amina
"$EZRIZI" login >/dev/null 2>&1 || fail "login as amina" "failed"
mine_n=$(EZRIZI_TOKEN=$(token amina) "$EZRIZI" --format json appointments --practitioner prac-amina | grep -c '^{')
screen_start amina
sleep $((2 * SLOW))
wait_title amina "^┌ Today: $mine_n sessions" 100 && ok "a counsellor's screen opens on their own day ($mine_n)" ||
	fail "a counsellor's screen opens on their own day" "$(title_of amina)"
finish
