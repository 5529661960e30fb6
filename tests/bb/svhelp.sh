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
# proc_state PID: the state letter of /proc/PID/stat (S, T, Z ...).
proc_state() { sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
alive() { [ -d "/proc/$1" ] && [ "$(proc_state "$1")" != Z ]; }
dead() { ! alive "$1"; }
status_pid() { od -An -tu4 -j12 -N4 "$1/supervise/status" 2>/dev/null | tr -d ' '; }
status_down() { [ "$(status_pid "$1")" = 0 ]; }

# start_sup SUPERVISE DIR: starts it (pid in $sup_pid) and waits until the
# service's traps are set.
start_sup() {
	_n0=$(nstarts "$2")
	# a shell starts background jobs with INT and QUIT ignored, and the
	# service could not trap them: restore the defaults
	env --default-signal=INT,QUIT "$1" "$2" >>"$T/supervise.log" 2>&1 &
	sup_pid=$!
	track $sup_pid
	wait_until 10 more_starts "$2" "$_n0"
}

# Is $DT_BINDIR/supervise ours (it writes supervise/state)? Cached.
our_supervise() {
	if [ -z "$_svh_ours" ]; then
		_svh_ours=no
		if [ -x "$DT_BINDIR/supervise" ]; then
			mkdir -p "$T/probe"
			printf '#!/bin/sh\nexec sleep 30\n' >"$T/probe/run"
			chmod +x "$T/probe/run"
			"$DT_BINDIR/supervise" "$T/probe" >>"$T/supervise.log" 2>&1 &
			_p=$!
			track $_p
			wait_until 3 test -f "$T/probe/supervise/state" && _svh_ours=yes
			svc -dx "$T/probe" 2>/dev/null
			wait_until 5 dead $_p || kill $_p 2>/dev/null
		fi
	fi
	[ "$_svh_ours" = yes ]
}

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
