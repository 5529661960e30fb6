#!/bin/sh
# SPDX-License-Identifier: ISC
# How long after `svc -d` a service's stray is gone: a double-forked child in
# its own session that ignores SIGTERM. daemontools-ng sends TERM to the
# main process, TERM to what is left in the service cgroup, and cgroup.kill
# after stray-grace (1 s by default), so the figure is about 1 s. The peers
# signal the main process only: their stray survives (checked for 3 s).
# Usage: bench/cgroup-stray.sh [RUNS]   (root; needs the built supervise on PATH
# first, e.g. PATH=$PWD/src:$PATH; daemontools, runit and s6 where installed)
set -u
runs=${1:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/dtng-bench.XXXXXX") || exit 1
# Our supervise processes put their cgroups under a private cgroup of this
# run (SUPERVISE_CGROUP), removed at the end, as the black-box tests do:
# nothing is left in the real cgroup tree even if a run goes wrong.
. "$(dirname "$0")/../tests/bb/cglib.sh"
cleanup() {
	cg_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
# wait_gone PID MS: 0 when PID is gone within MS milliseconds.
wait_gone() {
	_end=$(( $(now_ms) + $2 ))
	while ! gone "$1"; do
		[ "$(now_ms)" -ge "$_end" ] && return 1
		sleep 0.01
	done
}
mksvc() {
	mkdir -p "$1"
	cat >"$1/run" <<'RUN'
#!/bin/sh
( setsid sh -c 'trap "" TERM; echo $$ >stray.pid; exec sleep 1000' </dev/null >/dev/null 2>&1 & )
exec sleep 1000
RUN
	chmod 755 "$1/run"
}
# one NAME SUPERVISE-CMD DOWN-CMD EXIT-CMD: prints the ms until the stray
# was gone, or "survives".
one() {
	d=$T/$1.$i
	mksvc "$d"
	$2 "$d" >/dev/null 2>&1 &
	sup=$!
	w=0
	while [ ! -s "$d/stray.pid" ] && [ $w -lt 500 ]; do sleep 0.01; w=$((w + 1)); done
	stray=$(cat "$d/stray.pid")
	t0=$(now_ms)
	$3 "$d"
	if wait_gone "$stray" 3000; then echo $(( $(now_ms) - t0 )); else echo survives; fi
	kill -KILL "$stray" 2>/dev/null
	$4 "$d" >/dev/null 2>&1
	wait_gone "$sup" 5000 || kill -KILL "$sup" 2>/dev/null
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "n/a"}'; }

[ "$(id -u)" = 0 ] || { echo "needs root"; exit 0; }
cg_private || :
s=$T/check
mksvc "$s"
supervise "$s" 2>/dev/null &
p=$!
w=0
while ! grep -q '^cgroup=/' "$s/supervise/state" 2>/dev/null && [ $w -lt 300 ]; do sleep 0.01; w=$((w + 1)); done
cg=$(sed -n 's/^cgroup=//p' "$s/supervise/state" 2>/dev/null)
svc -dx "$s"; wait_gone "$p" 5000
kill -KILL "$(cat "$s/stray.pid" 2>/dev/null)" 2>/dev/null
case $cg in /*) ;; *) echo "supervise runs no service cgroups here (cgroup=${cg:-?}): nothing to measure"; exit 0 ;; esac

i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	one ng supervise "svc -d" "svc -dx" >>"$T/ng"
	[ -x /usr/bin/supervise ] && one djb /usr/bin/supervise "/usr/bin/svc -d" "/usr/bin/svc -dx" >>"$T/djb"
	command -v s6-supervise >/dev/null && one s6 s6-supervise "s6-svc -d" "s6-svc -x" >>"$T/s6"
	command -v runsv >/dev/null && one runit runsv "sv down" "sv exit" >>"$T/runit"
done
for n in ng djb s6 runit; do
	[ -s "$T/$n" ] || continue
	surv=$(grep -c survives "$T/$n")
	med=$(grep -v survives "$T/$n" | median)
	echo "$n: runs=$runs stray-gone-median-ms=$med survived=$surv/$runs"
done
