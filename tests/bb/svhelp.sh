# SPDX-License-Identifier: ISC
# Helpers shared by the svc, svok, svstat and svwait tests; source after lib.sh.
# A test service records its pid in DIR/starts once its traps are set, and
# every signal it catches in DIR/sigs. Supervisors are started with their
# output in $T, so a leftover process never holds the TAP pipe open.

_svh_dirs=

# mk_service DIR: a service whose run script traps signals and writes markers.
mk_service() {
	mkdir -p "$1"
	cat >"$1/run" <<'RUN'
#!/bin/sh
sl=
for s in HUP ALRM INT USR1 USR2 QUIT WINCH CONT; do
	trap "echo $s >> sigs" $s
done
trap 'echo TERM >> sigs; kill $sl 2>/dev/null; exit 0' TERM
echo $$ >> starts
while :; do
	sleep 30 & sl=$!
	echo $sl >> sleeps
	wait $sl
	kill $sl 2>/dev/null
done
RUN
	chmod +x "$1/run"
	_svh_dirs="$_svh_dirs $1"
}

# Predicates for wait_until (its arguments are expanded once, so every
# changing value is read inside a function).
more_starts() { [ "$(nstarts "$1")" -gt "$2" ]; }
in_state() { [ "$(proc_state "$1")" = "$2" ]; }
status_up() { _sp=$(status_pid "$1"); [ -n "$_sp" ] && [ "$_sp" -gt 0 ]; }
nstarts() { if [ -f "$1/starts" ]; then wc -l <"$1/starts"; else echo 0; fi; }
svcpid() { tail -n 1 "$1/starts"; }
has_sig() { grep -qx "$2" "$1/sigs" 2>/dev/null; }
status_pid() { od -An -tu4 -j12 -N4 "$1/supervise/status" 2>/dev/null | tr -d ' '; }
status_down() { [ "$(status_pid "$1")" = 0 ]; }
# status_b DIR N: byte N of supervise/status (16 paused, 17 want).
status_b() { od -An -tu1 -j"$2" -N1 "$1/supervise/status" 2>/dev/null | tr -d ' '; }
status_b_is() { [ "$(status_b "$1" "$2")" = "$3" ]; }
# A marker for "nothing happened" checks: a command whose effect both
# supervises (0.76's and ours) record in status; once status shows it,
# every control byte sent before it has been handled. (Not the status
# file's inode: ext4 hands the two names of a rename back and forth.)
# mark_up DIR: p then c on a service that is up.
mark_up() {
	svc -p "$1" && wait_until 30 status_b_is "$1" 16 1 &&
		svc -c "$1" && wait_until 30 status_b_is "$1" 16 0
}

# start_sup SUPERVISE DIR: starts it (pid in $sup_pid) and waits until the
# service's traps are set.
start_sup() {
	_n0=$(nstarts "$2")
	# a shell starts background jobs with INT and QUIT ignored, and the
	# service could not trap them: restore the defaults
	env --default-signal=INT,QUIT "$1" "$2" >>"$T/supervise.log" 2>&1 &
	sup_pid=$!
	track $sup_pid
	wait_until 30 more_starts "$2" "$_n0"
}

# Our supervise is part of the build: a test that needs it and does not
# find it fails (with this message), it does not skip.
our_supervise() { [ -x "$DT_BINDIR/supervise" ]; }
no_supervise() { fail "$1: $DT_BINDIR/supervise is missing (not built?)"; }

# Takes every test service down and kills what its scripts left behind.
svh_cleanup() {
	for d in $_svh_dirs; do
		[ -p "$d/supervise/control" ] && svc -dx "$d" 2>/dev/null
	done
	# only processes still running in a test service's directory: a
	# recorded pid may have been reused by now
	for d in $_svh_dirs; do
		_real=$(cd "$d" 2>/dev/null && pwd -P) || continue
		for p in $(cat "$d/starts" "$d/sleeps" 2>/dev/null); do
			[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$_real" ] && kill "$p" 2>/dev/null
		done
	done
}
trap 'svh_cleanup; _cleanup' EXIT
