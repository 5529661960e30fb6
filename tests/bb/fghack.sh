#!/bin/sh
# SPDX-License-Identifier: ISC
# fghack: waits for the child and everything it started, exit codes as 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

cd "$T" || exit 99
expect_exit 100 "usage: no arguments" fghack
same "usage message" "fghack: usage: fghack child" "$(cat "$T/err")"
same_as_ref "no options: -x is a program" fghack -x
expect_exit 111 "program not found" fghack dtng-no-such-program
same "not found message" "fghack: fatal: unable to run dtng-no-such-program: file does not exist" \
	"$(cat "$T/err")"
same_as_ref "program not found" fghack dtng-no-such-program

expect_exit 7 "exit code passes through" fghack sh -c 'exit 7'
same_as_ref "exit code" fghack sh -c 'exit 7'
expect_exit 111 "a crashed child" fghack sh -c 'kill -9 $$'
same "crash message" "fghack: fatal: child crashed" "$(cat "$T/err")"
same_as_ref "crashed child" fghack sh -c 'kill -9 $$'

# The point: a daemon that forks into the background is still waited for.
# The grandchild goes on only when the test opens the gate, after the child
# has exited; until then fghack must still be waiting.
mkfifo gate
fghack sh -c '(read x <gate; echo late >late) & echo $$ >child; exit 3' &
fg=$!
track "$fg"
# The child has exited: gone, or a zombie (fghack reaps it only at the end).
child_gone() { [ -s child ] && gone "$(cat child)"; }
check "the child exits at once" wait_until 30 child_gone
check "fghack still waits for the grandchild" test -d "/proc/$fg" -a ! -e late
echo go >gate
wait "$fg"
same "exit code of the child once the grandchild is done" 3 "$?"
same "the grandchild finished before fghack exited" late "$(cat late 2>/dev/null)"

# compat: 30 extra copies of the pipe's write end, at the same numbers as 0.76.
expect_exit 0 "the child's descriptors" fghack ls -l /proc/self/fd
same "31 descriptors of one pipe (the original and 30 copies)" 31 \
	"$(grep -o 'pipe:\[[0-9]*\]' "$T/out" | sort | uniq -c | sort -rn | awk 'NR == 1 {print $1}')"
same_as_ref "descriptor numbers" fghack ls /proc/self/fd

done_testing
