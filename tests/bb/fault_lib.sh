# SPDX-License-Identifier: ISC
# Helpers for the fault-injection and load tests; source after lib.sh and
# svscan_lib.sh. A service here is tests/bb/numlines (numbered lines "PID N",
# each writer's last N recorded in W/count.PID once it stops), logged by
# whichever multilog is first on PATH, with timestamps, into SVCDIR/log/main.

NUMLINES=$DT_BUILDDIR/tests/bb/numlines
# numlines is ours, built by make check: missing, the test fails (no skip).
if [ ! -x "$NUMLINES" ]; then
	fail "tests/bb/numlines is missing ($NUMLINES: not built?)"
	done_testing
fi

# mknum SVCDIR W [NUMLINES OPTIONS...]: such a service (W: the writers'
# bookkeeping directory). Rotation at 4 MB keeps the rotation steps in
# play; n1000 keeps every rotated file, so nothing is aged out. ML_SCRIPT
# replaces the script's options before the directory.
mknum() {
	_d=$1 _w=$2
	shift 2
	mkdir -p "$_d/log" "$_w"
	printf '#!/bin/sh\nexec %s %s %s\n' "$NUMLINES" "$*" "$_w" >"$_d/run"
	printf '#!/bin/sh\nexec multilog %s ./main\n' "${ML_SCRIPT:-t s4000000 n1000}" >"$_d/log/run"
	chmod +x "$_d/run" "$_d/log/run"
}

# The log as one stream, oldest first. A file that does not end with a
# newline (a line torn by a crash) gets " TORN" appended, so its last line
# can never pass for a whole one; after each @...u file (the `current` a
# crashed multilog left) comes a line "@@CRASH".
numstream() {
	for _f in $(ls "$1" 2>/dev/null | grep '^@') current; do
		[ -f "$1/$_f" ] || continue
		cat "$1/$_f"
		[ -n "$(tail -c1 "$1/$_f")" ] && echo " TORN"
		case $_f in *.u) echo "@@CRASH" ;; esac
	done
}

# numcheck LOGDIR W: one line of verdicts over every writer that started:
#   writers=N nocount=N lost=N runs=N tail=N back=N bad=N elsewhere=N
# lost: lines missing inside a writer's sequence, in `runs` separate
# gaps; elsewhere: gaps that do not follow a crash of multilog (an @...u
# file); tail: lines a writer recorded as written that never reached the
# log; back: lines that repeat or go backwards (duplicates, reordering);
# bad: lines that are not "PID N" of a writer (torn by a crash).
numcheck() {
	numstream "$1" | awk -v w="$2" -v starts="$(ls "$2" | sed -n 's/^start\.//p' | tr '\n' ' ')" '
	BEGIN { np = split(starts, ps, " "); for (i = 1; i <= np; i++) known[ps[i]] = 1 }
	$0 == "@@CRASH" { crash = 1; next }
	{
		line = $0
		sub(/^@[0-9a-f]+ /, "", line)
		if (line !~ /^[0-9]+ [0-9]+$/) { bad++; next }
		split(line, f, " ")
		p = f[1]; n = f[2] + 0
		if (!(p in known)) { bad++; next }
		if (n == last[p] + 1) { last[p] = n; crash = 0; next }
		if (n > last[p] + 1) {
			lost += n - last[p] - 1; runs++; last[p] = n
			if (!crash) elsewhere++
			crash = 0
			next
		}
		back++
	}
	END {
		for (i = 1; i <= np; i++) {
			p = ps[i]
			k = -1
			if ((getline k < (w "/count." p)) <= 0) { nocount++; continue }
			if (k + 0 > last[p] + 0) tail += k - last[p]
		}
		printf "writers=%d nocount=%d lost=%d runs=%d tail=%d back=%d bad=%d elsewhere=%d\n",
			np, nocount, lost, runs, tail, back, bad, elsewhere
	}'
}

