#!/bin/sh
# SPDX-License-Identifier: ISC
# svok: 0 when supervise runs, 100 when not (ENOENT/ENXIO), 111 otherwise,
# usage as 0.76; compared with Debian's svok case by case.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svhelp.sh"

cd "$T" || exit 99
mkdir -p nosup/supervise empty isdir/supervise/ok held/supervise
mkfifo nosup/supervise/ok held/supervise/ok
exec 5<>held/supervise/ok

# case CODE DESC ARGS...: our exit code and stderr, then 0.76's.
svok_case() {
	_code=$1 _desc=$2; shift 2
	expect_exit "$_code" "svok $_desc: exit $_code" svok "$@"
	if have_ref svok; then
		_ours=$(cat "$T/err")
		/usr/bin/svok "$@" 2>"$T/referr"
		same "svok $_desc: same exit code as 0.76" "$_code" "$?"
		same "svok $_desc: same message as 0.76" "$(cat "$T/referr")" "$_ours"
	fi
}

svok_case 0 "supervise running (ok has a reader)" held
svok_case 100 "fifo without reader" nosup
svok_case 100 "no supervise directory" empty
svok_case 111 "missing directory" missing
svok_case 111 "empty name" ""
svok_case 111 "ok is a directory" isdir
svok_case 100 "usage" 
svok_case 0 "extra arguments ignored" held extra
same "missing directory: message" "svok: fatal: unable to chdir to missing: file does not exist" \
	"$(svok missing 2>&1)"
same "usage message" "svok: usage: svok dir" "$(svok 2>&1)"

if have_ref supervise; then
	mk_service "$T/live"
	start_sup /usr/bin/supervise "$T/live"
	expect_exit 0 "svok with Debian's supervise running" svok "$T/live"
	svc -dx "$T/live"
	wait_until 30 gone "$sup_pid"
	expect_exit 100 "svok after it exited" svok "$T/live"
else
	skip "svok with Debian's supervise" "daemontools not installed"
fi
if our_supervise; then
	mk_service "$T/ours"
	start_sup "$DT_BINDIR/supervise" "$T/ours"
	expect_exit 0 "svok with our supervise running" svok "$T/ours"
	svc -dx "$T/ours"
	wait_until 30 gone "$sup_pid"
	expect_exit 100 "svok after ours exited" svok "$T/ours"
else
	no_supervise "svok with our supervise"
fi
done_testing
