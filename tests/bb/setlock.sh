#!/bin/sh
# SPDX-License-Identifier: ISC
# setlock: flock() held by the program it runs, -n -N -x -X, 0.76's exit
# codes (-x exits 0 when it cannot lock), side by side with 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

cd "$T" || exit 99
usage="setlock: usage: setlock [ -nNxX ] file program [ arg ... ]"
locked() { ! setlock -n "$T/lk" true 2>/dev/null; }

expect_exit 100 "usage: no arguments" setlock
same "usage message" "$usage" "$(cat "$T/err")"
expect_exit 100 "usage: no program" setlock lk
same_as_ref "usage: no program" setlock lk
expect_exit 100 "illegal option" setlock -z lk true
same "illegal option message" "setlock: illegal option -- z
$usage" "$(cat "$T/err")"
same_as_ref "illegal option" setlock -z lk true

expect_exit 0 "runs the program" setlock lk sh -c 'echo ran'
same "program output" ran "$(cat "$T/out")"
same "lock file is created 0600" 600 "$(stat -c %a lk)"
same_as_ref "-- ends the options" setlock -- lk true
same_as_ref "all flags" setlock -nNxX lk true
same_as_ref "exit code passes through" setlock lk sh -c 'exit 9'

expect_exit 111 "cannot open" setlock "$T/no/lk" true
same "cannot open message" "setlock: fatal: unable to open $T/no/lk: file does not exist" \
	"$(cat "$T/err")"
same_as_ref "cannot open" setlock "$T/no/lk" true
expect_exit 0 "-x: cannot open exits 0 (compat)" setlock -x "$T/no/lk" true
same_as_ref "-x cannot open" setlock -x "$T/no/lk" true
same_as_ref "program not found" setlock lk dtng-no-such-program
same_as_ref "-x program not found" setlock -x lk dtng-no-such-program

# A holder: the lock belongs to the program setlock runs (fd inherited).
rm -f go
spawn setlock "$T/lk" sh -c 'while [ ! -e go ]; do sleep 0.05; done'
holder=$!
check "the lock is taken" wait_until 30 locked
ino=$(stat -c %i lk)
check "the program holds the flock (/proc/locks)" \
	grep -q "FLOCK  *ADVISORY  *WRITE  *$holder [0-9a-f:]*:$ino " /proc/locks

expect_exit 111 "-n fails at once when locked" setlock -n lk touch ran-n
same "-n message" "setlock: fatal: unable to lock lk: temporary failure" "$(cat "$T/err")"
check "-n did not run the program" test ! -e ran-n
same_as_ref "-n when locked" setlock -n lk true
expect_exit 0 "-n -x exits 0 when locked (compat)" setlock -nx lk touch ran-x
check "-x did not run the program" test ! -e ran-x
same_as_ref "-nx when locked" setlock -nx lk true
expect_exit 111 "-X undoes -x" setlock -nxX lk true
same_as_ref "-nxX when locked" setlock -nxX lk true

# Without -n (or with -N) it waits for the holder.
spawn setlock -nN lk touch ran-wait
waiter=$!
# /proc/locks lists a blocked flock() as "N: -> FLOCK ... PID": once the
# waiter is there it cannot have run its program.
blocked() { grep -q "^[0-9]*: -> FLOCK  *ADVISORY  *WRITE  *$waiter " /proc/locks; }
check "the waiter blocks in flock while the lock is held" wait_until 30 blocked
check "the waiter has not run its program" test ! -e ran-wait
touch go
check "the holder ends" wait_until 30 sh -c "! kill -0 $holder"
check "the waiter runs once the lock is free" wait_until 30 test -e ran-wait
wait "$waiter"
same "waiter exit code" 0 "$?"
check "the lock is free again" sh -c '! locked' || true
expect_exit 0 "-n succeeds when free" setlock -n lk true

done_testing
