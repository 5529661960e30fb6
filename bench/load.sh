#!/bin/sh
# SPDX-License-Identifier: ISC
# Load: N services under one svscan, each logging through multilog; all
# up, then `svc -t` on all of them at once, then every line checked (each
# run writes 100 numbered lines "PID I", so a lost, doubled or reordered
# line shows). Records the time to bring all up, the time to handle the
# restart of all, the scanner's RSS, the PSS of all supervise processes
# and of all multilogs, and the CPU time of svscan and of the supervises.
# Compares daemontools-ng with Debian's daemontools 0.76 in the same run.
# stop_ms is not compared: ours takes every service down on TERM and
# waits for the loggers to drain, 0.76's svscan just dies.
#
# Usage: bench/load.sh [-n N] [-b BINDIR] [-i "ours ref"]
#   N: services (default 1000, 0.76's limit); BINDIR: our programs
#   (default: the directory of `svscan` on PATH). Output: one line per
#   implementation of key=value pairs, then the ratios.
# Root is not needed. Needs: sh, awk, ps-free /proc. It starts about 4N
# processes; keep other work off the machine while it runs.
set -u
n=1000
bindir=
impls="ours ref"
while getopts n:b:i: c; do
	case $c in
	n) n=$OPTARG ;;
	b) bindir=$OPTARG ;;
	i) impls=$OPTARG ;;
	*) echo "usage: bench/load.sh [-n N] [-b BINDIR] [-i IMPLS]" >&2; exit 100 ;;
	esac
done
[ -n "$bindir" ] || bindir=$(dirname "$(command -v svscan)")
lines=100
top=$(mktemp -d /tmp/dtng-load.XXXXXX) || exit 111
svscan_pid=
cur=
svcpath=$PATH

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Takes every service and logger down and ends svscan, whatever state the
# run is in (0.76's svscan leaves its supervises running when it ends).
cleanup() {
	if [ -n "$cur" ] && [ -d "$cur/s" ]; then
		PATH=$svcpath svc -dx "$cur"/s/* "$cur"/s/*/log 2>/dev/null
	fi
	[ -n "$svscan_pid" ] && kill -TERM "$svscan_pid" 2>/dev/null
	[ -n "$svscan_pid" ] && { wait "$svscan_pid" 2>/dev/null; svscan_pid=; }
}
trap 'cleanup; rm -rf "$top"' EXIT
trap 'exit 111' INT TERM HUP

make_services() {
	mkdir -p "$1/s" "$1/w"
	i=0
	while [ $i -lt $n ]; do
		i=$((i + 1))
		d=$1/s/$i
		w=$1/w/$i
		mkdir -p "$d/log" "$w"
		cat >"$d/run" <<EOR
#!/bin/sh
i=0
while [ \$i -lt $lines ]; do i=\$((i + 1)); echo "\$\$ \$i"; done
echo \$i >$w/.c.\$\$ && mv $w/.c.\$\$ $w/count.\$\$
exec sleep 1000000
EOR
		printf '#!/bin/sh\nexec multilog t ./main\n' >"$d/log/run"
		chmod +x "$d/run" "$d/log/run"
	done
}

counted() { find "$1/w" -name 'count.*' | wc -l; }

# Every writer's lines 1..count, once each, in order, in its own log.
# Prints "writers=N complete=N bad=N".
check_logs() {
	{
		for f in "$1"/w/*/count.*; do echo "C ${f##*.} $(cat "$f")"; done
		cat "$1"/s/*/log/main/current | sed 's/^@[0-9a-f]* /L /'
	} | awk '
	$1 == "C" { want[$2] = $3; next }
	$1 == "L" { p = $2; k = $3 + 0
		if (k != last[p] + 1) bad++
		last[p] = k; next }
	{ bad++ }
	END { for (p in want) { w++; if (last[p] == want[p]) ok++ }
		printf "writers=%d complete=%d bad=%d\n", w, ok, bad + 0 }'
}

