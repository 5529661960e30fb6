#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/svscan.sh: daemontools-ng's svscan against daemontools' svscan,
# runit's runsvdir and s6-svscan, all in the same run.
#
#   detect  symlink created in the scan directory until the service's run
#           executes; REPS times, the scanners side by side, a random pause
#           (0-5 s) between repetitions so polling scanners are caught at
#           every phase; s6-svscan both untouched and told (s6-svscanctl -a).
#   scale   SERVICES services running `exec sleep`: time until all are up,
#           PSS per supervisor (the scanner's children) once all are up,
#           then the scanner's own CPU time over IDLE seconds.
#
# Usage: [BIN=_build/src] [REPS=7] [SERVICES=1000] [IDLE=60] [NEVER=7] [SCALE_REPS=3]
#        sh bench/svscan.sh [detect] [scale]
# Our svscan starts `supervise` from BIN when it is built there, otherwise
# Debian's (the line "supervise:" says which). Root is not needed; run on a
# quiet machine and compare medians and ratios from one run only.
set -u
BIN=${BIN:-_build/src}
REPS=${REPS:-7}
SERVICES=${SERVICES:-1000}
IDLE=${IDLE:-60}
NEVER=${NEVER:-7}
SCALE_REPS=${SCALE_REPS:-3}
BENCHES=${*:-detect scale}
BIN=$(cd "$BIN" 2>/dev/null && pwd) || { echo "no build in BIN=$BIN" >&2; exit 111; }
[ -x "$BIN/svscan" ] || { echo "no $BIN/svscan: run make first" >&2; exit 111; }
for p in /usr/bin/svscan /usr/bin/runsvdir /usr/bin/s6-svscan /usr/bin/s6-svscanctl; do
	[ -x "$p" ] || { echo "missing $p (packages daemontools, runit, s6)" >&2; exit 111; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-svscan.XXXXXX") || exit 111
PIDS=
trap 'for p in $PIDS; do kill -KILL $p 2>/dev/null; done; rm -rf "$W"' EXIT INT TERM
now() { date +%s%N; }
if [ -x "$BIN/supervise" ]; then OURPATH=$BIN:/usr/bin:/bin; else OURPATH=/usr/bin:/bin; fi
echo "supervise: $(PATH=$OURPATH command -v supervise) (for ours)"

# start IMPL DIR: runs IMPL's scanner on DIR in the background; pid in $SPID.
start() {
	case $1 in
	ours) PATH=$OURPATH:$PATH "$BIN/svscan" "$2" 2>>"$W/err.$1" & ;;
	daemontools) PATH=/usr/bin:$PATH /usr/bin/svscan "$2" 2>>"$W/err.$1" & ;;
	runit) PATH=/usr/bin:$PATH /usr/bin/runsvdir "$2" 2>>"$W/err.$1" & ;;
	s6 | s6-a) PATH=/usr/bin:$PATH /usr/bin/s6-svscan -c $((SERVICES + 10)) "$2" \
		2>>"$W/err.$1" & ;;
	esac
	SPID=$!
	PIDS="$PIDS $SPID"
}

