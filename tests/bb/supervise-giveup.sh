#!/bin/sh
# SPDX-License-Identifier: ISC
# Giving up (DESIGN.md section 6): the give-up file, finish exiting 125,
# failed_by=, svc -u clearing it, svwait -u exiting 103, SUPERVISE_FAILURES,
# bad give-up values. Every crash is released by hand through a fifo (one
# crash per write), and every wait is on supervise/state's durable fields
# (failures=, state=failed), so nothing depends on timing.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99

# mkcrash DIR: a run that starts, waits for one line on DIR/gate, exits 1.
# backoff: 0.01 s between starts, every run a failure (healthy after 1 h).
mkcrash() {
	mkdir "$1"
	mkfifo "$1/gate"
	printf '#!/bin/sh\necho "start $$" >>log\necho $$ >pid\nread x <gate\nexit 1\n' >"$1/run"
	chmod +x "$1/run"
	echo "0.01 0.01 3600" >"$1/backoff"
}
# release DIR: lets the running (or next) run crash. Never twice without
# waiting for the failure in between: a second writer while the first run
# still has the fifo open would feed that run, and the line would be lost.
# Never after svc -d: no run would ever read it.
release() { echo go >"$1/gate"; }
failures_are() { [ "$(state_field "$1" failures)" = "$2" ]; }
# crash_to DIR K: release one crash and wait for the K-th failure.
crash_to() { release "$1" && wait_until 30 failures_are "$1" "$2"; }
running() { [ "$(state_field "$1" state)" = up ] && [ "$(starts "$1")" = "$2" ]; }

# ---- give-up 5: failed after exactly 5 failures ----
mkcrash g
echo 5 >g/give-up
start_sv g
ok=1
k=1
while [ $k -le 4 ]; do
	crash_to g $k || { ok=0; diag "failure $k: $(tr '\n' ' ' <g/supervise/state)"; }
	# restarted after it: never failed before the 5th
	wait_until 30 running g $((k + 1)) || { ok=0; diag "no restart after failure $k"; }
	k=$((k + 1))
done
check "give-up 5: four failures restart" [ $ok = 1 ]
release g
check "give-up 5: failed after the 5th failure" wait_until 30 state_is g failed
same "give-up 5: failures=5" 5 "$(state_field g failures)"
same "give-up 5: failed_by=give-up" give-up "$(state_field g failed_by)"
same "give-up 5: exactly 5 starts" 5 "$(starts g)"
same "give-up 5: no start pending" "" "$(state_field g next_start)"
same "give-up 5: want down in state" down "$(state_field g want)"
# 0.76's svstat reads the 18-byte status: want d, normally up.
check "give-up 5: svstat says down, normally up" \
	sh -c 'svstat g | grep -q "^g: down [0-9]* seconds, normally up\$"'
check "give-up 5: svstat -k shows state=failed failed_by=give-up" \
	sh -c 'svstat -k g | grep -q " state=failed .*failed_by=give-up"'
expect_exit 103 "svwait -u on a failed service exits 103" svwait -u -t 30 g
same "svwait -u: says DIR failed" "svwait: g failed" "$(cat "$T/err")"
expect_exit 103 "svwait -r on a failed service exits 103" svwait -r -t 30 g
expect_exit 0 "svwait -d on a failed service: it is down" svwait -d -t 30 g
# svc -d keeps it failed; svc -u clears it and the count, and starts at once.
svc -d g
expect_exit 0 "svc -d: still failed (svwait -d)" svwait -d -t 30 g
same "svc -d: state still failed" failed "$(state_field g state)"
svc -u g
check "svc -u: starts at once" wait_until 30 running g 6
same "svc -u: failures=0" 0 "$(state_field g failures)"
same "svc -u: failed_by empty" "" "$(state_field g failed_by)"
expect_exit 0 "svc -u: svwait -u reaches up" svwait -u -t 30 g
# It counts from 0 again: four more failures restart, the fifth fails.
ok=1
k=1
while [ $k -le 4 ]; do
	crash_to g $k || ok=0
	wait_until 30 running g $((k + 6)) || ok=0
	k=$((k + 1))
done
release g
check "svc -u: counts from 0 again, failed after 5 more" wait_until 30 state_is g failed
same "svc -u: 10 starts in all" 10 "$(starts g)"
# svwait -u waiting while the service fails: 103 as it gives up.
svc -u g
wait_until 30 running g 11
# -r, which this service never reaches, is watching before the crashes
# (its supervise/ watch is set at start): 103 once state=failed.
svwait -r -t 60 g >"$T/w.out" 2>&1 &
wpid=$!
track $wpid
k=1
while [ $k -le 4 ]; do crash_to g $k; k=$((k + 1)); done
release g
wait $wpid
same "svwait -r: 103 when the service gives up while waiting" 103 "$?"
svc -dx g
wait_until 30 gone $SVPID

# ---- manual stops and starts never count ----
mkcrash m
echo 1 >m/give-up
start_sv m
wait_until 30 running m 1
n=1
for c in t k d; do
	svc -$c m
	[ $c = d ] && { wait_until 30 is_down m; svc -u m; }
	n=$((n + 1))
	wait_until 30 running m $n
done
same "manual: svc -t, -k, -d/-u are not failures" "0 up" \
	"$(state_field m failures) $(state_field m state)"
svc -dx m
wait_until 30 gone $SVPID

# ---- finish exiting 125 gives up at once; SUPERVISE_FAILURES ----
mkcrash f
printf '#!/bin/sh\necho "$SUPERVISE_FAILURES $1 $2" >>fin\n[ -e stop ] && exit 125\nexit 0\n' >f/finish
chmod +x f/finish
start_sv f
wait_until 30 running f 1
crash_to f 1
wait_until 30 running f 2
crash_to f 2
wait_until 30 running f 3
touch f/stop
release f
check "finish 125: failed" wait_until 30 state_is f failed
same "finish 125: failed_by=finish" finish "$(state_field f failed_by)"
same "finish: SUPERVISE_FAILURES counts this run" "1 1 0|2 1 0|3 1 0" "$(paste -sd'|' f/fin)"
check "finish: run never sees SUPERVISE_FAILURES" sh -c '! grep -q SUPERVISE_FAILURES /proc/$(cat f/pid)/environ 2>/dev/null'
rm f/stop
svc -u f
check "finish 125: svc -u clears it" wait_until 30 running f 4
same "finish 125: failed_by cleared" "" "$(state_field f failed_by)"
svc -dx f
wait_until 30 gone $SVPID

# ---- bad give-up values: warning, ignored, restarts go on ----
mkcrash b
start_sv b
k=1
ok=1
for v in 0 -3 three 99999999999999999999 1.5; do
	# read at the next start: written while this run waits on the gate
	echo "$v" >b/give-up
	crash_to b $k || ok=0
	wait_until 30 running b $((k + 1)) || { ok=0; diag "give-up $v: no restart"; }
	k=$((k + 1))
done
check "bad give-up: restarts go on" [ $ok = 1 ]
# each value was read at one start (the next after it was written)
nwarn=$(grep -c 'warning: b/give-up: bad value, ignored' b.err)
check "bad give-up: warned, ignored (got $nwarn)" [ "$nwarn" -ge 4 ]
svc -dx b
wait_until 30 gone $SVPID

done_testing
