#!/bin/sh
# SPDX-License-Identifier: ISC
# Start-up cost of the chain-loading tools: the time to run `true` through
# softlimit + envdir (a directory of 50 variables) + setlock + setuidgid,
# and through envdir alone, for daemontools-ng, Debian's daemontools and
# s6's equivalents, measured by hyperfine in one run (interleaving is not
# possible there, so keep the machine quiet). Prints per system the median
# in microseconds and the ratio to daemontools.
# Usage: bench/chain.sh [RUNS]   (BIN=dir with our programs; run as root)
set -u
RUNS=${1:-300}
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../src}
command -v hyperfine >/dev/null || { echo "chain.sh: needs hyperfine" >&2; exit 111; }
[ "$(id -u)" = 0 ] || { echo "chain.sh: run as root (setuidgid)" >&2; exit 111; }
W=$(mktemp -d "${TMPDIR:-/tmp}/dtng-bench.XXXXXX") || exit 111
trap 'rm -rf "$W"' EXIT
mkdir "$W/env"
i=0
while [ $i -lt 50 ]; do
	printf 'value number %d  \n' $i >"$W/env/VAR$i"
	i=$((i + 1))
done

# chain SYSTEM: the command line for one system (no shell involved).
chain() {
	case $1 in
	ours) d=$BIN/ s= ;;
	daemontools) d=/usr/bin/ s= ;;
	s6) d=/usr/bin/ s=s6- ;;
	esac
	echo "${d}${s}softlimit -o 1000 ${d}${s}envdir $W/env ${d}${s}setlock $W/lock" \
		"${d}${s}setuidgid nobody /bin/true"
}
envonly() {
	case $1 in
	ours) echo "$BIN/envdir $W/env /bin/true" ;;
	daemontools) echo "/usr/bin/envdir $W/env /bin/true" ;;
	s6) echo "/usr/bin/s6-envdir $W/env /bin/true" ;;
	esac
}

systems=
[ -x "$BIN/envdir" ] && systems="$systems ours"
[ -x /usr/bin/envdir ] && [ -x /usr/bin/softlimit ] && systems="$systems daemontools"
[ -x /usr/bin/s6-envdir ] && [ -x /usr/bin/s6-softlimit ] && systems="$systems s6"
chmod 755 "$W"

for what in chain envonly; do
	set --
	for s in $systems; do
		set -- "$@" -n "$s" "$($what "$s")"
	done
	hyperfine -N --style none --warmup 20 --runs "$RUNS" --export-csv "$W/$what.csv" \
		"$@" >/dev/null 2>&1 || { echo "chain.sh: hyperfine failed" >&2; exit 111; }
	echo "== $what (median us, ratio to daemontools)"
	awk -F, 'NR > 1 { m[$1] = $4 * 1e6; o[NR] = $1 }
		END { for (i = 2; i <= NR; i++) printf "%-12s %8.0f  x%.2f\n", o[i], m[o[i]],
			("daemontools" in m) ? m[o[i]] / m["daemontools"] : 0 }' "$W/$what.csv"
done
