#!/usr/bin/env bash
# Golden screens: the first screen in en_US (12-hour), the C locale (24-hour,
# ISO dates) and ar_SA, ur_PK, ms_MY, tr_TR, at 60x20, 80x24 and 120x40, with a
# fixed clock and a platform seeded for a fixed day, compared with
# tests/tui/golden/LANG-COLSxLINES.txt. After a change that is meant to alter
# them, look at the new screens (in Arabic and Urdu as their reader would: right
# to left, digits, shaping) and keep them: GOLDEN_UPDATE=1 tests/tui/golden.sh
# ONLY=ar_SA (a locale, or a size) looks at fewer.
. "$(dirname "$0")/lib.sh" "$@"
GOLDEN=$TOP/tests/tui/golden
export TZ=Asia/Karachi
DAY=2026-12-02
export EZRIZI_NOW=2026-12-02T05:00:00Z   # 10:00 in Karachi
platform_start --today "$DAY"
config_user amina
sed -i 's/^bidi = .*/bidi = app/' "$XDG_CONFIG_HOME/ezrizi/config"
echo "poll_interval = 3600" >>"$XDG_CONFIG_HOME/ezrizi/config"
expect "login" 0 "Logged in" "$EZRIZI" login

# The port is the platform's own pick: it is masked.
capture() { tm capture-pane -p -t "$1" | sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/'; }
name_of() { local l=${1%%_*}; printf '%s-%s' "${l%%.*}" "$2"; }   # en_US 80x24 -> en-80x24, C.UTF-8 -> C-80x24

# The title's count of the notes owed (4 on the seeded day) comes from a
# look of its own: waited for (at most 5 s) before the screen settles.
owed_count() { for _ in $(seq 1 $((50 * SLOW))); do "$1" "$2" | head -n1 | grep -q '[4٤]' && return; sleep 0.1; done; }

screens=()
for lang in en_US C ar_SA ur_PK ms_MY tr_TR; do
	for size in 60x20 80x24 120x40; do
		case " ${ONLY:-$lang $size} " in *" $lang "*|*" $size "*) ;; *) continue ;; esac
		screens+=("$lang:$size")
	done
done

# A language's three sizes at once (the store takes turns between them).
for lang in en_US C ar_SA ur_PK ms_MY tr_TR; do
	started=()
	for s in "${screens[@]}"; do
		[ "${s%%:*}" = "$lang" ] || continue
		size=${s#*:}
		name=$(name_of "$lang" "$size")
		tm new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" \
			"env TERM=screen LANG=$lang.UTF-8 LC_CTYPE=$lang.UTF-8 LANGUAGE= TZ=$TZ EZRIZI_NOW=$EZRIZI_NOW XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$EZRIZI'; sleep 60"
		started+=("$name")
	done
	for name in "${started[@]}"; do
		owed_count capture "$name"
		settle capture "$name"
		golden "$GOLDEN" "$name" "$SETTLED"
		tm send-keys -t "$name" q
	done
done
finish
