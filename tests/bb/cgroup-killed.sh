#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise and svscan started from a cgroup that has seen cgroup.kill (as a
# service manager leaves the cgroup it restarts svscan in). On the kernels
# tested the kill sequence of a CLONE_INTO_CGROUP child is taken from the
# spawner's cgroup, so before the fix every first start died at birth with
# SIGKILL (failures=1, last_exit=signal 9). Certain: each case waits for
# the service's own pid file to match supervise/status (durable), then reads
# what supervise/state recorded about the starts before it.
. "$DT_SRCDIR/tests/bb/lib.sh"

need_root
cg_private || skip_all "cannot make a private cgroup v2 directory here (no cgroup v2)"
trap '_cleanup; cg_cleanup' EXIT
trap '_cleanup; cg_cleanup; exit 99' INT TERM HUP
# Services run as nobody read their own run scripts.
chmod 755 "$T"
cd "$T" || exit 99

# killed_cgroup NAME: a cgroup under the private root that held a process
# and was emptied by cgroup.kill, as systemd does on `systemctl restart`.
killed_cgroup() {
	k=$CG_PRIVATE/$1
	mkdir "$k" || return 1
	# In a subshell: not our child, so the shell reports no "Killed".
	kp=$( (sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 1000' sh "$k" \
		</dev/null >/dev/null 2>&1 & echo $!) )
	track "$kp"
	wait_until 30 grep -qx "$kp" "$k/cgroup.procs" || return 1
	echo 1 >"$k/cgroup.kill" || return 1
	wait_until 30 grep -qx 'populated 0' "$k/cgroup.events"
}

# A service that records each start (in log) and its pid.
mkrun() {
	mksvc "$1" 'echo "start $$" >>log
echo $$ >pid
exec sleep 1000'
}
up_pid() {
	p=$(status_pid "$1")
	[ -n "$p" ] && [ "$p" != 0 ] && [ "$(cat "$1/pid" 2>/dev/null)" = "$p" ]
}
status_pid() {
	od -An -tu1 -j12 -N4 "$1/supervise/status" 2>/dev/null |
		awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'
}
starts() { grep -c '^start ' "$1/log" 2>/dev/null || echo 0; }

killed_cgroup k1 || { fail "a cgroup emptied by cgroup.kill"; done_testing; }
pass "a cgroup emptied by cgroup.kill"

# ---- supervise started by hand inside it
mkrun s
sh -c 'echo $$ >"$1/cgroup.procs"; exec supervise s' sh "$CG_PRIVATE/k1" \
	>s.out 2>s.err </dev/null &
sup=$!
track $sup
check "supervise: the service comes up" wait_until 30 up_pid s
same "supervise: first start not killed (failures)" 0 "$(stateval s failures)"
same "supervise: no last_exit" none "$(stateval s last_exit)"
same "supervise: one start" 1 "$(starts s)"
same "supervise: no message" "" "$(cat s.err)"
cg=$(stateval s cgroup)
check "supervise: run is in service/" grep -qx "$(cat s/pid)" "$cg/service/cgroup.procs"
check "supervise: supervise moved into supervise/" \
	wait_until 30 grep -qx "$sup" "$cg/supervise/cgroup.procs"
# Restarts after the move are born normally too.
old=$(cat s/pid)
svc -t s
check "supervise: restarted after svc -t" wait_until 30 sh -c \
	"[ \"\$(cat s/pid)\" != $old ] && [ \$(grep -c '^start ' s/log) = 2 ]"
check "supervise: the restart is up" wait_until 30 up_pid s
same "supervise: still no failure" 0 "$(stateval s failures)"
svc -dx s
check "supervise: exits after svc -dx" wait_until 30 gone "$sup"

# ---- svscan started inside it (supervise in a fork of svscan)
killed_cgroup k2 || fail "a second killed cgroup"
mkdir scan
mkrun a
mkrun b
ln -s "$T/a" scan/a
ln -s "$T/b" scan/b
sh -c 'echo $$ >"$1/cgroup.procs"; exec svscan scan' sh "$CG_PRIVATE/k2" \
	>scan.out 2>scan.err </dev/null &
scanpid=$!
track $scanpid
for x in a b; do
	check "svscan: $x comes up" wait_until 30 up_pid $x
	same "svscan: $x first start not killed (failures)" 0 "$(stateval $x failures)"
	same "svscan: $x no last_exit" none "$(stateval $x last_exit)"
	same "svscan: $x one start" 1 "$(starts $x)"
	track "$(cat $x/pid)"
done
kill -TERM $scanpid
check "svscan: exits on SIGTERM" wait_until 60 gone $scanpid

done_testing
