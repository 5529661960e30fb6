#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/deps.sh: service dependencies (needs/) under daemontools-ng's svscan,
# against the ways to get the same order without them, in the same run,
# the variants interleaved in every repetition.
#
#   latency  db becomes ready (its run writes a newline on notification-fd,
#            released by the bench through a fifo); time until web's run
#            starts its work. Variants: `needs` (web/needs/db: svscan opens
#            the gate, supervise starts run) and `svwait` (the portable idiom
#            at the top of web's run: `svwait -r -t 60 ../db || exit 111`).
#            Both stamps are taken by the same `date +%s%N` in the run
#            scripts, so the fork of date weighs the same on both sides.
#   chain    N services, each ready at once (notification-fd); time from
#            svscan's start until all are ready (svwait -r on all of them).
#            Variants: `chain` (each needs the previous one) and `flat` (no
#            dependencies). The spec's bound: chain under 2x flat.
#
# Usage: [BIN=_build/src] [REPS=11] [N=100] sh bench/deps.sh [latency] [chain]
# Root is not needed; run on a quiet machine and compare medians and ratios
# from one run only.
set -u
BIN=${BIN:-_build/src}
REPS=${REPS:-11}
N=${N:-100}
BENCHES=${*:-latency chain}
BIN=$(cd "$BIN" 2>/dev/null && pwd) || { echo "no build in BIN=$BIN" >&2; exit 111; }
for p in svscan supervise svwait svstat; do
	[ -x "$BIN/$p" ] || { echo "no $BIN/$p: run make first" >&2; exit 111; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-deps.XXXXXX") || exit 111
SPID=
trap '[ -z "$SPID" ] || kill -KILL $SPID 2>/dev/null; rm -rf "$W"' EXIT INT TERM
export PATH="$BIN:$PATH"
now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
	else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk -v n="$1" 'BEGIN { printf "%.2f", n / 1e6 }'; }

# svc_dir DIR RUN-BODY: a service directory with notification-fd 3.
svc_dir() {
	mkdir -p "$1"
	printf '#!/bin/sh\n%s\n' "$2" >"$1/run"
	chmod 755 "$1/run"
	echo 3 >"$1/notification-fd"
}

# scan_stop: svscan told to stop (SIGTERM: services down, then svscan exits).
scan_stop() {
	kill -TERM "$SPID" 2>/dev/null
	_i=0
	while kill -0 "$SPID" 2>/dev/null && [ $_i -lt 400 ]; do sleep 0.05; _i=$((_i + 1)); done
	kill -KILL "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# latency VARIANT: prints web's start minus db's ready, in ns.
latency() {
	# The stamps and the fifo live beside the scan directory, not in it: a
	# file made in it would make svscan rescan in the middle of the measure.
	t=$W/lat-$1
	d=$t/scan
	rm -rf "$t" && mkdir -p "$d"
	mkfifo "$t/go"
	svc_dir "$d/db" "read x <$t/go; date +%s%N >$t/ready.t; echo >&3; exec sleep 1000"
	case $1 in
	needs)
		svc_dir "$d/web" "date +%s%N >$t/start.t; exec sleep 1000"
		mkdir "$d/web/needs" && : >"$d/web/needs/db" ;;
	svwait)
		svc_dir "$d/web" "svwait -r -t 60 ../db || exit 111
