#!/bin/sh
# SPDX-License-Identifier: ISC
# Power loss on a loop-mounted ext4, shut down without flushing its journal
# (EXT4_IOC_SHUTDOWN, NOLOGFLUSH), then mounted again:
#  - every rotation that had finished is still there, name and bytes (the
#    directory fsync after each rotation is what makes this hold);
#  - no @....s file holds a torn line, even when the cut comes mid-rotation.
. "$DT_SRCDIR/tests/bb/lib.sh"
need_root
cd "$T" || exit 99
SHUT="$DT_BUILDDIR/tests/ext4_shutdown"
# Ours, built by make check: missing is a failure, not a skip.
[ -x "$SHUT" ] || { fail "test helper tests/ext4_shutdown built"; done_testing; }
command -v mkfs.ext4 >/dev/null || skip_all "mkfs.ext4 not installed (e2fsprogs)"
truncate -s 64M img
mkfs.ext4 -q -F img >/dev/null 2>&1 || skip_all "mkfs.ext4 failed"
mkdir mnt
mount -o loop img mnt 2>/dev/null || skip_all "loop devices unavailable"
umount mnt
trap 'umount "$T/mnt" 2>/dev/null; _cleanup' EXIT

GEN='BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789";
	while (length(p) < 400) p = p p;
	for (i = 1; n == 0 || i <= n; i++) printf "%d %s\n", i, substr(p, 1, 20 + i % 300) }'
export GEN
torn() { # prints .s files with a line that is not whole
	for f in $(ls mnt/d | grep '\.s$'); do
		awk 'BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789";
			while (length(p) < 400) p = p p }
			$0 != ($1 + 0) " " substr(p, 1, 20 + ($1 + 0) % 300) { print FILENAME; exit }' "mnt/d/$f"
	done
}
# idle: multilog has read line LAST and sleeps in poll(), which it only
# does with nothing left to do: it waits for every write, rotation and
# directory fsync before it sleeps (a poll that would not sleep shows no
# poll in wchan, and input still in the fifo keeps poll from sleeping).
idle() {
	grep -qs "^$1 " mnt/d/current mnt/d/@* &&
		[ "$(cut -d' ' -f3 "/proc/$pid/stat")" = S ] &&
		case $(cat "/proc/$pid/wchan") in *poll*) true ;; *) false ;; esac
}
snapshot() { (cd mnt/d && for f in $(ls | grep '\.s$'); do echo "$f $(cksum <"$f")"; done); }

round() { # round MODE: quiet (all input logged first) or busy (cut mid-flight)
	mount -o loop img mnt || return 1
	rm -rf mnt/d
	rm -f fifo
	mkfifo fifo
	exec 7<>fifo
	spawn sh -c "exec multilog s16384 n1000 ./mnt/d <fifo 7>&- 2>err"
	pid=$!
	# The feeder writes by name: it must not hold the fifo's read side.
	# Quiet: 6000 lines (about 70 rotations of 16 KiB); busy: no end.
	n=0
	[ "$1" = quiet ] && n=6000
	spawn sh -c 'exec awk -v n="$1" "$GEN" >fifo 7>&-' sh $n
	feeder=$!
	wait_until 60 sh -c '[ "$(ls mnt/d | grep -c "\.s$")" -ge 30 ]'
	if [ "$1" = quiet ]; then
		wait_until 60 idle $n || fail "power loss: multilog logged all input and went idle"
		snapshot >before
	fi
	"$SHUT" mnt || fail "ext4_shutdown $1"
	kill -9 $feeder $pid 2>/dev/null
	wait $pid 2>/dev/null
	exec 7>&-
	umount mnt
	mount -o loop img mnt
}

if round quiet; then
	snapshot >after
	check "power loss: 30 rotations or more had finished" [ "$(wc -l <before)" -ge 30 ]
	same "power loss: rotations finished before it are all there, same bytes" "" \
		"$(sort before >b; sort after >a; comm -23 b a)"
	same "power loss: no torn line in a .s file (quiet)" "" "$(torn)"
	umount mnt
	round busy
	same "power loss mid-flight: no torn line in a .s file" "" "$(torn)"
	check "power loss mid-flight: rotations survive" [ "$(ls mnt/d | grep -c '\.s$')" -ge 1 ]
	umount mnt
else
	skip "power loss" "loop mount failed"
fi
done_testing
