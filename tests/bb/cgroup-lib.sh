# SPDX-License-Identifier: ISC
# Helpers of the cgroup black-box tests (sourced after lib.sh and cglib.sh).

# stateval DIR KEY: a field of DIR/supervise/state.
stateval() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
# field_is DIR KEY VALUE: for wait_until, which must re-read the file.
field_is() { [ "$(stateval "$1" "$2")" = "$3" ]; }
has_pid() { p=$(stateval "$1" pid); [ -n "$p" ] && [ "$p" != 0 ]; }
# gone PID: no such process, or only a zombie left (reaped late by init).
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
alive() { ! gone "$1"; }
# lines_are FILE N: FILE has N lines (re-read at each call, for wait_until).
lines_are() { [ "$(wc -l <"$1" 2>/dev/null | tr -d ' ')" = "$2" ]; }
# nprocs_is CGROUP N: N processes in CGROUP/service.
nprocs_is() { [ "$(wc -l <"$1/service/cgroup.procs" | tr -d ' ')" = "$2" ]; }

# A double-forked child in a session of its own that ignores TERM: the
# classic stray that 0.76 leaves behind. Its pid goes to stray.pid.
STRAY='( setsid sh -c '\''trap "" TERM; echo $$ >stray.pid; exec sleep 1000'\'' </dev/null >/dev/null 2>&1 & )'
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

# stop DIR PID: svc -dx and wait (bounded, generously: a KILLed supervise
# leaves its dtng-* cgroup behind) for supervise to exit.
stop() {
	svc -dx "$1" 2>/dev/null
	wait_until 60 gone "$2" || { diag "supervise $2 in $1 did not exit: killed"; kill -KILL "$2" 2>/dev/null; }
}

chmod 755 "$T"
