#!/bin/sh
# SPDX-License-Identifier: ISC
# Fault: the log's filesystem fills up (a small tmpfs of our own), then
# space is freed, under svscan with a service writing numbered lines as
# fast as the pipe takes them. multilog pauses and retries every 5 s; the
# pipe pushes back on the service meanwhile; nothing may be lost.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"
. "$DT_SRCDIR/tests/bb/fault_lib.sh"
need_root
M=$T/mnt
mkdir "$M" || exit 99
mount -t tmpfs -o size=10m,mode=0755 tmpfs "$M" 2>/dev/null || skip_all "cannot mount a tmpfs here"
_stop_all() {
	_kill_writers
	for _p in $_svpids; do gone "$_p" || stop_svscan "$_p"; done
	umount -l "$M" 2>/dev/null
	_svscan_cleanup
}
trap '_stop_all' EXIT

S=$T/service
W=$T/w
L=$M/main
# 200,000 lines: about 2.6 MB through the pipe, more than any logger's
# buffers and a pipe it may enlarge can hold; 7.5 MB in the log with labels.
mknum "$S/a" "$W" -n 200000
printf '#!/bin/sh\nexec multilog t s1000000 n1000 %s\n' "$L" >"$S/a/log/run"
touch "$S/a/down"
start_svscan "$S"
check "multilog ready on the small filesystem" wait_until 30 test -f "$L/current"
logpid() { svstat "$S/a/log" | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }
ml=$(logpid)
dd if=/dev/zero of="$M/fill" bs=64k 2>/dev/null
same "the filesystem is full" 0 "$(df -P "$M" | awk 'NR == 2 { print $4 }')"

svc -u "$S/a"
check "multilog says it pauses" wait_until 30 grep -q 'pausing' "$T/err.svscan"
diag "$(grep -m1 pausing "$T/err.svscan")"
check "the pipe holds the writer back" [ ! -e "$W"/count.* ]
same "the same multilog is still up" "$ml" "$(logpid)"

rm -f "$M/fill"
# multilog retries every 5 s: within that (plus the writing) all is in.
check "every line written once space is back" wait_until 60 all_counted "$W"
check "the log caught up" wait_until 60 caught_up "$L" "$W"
r=$(numcheck "$L" "$W")
diag "$r"
same "no line lost, doubled, reordered or torn" "writers=1 nocount=0 lost=0 runs=0 tail=0 back=0 bad=0 elsewhere=0" "$r"
same "every line of the writer is there" 200000 "$(cat "$W"/count.*)"
diag "multilog said 'pausing' $(grep -c pausing "$T/err.svscan") time(s)"
done_testing
