#!/bin/sh
# SPDX-License-Identifier: ISC
# kill -9 of multilog loses nothing: numbered lines stream through a fifo
# that the test holds open (as svscan holds the log pipe across the
# logger's restart); multilog is killed at several points and started
# again on the same pipe. At the end every line is on disk, in order, at
# most twice, and the log goes back at most once per kill (the lines in
# flight, written again). Kill points: under load after the log has grown by a fixed
# number of lines, during the processor of a rotation, during a write
# stall (file size limit), and in the middle of a line.
#
# Each kill waits until the log holds a line M past the highest line on
# disk at the previous kill: M (30000 lines) is several times what one
# round of writes can hold (a 256 KiB buffer of lines of 35 bytes or
# more), so the lines written twice after one kill have been dropped from
# the pipe before the next kill, and no line can be written three times.
. "$DT_SRCDIR/tests/bb/lib.sh"
cd "$T" || exit 99
NUMLINES=$DT_BUILDDIR/tests/bb/numlines
[ -x "$NUMLINES" ] || { fail "tests/bb/numlines is missing (not built?)"; done_testing; }
M=30000

# The processor: cat, and once per "hold" file, wait at the gate (a fifo
# the test opens when multilog is dead). proc.pid and proc.done are what
# the test waits for.
mkfifo fifo gate || exit 99
cat >proc.sh <<EOF
#!/bin/sh
cat || exit 111
if [ -e "$T/hold" ]; then
	rm -f "$T/hold"
	echo \$\$ >"$T/proc.tmp" && mv "$T/proc.tmp" "$T/proc.pid"
	read x <"$T/gate"
	touch "$T/proc.done"
fi
exit 0
EOF
chmod +x proc.sh

# a: every line; b: the lines whose number's first 7 is its last digit
# (0.76's star stops at the first 7), rotated often, through proc.sh.
start_ml() {
	"$@" multilog t s4000000 n1000 ./a '-*' '+@* * *7' s50000 n1000 "!$T/proc.sh" ./b \
		<fifo 7>&- 2>>err &
	ml=$!
	track $ml
}
kill_ml() {
	kill -9 "$ml"
	wait "$ml" 2>/dev/null
}

# The lines of a directory, oldest first; a file that does not end in a
# newline (torn by a kill) has its last line marked TORN.
stream() {
	for f in $(ls "$1" | grep '^@') current; do
		[ -f "$1/$f" ] || continue
		cat "$1/$f"
		[ -n "$(tail -c1 "$1/$f")" ] && echo " TORN"
	done
}
# The highest N in the whole of a.
maxall() {
	stream a | awk '{ sub(/^@[0-9a-f]+ /, "") } /^[0-9]+ [0-9]+$/ && $2 + 0 > m { m = $2 + 0 }
		END { print m + 0 }'
}
# a holds a line numbered N or more (its newest files are enough).
reached() {
	(cd a && for f in $(ls | grep '^@' | tail -1) current; do tail -n 3 "$f"; done) 2>/dev/null |
		awk -v n="$1" '{ sub(/^@[0-9a-f]+ /, "") } /^[0-9]+ [0-9]+$/ && $2 + 0 >= n { f = 1 }
		END { exit !f }'
}
# verdict DIR COUNT SEL: "missing=N twice=N more=N order=N back=N bad=N"
# over the lines 1..COUNT that SEL (an awk condition on n) selects:
# missing, doubled, more than twice, out of order (first occurrences not
# increasing), places where the log goes back (a line not above the one
# before it), lines not "PID N" and not a torn last line of a file.
verdict() {
	stream "$1" | awk -v count="$2" '
	/ TORN$/ { next }
	{ sub(/^@[0-9a-f]+ /, "") }
	!/^[0-9]+ [0-9]+$/ { bad++; next }
	{ n = $2 + 0; seen[n]++
	  if (n <= prev) back++
	  prev = n
	  if (seen[n] == 1) { if (n < last) order++; last = n } }
	END {
		for (n = 1; n <= count; n++) if ('"$3"') {
			if (!seen[n]) missing++; else if (seen[n] == 2) twice++; else if (seen[n] > 2) more++
		}
		printf "missing=%d twice=%d more=%d order=%d back=%d bad=%d\n",
			missing, twice, more, order, back, bad
	}'
}
# ok_verdict VERDICT: nothing missing, nothing thrice, in order, no bad
# line, and back at most once per kill.
ok_verdict() {
	case $1 in "missing=0 twice="*" more=0 order=0 back="*" bad=0") ;; *) return 1 ;; esac
	[ "$(echo "$1" | sed 's/.* back=\([0-9]*\) .*/\1/')" -le "$kills" ]
}

