#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan's SIGTERM shutdown leaves nothing running (issue 14, item 2):
# (a) a service whose directory was removed (rm -rf) while it ran: no
#     control fifo to reach its supervise, which gets SIGTERM instead;
# (b) a main process and its child that both ignore TERM: at the end of the
#     grace the service's whole cgroup is killed (cgroup.kill), not only the
#     main pid and its supervise, and the emptied cgroup is removed.
# Certain: every check waits for svscan's own exit (durable), then for the
# service's processes to be gone, with a generous limit that only a process
# left alive can reach.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

need_root
cg_private || skip_all "cannot make a private cgroup v2 directory here (no cgroup v2)"
trap '_svscan_cleanup; cg_cleanup' EXIT
cd "$T" || exit 99

pidfile_up() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
no_tree() { ! ls -d "$CG_PRIVATE"/dtng-* >/dev/null 2>&1; }

# ---- (a) the service directory removed while it runs
mkdir scan1
mksvc "$T/gone" 'echo $$ >"$0.pid"; exec sleep 300'
# The pid goes next to the directory, so rm -rf of it leaves the file.
sed -i "s|\"\$0.pid\"|$T/gone.pid|" "$T/gone/run"
ln -s "$T/gone" scan1/gone
start_svscan scan1 SVSCAN_GRACE=30
check "(a) the service is up" wait_until 30 pidfile_up "$T/gone.pid"
p=$(cat "$T/gone.pid")
track_extra "$p"
# supervise must have made its fifos before they can be removed with it.
wait_until 30 test -p "$T/gone/supervise/control"
rm -rf "$T/gone"
kill -TERM $SVPID
check "(a) svscan exits" wait_until 60 gone $SVPID
wait $SVPID
same "(a) svscan exit code" 0 "$?"
check "(a) the service of the removed directory is gone" wait_until 30 gone "$p"
if grep -q "did not stop in time" "$T/err.svscan"; then
	fail "(a) its supervise was reached without a kill"
	diag "$(cat "$T/err.svscan")"
else
	pass "(a) its supervise was reached without a kill"
fi
check "(a) its cgroup is removed" wait_until 30 no_tree

# ---- (b) TERM ignored by the main process and its child
mkdir scan2
mksvc "$T/deaf" "trap '' TERM
sleep 300 &
echo \$! >child
echo \$\$ >main
exec sleep 300"
ln -s "$T/deaf" scan2/deaf
: >"$T/err.svscan"
start_svscan scan2 SVSCAN_GRACE=2
check "(b) the service is up" wait_until 30 pidfile_up "$T/deaf/child"
wait_until 30 pidfile_up "$T/deaf/main"
c=$(cat "$T/deaf/child")
m=$(cat "$T/deaf/main")
track_extra "$c" "$m"
kill -TERM $SVPID
check "(b) svscan exits" wait_until 60 gone $SVPID
wait $SVPID
same "(b) svscan exit code" 0 "$?"
check "(b) it said what it killed" grep -q "deaf did not stop in time: killing it" "$T/err.svscan"
check "(b) the main process is gone" wait_until 30 gone "$m"
check "(b) its child, which ignored TERM too, is gone" wait_until 30 gone "$c"
check "(b) the cgroup is removed" wait_until 30 no_tree

done_testing
