# tests/lib.sh - shared by the shell tests: a private demo platform, private XDG
# directories, and small assertions. Source it; call `platform_start` once.
# Every test prints "ok NAME" or "FAIL NAME: why"; `finish` prints the closing
# "N passed, N failed" line and sets the exit code.

set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EZRIZI=${EZRIZI:-$TOP/build/ezrizi}
passed=0
failed=0
# Waits are multiplied by this in slow builds (the sanitizers'): scripts/check sets it.
SLOW=${EZRIZI_TEST_SLOWDOWN:-1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ezrizi-test.XXXXXX")
PLATFORM_PID=
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data XDG_STATE_HOME=$WORK/state
export XDG_CACHE_HOME=$WORK/cache XDG_RUNTIME_DIR=$WORK/run
mkdir -p "$XDG_CONFIG_HOME/ezrizi" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset EZRIZI_SERVER EZRIZI_PROFILE EZRIZI_TOKEN EZRIZI_NOW
# Messages in English, whatever the run; TEST_CTYPE=tr_TR.UTF-8 (scripts/check's
# third run) gives the Turkish case rules, where strcasecmp("FILE", "file") != 0.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=C.UTF-8 LC_CTYPE=${TEST_CTYPE:-C.UTF-8}
export EZRIZI_LOCALEDIR=${EZRIZI_LOCALEDIR:-}

cleanup() {
	# The unlock agent, if a test started one.
	"$EZRIZI" lock >/dev/null 2>&1
	if [ -n "$PLATFORM_PID" ]; then kill "$PLATFORM_PID" 2>/dev/null; wait "$PLATFORM_PID" 2>/dev/null; fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# Starts the demo platform on a free port; sets BASE and ADMIN.
platform_start() {
	local out=$WORK/platform.out
	node "$TOP/tests/platform/server.js" --port 0 "$@" >"$out" 2>"$WORK/platform.log" &
	PLATFORM_PID=$!
	for _ in $(seq 1 300); do
		if grep -q '^EZRIZI_DEMO_BASE=' "$out" 2>/dev/null; then
			BASE=$(sed -n 's/^EZRIZI_DEMO_BASE=//p' "$out" | head -n1)
			ORIGIN=${BASE%/fhir/R4}
			ADMIN=$ORIGIN/__admin
			return 0
		fi
		kill -0 "$PLATFORM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "the demo platform did not start:" >&2
	cat "$WORK/platform.log" >&2
	exit 1
}

# Stops the demo platform (to start it again with other options).
platform_stop() {
	if [ -n "$PLATFORM_PID" ]; then kill "$PLATFORM_PID" 2>/dev/null; wait "$PLATFORM_PID" 2>/dev/null; fi
	PLATFORM_PID=
}

# Writes the config for a demo user (password "demo"). The local cache's
# passphrase comes from a command, with a cheap key derivation for tests.
config_user() {
	cat >"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
server = $BASE
username = ${1:-amina}
password_command = echo demo
passphrase_command = echo test-cache-passphrase
cache_kdf = interactive
retries = 3
# The screen tests compare names as the platform spells them; the bidi test
# (tests/tui/first_screen.sh) turns ezrizi's own reordering back on.
bidi = terminal
CFG
}

# A token of the demo user's own, for looking at the platform with curl.
token() {
	curl -sf -d "grant_type=password&username=${1:-amina}&password=demo&client_id=ezrizi" \
		"$ORIGIN/oauth2/token" | jq -r .access_token
}
api() { curl -sf -H "Authorization: Bearer $(token)" "$BASE/$1"; }

# client_writes PATIENT THREAD TEXT: the client's message in a thread, to
# amina, sent now (as the client's app would post it).
client_writes() {
	curl -sf -X POST -H "Authorization: Bearer $(token)" -H 'Content-Type: application/fhir+json' \
		-d "$(jq -nc --arg t "$3" --arg p "$1" --arg th "$2" --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
			'{resourceType: "Communication", status: "completed", partOf: [{reference: ("Communication/" + $th)}],
			  subject: {reference: ("Patient/" + $p)}, sender: {reference: ("Patient/" + $p)},
			  recipient: [{reference: "Practitioner/prac-amina"}], sent: $now, payload: [{contentString: $t}]}')" \
		"$BASE/Communication" >/dev/null || fail "the client's message is posted" "$3"
}

fault() { curl -sf -X POST -H 'Content-Type: application/json' -d "$1" "$ADMIN/faults" >/dev/null; }
admin_stats() { curl -sf "$ADMIN/stats"; }

# The screen's text without the invisible bidi controls it draws (isolates around
# names, times and a message's text; marks): with bidi = terminal they reach the
# terminal, which shows them nowhere, and tmux keeps them in a capture.
unbidi() { LC_ALL=C sed -e 's/\xe2\x81[\xa6-\xa9]//g' -e 's/\xe2\x80[\x8e\x8f]//g'; }

ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# expect NAME EXPECTED_RC PATTERN -- command...: exit code and a pattern in stdout+stderr.
expect() {
	local name=$1 want=$2 pat=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, wanted $want; output: $(printf '%s' "$out" | head -c 600)"
	elif ! printf '%s' "$out" | grep -qE -- "$pat"; then
		fail "$name" "output lacks /$pat/: $(printf '%s' "$out" | head -c 600)"
	else
		ok "$name"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
