#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan as PID 1 of a new pid namespace (a container's init): SIGTERM (and
# SIGINT) take every service down, the logger drains with no line lost,
# orphans are reaped, svscan exits 0 and nothing of the namespace survives.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

need_root
command -v unshare >/dev/null || skip_all "unshare not installed"
unshare --pid --fork --mount-proc true 2>/dev/null || skip_all "no pid namespaces here"

# ns_procs NS: host pids of the processes in pid namespace NS.
ns_procs() {
	for _p in /proc/[0-9]*; do
		[ "$(readlink "$_p/ns/pid" 2>/dev/null)" = "$1" ] && echo "${_p#/proc/}"
	done
}
# One readlink for all of /proc: a loop of one per process is slow on a
# loaded machine with many processes.
ns_empty() { ! readlink /proc/[0-9]*/ns/pid 2>/dev/null | grep -qxF "$1"; }
child_of() { _c=$(children "$1") && [ -n "$_c" ] && echo "$_c"; }

# run_pid1 NAME SIGNAL: a scan dir with a logged writer and a service that
# leaves an orphan behind; svscan as PID 1 gets SIGNAL.
run_pid1() {
	S=$T/$1
	W=$T/w.$1
	mkdir -p "$S"
	mkwriter "$S/a" "$W"
	mksvc "$S/orphaner" "sh -c 'sleep 300 &' ; exec sleep 300"
	# Grace 300 s: a slow machine cannot make anything need SIGKILL.
	unshare --pid --fork --mount-proc env PATH="$PATH" SVSCAN_GRACE=300 svscan "$S" 2>"$T/err.$1" &
	upid=$!
	track "$upid"
	wait_until 30 child_of "$upid" >/dev/null
	svpid=$(child_of "$upid")
	ns=$(readlink "/proc/$svpid/ns/pid")
	check "$1: svscan is PID 1 of its namespace" \
		grep -q '^NSpid:.*[[:space:]]1$' "/proc/$svpid/status"
	check "$1: lines logged" wait_until 30 log_has_lines "$S/a/log/main" 300
	wait_until 30 ran "$S/orphaner"
	# A "sleep 300" among svscan's own children (its supervises' are theirs).
	orphan_ppid() {
		for _p in $(children "$svpid"); do
			[ "$(tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null)" = "sleep 300 " ] && return 0
		done
		return 1
	}
	if wait_until 30 orphan_ppid; then
		pass "$1: orphan adopted by svscan"
	else
		fail "$1: orphan adopted by svscan"
		diag "svscan $svpid; in its namespace (pid ppid state cmdline):"
		for _p in $(ns_procs "$ns"); do
			diag "$_p $(awk '/^(PPid|State):/ { printf "%s ", $2 }' "/proc/$_p/status") $(tr '\0' ' ' <"/proc/$_p/cmdline")"
		done
		diag "orphaner: ran $(ran_count "$S/orphaner") times; $(svstat "$S/orphaner")"
	fi
	kill "-$2" "$svpid"
	wait_until 120 gone "$upid" || kill -KILL "$upid"
	wait "$upid"
	same "$1: svscan exits 0" 0 "$?"
	check "$1: no process of the namespace survives" wait_until 30 ns_empty "$ns"
	check "$1: every line written before shutdown is logged" log_complete "$S/a/log/main" "$W"
	log_complete "$S/a/log/main" "$W" || log_diag "$S/a/log/main" "$W"
	check "$1: logger finished its file cleanly" test -x "$S/a/log/main/current"
	if grep -q "did not stop in time" "$T/err.$1"; then
		fail "$1: nothing needed SIGKILL"
		diag "$(cat "$T/err.$1")"
	else
		pass "$1: nothing needed SIGKILL"
	fi
}

run_pid1 term TERM
run_pid1 int INT
done_testing
