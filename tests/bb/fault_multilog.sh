#!/bin/sh
# SPDX-License-Identifier: ISC
# Fault: kill -9 of multilog itself, three times, while the service writes
# numbered lines without pause (multilog is busy when it dies).
#
# What a crash of multilog can lose or duplicate, and why:
#  - The pipe survives (svscan holds both ends), so nothing still in the
#    pipe is lost: the next multilog reads it.
#  - Lost: exactly the bytes multilog had read from the pipe but not yet
#    written to `current` when it died (its input and output buffers: with
#    0.76 up to one read of its input buffer; with ours whatever it read
#    and had not yet handed to the kernel). They form one contiguous run
#    per crash. The test stops multilog (SIGSTOP) before the SIGKILL and
#    reads rchar - wchar from /proc/PID/io: the bytes it holds at death.
#  - Torn: if it dies in the middle of writing a line, `current` ends with
#    a partial line; the next multilog renames it to @...u as it is and
#    the rest of the line, if it was still in the pipe, starts the new
#    `current`: at most one torn line per crash, never inside a file.
#  - Duplicated: nothing, without a processor: multilog never reads a line
#    twice from a pipe and appends to a fresh `current`. With a processor
#    (!PROG), a crash during processing makes the next multilog run the
#    processor again on `previous`: the processed file is made again from
#    scratch (no duplicate in it), but the processor sees those lines twice
#    (a processor with side effects repeats them).
# Without 't' so that multilog writes exactly the bytes it reads, and the
# log's missing bytes can be compared with what the dead multilog held.
# Measured (3 crashes each, a writer that never pauses): daemontools 0.76
# lost 0 to 1,034 bytes per crash, exactly its rchar - wchar (it reads at
# most about 1 KiB at a time); the io_uring multilog of this project
# (256 KiB reads) lost 0 to 148,106 bytes (about 10,600 lines) per crash.
# Writes through io_uring are not counted in /proc/PID/io's wchar, so for
# such a multilog the "held" figure is only an upper bound.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"
. "$DT_SRCDIR/tests/bb/fault_lib.sh"
trap '_kill_writers; _svscan_cleanup' EXIT

S=$T/service
W=$T/w
L=$S/a/log/main
ML_SCRIPT="s4000000 n1000" mknum "$S/a" "$W"
start_svscan "$S"
check "lines flow" wait_until 30 log_at_least "$L" 500000

io() { sed -n "s/^$2: //p" "/proc/$1/io"; }
# A multilog other than $1 runs for the log.
new_logger() { _c=$(copies "$S/a/log"); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
# Bytes the writers wrote: "PID N\n" for N = 1..count.
written_bytes() {
	for _f in "$W"/count.*; do
		_p=${_f##*.}
		awk -v p="$_p" -v k="$(cat "$_f")" 'BEGIN {
			t = 0; lo = 1
			for (d = 1; lo <= k; d++) {
				hi = lo * 10 - 1; if (hi > k) hi = k
				t += (hi - lo + 1) * (length(p) + 2 + d); lo *= 10
			}
			print t }'
	done | awk '{ s += $1 } END { print s + 0 }'
}

# What a multilog has read and written before it reads its input (the
# shell reading ./run, the dynamic loader): measured on an idle instance
# started the same way, and taken off each killed one's rchar - wchar.
mkdir "$T/idle" && mkfifo "$T/idle/in" || exit 99
exec 7<>"$T/idle/in"
(cd "$T/idle" && exec "$S/a/log/run" <in 7>&-) &
idle=$!
track $idle
quiet() { _a=$(io "$1" rchar); sleep 0.05; [ "$_a" = "$(io "$1" rchar)" ]; }
wait_until 30 test -f "$T/idle/main/current" && wait_until 30 quiet $idle
base=$(( $(io $idle rchar) - $(io $idle wchar) ))
kill -TERM $idle
diag "a fresh multilog has read $base bytes that are not its input"

held=0
kills=3
i=0
while [ $i -lt $kills ]; do
	i=$((i + 1))
	n=$(log_bytes "$L")
	wait_until 30 log_at_least "$L" $((n + 1000000))
	ml=$(copies "$S/a/log")
	case $ml in
	"" | *,*) fail "round $i: one multilog to kill (found '$ml')"; continue ;;
	esac
	kill -STOP "$ml"
	h=$(( $(io "$ml" rchar) - $(io "$ml" wchar) - base ))
	kill -KILL "$ml"
	held=$((held + h))
	diag "round $i: multilog $ml held $h bytes read and not written"
	check "round $i: a new multilog runs" wait_until 30 new_logger "$ml"
done

touch "$W/stop"
check "every writer stopped and counted" wait_until 30 all_counted "$W"
check "the log caught up" wait_until 30 caught_up "$L" "$W"
r=$(numcheck "$L" "$W")
diag "$r"
missing=$(( $(written_bytes) - $(log_bytes "$L") ))
diag "bytes missing from the log: $missing; held by the killed multilogs: $held"
same "one writer ran throughout" 1 "$(numfield "$r" writers)"
same "no line doubled or reordered" 0 "$(numfield "$r" back)"
check "at most one gap per crash" [ "$(numfield "$r" runs)" -le $kills ]
same "no gap anywhere but right after a crash" 0 "$(numfield "$r" elsewhere)"
check "at most one torn line per crash" [ "$(numfield "$r" bad)" -le $kills ]
check "nothing lost but what the dead multilogs held" [ "$missing" -ge 0 -a "$missing" -le "$held" ]
check "no .s file ends in a torn line" sh -c "! for f in '$L'/@*.s; do [ -e \"\$f\" ] || continue; [ -n \"\$(tail -c1 \"\$f\")\" ] && echo \$f; done | grep -q ."
done_testing