kids() { echo $(cat /proc/"$1"/task/*/children 2>/dev/null); }
gone() { for _p in "$@"; do [ -d "/proc/$_p" ] && return 1; done; return 0; }
wait_gone() {
	_end=$(($(now) + $1 * 1000000000)); shift
	while ! gone "$@"; do
		[ "$(now)" -ge "$_end" ] && return 1
		sleep 0.05
	done
}

# stop IMPL DIR PID: every supervisor and service of that scanner ends.
stop() {
	_sups=$(kids "$3")
	_svcs=
	for _s in $_sups; do _svcs="$_svcs $(kids "$_s")"; done
	case $1 in
	ours) kill -TERM "$3" ;;
	daemontools) kill -TERM "$3"; /usr/bin/svc -dx "$2"/* 2>/dev/null ;;
	runit) kill -HUP "$3" ;;
	s6 | s6-a) /usr/bin/s6-svscanctl -t "$2" ;;
	esac
	wait_gone 20 "$3" $_sups $_svcs || kill -KILL "$3" $_sups $_svcs 2>/dev/null
	wait "$3" 2>/dev/null
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
	else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }'; }

detect() {
	# direct: no scanner, the bench starts supervise itself right after the
	# link: the floor (ln, supervise, sh and date starting) in every figure.
	impls="direct ours daemontools runit s6 s6-a"
	dsups=
	for i in $impls; do
		mkdir -p "$W/d/$i/scan"
		[ "$i" = direct ] && continue
		start "$i" "$W/d/$i/scan"
		eval "dpid_$(echo $i | tr - _)=\$SPID"
	done
	sleep 1
	r=1
	while [ "$r" -le "$REPS" ]; do
		# A random phase against 5 s pollers.
		sleep "$(awk -v s="$(now)" 'BEGIN { srand(s % 100000); printf "%.2f", rand() * 5 }')"
		for i in $impls; do
			d=$W/d/$i/s$r
			mkdir -p "$d"
			printf '#!/bin/sh\ndate +%%s%%N >%s\nexec sleep 100000\n' "$W/d/$i/stamp.$r" >"$d/run"
			chmod +x "$d/run"
		done
		for i in $impls; do
			t0=$(now)
			ln -s "$W/d/$i/s$r" "$W/d/$i/scan/s$r"
			[ "$i" = s6-a ] && /usr/bin/s6-svscanctl -a "$W/d/$i/scan"
			if [ "$i" = direct ]; then
				PATH=$OURPATH:$PATH supervise "$W/d/$i/scan/s$r" 2>/dev/null &
				dsups="$dsups $!"
				PIDS="$PIDS $!"
			fi
			echo "$t0" >"$W/d/$i/t0.$r"
		done
		end=$(($(now) + NEVER * 1000000000))
		while [ "$(now)" -lt "$end" ]; do
			all=1
			for i in $impls; do [ -s "$W/d/$i/stamp.$r" ] || all=; done
			[ -n "$all" ] && break
			sleep 0.01
		done
		for i in $impls; do
			if [ -s "$W/d/$i/stamp.$r" ]; then
				echo $(($(cat "$W/d/$i/stamp.$r") - $(cat "$W/d/$i/t0.$r"))) >>"$W/d/$i/lat"
			else
				echo never >>"$W/d/$i/lat"
			fi
		done
		r=$((r + 1))
	done
	echo
	echo "### detect: symlink created until run executes, ms, median of $REPS (never = over ${NEVER} s)"
	echo
	echo "| impl | median ms | never | samples ms |"
	echo "| --- | --- | --- | --- |"
	for i in $impls; do
		nv=$(grep -c never "$W/d/$i/lat")
		med=$(grep -v never "$W/d/$i/lat" | median)
		[ "$nv" -gt $((REPS / 2)) ] && med=never
		[ "$med" != never ] && [ "$med" != n/a ] && med=$(ms "$med")
		s=$(awk '$1 == "never" { printf "never "; next } { printf "%.1f ", $1 / 1e6 }' "$W/d/$i/lat")
		echo "| $i | $med | $nv | $s|"
		eval "med_$(echo $i | tr - _)=\$med"
	done
	for i in $impls; do
		[ "$i" = direct ] && continue
		eval "p=\$dpid_$(echo $i | tr - _)"
		stop "$i" "$W/d/$i/scan" "$p"
	done
	_svcs=
	for _s in $dsups; do _svcs="$_svcs $(kids "$_s")"; done
	PATH=$OURPATH:$PATH svc -dx "$W/d/direct/scan"/* 2>/dev/null
	wait_gone 20 $dsups $_svcs || kill -KILL $dsups $_svcs 2>/dev/null
	for i in daemontools runit s6 s6-a; do
		eval "m=\$med_$(echo $i | tr - _)"
		case $m in never | n/a) echo "ours/$i: n/a" ;;
		*) awk -v a="$med_ours" -v b="$m" 'BEGIN { printf "ours/%s: %.4f\n", "'"$i"'", a / b }' ;;
		esac
	done
}

# scale_one IMPL IDLE_TOO: SERVICES services up; appends "all-up-s
# scanner-cpu-ms-to-start idle-cpu-ms pss-kib" to $W/scale.IMPL (idle "-"
# unless IDLE_TOO is 1).
scale_one() {
	i=$1
	D=$W/s/$i
	tag=$$$(date +%N | cut -c1-4)
	mkdir -p "$D"
	n=1
	while [ "$n" -le "$SERVICES" ]; do
		mkdir "$D/s$n"
		printf '#!/bin/sh\nexec sleep 100000.%s\n' "$tag" >"$D/s$n/run"
		chmod +x "$D/s$n/run"
		n=$((n + 1))
	done
	sync
	t0=$(now)
	start "$i" "$D"
	end=$((t0 + 120 * 1000000000))
	# pgrep reads all of /proc: poll every 50 ms so the poller does not
	# compete with the start-up it measures.
	while [ "$(pgrep -c -f "^sleep 100000\.$tag\$")" -lt "$SERVICES" ]; do
		[ "$(now)" -ge "$end" ] && break
		sleep 0.05
	done
	t1=$(now)
	tck=$(getconf CLK_TCK)
	cs=$(awk -v t="$tck" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$SPID/stat")
	up=$(pgrep -c -f "^sleep 100000\.$tag\$")
	# PSS per supervisor: the scanner's direct children, all up.
	pss=$(for q in $(kids "$SPID"); do cat /proc/"$q"/smaps_rollup; done 2>/dev/null |
		awk '/^Pss:/ { s += $2; n++ } END { if (n) printf "%.1f", s / n; else print "n/a" }')
	cpu=-
	if [ "$2" = 1 ]; then
		sleep 2
		c0=$(awk '{ print $14 + $15 }' "/proc/$SPID/stat")
		sleep "$IDLE"
		c1=$(awk '{ print $14 + $15 }' "/proc/$SPID/stat")
		cpu=$(awk -v a="$c0" -v b="$c1" -v t="$tck" 'BEGIN { printf "%d", (b - a) * 1000 / t }')
	fi
	[ "$up" -ge "$SERVICES" ] || t1=never
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { if (b == "never") print "never"; else printf "%.2f", (b - a) / 1e9 }') $cs $cpu $pss" >>"$W/scale.$i"
	stop "$i" "$D" "$SPID"
	rm -rf "$D"
}

# SCALE_REPS rounds, the order rotated each round: on ext4 without a
# journal, creating an inode costs a walk past every inode freed in the
# last minute or so, and each round's clean-up frees thousands, which the
# next impl pays for. Rotating spreads that over all impls; medians.
scale() {
	echo
	echo "### scale: $SERVICES services (exec sleep): seconds until all up (median of $SCALE_REPS, order rotated); scanner CPU ms over ${IDLE} s idle (first round); PSS KiB per supervisor"
	echo
	echo "| impl | all up s (median) | samples s | scanner CPU ms to start | idle CPU ms | PSS KiB/supervisor |"
	echo "| --- | --- | --- | --- | --- | --- |"
	order=${IMPLS:-ours daemontools runit s6}
	r=1
	while [ "$r" -le "$SCALE_REPS" ]; do
		for i in $order; do scale_one "$i" "$([ "$r" = 1 ] && echo 1)"; done
		order="$(echo $order | cut -d' ' -f2-) $(echo $order | cut -d' ' -f1)"
		r=$((r + 1))
	done
	for i in ${IMPLS:-ours daemontools runit s6}; do
		f=$W/scale.$i
		echo "| $i | $(cut -d' ' -f1 "$f" | grep -v never | median) | $(cut -d' ' -f1 "$f" | tr '\n' ' ')| $(cut -d' ' -f2 "$f" | median) | $(head -n1 "$f" | cut -d' ' -f3) | $(cut -d' ' -f4 "$f" | median) |"
	done
}

for b in $BENCHES; do
	case $b in
	detect) detect ;;
	scale) scale ;;
	*) echo "unknown benchmark: $b (detect, scale)" >&2; exit 100 ;;
	esac
done
