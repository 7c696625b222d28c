#!/usr/bin/env bash
# tests/store/agent.sh - the unlock agent seen from outside: a detached process
# with no terminal, no core dumps, no key in argv, the environment or a file,
# none of its starter's descriptors; it answers only its own user, and leaves
# on stop, on SIGTERM, when its time is up or when its socket goes.
#
# Usage: agent.sh [TEST_AGENT]. TEST_AGENT is tests/unit/test_agent.c built
# (its --helper mode starts and asks agents); without it, it is looked for in
# build/tests/ and else compiled here.

. "$(dirname "$0")/../lib.sh"

HELPER=${1:-${TEST_AGENT:-$TOP/build/tests/test_agent}}
if [ ! -x "$HELPER" ]; then
	HELPER=$WORK/test_agent
	(cd "$TOP" && ${CC:-cc} -std=c17 -D_GNU_SOURCE -Iinclude -Ibuild \
		src/agent.c src/xmalloc.c src/error.c src/fsutil.c src/utf8.c tests/unit/test_agent.c \
		$(pkg-config --cflags --libs cmocka libsodium) -o "$HELPER") || { echo "cannot build the helper" >&2; exit 1; }
fi

h() { timeout 10 "$HELPER" --helper "$@"; }
SOCK=$(h path)
SOCKDIR=${SOCK%/*}

lib_cleanup() { cleanup; }
agent_cleanup() {
	h stop >/dev/null 2>&1
	chmod -R u+rwX "$WORK" 2>/dev/null
	lib_cleanup
}
trap agent_cleanup EXIT

# raw LINE: sends LINE on the socket and prints whatever comes back until the
# agent closes (4 s at most). As whoever runs it.
raw() {
	perl -MIO::Socket::UNIX -e '
		alarm 4;
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0]) or exit 3;
		print $s $ARGV[1]; $s->flush;
		my $out = ""; while (sysread($s, my $b, 4096)) { $out .= $b } print $out;' "$SOCK" "$1"
}

# The agent's pid: the process that holds the listening socket. (SO_PEERCRED
# would name the starter, which called listen() before the fork.)
agent_pid() { ss -xlpH src "$SOCK" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1; }

# gone PID [TENTHS]: true once PID has exited within TENTHS tenths of a second
# (default 100); a zombie counts, the kernel freed its memory.
gone() {
	local st
	for _ in $(seq 1 "${2:-100}"); do
		st=$(ps -o stat= -p "$1" 2>/dev/null)
		case $st in ''|Z*) return 0 ;; esac
		sleep 0.1
	done
	return 1
}

key=$(head -c 32 /dev/urandom | base64)
key2=$(head -c 32 /dev/urandom | base64)
printf '%s\n' "$key" >"$WORK/key.pattern"  # grep -f: a key in grep's argv would show in ps
export EZRIZI_TEST_MARKER=agent-env-marker

# ---- start, from a process that keeps an extra descriptor and a pipe open ----
exec 7>"$WORK/held-by-starter"
out=$(printf '%s\n' "$key" | h start /some/store 30 2>&1)
rc=$?
exec 7>&-
if [ $rc = 0 ]; then ok start-returns; else fail start-returns "rc=$rc (124 means it waited on the agent): $out"; fi

[ "$(h get /some/store)" = "$key" ] && ok get-same-key || fail get-same-key "got another key"
h get /other/store >/dev/null && fail get-other-store "answered" || ok get-other-store
ttl=$(h ttl /some/store)
[ "$ttl" -ge 1 ] && [ "$ttl" -le 30 ] && ok ttl-in-range || fail ttl-in-range "ttl=$ttl"

pid=$(agent_pid)
if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then ok agent-pid; else fail agent-pid "no process: '$pid'"; fi

# ---- the process ----
tty=$(ps -o tty= -p "$pid" | tr -d ' ')
[ "$tty" = "?" ] && ok no-terminal || fail no-terminal "tty=$tty"
sid=$(ps -o sid= -p "$pid" | tr -d ' ')
[ "$sid" != "$pid" ] && ok not-session-leader || fail not-session-leader "sid=$sid"
[ -r "/proc/$pid/status" ] && ok proc-status || fail proc-status "unreadable"
grep -q '^Max core file size *0 *0 ' "/proc/$pid/limits" && ok no-core-dumps \
	|| fail no-core-dumps "$(grep core "/proc/$pid/limits")"
if [ "$(id -u)" != 0 ]; then
	# A process that is not dumpable has its /proc files owned by root.
	[ "$(stat -c %u "/proc/$pid/status")" = 0 ] && ok not-dumpable || fail not-dumpable "owned by us"
fi
[ "$(readlink "/proc/$pid/cwd")" = / ] && ok cwd-root || fail cwd-root "$(readlink "/proc/$pid/cwd")"
fds=$(ls -l "/proc/$pid/fd" | awk 'NR > 1 { print $NF }' | sort | tr '\n' ' ')
case $fds in
	"/dev/null /dev/null /dev/null socket:"*) [ "$(echo "$fds" | wc -w)" = 4 ] && ok only-its-descriptors \
		|| fail only-its-descriptors "$fds" ;;
	*) fail only-its-descriptors "$fds" ;;
esac
stat -c %a "$SOCKDIR" | grep -qx 700 && ok socket-folder-0700 || fail socket-folder-0700 "$(stat -c %a "$SOCKDIR")"
[ "$(( 0$(stat -c %a "$SOCK") & 077 ))" = 0 ] && ok socket-private || fail socket-private "$(stat -c %a "$SOCK")"

# ---- where the key must not be ----
b64_in() { tr '\0' '\n' <"$1" | grep -qFf "$WORK/key.pattern"; }
[ -s "$WORK/key.pattern" ] || fail key-pattern-made "empty: every check below would pass"
b64_in "/proc/$pid/cmdline" && fail key-not-in-cmdline "found" || ok key-not-in-cmdline
b64_in "/proc/$pid/environ" && fail key-not-in-environ "found" || ok key-not-in-environ
tr '\0' '\n' <"/proc/$pid/environ" | grep -q EZRIZI_TEST_MARKER && ok environ-readable \
	|| fail environ-readable "the check above proved nothing"
ps -eww -o pid | grep -qx " *$pid" || fail ps-lists-the-agent "the checks below would prove nothing"
ps -eww -o args | grep -qFf "$WORK/key.pattern" && fail key-not-in-ps "found" || ok key-not-in-ps
ps axeww -o args | grep -qFf "$WORK/key.pattern" && fail key-not-in-ps-env "found" || ok key-not-in-ps-env
grep -rqFf "$WORK/key.pattern" --exclude=key.pattern "$WORK" "$SOCKDIR" 2>/dev/null && fail key-not-in-files "found" || ok key-not-in-files

# ---- the protocol, by hand ----
[ "$(raw "GET /some/store
")" = "OK $key" ] && ok raw-get || fail raw-get "wrong answer"
[ "$(raw "TTL /nowhere
")" = NO ] && ok raw-ttl-unknown || fail raw-ttl-unknown "wrong answer"
[ "$(raw "PUT 20 /a store/with spaces $key2
")" = OK ] && ok raw-put || fail raw-put "refused"
[ "$(h get "/a store/with spaces")" = "$key2" ] && ok put-two-stores || fail put-two-stores "lost"
[ "$(h get /some/store)" = "$key" ] && ok first-store-kept || fail first-store-kept "lost"
[ "$(raw "FETCH everything
")" = NO ] && ok raw-nonsense || fail raw-nonsense "answered"
long=$(head -c 10000 /dev/zero | tr '\0' A)
[ -z "$(raw "GET $long")" ] && ok raw-too-long || fail raw-too-long "answered"

# Someone else, even with the way opened for them, gets nothing.
if [ "$(id -u)" = 0 ]; then
	chmod 711 "$WORK" "$XDG_RUNTIME_DIR" "$SOCKDIR"
	chmod 666 "$SOCK"
	other=$(SOCK=$SOCK setpriv --reuid=65534 --regid=65534 --clear-groups \
		perl -MIO::Socket::UNIX -e '
			alarm 15; $SIG{PIPE} = "IGNORE";
			my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ENV{SOCK}) or do { print "noconnect"; exit };
			print $s "GET /some/store\n"; $s->flush;
			my $out = ""; while (sysread($s, my $b, 4096)) { $out .= $b } print "[$out]";')
	chmod 600 "$SOCK"
	chmod 700 "$SOCKDIR" "$XDG_RUNTIME_DIR" "$WORK"
	[ "$other" = "[]" ] && ok other-user-refused || fail other-user-refused "got: $other"
fi

# ---- a running agent takes a new key and time; only one agent ----
printf '%s\n' "$key2" | h start /some/store 60 && ok restart-puts || fail restart-puts "failed"
ttl=$(h ttl /some/store)
[ "$ttl" -gt 30 ] && [ "$ttl" -le 60 ] && ok new-time || fail new-time "ttl=$ttl"
[ "$(h get /some/store)" = "$key2" ] && ok new-key || fail new-key "old key"
[ "$(agent_pid)" = "$pid" ] && ok same-agent || fail same-agent "another process"

# ---- stop ----
h stop && ok stop || fail stop "rc=$?"
[ ! -e "$SOCK" ] && ok stop-removes-socket || fail stop-removes-socket "still there"
gone "$pid" && ok stop-ends-process || fail stop-ends-process "still running"
h get /some/store >/dev/null && fail get-after-stop "answered" || ok get-after-stop
h stop && fail stop-twice "said it stopped one" || ok stop-twice

# ---- two starts at once: one agent with both keys ----
printf '%s\n' "$key" | h start /race/one 30 &
printf '%s\n' "$key2" | h start /race/two 30 &
wait
[ "$(h get /race/one)" = "$key" ] && [ "$(h get /race/two)" = "$key2" ] && ok concurrent-starts \
	|| fail concurrent-starts "a key is missing"

# ---- SIGTERM ----
pid=$(agent_pid)
kill -TERM "$pid"
gone "$pid" && [ ! -e "$SOCK" ] && ok sigterm-cleans-up || fail sigterm-cleans-up "process or socket left"

# ---- time's up ----
printf '%s\n' "$key" | h start /some/store 1
pid=$(agent_pid)
sleep 2.2
h get /some/store >/dev/null && fail forgets-in-time "still has the key" || ok forgets-in-time
gone "$pid" && [ ! -e "$SOCK" ] && ok leaves-when-empty || fail leaves-when-empty "still there"

# ---- its socket removed: it leaves (it checks every 10 s) ----
printf '%s\n' "$key" | h start /some/store 60
pid=$(agent_pid)
rm -f "$SOCK"
gone "$pid" 130 && ok leaves-without-socket || fail leaves-without-socket "still running"

# ---- a folder others can open is refused ----
chmod 755 "$SOCKDIR"
expect open-folder-refused 1 "$SOCKDIR" h start /some/store 30 <<<"$key"
chmod 700 "$SOCKDIR"

finish
