#!/bin/sh
# supervise beyond 0.76: restart policy, bad run files, finish, timeouts,
# SIGTERM. Delays are read from supervise/state (next_start - since is
# exactly the delay chosen), never measured with a stopwatch.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99

# ---- backoff: a crash loop with MIN 0.05, MAX 0.2 ----
mkdir c
printf '#!/bin/sh\necho "start $$" >>log\nexit 3\n' >c/run
chmod +x c/run
echo "0.05 0.2 30" >c/backoff
start_sv c
delays=
k=1
while [ $k -le 4 ]; do
	if wait_until 20 sh -c "[ \"\$(sed -n 's/^failures=//p' c/supervise/state)\" = $k ] &&
			grep -qx state=backoff c/supervise/state"; then
		st=$(cat c/supervise/state)
		since=$(echo "$st" | sed -n 's/^since=//p')
		next=$(echo "$st" | sed -n 's/^next_start=//p')
		delays="$delays $(label_diff_ns "$since" "$next")"
	else
		delays="$delays ?"
	fi
	k=$((k + 1))
done
same "backoff: delays double up to MAX" " 50000000 100000000 200000000 200000000" "$delays"
same "backoff: last_exit" "exit 3" "$(state_field c last_exit)"
check "backoff: status pid 0 while waiting" is_down c
# svc -u during a delay starts at once: with a 1 h delay, only u can start it.
echo "3600 3600 30" >c/backoff
n=$(starts c)
wait_until 20 sh -c "[ \$(awk '/^start /{n++} END{print n+0}' c/log) -gt $n ] &&
	grep -qx state=backoff c/supervise/state && grep -q '^next_start=@' c/supervise/state"
n=$(starts c)
st=$(cat c/supervise/state)
d=$(label_diff_ns "$(echo "$st" | sed -n 's/^since=//p')" "$(echo "$st" | sed -n 's/^next_start=//p')")
same "backoff: MAX from the file read at the last start" 3600000000000 "$d"
svc_raw c u
wait_until 10 test "$(starts c)" -gt "$n"
check "backoff: svc -u starts at once during a delay" test "$(starts c)" -gt "$n"
svc_raw c dx
wait_until 10 gone $SVPID

# ---- a healthy run resets k and restarts at once ----
mkdir h
printf '#!/bin/sh\necho "start $$" >>log\necho $$ >pid\n[ -e stop ] || exec sleep 30\nexit 1\n' >h/run
chmod +x h/run
echo "0.05 0.05 0.3" >h/backoff
touch h/stop
start_sv h
wait_until 20 test "$(state_field h failures)" -ge 2
check "healthy: crash loop counts failures" test "$(state_field h failures)" -ge 2
rm h/stop
wait_until 10 up_pid h
p=$(svc_pid h)
wait_until 10 test -d "/proc/$p"
# Let it be up for HEALTHY (0.3 s): ps's elapsed seconds round down.
wait_until 10 sh -c "[ \$(ps -o etimes= -p $p) -ge 1 ]"
kill -KILL "$p"
wait_until 10 sh -c "[ \"\$(cat h/pid)\" != $p ]"
same "healthy: k reset to 0" 0 "$(state_field h failures)"
same "healthy: restarted at once, no next_start" "up " \
	"$(state_field h state) $(state_field h next_start)"
svc_raw h dx
wait_until 10 gone $SVPID

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
	wait_until 10 grep -q "unable to start" "b-$kind.err"
	same "bad run ($kind): message" "supervise: warning: $want" "$(head -n 1 "b-$kind.err")"
	wait_until 10 test "$(state_field "b-$kind" state)" = backoff
	same "bad run ($kind): state backoff" backoff "$(state_field "b-$kind" state)"
	same "bad run ($kind): not a failure" 0 "$(state_field "b-$kind" failures)"
	check "bad run ($kind): supervise alive" kill -0 $SVPID
	eval "pid_$kind=$SVPID"
done
# Fix them all; each starts within the next retry.
rm -rf b-missing/run b-directory/run b-dangling/run
for kind in missing directory dangling; do
	printf '#!/bin/sh\necho $$ >pid\nexec sleep 30\n' >"b-$kind/run.tmp"
	chmod +x "b-$kind/run.tmp"
	mv "b-$kind/run.tmp" "b-$kind/run"
done
chmod +x b-noexec/run
printf '#!/bin/sh\necho $$ >pid\nexec sleep 30\n' >b-noexec/run
for kind in missing directory dangling noexec; do
	wait_until 10 up_pid "b-$kind"
	check "bad run ($kind): starts once fixed" up_pid "b-$kind"
	check "bad run ($kind): said once, not every second" \
		test "$(grep -c 'unable to start' "b-$kind.err")" = 1
	svc_raw "b-$kind" dx
