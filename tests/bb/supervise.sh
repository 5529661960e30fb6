#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise: 0.76's command line, messages, files and lock.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99
REF=; have_ref supervise && REF=/usr/bin/supervise

expect_exit 100 "no argument: usage" supervise
same "usage text" "supervise: usage: supervise dir" "$(cat "$T/err")"
expect_exit 100 "two arguments: usage" supervise a b

expect_exit 111 "missing directory: exit 111" supervise "$T/nope"
same "missing directory: 0.76's message" \
	"supervise: fatal: unable to chdir to $T/nope: file does not exist" "$(cat "$T/err")"
if [ -n "$REF" ]; then
	$REF "$T/nope" 2>"$T/ref.err"
	same "missing directory: same text as daemontools" "$(cat "$T/ref.err")" \
		"$(supervise "$T/nope" 2>&1)"
fi

# A directory the user cannot write: supervise/ cannot be made, the lock
# cannot be opened. Run as nobody on a root-owned directory.
chmod 755 "$T"
mkdir "$T/ro" && chmod 755 "$T/ro"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
	expect_exit 111 "unwritable directory: exit 111" asnobody "$DT_BINDIR/supervise" "$T/ro"
	same "unwritable directory: message" \
		"supervise: fatal: unable to acquire $T/ro/supervise/lock: file does not exist" \
		"$(cat "$T/err")"
	if [ -n "$REF" ]; then
		asnobody $REF "$T/ro" 2>"$T/ref.err"
		same "unwritable directory: same text as daemontools" "$(cat "$T/ref.err")" \
			"$(cat "$T/err")"
	fi
	mkdir -p "$T/ro2/supervise" && chmod 755 "$T/ro2" "$T/ro2/supervise"
	expect_exit 111 "unwritable supervise/: exit 111" asnobody "$DT_BINDIR/supervise" "$T/ro2"
	same "unwritable supervise/: message" \
		"supervise: fatal: unable to acquire $T/ro2/supervise/lock: access denied" \
		"$(cat "$T/err")"
else
	skip "unwritable directory" "needs root and setpriv"
	skip "unwritable directory message" "needs root and setpriv"
	skip "unwritable supervise/" "needs root and setpriv"
	skip "unwritable supervise/ message" "needs root and setpriv"
fi

# The files 0.76 makes, with its modes.
mksvc s
start_sv s
p=$(svc_pid s)
check "service started" test -n "$p"
same "supervise/ mode" "drwx------" "$(stat -c %A s/supervise)"
same "lock mode" "-rw-------" "$(stat -c %A s/supervise/lock)"
same "control is a fifo 0600" "prw-------" "$(stat -c %A s/supervise/control)"
same "ok is a fifo 0600" "prw-------" "$(stat -c %A s/supervise/ok)"
same "status is 18 bytes" 18 "$(stat -c %s s/supervise/status)"
same "status: want up" 117 "$(status_byte s 17)"
same "status: not paused" 0 "$(status_byte s 16)"
check "no status.new left behind" test ! -e s/supervise/status.new
same "state: up" up "$(state_field s state)"
same "state: pid" "$p" "$(state_field s pid)"
same "state: supervise_pid" "$SVPID" "$(state_field s supervise_pid)"
if [ -n "$CG_PRIVATE" ]; then
	same "state: cgroup under SUPERVISE_CGROUP, named by the directory's device and inode" \
		"$CG_PRIVATE/dtng-$(stat -c %d-%i s)" "$(state_field s cgroup)"
	check "state: procs counts the service" test "$(state_field s procs)" -ge 1
	check "the service runs in the service/ leaf" \
		grep -qx "$p" "$CG_PRIVATE/dtng-$(stat -c %d-%i s)/service/cgroup.procs"
	check "supervise runs in the supervise/ leaf (moved once idle)" \
		wait_until 30 grep -qx "$SVPID" "$CG_PRIVATE/dtng-$(stat -c %d-%i s)/supervise/cgroup.procs"
else
	same "state: procs unknown without a cgroup" -1 "$(state_field s procs)"
	same "state: cgroup none without a cgroup" none "$(state_field s cgroup)"
	skip "the service runs in the service/ leaf" "not root or no cgroup v2"
	skip "supervise runs in the supervise/ leaf" "not root or no cgroup v2"
fi
same "run's argv[0] and cwd" "./run $T/s" \
	"$(tr '\0' ' ' </proc/$p/cmdline | awk '{print $2}') $(readlink /proc/$p/cwd)"
# The service inherits no descriptor of supervise's (lock, fifos, epoll).
same "service fds: only 0 1 2 (+ the sh's own)" "" \
	"$(ls -l /proc/$p/fd | grep -E 'supervise|eventpoll|signalfd|pidfd' || true)"

# A second supervise on the same directory refuses, as 0.76 does.
expect_exit 111 "second supervise refused" supervise s
same "lock message" "supervise: fatal: unable to acquire s/supervise/lock: temporary failure" \
	"$(cat "$T/err")"
if [ -n "$REF" ]; then
	$REF s 2>"$T/ref.err"
	same "lock message as daemontools" "$(cat "$T/ref.err")" "$(cat "$T/err")"
fi
same "service untouched by the refused start" "$p" "$(status_pid s)"

# svc -x without -d: supervise stays until the service ends, never restarts.
# The ALRM after the x, seen by the service, orders the check after
# supervise read the x.
svc_raw s xa
wait_until 30 has_line s "got ALRM"
check "x: supervise still there while up" kill -0 $SVPID
svc_raw s t
check "x: supervise exited when the service ended" wait_until 30 gone $SVPID
same "x: not restarted" 1 "$(starts s)"

# The down file: not started, 'u' starts it.
mksvc d
touch d/down
start_sv d
same "down file: status pid 0" 0 "$(status_pid d)"
same "down file: want down" 100 "$(status_byte d 17)"
same "down file: state down" down "$(state_field d state)"
same "down file: normally down" down "$(state_field d normally)"
check "down file: run not started" test ! -e d/log
svc_raw d u
check "down file: u starts it" wait_until 30 up_pid d
same "down file: started once, by the u" "start $(status_pid d)" "$(grep '^start ' d/log)"
svc_raw d dx
check "dx: supervise gone" wait_until 30 gone $SVPID

# Garbage on the control fifo: ignored, nothing breaks.
mksvc g
start_sv g
p=$(svc_pid g)
head -c 65536 /dev/urandom | tr -d 'uodxpcahitk12qw' >"$T/junk"
cat "$T/junk" >g/supervise/control
printf '\0\377\n\r zZ%%' >g/supervise/control
svc_raw g a
check "garbage: still obeys afterwards" wait_until 30 has_line g "got ALRM"
check "garbage: supervise alive" kill -0 $SVPID
same "garbage: same service process" "$p" "$(status_pid g)"
same "garbage: no restart" 1 "$(starts g)"

# The supervise symlink to a missing directory (Debian's 0.76 makes it).
mksvc l
ln -s "$T/l-state" l/supervise
start_sv l
check "dangling supervise symlink: target created" test -p "$T/l-state/control"
svc_raw l dx
wait_until 30 gone $SVPID

done_testing
