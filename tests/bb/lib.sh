# SPDX-License-Identifier: ISC
# Black-box test helpers (TAP). Source it first thing:  . "$DT_SRCDIR/tests/bb/lib.sh"
# Every test gets its own temp dir $T, removed at exit; processes started with
# spawn (or registered with track) are killed at exit: only those, never by name.
# Waiting is wait_until, which polls with a bound; never a bare sleep.

: "${DT_BINDIR:?DT_BINDIR must point at the built programs}"
: "${DT_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
PATH="$DT_BINDIR:$PATH"
export PATH
LC_ALL=C
export LC_ALL

_n=0
_failed=0
_pids=
T=$(mktemp -d "${TMPDIR:-/tmp}/dtng-test.XXXXXX") || exit 99
# Every supervise a test starts puts its cgroups under a private cgroup of
# the test's own (as root with cgroup v2), removed at exit even after a
# failure or a SIGKILLed supervise: no dtng-* directory is ever left behind.
. "$DT_SRCDIR/tests/bb/cglib.sh"
cg_private || :

_cleanup() {
	for p in $_pids; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $_pids; do
		kill -KILL "$p" 2>/dev/null
	done
	cg_cleanup
	[ -n "$DT_KEEP_TMP" ] || rm -rf "$T"
}
trap '_cleanup' EXIT
trap '_cleanup; exit 99' INT TERM HUP

track() { _pids="$_pids $*"; }
# spawn CMD...: start CMD in the background; its pid is in $!, tracked for cleanup.
spawn() { "$@" & track $!; }

pass() { _n=$((_n + 1)); echo "ok $_n - $*"; }
fail() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP ${2:-}"; }
diag() { echo "# $*" | sed '2,$s/^/# /'; }
skip_all() { echo "1..0 # SKIP $*"; trap - EXIT; cg_cleanup; rm -rf "$T"; exit 0; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; exit $?; }

# check DESC CMD...: passes when CMD exits 0.
check() {
	_d=$1; shift
	if "$@"; then pass "$_d"; else fail "$_d"; fi
}

# expect_exit CODE DESC CMD...: passes when CMD exits with CODE; its output
# is kept in $T/out (stdout) and $T/err (stderr).
expect_exit() {
	_c=$1 _d=$2; shift 2
	"$@" >"$T/out" 2>"$T/err"
	_r=$?
	if [ "$_r" = "$_c" ]; then pass "$_d"; else
		fail "$_d (exit $_r, wanted $_c)"; diag "stderr: $(cat "$T/err")"; fi
}

# same DESC EXPECTED ACTUAL: string comparison with a diagnostic.
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"; diag "wanted: $2"; diag "got:    $3"; fi
}

# wait_until SECONDS CMD...: polls CMD every 10 ms until it succeeds; 1 on timeout.
wait_until() {
	_limit=$1; shift
	_end=$(( $(date +%s%N) / 1000000 + $(echo "$_limit" | awk '{printf "%d", $1 * 1000}') ))
	while ! "$@" 2>/dev/null; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$_end" ] && return 1
		sleep 0.01
	done
	return 0
}

# proc_state PID: the state letter of /proc/PID/stat (S, T, Z ...); empty
# once there is no such process.
proc_state() { sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null; }
# RUNNABLE_AWK, over /proc/PID/stat: prints "alive" while the process can
# still run: not a zombie, not dead, not exiting (PF_EXITING, 0x4 in the
# flags, field 9: a killed process leaves its cgroup, which is what
# supervise waits for, a moment before it becomes a zombie). With
# -v start=T, only the process that started at T (field 22), not one that
# reuses its pid. One read of the file: a second one (status after stat)
# can come after the reap and read as life.
RUNNABLE_AWK='{ sub(/^.*\) /, ""); if ($1 != "Z" && $1 != "X" && int($7 / 4) % 2 == 0 && (start == "" || $20 == start)) print "alive" }'
# gone PID: the process has exited: no such process, or a zombie not yet
# reaped (by the test's shell, by supervise or late by init), or on its way
# there. The one "has it exited?" of the black-box tests.
# (No pid is no process: /proc//stat would be the system's /proc/stat.)
gone() {
	case $1 in '' | *[!0-9]*) return 0 ;; esac
	[ -z "$(awk "$RUNNABLE_AWK" "/proc/$1/stat" 2>/dev/null)" ]
}
alive() { ! gone "$1"; }

# The reference implementation, where installed (Debian's daemontools).
have_ref() { [ -x "/usr/bin/$1" ] && dpkg -S "/usr/bin/$1" 2>/dev/null | grep -q '^daemontools:'; }

# nocg FILE...: the files without supervise's one warning about running
# without a cgroup (a plain user, where cgroup v2 is not delegated): what
# a test compares with an exact message, on any machine.
nocg() {
	sed -e '/: one process group per service$/d' \
		-e '/: one process group per service, no cgroup$/d' "$@" 2>/dev/null
}
