# tests/tui/lib.sh - shared by the screen's tests (tests/tui/*.sh): the shell
# tests' lib (tests/lib.sh: the demo platform, private folders, ok and fail),
# then a tmux server of the test's own on a private socket, gone at the end,
# ezrizi started in it, and the screen read with capture-pane and waited for,
# never slept for. Source it with the test's arguments ($1: the ezrizi to run):
#   . "$(dirname "$0")/lib.sh" "$@"
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# An absolute path: tmux runs it from a shell line of its own.
EZRIZI=$(cd "$(dirname "${1:-$EZRIZI}")" && pwd)/$(basename "${1:-$EZRIZI}")
unset TMUX NO_COLOR VISUAL
command -v tmux >/dev/null || { echo "tmux is not installed"; exit 77; }
SOCK=ezrizi-$(basename "$0" .sh)-$$
tm() { tmux -L "$SOCK" "$@"; }
# The server goes, and its socket (tmux leaves it); the test's own trap, when
# it has more to end, calls this last.
tui_cleanup() {
	local sock
	sock=$(tm display -p '#{socket_path}' 2>/dev/null)
	tm kill-server 2>/dev/null
	[ -n "$sock" ] && rm -f "$sock"
	cleanup
}
trap tui_cleanup EXIT
# A session that only keeps the server up: killing a test's last session
# would end the server, and a session started right after raced it ("server
# exited unexpectedly").
tm new-session -d -s keep -x 20 -y 5 "sleep 86400"
# The terminal the screens run in (a test may name another).
if infocmp tmux-256color >/dev/null 2>&1; then TUI_TERM=tmux-256color; else TUI_TERM=screen-256color; fi

# tui_start SESSION [VAR=value | -u VAR]... [-- ARG...]: ezrizi ARGs in a new
# detached 80x24 session, run by env(1) with TERM=$TUI_TERM, this test's LANG,
# LC_CTYPE, TZ and private folders and no VISUAL, then each VAR=value given,
# less each -u VAR. Values and ARGs go into the shell line tmux runs as they
# are: the caller quotes them (CAN="'$CAN'").
# "EXIT=rc" is printed in the pane when it ends; the pane stays, to be read.
tui_start() {
	local name=$1 vars= unsets=
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		-u) unsets="$unsets -u $2"; shift ;;
		*) vars="$vars $1" ;;
		esac
		shift
	done
	[ $# -gt 0 ] && shift
	# (A second env unsets: the first takes no -u after a VAR=value.)
	tm new-session -d -s "$name" -x 80 -y 24 \
		"env -u VISUAL TERM=$TUI_TERM LANG=$LANG LC_CTYPE=$LC_CTYPE TZ=$TZ \
XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
XDG_CACHE_HOME='$XDG_CACHE_HOME' XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR'$vars${unsets:+ env$unsets} \
'$EZRIZI' $*; echo EXIT=\$?; sleep 300"
}
# screen_start SESSION [CONFIG-LINE...]: tui_start SESSION with the config and
# these lines after it (in $WORK/SESSION.conf).
screen_start() {
	local name=$1 l
	shift
	cp "$XDG_CONFIG_HOME/ezrizi/config" "$WORK/$name.conf"
	for l in "$@"; do echo "$l" >>"$WORK/$name.conf"; done
	tui_start "$name" -- --config "'$WORK/$name.conf'"
}

S=ez                                    # the session the helpers look at
# The screen as text (with -e, with attributes: SGR escapes).
screen() { tm capture-pane -p -t "$S" "$@" 2>/dev/null | unbidi; }
status_line() { screen | tail -n1; }
wait_for() {                            # wait_for PATTERN [TIMEOUT_TENTHS]
	local pat=$1 n=$(( ${2:-100} * SLOW ))
	for _ in $(seq 1 "$n"); do
		screen | grep -qE -- "$pat" && return 0
		sleep 0.1
	done
	return 1
}
wait_gone() {                           # wait_gone PATTERN [TIMEOUT_TENTHS]
	local n=$(( ${2:-100} * SLOW ))
	for _ in $(seq 1 "$n"); do
		screen | grep -qE -- "$1" || return 0
		sleep 0.1
	done
	return 1
}
# check NAME PATTERN [TIMEOUT_TENTHS]: the screen shows the pattern in time.
check() { if wait_for "$2" "${3:-100}"; then ok "$1"; else fail "$1" "no /$2/ on screen:
$(screen)"; fi; }
# settle [CAPTURE...]: until three captures (CAPTURE's output, the screen's
# by default), 0.3 s apart, agree (everything is local); the last is $SETTLED.
settle() {
	local prev= same=0
	[ $# -gt 0 ] || set -- screen
	for _ in $(seq 1 $((60 * SLOW))); do
		sleep 0.3
		SETTLED=$("$@")
		if [ -n "$SETTLED" ] && [ "$SETTLED" = "$prev" ]; then
			same=$((same + 1))
			[ "$same" -ge 2 ] && return 0
		else
			same=0
		fi
		prev=$SETTLED
	done
	return 1
}
keys() { tm send-keys -t "$S" "$@"; }
type_text() { tm send-keys -t "$S" -l -- "$1"; }  # "--": a text may start with "-"
# A regular expression matching s literally.
re() { printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'; }
first_word() { printf '%s' "$1" | cut -d' ' -f1; }

# golden DIR NAME TEXT: with GOLDEN_UPDATE=1 keeps TEXT as DIR/NAME.txt;
# otherwise it must be that file as kept (a diff is shown when not).
golden() {
	local dir=$1 name=$2 cur=$3
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		printf '%s\n' "$cur" >"$dir/$name.txt"
		ok "$name kept"
	elif [ ! -f "$dir/$name.txt" ]; then
		fail "$name" "no golden screen; run GOLDEN_UPDATE=1 $0"
	elif [ "$cur" = "$(cat "$dir/$name.txt")" ]; then
		ok "$name as kept"
	else
		fail "$name" "differs from $dir/$name.txt:
$(diff <(cat "$dir/$name.txt") <(printf '%s\n' "$cur") | head -n 20)"
	fi
}
