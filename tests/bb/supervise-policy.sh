#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise beyond 0.76: restart policy, bad run files, finish, timeouts,
# SIGTERM. Delays are read from supervise/state (next_start - since is
# exactly the delay chosen), never measured with a stopwatch.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99

# ---- backoff: delays double up to MAX ----
# MIN 100 s, MAX 400 s: each backoff lasts far longer than the test, so the
# state is read at leisure; svc -u then starts the service at once (it keeps
# the failure count) for the next crash. HEALTHY is an hour: every run fails.
mkdir c
printf '#!/bin/sh\necho "start $$" >>log\nexit 3\n' >c/run
chmod +x c/run
echo "100 400 3600" >c/backoff
# in_backoff DIR K: supervise sits in backoff after the K-th failure.
in_backoff() {
	[ "$(state_field "$1" failures)" = "$2" ] && [ "$(state_field "$1" state)" = backoff ] &&
		[ -n "$(state_field "$1" next_start)" ]
}
# delay DIR: next_start - since, the delay supervise chose (ns).
delay() { label_diff_ns "$(state_field "$1" since)" "$(state_field "$1" next_start)"; }
start_sv c
delays=
k=1
while [ $k -le 4 ]; do
	if wait_until 30 in_backoff c $k; then
		delays="$delays $(delay c)"
		[ $k -lt 4 ] && svc_raw c u
	else
		delays="$delays ?"
		diag "after failure $k: $(tr '\n' ' ' <c/supervise/state)"
	fi
	k=$((k + 1))
done
same "backoff: delays double up to MAX" " 100000000000 200000000000 400000000000 400000000000" "$delays"
same "backoff: one start per crash, none by the timer" 4 "$(starts c)"
same "backoff: last_exit" "exit 3" "$(state_field c last_exit)"
check "backoff: status pid 0 while waiting" is_down c
# The backoff file is read at each start: the next crash's delay is the
# new MAX.
echo "3600 3600 3600" >c/backoff
svc_raw c u
wait_until 30 in_backoff c 5
same "backoff: MAX from the file read at the last start" 3600000000000 "$(delay c)"
# svc -u during a delay starts at once: with a 1 h delay, only u can start it.
n=$(starts c)
svc_raw c u
more_starts() { [ "$(starts "$1")" -gt "$2" ]; }
check "backoff: svc -u starts at once during a delay" wait_until 30 more_starts c "$n"
check "backoff: svc -u kept the failure count" wait_until 30 in_backoff c 6
svc_raw c dx
wait_until 30 gone $SVPID

# ---- a healthy run resets k and restarts at once ----
# MIN 100 s so the crash loop advances one crash per svc -u; HEALTHY an
# hour during the crashes (a crash run that took a second on a loaded
# machine would otherwise be healthy), then 1 s (the file is read at each
# start), and the run is killed only once supervise's own record (since,
# taken at the same instant as its start time) is 2 s old: certainly healthy.
mkdir h
printf '#!/bin/sh\necho "start $$" >>log\necho $$ >pid\n[ -e stop ] || exec sleep 300\nexit 1\n' >h/run
chmod +x h/run
echo "100 100 3600" >h/backoff
touch h/stop
start_sv h
wait_until 30 in_backoff h 1
svc_raw h u
check "healthy: crash loop counts failures" wait_until 30 in_backoff h 2
echo "100 100 1" >h/backoff
rm h/stop
svc_raw h u
state_up() { [ "$(state_field "$1" state)" = up ] && up_pid "$1" && [ "$(state_field "$1" pid)" = "$(cat "$1/pid")" ]; }
wait_until 30 state_up h
p=$(svc_pid h)
# now_label: the current TAI64N label.
now_label() { echo | tai64n | cut -c1-25; }
up_for() { [ "$(label_diff_ns "$(state_field "$1" since)" "$(now_label)")" -ge "$2" ]; }
check "healthy: up for 2 s by supervise's record" wait_until 30 up_for h 2000000000
kill -KILL "$p"
restarted() { [ "$(cat "$1/pid")" != "$2" ] && state_up "$1"; }
check "healthy: restarted" wait_until 30 restarted h "$p"
same "healthy: k reset to 0" 0 "$(state_field h failures)"
same "healthy: restarted at once, no next_start" "up  signal 9" \
	"$(state_field h state) $(state_field h next_start) $(state_field h last_exit)"
