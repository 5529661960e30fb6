# SPDX-License-Identifier: ISC
# Job 1 (issue 15): the Debian packages under systemd. Phase 1: install;
# svscan.service active with svscan in its own leaf; a logged service
# linked into /etc/service comes up and logs; svscan's and supervise's
# messages and a logger-less service's output reach the journal. Reboot.
# Phase 2: both come back with no intervention; reinstalling the packages
# (an upgrade) restarts nothing; `systemctl stop svscan` takes every service
# down with every logged line on disk and no process left; purge.
. /job/lib.sh
S=/srv/demo

demo_service() {
	mkdir -p "$S/log"
	# Numbered lines; on SIGTERM a last line naming the last number, so
	# the log shows whether every line written reached the disk.
	cat >"$S/run" <<'EOR'
#!/bin/sh
exec 2>&1
echo start
i=0
trap 'echo "term after $i"; exit 0' TERM
while :; do i=$((i + 1)); echo "line $i"; sleep 0.2; done
EOR
	printf '#!/bin/sh\nexec multilog t ./main\n' >"$S/log/run"
	chmod +x "$S/run" "$S/log/run"
}
log_has() { grep -q "$1" "$S/log/main/current"; }
# Every "line N" from 1 to the N of "term after N", in order, after each start.
log_complete() {
	awk '
		/ start$/ { want = 1; next }
		/ line [0-9]+$/ { if ($NF != want) { bad = 1; print "gap before line " $NF; exit 1 } want++ }
		/ term after [0-9]+$/ { if ($NF != want - 1) { print "term after " $NF ", last line " want - 1; exit 1 } terms++ }
		END { if (terms < 1) { print "no term line"; exit 1 } }' "$S/log/main/current"
}
journal_has() { journalctl -u svscan.service --no-pager | grep -q -- "$1"; }

case $DTNG_PHASE in
1)
	install_pkgs
	pid=$(svscan_pid)
	check "svscan (the unit's main process) runs svscan itself" \
		sh -c '[ "$(readlink /proc/$1/exe)" = /usr/bin/svscan ]' sh "$pid"
	check "svscan sits in its leaf svscan.service/dtng-svscan" \
		grep -qx "$pid" "$(unit_cg)/dtng-svscan/cgroup.procs"
	same "the unit's cgroup itself holds no process" "" "$(cat "$(unit_cg)/cgroup.procs")"
	demo_service
	ln -s "$S" /etc/service/demo
	check "the service and its logger are up (svok, then svwait -u)" up /etc/service/demo /etc/service/demo/log
	check "the service logs" wait_until 30 log_has 'line 3$'
	# A bad limit file: supervise refuses the start, and says so in the journal.
	mkdir -p /srv/badmem
	printf '#!/bin/sh\nexec sleep 1000\n' >/srv/badmem/run
	echo bogus >/srv/badmem/memory.max
	chmod +x /srv/badmem/run
	ln -s /srv/badmem /etc/service/badmem
	check "journalctl -u svscan shows the bad memory.max" wait_until 60 journal_has 'badmem: memory.max'
	journalctl -u svscan.service --no-pager | grep 'memory.max' | head -n 2 | sed 's/^/# /'
	rm /etc/service/badmem
	svc -dx /srv/badmem
	# A service without a logger: its output goes to the journal.
	mkdir -p /srv/nolog
	printf '#!/bin/sh\necho "nolog says hello"\nexec sleep 1000\n' >/srv/nolog/run
	chmod +x /srv/nolog/run
	ln -s /srv/nolog /etc/service/nolog
	check "a logger-less service's output is in the journal" wait_until 60 journal_has 'nolog says hello'
	rm /etc/service/nolog
	svc -dx /srv/nolog
	touch /job/reboot
	;;
2)
	check "after the reboot: svscan.service is active" wait_until 60 systemctl is-active -q svscan.service
	check "after the reboot: the service and its logger are up" up /etc/service/demo /etc/service/demo/log
	check "after the reboot: the service logs again" wait_until 30 \
		sh -c '[ "$(grep -c " start$" "$1")" -ge 2 ]' sh "$S/log/main/current"
	# Upgrade: dpkg -i the same packages again; nothing restarts.
	spid=$(svscan_pid)
	dpid=$(stateval "$S" pid)
	check "upgrade: dpkg -i both packages again" dpkg -i "$NG" "$RUN"
	same "upgrade: svscan not restarted" "$spid" "$(svscan_pid)"
	same "upgrade: the service not restarted" "$dpid" "$(stateval "$S" pid)"
	# Stop: every service down, every line on disk, no process left.
	ucg=$(unit_cg)
	before=$(tree_pids "$ucg" | tr '\n' ' ')
	note "processes in svscan.service before the stop: $before"
	check "systemctl stop svscan" systemctl stop svscan.service
	check "every logged line is on disk, up to the service's last" log_complete
	# (systemd removes the unit's cgroup once it is empty)
	same "no process left in svscan.service's cgroup" "" "$([ ! -d "$ucg" ] || tree_pids "$ucg")"
	left=
	for p in $before; do [ -d "/proc/$p" ] && left="$left $p"; done
	same "none of its processes is left anywhere" "" "$left"
	tail -n 3 "$S/log/main/current" | sed 's/^/# /'
	# Purge (README.Debian): removal stops svscan.service; purge removes the
	# unit's enablement; the service directories are the administrator's.
	check "systemctl start svscan again" systemctl start svscan.service
	check "the service is up again" up /etc/service/demo
	check "dpkg --purge daemontools-ng-run daemontools-ng" dpkg --purge daemontools-ng-run daemontools-ng
	check "purge: svscan.service is inactive" sh -c '! systemctl is-active -q svscan.service'
	check "purge: no svscan, supervise or multilog process" sh -c '! pgrep -x "svscan|supervise|multilog"'
	check "purge: the unit file is gone" test ! -e /lib/systemd/system/svscan.service
	check "purge: no enablement left" test ! -e /etc/systemd/system/multi-user.target.wants/svscan.service
	check "purge: the programs are gone" test ! -e /usr/bin/svscan
	check "purge: the service directory is left alone" test -x "$S/run"
	;;
esac
finish
