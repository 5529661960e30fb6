#!/bin/sh
# SPDX-License-Identifier: ISC
# Our supervise with daemontools' svc, svok and svstat, and daemontools'
# supervise's status file through our decoder: both ways, side by side.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

have_ref supervise && have_ref svc && have_ref svstat && have_ref svok ||
	skip_all "daemontools 0.76 (Debian package daemontools) is not installed"
DUMP="$DT_BUILDDIR/tests/bb/svstatus_dump"
cd "$T" || exit 99

norm() { sed -e 's/(pid [0-9]*)/(pid N)/' -e 's/ [0-9]* seconds/ S seconds/'; }

# ---- their svstat and svok read ours ----
mksvc s
start_sv s
p=$(svc_pid s)
same "svstat: up with our pid" "s: up (pid $p) S seconds" "$(/usr/bin/svstat s | norm | sed "s/(pid N)/(pid $p)/")"
expect_exit 0 "svok: 0 while our supervise runs" /usr/bin/svok s

# ---- their svc controls ours ----
/usr/bin/svc -h s
wait_until 30 has_line s "got HUP"
check "svc -h: HUP" has_line s "got HUP"
/usr/bin/svc -a s
wait_until 30 has_line s "got ALRM"
check "svc -a: ALRM" has_line s "got ALRM"
/usr/bin/svc -i s
wait_until 30 has_line s "got INT"
check "svc -i: INT" has_line s "got INT"
/usr/bin/svc -p s
wait_until 30 proc_state_is "$p" T
same "svc -p: stopped" T "$(proc_state "$p")"
wait_until 30 sh -c '/usr/bin/svstat s | grep -q paused'
same "svstat: paused" "s: up (pid N) S seconds, paused" "$(/usr/bin/svstat s | norm)"
/usr/bin/svc -c s
wait_until 30 proc_state_not "$p" T
check "svc -c: continues" test "$(proc_state "$p")" != T
/usr/bin/svc -t s
wait_until 30 sh -c "up_pid() { p=\$(od -An -tu1 -j12 -N4 s/supervise/status | awk '{ print \$1 + 256 * (\$2 + 256 * (\$3 + 256 * \$4)) }'); [ \"\$p\" != 0 ] && [ \"\$p\" != $p ]; }; up_pid"
check "svc -t: TERM and a new pid" test "$(status_pid s)" != "$p"
p=$(svc_pid s)
/usr/bin/svc -k s
wait_until 30 sh -c "[ \"\$(cat s/pid)\" != $p ]"
p=$(svc_pid s)
check "svc -k: restarted" test -n "$p"
/usr/bin/svc -o s
wait_until 30 status_byte_is s 17 0
same "svc -o: want 0" 0 "$(status_byte s 17)"
/usr/bin/svc -u s
/usr/bin/svc -d s
wait_until 30 is_down s
same "svc -d: svstat down" "s: down S seconds, normally up" "$(/usr/bin/svstat s | norm)"
/usr/bin/svc -u s
wait_until 30 up_pid s
check "svc -u: up again" up_pid s
touch s/down
same "svstat: normally down" "s: up (pid N) S seconds, normally down" "$(/usr/bin/svstat s | norm)"
/usr/bin/svc -d s
wait_until 30 is_down s
same "svstat: down, want nothing" "s: down S seconds" "$(/usr/bin/svstat s | norm)"
/usr/bin/svc -dx s
wait_until 30 gone $SVPID
check "svc -dx: our supervise exited" gone $SVPID
expect_exit 100 "svok: 100 once our supervise is gone" /usr/bin/svok s
same "svstat: not running" "s: supervise not running" "$(/usr/bin/svstat s)"

# ---- side by side: their supervise and ours, same svstat output ----
for who in ref ours; do
	mksvc "$who"
	touch "$who/down"
	if [ $who = ref ]; then start_sv ref /usr/bin/supervise; else start_sv ours; fi
	eval "sv_$who=\$SVPID"
done
for step in "" -u -p -c -d; do
	for who in ref ours; do
		[ -n "$step" ] && /usr/bin/svc $step "$who"
	done
	for who in ref ours; do
		case $step in
		-u|-p|-c) wait_until 30 up_pid "$who" ;;
		-d) wait_until 30 is_down "$who" ;;
		esac
	done
	[ "$step" = -p ] && for who in ref ours; do wait_until 30 status_byte_is "$who" 16 1; done
	[ "$step" = -c ] && for who in ref ours; do wait_until 30 status_byte_is "$who" 16 0; done
	same "svstat side by side after '${step:-start}'" \
		"$(/usr/bin/svstat ref | norm | sed 's/^ref/X/')" \
		"$(/usr/bin/svstat ours | norm | sed 's/^ours/X/')"
	same "status bytes 16-17 side by side after '${step:-start}'" \
		"$(od -An -tu1 -j16 -N2 ref/supervise/status)" \
		"$(od -An -tu1 -j16 -N2 ours/supervise/status)"
done

# ---- their status file through our decoder ----
/usr/bin/svc -u ref
wait_until 30 up_pid ref
rp=$(cat ref/pid)
track "$rp"
same "decoder: their up record" "pid=$rp paused=0 want=117" \
	"$("$DUMP" ref/supervise/status | sed 's/ unix=.*//')"
t=$("$DUMP" ref/supervise/status | sed 's/.*unix=//')
now=$(date +%s)
# written at the start a moment ago: a bound far beyond any load
check "decoder: their stamp is now-ish" test $((now - t)) -ge 0 -a $((now - t)) -le 600
/usr/bin/svc -p ref
wait_until 30 status_byte_is ref 16 1
same "decoder: their paused record" "pid=$rp paused=1 want=117" \
	"$("$DUMP" ref/supervise/status | sed 's/ unix=.*//')"
/usr/bin/svc -d ref
wait_until 30 is_down ref
same "decoder: their down record" "pid=0 paused=0 want=100" \
	"$("$DUMP" ref/supervise/status | sed 's/ unix=.*//')"
/usr/bin/svc -dx ref ours
wait_until 30 gone $sv_ref
wait_until 30 gone $sv_ours
check "both supervisors exited on -dx" gone $sv_ours

done_testing
