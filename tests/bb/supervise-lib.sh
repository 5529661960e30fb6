# SPDX-License-Identifier: ISC
# Helpers shared by the supervise black-box tests (sourced after lib.sh).

# A service whose run script records what it receives: "start PID" when it
# starts, "got SIG" for every signal, and exits 0 on TERM. Its output goes
# to files so orphans never hold the test's TAP pipe.
mksvc() {
	mkdir -p "$1"
	cat >"$1/run" <<'EOS'
#!/bin/sh
exec >>out 2>&1
echo "start $$" >>log
echo $$ >pid
for s in HUP INT ALRM USR1 USR2 QUIT WINCH CONT; do trap "echo got $s >>log" $s; done
trap 'echo got TERM >>log; kill $child 2>/dev/null; exit 0' TERM
child=
while :; do
	if [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; then sleep 30 & child=$!; fi
	wait "$child"
done
EOS
	chmod +x "$1/run"
}

# start_sv DIR [PROGRAM]: supervise DIR in the background (SVPID), stderr
# in DIR.err, stdout in DIR.out (so no service can hold the TAP pipe open).
# INT and QUIT are reset: a background job of sh has them ignored, and an
# ignored signal cannot be trapped by the service.
start_sv() {
	env --default-signal=INT,QUIT "${2:-supervise}" "$1" >>"$1.out" 2>>"$1.err" </dev/null &
	SVPID=$!
	track $SVPID
	wait_until 30 test -p "$1/supervise/ok" && wait_until 30 test -s "$1/supervise/status" &&
		# ours writes supervise/state after status: wait for both
		{ [ -n "$2" ] || wait_until 30 test -s "$1/supervise/state"; }
}

# The pid in supervise/status (little-endian bytes 12..15), read byte-wise.
status_pid() {
	od -An -tu1 -j12 -N4 "$1/supervise/status" 2>/dev/null |
		awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'
}
status_byte() { od -An -tu1 -j"$2" -N1 "$1/supervise/status" | tr -d ' '; }
state_field() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
svc_raw() { printf '%s' "$2" >"$1/supervise/control"; }
# Predicates for wait_until (it expands its arguments once, so whatever
# changes is read inside a function).
state_is() { [ "$(state_field "$1" state)" = "$2" ]; }
state_field_is() { [ "$(state_field "$1" "$2")" = "$3" ]; }
status_byte_is() { [ "$(status_byte "$1" "$2")" = "$3" ]; }
proc_state_is() { [ "$(proc_state "$1")" = "$2" ]; }
proc_state_not() { [ -n "$(proc_state "$1")" ] && [ "$(proc_state "$1")" != "$2" ]; }
starts_are() { [ "$(starts "$1")" = "$2" ]; }

# Our supervise writes status, then state: where there is a state file, a
# change counts once state agrees, so a test may read either afterwards.
state_agrees() { [ ! -e "$1/supervise/state" ] || [ "$(state_field "$1" pid)" = "$2" ]; }
up_pid() {
	_up_p=$(status_pid "$1")
	[ -n "$_up_p" ] && [ "$_up_p" != 0 ] && [ "$(cat "$1/pid" 2>/dev/null)" = "$_up_p" ] &&
		state_agrees "$1" "$_up_p"
}
is_down() { [ "$(status_pid "$1")" = 0 ] && state_agrees "$1" 0; }
has_line() { grep -qx -- "$2" "$1/log" 2>/dev/null; }
starts() { awk '/^start /{ n++ } END { print n + 0 }' "$1/log" 2>/dev/null || echo 0; }
# The service's pid, once it is up and has written it; tracked, so the
# cleanup reaches a service its supervise did not take down.
svc_pid() { wait_until 30 up_pid "$1" && cat "$1/pid" && cat "$1/pid" >>"$T/services"; }
_svc_cleanup() {
	for _p in $(cat "$T/services" 2>/dev/null); do kill -KILL "$_p" 2>/dev/null; done
}
# Each test's supervise processes put their cgroups in a private root
# (lib.sh made it).
trap '_svc_cleanup; _cleanup; cg_cleanup' EXIT
trap '_svc_cleanup; _cleanup; cg_cleanup; exit 99' INT TERM HUP

# Nanoseconds between two TAI64N labels (@ + 16 + 8 hex digits).
label_diff_ns() {
	a=$(printf '%d' "0x$(echo "$1" | cut -c2-17)"); an=$(printf '%d' "0x$(echo "$1" | cut -c18-25)")
	b=$(printf '%d' "0x$(echo "$2" | cut -c2-17)"); bn=$(printf '%d' "0x$(echo "$2" | cut -c18-25)")
	echo $(( (b - a) * 1000000000 + bn - an ))
}
