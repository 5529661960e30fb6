#!/bin/sh
# SPDX-License-Identifier: ISC
# Control round trip: `svc -t` until `svstat` shows the new pid, for
# daemontools-ng, Debian's daemontools, runit and s6, interleaved round by
# round in one run so they share the machine's noise. Each service has been
# up for at least 1.2 s before it is killed (daemontools' supervise waits
# 1 s between two starts of ./run, so a younger service would measure that
# throttle instead of the control path).
# Usage: bench/control.sh [ROUNDS]   (BIN=dir with our svc/svstat/supervise)
# Systems: ours (our svc, svstat, supervise; once supervise is built),
# ngtools (our svc and svstat with Debian's supervise), daemontools, runit, s6.
# Prints per system: median and quartiles in ms, and the ratio to daemontools.
set -u
ROUNDS=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/../src}
W=$(mktemp -d "${TMPDIR:-/tmp}/dtng-bench.XXXXXX") || exit 111
pids=

now_ns() { date +%s%N; }

have() { command -v "$1" >/dev/null 2>&1; }

systems=
[ -x "$BIN/supervise" ] && [ -x "$BIN/svc" ] && [ -x "$BIN/svstat" ] && systems="$systems ours"
[ -x /usr/bin/supervise ] && [ -x /usr/bin/svc ] && systems="$systems daemontools"
# our svc and svstat driving Debian's supervise: the tools' own share
[ -x /usr/bin/supervise ] && [ -x "$BIN/svc" ] && [ -x "$BIN/svstat" ] && systems="$systems ngtools"
have runsv && have sv && systems="$systems runit"
have s6-supervise && have s6-svc && have s6-svstat && systems="$systems s6"
[ -n "$systems" ] || { echo "control.sh: no supervisor found" >&2; exit 111; }

# pid_of SYSTEM DIR: sets $pid to the service's pid as the system's status
# tool shows it (all print "(pid N)"); one process per poll.
pid_of() {
	pid=
	case $1 in
	ours | ngtools) _o=$("$BIN/svstat" "$2" 2>/dev/null) ;;
	daemontools) _o=$(/usr/bin/svstat "$2" 2>/dev/null) ;;
	runit) _o=$(sv status "$2" 2>/dev/null) ;;
	s6) _o=$(s6-svstat "$2" 2>/dev/null) ;;
	esac
	case $_o in
	*"(pid "*) _o=${_o#*(pid }; pid=${_o%%)*} ;;
	esac
}

term() {
	case $1 in
	ours | ngtools) "$BIN/svc" -t "$2" ;;
	daemontools) /usr/bin/svc -t "$2" ;;
	runit) sv term "$2" >/dev/null ;;
	s6) s6-svc -t "$2" ;;
	esac
}

start() {
	d=$W/$1
	mkdir -p "$d"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"
	chmod +x "$d/run"
	case $1 in
	ours) "$BIN/supervise" "$d" ;;
	daemontools | ngtools) /usr/bin/supervise "$d" ;;
	runit) runsv "$d" ;;
	s6) s6-supervise "$d" ;;
	esac </dev/null >/dev/null 2>&1 &
	pids="$pids $!"
}

stop_all() {
	for s in $systems; do
		d=$W/$s
		case $s in
		ours | ngtools) "$BIN/svc" -dx "$d" ;;
		daemontools) /usr/bin/svc -dx "$d" ;;
		runit) sv exit "$d" >/dev/null ;;
		s6) s6-svc -xd "$d" ;;
		esac 2>/dev/null
	done
	sleep 1
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap stop_all EXIT
trap 'exit 111' INT TERM

for s in $systems; do
	start "$s"
done
# wait (bounded) until every service shows a pid
for s in $systems; do
	i=0
	pid_of "$s" "$W/$s"
	while [ -z "$pid" ] && [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
		pid_of "$s" "$W/$s"
	done
	[ -n "$pid" ] || { echo "control.sh: $s did not start" >&2; exit 111; }
	eval "since_$s=\$(now_ns)"
done

round=1
while [ "$round" -le "$ROUNDS" ]; do
	for s in $systems; do
		d=$W/$s
		eval "since=\$since_$s"
		left=$(( 1200000000 - ($(now_ns) - since) ))
		[ "$left" -gt 0 ] && sleep "$(awk "BEGIN { printf \"%.3f\", $left / 1e9 }")"
		pid_of "$s" "$d"
		old=$pid
		t0=$(now_ns)
		term "$s" "$d"
		while :; do
			pid_of "$s" "$d"
			[ -n "$pid" ] && [ "$pid" != "$old" ] && break
			[ $(( $(now_ns) - t0 )) -gt 10000000000 ] && { pid=timeout; break; }
		done
		t1=$(now_ns)
		eval "since_$s=$t1"
		[ "$pid" = timeout ] || echo "$s $(( (t1 - t0) / 1000 ))" >>"$W/times"
	done
	round=$((round + 1))
done

awk -v order="$systems" '
	{ v[$1, ++n[$1]] = $2 / 1000 }
	function sortv(s,   i, j, t) {
		for (i = 1; i <= n[s]; i++) a[i] = v[s, i]
		for (i = 2; i <= n[s]; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	}
	function q(p,   k) { k = int(p * (m - 1)) + 1; return a[k] }
	END {
		k = split(order, sys, " ")
		for (i = 1; i <= k; i++) { s = sys[i]; sortv(s); m = n[s]; med[s] = q(0.5); lo[s] = q(0.25); hi[s] = q(0.75) }
		printf "%-12s %6s %9s %9s %9s %9s\n", "system", "rounds", "median", "p25", "p75", "vs dt"
		for (i = 1; i <= k; i++) {
			s = sys[i]
			r = ("daemontools" in med && med["daemontools"] > 0) ? sprintf("%.2fx", med[s] / med["daemontools"]) : "-"
			printf "%-12s %6d %7.2fms %7.2fms %7.2fms %9s\n", s, n[s], med[s], lo[s], hi[s], r
		}
	}' "$W/times"
