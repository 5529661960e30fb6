#!/bin/sh
# SPDX-License-Identifier: ISC
# svscanboot: generated from svscanboot.in with the scan directory and
# bindir fixed at build time; runs svscan with its errors in readproctitle.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

B=$DT_BINDIR/svscanboot
scandir=$(sed -n 's/^SCANDIR = //p' "$DT_BUILDDIR/Makefile")
bindir=$(sed -n 's/^bindir = //p' "$DT_BUILDDIR/Makefile")
prefix=$(sed -n 's/^prefix = //p' "$DT_BUILDDIR/Makefile")
exec_prefix=$(sed -n 's/^exec_prefix = //p' "$DT_BUILDDIR/Makefile")
bindir=$(echo "$bindir" | sed "s|\${exec_prefix}|$exec_prefix|; s|\${prefix}|$prefix|")
check "svscanboot built and executable" test -x "$B"
check "svscanboot is valid sh" sh -n "$B"
check "no placeholder left" sh -c '! grep -q "@[A-Za-z_]*@" "$1"' - "$B"
check "scan directory from configure ($scandir)" grep -q "svscan $scandir >&4 2>&4" "$B"
check "svc -dx of leftovers in the scan directory" grep -q "^svc -dx $scandir/\* $scandir/\*/log$" "$B"
check "bindir first in PATH ($bindir)" grep -q "^PATH=$bindir:/command:" "$B"
check "readproctitle with 400 dots of room" grep -q \
	"readproctitle service errors: \.\{400\} <" "$B"

# Run it for real on a private scan directory (never the system's).
S=$T/service
mkdir "$S"
mksvc "$S/a"
# With a grace period of 300 s, so that a slow machine cannot make svscan
# SIGKILL the service (which would leave its status saying up).
sed -e "s|@SCANDIR@|$S|g" -e "s|@bindir@|$DT_BINDIR|g" \
	-e 's|^exec env - PATH=$PATH svscan |exec env - PATH=$PATH SVSCAN_GRACE=300 svscan |' \
	"$DT_SRCDIR/src/svscanboot.in" >"$T/boot"
check "the test's copy has the long grace period" grep -q 'SVSCAN_GRACE=300 svscan ' "$T/boot"
chmod +x "$T/boot"
ln -s "$T/missing" "$S/broken"
"$T/boot" &
bootpid=$!
track "$bootpid"
# svscanboot execs svscan, so svscan keeps svscanboot's pid (the process
# that init or systemd signals).
find_svscan() {
	for c in "$bootpid" $(children "$bootpid"); do
		[ "$(cat /proc/"$c"/comm)" = svscan ] && { echo "$c"; return 0; }
	done
	return 1
}
has_svscan() { find_svscan >/dev/null; }
check "svscan started" wait_until 30 has_svscan
SVPID=$(find_svscan)
check "service started" wait_until 30 ran "$S/a"
title() {
	for c in $(children "$bootpid"); do
		tr '\0' ' ' <"/proc/$c/cmdline" | grep -q "unable to stat broken" && return 0
	done
	return 1
}
check "svscan's errors shown by readproctitle" wait_until 30 title
# (SVSCAN_GRACE=300 is the test copy's own addition.)
check "environment cleared (env -)" sh -c \
	'! tr "\0" "\n" <"/proc/$1/environ" | grep -qv -e "^PATH=" -e "^SVSCAN_GRACE=300\$"' - "$SVPID"
RPPID=
for c in $(children "$bootpid"); do
	[ "$(cat /proc/"$c"/comm 2>/dev/null)" = readproctitle ] && RPPID=$c
done
check "readproctitle runs beside svscan" test -n "$RPPID"
track $RPPID
kill -TERM "$SVPID"
check "svscanboot is svscan" test "$SVPID" = "$bootpid"
check "svscanboot ends on SIGTERM" wait_until 120 gone "$bootpid"
check "readproctitle ends with svscan" wait_until 30 gone "$RPPID"
check "service down" sh -c '! svstat "$1" | grep -q ": up "' - "$S/a"
done_testing
