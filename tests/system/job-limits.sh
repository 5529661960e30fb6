# SPDX-License-Identifier: ISC
# Job 2 (issue 15): the limit files acting for real, with svscan started
# by the shipped unit (and then by hand in a scope of its own): memory.max
# OOM-kills inside the service's cgroup and supervise restarts it; pids.max
# holds a fork loop; cpu.max caps a busy loop (the share is measured from
# cpu.stat); io.weight and memory.high are written and read back; a
# service's cgroup is removed when its supervise exits.
. /job/lib.sh

mksvc() { # DIR BODY: a service whose run counts its starts in DIR/starts
	mkdir -p "$1"
	printf '#!/bin/sh\necho start >>starts\n%s\n' "$2" >"$1/run"
	chmod +x "$1/run"
}
starts() { [ "$(wc -l <"$1/starts" 2>/dev/null || echo 0)" -ge "$2" ]; }
cgfile() { cat "$(stateval "$1" cgroup)/service/$2"; }
kv() { sed -n "s/^$2 //p" "$1"; } # FILE KEY: value of a "key value" line

install_pkgs
ucg=$(unit_cg)
check "svscan sits in svscan.service/dtng-svscan" grep -qx "$(svscan_pid)" "$ucg/dtng-svscan/cgroup.procs"
note "controllers of svscan.service: $(cat "$ucg/cgroup.controllers")"

# --- memory.max 20M; run allocates 200 MB.
M=/srv/mem
mksvc $M 'exec perl -e '\''$x = "a" x (200 * 1024 * 1024); print "survived\n"; sleep 1000'\'''
echo 20M >$M/memory.max
ln -s $M /etc/service/mem
check "memory.max: the service starts (state has a cgroup)" wait_until 60 sh -c '[ -n "$(sed -n "s/^cgroup=//p" /srv/mem/supervise/state)" ] && [ -s /srv/mem/starts ]'
same "memory.max: read back from the service's cgroup" 20971520 "$(cgfile $M memory.max)"
check "memory.max: memory.events counts an oom_kill" wait_until 60 \
	sh -c '[ "$(sed -n "s/^oom_kill //p" "$1/service/memory.events")" -ge 1 ]' sh "$(stateval $M cgroup)"
check "memory.max: supervise restarts it per backoff (a second start)" wait_until 120 starts $M 2
sup=$(stateval $M supervise_pid)
check "memory.max: supervise lives on" test -d "/proc/$sup"
note "memory.events: $(tr '\n' ' ' <"$(stateval $M cgroup)/service/memory.events")"
note "state: $(grep -E '^(state|failures|last_exit)=' $M/supervise/state | tr '\n' ' ')"
check "memory.max: svscan itself is unharmed" systemctl is-active -q svscan.service

# --- pids.max 10; run forks 40 sleepers.
P=/srv/pids
mksvc $P 'exec perl -e '\''$| = 1; for (1 .. 40) { my $p = fork; if (!defined $p) { $f++; next } if (!$p) { sleep 1000; exit } $n++ } print "forked $n failed $f\n"; sleep 1000'\'' >>out 2>&1'
echo 10 >$P/pids.max
ln -s $P /etc/service/pids
check "pids.max: the fork loop has run" wait_until 60 grep -q forked $P/out
same "pids.max: read back" 10 "$(cgfile $P pids.max)"
same "pids.max: pids.current is 10 (perl and 9 children)" 10 "$(cgfile $P pids.current)"
same "pids.max: the loop forked 9 and was refused 31" "forked 9 failed 31" "$(head -n 1 $P/out)"
check "pids.max: pids.events counts the refusals" sh -c '[ "$(sed -n "s/^max //p" "$1/service/pids.events")" -ge 31 ]' sh "$(stateval $P cgroup)"

# --- cpu.max 20000 100000 (a fifth of a CPU); run is a busy loop.
C=/srv/cpu
mksvc $C 'exec perl -e '\''1 while 1'\'''
echo '20000 100000' >$C/cpu.max
ln -s $C /etc/service/cpu
check "cpu.max: the busy loop is up" up /etc/service/cpu
same "cpu.max: read back" "20000 100000" "$(cgfile $C cpu.max)"
ccg=$(stateval $C cgroup)/service
# The wall-clock window encloses the usage window (t0 before u0, t1
# after u1), so a stall of the guest can only lower the share measured.
t0=$(date +%s%N)
u0=$(kv "$ccg/cpu.stat" usage_usec)
sleep 10
u1=$(kv "$ccg/cpu.stat" usage_usec)
t1=$(date +%s%N)
share=$(( (u1 - u0) * 1000 / ((t1 - t0) / 1000) ))
note "cpu.max 20000 100000: the busy loop used $((u1 - u0)) us of CPU in $(( (t1 - t0) / 1000 )) us: $((share / 10)).$((share % 10)) % of one CPU"
note "cpu.stat: $(tr '\n' ' ' <"$ccg/cpu.stat")"
# The cap is a hard bound (load can only lower the share): at most 20 %
# plus a period's worth over the window; well above 0 for a busy loop.
check "cpu.max: the share is at most 21 % (cap 20 %)" test "$share" -le 210
check "cpu.max: the loop ran at all" test "$share" -gt 0
check "cpu.max: cpu.stat counts throttled periods" test "$(kv "$ccg/cpu.stat" nr_throttled)" -gt 0

# --- io.weight and memory.high, read back.
W=/srv/weights
mksvc $W 'exec sleep 1000'
echo 200 >$W/io.weight
echo 30M >$W/memory.high
ln -s $W /etc/service/weights
check "io.weight/memory.high: the service is up" up /etc/service/weights
same "io.weight: read back" "default 200" "$(cgfile $W io.weight)"
same "memory.high: read back" 31457280 "$(cgfile $W memory.high)"

# --- supervise exits: its cgroup goes, although ROOT has controllers on.
wcg=$(stateval $W cgroup)
rm /etc/service/weights
check "svc -dx: supervise exits" svc -dx $W
check "svc -dx: the service's cgroup is removed" wait_until 60 test ! -e "$wcg"
note "svscan.service/cgroup.subtree_control: $(cat "$ucg/cgroup.subtree_control")"

# --- by hand: svscan in a scope of its own (systemd-run --scope).
H=/srv/hand
mkdir -p $H
mksvc /srv/hmem 'exec sleep 1000'
echo 25M >/srv/hmem/memory.max
echo 12 >/srv/hmem/pids.max
ln -s /srv/hmem $H/hmem
systemd-run --scope -p Delegate=yes --unit dtng-hand -q svscan $H >/job/hand.err 2>&1 &
check "by hand: the limited service is up" up /srv/hmem
same "by hand: memory.max read back" 26214400 "$(cgfile /srv/hmem memory.max)"
same "by hand: pids.max read back" 12 "$(cgfile /srv/hmem pids.max)"
note "by hand: the service's cgroup: $(stateval /srv/hmem cgroup)"
check "by hand: svscan is in dtng-hand.scope/dtng-svscan" \
	sh -c 'grep -q "dtng-hand.scope/dtng-svscan$" /proc/$(pgrep -f "svscan /srv/hand" | head -n 1)/cgroup'
systemctl stop dtng-hand.scope

finish
