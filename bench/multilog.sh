#!/bin/sh
# SPDX-License-Identifier: ISC
# Log throughput of multilog against Debian's multilog, s6-log and svlogd,
# side by side in one run (impls interleaved in every repetition).
#
#   bench/multilog.sh [-r REPS] [-s MIB] [-b BINDIR] [-o OLDBINDIR] [-i IMPLS] [throughput|syscalls|all]
#
# -i: only these loggers, e.g. -i "new old" for an A/B of two builds of ours
#   (default: new, old with -o, daemontools, s6, runit where installed).
# -o: another build of ours (say, main's), run as "old" beside "new" in
#   every repetition of throughput, so a change is measured in one run.
#
# throughput: a deterministic corpus (seed 20240501, lines of 40-300 bytes:
#   access-log, Java, logfmt and stack-trace lines) is piped with cat into
#   each logger (`t s16777216 n20 DIR`; svlogd: -t with s16777216/n20 in
#   DIR/config). Reported per logger, medians over the reps: MB/s (10^6
#   input bytes per wall second, from starting cat until the logger has
#   exited, fsyncs included), CPU s/GB (the logger's user+sys, from the
#   shell's `times`), peak RSS (VmHWM sampled every 20 ms) and data intact
#   (every file in rotation order, labels stripped, equals the corpus).
#   References: `cat corpus > file; sync` on the same file system.
#   Before every timed run: old output removed, a corpus-sized scratch file
#   written and removed, sync; so no run pays for another's dirty pages.
# syscalls: a 32 MiB prefix with s1048576 (about 30 rotations) under
#   strace -f -y: fsync of the log file and of the directory per rotation.
#   Our io_uring path issues its fsyncs inside the ring, out of strace's
#   sight, so ours is traced on its plain-syscall path (DTNG_NO_URING=1),
#   which runs the same operations in the same order.
#
# Public tools only: sh, awk, cat, cut, cksum, strace, sync.
set -u
REPS=5
MIB=256
BINDIR=$(cd "$(dirname "$0")/.." && pwd)/src
OLDBINDIR=
ONLY=
while getopts r:s:b:o:i: o; do
	case $o in
	r) REPS=$OPTARG ;;
	s) MIB=$OPTARG ;;
	b) BINDIR=$OPTARG ;;
	o) OLDBINDIR=$OPTARG ;;
	i) ONLY=$OPTARG ;;
	*) exit 100 ;;
	esac
done
shift $((OPTIND - 1))
MODE=${1:-all}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dtng-bench.XXXXXX") || exit 111
trap 'rm -rf "$WORK"' EXIT INT TERM
CORPUS=${DTNG_BENCH_CORPUS:-/tmp/dtng-bench-corpus-$MIB}

make_corpus() {
	[ -s "$CORPUS" ] && return
	echo "making the corpus ($MIB MiB) in $CORPUS" >&2
	awk -v seed=20240501 -v total=$((MIB * 1048576)) 'BEGIN {
		srand(seed); n = 0
		split("GET POST PUT DELETE", m, " ")
		while (n < total) {
			k = int(rand() * 4); len = 40 + int(rand() * 261)
			if (k == 0) s = sprintf("10.0.%d.%d - - \"%s /api/v1/item/%d HTTP/1.1\" %d %d",
				int(rand() * 255), int(rand() * 255), m[1 + int(rand() * 4)],
				int(rand() * 100000), 200 + int(rand() * 300), int(rand() * 99999))
			else if (k == 1) s = sprintf("\tat com.example.svc.Handler%d.run(Handler.java:%d)",
				int(rand() * 500), int(rand() * 9999))
			else if (k == 2) s = sprintf("level=info ts=%d msg=\"request done\" dur=%dms user=u%d",
				int(rand() * 1e9), int(rand() * 5000), int(rand() * 1e6))
			else s = sprintf("ERROR [main] java.lang.IllegalStateException: state %d", int(rand() * 1e6))
			while (length(s) < len - 1) s = s " k" int(rand() * 1e6) "=v" int(rand() * 1e3)
			s = substr(s, 1, len - 1)
			if (n + len > total) s = substr(s, 1, total - n - 1)
			print s; n += length(s) + 1
		}
	}' >"$CORPUS.tmp" && mv "$CORPUS.tmp" "$CORPUS"
}