svc_raw h dx
wait_until 30 gone $SVPID

# ---- bad run files: message, retried every second, not a failure ----
for kind in missing directory dangling noexec; do
	mkdir "b-$kind"
	case $kind in
	missing) want="unable to start b-$kind/run (retrying every second): file does not exist" ;;
	directory) mkdir "b-$kind/run"
		want="unable to start b-$kind/run (retrying every second): is a directory" ;;
	dangling) ln -s nowhere "b-$kind/run"
		want="unable to start b-$kind/run: dangling symbolic link, retrying every second" ;;
	noexec) printf '#!/bin/sh\nexit 0\n' >"b-$kind/run"
		want="unable to start b-$kind/run (retrying every second): access denied" ;;
	esac
	start_sv "b-$kind"
	wait_until 30 grep -q "unable to start" "b-$kind.err"
	same "bad run ($kind): message" "supervise: warning: $want" "$(nocg "b-$kind.err" | head -n 1)"
	check "bad run ($kind): state backoff" wait_until 30 state_is "b-$kind" backoff
	same "bad run ($kind): not a failure" 0 "$(state_field "b-$kind" failures)"
	check "bad run ($kind): supervise alive" kill -0 $SVPID
	eval "pid_$kind=$SVPID want_$kind=\$want"
done
# Fix them all; each starts within the next retry. A directory must be
# removed before a file can take its name: a retry in between says "file
# does not exist", once (supervise says each new complaint once), so the
# check below counts each kind's own message.
rm -rf b-directory/run
for kind in missing directory dangling; do
	printf '#!/bin/sh\necho $$ >pid\nexec sleep 30\n' >"b-$kind/run.tmp"
	chmod +x "b-$kind/run.tmp"
	mv "b-$kind/run.tmp" "b-$kind/run"
done
printf '#!/bin/sh\necho $$ >pid\nexec sleep 30\n' >b-noexec/run
chmod +x b-noexec/run
for kind in missing directory dangling noexec; do
	check "bad run ($kind): starts once fixed" wait_until 30 up_pid "b-$kind"
	eval "want=\$want_$kind"
	same "bad run ($kind): said once, not every second" 1 \
		"$(grep -cxF "supervise: warning: $want" "b-$kind.err")"
	svc_raw "b-$kind" dx
done

# ---- finish: arguments, environment, bound ----
# MIN 100 s: after the first crash supervise sits in backoff (finish done)
# until svc -u, so no crashing run can race with the checks below.
mkdir f
printf '#!/bin/sh\necho "start $$" >>log\n[ -e code ] && exit $(cat code)\necho $$ >pid\nexec sleep 300\n' >f/run
printf '#!/bin/sh\necho "$@" >>finish.args\n' >f/finish
chmod +x f/run f/finish
echo 7 >f/code
echo "100 100 3600" >f/backoff
start_sv f
wait_until 30 in_backoff f 1
same "finish: exit code and signal 0" "7 0" "$(cat f/finish.args)"
rm f/code
: >f/finish.args
svc_raw f u
wait_until 30 up_pid f
p=$(cat f/pid)
svc_raw f k
wait_until 30 test -s f/finish.args
same "finish: -1 and the signal number" "-1 9" "$(cat f/finish.args)"
wait_until 30 up_pid f
# finish-timeout: a finish that hangs is killed after the bound.
printf '#!/bin/sh\necho $$ >finish.pid\nexec sleep 300\n' >f/finish
echo 0.2 >f/finish-timeout
p=$(cat f/pid)
svc_raw f t
wait_until 30 test -s f/finish.pid
fp=$(cat f/finish.pid)
check "finish-timeout: finish killed" wait_until 30 gone "$fp"
restarted_up() { [ "$(cat "$1/pid")" != "$2" ] && up_pid "$1"; }
check "finish-timeout: service restarted after it" wait_until 30 restarted_up f "$p"
echo bogus >f/finish-timeout
rm f/finish
svc_raw f t
wait_until 30 grep -q "finish-timeout: bad value" f.err
same "bad finish-timeout: warning" \
	"supervise: warning: f/finish-timeout: bad value, using the default" \
	"$(grep finish-timeout f.err | tail -n 1)"
