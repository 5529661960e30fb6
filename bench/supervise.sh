#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise side by side with daemontools' supervise, runit's runsv and
# s6-supervise, in one run on one machine:
#  1. restart latency of a healthy service: it has been up longer than
#     HEALTHY (ours) and than every peer's 1 s start throttle, then exits;
#     latency = the new run's first line minus the old run's last line.
#  2. memory: N services that each `exec sleep`, PSS per supervisor process
#     from /proc/PID/smaps_rollup, one supervisor family at a time.
# Public tools only: sh, bash (EPOCHREALTIME), awk. Kills only its own pids.
#
# usage: bench/supervise.sh [-n SERVICES] [-r RESTARTS] [-b BUILDDIR]
set -u
N=200 R=10 B=.
while getopts n:r:b: o; do
	case $o in
	n) N=$OPTARG ;; r) R=$OPTARG ;; b) B=$OPTARG ;;
	*) echo "usage: $0 [-n SERVICES] [-r RESTARTS] [-b BUILDDIR]" >&2; exit 100 ;;
	esac
done
OURS=$(cd "$B" && pwd)/src/supervise
[ -x "$OURS" ] || { echo "$0: build first: $OURS is missing" >&2; exit 111; }
W=$(mktemp -d /tmp/supervise-bench.XXXXXX)
# Our supervises put their cgroups under a private cgroup of this run,
# removed at exit (as the black-box tests do), never in the real tree.
T=$W
. "$(dirname "$0")/../tests/bb/cglib.sh"
cg_private || :
PIDS=
cleanup() {
	for p in $PIDS; do
		kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
		kill -KILL "$p" $kids 2>/dev/null
	done
	cg_cleanup
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

peers="ours:$OURS"
for p in daemontools:/usr/bin/supervise runit:/usr/bin/runsv s6:/usr/bin/s6-supervise; do
	[ -x "${p#*:}" ] && peers="$peers $p"
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
	else if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2];
	else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- 1. restart latency -------------------------------------------------------
echo "== restart latency of a healthy service ($R restarts, all supervisors at once)"
for p in $peers; do
	name=${p%%:*} bin=${p#*:}
	d=$W/lat-$name
	mkdir -p "$d"
	cat >"$d/run" <<'EOF'
#!/bin/bash
echo "s $EPOCHREALTIME" >>times
sleep 1.2
echo "e $EPOCHREALTIME" >>times
exit 0
EOF
	chmod +x "$d/run"
	echo "1 60 1" >"$d/backoff" # ours: HEALTHY 1 s; the run lasts 1.2 s
	env -i PATH=/usr/bin:/bin ${SUPERVISE_CGROUP:+SUPERVISE_CGROUP=$SUPERVISE_CGROUP} "$bin" "$d" </dev/null >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
for p in $peers; do
	d=$W/lat-${p%%:*}
	while [ "$(grep -c '^s' "$d/times" 2>/dev/null || true)" -le "$R" ]; do
		sleep 0.5 # a benchmark's pacing, not a test's wait
	done
done
printf '%-12s %10s %10s\n' supervisor median_ms ratio
base=
for p in $peers; do
	name=${p%%:*}
	m=$(tr ',' '.' <"$W/lat-$name/times" | awk '
		$1 == "e" { e = $2 } $1 == "s" && e { printf "%.3f\n", ($2 - e) * 1000; e = 0 }' |
		head -n "$R" | median)
	[ -z "$base" ] && base=$m
	printf '%-12s %10s %10s\n' "$name" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {
		if (b > 0) printf "%.1fx", a / b; else print "n/a" }')"
done
for p in $PIDS; do
	kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
	kill -KILL "$p" $kids 2>/dev/null
done
PIDS=

# ---- 2. memory ------------------------------------------------------------------
echo "== PSS per supervisor process, $N services each running sleep"
printf '%-12s %10s %10s\n' supervisor pss_kib ratio
base=
for p in $peers; do
	name=${p%%:*} bin=${p#*:}
	mine=
	i=0
	while [ $i -lt "$N" ]; do
		d=$W/mem-$name/$i
		mkdir -p "$d"
		printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"
		chmod +x "$d/run"
		env -i PATH=/usr/bin:/bin ${SUPERVISE_CGROUP:+SUPERVISE_CGROUP=$SUPERVISE_CGROUP} "$bin" "$d" </dev/null >/dev/null 2>&1 &
		mine="$mine $!"
		i=$((i + 1))
	done
	PIDS="$PIDS $mine"
	# Every supervisor has its sleep before we look (bounded pacing).
	tries=0
	for q in $mine; do
		while [ -z "$(cat /proc/"$q"/task/*/children 2>/dev/null)" ] && [ $tries -lt 600 ]; do
			sleep 0.1
			tries=$((tries + 1))
		done
	done
	sleep 1
	kib=$(for q in $mine; do cat /proc/"$q"/smaps_rollup; done 2>/dev/null |
		awk '/^Pss:/ { s += $2; n++ } END { printf "%.1f\n", s / n }')
	[ -z "$base" ] && base=$kib
	printf '%-12s %10s %10s\n' "$name" "$kib" "$(awk -v a="$kib" -v b="$base" 'BEGIN {
		printf "%.2fx", a / b }')"
	for q in $mine; do
		kids=$(cat /proc/"$q"/task/*/children 2>/dev/null)
		kill -KILL "$q" $kids 2>/dev/null
	done
	PIDS=
done
