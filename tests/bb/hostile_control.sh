#!/bin/sh
# SPDX-License-Identifier: ISC
# Hostile input on supervise/control: megabytes of random bytes, one huge
# write, a storm of every command at random, a writer that opens the fifo
# and never writes. supervise must keep working and obey the next valid
# command. Unknown bytes are ignored, as 0.76 ignores them.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99
mkdir s
printf '#!/bin/sh\necho $$ >pid\nexec sleep 300\n' >s/run
chmod +x s/run
start_sv s
p=$(svc_pid s)
check "up" test -n "$p"
letters=udopcxahitk12qw

# Random bytes without a single command letter: nothing may happen.
head -c 4194304 /dev/urandom | tr -d "$letters" >noise
diag "noise: $(wc -c <noise) bytes"
paused_is() { [ "$(status_byte s 16)" = "$1" ]; }
t0=$(date +%s%N)
cat noise >s/supervise/control
# p comes after the noise in the fifo: once the service is paused, every
# byte of the noise has been read.
svc -p s
check "4 MB of noise: read, then svc -p obeyed" wait_until 60 paused_is 1
diag "4 MB of noise and the p after it took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
svc -c s
# state is written after status: wait for it, then read either
wait_until 30 state_field_is s paused 0
check "4 MB of noise: supervise still runs" kill -0 "$SVPID"
svok s
same "4 MB of noise: svok" 0 $?
same "4 MB of noise: the service was left alone" "$p" "$(status_pid s)"
same "4 MB of noise: still want up, not paused" "up/0" "$(state_field s want)/$(state_field s paused)"

# The same bytes in one write(2) call.
dd if=noise of=s/supervise/control bs=8M count=1 iflag=fullblock 2>/dev/null
svc -p s
check "one huge write: read, then svc -p obeyed" wait_until 60 paused_is 1
svc -c s
same "one huge write: the service was left alone" "$p" "$(status_pid s)"
svc -t s
check "after the noise: svc -t gives a new pid" wait_until 30 sh -c "p2=\$(cat s/pid); [ \"\$p2\" != $p ] && [ \"\$(od -An -tu4 -j12 -N4 s/supervise/status | tr -d ' ')\" = \"\$p2\" ]"
p=$(svc_pid s)

# A writer that opens the fifo and never writes: supervise holds the fifo
# open for writing itself, so neither side ever blocks or sees EOF.
sleep 300 >s/supervise/control &
idle=$!
track $idle
svc -t s
check "with an idle writer holding the fifo: svc -t obeyed" wait_until 30 sh -c "[ \"\$(cat s/pid)\" != $p ]"
p=$(svc_pid s)
svc -p s
check "with an idle writer: svc -p obeyed" wait_until 30 paused_is 1
svc -c s
check "with an idle writer: svc -c obeyed" wait_until 30 paused_is 0
kill "$idle"
wait "$idle" 2>/dev/null
check "the idle writer went away: supervise still runs" kill -0 "$SVPID"

# A storm: a megabyte of random bytes with every command but x, as fast as
# the fifo takes them. The service is stopped, started, paused, signalled
# at random; supervise must survive it and then obey.
head -c 1048576 /dev/urandom | tr -d x >storm
cat storm >s/supervise/control
check "after the storm: supervise still runs" kill -0 "$SVPID"
svc -cu s
check "after the storm: svc -cu brings it up" wait_until 30 up_pid s
p=$(status_pid s)
svc -t s
check "after the storm: svc -t gives a new pid" wait_until 30 sh -c "[ -s s/pid ] && [ \"\$(cat s/pid)\" != $p ] && [ \"\$(od -An -tu4 -j12 -N4 s/supervise/status | tr -d ' ')\" = \"\$(cat s/pid)\" ]"
svc -dx s
check "after everything: svc -dx ends supervise" wait_until 30 gone "$SVPID"
wait "$SVPID"
same "supervise exits 0" 0 $?
same "no warnings from supervise" "" "$(nocg s.err)"
done_testing
