#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan's shutdown on SIGTERM (not as PID 1): services taken down, loggers
# drained to end of file with no line lost, a bounded grace period, exit 0.
# Where nothing may need SIGKILL the grace period is 300 s rather than the
# default 10 s, so that a slow machine cannot make the test see a KILL:
# svscan then exits only once every process stopped on TERM.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

# descendants PID: PID's children and theirs, recursively.
descendants() {
	for _c in $(children "$1"); do
		echo "$_c"
		descendants "$_c"
	done
}
# none_in DIR: no process has its working directory under DIR. One
# readlink for all of /proc: one per process is too slow on a loaded
# machine running hundreds of processes.
none_in() {
	readlink /proc/[0-9]*/cwd 2>/dev/null |
		awk -v d="$1/" 'index($0, d) == 1 { f = 1 } END { exit f }'
}
all_gone() {
	for _p in "$@"; do gone "$_p" || return 1; done
}

S=$T/service
W=$T/w
mkwriter "$S/a" "$W"
mkwriter "$S/b" "$T/wb"
mksvc "$S/plain"
mksvc "$S/down"
touch "$S/down/down"
start_svscan "$S" SVSCAN_GRACE=300
check "lines logged" wait_until 30 log_has_lines "$S/a/log/main" 200
check "all supervises up" wait_until 30 sups_are 6
# Every service and logger is running: b's lines reached its log, plain ran.
check "b logged too" wait_until 30 log_has_lines "$S/b/log/main" 1
check "plain ran" wait_until 30 ran "$S/plain"
procs=$(descendants "$SVPID")
check "processes under svscan: supervises, services, loggers" test "$(echo $procs | wc -w)" -ge 11
stop_svscan "$SVPID"
same "SIGTERM: exit 0" 0 "$SVRC"
check "every service, logger and supervise has exited" wait_until 30 all_gone $procs
check "no process left in the services" wait_until 30 none_in "$S"
check "no line lost (a)" log_complete "$S/a/log/main" "$W"
check "no line lost (b)" log_complete "$S/b/log/main" "$T/wb"
log_complete "$S/a/log/main" "$W" || log_diag "$S/a/log/main" "$W"
check "loggers finished their files cleanly" test -x "$S/a/log/main/current"
if grep -q "did not stop in time" "$T/err.svscan"; then
	fail "nothing needed SIGKILL"
	diag "$(cat "$T/err.svscan")"
else
	pass "nothing needed SIGKILL"
fi

# A service that ignores TERM: killed at the end of the grace period.
S2=$T/stubborn
mkdir "$S2"
# ran is written once TERM is ignored, so TERM cannot come before.
mkdir "$S2/deaf"
printf '#!/bin/sh\ntrap "" TERM\necho x >>ran\nexec sleep 300\n' >"$S2/deaf/run"
chmod +x "$S2/deaf/run"
: >"$T/err.svscan"
start_svscan "$S2" SVSCAN_GRACE=1
check "deaf service started" wait_until 30 ran "$S2/deaf"
procs=$(descendants "$SVPID")
stop_svscan "$SVPID"
same "grace period over: exit 0" 0 "$SVRC"
check "grace period over: reported" err_has "deaf did not stop in time: killing it"
check "grace period over: service killed" wait_until 30 all_gone $procs
check "grace period over: no process left" wait_until 30 none_in "$S2"

# TERM at once, while supervises are still starting: nothing is left behind.
S3=$T/early
mkdir "$S3"
for i in 1 2 3 4 5; do mksvc "$S3/s$i"; done
mkwriter "$S3/w" "$T/w3"
start_svscan "$S3" SVSCAN_GRACE=300
wait_until 30 sups_at_least 3
procs=$(descendants "$SVPID")
stop_svscan "$SVPID"
same "early TERM: exit 0" 0 "$SVRC"
check "early TERM: every supervise started has exited" wait_until 30 all_gone $procs
check "early TERM: no process left in the services" wait_until 30 none_in "$S3"
for d in "$S3"/s*; do
	[ -e "$d/supervise/status" ] || continue
	st=$(svstat "$d")
	case $st in
	*": up "*) fail "early TERM: $d down"; diag "$st" ;;
	*) pass "early TERM: $(basename "$d") not up" ;;
	esac
done
done_testing
