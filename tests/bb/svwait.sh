#!/bin/sh
# SPDX-License-Identifier: ISC
# svwait: every goal, -a/-o, -t and each exit code, against a stand-in
# supervise (tests/bb/fakesv: holds the lock, writes state and status by
# rename, exits on demand), against Debian's supervise (status fallback),
# and against ours once built.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svhelp.sh"

FAKESV=${DT_BUILDDIR:-$DT_BINDIR/..}/tests/bb/fakesv
# fakesv is ours, built by make check: missing, the test fails (no skip).
if [ ! -x "$FAKESV" ]; then
	fail "the stand-in supervise $FAKESV is missing (not built?)"
	done_testing
fi
cd "$T" || exit 99

# fake DIR: starts a stand-in supervise on DIR (pid in $fake_pid).
fake() {
	mkdir -p "$1"
	: >"$1/fake.log"
	"$FAKESV" "$1" >>"$T/fake.err" 2>&1 &
	fake_pid=$!
	track $fake_pid
	wait_until 30 grep -q '^ready' "$1/fake.log"
}
# cmd DIR LINE: one command to the stand-in, waiting until it is applied.
cmd() {
	echo "$2" >"$1/fake.cmd"
	wait_until 30 grep -qx "$2" "$1/fake.log"
}
# bg ARGS...: svwait in the background; its pid lands in $bg_rc.pid and its
# exit code in $bg_rc (one file per run: a late waiter cannot confuse the
# next check).
_nbg=0
bg() {
	_nbg=$((_nbg + 1))
	bg_rc="$T/rc.$_nbg"
	(
		svwait "$@" 2>"$T/bgerr" &
		echo $! >"$bg_rc.pid"
		wait $!
		echo $? >"$bg_rc"
	) &
	track $!
	wait_until 30 test -s "$bg_rc.pid"
	track "$(cat "$bg_rc.pid")"
}
rc_is() { [ "$(cat "$bg_rc" 2>/dev/null)" = "$1" ]; }
running() { test ! -f "$bg_rc"; }
# The waiter is blocked in epoll_wait once its watches are all set.
# "running" checks after a change are bounded, not certain: svwait records
# nothing a test could wait for that would show it has looked at the change
# and gone on waiting. They can only pass wrongly (a waiter still on its
# way out), never fail wrongly, and each is followed by the event that
# must end the wait, checked for its exit code. Where
# the kernel hides wchan ("0"), holding a pidfd (taken after the DIR's
# watch) is the next best sign.
settled() {
	_sp=$(cat "$bg_rc.pid")
	case $(cat "/proc/$_sp/wchan" 2>/dev/null) in
	do_epoll_wait) return 0 ;;
	0 | "") ls -l "/proc/$_sp/fd" 2>/dev/null | grep -q pidfd ;;
	*) return 1 ;;
	esac
}

# ---- usage and start-up ----
expect_exit 100 "no DIR: usage" svwait
same "usage message" \
	"svwait: usage: svwait [-u|-d|-r|-x] [-a|-o] [-t SECONDS] DIR..." "$(cat "$T/err")"
expect_exit 100 "bad -t: usage" svwait -t abc a
expect_exit 100 "-t without value: usage" svwait -t
expect_exit 100 "unknown option: usage" svwait -k a
mkdir -p none/supervise bare
mkfifo none/supervise/ok
expect_exit 111 "-u without supervise: 111" svwait -u none
same "-u without supervise: message" \
	"svwait: fatal: unable to wait for none: supervise not running" "$(cat "$T/err")"
expect_exit 111 "-d without supervise dir: 111" svwait -d bare
expect_exit 111 "-r without supervise: 111" svwait -r none
expect_exit 111 "missing DIR: 111" svwait -x missing
expect_exit 0 "-x without supervise: at once" svwait -x none
expect_exit 0 "-x without supervise dir: at once" svwait -x -t 0 bare

# ---- already there counts at once ----
fake a
cmd a "state up 101"
cmd a "status 101 u"
expect_exit 0 "-u: already up" svwait -u -t 30 a
expect_exit 99 "-d: not down, -t 0.2 times out" svwait -d -t 0.2 a
expect_exit 99 "-t 0: one look" svwait -d -t 0 a
expect_exit 99 "-r: up is not ready" svwait -r -t 0.1 a
expect_exit 99 "-x: supervise runs" svwait -x -t 0.1 a

# ---- waiting for events ----
bg -d -t 60 a
wait_until 30 settled
check "-d: still waiting while up" running
cmd a "state stopping 101"
cmd a "state finishing 0"
cmd a "status 0 d"
check "-d: finishing is not down yet" running
cmd a "state down 0 d"
check "-d: reached on the state change" wait_until 30 rc_is 0

bg -r -t 60 a
wait_until 30 settled
cmd a "state up 102"
check "-r: up is not enough" running
cmd a "state ready 102"
check "-r: reached when ready" wait_until 30 rc_is 0

cmd a "state down 0"
cmd a "status 0 d"
bg -u -t 60 a
wait_until 30 settled
cmd a "state starting 103"
check "-u: reached on starting with a pid" wait_until 30 rc_is 0