# numfield LINE KEY: the value of KEY in a numcheck line.
numfield() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Every writer that started has stopped and recorded its count.
all_counted() {
	for _s in "$1"/start.*; do
		[ -e "$_s" ] || return 1
		[ -e "$1/count.${_s##*.}" ] || return 1
	done
}
# The log holds each stopped writer's last line (nothing still in flight).
caught_up() { [ "$(numfield "$(numcheck "$1" "$2")" tail)" = 0 ]; }
# At least N bytes in the log (wc -c does not read regular files).
log_bytes() { wc -c "$1"/@* "$1"/current 2>/dev/null | awk 'END { print $1 + 0 }'; }
log_at_least() { [ "$(log_bytes "$1")" -ge "$2" ]; }

# copies DIR: processes running in DIR other than supervise itself (the
# service, or the logger for a log/ directory: multilog works from inside
# its log directory DIR/main at times), as "PID,PID...".
copies() {
	ls -l /proc/[0-9]*/cwd 2>/dev/null |
		awk -v a="$(readlink -f "$1")" '$NF == a || $NF == a "/main" { split($(NF - 2), f, "/"); print f[3] }' |
		while read -r _p; do
			_comm=$(cat "/proc/$_p/comm" 2>/dev/null) || continue
			[ "$_comm" = supervise ] || echo "$_p"
		done | paste -sd, -
}
ncopies() { _l=$(copies "$1"); echo "$_l" | tr ',' '\n' | grep -c .; }
copies_are() { [ "$(ncopies "$1")" = "$2" ]; }

# in_cgroup SVCDIR: the service's supervise says it runs the service in a
# cgroup of its own, so a new supervise can adopt a running service.
in_cgroup() {
	_cg=$(sed -n 's/^cgroup=//p' "$1/supervise/state" 2>/dev/null)
	[ -n "$_cg" ] && [ "$_cg" != none ]
}

# one_copy DESC DIR: exactly one copy runs. Without a cgroup there is no
# adoption yet (DESIGN.md section 4): a supervise started after its
# predecessor was killed starts a second copy. That is reported as a TODO
# until the cgroup work lands; with a cgroup it must hold.
one_copy() {
	_k=$(ncopies "$2")
	if [ "$_k" = 1 ]; then
		pass "$1"
	elif in_cgroup "$2"; then
		fail "$1 ($_k copies: $(copies "$2"))"
	else
		todo "$1 ($_k copies running: $(copies "$2"))" \
			"no cgroup, so no adoption: the new supervise started a second copy beside the orphan (DESIGN.md section 4)"
	fi
}

# todo DESC REASON: a known failure in code this test cannot change.
todo() { _n=$((_n + 1)); echo "not ok $_n - $1 # TODO $2"; }

# Our writers that are still alive (by the pids they recorded, checked by
# name so a recycled pid is never touched), killed at exit.
_kill_writers() {
	for _s in "$W"/start.*; do
		[ -e "$_s" ] || continue
		_p=${_s##*.}
		[ "$(cat "/proc/$_p/comm" 2>/dev/null)" = numlines ] && kill -KILL "$_p"
	done
}

# fault_setup: the scene every kill -9 test starts from: service a writing
# numbered lines in bursts through its logger under our svscan ($S, $W,
# $L set), the writers killed at exit, and lines flowing.
fault_setup() {
	trap '_kill_writers; _svscan_cleanup' EXIT
	S=$T/service
	W=$T/w
	L=$S/a/log/main
	mknum "$S/a" "$W" -b 10000 -p 40
	start_svscan "$S"
	check "lines flow" wait_until 30 log_at_least "$L" 500000
}

# fstate DIR KEY: a field of DIR's supervise/state.
fstate() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
# took_over DIR ORPHAN: the supervise svscan runs in DIR now has written
# its state and made its choice about the orphaned process ORPHAN: it
# adopted it, or its own copy failed and it sits in backoff (a backoff
# file of 100 s keeps it there), or its own copy runs (past exec, so it
# counts in copies). After this, ncopies is what it will stay.
took_over() {
	_np=$(sup_pid "$1") || return 1
	[ "$(fstate "$1" supervise_pid)" = "$_np" ] || return 1
	_sp=$(fstate "$1" pid)
	[ "$_sp" = "$2" ] && return 0
	[ "$(fstate "$1" state)" = backoff ] && return 0
	[ -n "$_sp" ] && [ "$_sp" != 0 ] && _c=$(cat "/proc/$_sp/comm" 2>/dev/null) &&
		[ "$_c" != supervise ]
}
