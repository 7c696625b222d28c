#!/usr/bin/env bash
# Self-test of the ezrizi demo FHIR platform. Starts server.js on a free port with a temporary
# state file, exercises auth (every grant, --grants), search, paging, ETags, gzip, transactions, concurrency, faults and
# persistence. Prints "N passed, N failed"; exits non-zero on any failure.
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v curl >/dev/null || { echo "selftest: curl is required" >&2; exit 2; }
command -v node >/dev/null || { echo "selftest: node is required" >&2; exit 2; }
[ -d "$HERE/node_modules/@medplum/fhir-router" ] || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null 2>&1) || { echo "selftest: npm ci failed" >&2; exit 2; }

TMP="$(mktemp -d)"
STATE="$TMP/demo.state.json"
SERVER_PID=""
PASS=0; FAIL=0
TODAY="$(date +%Y-%m-%d)"
START_TS=$(date +%s)

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

ok()   { PASS=$((PASS+1)); printf 'ok   %s\n' "$1"; }
bad()  { FAIL=$((FAIL+1)); printf 'FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '     %s\n' "$(printf '%s' "$2" | head -c 400)"; }
check() { # check NAME ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected [$3], got [$2]"; fi
}
# jget EXPR  -- evaluate a JS expression over the JSON document `d` read from stdin
jget() { node -e '
let s = require("fs").readFileSync(0, "utf8"); let d;
try { d = JSON.parse(s); } catch (e) { console.log("<invalid-json>"); process.exit(0); }
let v; try { v = eval(process.argv[1]); } catch (e) { v = "<error " + e.message + ">"; }
console.log(typeof v === "object" ? JSON.stringify(v) : String(v));' "$1"; }

start_server() { # start_server [extra args...]
  : > "$TMP/out"; : > "$TMP/err"
  node "$HERE/server.js" --port 0 --state "$STATE" --today "$TODAY" "$@" >"$TMP/out" 2>"$TMP/err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    BASE="$(sed -n 's/^EZRIZI_DEMO_BASE=//p' "$TMP/out" | head -1)"
    [ -n "$BASE" ] && break
    sleep 0.1
  done
  [ -n "$BASE" ] || { echo "server did not start:"; cat "$TMP/err"; exit 1; }
  ORIGIN="${BASE%/fhir/R4}"
}
stop_server() { kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; }

login() { curl -s -d grant_type=password -d "username=$1" -d "password=$2" "$ORIGIN/oauth2/token"; }
H() { printf 'Authorization: Bearer %s' "$TOK"; }
get() { curl -s -H "$(H)" "$BASE/$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
admin() { curl -s -H 'Content-Type: application/json' -d "$2" "$ORIGIN/__admin/$1" >/dev/null; }

start_server --reset --device-interval 1
echo "server at $BASE (today $TODAY)"

# ---- discovery, metadata, auth
R="$(curl -s "$BASE/.well-known/smart-configuration")"
check "smart-configuration (no auth)" "$(echo "$R" | jget 'd.token_endpoint')" "$ORIGIN/oauth2/token"
check "root smart-configuration" "$(curl -s "$ORIGIN/.well-known/smart-configuration" | jget 'd.grant_types_supported.join(",")')" "password,client_credentials,authorization_code,urn:ietf:params:oauth:grant-type:device_code,refresh_token"
R="$(curl -s "$BASE/metadata")"
check "metadata (no auth)" "$(echo "$R" | jget 'd.resourceType+" "+d.fhirVersion+" "+d.rest[0].resource.some(r=>r.type==="Slot")')" "CapabilityStatement 4.0.1 true"
check "401 without token" "$(code "$BASE/Patient")" "401"
check "401 has WWW-Authenticate invalid_token" "$(curl -s -D - -o /dev/null "$BASE/Patient" | grep -ci 'www-authenticate: Bearer.*error="invalid_token"')" "1"
check "401 with unknown token" "$(code -H 'Authorization: Bearer nope' "$BASE/Patient")" "401"
check "bad password -> invalid_grant" "$(login amina wrong | jget 'd.error')" "invalid_grant"
check "bad client secret -> 401" "$(code -d grant_type=client_credentials -d client_id=ezrizi-script -d client_secret=x "$ORIGIN/oauth2/token")" "401"
R="$(login amina demo)"
TOK="$(echo "$R" | jget 'd.access_token')"; RT="$(echo "$R" | jget 'd.refresh_token')"
check "password login" "$(echo "$R" | jget 'd.token_type+" "+d.fhirUser+" "+(d.expires_in>0)')" "Bearer Practitioner/prac-amina true"
check "id_token payload" "$(echo "$R" | jget 'JSON.parse(Buffer.from(d.id_token.split(".")[1],"base64url")).fhirUser.endsWith("Practitioner/prac-amina")')" "true"
R="$(curl -s -u ezrizi-script:demo-script-secret -d grant_type=client_credentials "$ORIGIN/oauth2/token")"
check "client_credentials (Basic)" "$(echo "$R" | jget 'd.fhirUser')" "Practitioner/prac-script"
check "reception login" "$(login reception demo | jget 'd.fhirUser')" "Practitioner/prac-reception"

# ---- the other logins: authorization code + PKCE, the device grant, userinfo
check "profile as a Reference (as Medplum)" "$(login amina demo | jget 'd.profile.reference+" "+d.profile.display')" "Practitioner/prac-amina أمينة الحسيني"
check "discovery endpoints" "$(curl -s "$BASE/.well-known/smart-configuration" | jget '[d.authorization_endpoint,d.device_authorization_endpoint,d.userinfo_endpoint].join(" ")')" "$ORIGIN/oauth2/authorize $ORIGIN/oauth2/device_authorization $ORIGIN/oauth2/userinfo"
check "userinfo" "$(curl -s -H "$(H)" "$ORIGIN/oauth2/userinfo" | jget '[d.sub,d.fhirUser,d.profile,d.name].join(" ")')" "amina Practitioner/prac-amina Practitioner/prac-amina أمينة الحسيني"
check "userinfo without a token -> 401" "$(code "$ORIGIN/oauth2/userinfo")" "401"
R="$(curl -s -u ezrizi-system:demo-system-secret -d grant_type=client_credentials "$ORIGIN/oauth2/token")"
check "ClientApplication client acts for no one" "$(echo "$R" | jget 'd.profile.reference+" "+(d.fhirUser===undefined)')" "ClientApplication/ezrizi-system true"
check "its userinfo" "$(curl -s -H "Authorization: Bearer $(echo "$R" | jget 'd.access_token')" "$ORIGIN/oauth2/userinfo" | jget 'd.profile+" "+(d.fhirUser===undefined)')" "ClientApplication/ezrizi-system true"
VER=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk; CHAL=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
RU=http://127.0.0.1:9/callback
AZ="client_id=ezrizi&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=st1&scope=openid"
check "authorize: a login form" "$(curl -s "$ORIGIN/oauth2/authorize?response_type=code&$AZ&code_challenge=$CHAL&code_challenge_method=S256" | grep -c 'name="password"')" "1"
check "authorize: no loopback redirect -> 400" "$(code "$ORIGIN/oauth2/authorize?response_type=code&client_id=ezrizi&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&code_challenge=$CHAL&code_challenge_method=S256")" "400"
check "authorize: no PKCE -> error to the client" "$(curl -s -o /dev/null -w '%{redirect_url}' "$ORIGIN/oauth2/authorize?response_type=code&$AZ")" "$RU?error=invalid_request&error_description=Missing+code_challenge+%28PKCE+is+required%29&state=st1"
authz() { # authz USER PASSWORD -> the redirect
  curl -s -o /dev/null -w '%{redirect_url}' -d "$AZ&code_challenge=$CHAL&code_challenge_method=S256&username=$1&password=$2&action=${3:-login}" "$ORIGIN/oauth2/authorize"; }
check "authorize: wrong password shows the form again" "$(curl -s -d "$AZ&code_challenge=$CHAL&code_challenge_method=S256&username=amina&password=x&action=login" "$ORIGIN/oauth2/authorize" | grep -c 'Invalid username or password')" "1"
check "authorize: deny -> access_denied" "$(authz amina demo deny | sed 's/.*error=\([a-z_]*\).*/\1/')" "access_denied"
LOC="$(authz amina demo)"; AC="$(printf '%s' "$LOC" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')"
check "authorize: redirect with code and state" "$(printf '%s' "$LOC" | sed 's/code=[^&]*/code=C/')" "$RU?code=C&state=st1"
tokc() { curl -s -d grant_type=authorization_code -d "code=$1" -d "redirect_uri=$RU" -d client_id=ezrizi -d "code_verifier=$2" "$ORIGIN/oauth2/token"; }
check "code + wrong verifier -> refused (as Medplum)" "$(tokc "$AC" dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx | jget 'd.error+" "+d.error_description')" "invalid_request Invalid code verifier"
check "code is single use" "$(tokc "$AC" "$VER" | jget 'd.error')" "invalid_grant"
AC="$(authz bilal demo | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')"
check "code + verifier -> tokens" "$(tokc "$AC" "$VER" | jget 'd.fhirUser+" "+d.profile.reference')" "Practitioner/prac-bilal Practitioner/prac-bilal"
AC="$(authz bilal demo | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')"
check "code for another redirect_uri -> invalid_grant" "$(curl -s -d grant_type=authorization_code -d "code=$AC" -d redirect_uri=http://127.0.0.1:10/callback -d client_id=ezrizi -d "code_verifier=$VER" "$ORIGIN/oauth2/token" | jget 'd.error')" "invalid_grant"
devstart() { curl -s -d client_id=ezrizi -d "scope=openid" "$ORIGIN/oauth2/device_authorization"; }
tokd() { curl -s -d "grant_type=urn:ietf:params:oauth:grant-type:device_code" -d "device_code=$1" -d client_id=ezrizi "$ORIGIN/oauth2/token"; }
devpage() { curl -s -d "user_code=$1" -d username=siti -d password=demo -d "action=$2" "$ORIGIN/oauth2/device"; }
R="$(devstart)"
check "device_authorization" "$(echo "$R" | jget '/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/.test(d.user_code)+" "+d.verification_uri+" "+(d.verification_uri_complete===d.verification_uri+"?user_code="+d.user_code)+" "+d.interval')" "true $ORIGIN/oauth2/device true 1"
# Two polls from one curl, milliseconds apart: the second is too soon, however loaded the machine.
DC="$(echo "$R" | jget 'd.device_code')"
check "device: polling too soon -> slow_down" "$(curl -s -w '\n' -d "grant_type=urn:ietf:params:oauth:grant-type:device_code" -d "device_code=$DC" -d client_id=ezrizi "$ORIGIN/oauth2/token" \
  --next -s -d "grant_type=urn:ietf:params:oauth:grant-type:device_code" -d "device_code=$DC" -d client_id=ezrizi "$ORIGIN/oauth2/token" | tail -n1 | jget 'd.error+" "+/^Polling too fast; wait [0-9]+ seconds between polls$/.test(d.error_description)')" "slow_down true"
R="$(devstart)"; DC="$(echo "$R" | jget 'd.device_code')"; UC="$(echo "$R" | jget 'd.user_code')"
sleep 1.1
check "device: pending" "$(tokd "$DC" | jget 'd.error')" "authorization_pending"
check "device page: a form with the code" "$(curl -s "$ORIGIN/oauth2/device?user_code=$(echo "$UC" | tr -d - | tr A-Z a-z)" | grep -c "value=\"$UC\"")" "1"
check "device page: an unknown code" "$(devpage BBBB-BBBB approve | grep -c 'not known')" "1"
check "device page: approve" "$(devpage "$(echo "$UC" | tr -d -)" approve | grep -c 'is logged in')" "1"
sleep 1.1
check "device: tokens once approved" "$(tokd "$DC" | jget 'd.fhirUser')" "Practitioner/prac-siti"
check "device: the code is used up" "$(tokd "$DC" | jget 'd.error')" "invalid_grant"
R="$(devstart)"; devpage "$(echo "$R" | jget 'd.user_code')" deny >/dev/null
sleep 1.1
check "device: denied -> access_denied" "$(tokd "$(echo "$R" | jget 'd.device_code')" | jget 'd.error')" "access_denied"
R="$(devstart)"
admin faults '{"device_slow_down_next":1}'
sleep 1.1
check "device: device_slow_down_next fault" "$(tokd "$(echo "$R" | jget 'd.device_code')" | jget 'd.error')" "slow_down"

# ---- search
R="$(get "Appointment?date=$TODAY")"
check "Appointment?date=today >= 5" "$(echo "$R" | jget 'd.total>=5 && d.entry.every(e=>e.resource.start.startsWith(process.env.T||d.entry[0].resource.start.slice(0,10)))')" "true"
check "amina has >= 3 today" "$(get "Appointment?date=$TODAY&practitioner=Practitioner/prac-amina" | jget 'd.total>=3')" "true"
check "Practitioner?communication=ur" "$(get "Practitioner?communication=ur" | jget 'd.entry.map(e=>e.resource.id).includes("prac-bilal")')" "true"
check "Patient by MRN" "$(get "Patient?identifier=urn:ezrizi:demo:mrn|MRN-000001" | jget 'd.entry[0].resource.id')" "pat-0001"
R="$(get "Patient?_count=10")"
check "paging: 10 + total" "$(echo "$R" | jget 'd.entry.length+" "+(d.total>=200)')" "10 true"
NEXT="$(echo "$R" | jget 'd.link.find(l=>l.relation==="next").url')"
FIRST="$(echo "$R" | jget 'd.entry[0].resource.id')"
R2="$(curl -s -H "$(H)" "$NEXT")"
check "paging: next page differs" "$(echo "$R2" | jget 'd.entry.length+" "+(d.entry[0].resource.id!==process.argv[2])' )" "10 true"
check "paging: next starts at 11" "$(echo "$R2" | jget 'd.entry[0].resource.id')" "pat-0011"
check "paging: absolute self link" "$(echo "$R2" | jget 'd.link.find(l=>l.relation==="self").url.startsWith("http")')" "true"
check "_elements trims" "$(get "Patient?_count=2&_elements=name" | jget 'Object.keys(d.entry[0].resource).sort().join(",")')" "id,meta,name,resourceType"
check "_elements on read" "$(get "Patient/pat-0001?_elements=gender" | jget 'Object.keys(d).sort().join(",")')" "gender,id,meta,resourceType"
check "_summary=count" "$(get "Slot?schedule=Schedule/sched-amina&_summary=count" | jget '(d.total>0)+" "+(d.entry===undefined)')" "true true"
check "_include patients" "$(get "Appointment?date=$TODAY&practitioner=Practitioner/prac-amina&_include=Appointment:patient" | jget 'd.entry.filter(e=>e.search.mode==="include"&&e.resource.resourceType==="Patient").length>=3')" "true"
check "_revinclude thread messages" "$(get "Communication?_id=thread-01&_revinclude=Communication:part-of" | jget 'd.entry.length>=4')" "true"
check "thread messages" "$(get "Communication?part-of=Communication/thread-01" | jget 'd.total>=3')" "true"

# ---- ETag, 304, gzip
HDRS="$(curl -s -D - -o /dev/null -H "$(H)" "$BASE/Practitioner/prac-amina")"
ET="$(printf '%s' "$HDRS" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
check "ETag on read" "$ET" 'W/"1"'
check "Last-Modified on read" "$(printf '%s' "$HDRS" | grep -ci '^last-modified:')" "1"
check "If-None-Match -> 304" "$(code -H "$(H)" -H "If-None-Match: $ET" "$BASE/Practitioner/prac-amina")" "304"
check "If-None-Match other -> 200" "$(code -H "$(H)" -H 'If-None-Match: W/"zzz"' "$BASE/Practitioner/prac-amina")" "200"
check "gzip Content-Encoding" "$(curl -s -D - -o /dev/null -H "$(H)" -H 'Accept-Encoding: gzip' "$BASE/Patient?_count=5" | grep -ci '^content-encoding: gzip')" "1"
check "gzip body decodes" "$(curl -s --compressed -H "$(H)" "$BASE/Patient?_count=5" | jget 'd.entry.length')" "5"

# ---- writes: create, If-None-Exist, If-Match
UUID="$(node -e 'console.log(require("crypto").randomUUID())')"
PAT="{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:ezrizi:request\",\"value\":\"$UUID\"}],\"name\":[{\"text\":\"Selftest Person\"}]}"
R1="$(curl -s -w '\n%{http_code}' -H "$(H)" -H 'Content-Type: application/fhir+json' -H "If-None-Exist: identifier=urn:ezrizi:request|$UUID" -d "$PAT" "$BASE/Patient")"
R2="$(curl -s -w '\n%{http_code}' -H "$(H)" -H 'Content-Type: application/fhir+json' -H "If-None-Exist: identifier=urn:ezrizi:request|$UUID" -d "$PAT" "$BASE/Patient")"
ID1="$(echo "$R1" | head -1 | jget 'd.id')"
check "create -> 201" "$(echo "$R1" | tail -1)" "201"
check "If-None-Exist -> 200 same id" "$(echo "$R2" | tail -1) $(echo "$R2" | head -1 | jget 'd.id')" "200 $ID1"
check "If-None-Exist no duplicate" "$(get "Patient?identifier=urn:ezrizi:request|$UUID" | jget 'd.total')" "1"
TXN="{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":$PAT,\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=urn:ezrizi:request|$UUID\"}}]}"
R="$(curl -s -H "$(H)" -H 'Content-Type: application/fhir+json' -d "$TXN" "$BASE")"
check "bundle ifNoneExist returns existing" "$(echo "$R" | jget 'd.entry[0].response.status.slice(0,3)+" "+d.entry[0].resource.id')" "200 $ID1"
PATCH='[{"op":"replace","path":"/gender","value":"other"}]'
check "PATCH If-Match mismatch -> 412" "$(code -X PATCH -H "$(H)" -H 'Content-Type: application/json-patch+json' -H 'If-Match: W/"nope"' -d "$PATCH" "$BASE/Patient/$ID1")" "412"
check "PUT If-Match mismatch -> 412" "$(code -X PUT -H "$(H)" -H 'Content-Type: application/fhir+json' -H 'If-Match: W/"nope"' -d "{\"resourceType\":\"Patient\",\"id\":\"$ID1\"}" "$BASE/Patient/$ID1")" "412"
check "invalid resource -> 422" "$(code -H "$(H)" -H 'Content-Type: application/fhir+json' -d '{"resourceType":"Appointment","status":"booked","participant":[{"status":"accepted"}]}' "$BASE/Appointment")" "422"
check "read missing -> 404" "$(code -H "$(H)" "$BASE/Patient/does-not-exist")" "404"

# ---- a batch of searches: each entry as the GET alone (_elements, _include, paging)
BATCH='{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient?_count=2&_elements=name"}},{"request":{"method":"GET","url":"Patient/no-such"}},{"request":{"method":"GET","url":"Appointment?_count=1&_include=Appointment:patient"}}]}'
P0=$(grep -c '^POST /fhir/R4 ' "$TMP/err")
R="$(curl -s -H "$(H)" -H 'Content-Type: application/fhir+json' -d "$BATCH" "$BASE")"
check "batch of GETs answers each" "$(echo "$R" | jget 'd.type+" "+d.entry.map(e=>e.response.status.split(" ")[0]).join(",")')" "batch-response 200,404,200"
check "batch entry: _elements as alone" "$(echo "$R" | jget 'Object.keys(d.entry[0].resource.entry[0].resource).sort().join(",")+" "+d.entry[0].resource.link.some(l=>l.relation==="next")')" "id,meta,name,resourceType true"
check "batch entry: _include as alone" "$(echo "$R" | jget 'd.entry[2].resource.entry.some(e=>e.search.mode==="include")+" "+d.entry[1].response.outcome.resourceType')" "true OperationOutcome"
check "batch is one request in the log" "$(( $(grep -c '^POST /fhir/R4 200' "$TMP/err") - P0 )) $(grep -c '^  in batch: GET /fhir/R4/Patient/no-such 404' "$TMP/err")" "1 1"

# ---- atomic transactions
SLOT="$(get "Slot?schedule=Schedule/sched-emre&status=free&_count=1&_sort=-start" | jget 'd.entry[0].resource.id')"
SLOTJ="$(get "Slot/$SLOT")"
SV="$(echo "$SLOTJ" | jget 'd.meta.versionId')"
BUSY="$(echo "$SLOTJ" | jget 'delete d.meta, d.status="busy", d')"
SSTART="$(echo "$SLOTJ" | jget 'd.start')"; SEND="$(echo "$SLOTJ" | jget 'd.end')"
U2="$(node -e 'console.log(require("crypto").randomUUID())')"
TX="{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[
 {\"fullUrl\":\"urn:uuid:$U2\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:ezrizi:request\",\"value\":\"$U2\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},
 {\"resource\":$BUSY,\"request\":{\"method\":\"PUT\",\"url\":\"Slot/$SLOT\",\"ifMatch\":\"W/\\\"wrong\\\"\"}}]}"
check "transaction ifMatch fail -> 412" "$(code -H "$(H)" -H 'Content-Type: application/fhir+json' -d "$TX" "$BASE")" "412"
check "transaction: 1st entry not applied" "$(get "Patient?identifier=urn:ezrizi:request|$U2" | jget 'd.total')" "0"
check "transaction: slot unchanged" "$(get "Slot/$SLOT" | jget 'd.meta.versionId+" "+d.status')" "$SV free"
TX3="{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[
 {\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:ezrizi:request\",\"value\":\"$U2\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},
 {\"resource\":{\"resourceType\":\"Patient\",\"id\":\"other\"},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/pat-0001\"}}]}"
check "transaction late failure -> 400" "$(code -H "$(H)" -H 'Content-Type: application/fhir+json' -d "$TX3" "$BASE")" "400"
check "transaction late failure rolled back" "$(get "Patient?identifier=urn:ezrizi:request|$U2" | jget 'd.total')" "0"

# ---- concurrent booking: exactly one wins
APPTS0="$(curl -s "$ORIGIN/__admin/stats" | jget 'd.Appointment')"
book() {
  local u; u="$(node -e 'console.log(require("crypto").randomUUID())')"
  printf '%s' "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[
   {\"resource\":$BUSY,\"request\":{\"method\":\"PUT\",\"url\":\"Slot/$SLOT\",\"ifMatch\":\"W/\\\"$SV\\\"\"}},
   {\"fullUrl\":\"urn:uuid:$u\",\"resource\":{\"resourceType\":\"Appointment\",\"status\":\"booked\",\"start\":\"$SSTART\",\"end\":\"$SEND\",\"minutesDuration\":50,\"slot\":[{\"reference\":\"Slot/$SLOT\"}],\"identifier\":[{\"system\":\"urn:ezrizi:request\",\"value\":\"$u\"}],\"participant\":[{\"actor\":{\"reference\":\"Patient/pat-0004\"},\"status\":\"accepted\"},{\"actor\":{\"reference\":\"Practitioner/prac-emre\"},\"status\":\"accepted\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Appointment\"}}]}" > "$TMP/book$1.json"
  curl -s -o "$TMP/book$1.out" -w '%{http_code}' -H "$(H)" -H 'Content-Type: application/fhir+json' --data-binary @"$TMP/book$1.json" "$BASE" > "$TMP/book$1.code"
}
book 1 & B1=$!; book 2 & B2=$!; book 3 & B3=$!; wait $B1 $B2 $B3
CODES="$(cat "$TMP/book1.code" "$TMP/book2.code" "$TMP/book3.code" | fold -w3 | sort | tr '\n' ' ')"
check "3 concurrent bookings -> one 200, two 412" "$CODES" "200 412 412 "
check "exactly one Appointment created" "$(curl -s "$ORIGIN/__admin/stats" | jget 'd.Appointment')" "$((APPTS0+1))"
check "slot now busy" "$(get "Slot/$SLOT" | jget 'd.status')" "busy"

# ---- refresh tokens and expiry
R="$(curl -s -d grant_type=refresh_token -d "refresh_token=$RT" "$ORIGIN/oauth2/token")"
TOK2="$(echo "$R" | jget 'd.access_token')"; RT2="$(echo "$R" | jget 'd.refresh_token')"
check "refresh -> new token works" "$(code -H "Authorization: Bearer $TOK2" "$BASE/Patient/pat-0001")" "200"
check "refresh token rotated (old one invalid)" "$(curl -s -d grant_type=refresh_token -d "refresh_token=$RT" "$ORIGIN/oauth2/token" | jget 'd.error')" "invalid_grant"
admin faults '{"expire_tokens":true}'
check "expire_tokens -> 401" "$(code -H "Authorization: Bearer $TOK2" "$BASE/Patient/pat-0001")" "401"
TOK="$(curl -s -d grant_type=refresh_token -d "refresh_token=$RT2" "$ORIGIN/oauth2/token" | jget 'd.access_token')"
check "refresh after expiry works" "$(code -H "$(H)" "$BASE/Patient/pat-0001")" "200"

# ---- faults
admin faults '{"fail_next":1,"fail_status":503,"retry_after":2}'
HDRS="$(curl -s -D - -o "$TMP/f.out" -H "$(H)" "$BASE/Patient/pat-0001" | tr -d '\r')"
check "fail_next -> 503 + Retry-After" "$(printf '%s' "$HDRS" | head -1 | cut -d' ' -f2) $(printf '%s' "$HDRS" | sed -n 's/^[Rr]etry-[Aa]fter: //p')" "503 2"
check "fail_next body is OperationOutcome" "$(jget 'd.resourceType' < "$TMP/f.out")" "OperationOutcome"
check "fail_next consumed" "$(code -H "$(H)" "$BASE/Patient/pat-0001")" "200"
admin faults '{"drop_next":1}'
curl -s -o /dev/null -H "$(H)" "$BASE/Patient/pat-0001"; RC=$?
check "drop_next -> transfer error" "$([ $RC -ne 0 ] && echo yes || echo "no (rc $RC)")" "yes"
check "drop_next consumed" "$(code -H "$(H)" "$BASE/Patient/pat-0001")" "200"
admin faults '{"malformed_next":1}'
check "malformed_next -> invalid JSON" "$(curl -s -H "$(H)" "$BASE/Patient/pat-0001" | jget 'd')" "<invalid-json>"
admin faults '{"deep_next":1}'
check "deep_next -> 1000 nested arrays" "$(curl -s -H "$(H)" "$BASE/Patient/pat-0001" | head -c 1000 | tr -d '[' | wc -c | tr -d ' ')" "0"
admin faults '{"huge_next":1}'
check "huge_next -> ~80 MiB" "$(curl -s -o /dev/null -w '%{size_download}' -H "$(H)" "$BASE/Patient/pat-0001" | awk '{print ($1 > 80000000) ? "big" : $1}')" "big"
U3="$(node -e 'console.log(require("crypto").randomUUID())')"
admin faults '{"drop_after_commit_next":1}'
curl -s -o /dev/null -H "$(H)" -H 'Content-Type: application/fhir+json' -d "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:ezrizi:request\",\"value\":\"$U3\"}]}" "$BASE/Patient"; RC=$?
check "drop_after_commit -> no response" "$([ $RC -ne 0 ] && echo yes || echo "no (rc $RC)")" "yes"
check "drop_after_commit -> applied" "$(get "Patient?identifier=urn:ezrizi:request|$U3" | jget 'd.total')" "1"
admin faults '{"latency_ms":300}'
T0=$(date +%s%N); code -H "$(H)" "$BASE/Patient/pat-0001" >/dev/null; T1=$(date +%s%N)
check "latency_ms adds delay" "$([ $(( (T1-T0)/1000000 )) -ge 290 ] && echo yes || echo no)" "yes"
admin faults '{}'
check "faults cleared" "$(code -H "$(H)" "$BASE/Patient/pat-0001")" "200"
check "faults do not touch /oauth2/token" "$(admin faults '{"fail_next":1}'; login siti demo | jget 'd.token_type'; admin faults '{"clear":true}')" "Bearer"
check "body limit -> 413" "$(head -c 17000000 /dev/zero | tr '\0' 'a' | curl -s -o /dev/null -w '%{http_code}' -H "$(H)" -H 'Content-Type: application/fhir+json' --data-binary @- "$BASE/Patient")" "413"
check "admin health" "$(curl -s "$ORIGIN/__admin/health" | jget 'd.ok')" "true"

# ---- persistence
curl -s -o /dev/null -X POST "$ORIGIN/__admin/save"
stop_server
start_server
TOK="$(login amina demo | jget 'd.access_token')"
check "state reload keeps created resource" "$(code -H "$(H)" "$BASE/Patient/$ID1")" "200"
check "state reload keeps booked slot" "$(get "Slot/$SLOT" | jget 'd.status')" "busy"
check "log has no tokens" "$(grep -c -- "$TOK" "$TMP/err")" "0"
stop_server

# ---- --no-batch: a server without the batch interaction
start_server --no-batch
TOK="$(login amina demo | jget 'd.access_token')"
check "--no-batch: batch refused 405" "$(code -H "$(H)" -H 'Content-Type: application/fhir+json' -d "$BATCH" "$BASE")" "405"
check "--no-batch: not in metadata" "$(curl -s "$BASE/metadata" | jget 'd.rest[0].interaction.map(i=>i.code).join(",")')" "transaction,search-system"
stop_server

# ---- --grants: a Medplum-like platform, and a device code that expires
start_server --grants authorization_code,client_credentials,refresh_token
R="$(curl -s "$BASE/.well-known/smart-configuration")"
check "--grants limits discovery" "$(echo "$R" | jget 'd.grant_types_supported.join(",")+" "+!!d.authorization_endpoint+" "+!!d.device_authorization_endpoint')" "authorization_code,client_credentials,refresh_token true false"
check "--grants: password refused exactly as Medplum" "$(curl -s -w ' %{http_code}' -d grant_type=password -d username=amina -d password=demo "$ORIGIN/oauth2/token")" '{"error":"invalid_request","error_description":"Unsupported grant_type"} 400'
check "--grants: no device endpoint" "$(code -d client_id=ezrizi "$ORIGIN/oauth2/device_authorization")" "404"
stop_server
start_server --device-ttl 1
R="$(devstart)"
sleep 2.1
check "device: expired_token" "$(tokd "$(echo "$R" | jget 'd.device_code')" | jget 'd.error')" "expired_token"
stop_server

echo "$PASS passed, $FAIL failed ($(( $(date +%s) - START_TS ))s)"
[ "$FAIL" -eq 0 ]