# never takes the lock: only the stand-in holds it while svwait waits
bg -x -t 60 a
wait_until 30 settled
_w=$(cat "$bg_rc.pid")
check "svwait holds no lock" sh -c "! grep -q ' $_w ' /proc/locks"
check "svwait has no fd on supervise/lock" \
	sh -c "! ls -l /proc/$_w/fd | grep -q 'supervise/lock'"
echo exit >a/fake.cmd
check "-x: reached when supervise exits" wait_until 30 rc_is 0

# ---- 102: supervise exits while waiting ----
fake a
cmd a "state up 104"
bg -d -t 60 a
wait_until 30 settled
echo exit >a/fake.cmd
check "-d: supervise exits: 102" wait_until 30 rc_is 102
same "102: message" "svwait: fatal: unable to wait for a: supervise exited" "$(cat "$T/bgerr")"

# svc -dx: down first, then supervise leaves: that is reached, not lost
fake a
cmd a "state up 105"
bg -d -t 60 a
wait_until 30 settled
printf 'state down 0\nexit\n' >a/fake.cmd
check "-d: down then exit is reached" wait_until 30 rc_is 0

# ---- -a and -o ----
fake a; pa=$fake_pid
cmd a "state down 0"
fake b; pb=$fake_pid
cmd b "state down 0"
bg -u -t 60 a b
wait_until 30 settled
cmd a "state up 106"
check "-a: one of two is not enough" running
cmd b "state up 107"
check "-a: both up" wait_until 30 rc_is 0
cmd a "state down 0"
cmd b "state down 0"
bg -u -o -t 60 a b
wait_until 30 settled
cmd b "state up 108"
check "-o: one is enough" wait_until 30 rc_is 0
expect_exit 99 "-a with one not up: timeout" svwait -u -t 0.2 a b
cmd b "state down 0"
bg -u -a -t 60 a b
wait_until 30 settled
echo exit >b/fake.cmd
check "-a: one supervise gone: 102" wait_until 30 rc_is 102
fake b; pb=$fake_pid
cmd b "state down 0"
bg -u -o -t 60 a b
wait_until 30 settled
echo exit >a/fake.cmd
wait_until 30 gone $pa
check "-o: one gone, still waiting" running
echo exit >b/fake.cmd
check "-o: all gone: 102" wait_until 30 rc_is 102
expect_exit 0 "-x -a: all exited" svwait -x a b

# ---- 0.76 status fallback and stale state ----
fake c
cmd c "status 0 d"
expect_exit 99 "status only: -u waits" svwait -u -t 0.1 c
expect_exit 0 "status only: -d at once" svwait -d -t 30 c
expect_exit 99 "status only: -r never" svwait -r -t 0.1 c
bg -u -t 60 c
wait_until 30 settled
cmd c "status 109 u"
check "status only: -u on IN_MOVED_TO of status" wait_until 30 rc_is 0
cmd c "spid 1"
cmd c "state up 110"
cmd c "status 0 d"
expect_exit 0 "a state of another supervise is ignored: -d" svwait -d -t 30 c
expect_exit 99 "a state of another supervise is ignored: -u" svwait -u -t 0.1 c
echo exit >c/fake.cmd

# ---- Debian's supervise: status fallback, pidfd on the lock holder ----
if have_ref supervise; then
	mk_service "$T/deb"
	start_sup /usr/bin/supervise "$T/deb"
	expect_exit 0 "deb: -u at once" svwait -u -t 30 "$T/deb"
	svc -d "$T/deb"
	expect_exit 0 "deb: -d after svc -d" svwait -d -t 30 "$T/deb"
	bg -u -t 60 "$T/deb"
	wait_until 30 settled
	svc -u "$T/deb"
	check "deb: -u after svc -u" wait_until 30 rc_is 0
	bg -x -t 60 "$T/deb"
	wait_until 30 settled
	svc -dx "$T/deb"
	check "deb: -x after svc -dx" wait_until 30 rc_is 0
	check "deb: supervise is gone" gone "$sup_pid"
	start_sup /usr/bin/supervise "$T/deb"
	svc -d "$T/deb"
	wait_until 30 status_down "$T/deb"
	bg -u -t 60 "$T/deb"
	wait_until 30 settled
	kill -KILL "$sup_pid"
	check "deb: supervise killed while waiting for -u: 102" wait_until 30 rc_is 102
else
	skip "Debian's supervise" "daemontools not installed"
fi

# ---- our supervise, once built ----
if our_supervise; then
	mk_service "$T/ours"
	start_sup "$DT_BINDIR/supervise" "$T/ours"
	expect_exit 0 "ours: -u" svwait -u -t 30 "$T/ours"
	svc -d "$T/ours"
	expect_exit 0 "ours: -d" svwait -d -t 30 "$T/ours"
	svc -u "$T/ours"
	expect_exit 0 "ours: -u again" svwait -u -t 30 "$T/ours"
	svc -dx "$T/ours"
	expect_exit 0 "ours: -x after svc -dx" svwait -x -t 30 "$T/ours"
else
	no_supervise "svwait with our supervise"
fi
done_testing
