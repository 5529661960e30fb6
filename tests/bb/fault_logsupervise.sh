#!/bin/sh
# SPDX-License-Identifier: ISC
# Fault: kill -9 of the logger's supervise while the service writes
# numbered lines as fast as the pipe takes them. The orphaned multilog keeps
# reading the pipe and holding its directory's lock; svscan starts a new
# log supervise, whose multilog must not write beside it. Every line must
# be in the log once, in order.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"
. "$DT_SRCDIR/tests/bb/fault_lib.sh"

fault_setup
check "one logger before the fault" copies_are "$S/a/log" 1

old=$(sup_pid "$S/a/log")
orphan=$(copies "$S/a/log")
track_extra "$orphan"
# read by the next log supervise at its first start: a multilog of its
# own that cannot lock the directory waits 100 s before the next try, so
# the count of loggers below is final
echo "100 100 3600" >"$S/a/log/backoff"
kill -KILL "$old"
check "svscan starts a new log supervise" wait_until 30 sup_changed "$S/a/log" "$old"
n=$(log_bytes "$L")
check "lines still flow after the fault" wait_until 30 log_at_least "$L" $((n + 500000))
# Not a pause for the new multilog to start: the new supervise's state
# says what it did with the orphan.
check "the new log supervise took over (adopted, or started its own)" \
	wait_until 30 took_over "$S/a/log" "$orphan"
diag "the new log supervise: $(tr '\n' ' ' <"$S/a/log/supervise/state")"
one_copy "exactly one logger runs" "$S/a/log"
check "the orphaned multilog still runs" kill -0 "$orphan"
diag "loggers after the fault: $(copies "$S/a/log") (orphan $orphan)"
for p in $(copies "$S/a/log" | tr ',' ' '); do
	diag "logger $p: $(tr '\0' ' ' <"/proc/$p/cmdline") state $(awk '{print $3}' "/proc/$p/stat") wchan $(cat "/proc/$p/wchan" 2>/dev/null)"
done

diag "svscan's stderr: $(sort "$T/err.svscan" | uniq -c | head -5)"
touch "$W/stop"
check "every writer stopped and counted" wait_until 30 all_counted "$W"
check "the log caught up" wait_until 30 caught_up "$L" "$W"
r=$(numcheck "$L" "$W")
diag "$r"
same "no line lost, doubled, reordered or torn" "nocount=0 lost=0 runs=0 tail=0 back=0 bad=0 elsewhere=0" \
	"$(echo "$r" | cut -d' ' -f2-)"
check "one writer ran throughout" [ "$(numfield "$r" writers)" = 1 ]
done_testing