mkdir w && exec 7<>fifo
"$NUMLINES" -b 2000 -p 10 w >fifo 7>&- &
writer=$!
track $writer
kills=0
max=0
# killpoint DESC: multilog has just been started; kill it once the log has
# grown M lines past the last kill's highest line.
grown() {
	check "$1: the log grows" wait_until 120 reached $((max + M))
}
after_kill() {
	kills=$((kills + 1))
	max=$(maxall)
	diag "kill $kills ($1): highest line on disk $max"
}

for i in 1 2 3; do
	start_ml
	grown "load $i"
	kill_ml
	after_kill "under load"
done

# During the processor of b: the rotation's round is on disk, the lines
# read after it are not.
start_ml
grown "processor"
touch hold
check "the processor runs and waits" wait_until 120 test -s proc.pid
kill_ml
pp=$(cat proc.pid)
track "$pp"
echo >gate
check "the processor is let go" wait_until 60 test -e proc.done
after_kill "in the processor"

# A write stall: current cannot grow past 2000000 bytes (EFBIG); multilog
# says so and waits, holding what it read.
# (SIGXFSZ ignored: the write fails with EFBIG)
start_ml sh -c 'trap "" XFSZ; exec "$@"' sh softlimit -f 2000000
check "the write stalls" wait_until 120 grep -q 'file too big' err
kill_ml
after_kill "in a write stall"

# The plain-syscall writer (no io_uring) holds input the same way.
start_ml env DTNG_NO_URING=1
grown "after the stall, plain writes"
kill_ml
after_kill "under load, plain writes"

start_ml
grown "the last run"
touch w/stop
check "the writer stopped and counted" wait_until 60 sh -c 'ls w | grep -q "^count\."'
count=$(cat w/count.*)
check "the log caught up" wait_until 120 reached "$count"
kill -TERM "$writer"
wait "$writer"
exec 7>&-
check "multilog exits at end of input" wait_until 60 sh -c "! kill -0 $ml"
wait "$ml"
same "exit code 0" 0 $?
check "current is finished (0744)" test -x a/current -a -x b/current
diag "$kills kills, $count lines"

r=$(verdict a "$count" 1)
diag "a: $r"
check "a: every line there, in order, at most twice, back at most once per kill" ok_verdict "$r"
r=$(verdict b "$count" 'n "" ~ /^[^7]*7$/')
diag "b: $r"
check "b: every selected line there, in order, at most twice, back at most once per kill" \
	ok_verdict "$r"
check "b: the processor ran" sh -c 'ls b | grep -q "\.s$"'
same "b: no line b should not have" "" \
	"$(stream b | sed 's/^@[0-9a-f]* //' | awk '/^[0-9]+ [0-9]+$/ && $2 !~ /^[^7]*7$/' | head -3)"

# Lines no directory takes fill no buffer, yet they leave the pipe: more
# than the pipe holds (1 MiB) goes through.
seq 1 400000 | multilog t '-*' ./e 2>>err &
ml=$!
track $ml
check "lines no directory takes leave the pipe" wait_until 60 sh -c "! kill -0 $ml"
wait "$ml"
same "... and multilog exits 0 at end of input" 0 $?

# The middle of a line: its beginning was read when multilog died; after
# the restart the whole line is read again and logged once, whole.
mkfifo fifo2 || exit 99
exec 7<>fifo2
multilog t ./c <fifo2 7>&- 2>>err &
ml=$!
track $ml
printf 'first\npart' >&7
check "the line before is logged" wait_until 60 grep -q ' first$' c/current
kill_ml
multilog t ./c <fifo2 7>&- 2>>err &
ml=$!
track $ml
printf 'ial line\n' >&7
exec 7>&-
check "multilog exits at end of input" wait_until 60 sh -c "! kill -0 $ml"
same "the line begun before the kill is whole, once" "partial line" \
	"$(cat c/@* c/current | sed 's/^@[0-9a-f]* //' | grep -v '^first$')"
done_testing
