#!/usr/bin/env bash
# Finds an include cycle among headers: builds the graph of `#include "..."`
# lines between the headers under the given directories (a name resolves as
# the build does: under ROOT/include, under ROOT, or beside the header) and
# walks it depth first. Prints the first cycle found ("a.h -> b.h -> a.h") and
# exits 1; prints the number of headers and edges read and exits 0 when there
# is none.
# With --modules a header stands for its module: the includes of the .c file
# of the same name beside it count as the header's (a module that calls
# another which calls it back is a cycle, even when no header includes the
# other). A module's private header (NAME_int.h) is part of it.
# Usage: tests/include-cycles.sh [--modules] ROOT DIR...   (DIRs relative to ROOT)
modules=0
[ "$1" = --modules ] && { modules=1; shift; }
root=$1
shift
cd "$root" || exit 2
declare -A edges=() state=()
headers=()
dirs=("$@")
for d in "$@"; do
	for h in "$d"/*.h; do
		[ -e "$h" ] && headers+=("$h")
	done
done
is_header() { local x; for x in "${headers[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
# The .c file of a header's module: beside it or in one of the DIRs (src/ for
# include/core).
module_c() {
	local b d
	b=$(basename "$1" .h)
	for d in "$(dirname "$1")" "${dirs[@]}"; do
		[ -e "$d/$b.c" ] && { echo "$d/$b.c"; return; }
	done
}
n_edges=0
# add_edges HEADER FILE: the includes of FILE (the header or its module's .c)
# are edges of HEADER; a name resolves under include/, under ROOT, or beside
# FILE (the build's own config.h, beside none of them, is no header here).
add_edges() {
	local h=$1 file=$2 name cand
	while read -r name; do
		for cand in "include/$name" "$name" "$(dirname "$file")/$name"; do
			cand=${cand#./}
			[ "$cand" = "$h" ] && break   # a module includes its own header
			# ... or its private one (src/store_int.h of store)
			[ "$(basename "$cand")" = "$(basename "$h" .h)_int.h" ] && break
			if is_header "$cand"; then
				edges[$h]+="$cand "
				n_edges=$((n_edges + 1))
				break
			fi
		done
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
}
for h in "${headers[@]}"; do
	add_edges "$h" "$h"
	if [ $modules = 1 ]; then
		c=$(module_c "$h")
		[ -n "$c" ] && add_edges "$h" "$c"
	fi
done

# state: unset = not seen, 1 = on the current path, 2 = done.
path=()
visit() {
	local h=$1 next
	state[$h]=1
	path+=("$h")
	for next in ${edges[$h]}; do
		if [ "${state[$next]}" = 1 ]; then
			local out="" on=0 p
			for p in "${path[@]}"; do
				[ "$p" = "$next" ] && on=1
				[ $on = 1 ] && out+="$p -> "
			done
			echo "${out}$next"
			return 1
		fi
		if [ -z "${state[$next]}" ]; then
			visit "$next" || return 1
		fi
	done
	state[$h]=2
	unset 'path[${#path[@]}-1]'
	return 0
}
for h in "${headers[@]}"; do
	if [ -z "${state[$h]}" ]; then
		visit "$h" || exit 1
	fi
done
echo "${#headers[@]} headers, $n_edges includes among them, no cycle"