now() { date +%s.%N; }

settle() {
	rm -rf "$WORK/out" "$WORK/ref.file"
	cat "$CORPUS" >"$WORK/scratch"
	rm -f "$WORK/scratch"
	sync
}

# run IMPL: one timed run; prints "mbs cpu_s_gb hwm_kib intact"
run() {
	impl=$1 out=$WORK/out
	mkdir -p "$out"
	case $impl in
	new) set -- "$BINDIR/multilog" t s16777216 n20 "$out" ;;
	old) set -- "$OLDBINDIR/multilog" t s16777216 n20 "$out" ;;
	daemontools) set -- /usr/bin/multilog t s16777216 n20 "$out" ;;
	s6) set -- s6-log t s16777216 n20 "$out" ;;
	runit) printf 's16777216\nn20\n' >"$out/config"; set -- svlogd -t "$out" ;;
	esac
	rm -f "$WORK/fifo"
	mkfifo "$WORK/fifo"
	t0=$(now)
	cat "$CORPUS" >"$WORK/fifo" &
	rm -f "$WORK/pid"
	# Only the logger is a child of this subshell, so `times` is its CPU.
	(
		"$@" <"$WORK/fifo" 2>/dev/null &
		echo $! >"$WORK/pid"
		wait $!
		times >"$WORK/times"
	) &
	sub=$!
	while [ ! -s "$WORK/pid" ]; do sleep 0.001; done
	pid=$(cat "$WORK/pid")
	hwm=0
	while [ -r /proc/$pid/status ]; do
		h=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null)
		[ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
		sleep 0.02
	done
	wait $sub
	echo "$hwm" >"$WORK/hwm"
	t1=$(now)
	wait
	cpu=$(sed -n 2p "$WORK/times" | awk '{ gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }')
	ok=no
	if [ "$(cd "$out" && cat $(ls | grep '^@') current | cut -c27- | cksum)" = "$CORPUS_SUM" ]; then ok=yes; fi
	awk -v b="$BYTES" -v t0="$t0" -v t1="$t1" -v c="$cpu" -v h="$(cat "$WORK/hwm")" -v ok=$ok \
		'BEGIN { printf "%.1f %.2f %d %s\n", b / 1e6 / (t1 - t0), c / (b / 1e9), h, ok }'
}

