#!/bin/sh
# SPDX-License-Identifier: ISC
# A user other than the service's owner cannot control it: supervise/ is
# 0700 and its fifos 0600, so svc only warns (and exits 0, as 0.76's
# does), svok and svwait fail with "access denied", svstat says so, a
# second supervise cannot take the lock, and the service runs on
# untouched. Side by side with Debian's 0.76 supervise where installed.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"
need_root
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
chmod 755 "$T" || exit 99
cd "$T" || exit 99
nobody() { setuidgid nobody "$@"; }
nobody svok >/dev/null 2>&1
[ $? = 100 ] || skip_all "nobody cannot run the built programs here"

mkdir ours ref
for d in ours ref; do
	printf '#!/bin/sh\necho $$ >pid\nexec sleep 300\n' >$d/run
	chmod 755 $d $d/run
done
start_sv ours
impls=ours
if have_ref supervise; then
	start_sv ref /usr/bin/supervise
	impls="ours ref"
fi

for d in $impls; do
	p=$(svc_pid $d)
	same "$d: supervise/ is 0700, control and ok 0600, lock 0600" "700 600 600 600" \
		"$(cd $d/supervise && stat -c %a . control ok lock | tr '\n' ' ' | sed 's/ $//')"
	expect_exit 0 "$d: svc -dx as nobody exits 0 (a warning only, as 0.76)" nobody svc -dx $d
	same "$d: svc says access denied" "svc: warning: unable to control $d: access denied" "$(cat "$T/err")"
	nobody svc -k $d 2>/dev/null
	expect_exit 111 "$d: svok as nobody fails" nobody svok $d
	same "$d: svok says access denied" "svok: fatal: unable to open $d/supervise/ok: access denied" "$(cat "$T/err")"
	expect_exit 0 "$d: svstat as nobody" nobody svstat $d
	same "$d: svstat says it cannot look" "$d: unable to open supervise/ok: access denied" "$(cat "$T/out")"
	expect_exit 111 "$d: a second supervise as nobody cannot take the lock" nobody supervise $d
	same "$d: supervise says access denied" "supervise: fatal: unable to acquire $d/supervise/lock: access denied" "$(cat "$T/err")"
	expect_exit 111 "$d: svwait as nobody fails" nobody svwait -d -t 1 $d
	check "$d: svwait says access denied" grep -q 'access denied' "$T/err"
	check "$d: nobody cannot write control directly" sh -c "! setuidgid nobody sh -c 'echo x >$d/supervise/control' 2>/dev/null"
	# The same things as root work: the service was never touched.
	svok $d
	same "$d: root's svok: running" 0 $?
	same "$d: the service runs on, same pid" "$p" "$(status_pid $d)"
	check "$d: and it is alive" kill -0 "$p"
done
if [ "$impls" = ours ]; then skip "Debian's 0.76 side by side" "daemontools not installed"; fi
for d in $impls; do svc -dx $d; done
check "root's svc -dx is obeyed" wait_until 30 gone "$SVPID"
done_testing
