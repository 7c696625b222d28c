#!/usr/bin/env bash
# A browser for tests/batch/login.sh, started by ezrizi as $BROWSER with the
# authorization address: it fetches the demo platform's login page with curl,
# posts the form as FAKE_USER (password "demo") and follows the redirect to
# ezrizi's loopback listener, as a person's browser would. FAKE_MODE changes
# what it does:
#   ok         log in and come back (the default)
#   probe      first knock on the listener with what it must refuse
#              (GET /favicon.ico, POST /callback), then as ok
#   state      come back with a state of its own (a forged answer)
#   challenge  log in with a PKCE challenge of its own (an injected code)
#   deny       press "Deny"
#   print      log in, but only write the address it ends on to
#              $FAKE_DIR/location (a browser on another machine, over SSH)
# It writes what it saw to $FAKE_DIR/browser.log.
set -u
url=$1
dir=${FAKE_DIR:?}
log=$dir/browser.log
mode=${FAKE_MODE:-ok}
echo "open $mode" >>"$log"
page=$(curl -sf "$url") || { echo "login page failed" >>"$log"; exit 1; }
fields=()
while IFS= read -r line; do
	name=$(printf '%s' "$line" | sed -n 's/.*name="\([^"]*\)".*/\1/p')
	value=$(printf '%s' "$line" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')
	if [ "$mode" = challenge ] && [ "$name" = code_challenge ]; then
		# The S256 challenge of another verifier (RFC 7636, appendix B).
		value=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
	fi
	fields+=(--data-urlencode "$name=$value")
done < <(printf '%s\n' "$page" | grep -o '<input type="hidden"[^>]*>')
action=login
[ "$mode" = deny ] && action=deny
origin=$(printf '%s' "$url" | sed 's|^\(https\?://[^/]*\).*|\1|')
location=$(curl -s -o /dev/null -w '%{redirect_url}' "${fields[@]}" \
	--data-urlencode "username=${FAKE_USER:-amina}" --data-urlencode password=demo \
	--data-urlencode "action=$action" "$origin/oauth2/authorize")
echo "location ${location%%\?*}" >>"$log"
[ -n "$location" ] || exit 1
if [ "$mode" = print ]; then
	printf '%s\n' "$location" >"$dir/location.tmp" && mv "$dir/location.tmp" "$dir/location"
	exit 0
fi
if [ "$mode" = probe ]; then
	back=${location%%/callback*}
	echo "probe favicon $(curl -s -o /dev/null -w '%{http_code}' "$back/favicon.ico")" >>"$log"
	echo "probe post $(curl -s -o /dev/null -w '%{http_code}' -d x=1 "$back/callback")" >>"$log"
fi
[ "$mode" = state ] && location=$(printf '%s' "$location" | sed 's/state=[^&]*/state=forged-by-someone/')
body=$(curl -s -w '\n%{http_code}' "$location")
echo "callback $(printf '%s' "$body" | tail -n1) $(printf '%s' "$body" | sed -n 's/.*<p>\(.*\)<\/p>.*/\1/p')" >>"$log"
