#!/usr/bin/env bash
# Logging in every way a server offers, against the demo platform: the password;
# the browser (authorization code + PKCE) driven end to end by a fake browser
# (tests/batch/fake-browser.sh), and with the address pasted on a terminal
# (ezrizi under tmux); the device grant (a script logs in on the device page
# while ezrizi polls; slow_down honoured; denied; expired); client credentials
# acting for a counsellor or for none; a Medplum-like platform (--grants without
# the password); and who "me" is after each, and with EZRIZI_TOKEN (userinfo).
# Usage: tests/batch/login.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=$(cd "$(dirname "${1:-$EZRIZI}")" && pwd)/$(basename "${1:-$EZRIZI}")
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
unset BROWSER DISPLAY WAYLAND_DISPLAY SSH_CONNECTION SSH_TTY TMUX
FAKE=$TOP/tests/batch/fake-browser.sh
export FAKE_DIR=$WORK/fake
mkdir -p "$FAKE_DIR"
SOCK=ezrizi-login-$$
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; cleanup' EXIT
CFG=$XDG_CONFIG_HOME/ezrizi/config
ez() { "$EZRIZI" "$@"; }
me() { ez "$@" --format json whoami | jq -r '[.practitioner_id, .acts_for, .method, .credentials] | join(" ")'; }
browser_log() { cat "$FAKE_DIR/browser.log" 2>/dev/null; }
# The fake browser writes its last line after ezrizi has answered it: wait.
browser_saw() {
	for _ in $(seq 1 $((50 * SLOW))); do
		browser_log | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
fresh() { rm -f "$FAKE_DIR/browser.log" "$FAKE_DIR/location"; }
# is NAME ACTUAL EXPECTED
is() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got [$2], wanted [$3]"; fi; }
count() { grep -c -- "$1" "$WORK/platform.log"; }

# A config beside the main one: the main one plus the lines given.
config_plus() {
	local f=$XDG_CONFIG_HOME/ezrizi/$1
	shift
	{ cat "$CFG"; printf '%s\n' "$@"; } >"$f"
	printf '%s' "$f"
}

platform_start --device-interval 1
config_user amina

# ---- the password grant, as before ----
expect "login takes the password grant when the server offers it" 0 "Logged in to .* as amina\." ez login
expect "login says who you are" 0 "You are Practitioner/prac-amina \(أمينة الحسيني\)\." ez login
is "whoami after a password login" "$(me)" "prac-amina Practitioner/prac-amina password stored login"
expect "an unknown method" 2 "'carrier-pigeon' is not a login method" ez login --method carrier-pigeon
expect "--client and another --method" 2 "--client is --method client" ez login --client --method browser

# ---- the browser, driven by a fake one ----
fresh
expect "browser login: the browser comes back to the loopback listener" 0 "Logged in to .* as bilal\." \
	env BROWSER="$FAKE" FAKE_USER=bilal "$EZRIZI" login --method browser
is "whoami after a browser login" "$(me)" "prac-bilal Practitioner/prac-bilal browser stored login"
browser_log | grep -qE '^location http://127\.0\.0\.1:[0-9]+/callback$' &&
	ok "the redirect is http://127.0.0.1:PORT/callback" || fail "the redirect is http://127.0.0.1:PORT/callback" "$(browser_log)"
browser_saw '^callback 200 You are logged in to ezrizi. You can close this page' &&
	ok "the listener answers a page saying the login is done" || fail "the listener's page" "$(browser_log)"
fresh
expect "the listener refuses other requests and still takes the callback" 0 "Logged in" \
	env BROWSER="$FAKE" FAKE_MODE=probe "$EZRIZI" login --method browser
browser_saw '^probe favicon 404$' && browser_saw '^probe post 405$' &&
	ok "the listener answers 404 to another path, 405 to a POST" || fail "the listener's refusals" "$(browser_log)"
browser_saw '^callback 200'
port=$(browser_log | sed -n 's|^location http://127.0.0.1:\([0-9]*\)/callback$|\1|p')
st=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/callback?code=x")
[ -n "$port" ] && [ "$st" = 000 ] && ok "nothing listens on the loopback port after the one request" ||
	fail "nothing listens on the loopback port after the one request" "port [$port], answer $st"
ez login --method password >/dev/null 2>&1
fresh
expect "a forged state is refused" 5 "belongs to another login \(its state differs\); nothing was changed" \
	env BROWSER="$FAKE" FAKE_MODE=state FAKE_USER=siti "$EZRIZI" login --method browser
browser_saw '^callback 400 That answer belongs to another login' &&
	ok "the browser is told the answer was refused" || fail "the browser is told the answer was refused" "$(browser_log)"
is "a refused login keeps the stored one" "$(me)" "prac-amina Practitioner/prac-amina password stored login"
fresh
out=$(printf 'login --method browser\nwhoami\n' | BROWSER="$FAKE" FAKE_MODE=state "$EZRIZI" --keep-going batch - 2>&1)
printf '%s' "$out" | grep -q "another login" && printf '%s' "$out" | grep -qE "Counsellor id: +prac-amina" &&
	ok "in a batch, the line after a refused login runs as the login before" || fail "the line after a refused login" "$out"
fresh
expect "a code made for another PKCE challenge is refused, in the server's words" 5 "\(The server said: Invalid code verifier\)" \
	env BROWSER="$FAKE" FAKE_MODE=challenge "$EZRIZI" login --method browser
browser_saw '^callback 400 .*Invalid code verifier' &&
	ok "the browser's page says the login failed, and why" || fail "the browser's page says the login failed" "$(browser_log)"
fresh
expect "denied in the browser" 5 "The login was denied in the browser; nothing was changed" \
	env BROWSER="$FAKE" FAKE_MODE=deny "$EZRIZI" login --method browser
expect "with no browser and no terminal the address is still printed" 0 "To log in, open this address in a browser" \
	sh -c "'$EZRIZI' login --method browser </dev/null 2>&1 & pid=\$!; sleep $((2 * SLOW)); kill \$pid"

# ---- the browser over SSH: the address it ends on, pasted on the terminal ----
screen() { tm capture-pane -p -J -S -200 -t "$1" 2>/dev/null; }
wait_for() { # wait_for SESSION PATTERN [TENTHS]
	for _ in $(seq 1 $(( ${3:-100} * SLOW ))); do
		screen "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
# on_tty SESSION COLUMNS ARGS...: ezrizi in a terminal of its own.
on_tty() {
	local s=$1 cols=$2
	shift 2
	tm new-session -d -s "$s" -x "$cols" -y 30 "env LANG=$LANG LC_CTYPE=$LC_CTYPE XDG_CONFIG_HOME='$XDG_CONFIG_HOME' \
XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' FAKE_DIR='$FAKE_DIR' $* ; echo EXIT=\$?; sleep 120"
}
fresh
on_tty paste 100 BROWSER="'$FAKE'" FAKE_MODE=print FAKE_USER=siti "'$EZRIZI'" login --method browser
if wait_for paste "paste it here and press Enter" && [ -n "$(for _ in $(seq 100); do [ -f "$FAKE_DIR/location" ] && echo y && break; sleep 0.1; done)" ]; then
	screen paste | grep -q '█' && ok "a QR code of the address on a wide terminal" || fail "a QR code on a wide terminal" "$(screen paste)"
	tm send-keys -t paste -l -- "-u not an address"  # pasted_text_starting_with_dash: the harness passes it whole
	tm send-keys -t paste Enter
	wait_for paste "neither a login address nor a code" && wait_for paste "Paste it again" &&
		ok "pasted_text_starting_with_dash: a wrong paste is explained, and the wait goes on" || fail "a wrong paste is explained" "$(screen paste)"
	tm send-keys -t paste -l -- "$(cat "$FAKE_DIR/location")"
	tm send-keys -t paste Enter
	wait_for paste "EXIT=[0-9]" 150
	screen paste | grep -q "Logged in to .* as siti" && screen paste | grep -q "EXIT=0" &&
		ok "browser login with the address pasted" || fail "browser login with the address pasted" "$(screen paste | tail -n 12)"
	is "whoami after a pasted login" "$(me)" "prac-siti Practitioner/prac-siti browser stored login"
else
	fail "browser login with the address pasted" "no prompt or no address: $(screen paste | tail -n 12) $(browser_log)"
fi
fresh
on_tty code 100 BROWSER="'$FAKE'" FAKE_MODE=print FAKE_USER=emre "'$EZRIZI'" login --method browser --no-qr
if wait_for code "paste it here and press Enter" && [ -n "$(for _ in $(seq 100); do [ -f "$FAKE_DIR/location" ] && echo y && break; sleep 0.1; done)" ]; then
	# The positive control: the address is on the screen, only the QR code is not.
	screen code | grep -q 'http://' || fail "--no-qr still prints the address" "$(screen code)"
	screen code | grep -q '█' && fail "--no-qr draws no QR code" "$(screen code)" || ok "--no-qr draws no QR code"
	tm send-keys -t code -l -- "$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' "$FAKE_DIR/location")"
	tm send-keys -t code Enter
	wait_for code "EXIT=[0-9]" 150
	screen code | grep -q "EXIT=0" && ok "browser login with only the code pasted" || fail "only the code pasted" "$(screen code | tail -n 12)"
	is "whoami after pasting the code" "$(me | cut -d' ' -f1)" "prac-emre"
else
	fail "browser login with only the code pasted" "$(screen code | tail -n 12)"
fi
on_tty narrow 40 BROWSER="'$FAKE'" FAKE_USER=emre "'$EZRIZI'" login --method browser
wait_for narrow "EXIT=[0-9]" 150
screen narrow | grep -q "EXIT=0" && ! screen narrow | grep -q '█' &&
	ok "no QR code on a terminal too narrow for it" || fail "no QR code on a narrow terminal" "$(screen narrow | tail -n 20)"

# ---- the device grant ----
# complete_device USER [deny]: waits for the code on ezrizi's standard error,
# then logs in on the platform's device page, as a person on a phone would.
complete_device() {
	local code=
	for _ in $(seq 1 $((100 * SLOW))); do
		code=$(sed -n 's/.*enter the code \([A-Z]\{4\}-[A-Z]\{4\}\) there.*/\1/p' "$WORK/device.err" 2>/dev/null | head -n1)
		[ -n "$code" ] && break
		sleep 0.1
	done
	curl -sf -d "user_code=$code" -d "username=$1" -d password=demo -d "action=${2:-approve}" \
		"$ORIGIN/oauth2/device" >"$WORK/device.page"
}
devcfg=$(config_plus device.conf "login_method = device")
: >"$WORK/device.err"
fault '{"device_slow_down_next":1}'
polls0=$(count 'POST /oauth2/token')
complete_device farah &
helper=$!
t0=$(date +%s)
ez --config "$devcfg" login >"$WORK/device.out" 2>"$WORK/device.err"
rc=$?
t1=$(date +%s)
wait "$helper"
grep -q "Logged in to .* as farah\." "$WORK/device.out" && [ "$rc" = 0 ] &&
	ok "device login (login_method = device)" || fail "device login" "exit $rc: $(cat "$WORK/device.out" "$WORK/device.err")"
grep -q "^    $ORIGIN/oauth2/device\$" "$WORK/device.err" && grep -q "user_code=" "$WORK/device.err" &&
	ok "the device login shows the address, the code and the complete address" || fail "the device login's instructions" "$(cat "$WORK/device.err")"
polls=$(( $(count 'POST /oauth2/token') - polls0 ))
[ "$polls" = 2 ] && [ $((t1 - t0)) -ge 7 ] &&
	ok "slow_down honoured: 5 s more before the next poll ($polls polls, $((t1 - t0)) s)" ||
	fail "slow_down honoured" "$polls polls in $((t1 - t0)) s"
is "whoami after a device login" "$(me --config "$devcfg")" "prac-farah Practitioner/prac-farah device stored login"
: >"$WORK/device.err"
complete_device farah deny &
helper=$!
expect "denied on the device page" 5 "The login was denied" sh -c "'$EZRIZI' login --method device 2>>'$WORK/device.err'; rc=\$?; cat '$WORK/device.err'; exit \$rc"
wait "$helper"

# ---- client credentials: a counsellor, or none ----
script=$(config_plus script.conf "client_id = ezrizi-script" "client_secret_command = echo demo-script-secret")
expect "a client login says whom it acts for" 0 "It acts for Practitioner/prac-script \(ezrizi Automation\)\." ez --config "$script" login --client
expect "--method client is --client" 0 "Logged in to .* as ezrizi-script\." ez --config "$script" login --method client
is "whoami after a client login" "$(me --config "$script")" "prac-script Practitioner/prac-script client stored login"
system=$(config_plus system.conf "client_id = ezrizi-system" "client_secret_command = echo demo-system-secret")
expect "a client that acts for no counsellor says so" 0 "It acts for no counsellor \(it is ClientApplication/ezrizi-system \(ezrizi Reports\)\)" \
	ez --config "$system" login --client
expect "whoami says it acts for no counsellor" 0 "Acts for: +no counsellor \(ClientApplication/ezrizi-system\)" ez --config "$system" whoami
is "whoami's fields for a client that acts for none" "$(ez --config "$system" --format json whoami | jq -r '[.practitioner_id, .acts_for] | tostring')" '[null,"ClientApplication/ezrizi-system"]'
expect "acting for none, 'appointments' says what to do" 2 "acts for no counsellor \(it is ClientApplication/ezrizi-system\); pass --practitioner ID, or set 'practitioner = ID'" \
	ez --config "$system" appointments
expect "acting for none, --practitioner works" 0 '"practitioner_id":"prac-' ez --config "$system" --format json appointments --practitioner all
practcfg=$(config_plus practitioner.conf "client_id = ezrizi-system" "client_secret_command = echo demo-system-secret" "practitioner = prac-omar")
expect "acting for none, the config's practitioner is 'me'" 0 "Counsellor id: +prac-omar" ez --config "$practcfg" whoami

# ---- a bearer token: who "me" is comes from userinfo ----
tok=$(token omar)
u0=$(count 'GET /oauth2/userinfo')
is "EZRIZI_TOKEN: whoami asks userinfo" "$(EZRIZI_TOKEN=$tok me)" "prac-omar Practitioner/prac-omar  EZRIZI_TOKEN"
is "(one GET of userinfo)" "$(( $(count 'GET /oauth2/userinfo') - u0 ))" 1
expect "unlock for scripts" 0 "stays open" ez unlock --for 5m
u0=$(count 'GET /oauth2/userinfo')
expect "EZRIZI_TOKEN: 'me' for appointments" 0 "^\{" env EZRIZI_TOKEN="$tok" "$EZRIZI" --format json appointments --from -7d --to +7d
expect "EZRIZI_TOKEN: 'me' again" 0 "prac-omar" env EZRIZI_TOKEN="$tok" "$EZRIZI" whoami
is "the answer is kept for the next command (one userinfo for two)" "$(( $(count 'GET /oauth2/userinfo') - u0 ))" 1
appts=$(EZRIZI_TOKEN=$tok ez --format json appointments --from -7d --to +7d | jq -r .practitioner_id | sort -u)
is "EZRIZI_TOKEN: the appointments are the token's counsellor's" "$appts" "prac-omar"
ez lock >/dev/null 2>&1
systok=$(curl -sf -u ezrizi-system:demo-system-secret -d grant_type=client_credentials "$ORIGIN/oauth2/token" | jq -r .access_token)
expect "EZRIZI_TOKEN of a client acting for none: appointments says what to do" 2 "acts for no counsellor" \
	env EZRIZI_TOKEN="$systok" "$EZRIZI" appointments

# ---- a Medplum-like platform: no password grant ----
platform_stop
platform_start --grants authorization_code,client_credentials,refresh_token
config_user amina
fresh
expect "Medplum-like: login works through the browser" 0 "Logged in to .* as zeynep\." env BROWSER="$FAKE" FAKE_USER=zeynep "$EZRIZI" login
is "Medplum-like: whoami" "$(me)" "prac-zeynep Practitioner/prac-zeynep browser stored login"
expect "Medplum-like: a forced password login shows the server's words" 5 "\(The server said: Unsupported grant_type\)" ez login --method password
expect "Medplum-like: ... and names the ways it offers" 5 "The server offers: browser, client\." ez login --method password
expect "Medplum-like: ... and said it tries anyway" 5 "does not list the password login; trying it anyway" ez login --method password
is "Medplum-like: a refused login keeps the stored one" "$(me | cut -d' ' -f1)" "prac-zeynep"
expect "Medplum-like: no device grant" 2 "does not offer the device login; it offers: browser, client\." ez login --method device
script=$(config_plus script.conf "client_id = ezrizi-script" "client_secret_command = echo demo-script-secret")
expect "Medplum-like: client credentials" 0 "It acts for Practitioner/prac-script" ez --config "$script" login --client

# ---- no password, a device grant: over SSH the device, here the browser ----
platform_stop
platform_start --grants authorization_code,device_code,refresh_token --device-interval 1 --device-ttl 3
config_user amina
out=$(env SSH_CONNECTION="192.0.2.1 50000 192.0.2.2 22" "$EZRIZI" login 2>&1)
rc=$?
printf '%s' "$out" | grep -q "enter the code [A-Z-]* there" && printf '%s' "$out" | grep -q "expired before the login was completed" && [ "$rc" = 5 ] &&
	ok "over SSH the device grant is taken, and an expired code says so" || fail "over SSH the device grant" "exit $rc: $out"
expect "without SSH the browser is taken" 0 "Logged in to .* as daniel\." env BROWSER="$FAKE" FAKE_USER=daniel "$EZRIZI" login
is "whoami" "$(me | cut -d' ' -f3)" "browser"
grep -q '^POST /oauth2/token 200' "$WORK/platform.log" || fail "the platform's log has the logins" "$(tail -n 3 "$WORK/platform.log")"
grep -q -- "$tok\|$systok" "$WORK/platform.log" && fail "the platform's log holds no token" "found" || ok "the platform's log holds no token"

finish
