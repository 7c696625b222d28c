#!/usr/bin/env bash
# Golden screens of the clinical views: the notes pane's trend of a client's
# PHQ-9 (and the list beside it), the score chart (S), the form (g, item 1 of
# the PHQ-9, then its summary) and the crisis view (C), in en_US, ar_SA,
# ur_PK, ms_MY and tr_TR, at 60x20 and 80x24, with a fixed clock and a
# platform seeded for a fixed day; compared with
# tests/tui/golden/clinical/VIEW-LANG-COLSxLINES.txt. After a change meant to
# alter them, look at the new screens as their reader would (Arabic and Urdu
# right to left: the order, the digits, the shaping) and keep them:
# GOLDEN_UPDATE=1 tests/tui/golden_clinical.sh; ONLY=ar_SA (a locale, a size
# or a view) looks at fewer.
. "$(dirname "$0")/lib.sh" "$@"
GOLDEN=$TOP/tests/tui/golden/clinical
mkdir -p "$GOLDEN"
export TZ=Asia/Karachi
DAY=2026-12-02
NOW=2026-12-02T05:00:00Z   # 10:00 in Karachi
platform_start --today "$DAY"
config_user amina
sed -i 's/^bidi = .*/bidi = app/' "$XDG_CONFIG_HOME/ezrizi/config"
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login
TOKEN=$(token amina)
mkdir -m 700 -p "$WORK/batch-data"
ezb() { XDG_DATA_HOME=$WORK/batch-data EZRIZI_TOKEN=$TOKEN "$EZRIZI" "$@"; }
# The client of the session under way at 10:00 (the screen selects it):
# three PHQ-9s since intake, none a risk (no banner), at fixed times.
pat=$(EZRIZI_NOW=$NOW TZ=$TZ ezb --format json appointments | jq -r 'select(.start | test("T10:00|T05:00:00Z")) | .patient_id' | head -n1)
[ -n "$pat" ] && [ "$pat" != null ] && ok "the 10:00 client" || fail "the 10:00 client" "none"
for at in 2026-11-04T05:30:00Z:2,2,2,2,2,1,1,1,0 2026-11-18T05:30:00Z:2,1,1,1,1,1,1,1,0 2026-11-25T05:30:00Z:1,1,1,0,1,0,1,0,0; do
	EZRIZI_NOW=${at%%Z:*}Z ezb assess "$pat" phq9 --answers "${at#*Z:}" >/dev/null ||
		fail "a PHQ-9 of $at" "assess failed"
done

# The crisis view with the lines the platform serves (the UAE's, sourced in
# CLINICAL-NOTES.md) and an emergency contact: the client's country is made
# the UAE and given another client's contact.
contact=$(api Patient/pat-0001 | jq -c .contact)
api "Patient/$pat" | jq --argjson c "$contact" '.address = [((.address // [])[0] // {}) + {country: "AE"}] | .contact = $c' |
	curl -sf -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/fhir+json' --data-binary @- \
		"$BASE/Patient/$pat" >/dev/null && ok "the client in the UAE, with a contact" || fail "the client in the UAE" "refused"

capture() { tm capture-pane -p -t "$1" | sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/'; }
# The title's count of the notes owed (4 on the seeded day) comes from a
# look of its own: waited for (at most 5 s) before the screen settles.
owed_count() { for _ in $(seq 1 $((50 * SLOW))); do capture "$1" | head -n1 | grep -q '[4٤]' && return; sleep 0.1; done; }
keep_or_compare() {  # NAME: the settled screen of session NAME
	settle capture "$1"
	golden "$GOLDEN" "$1" "$SETTLED"
}
# The screen of session S now, kept or compared as VIEW-S (the name the
# golden takes from the session's).
shot() {  # VIEW S
	tm rename-session -t "$2" "$1-$2"
	keep_or_compare "$1-$2"
	tm rename-session -t "$1-$2" "$2"
}
wanted() { case " ${ONLY:-$*} " in *" $1 "*|*" $2 "*|*" $3 "*) return 0 ;; esac; return 1; }

for lang in en_US ar_SA ur_PK ms_MY tr_TR; do
	for size in 60x20 80x24; do
		l=${lang%%_*}
		s=$l-$size
		tm new-session -d -s "$s" -x "${size%x*}" -y "${size#*x}" \
			"env TERM=screen LANG=$lang.UTF-8 LC_CTYPE=$lang.UTF-8 LANGUAGE= TZ=$TZ EZRIZI_NOW=$NOW XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$EZRIZI'; sleep 60"
		owed_count "$s"
		settle capture "$s"
		if wanted "$lang" "$size" trend; then
			shot trend "$s"
		fi
		if wanted "$lang" "$size" chart; then
			tm send-keys -t "$s" S
			shot chart "$s"
			tm send-keys -t "$s" Escape
			sleep 0.3
		fi
		if wanted "$lang" "$size" form; then
			tm send-keys -t "$s" g
			sleep 0.5
			tm send-keys -t "$s" -l phq9
			tm send-keys -t "$s" Enter
			shot form "$s"
			for d in 1 1 1 0 1 0 1 0 0; do tm send-keys -t "$s" $d; sleep 0.1; done
			shot summary "$s"
			tm send-keys -t "$s" q
			sleep 0.3
		fi
		if wanted "$lang" "$size" crisis; then
			tm send-keys -t "$s" C
			shot crisis "$s"
			tm send-keys -t "$s" Escape
			sleep 0.3
		fi
		tm send-keys -t "$s" q
		sleep 0.5
		tm kill-session -t "$s" 2>/dev/null
	done
done
finish
