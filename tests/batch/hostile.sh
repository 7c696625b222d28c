#!/usr/bin/env bash
# A server or a network that would expose what ezrizi carries: plain http to a
# host that is not this machine (refused unless allowed, warned then), TLS whose
# certificate names another host or comes from an unknown authority, an https
# server that links to plain http, and JSON output that must stay inert on a
# terminal whatever the server's text holds.
# Usage: tests/batch/hostile.sh [path/to/ezrizi]
. "$(dirname "$0")/../lib.sh"
EZRIZI=$(cd "$(dirname "${1:-$EZRIZI}")" && pwd)/$(basename "${1:-$EZRIZI}")
export TZ=Europe/Istanbul
command -v openssl >/dev/null || { echo "openssl is not installed"; exit 77; }
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
PROXIES=()
SOCK=ezrizi-hostile-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; for p in "${PROXIES[@]}"; do kill "$p" 2>/dev/null; done; cleanup' EXIT
platform_start
config_user amina
PORT=${ORIGIN##*:}
# 0.0.0.0 reaches this machine on Linux, but it is not a loopback name: the
# platform itself, seen as a host on the network.
LAN=http://0.0.0.0:$PORT/fhir/R4
cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
[profile nowhere]
server = http://ezrizi-nowhere.invalid/fhir/R4
[profile lan]
server = $LAN
allow_insecure_http = yes
[profile lan-refused]
server = $LAN
[profile localhost]
server = http://localhost:$PORT/fhir/R4
CFG
TOKEN=$(token)
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || { echo "no token from the platform"; exit 1; }
ez() { EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
# run NAME -- command...: stdout in $WORK/NAME.out, stderr in $WORK/NAME.err, rc in $rc.
run() {
	local name=$1
	shift 2
	"$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
}
has() { grep -qE -- "$2" "$WORK/$1"; }

# ---- plain http ----
run refused -- env EZRIZI_DEBUG=http EZRIZI_TOKEN=x "$EZRIZI" --profile nowhere appointments --practitioner all
if [ "$rc" != 2 ]; then
	fail insecure_http_refused "exit $rc, wanted 2: $(cat "$WORK/refused.err")"
elif ! has refused.err "Plain http to http://ezrizi-nowhere\.invalid is refused.*allow_insecure_http = yes"; then
	fail insecure_http_refused "no refusal that says why and what to do: $(cat "$WORK/refused.err")"
elif has refused.err "ezrizi: http |Cannot reach|resolve"; then
	# EZRIZI_DEBUG=http prints every request: none may have been tried.
	fail insecure_http_refused "a connection was tried: $(cat "$WORK/refused.err")"
else
	ok insecure_http_refused
fi
expect insecure_http_refused_for_login 2 "Plain http to http://ezrizi-nowhere\.invalid is refused" \
	"$EZRIZI" --profile nowhere login
expect insecure_http_refused_without_the_key 2 "Plain http to http://0\.0\.0\.0:$PORT is refused" \
	ez --profile lan-refused appointments --practitioner all
expect insecure_http_refused_from_the_command_line 2 "Plain http to http://0\.0\.0\.0:$PORT is refused" \
	ez --server "$LAN" appointments --practitioner all

run warns -- ez --profile lan --format json appointments --practitioner all
if [ "$rc" != 0 ] || ! has warns.out '^\{"id":"appt-'; then
	fail insecure_http_allowed_warns "exit $rc, wanted 0 with appointments: $(cat "$WORK/warns.err")"
elif ! has warns.err "^ezrizi: Warning: http://0\.0\.0\.0:$PORT is plain http \(allow_insecure_http = yes\): the token and every record cross the network unencrypted\.$"; then
	fail insecure_http_allowed_warns "no warning on stderr: $(cat "$WORK/warns.err")"
else
	ok insecure_http_allowed_warns
fi
printf 'appointments --practitioner all\npatients --limit 1\n' >"$WORK/two.txt"
run warns_once -- ez --profile lan --format json batch "$WORK/two.txt"
n=$(grep -c 'is plain http' "$WORK/warns_once.err")
[ "$rc" = 0 ] && [ "$n" = 1 ] && ok "the warning comes once a start" ||
	fail "the warning comes once a start" "exit $rc, $n warnings: $(cat "$WORK/warns_once.err")"

for p in default localhost; do
	args=(); [ "$p" = localhost ] && args=(--profile localhost)
	run "loopback_$p" -- ez "${args[@]}" --format json appointments --practitioner all
	if [ "$rc" != 0 ] || ! has "loopback_$p.out" '^\{"id":"appt-'; then
		fail "loopback_http_allowed ($p)" "exit $rc: $(cat "$WORK/loopback_$p.err")"
	elif [ -s "$WORK/loopback_$p.err" ]; then
		fail "loopback_http_allowed ($p)" "stderr is not empty: $(cat "$WORK/loopback_$p.err")"
	else
		ok "loopback_http_allowed ($p)"
	fi
done

# The screen says it too, in its status line.
if infocmp tmux-256color >/dev/null 2>&1; then TUI_TERM=tmux-256color; else TUI_TERM=screen-256color; fi
tmux -L "$SOCK" new-session -d -s warn -x 100 -y 24 \
	"env TERM=$TUI_TERM LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ EZRIZI_TOKEN='$TOKEN' \
XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' \
'$EZRIZI' --profile lan; echo EXIT=\$?; sleep 300"
seen=
for _ in $(seq 1 $((100 * SLOW))); do
	screen=$(tmux -L "$SOCK" capture-pane -p -t warn 2>/dev/null | unbidi)
	# The whole warning, on the lines at the bottom it takes (wrapped, not cut).
	if printf '%s\n' "$screen" | tail -n2 | tr -s ' \n' '  ' |
		grep -q "Warning: http://0\.0\.0\.0:$PORT is plain http (allow_insecure_http = yes): the token and every record cross the network unencrypted\." &&
		printf '%s\n' "$screen" | grep -q "ezrizi — 0\.0\.0\.0"; then
		seen=1
		break
	fi
	sleep 0.1
done
[ -n "$seen" ] && ok insecure_http_warns_on_screen || fail insecure_http_warns_on_screen "screen:
$screen"
tmux -L "$SOCK" send-keys -t warn q

# ---- TLS: a proxy in front of the platform, with certificates made here ----
cert() {  # cert NAME SAN
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$WORK/$1.key" -out "$WORK/$1.crt" -subj "/CN=${2#*:}" \
		-addext "subjectAltName=$2" 2>/dev/null
}
cert good "DNS:localhost,IP:127.0.0.1" && cert other "DNS:other.example" ||
	{ echo "openssl could not make the test certificates"; exit 1; }
cat >"$WORK/tls-proxy.js" <<'JS'
const https = require('node:https'), http = require('node:http'), fs = require('node:fs');
const [key, cert, target] = process.argv.slice(2);
const t = new URL(target);
const s = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
  const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
    (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
  up.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(up);
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
JS
proxy() {  # proxy NAME: starts it, sets PROXY_PORT
	node "$WORK/tls-proxy.js" "$WORK/$1.key" "$WORK/$1.crt" "$ORIGIN" >"$WORK/$1.port" 2>>"$WORK/proxy.log" &
	PROXIES+=($!)
	for _ in $(seq 1 100); do
		PROXY_PORT=$(head -n1 "$WORK/$1.port" 2>/dev/null)
		[ -n "$PROXY_PORT" ] && return 0
		sleep 0.1
	done
	echo "the TLS proxy did not start"; cat "$WORK/proxy.log"; exit 1
}
proxy good; GOOD=$PROXY_PORT
proxy other; OTHER=$PROXY_PORT
cat >>"$XDG_CONFIG_HOME/ezrizi/config" <<CFG
[profile tls]
server = https://127.0.0.1:$GOOD/fhir/R4
ca_file = $WORK/good.crt
[profile tls-name]
server = https://localhost:$GOOD/fhir/R4
ca_file = $WORK/good.crt
[profile tls-other]
server = https://127.0.0.1:$OTHER/fhir/R4
ca_file = $WORK/other.crt
retries = 0
[profile tls-no-ca]
server = https://127.0.0.1:$GOOD/fhir/R4
retries = 0
CFG
expect tls_trusted_ca_works 0 '^\{"id":"appt-' ez --profile tls --format json appointments --practitioner all
expect tls_trusted_ca_works_by_name 0 '^\{"id":"appt-' ez --profile tls-name --format json appointments --practitioner all

run mismatch -- ez --profile tls-other appointments --practitioner all
if [ "$rc" != 6 ] || ! has mismatch.err "The certificate of https://127\.0\.0\.1:$OTHER names another host \(.*'127\.0\.0\.1'.*\); check the server address"; then
	fail tls_hostname_mismatch_message "exit $rc: $(cat "$WORK/mismatch.err")"
elif has mismatch.err "ca_file"; then
	fail tls_hostname_mismatch_message "the CA advice for a name mismatch: $(cat "$WORK/mismatch.err")"
else
	ok tls_hostname_mismatch_message
fi
run unknown_ca -- ez --profile tls-no-ca appointments --practitioner all
if [ "$rc" != 6 ] || ! has unknown_ca.err "Cannot verify the identity of https://127\.0\.0\.1:$GOOD \(.*\); if your clinic uses its own certificate authority, set ca_file"; then
	fail tls_unknown_ca_message "exit $rc: $(cat "$WORK/unknown_ca.err")"
elif has unknown_ca.err "names another host"; then
	fail tls_unknown_ca_message "a name mismatch for an unknown CA: $(cat "$WORK/unknown_ca.err")"
else
	ok tls_unknown_ca_message
fi

# Behind the proxy the platform still writes http:// links (its origin is plain
# http): the next page of 210 clients is such a link, and must not be followed.
before=$(grep -c 'GET /fhir/R4/Patient' "$WORK/platform.log")
run downgrade -- ez --profile tls --format json patients --limit 150
after=$(grep -c 'GET /fhir/R4/Patient' "$WORK/platform.log")
if [ "$rc" != 1 ] || ! has downgrade.err "plain http:// link although it is reached over https; it was not followed"; then
	fail https_base_never_follows_http_link "exit $rc: $(cat "$WORK/downgrade.err")"
elif [ "$after" != "$((before + 1))" ]; then
	fail https_base_never_follows_http_link "$((after - before)) Patient requests reached the platform, wanted 1"
else
	ok https_base_never_follows_http_link
fi

# ---- JSON output on a terminal: C1 and bidi controls escaped ----
NAME=$(printf 'Hostile\xc2\x9b31m \xe2\x80\xaeesreveR\xe2\x80\xac end')
body=$(jq -cn --arg n "$NAME" '{resourceType:"Patient",name:[{text:$n,family:"Hostilecsi",given:["X"]}]}')
id=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/fhir+json' \
	-d "$body" "$BASE/Patient" | jq -r .id)
run json -- ez --format json patients --search Hostilecsi
line=$(grep -F "\"id\":\"$id\"" "$WORK/json.out")
if [ "$rc" != 0 ] || [ -z "$id" ] || [ -z "$line" ]; then
	fail json_output_escapes_c1_and_bidi "exit $rc, no line for Patient '$id': $(cat "$WORK/json.out" "$WORK/json.err")"
elif ! printf '%s' "$line" | grep -qF 'Hostile\u009b31m \u202eesreveR\u202c end'; then
	fail json_output_escapes_c1_and_bidi "not escaped: $line"
elif LC_ALL=C grep -q $'\xc2\x9b\|\xe2\x80\xae\|\xe2\x80\xac' "$WORK/json.out"; then
	fail json_output_escapes_c1_and_bidi "raw C1 or bidi bytes in the output"
elif [ "$(printf '%s' "$line" | jq -r .name)" != "$NAME" ]; then
	fail json_output_escapes_c1_and_bidi "jq decodes another text: $(printf '%s' "$line" | jq -r .name | od -c | head -3)"
else
	ok json_output_escapes_c1_and_bidi
fi

finish
