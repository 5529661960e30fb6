#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise's side of the dependency gate (DESIGN.md section 6): the test
# plays svscan by hand. With SUPERVISE_GATE=1 supervise obeys
# supervise/gate (names still waited for, one per line; written as
# gate.new + rename) and re-reads it on the byte G to supervise/control.
# Waiting: state=waiting, waiting_for=, 0.76's status "down, want up". A
# closed gate never stops run; an exit while it is closed is not a
# failure. The variable does not reach run; without it the file is
# ignored. No timing: each crash is released through a fifo, each poke is
# followed by svc -p, whose paused=1 in supervise/state says the G before
# it was handled (control bytes are handled in order), and every other wait
# is for a state that lasts until the test changes something.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99

# mkdep DIR: a run that records its start and environment, then waits for
# one line on DIR/crash and exits 1; every run a failure (healthy after
# 1 h), restarted 0.01 s after one.
mkdep() {
	mkdir -p "$1/supervise"
	mkfifo "$1/crash"
	printf '#!/bin/sh\necho "start $$" >>log\nenv >env.out\necho $$ >pid\nread x <crash\nexit 1\n' \
		>"$1/run"
	chmod +x "$1/run"
	echo "0.01 0.01 3600" >"$1/backoff"
}
# gate_file DIR NAME...: svscan's write of supervise/gate (none: open).
gate_file() {
	_g=$1; shift
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi >"$_g/supervise/gate.new"
	mv "$_g/supervise/gate.new" "$_g/supervise/gate"
}
# poke DIR: svscan's G, then a pause that tells when supervise has handled
# it; the pause is lifted before returning. Only while run runs: a service
# without a process records paused=0.
poke() {
	svc_raw "$1" Gp
	wait_until 30 state_field_is "$1" paused 1 && svc_raw "$1" c &&
		wait_until 30 state_field_is "$1" paused 0
}
# gate DIR NAME...: the file, then the poke.
gate() { gate_file "$@" && poke "$1"; }
failures_are() { [ "$(state_field "$1" failures)" = "$2" ]; }
running() { state_is "$1" up && up_pid "$1" && [ "$(starts "$1")" = "$2" ]; }
gated_sv() {
	SUPERVISE_GATE=1
	export SUPERVISE_GATE
	start_sv "$1"
	_r=$?
	unset SUPERVISE_GATE
	return $_r
}

# ---- waiting at the first start ----
mkdep w
gate_file w db cache
gated_sv w
check "closed at start: waiting" wait_until 30 state_is w waiting
same "waiting: waiting_for in the gate's order" "db,cache" "$(state_field w waiting_for)"
same "waiting: no start of run" 0 "$(starts w)"
same "waiting: starts=0" 0 "$(state_field w starts)"
same "waiting: want up" up "$(state_field w want)"
same "waiting: nothing due" "" "$(state_field w next_start)"
check "waiting: status pid 0" is_down w
same "waiting: status want u" 117 "$(status_byte w 17)"
check "waiting: svstat says down, normally up, want up (0.76's text)" \
	sh -c 'svstat w | grep -q "^w: down [0-9]* seconds, normally up, want up\$"'
check "waiting: svstat -k shows state and names" \
	sh -c 'svstat -k w | grep -q " state=waiting .* waiting_for=db,cache "'
expect_exit 99 "waiting: svwait -u times out" svwait -u -t 0.2 w

# ---- a new gate file, still closed: the names follow ----
gate_file w cache
svc_raw w G
check "a rewrite and G: waiting_for follows" wait_until 30 state_field_is w waiting_for cache
check "... still waiting" state_is w waiting

# ---- opening starts run ----
gate_file w
svc_raw w G
check "open: run starts" wait_until 30 running w 1
same "up: waiting_for empty" "" "$(state_field w waiting_for)"
check "run's environment was written" wait_until 30 test -s w/env.out
check "run does not see SUPERVISE_GATE" sh -c '! grep -q SUPERVISE_GATE w/env.out'
check "... but its environment is there" grep -q '^PATH=' w/env.out
p=$(cat w/pid)

# ---- a failure with the gate open counts as before ----
echo go >w/crash
check "open: a crash is a failure" wait_until 30 failures_are w 1
check "open: restarted after its backoff" wait_until 30 running w 2
p=$(cat w/pid)

# ---- closing never stops a running service ----
check "closing while up: the poke is handled" gate w db
check "closing while up: still up, same pid" running w 2
same "closing while up: the same process" "$p" "$(cat w/pid)"
check "closing while up: the process lives" alive "$p"

# ---- an exit while closed is not a failure: waiting, not backoff ----
echo go >w/crash
check "exit while closed: waiting" wait_until 30 state_is w waiting
same "exit while closed: failures unchanged" 1 "$(state_field w failures)"
same "exit while closed: waiting_for" db "$(state_field w waiting_for)"
same "exit while closed: no restart" 2 "$(starts w)"
same "exit while closed: nothing due" "" "$(state_field w next_start)"
same "exit while closed: last_exit" "exit 1" "$(state_field w last_exit)"
check "exit while closed: status pid 0" is_down w

# ---- svc -d and -u while waiting ----
svc -d w
check "svc -d while waiting: down" wait_until 30 state_is w down
same "svc -d while waiting: want down" down "$(state_field w want)"
svc -u w
check "svc -u while closed: waiting again" wait_until 30 state_is w waiting
same "svc -u while closed: no start" 2 "$(starts w)"

# ---- opening: run at once, failures as they were ----
gate_file w
svc_raw w G
check "open again: run starts" wait_until 30 running w 3
same "open again: failures unchanged" 1 "$(state_field w failures)"
svc -dx w
check "svc -dx: supervise exits" wait_until 30 gone "$SVPID"
same "gated: no message" "" "$(nocg w.err)"

# ---- without SUPERVISE_GATE=1 the file is ignored ----
mkdep h
gate_file h db
start_sv h
check "no SUPERVISE_GATE: a closed gate file is ignored, run starts" wait_until 30 running h 1
check "no SUPERVISE_GATE: G is ignored" gate h db
check "no SUPERVISE_GATE: still up" running h 1
svc -dx h
check "no SUPERVISE_GATE: supervise exits" wait_until 30 gone "$SVPID"

# SUPERVISE_GATE must be exactly 1.
mkdep y
gate_file y db
SUPERVISE_GATE=yes
export SUPERVISE_GATE
start_sv y
unset SUPERVISE_GATE
check "SUPERVISE_GATE=yes: not gated, run starts" wait_until 30 running y 1
svc -dx y
check "SUPERVISE_GATE=yes: supervise exits" wait_until 30 gone "$SVPID"

# ---- no gate file at all: open; a G is harmless ----
mkdep n
rm -f n/supervise/gate
gated_sv n
check "no gate file: run starts" wait_until 30 running n 1
check "no gate file: G handled" poke n
check "no gate file, G again: handled" poke n
check "no gate file: still up, one start" running n 1
same "no gate file: no message" "" "$(nocg n.err)"
svc -dx n
check "no gate file: supervise exits" wait_until 30 gone "$SVPID"

done_testing
