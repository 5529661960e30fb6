#!/bin/sh
# SPDX-License-Identifier: ISC
# svc: every flag, judged by what the service observes (its trapped
# signals, its process state in /proc), against Debian's supervise and, once
# built, ours; and 0.76's exit-code quirks, compared with Debian's svc.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svhelp.sh"

# Bytes svc writes to a control fifo that the test holds open itself.
sent_by() {
	mkdir -p "$T/fk/supervise"
	[ -p "$T/fk/supervise/control" ] || mkfifo "$T/fk/supervise/control"
	exec 5<>"$T/fk/supervise/control"
	(cd "$T" && "$@" fk) 2>/dev/null
	dd bs=256 count=1 iflag=nonblock <&5 2>/dev/null
	exec 5<&-
}

letters_case() {
	ours=$(sent_by svc "$@")
	if have_ref svc; then
		same "svc $* writes what 0.76 writes" "$(sent_by /usr/bin/svc "$@")" "$ours"
	fi
}

for args in "-u" "-dud" "-d -u -d" "-udopchaitkx" "-xx -x" "-tktk" "-h -a -h"; do
	# shellcheck disable=SC2086
	letters_case $args
done
same "svc with no flag writes nothing" "" "$(sent_by svc)"
same "svc -12qw writes 12qw" "12qw" "$(sent_by svc -12qw)"
same "svc -1 -w -1 -u drops repeats" "1wu" "$(sent_by svc -1 -w -1 -u)"
same "options stop at the first DIR" "u" "$(sent_by svc -u)"

# ---- quirks: exit codes and messages ----
mkdir -p "$T/nosup/supervise" "$T/nodir"
mkfifo "$T/nosup/supervise/control"
cd "$T" || exit 99
for case in "nosup" "nodir" "missing" "nosup missing nodir" ""; do
	# shellcheck disable=SC2086
	expect_exit 0 "svc -u $case exits 0" svc -u $case
	ours=$(cat "$T/err")
	if have_ref svc; then
		# shellcheck disable=SC2086
		/usr/bin/svc -u $case >/dev/null 2>"$T/referr"
		same "svc -u $case: 0.76's warnings" "$(cat "$T/referr")" "$ours"
	fi
done
same "not running: the 0.76 warning" \
	"svc: warning: unable to control nosup: supervise not running" \
	"$(svc -d nosup 2>&1)"
expect_exit 100 "illegal option: exit 100" svc -Z nosup
same "illegal option: first line as 0.76" "svc: illegal option -- Z" "$(head -n 1 "$T/err")"
expect_exit 100 "a dash inside a cluster is illegal" svc -u-d nosup
if have_ref svc; then
	/usr/bin/svc -u-d nosup 2>"$T/referr"
	same "-u-d: same first line as 0.76" "$(head -n 1 "$T/referr")" \
		"$(svc -u-d nosup 2>&1 | head -n 1)"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$T/noread" && chmod 0311 "$T/noread"
	(cd "$T/noread" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		svc -u /nonexistent 2>"$T/err"; echo $? >"$T/rc")
	same "unreadable cwd: exit 111" 111 "$(cat "$T/rc")"
	same "unreadable cwd: message" \
		"svc: fatal: unable to open current directory: access denied" "$(cat "$T/err")"
else
	skip "unreadable cwd: exit 111" "needs root and setpriv"
	skip "unreadable cwd: message" "needs root and setpriv"
fi

# ---- every flag, as the service sees it ----
flags_with() {
	sup=$1 tag=$2 d="$T/svc-$2"
	mk_service "$d"
	start_sup "$sup" "$d" || { fail "$tag: service starts"; return; }
	p=$(svcpid "$d")
	for f in h:HUP a:ALRM i:INT; do
		svc -"${f%%:*}" "$d"
		check "$tag: svc -${f%%:*} delivers ${f#*:}" wait_until 30 has_sig "$d" "${f#*:}"
	done
	svc -p "$d"
	check "$tag: svc -p stops the service" wait_until 30 in_state "$p" T
	check "$tag: svstat shows paused" wait_until 30 sh -c "svstat '$d' | grep -q ', paused'"
	svc -c "$d"
	check "$tag: svc -c continues it" wait_until 30 has_sig "$d" CONT
	check "$tag: not stopped any more" test "$(proc_state "$p")" != T
	if [ "$tag" = ours ]; then
		svc -12qw "$d"
		for s in USR1 USR2 QUIT WINCH; do
			check "$tag: svc delivers $s" wait_until 30 has_sig "$d" $s
		done
	else
		# 0.76 ignores unknown bytes; the h after them proves they were read
		: >"$d/sigs"
		svc -12qwh "$d"
		check "$tag: the byte after 1 2 q w still works" wait_until 30 has_sig "$d" HUP
		check "$tag: 0.76 ignores 1 2 q w" test "$(cat "$d/sigs")" = HUP
	fi
	n=$(nstarts "$d")
	svc -t "$d"
	check "$tag: svc -t delivers TERM" wait_until 30 has_sig "$d" TERM
	check "$tag: and the service restarts" wait_until 30 more_starts "$d" "$n"
	p=$(svcpid "$d") n=$(nstarts "$d")
	svc -k "$d"
	check "$tag: svc -k kills the service" wait_until 30 gone "$p"
	check "$tag: and it restarts" wait_until 30 more_starts "$d" "$n"
	p=$(svcpid "$d")
	: >"$d/sigs"
	svc -d "$d"
	check "$tag: svc -d sends TERM" wait_until 30 has_sig "$d" TERM
	check "$tag: the service is gone" wait_until 30 gone "$p"
	check "$tag: status says down" wait_until 30 status_down "$d"
	check "$tag: svstat says want down is met" \
		sh -c "svstat '$d' | grep -q ': down [0-9]* seconds, normally up\$'"
	n=$(nstarts "$d")
	svc -u "$d"
	check "$tag: svc -u starts it" wait_until 30 more_starts "$d" "$n"
	svc -d "$d"
	wait_until 30 status_down "$d"
	n=$(nstarts "$d")
	svc -o "$d"
	check "$tag: svc -o starts it once" wait_until 30 more_starts "$d" "$n"
	p=$(svcpid "$d")
	svc -k "$d"
	wait_until 30 status_down "$d"
	# A restart would come with the exit (0.76 sleeps 1 s in it, before
	# reading control again), so before the d sent now: once status says
	# want down (it said want nothing), the check is certain.
	svc -d "$d"
	check "$tag: a later svc -d handled" wait_until 30 status_b_is "$d" 17 100
	check "$tag: after -o and an exit it stays down" status_down "$d"
	check "$tag: svstat: down, no want up" \
		sh -c "svstat '$d' | grep -q ': down [0-9]* seconds, normally up\$'"
	svc -u "$d"
	wait_until 30 status_up "$d"
	svc -x "$d"
	check "$tag: svc -p and -c after the x handled" mark_up "$d"
	check "$tag: svc -x alone keeps supervise" alive "$sup_pid"
	svc -d "$d"
	check "$tag: -x then -d: supervise exits" wait_until 30 gone "$sup_pid"
	expect_exit 100 "$tag: svok says not running" svok "$d"
}

if have_ref supervise; then
	flags_with /usr/bin/supervise deb
else
	skip "flags against Debian's supervise" "daemontools not installed"
fi
if our_supervise; then
	flags_with "$DT_BINDIR/supervise" ours
else
	no_supervise "flags against our supervise"
fi
done_testing