children() { cat /proc/"$1"/task/*/children 2>/dev/null; }
# PSS (kB) summed over the given pids.
pss() {
	for p in "$@"; do sed -n 's/^Pss: *\([0-9]*\) kB/\1/p' "/proc/$p/smaps_rollup" 2>/dev/null; done |
		awk '{ s += $1 } END { print s + 0 }'
}
# CPU time (ms) summed over the given pids: schedstat's nanoseconds on
# the CPU (ticks of /proc/PID/stat are 10 ms: most supervises use less).
cpu_ms() {
	for p in "$@"; do cut -d' ' -f1 "/proc/$p/schedstat" 2>/dev/null; done |
		awk '{ s += $1 } END { printf "%.0f\n", s / 1000000 }'
}
by_comm() {
	_want=$1; shift
	for p in "$@"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$_want" ] && echo "$p"; done
}

# None of the pids is still running (zombies count as gone).
gone() {
	for p in "$@"; do
		[ -e "/proc/$p" ] && [ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)" != Z ] && return 1
	done
	return 0
}

# wait_for SECONDS CMD...: polls every 100 ms.
wait_for() {
	_end=$(( $(now_ms) + $1 * 1000 )); shift
	until "$@"; do [ "$(now_ms)" -ge "$_end" ] && return 1; sleep 0.1; done
}
all_counted() { [ "$(counted "$cur")" -ge "$1" ]; }
all_logged() { [ "$(check_logs "$cur" | sed 's/.*complete=\([0-9]*\).*/\1/')" -ge "$1" ]; }

run_one() {
	impl=$1
	cur=$top/$impl
	make_services "$cur"
	if [ "$impl" = ours ]; then
		svcpath=$bindir:$PATH
	else
		# 0.76's svscan runs supervise (and the log runs multilog) from PATH
		svcpath=/usr/bin:$(echo "$PATH" | tr ':' '\n' | grep -vx "$bindir" | paste -sd: -)
	fi
	export PATH="$svcpath"
	t0=$(now_ms)
	svscan "$cur/s" 2>"$cur/svscan.err" &
	svscan_pid=$!
	wait_for 300 all_counted "$n" && wait_for 120 all_logged "$n"
	up_ok=$?
	t_up=$(( $(now_ms) - t0 ))
	sups=$(by_comm supervise $(children "$svscan_pid"))
	mls=
	for s in $sups; do mls="$mls $(by_comm multilog $(children "$s"))"; done
	nsup=$(echo $sups | wc -w)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$svscan_pid/status")
	pss_sup=$(pss $sups)
	pss_ml=$(pss $mls)
	cpu_sup0=$(cpu_ms $sups)

	t1=$(now_ms)
	svc -t "$cur"/s/*
	wait_for 300 all_counted $((2 * n)) && wait_for 120 all_logged $((2 * n))
	re_ok=$?
	t_re=$(( $(now_ms) - t1 ))
	cpu_scan1=$(cpu_ms "$svscan_pid")
	cpu_sup1=$(cpu_ms $sups)
	verdict=$(check_logs "$cur")

	t2=$(now_ms)
	svc -dx "$cur"/s/* 2>/dev/null
	svc -dx "$cur"/s/*/log 2>/dev/null
	# 0.76's svscan dies of the TERM (the shell would say "Terminated")
	{ kill -TERM "$svscan_pid"; wait "$svscan_pid"; } 2>/dev/null
	svscan_pid=
	t_stop=$(( $(now_ms) - t2 ))
	# 0.76's supervises outlive its svscan: let them finish before rm.
	wait_for 60 gone $sups
	echo "impl=$impl services=$n all_up=$([ $up_ok = 0 ] && echo 1 || echo 0)" \
		"restart_ok=$([ $re_ok = 0 ] && echo 1 || echo 0) $verdict supervises=$nsup" \
		"up_ms=$t_up restart_ms=$t_re stop_ms=$t_stop svscan_rss_kb=$rss" \
		"supervise_pss_kb=$pss_sup supervise_pss_each_kb=$(awk -v a="$pss_sup" -v b="$nsup" 'BEGIN { printf "%.0f", b ? a / b : 0 }')" \
		"multilog_pss_kb=$pss_ml" \
		"svscan_cpu_ms=$cpu_scan1" \
		"supervise_cpu_ms_up=$cpu_sup0 supervise_cpu_ms_restart=$((cpu_sup1 - cpu_sup0))" \
		"svscan_warnings=$(grep -v -e ': one process group per service$' -e ': one process group per service, no cgroup$' "$cur/svscan.err" | grep -c .)"
	rm -rf "$cur"
	cur=
}

for impl in $impls; do
	if [ "$impl" = ref ] && ! [ -x /usr/bin/svscan ]; then
		echo "impl=ref skipped: /usr/bin/svscan not installed"
		continue
	fi
	run_one "$impl" >"$top/$impl.result"
	cat "$top/$impl.result"
done
if [ -s "$top/ours.result" ] && [ -s "$top/ref.result" ]; then
	cat "$top/ours.result" "$top/ref.result" | tr ' ' '\n' | awk -F= '
	$1 == "impl" { i = $2; next }
	{ v[i, $1] = $2 }
	END {
		split("up_ms restart_ms svscan_rss_kb supervise_pss_each_kb multilog_pss_kb svscan_cpu_ms supervise_cpu_ms_restart", k, " ")
		printf "ratio ours/ref:"
		for (j = 1; j in k; j++)
			if (v["ref", k[j]] > 0) printf " %s=%.2f", k[j], v["ours", k[j]] / v["ref", k[j]]
		printf "\n"
	}'
fi
