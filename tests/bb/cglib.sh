# SPDX-License-Identifier: ISC
# The black-box tests' cgroup helpers. lib.sh sources this file for every
# test; the bench scripts source it alone (the private root only).
#
# A private cgroup root for tests run as root. cg_private makes a cgroup of its own for this test under the
# test's cgroup v2 directory and exports SUPERVISE_CGROUP to it, so every
# supervise the test starts puts its dtng-* tree there; cg_cleanup (run
# at exit, also after a failure) kills what is left in it and removes it,
# so no test ever leaves a dtng-* directory in the real cgroup tree.
# Without root or cgroup v2, cg_private returns 1 and sets nothing.

CG_PRIVATE=${CG_PRIVATE:-}

# The directory of our own cgroup v2: the cgroup2 mount that shows the
# "0::" path of /proc/self/cgroup.
cg_self_dir() {
	_cgp=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$_cgp" ] || return 1
	awk -v p="$_cgp" '{
		for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup2") next
		r = $4
		if (r == "/") { print $5 (p == "/" ? "" : p); exit }
		if (index(p "/", r "/") == 1) { print $5 substr(p, length(r) + 1); exit }
	}' /proc/self/mountinfo | grep .
}

cg_private() {
	# Already made (lib.sh may do it for every test): keep it.
	[ -n "$CG_PRIVATE" ] && [ -d "$CG_PRIVATE" ] && return 0
	[ "$(id -u)" = 0 ] || return 1
	_cgd=$(cg_self_dir) || return 1
	CG_PRIVATE=$_cgd/test-${T##*/}
	if ! mkdir "$CG_PRIVATE" 2>/dev/null; then
		CG_PRIVATE=
		return 1
	fi
	SUPERVISE_CGROUP=$CG_PRIVATE
	export SUPERVISE_CGROUP
}

# rmdir, retried for 30 s or more: killed processes leave their cgroup a
# moment later (later still on a loaded machine), and rmdir says EBUSY
# until then. (Self-contained, so bench scripts can use this file without
# lib.sh.)
_cg_rmdir() {
	# Bounded by time, not by tries: under load each try (two execs) takes
	# far longer than its 10 ms sleep.
	_end=$(( $(date +%s) + 30 ))
	while [ -d "$1" ] && ! rmdir "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.01
	done
	return 0
}

# Everything below the private root is the test's: one cgroup.kill takes
# it all, then the directories go deepest first (a test may nest its own
# cgroups: svscan's dtng-svscan leaf inside a cgroup of the test's).
cg_cleanup() {
	[ -n "$CG_PRIVATE" ] && [ -d "$CG_PRIVATE" ] || return 0
	[ -f "$CG_PRIVATE/cgroup.kill" ] && echo 1 >"$CG_PRIVATE/cgroup.kill" 2>/dev/null
	for _l in $(find "$CG_PRIVATE" -depth -type d 2>/dev/null); do
		_cg_rmdir "$_l"
	done
}

# Helpers of the cgroup tests (cgroup*.sh).

# stateval DIR KEY: a field of DIR/supervise/state.
stateval() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
# field_is DIR KEY VALUE: for wait_until, which must re-read the file.
field_is() { [ "$(stateval "$1" "$2")" = "$3" ]; }
has_pid() { p=$(stateval "$1" pid); [ -n "$p" ] && [ "$p" != 0 ]; }
# lines_are FILE N: FILE has N lines (re-read at each call, for wait_until).
lines_are() { [ "$(wc -l <"$1" 2>/dev/null | tr -d ' ')" = "$2" ]; }
# nprocs_is CGROUP N: N processes in CGROUP/service.
nprocs_is() { [ "$(wc -l <"$1/service/cgroup.procs" | tr -d ' ')" = "$2" ]; }

# A double-forked child in a session of its own that ignores TERM: the
# classic stray that 0.76 leaves behind. Its pid goes to stray.pid, and
# before it its start time (field 22 of /proc/PID/stat) to stray.start, so
# that a check long after can tell the stray from a process that reuses its
# pid (pid_max is 32768 on the test machines: reused within seconds under load).
STRAY='( setsid sh -c '\''trap "" TERM; cut -d" " -f22 /proc/$$/stat >stray.start; echo $$ >stray.pid; exec sleep 1000'\'' </dev/null >/dev/null 2>&1 & )'
# The same, but left in the service's process group (what the fallback
# without cgroups can still catch).
PGSTRAY='sh -c '\''trap "" TERM; echo $$ >stray.pid; exec sleep 1000'\'' </dev/null >/dev/null 2>&1 &'

# mksvc DIR RUN-SCRIPT-BODY: a service directory, world-readable so a
# service running as nobody can read its own run.
mksvc() {
	mkdir -p "$1"
	chmod 755 "$1"
	printf '#!/bin/sh\n%s\n' "$2" >"$1/run"
	chmod 755 "$1/run"
}

# start DIR [ENV=VALUE...]: supervise DIR in the background, its stderr in
# DIR.err, stdout in DIR.out; the pid is in $sup.
start() {
	_dir=$1; shift
	env "$@" supervise "$_dir" >>"$_dir.out" 2>>"$_dir.err" </dev/null &
	sup=$!
	track "$sup"
}

# stop DIR PID (after lib.sh): svc -dx and wait (bounded, generously: a KILLed supervise
# leaves its dtng-* cgroup behind) for supervise to exit.
stop() {
	svc -dx "$1" 2>/dev/null
	wait_until 60 gone "$2" || { diag "supervise $2 in $1 did not exit: killed"; kill -KILL "$2" 2>/dev/null; }
}
