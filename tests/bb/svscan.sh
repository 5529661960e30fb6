#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan: starting services, inotify (symlink, rename), rescans on HUP/ALRM
# and without inotify, supervise restarts, subreaper, removal, overflow.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

# 0.76's message and exit code when the directory is missing.
expect_exit 111 "missing directory exits 111" svscan "$T/nonexistent"
same "missing directory message" \
	"svscan: fatal: unable to chdir to $T/nonexistent: file does not exist" "$(cat "$T/err")"
if have_ref svscan; then
	/usr/bin/svscan "$T/nonexistent" 2>"$T/err.ref"
	same "same exit code as daemontools" 111 "$?"
	same "same message as daemontools" "$(cat "$T/err.ref")" "$(cat "$T/err")"
else
	skip "same exit code as daemontools" "daemontools not installed"
	skip "same message as daemontools" "daemontools not installed"
fi

S=$T/service
mkdir "$S"
mksvc "$S/a"
mksvc "$S/.hidden"
echo not a service >"$S/file"
# SVSCAN_KEEP_REMOVED: the removal below checks 0.76's behaviour
# (svscan_remove.sh checks ours).
start_svscan "$S" SVSCAN_KEEP_REMOVED=1
check "existing service started" wait_until 30 ran "$S/a"
check "supervise runs in the service directory" has_sup "$S/a"
check "name with a dot skipped" no_sup "$S/.hidden"
same "one supervise only" 1 "$(count_sups)"

# The safety rescan is slow (60 s) while inotify watches a local directory
# and nothing is wrong, so a start within 30 s here comes from inotify.
mksvc "$T/b"
ln -s ../b "$S/b"
check "symlink added: started by inotify" wait_until 30 ran "$T/b"

mksvc "$T/c.tmp"
mv "$T/c.tmp" "$S/c"
check "directory renamed into place: started" wait_until 30 ran "$S/c"

ln -s ../b "$S/b2"
kill -HUP "$SVPID"
mksvc "$T/d"
ln -s ../d "$S/d"
check "a service linked after HUP started" wait_until 30 ran "$T/d"
same "two links to one directory: one supervise (dev, ino)" 4 "$(count_sups)"

# A supervise that dies is started again; its orphaned service is ours.
old=$(sup_pid "$S/a")
svcpid=$(children "$old")
kill -KILL "$old"
check "killed supervise restarted" wait_until 30 sup_changed "$S/a" "$old"
ppid=$(awk '/^PPid:/ { print $2 }' /proc/"$svcpid"/status 2>/dev/null)
same "orphaned service reparented to svscan (subreaper)" "$SVPID" "$ppid"
kill -TERM "$svcpid"
check "orphan reaped by svscan" wait_until 30 gone "$svcpid"

# HUP and ALRM rescan (0.76 dies on them). A change inotify cannot see:
# S/NAME links to T/NAME.l, a symlink (outside the scan directory) that is
# switched from a file to a service directory. Only a rescan finds it, and
# the safety rescan is 60 s away; and a start after the signal shows that
# svscan handled it and lived.
hidden_change() {
	: >"$T/$1.file"
	ln -s "$1.file" "$T/$1.l"
	ln -s "../$1.l" "$S/$1"
	# The scan for S/NAME (inotify) sees a plain file and skips it; the
	# later scan for S/NAME.mark orders after it.
	mksvc "$T/$1.mark"
	ln -s "../$1.mark" "$S/$1.mark"
	wait_until 30 ran "$T/$1.mark"
	mksvc "$T/$1"
	ln -s "$1" "$T/$1.l.new"
	mv -T "$T/$1.l.new" "$T/$1.l"
}
hidden_change alrm
kill -ALRM "$SVPID"
check "ALRM rescans" wait_until 30 ran "$T/alrm"
hidden_change hup
kill -HUP "$SVPID"
check "HUP rescans" wait_until 30 ran "$T/hup"
check "svscan survives HUP and ALRM" alive "$SVPID"

# With SVSCAN_KEEP_REMOVED=1 a removed service is left running, as in
# 0.76; svc -dx then ends it.
# The scan for S/e orders after the one that saw S/d gone.
rm "$S/d"
kill -HUP "$SVPID"
mksvc "$S/e"
check "scan after the removal" wait_until 30 ran "$S/e"
check "removed service keeps its supervise" has_sup "$T/d"
p=$(sup_pid "$T/d")
svc -dx "$T/d"
check "svc -dx ends the removed service's supervise" wait_until 30 gone "$p"
# svscan reaps it before the scan for S/f (its SIGCHLD came first).
mksvc "$S/f"
check "later scan" wait_until 30 ran "$S/f"
check "removed service not restarted" no_sup "$T/d"

# Overflow of the inotify queue: events are lost, svscan rescans.
max=$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 16384)
if [ "$max" -le 200000 ]; then
	n=$((max / 2 + 100))
	kill -STOP "$SVPID"
	seq "$n" | sed "s|^|$S/.f|" | xargs touch
	seq "$n" | sed "s|^|$S/.f|" | xargs rm -f
	mksvc "$S/after-overflow"
	kill -CONT "$SVPID"
	check "queue overflow reported" wait_until 30 err_has "inotify queue overflowed"
	check "service added during the overflow started" wait_until 30 ran "$S/after-overflow"
else
	skip "queue overflow reported" "max_queued_events is $max"
	skip "service added during the overflow started" "max_queued_events is $max"
fi

# Without inotify (test switch): the 5 s rescan of 0.76, and HUP at once.
S2=$T/noino
mkdir "$S2"
mksvc "$S2/x"
first=$SVPID
start_svscan "$S2" SVSCAN_NO_INOTIFY=1
check "SVSCAN_NO_INOTIFY: existing service started" wait_until 30 ran "$S2/x"
mksvc "$S2/y"
check "SVSCAN_NO_INOTIFY: new service found by the periodic rescan" wait_until 30 ran "$S2/y"
if err_has "unable to use inotify" || err_has "unable to watch"; then
	fail "no inotify warning with the switch"
else
	pass "no inotify warning with the switch"
fi

stop_svscan "$SVPID"
same "svscan without inotify exits 0 on TERM" 0 "$SVRC"
SVPID=$first
cpid=$(children "$(sup_pid "$S/c")")
stop_svscan "$first"
same "svscan exits 0 on TERM" 0 "$SVRC"
check "service taken down by TERM" wait_until 30 gone "$cpid"
done_testing
