#!/bin/sh
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
	wait_until 10 has_line s "got $sig"
	check "$l: service got SIG$sig" has_line s "got $sig"
done
same "signals did not restart it" "$p" "$(status_pid s)"

# p: stopped (T in /proc), paused flag in status and state; c: running again.
svc_raw s p
wait_until 10 test "$(proc_state "$p")" = T
same "p: process stopped" T "$(proc_state "$p")"
wait_until 5 test "$(status_byte s 16)" = 1
same "p: paused flag in status" 1 "$(status_byte s 16)"
same "p: paused in state" 1 "$(state_field s paused)"
svc_raw s c
wait_until 10 test "$(proc_state "$p")" != T
check "c: process continues" test "$(proc_state "$p")" != T
same "c: paused flag cleared" 0 "$(status_byte s 16)"

# t: TERM, then a restart at once; not a failure.
: >s/log
svc_raw s t
wait_until 10 test "$(starts s)" = 1
check "t: service got TERM" has_line s "got TERM"
check "t: restarted" test "$(starts s)" = 1
p2=$(svc_pid s)
check "t: new pid" test "$p2" != "$p"
same "t: not counted as a failure" 0 "$(state_field s failures)"
same "t: last_exit" "exit 0" "$(state_field s last_exit)"

# k: KILL, restarted at once, not a failure.
: >s/log
svc_raw s k
wait_until 10 test "$(starts s)" = 1
p3=$(svc_pid s)
check "k: restarted with a new pid" test "$p3" != "$p2"
same "k: last_exit" "signal 9" "$(state_field s last_exit)"
same "k: not counted as a failure" 0 "$(state_field s failures)"

# p then d: the paused service still gets TERM (d sends CONT too).
svc_raw s p
wait_until 10 test "$(proc_state "$p3")" = T
: >s/log
svc_raw s d
wait_until 10 is_down s
check "d on a paused service: TERM delivered" has_line s "got TERM"
check "d: status pid 0" is_down s
same "d: want down" 100 "$(status_byte s 17)"
same "d: state down" down "$(state_field s state)"
same "d: not restarted" 0 "$(starts s)"

# Signals with nothing running go nowhere and change nothing.
svc_raw s ahikt12qwpc
check "letters while down: supervise alive" kill -0 $SVPID
same "letters while down: still down" 0 "$(status_pid s)"

# u: starts it again, want up.
svc_raw s u
wait_until 10 up_pid s
check "u: started" up_pid s
same "u: want up" 117 "$(status_byte s 17)"

# o: once. The status says want 0; after the exit it stays down.
svc_raw s o
wait_until 5 test "$(status_byte s 17)" = 0
same "o: want byte 0" 0 "$(status_byte s 17)"
same "o: state want=once" once "$(state_field s want)"
: >s/log
svc_raw s t
wait_until 10 is_down s
check "o: down after the exit" is_down s
same "o: not restarted" 0 "$(starts s)"
svc_raw s o
wait_until 10 up_pid s
check "o while down: runs once" up_pid s

# x with d: supervise exits once the service is down.
svc_raw s dx
wait_until 10 gone $SVPID
check "dx: supervise exited" gone $SVPID
wait "$SVPID"
same "dx: exit code 0" 0 "$?"

done_testing
