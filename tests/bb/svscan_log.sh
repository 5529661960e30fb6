#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan's log pipe: svscan keeps both ends, so no line is lost when the
# service, the logger, or either supervise restarts; a plain-file "log" is
# refused with a message.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
W=$T/w
mkwriter "$S/a" "$W"
L=$S/a/log/main
more_lines() { log_has_lines "$L" "$1"; }
lines() { log_lines "$L"; }
writers() { ls "$W" | grep -c '^count\.'; }
writers_are() { [ "$(writers)" -ge "$1" ]; }

start_svscan "$S"
check "logger receives the service's lines" wait_until 30 more_lines 50
check "one supervise for the service, one for its log" wait_until 30 sups_are 2

svc -t "$S/a"
check "service restarted" wait_until 30 writers_are 2
n=$(lines)
check "lines flow after the service restarted" wait_until 30 more_lines $((n + 50))

svc -t "$S/a/log"
n=$(lines)
check "lines flow after the logger restarted" wait_until 30 more_lines $((n + 50))

old=$(sup_pid "$S/a")
orphan=$(children "$old")
track_extra $orphan
kill -KILL "$old"
check "main supervise restarted after SIGKILL" wait_until 30 sup_changed "$S/a" "$old"
# With a cgroup of its own, the new supervise adopts the running service
# (one copy, same pid); without one (process-group fallback) it starts a
# new instance, as 0.76 does.
if grep -q '^cgroup=/' "$S/a/supervise/state" 2>/dev/null; then
	adopted() { grep -qx "pid=$orphan" "$S/a/supervise/state"; }
	check "the new supervise adopted the running service" wait_until 30 adopted
	check "still one instance writing" writers_are 2
	check "no third instance started" sh -c '[ "$(ls "$1" | grep -c "^count\.")" -eq 2 ]' - "$W"
else
	check "new service instance writes" wait_until 30 writers_are 3
fi
n=$(lines)
check "lines flow after the main supervise restarted" wait_until 30 more_lines $((n + 50))

oldlog=$(sup_pid "$S/a/log")
track_extra $(children "$oldlog")
kill -KILL "$oldlog"
check "log supervise restarted after SIGKILL" wait_until 30 sup_changed "$S/a/log" "$oldlog"
n=$(lines)
check "lines flow after the log supervise restarted" wait_until 30 more_lines $((n + 50))

# Stop the writers, then every line each one wrote must be in the log.
touch "$W/stop"
check "no line lost or doubled across all four restarts" wait_until 30 log_complete "$L" "$W"
log_complete "$L" "$W" || log_diag "$L" "$W"

# A plain file named log: a message, and the service runs without a logger.
mksvc "$T/b"
echo oops >"$T/b/log"
ln -s ../b "$S/b"
check "service with a plain-file log started" wait_until 30 ran "$T/b"
check "plain-file log reported" err_has "b/log is not a directory"
check "no supervise for a plain-file log" no_sup "$T/b/log"

stop_svscan "$SVPID"
same "svscan exits 0 on TERM" 0 "$SVRC"
done_testing
