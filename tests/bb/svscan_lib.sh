# SPDX-License-Identifier: ISC
# Helpers for the svscan tests; source after lib.sh.
# start_svscan DIR [VAR=VALUE...]: svscan on DIR, stderr appended to $T/err.svscan,
# its pid in $SVPID. At exit every svscan still running gets SIGTERM and is
# waited for, so the services it started come down with it (a bare SIGKILL
# would leave supervise and services running).

# The grace period is 300 s unless given: on a slow machine the default 10 s
# could run out and SIGKILL what would have stopped on TERM.
_svpids=
start_svscan() {
	_d=$1
	shift
	env SVSCAN_GRACE=300 "$@" svscan "$_d" 2>>"$T/err.svscan" &
	SVPID=$!
	_svpids="$_svpids $SVPID"
}

# stop_svscan PID: SIGTERM, then waits for it (bounded: after 120 s it is
# killed, and $SVRC is then 137); its exit code in $SVRC.
stop_svscan() {
	kill -TERM "$1" 2>/dev/null
	if ! wait_until 120 gone "$1"; then
		diag "svscan $1 still running 120 s after SIGTERM: killed"
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1"
	SVRC=$?
}

_svscan_cleanup() {
	for _p in $_svpids; do
		gone "$_p" || stop_svscan "$_p"
	done
	for _p in $_svextra; do
		kill -KILL "$_p" 2>/dev/null
	done
	_cleanup
}
trap '_svscan_cleanup' EXIT

# track_extra PID...: killed at exit (processes our services left behind).
_svextra=
track_extra() { _svextra="$_svextra $*"; }

# mksvc DIR [BODY]: a service directory whose run appends a line to DIR/ran,
# then runs BODY (default: exec sleep 300).
mksvc() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho x >>ran\n%s\n' "${2:-exec sleep 300}" >"$1/run"
	chmod +x "$1/run"
}

ran() { [ -s "$1/ran" ]; }
# ran_n DIR N: DIR's run started at least N times.
ran_n() { [ "$(ran_count "$1")" -ge "$2" ]; }
ran_count() { if [ -e "$1/ran" ]; then wc -l <"$1/ran" | tr -d ' '; else echo 0; fi; }


# children PID: direct children of PID, one line.
children() { echo $(cat /proc/"$1"/task/*/children 2>/dev/null); }

# sup_pid DIR: pid of the supervise that svscan $SVPID runs in DIR.
sup_pid() {
	_want=$(readlink -f "$1")
	for _c in $(children "$SVPID"); do
		[ "$(cat /proc/"$_c"/comm 2>/dev/null)" = supervise ] || continue
		[ "$(readlink /proc/"$_c"/cwd)" = "$_want" ] && { echo "$_c"; return 0; }
	done
	return 1
}
# sup_changed DIR OLDPID: a supervise other than OLDPID runs in DIR.
sup_changed() { _p=$(sup_pid "$1") && [ "$_p" != "$2" ]; }
has_sup() { sup_pid "$1" >/dev/null; }
no_sup() { ! sup_pid "$1" >/dev/null; }
count_sups() {
	_n=0
	for _c in $(children "$SVPID"); do
		[ "$(cat /proc/"$_c"/comm 2>/dev/null)" = supervise ] && _n=$((_n + 1))
	done
	echo "$_n"
}
sups_are() { [ "$(count_sups)" = "$1" ]; }
sups_at_least() { [ "$(count_sups)" -ge "$1" ]; }
err_has() { grep -q -- "$1" "$T/err.svscan"; }

# mkwriter SVCDIR W: a service with a multilog logger (SVCDIR/log/main)
# whose writers number their lines "PID N", record their last N in
# W/count.PID after writing it, and stop writing (staying alive) once
# W/stop exists.
mkwriter() {
	mkdir -p "$1/log" "$2"
	cat >"$1/run" <<EOW
#!/bin/sh
i=0
while :; do
	[ -e $2/stop ] && exec sleep 300
	i=\$((i + 1))
	echo "\$\$ \$i"
	echo "\$i" >$2/count.\$\$
	[ \$((i % 20)) = 0 ] && sleep 0.02
done
EOW
	printf '#!/bin/sh\nexec multilog ./main\n' >"$1/log/run"
	chmod +x "$1/run" "$1/log/run"
}

# log_lines LOGDIR: lines logged so far (rotated files and current).
log_lines() { cat "$1"/@* "$1"/current 2>/dev/null | wc -l; }
log_has_lines() { [ "$(log_lines "$1")" -ge "$2" ]; }

# log_complete LOGDIR W: for every writer, its lines 1..N are all in the
# log exactly once, N at least the last count it recorded.
log_complete() {
	for _f in "$2"/count.*; do
		[ -e "$_f" ] || return 1
		_p=${_f##*.}
		_k=$(cat "$_f")
		cat "$1"/@* "$1"/current 2>/dev/null |
			awk -v p="$_p" -v k="$_k" '
				$1 == p { if (seen[$2]++) dup = 1; if ($2 > m) m = $2; c++ }
				END { exit !(m >= k && c == m && !dup) }' || return 1
	done
}
log_diag() {
	for _f in "$2"/count.*; do diag "$_f: $(cat "$_f")"; done
	diag "$(tail -3 "$1/current")"
}
