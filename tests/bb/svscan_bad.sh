#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan and bad input: each problem gets a clear message on stderr and
# every other service keeps running.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
mkdir "$S"
mksvc "$S/good"
mkdir "$S/norun"
ln -s loop "$S/loop"
mksvc "$S/sp ace"
nl='
'
mksvc "$S/new${nl}line"
ln -s "$T/missing" "$S/dangling${nl}name"
start_svscan "$S"
check "good service runs" wait_until 30 ran "$S/good"
check "name with a space runs" wait_until 30 ran "$S/sp ace"
check "name with a newline runs" wait_until 30 ran "$S/new${nl}line"
check "directory without run gets a supervise" wait_until 30 has_sup "$S/norun"
check "symlink loop reported" wait_until 30 err_has "unable to stat loop: symbolic link loop"
check "a newline in a name cannot split a message" wait_until 30 \
	err_has 'unable to stat dangling\\nname: file does not exist'
# The run file arrives later: supervise retries, svscan did not give up.
mksvc "$T/run.tmp"
mv "$T/run.tmp/run" "$S/norun/run"
check "run added later: service starts" wait_until 30 ran "$S/norun"
# A problem makes svscan rescan every 5 s (as 0.76), so a dangling link
# that gets its target is started.
mksvc "$T/missing"
check "dangling symlink started once its target exists" wait_until 30 ran "$T/missing"
check "svscan still running" alive "$SVPID"
stop_svscan "$SVPID"
same "exit 0 on TERM" 0 "$SVRC"

# More services than the maximum (SVSCAN_MAX; 0.76's limit is 1000).
M=$T/max
mkdir "$M"
for i in 1 2 3 4 5; do mksvc "$M/s$i"; done
: >"$T/err.svscan"
start_svscan "$M" SVSCAN_MAX=3
check "SVSCAN_MAX=3: three supervises" wait_until 30 sups_are 3
# The problem makes svscan rescan every 5 s, and each scan says it again:
# count the services named, not the messages.
left_out() {
	sed -n 's/.*unable to start \(.*\): running too many services.*/\1/p' "$T/err.svscan" | sort -u
}
left_out_are() { [ "$(left_out | wc -l)" -ge "$1" ]; }
started() {
	_k=0
	for i in 1 2 3 4 5; do ran "$M/s$i" && _k=$((_k + 1)); done
	echo "$_k"
}
started_are() { [ "$(started)" -ge "$1" ]; }
check "SVSCAN_MAX=3: too many reported" wait_until 30 left_out_are 2
check "SVSCAN_MAX=3: three services run" wait_until 30 started_are 3
stop_svscan "$SVPID"
same "exit 0 on TERM" 0 "$SVRC"
# svscan has exited: nothing more can start or be reported.
same "SVSCAN_MAX=3: still three supervises' services, no more" 3 "$(started)"
same "SVSCAN_MAX=3: a message for each service left out, and only those" \
	"$(for i in 1 2 3 4 5; do ran "$M/s$i" || echo "s$i"; done)" "$(left_out)"

expect_exit 100 "SVSCAN_MAX=0 is a usage error" env SVSCAN_MAX=0 svscan "$M"
check "SVSCAN_MAX=0 message" grep -q "SVSCAN_MAX must be a number" "$T/err"
expect_exit 100 "SVSCAN_MAX=abc is a usage error" env SVSCAN_MAX=abc svscan "$M"
expect_exit 100 "SVSCAN_GRACE=x is a usage error" env SVSCAN_GRACE=x svscan "$M"

# supervise not on PATH: a message, and svscan keeps trying.
P=$T/nopath
mkdir "$P"
mksvc "$P/a"
env PATH=/nonexistent "$DT_BINDIR/svscan" "$P" 2>"$T/err.nopath" &
np=$!
_svpids="$_svpids $np"
nopath_msgs() {
	[ "$(grep -c "unable to start supervise a: file does not exist" "$T/err.nopath")" -ge "$1" ]
}
check "missing supervise reported" wait_until 30 nopath_msgs 1
# The second message comes from the retry (after 1 s or more).
check "svscan keeps trying without supervise" wait_until 30 nopath_msgs 2
check "svscan keeps running without supervise" alive "$np"
stop_svscan "$np"

# Unreadable directories: svscan runs as an unprivileged user.
# nobody must reach our programs: in a private build directory
# (dpkg-buildpackage's 0700 temp dir) svscan would find another supervise
# on PATH (Debian's 0.76, which never exits once its directory is gone).
unread_why=
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	unread_why="needs root and setpriv"
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$DT_BINDIR/supervise" 2>/dev/null; then
	unread_why="nobody cannot reach the build directory"
fi
if [ -n "$unread_why" ]; then
	for d in "unreadable scan directory reported" "scan directory readable again: started" \
		"unreadable service directory reported" "inotify watch set up once readable" \
		"unreadable service directory: other service runs"; do
		skip "$d" "$unread_why"
	done
else
	chmod 711 "$T"
	U=$T/unread
	mkdir "$U"
	mksvc "$U/ok"
	mksvc "$U/locked"
	chown -R nobody "$U"
	chmod 000 "$U/locked"
	chmod 300 "$U"
	: >"$T/err.svscan"
	start_svscan "$U" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env PATH="$PATH"
	check "unreadable scan directory reported" wait_until 30 \
		err_has "unable to read directory: access denied"
	chmod 755 "$U"
	check "scan directory readable again: started" wait_until 30 ran "$U/ok"
	check "unreadable service directory reported" wait_until 30 \
		err_has "unable to stat locked/log: access denied"
	check "unreadable service directory: other service runs" has_sup "$U/ok"
	mksvc "$U/later"
	chown -R nobody "$U/later"
	check "inotify watch set up once readable" wait_until 30 ran "$U/later"
	stop_svscan "$SVPID"
fi
done_testing
