#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise: every control letter, judged by what the service observes.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99
mksvc s
start_sv s
p=$(svc_pid s)
check "up" test -n "$p"

# Letters that only send a signal: the service logs each one.
for pair in a:ALRM h:HUP i:INT 1:USR1 2:USR2 q:QUIT w:WINCH c:CONT; do
	l=${pair%%:*} sig=${pair#*:}
	svc_raw s "$l"
	check "$l: service got SIG$sig" wait_until 30 has_line s "got $sig"
done
same "signals did not restart it" "$p" "$(status_pid s)"

# p: stopped (T in /proc), paused flag in status and state; c: running again.
svc_raw s p
check "p: process stopped" wait_until 30 proc_state_is "$p" T
check "p: paused in state" wait_until 30 state_field_is s paused 1
same "p: paused flag in status" 1 "$(status_byte s 16)"
svc_raw s c
check "c: process continues" wait_until 30 proc_state_not "$p" T
check "c: paused flag cleared" wait_until 30 state_field_is s paused 0
same "c: paused flag cleared in status" 0 "$(status_byte s 16)"

# t: TERM, then a restart at once; not a failure.
: >s/log
svc_raw s t
check "t: restarted" wait_until 30 starts_are s 1
check "t: service got TERM" has_line s "got TERM"
p2=$(svc_pid s)
check "t: new pid" test "$p2" != "$p"
same "t: not counted as a failure" 0 "$(state_field s failures)"
same "t: last_exit" "exit 0" "$(state_field s last_exit)"

# k: KILL, restarted at once, not a failure.
: >s/log
svc_raw s k
wait_until 30 starts_are s 1
p3=$(svc_pid s)
check "k: restarted with a new pid" test "$p3" != "$p2"
same "k: last_exit" "signal 9" "$(state_field s last_exit)"
same "k: not counted as a failure" 0 "$(state_field s failures)"

# p then d: the paused service still gets TERM (d sends CONT too).
svc_raw s p
wait_until 30 proc_state_is "$p3" T
: >s/log
svc_raw s d
# state down, not only pid 0 in status (that is written while finishing)
check "d: state down" wait_until 30 state_is s down
check "d on a paused service: TERM delivered" has_line s "got TERM"
check "d: status pid 0" is_down s
same "d: want down" 100 "$(status_byte s 17)"
same "d: not restarted" 0 "$(starts s)"

# Signals with nothing running go nowhere and change nothing. The x at the
# end makes supervise exit (nothing runs), and it handles the bytes in
# order: once it is gone, every letter before the x has been handled, and
# its files are final.
svc_raw s ahikt12qwpcx
check "letters while down, then x: supervise exits" wait_until 30 gone $SVPID
wait "$SVPID"
same "letters while down: supervise exited 0" 0 "$?"
same "letters while down: still down, nothing started" "0 down 0" \
	"$(status_pid s) $(state_field s state) $(starts s)"
same "letters while down: not paused" 0 "$(status_byte s 16)"
# A new supervise for the rest, down at first.
touch s/down
start_sv s
rm s/down

# u: starts it again, want up.
svc_raw s u
check "u: started" wait_until 30 up_pid s
same "u: want up" 117 "$(status_byte s 17)"

# o: once. The status says want 0; after the exit it stays down.
svc_raw s o
check "o: state want=once" wait_until 30 state_field_is s want once
same "o: want byte 0" 0 "$(status_byte s 17)"
: >s/log
svc_raw s t
# state down is where supervise rests after the exit: a restart would
# have come before it (from finishing straight to up)
check "o: down after the exit" wait_until 30 state_is s down
check "o: status pid 0" is_down s
same "o: not restarted" 0 "$(starts s)"
svc_raw s o
check "o while down: runs once" wait_until 30 up_pid s

# x with d: supervise exits once the service is down.
svc_raw s dx
check "dx: supervise exited" wait_until 30 gone $SVPID
wait "$SVPID"
same "dx: exit code 0" 0 "$?"

done_testing