run_ref() { # cat corpus > file; sync
	t0=$(now)
	cat "$CORPUS" >"$WORK/ref.file"
	sync
	t1=$(now)
	awk -v b="$BYTES" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f - - -\n", b / 1e6 / (t1 - t0) }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

throughput() {
	make_corpus
	BYTES=$(wc -c <"$CORPUS")
	CORPUS_SUM=$(cksum <"$CORPUS")
	impls="new daemontools s6 runit"
	[ -n "$OLDBINDIR" ] && impls="new old daemontools s6 runit"
	command -v s6-log >/dev/null || impls=$(echo $impls | sed 's/s6//')
	command -v svlogd >/dev/null || impls=$(echo $impls | sed 's/runit//')
	[ -x /usr/bin/multilog ] || impls=$(echo $impls | sed 's/daemontools//')
	[ -z "$ONLY" ] || impls=$ONLY
	[ -x "$BINDIR/multilog" ] || { echo "no $BINDIR/multilog: build first" >&2; exit 111; }
	for rep in $(seq 1 "$REPS"); do
		for impl in $impls ref; do
			settle
			if [ $impl = ref ]; then run_ref; else run $impl; fi >>"$WORK/res.$impl"
		done
		echo "rep $rep/$REPS done" >&2
	done
	echo "## log-throughput: $MIB MiB corpus, t s16777216 n20, $REPS reps, medians"
	echo
	printf '| %-24s | %8s | %9s | %13s | %11s | %12s | %12s |\n' impl MB/s "CPU s/GB" "peak RSS KiB" "data intact" "new MB/s is" "new CPU is"
	echo '|--------------------------|----------|-----------|---------------|-------------|--------------|--------------|'
	nm=$(cut -d' ' -f1 "$WORK/res.new" | median)
	nc=$(cut -d' ' -f2 "$WORK/res.new" | median)
	for impl in $impls ref; do
		f=$WORK/res.$impl
		m=$(cut -d' ' -f1 "$f" | median)
		name=$impl
		[ $impl = ref ] && name='cat corpus > file; sync'
		if [ $impl = ref ]; then c=- h=- ok=- rc=-; else
			c=$(cut -d' ' -f2 "$f" | median)
			h=$(cut -d' ' -f3 "$f" | sort -n | tail -1)
			ok=$(cut -d' ' -f4 "$f" | sort -u | tr '\n' '/' | sed 's/\/$//')
			rc=$(awk -v a="$nc" -v b="$c" 'BEGIN { printf "%.2fx", a / b }')
		fi
		rm_=$(awk -v a="$nm" -v b="$m" 'BEGIN { printf "%.2fx", a / b }')
		printf '| %-24s | %8s | %9s | %13s | %11s | %12s | %12s |\n' "$name" "$m" "$c" "$h" "$ok" "$rm_" "$rc"
	done
	echo
	echo "\"new MB/s is\": new's median MB/s divided by the row's; \"new CPU is\": new's CPU s/GB"
	echo "divided by the row's (< 1: new uses less). Peak RSS: the highest VmHWM over the reps."
}

# strace the sync and naming calls of one logger on a 32 MiB prefix.
syscalls() {
	make_corpus
	head -c $((32 * 1048576)) "$CORPUS" >"$WORK/c32"
	echo "## log-syscalls: 32 MiB, s1048576 n20; per rotation"
	echo
	printf '| %-12s | %9s | %14s | %13s | %10s | %10s |\n' impl rotations "file fsync/rot" "dir fsync/rot" "renames" "links"
	echo '|--------------|-----------|----------------|---------------|------------|------------|'
	for impl in new daemontools s6 runit; do
		out=$WORK/sys.$impl
		rm -rf "$out"
		mkdir -p "$out"
		case $impl in
		new) set -- env DTNG_NO_URING=1 "$BINDIR/multilog" t s1048576 n20 "$out" ;;
		daemontools) [ -x /usr/bin/multilog ] || continue
			set -- /usr/bin/multilog t s1048576 n20 "$out" ;;
		s6) command -v s6-log >/dev/null || continue; set -- s6-log t s1048576 n20 "$out" ;;
		runit) command -v svlogd >/dev/null || continue
			printf 's1048576\nn20\n' >"$out/config"; set -- svlogd -t "$out" ;;
		esac
		strace -f -y -qq -o "$WORK/trace.$impl" \
			-e trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat "$@" <"$WORK/c32" 2>/dev/null
		awk -v dir="$out" -v name=$impl '
			/fsync\(|fdatasync\(/ && / = 0/ {
				if ($0 ~ "<" dir ">") d++; else f++ }
			/rename/ && / = 0/ { r++ }
			/link(at)?\(/ && / = 0/ && /\.s"|\.u"/ { l++; rot++ }
			END { if (!rot) rot = r; if (!rot) rot = 1
				printf "| %-12s | %9d | %14.2f | %13.2f | %10d | %10d |\n", name, rot, f / rot, d / rot, r, l }' \
			"$WORK/trace.$impl"
	done
	echo
	echo "Rotations: links that create @....s (svlogd renames current to @....s instead)."
	echo "new runs here on its plain-syscall path (DTNG_NO_URING=1): the io_uring path issues"
	echo "the same fsyncs inside the ring, where strace cannot see them."
}

case $MODE in
throughput) throughput ;;
syscalls) syscalls ;;
all) throughput; echo; syscalls ;;
*) echo "usage: bench/multilog.sh [-r REPS] [-s MIB] [-b BINDIR] [-o OLDBINDIR] [throughput|syscalls|all]" >&2; exit 100 ;;
esac
