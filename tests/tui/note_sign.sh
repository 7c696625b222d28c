#!/usr/bin/env bash
# Signing on the screen (issue 12): G asks, then signs the shown client's
# newest draft (the pane says "signed" and who); + writes an addendum in the
# editor, shown under the note, each with who signed it; a note changed on
# the server after signing is shown so. Waits for text, never a fixed time.
# Usage: tests/tui/note_sign.sh [path/to/ezrizi]
. "$(dirname "$0")/lib.sh" "$@"
export TZ=${TZ:-Asia/Kuala_Lumpur}

platform_start
config_user amina
printf 'poll_interval = 600\npractitioner = prac-amina\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
pid1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_id)
name1=$("$EZRIZI" --format json appointments | head -n1 | jq -r .patient_name)
first=$(printf '%s' "$name1" | cut -d' ' -f1)
d=$(printf 'SIGNME draft of today.\n' | "$EZRIZI" --format json note add "$pid1" --draft | jq -r .id)
[ -n "$d" ] && [ "$d" != null ] && ok "a draft to sign" || fail "a draft to sign" "$d"

# The editor writes the addendum's text into its file.
mkdir -p "$WORK/bin" "$WORK/tmp"
printf '#!/bin/sh\nprintf "ADDENDUM-ONE later thought.\\n" >"$1"\n' >"$WORK/bin/ed"
chmod +x "$WORK/bin/ed"
tui_start ez TMPDIR="'$WORK/tmp'" EDITOR="'$WORK/bin/ed'"
if ! wait_for "Today: " 150; then fail "the screen starts" "$(screen)"; finish; exit; fi
keys Home
wait_for "Notes: $first" || fail "sync: wait_for Notes: $first" "$(screen)"
check "the draft is shown as a draft" "draft" 100
keys G
check "sign_key_asks_first" "Sign the newest note" 100
keys y
check "sign_key_signs: the note signed" "Note signed" 100
[ "$("$EZRIZI" --format json note "$d" | jq -r .status)" = final ] && ok "sign_key_signs: final on the server" ||
	fail "sign_key_signs: final on the server" "$("$EZRIZI" --format json note "$d")"
check "the pane says signed" "progress  signed" 100
keys +
check "addendum saved from the screen" "Addendum saved and signed" 100
check "addendum_chain_in_pane: the addendum under the note" "ADDENDUM-ONE" 100
sc=$(screen)
top=$(printf '%s\n' "$sc" | grep -n "SIGNME" | head -n1 | cut -d: -f1)
add=$(printf '%s\n' "$sc" | grep -n "ADDENDUM-ONE" | head -n1 | cut -d: -f1)
[ -n "$top" ] && [ -n "$add" ] && [ "$top" -lt "$add" ] && printf '%s\n' "$sc" | grep -q "addendum  signed" &&
	ok "addendum_chain_in_pane: in order, signed" || fail "addendum_chain_in_pane: in order, signed" "$sc"
keys G
check "G on a signed note says so" "signed already" 100
tm send-keys -t ez q
check "the screen quits" "^EXIT=0" 100

# Co-signing on the screen: bilal, a trainee, signs a note for amina to co-sign.
"$EZRIZI" logout >/dev/null 2>&1
config_user bilal
printf 'supervisor = prac-amina\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "trainee login" 0 "Logged in" "$EZRIZI" login
tr=$(printf 'TRAINEE-NOTE of today.\n' | "$EZRIZI" --format json note add "$pid1" | jq -r .id)
[ "$("$EZRIZI" --format json note "$tr" | jq -r .cosign)" = awaited ] && ok "a trainee's note awaits the co-sign" ||
	fail "a trainee's note awaits the co-sign" "$("$EZRIZI" --format json note "$tr")"
"$EZRIZI" logout >/dev/null 2>&1
config_user amina
printf 'poll_interval = 600\npractitioner = prac-amina\nsupervises = prac-bilal\n' >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "supervisor login" 0 "Logged in" "$EZRIZI" login
tui_start ez2 TMPDIR="'$WORK/tmp'"
S=ez2
if ! wait_for "Today: " 150; then fail "the supervisor's screen starts" "$(screen)"; finish; exit; fi
keys Home
wait_for "TRAINEE-NOTE" 150 || fail "the trainee's note on the supervisor's screen" "$(screen)"
check "the pane says it awaits the co-signature" "awaits.co-signature" 100
keys G
check "cosign_key_asks_first" "Co-sign the newest note" 100
keys y
check "cosign_key_cosigns" "Note co-signed" 100
check "cosign_key_pane_says_co_signed at once" "progress  co-signed" 100
[ "$("$EZRIZI" --format json note "$tr" | jq -r .cosign)" = given ] && ok "cosign_key: given on the server" ||
	fail "cosign_key: given on the server" "$("$EZRIZI" --format json note "$tr")"
tm send-keys -t ez2 q
check "the screen quits" "^EXIT=0" 100
finish