date +%s%N >$t/start.t; exec sleep 1000" ;;
	esac
	rm "$d/web/notification-fd"
	svscan "$d" 2>>"$W/err" &
	SPID=$!
	# Both supervises are up and web waits (gate or svwait) before db is
	# released: the measure starts from a settled state.
	svwait -u -t 30 "$d/db" >/dev/null 2>&1
	[ "$1" = svwait ] && svwait -u -t 30 "$d/web" >/dev/null 2>&1
	[ "$1" = needs ] && { _i=0; while ! grep -q '^state=waiting' "$d/web/supervise/state" 2>/dev/null &&
		[ $_i -lt 600 ]; do sleep 0.05; _i=$((_i + 1)); done; }
	sleep 0.2
	echo go >"$t/go"
	_i=0
	while [ ! -s "$t/start.t" ] && [ $_i -lt 600 ]; do sleep 0.05; _i=$((_i + 1)); done
	sleep 0.05
	# The run-level figure; for needs/, also supervise's own: db's
	# ready_since until web's since (its run spawned), both TAI64N labels
	# taken by supervise, to fd 3 of this function.
	if [ "$1" = needs ]; then
		a=$(sed -n 's/^ready_since=//p' "$d/db/supervise/state")
		b=$(sed -n 's/^since=//p' "$d/web/supervise/state")
		echo $(( ($(label_s "$b") - $(label_s "$a")) * 1000000000 + $(label_n "$b") - $(label_n "$a") )) >&3
	fi
	echo $(( $(cat "$t/start.t") - $(cat "$t/ready.t") ))
	scan_stop
}
# label_s, label_n LABEL: a TAI64N label's seconds and nanoseconds.
label_s() { echo $(( 0x$(echo "$1" | cut -c2-17) )); }
label_n() { echo $(( 0x$(echo "$1" | cut -c18-25) )); }

# chain VARIANT: prints the ns from svscan's start until all N are ready.
chain() {
	d=$W/chain-$1
	rm -rf "$d" && mkdir -p "$d"
	i=1
	while [ $i -le "$N" ]; do
		n=$(printf 's%04d' $i)
		svc_dir "$d/$n" 'echo >&3; exec sleep 1000'
		if [ "$1" = chain ] && [ $i -gt 1 ]; then
			mkdir "$d/$n/needs" && : >"$d/$n/needs/$(printf 's%04d' $((i - 1)))"
		fi
		i=$((i + 1))
	done
	t0=$(now)
	svscan "$d" 2>>"$W/err" &
	SPID=$!
	# svwait needs each supervise/ to exist; they appear within the scan.
	_i=0
	while [ "$(ls -d "$d"/s*/supervise/state 2>/dev/null | wc -l)" -lt "$N" ] && [ $_i -lt 6000 ]; do
		sleep 0.005; _i=$((_i + 1))
	done
	svwait -r -t 120 "$d"/s* >/dev/null 2>&1 || echo "chain $1: not all ready" >&2
	t1=$(now)
	echo $((t1 - t0))
	# The order, where there is one: each ready after the one it needs.
	scan_stop
}

for b in $BENCHES; do
	case $b in
	latency)
		: >"$W/lat.needs"; : >"$W/lat.svwait"; : >"$W/lat.sup"
		r=0
		while [ $r -lt "$REPS" ]; do
			for v in needs svwait; do latency $v >>"$W/lat.$v" 3>>"$W/lat.sup"; done
			r=$((r + 1))
		done
		n=$(median <"$W/lat.needs"); s=$(median <"$W/lat.svwait"); g=$(median <"$W/lat.sup")
		echo "latency, need ready until the dependent's run works (ms, median of $REPS):" \
			"needs/ $(ms "$n"), svwait -r idiom $(ms "$s"), ratio $(awk -v a="$n" -v b="$s" 'BEGIN { printf "%.2f", a / b }');" \
			"needs/, by supervise's labels (db ready until web's run spawned): $(ms "$g")"
		;;
	chain)
		: >"$W/ch.chain"; : >"$W/ch.flat"
		r=0
		while [ $r -lt "$REPS" ]; do
			for v in chain flat; do chain $v >>"$W/ch.$v"; done
			r=$((r + 1))
		done
		c=$(median <"$W/ch.chain"); f=$(median <"$W/ch.flat")
		echo "$N services all ready (ms, median of $REPS): chain of needs $(ms "$c")," \
			"no dependencies $(ms "$f"), ratio $(awk -v a="$c" -v b="$f" 'BEGIN { printf "%.2f", a / b }')"
		;;
	*) echo "unknown benchmark $b (latency, chain)" >&2; exit 100 ;;
	esac
done
[ -s "$W/err" ] && { echo "svscan's messages:"; sort "$W/err" | uniq -c | sort -rn | head -5; }
exit 0
