#!/bin/sh
# SPDX-License-Identifier: ISC
# Fault: kill -9 of multilog itself, three times, while the service writes
# numbered lines without pause (multilog is busy when it dies).
#
# What a crash of multilog can lose or duplicate, and why:
#  - The pipe survives (svscan holds both ends), so nothing still in the
#    pipe is lost: the next multilog reads it.
#  - Lost: nothing. multilog copies its input out of the pipe with tee(2)
#    and removes bytes from the pipe only once they are in `current`, so
#    what it had read and not written is still in the pipe when it dies.
#    (Before that change, the io_uring multilog of this project lost up to
#    a 256 KiB read per crash, about 10,600 lines here; daemontools 0.76 up
#    to about 1 KiB.)
#  - Duplicated: the lines in flight when it died (written, not yet
#    removed from the pipe) are read again and written again: the log goes
#    back once per crash, and no line is there more than twice.
#  - Torn: if it dies in the middle of writing a line, `current` ends with
#    a partial line; the next multilog renames it to @...u as it is and
#    writes the whole line again: at most one torn line per crash, never
#    inside a file.
# Without 't' so that multilog writes exactly the bytes it reads.
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

# A multilog other than $1 runs for the log.
new_logger() { _c=$(copies "$S/a/log"); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
# "JUMPS MOST": how many times the log goes back (a line not after the one
# before it), and the most copies of any one line.
replays() {
	numstream "$1" | awk '$0 == "@@CRASH" || / TORN$/ { next }
		{ sub(/^@[0-9a-f]+ /, "") }
		/^[0-9]+ [0-9]+$/ { n = $2 + 0; if (++c[n] > most) most = c[n]
			if (n <= prev) jumps++; prev = n }
		END { printf "%d %d\n", jumps, most }'
}

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
	kill -KILL "$ml"
	check "round $i: a new multilog runs" wait_until 30 new_logger "$ml"
done

touch "$W/stop"
check "every writer stopped and counted" wait_until 30 all_counted "$W"
check "the log caught up" wait_until 30 caught_up "$L" "$W"
r=$(numcheck "$L" "$W")
diag "$r"
rp=$(replays "$L")
diag "the log goes back $(echo "$rp" | cut -d' ' -f1) time(s); a line is there at most $(echo "$rp" | cut -d' ' -f2) time(s)"
same "one writer ran throughout" 1 "$(numfield "$r" writers)"
same "nothing lost" "lost=0 runs=0 tail=0" \
	"lost=$(numfield "$r" lost) runs=$(numfield "$r" runs) tail=$(numfield "$r" tail)"
check "the log goes back at most once per crash" [ "$(echo "$rp" | cut -d' ' -f1)" -le $kills ]
check "no line more than twice" [ "$(echo "$rp" | cut -d' ' -f2)" -le 2 ]
check "at most one torn line per crash" [ "$(numfield "$r" bad)" -le $kills ]
check "no .s file ends in a torn line" sh -c "! for f in '$L'/@*.s; do [ -e \"\$f\" ] || continue; [ -n \"\$(tail -c1 \"\$f\")\" ] && echo \$f; done | grep -q ."
done_testing
