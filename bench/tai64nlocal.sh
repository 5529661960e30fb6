#!/bin/sh
# SPDX-License-Identifier: ISC
# tai64nlocal.sh [-s MIB] [-r REPS] [-z "ZONE..."] [OURS]
#
# Throughput of tai64nlocal: ours (OURS, default ../src/tai64nlocal next to
# this script; give the build's src/tai64nlocal for an out-of-tree build)
# against daemontools 0.76 (/usr/bin/tai64nlocal) and s6 (s6-tai64nlocal),
# in the same run, on a deterministic corpus of TAI64N-stamped log lines
# (gen-stamped.sh: 40 to 300 bytes a line, across a DST change) read from a
# file and written to /dev/null. REPS rounds, the programs interleaved in
# each round; reported: median MB/s (10^6 bytes), CPU seconds per GB (user +
# system, summed over the rounds), and our speed as a multiple of each
# peer's. The median time of launching /bin/true the same way is
# subtracted from each median: it is not the program's work. Also checks that our output is byte-identical to daemontools'.
# Tools: sh, awk, date, cmp, GNU time (/usr/bin/time).
set -u
mib=256 reps=5 zones="UTC Europe/Berlin"
while getopts s:r:z: o; do
	case $o in
	s) mib=$OPTARG ;;
	r) reps=$OPTARG ;;
	z) zones=$OPTARG ;;
	*) echo "usage: $0 [-s MIB] [-r REPS] [-z \"ZONE...\"] [OURS]" >&2; exit 100 ;;
	esac
done
shift $((OPTIND - 1))
here=$(cd "$(dirname "$0")" && pwd)
ours=${1:-$here/../src/tai64nlocal}
[ -x "$ours" ] || { echo "$0: no program at $ours (build first, or give its path)" >&2; exit 111; }
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (Debian package time)" >&2; exit 111; }

impls="ours=$ours"
[ -x /usr/bin/tai64nlocal ] && impls="$impls daemontools=/usr/bin/tai64nlocal"
s6=$(command -v s6-tai64nlocal 2>/dev/null) && impls="$impls s6=$s6"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tai64nlocal-bench.XXXXXX") || exit 111
trap 'rm -rf "$tmp"' EXIT
trap 'exit 111' INT TERM HUP

sh "$here/gen-stamped.sh" "$mib" >"$tmp/corpus" || exit 111
bytes=$(wc -c <"$tmp/corpus" | tr -d ' ')
lines=$(wc -l <"$tmp/corpus" | tr -d ' ')
echo "corpus: $bytes bytes, $lines lines; $reps rounds; zones: $zones"

# run ZONE PROG: one timed run; appends "wall_ns user sys" to stdout.
run() {
	t0=$(date +%s%N)
	/usr/bin/time -o "$tmp/time" -f '%U %S' env TZ="$1" "$2" <"$tmp/corpus" >/dev/null
	t1=$(date +%s%N)
	echo "$((t1 - t0)) $(cat "$tmp/time")"
}

status=0
for zone in $zones; do
	if [ -x /usr/bin/tai64nlocal ]; then
		TZ=$zone "$ours" <"$tmp/corpus" >"$tmp/ours.out"
		TZ=$zone /usr/bin/tai64nlocal <"$tmp/corpus" >"$tmp/ref.out"
		if cmp -s "$tmp/ours.out" "$tmp/ref.out"; then
			echo "check: TZ=$zone output identical to daemontools'"
		else
			echo "check: TZ=$zone output DIFFERS from daemontools'"
			status=1
		fi
		rm -f "$tmp/ours.out" "$tmp/ref.out"
	fi
	: >"$tmp/times"
	for impl in $impls; do # warm-up, untimed
		env TZ="$zone" "${impl#*=}" <"$tmp/corpus" >/dev/null
	done
	r=0
	while [ "$r" -lt "$reps" ]; do
		for impl in $impls launch=/bin/true; do
			echo "${impl%%=*} $(run "$zone" "${impl#*=}")" >>"$tmp/times"
		done
		r=$((r + 1))
	done
	awk -v bytes="$bytes" -v zone="$zone" '
	{ n[$1]++; wall[$1, n[$1]] = $2; cpu[$1] += $3 + $4; if (!($1 in seen)) { seen[$1]; order[++k] = $1 } }
	function median(name,   i, j, c, t, a) {
		c = n[name]
		for (i = 1; i <= c; i++) a[i] = wall[name, i]
		for (i = 2; i <= c; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
	}
	END {
		launch = median("launch")
		printf "TZ=%s (launch overhead %.1f ms subtracted)\n", zone, launch / 1e6
		printf "  %-12s %10s %10s %10s\n", "program", "MB/s", "CPU s/GB", "ours is"
		for (i = 1; i <= k; i++) {
			p = order[i]; mbs[p] = bytes / (median(p) - launch) * 1000
		}
		for (i = 1; i <= k; i++) {
			p = order[i]
			if (p == "launch") continue
			printf "  %-12s %10.0f %10.3f", p, mbs[p], cpu[p] / n[p] / bytes * 1e9
			if (p != "ours") printf " %9.1fx", mbs["ours"] / mbs[p]
			printf "\n"
		}
	}' "$tmp/times"
done
exit $status
