#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/svstat-prom.sh: how long `svstat -p` takes over N services that
# really run (our svscan and supervise, each service in its cgroup where
# cgroup v2 is delegated), against plain `svstat` and `svstat -k` of ours
# and daemontools 0.76's `svstat` over the same directories, interleaved
# in every repetition. Each timing is one whole command (fork, exec, every
# DIR, output to a file), wall clock; medians and minima are reported.
# The output of the last `svstat -p` is checked (one running series per
# service, promtool where installed).
#
# Usage: [BIN=_build/src] [SERVICES=1000] [REPS=21] sh bench/svstat-prom.sh
# As root the services get a private cgroup (removed at the end), so the
# cgroup files are read too; without root they run without cgroups.
set -u
BIN=${BIN:-_build/src}
SERVICES=${SERVICES:-1000}
REPS=${REPS:-21}
BIN=$(cd "$BIN" 2>/dev/null && pwd) || { echo "no build in BIN=$BIN" >&2; exit 111; }
for p in svscan supervise svstat svwait svc; do
	[ -x "$BIN/$p" ] || { echo "no $BIN/$p: run make first" >&2; exit 111; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-svstat-prom.XXXXXX") || exit 111
SPID=
CG=
cleanup() {
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 111' INT TERM HUP
now() { date +%s%N; }

# A private cgroup (as root, where cgroup v2 is mounted): the cgroup2
# mount that shows our "0::" path, found from /proc/self/mountinfo.
if [ "$(id -u)" = 0 ]; then
	cgp=$(sed -n 's/^0:://p' /proc/self/cgroup)
	dir=$(awk -v p="$cgp" '{
		for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup2") next
		r = $4
		if (r == "/") { print $5 (p == "/" ? "" : p); exit }
		if (index(p "/", r "/") == 1) { print $5 substr(p, length(r) + 1); exit }
	}' /proc/self/mountinfo)
	if [ -n "$dir" ] && mkdir "$dir/bench-svstat-prom.$$" 2>/dev/null; then
		CG=$dir/bench-svstat-prom.$$
		SUPERVISE_CGROUP=$CG
		export SUPERVISE_CGROUP
	fi
fi
echo "services=$SERVICES reps=$REPS cgroup=${CG:-none}"

mkdir -p "$W/s"
i=0
while [ $i -lt "$SERVICES" ]; do
	i=$((i + 1))
	mkdir "$W/s/$i"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$W/s/$i/run"
	chmod +x "$W/s/$i/run"
done
ulimit -n 4096 2>/dev/null
PATH=$BIN:$PATH "$BIN/svscan" "$W/s" 2>>"$W/svscan.err" &
SPID=$!
t0=$(now)
# every supervise/status exists, then every service is up
_end=$(( $(date +%s) + 300 ))
while [ "$(ls "$W"/s/*/supervise/status 2>/dev/null | wc -l)" -lt "$SERVICES" ]; do
	[ "$(date +%s)" -ge "$_end" ] && { echo "not all supervised after 300 s" >&2; exit 111; }
	sleep 0.1
done
"$BIN/svwait" -u -t 300 "$W"/s/* || { echo "not all up after 300 s" >&2; exit 111; }
echo "all up after $(( ($(now) - t0) / 1000000 )) ms"

# run NAME CMD...: one timed run, milliseconds appended to $W/t.NAME.
run() {
	_n=$1; shift
	_a=$(now)
	"$@" >"$W/out.$_n" 2>>"$W/err.$_n"
	echo "$(( $(now) - _a ))" >>"$W/t.$_n"
}
impls="prom kv plain"
[ -x /usr/bin/svstat ] && impls="$impls ref"
r=0
while [ $r -lt "$REPS" ]; do
	r=$((r + 1))
	for m in $impls; do
		case $m in
		prom) run prom "$BIN/svstat" -p "$W"/s/* ;;
		kv) run kv "$BIN/svstat" -k "$W"/s/* ;;
		plain) run plain "$BIN/svstat" "$W"/s/* ;;
		ref) run ref /usr/bin/svstat "$W"/s/* ;;
		esac
	done
done
stats() { sort -n "$W/t.$1" | awk '{ a[NR] = $1 } END {
	printf "median_ms=%.2f min_ms=%.2f", a[int((NR + 1) / 2)] / 1e6, a[1] / 1e6 }'; }
for m in $impls; do
	case $m in
	prom) what="svstat -p (ours)" ;;
	kv) what="svstat -k (ours)" ;;
	plain) what="svstat (ours)" ;;
	ref) what="svstat (daemontools 0.76)" ;;
	esac
	echo "$what: $(stats $m) stderr_lines=$(wc -l <"$W/err.$m" | tr -d ' ')"
done
echo "svstat -p: running series=$(grep -c '^daemontools_supervise_running{.*} 1$' "$W/out.prom")" \
	"cpu series=$(grep -c '^daemontools_service_cpu_seconds_total{' "$W/out.prom")" \
	"bytes=$(wc -c <"$W/out.prom" | tr -d ' ')"
if command -v promtool >/dev/null 2>&1; then
	if promtool check metrics <"$W/out.prom" >/dev/null 2>&1; then
		echo "promtool: accepted"
	else
		echo "promtool: REFUSED"
	fi
fi
