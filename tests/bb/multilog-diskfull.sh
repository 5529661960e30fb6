#!/bin/sh
# SPDX-License-Identifier: ISC
# Disk full for real, on a small tmpfs: multilog says "pausing" once, stops
# reading (the pipe pushes back), retries every 5 s, and once space is
# freed it writes everything, in order, dropping nothing.
. "$DT_SRCDIR/tests/bb/lib.sh"
need_root
cd "$T" || exit 99
mkdir mnt
mount -t tmpfs -o size=8m tmpfs mnt 2>/dev/null || skip_all "cannot mount a tmpfs here"
trap 'umount -l "$T/mnt" 2>/dev/null; _cleanup' EXIT

for impl in uring plain; do
	rm -rf mnt/* fifo
	mkfifo fifo
	exec 7<>fifo
	if [ $impl = plain ]; then export DTNG_NO_URING=1; fi
	spawn sh -c "exec multilog s65536 n100 ./mnt/d <fifo 7>&- 2>err"
	pid=$!
	unset DTNG_NO_URING
	wait_until 60 test -f mnt/d/current
	# Fill the disk; then more lines than the pipe (1 MiB) and our buffers hold.
	dd if=/dev/zero of=mnt/fill bs=4096 2>/dev/null
	seq 1 90000 | sed 's/$/ some text to make the line longer/' >lines
	cat lines >&7 &
	feeder=$!
	track $feeder
	wait_until 60 grep -q pausing err
	same "$impl: says so once" \
		"multilog: warning: unable to write to ./mnt/d/current, pausing: out of disk space" \
		"$(cat err)"
	check "$impl: the feeder is held back by the pipe" kill -0 $feeder
	rm -f mnt/fill
	wait_until 120 sh -c "! kill -0 $feeder"
	exec 7>&-
	wait_until 60 sh -c "! kill -0 $pid"
	wait $pid
	same "$impl: exit 0 after the outage" 0 $?
	check "$impl: nothing dropped, order kept" sh -c "cat mnt/d/@* mnt/d/current | cmp -s - lines"
	same "$impl: warned once, no more" 1 "$(grep -c pausing err)"
done
done_testing
