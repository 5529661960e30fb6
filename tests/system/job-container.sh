# SPDX-License-Identifier: ISC
# Job 3 (issue 15): the container recipe under podman + crun. The base
# image is a debootstrap root imported with `podman import` (no registry);
# init/Containerfile.test installs the package into it. svscan runs as
# PID 1; a logged service comes up; `podman stop -t 10` ends the container
# with exit status 0 and every line the service wrote in the container's
# log; `podman run --memory` and a service's memory.max and pids.max nest.
. /job/lib.sh
ctx=/tmp/ctx
P="podman --log-level=error"
# cup CONTAINER DIR...: supervise runs for each DIR (svok), then all are up.
cup() {
	_c=$1
	shift
	for _u in "$@"; do
		wait_until 60 $P exec "$_c" svok "$_u" || { echo "no supervise for $_u"; return 1; }
	done
	$P exec "$_c" svwait -u -t 60 "$@"
}

check "podman import of the debootstrap root" $P import /var/lib/dtng/ct-base.tar localhost/dtng-base
mkdir -p $ctx/service/count/log $ctx/service/lim
cp "$NG" /job/Containerfile.test $ctx/
# A service writing numbered lines; on SIGTERM a last line naming the last
# number, so the log shows whether every line was drained.
cat >$ctx/service/count/run <<'EOR'
#!/bin/sh
exec 2>&1
echo start
i=0
trap 'echo "term after $i"; exit 0' TERM
while :; do i=$((i + 1)); echo "count $i"; sleep 0.1; done
EOR
printf '#!/bin/sh\nexec tai64n\n' >$ctx/service/count/log/run
# A limited service (its limits act only where the cgroup is writable).
printf '#!/bin/sh\nexec sleep 1000\n' >$ctx/service/lim/run
echo 20M >$ctx/service/lim/memory.max
echo 10 >$ctx/service/lim/pids.max
chmod +x $ctx/service/*/run $ctx/service/count/log/run
check "podman build -f Containerfile.test (from the imported base)" \
	$P build --pull=never --network=none -q -f $ctx/Containerfile.test -t dtng-test $ctx

# --- svscan as PID 1; stop drains the loggers.
check "podman run -d" $P run -d --name t1 --network=none dtng-test
same "PID 1 in the container is svscan" svscan "$($P exec t1 cat /proc/1/comm)"
check "the example's logged service is up" cup t1 /etc/service/hello /etc/service/hello/log
check "the counting service is up" cup t1 /etc/service/count /etc/service/count/log
logs_have() { $P logs t1 2>&1 | grep -q "$1"; }
check "the logs show both services" wait_until 60 sh -c "$P logs t1 2>&1 | grep -q 'count 20\$' && $P logs t1 2>&1 | grep -q 'hello from'"
check "podman stop -t 10" $P stop -t 10 t1
same "the container exits 0" 0 "$($P inspect -f '{{.State.ExitCode}}' t1)"
$P logs t1 >/tmp/t1.log 2>&1
check "every line the service wrote is in the log, up to its last" awk '
	/ start$/ { want = 1; next }
	/ count [0-9]+$/ { if ($NF != want) { print "gap before " $NF; exit 1 } want++ }
	/ term after [0-9]+$/ { if ($NF != want - 1) { print "term after " $NF ", last " want - 1; exit 1 } t = 1 }
	END { if (!t) { print "no term line"; exit 1 } }' /tmp/t1.log
grep -E 'term after|svscan' /tmp/t1.log | sed 's/^/# /' | head -n 5
note "t1 with the default (read-only) cgroup mount: $(grep -c 'lim' /tmp/t1.log) log lines about lim"

# --- limits nest: the container's --memory above the service's memory.max.
# Per-service limits need a writable cgroupfs in the container: podman's
# --security-opt unmask=/sys/fs/cgroup (with its private cgroup namespace).
check "podman run -d --memory 64m --pids-limit 100 (cgroupfs writable)" \
	$P run -d --name t2 --network=none --memory 64m --pids-limit 100 \
	--security-opt unmask=/sys/fs/cgroup dtng-test
check "t2: the limited service is up" cup t2 /etc/service/lim
same "t2: svscan (PID 1) sits in /dtng-svscan of the container's cgroup" "0::/dtng-svscan" \
	"$($P exec t2 cat /proc/1/cgroup)"
cg=$($P exec t2 sed -n 's/^cgroup=//p' /etc/service/lim/supervise/state)
note "t2: the service's cgroup in the container: $cg"
same "t2: the container's memory.max (--memory 64m)" 67108864 "$($P exec t2 cat /sys/fs/cgroup/memory.max)"
same "t2: the service's memory.max below it" 20971520 "$($P exec t2 cat "$cg/service/memory.max")"
same "t2: the service's pids.max below the container's" "10 100" \
	"$($P exec t2 cat "$cg/service/pids.max") $($P exec t2 cat /sys/fs/cgroup/pids.max)"
hostcg=$(sed -n 's/^0:://p' /proc/$($P inspect -f '{{.State.Pid}}' t2)/cgroup)
note "t2: on the host, svscan is in $hostcg"
check "t2: on the host, the service's cgroup is inside the container's" \
	test -f "/sys/fs/cgroup${hostcg%/dtng-svscan}${cg#/sys/fs/cgroup}/service/memory.max"
check "podman stop -t 10 t2" $P stop -t 10 t2
same "t2: exits 0" 0 "$($P inspect -f '{{.State.ExitCode}}' t2)"
$P rm -f t1 t2 >/dev/null 2>&1
finish