svc_raw f dx
wait_until 30 gone $SVPID

# ---- timeout-kill: a TERM-ignoring service gets KILL ----
# The service ignores TERM outright (the disposition survives exec), so
# only supervise's KILL can end it: no race with a trap that must run
# before the bound. That d sends TERM is shown below, without the file.
mkdir k
printf '#!/bin/sh\ntrap "" TERM\necho $$ >pid\nexec sleep 300\n' >k/run
chmod +x k/run
echo 0.2 >k/timeout-kill
start_sv k
p=$(svc_pid k)
svc_raw k d
check "timeout-kill: down after d" wait_until 30 state_is k down
check "timeout-kill: the service is gone" gone "$p"
same "timeout-kill: ended by SIGKILL" "signal 9" "$(state_field k last_exit)"
svc_raw k x
wait_until 30 gone $SVPID
# Without the file, 0.76's behaviour: TERM only, it stays up.
mkdir k2
printf '#!/bin/sh\necho $$ >pid\ntrap "echo got TERM >>log" TERM\ntrap "echo got ALRM >>log" ALRM\nwhile :; do sleep 1 & wait $!; done\n' >k2/run
chmod +x k2/run
start_sv k2
p=$(svc_pid k2)
svc_raw k2 d
check "no timeout-kill: d sends TERM" wait_until 30 has_line k2 "got TERM"
# Nothing records "no KILL armed": the ALRM sent after the d and seen by
# the service orders this check after supervise handled the d, bounded.
svc_raw k2 a
wait_until 30 has_line k2 "got ALRM"
same "no timeout-kill: still running after TERM" "$p" "$(status_pid k2)"
same "no timeout-kill: state stopping" stopping "$(state_field k2 state)"
echo never >k2/timeout-kill
svc_raw k2 k
wait_until 30 state_is k2 down
svc_raw k2 u
wait_until 30 grep -q "timeout-kill: bad value" k2.err
same "bad timeout-kill: warning" "supervise: warning: k2/timeout-kill: bad value, ignored" \
	"$(grep timeout-kill k2.err | tail -n 1)"
svc_raw k2 dkx
check "d then k: a TERM-ignoring service is gone with its supervise" wait_until 30 gone $SVPID

# ---- bad backoff file: warning, defaults ----
mkdir bb
printf '#!/bin/sh\nexec sleep 30\n' >bb/run
chmod +x bb/run
echo "1 2" >bb/backoff
start_sv bb
wait_until 30 grep -q backoff bb.err
same "bad backoff: warning" "supervise: warning: bb/backoff: bad value, using the default" \
	"$(nocg bb.err)"
svc_raw bb dx

# ---- SIGTERM to supervise: TERM and CONT to the service, finish, exit 0 ----
mksvc t
printf '#!/bin/sh\necho "$@" >finish.args\n' >t/finish
chmod +x t/finish
start_sv t
p=$(svc_pid t)
svc_raw t p
stopped() { [ "$(proc_state "$1")" = T ]; }
wait_until 30 stopped "$p"
kill -TERM $SVPID
check "SIGTERM: supervise exited" wait_until 30 gone $SVPID
wait $SVPID
same "SIGTERM: exit code 0" 0 "$?"
check "SIGTERM: paused service got TERM" has_line t "got TERM"
check "SIGTERM: service gone" gone "$p"
same "SIGTERM: finish ran" "0 0" "$(cat t/finish.args 2>/dev/null)"
same "SIGTERM: status down, want down" "0 100" "$(status_pid t) $(status_byte t 17)"

done_testing