done

# ---- finish: arguments, environment, bound ----
mkdir f
printf '#!/bin/sh\necho "start $$" >>log\necho $$ >pid\n[ -e code ] && exit $(cat code)\nexec sleep 30\n' >f/run
printf '#!/bin/sh\necho "$@" >>finish.args\n' >f/finish
chmod +x f/run f/finish
echo 7 >f/code
echo "0.05 0.05 30" >f/backoff
start_sv f
wait_until 10 test -s f/finish.args
same "finish: exit code and signal 0" "7 0" "$(head -n 1 f/finish.args)"
rm f/code
wait_until 10 up_pid f
p=$(cat f/pid)
: >f/finish.args
svc_raw f k
wait_until 10 test -s f/finish.args
same "finish: -1 and the signal number" "-1 9" "$(cat f/finish.args)"
wait_until 10 up_pid f
# finish-timeout: a finish that hangs is killed after the bound.
printf '#!/bin/sh\necho $$ >finish.pid\nexec sleep 30\n' >f/finish
echo 0.2 >f/finish-timeout
svc_raw f t
wait_until 10 test -s f/finish.pid
fp=$(cat f/finish.pid)
wait_until 10 gone "$fp"
check "finish-timeout: finish killed" gone "$fp"
wait_until 10 up_pid f
check "finish-timeout: service restarted after it" up_pid f
echo bogus >f/finish-timeout
rm f/finish
svc_raw f t
wait_until 10 grep -q "finish-timeout: bad value" f.err
same "bad finish-timeout: warning" \
	"supervise: warning: f/finish-timeout: bad value, using the default" \
	"$(grep finish-timeout f.err | tail -n 1)"
svc_raw f dx

# ---- timeout-kill: a TERM-ignoring service gets KILL ----
mkdir k
printf '#!/bin/sh\necho $$ >pid\ntrap "echo got TERM >>log" TERM\nwhile :; do sleep 1 & wait $!; done\n' >k/run
chmod +x k/run
echo 0.2 >k/timeout-kill
start_sv k
p=$(svc_pid k)
svc_raw k d
wait_until 10 is_down k
check "timeout-kill: down after d" is_down k
check "timeout-kill: it saw the TERM first" grep -q "got TERM" k/log
same "timeout-kill: ended by SIGKILL" "signal 9" "$(state_field k last_exit)"
# Without the file, 0.76's behaviour: TERM only, it stays up.
rm k/timeout-kill
svc_raw k u
wait_until 10 up_pid k
p=$(cat k/pid)
: >k/log
svc_raw k d
wait_until 10 grep -q "got TERM" k/log
same "no timeout-kill: still running after TERM" "$p" "$(status_pid k)"
same "no timeout-kill: state stopping" stopping "$(state_field k state)"
echo never >k/timeout-kill
svc_raw k k
wait_until 10 is_down k
svc_raw k u
wait_until 10 grep -q "timeout-kill: bad value" k.err
same "bad timeout-kill: warning" "supervise: warning: k/timeout-kill: bad value, ignored" \
	"$(grep timeout-kill k.err | tail -n 1)"
svc_raw k dkx
wait_until 10 gone $SVPID
check "d then k: a TERM-ignoring service is gone with its supervise" gone $SVPID

# ---- bad backoff file: warning, defaults ----
mkdir bb
printf '#!/bin/sh\nexec sleep 30\n' >bb/run
chmod +x bb/run
echo "1 2" >bb/backoff
start_sv bb
wait_until 10 grep -q backoff bb.err
same "bad backoff: warning" "supervise: warning: bb/backoff: bad value, using the default" \
	"$(cat bb.err)"
svc_raw bb dx

# ---- SIGTERM to supervise: TERM and CONT to the service, finish, exit 0 ----
mksvc t
printf '#!/bin/sh\necho "$@" >finish.args\n' >t/finish
chmod +x t/finish
start_sv t
p=$(svc_pid t)
svc_raw t p
wait_until 10 test "$(proc_state "$p")" = T
kill -TERM $SVPID
wait_until 10 gone $SVPID
check "SIGTERM: supervise exited" gone $SVPID
wait $SVPID
same "SIGTERM: exit code 0" 0 "$?"
check "SIGTERM: paused service got TERM" has_line t "got TERM"
check "SIGTERM: service gone" gone "$p"
same "SIGTERM: finish ran" "0 0" "$(cat t/finish.args 2>/dev/null)"
same "SIGTERM: status down, want down" "0 100" "$(status_pid t) $(status_byte t 17)"

done_testing
