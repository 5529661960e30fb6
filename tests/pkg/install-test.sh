#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs the built Debian packages into a throwaway Debian 12 root, as a
# user would: dpkg -i inside the chroot, maintainer scripts included (a
# policy-rc.d keeps services from starting; no init runs there). Then starts
# svscan from the installed files on a service with a logger, checks that it
# runs and logs, stops it with SIGTERM (service down first, logger drained),
# starts it again, upgrades both packages under it (nothing may restart),
# purges both while it runs (prerm must take it down the same way), and
# checks that nothing is left but the administrator's own files.
# sysvinit-test.sh does the same with sysvinit as init.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/pkg/lib.sh"
: "${DT_BUILDDIR:?}"

need_root
command -v debootstrap >/dev/null || skip_all "debootstrap missing (Debian package debootstrap)"
stage_install "$T/inst" /lib/systemd/system || { cat "$T/install.out"; skip_all "make install failed"; }
need_programs "$T/inst"
t0=$(date +%s)
find_debs
prepare_root

# A sysvinit-style inittab (no init reads it here), to see the SV entry come
# and go.
printf 'id:2:initdefault:\n1:2345:respawn:/sbin/getty 38400 tty1\n' >"$R/etc/inittab"
cp "$R/etc/inittab" "$T/inittab.orig"
snapshot >"$T/before"

s=$(date +%s)
cp "$ng" "$run" "$R/tmp/"
debs="/tmp/$(basename "$ng") /tmp/$(basename "$run")"
expect_exit 0 "dpkg -i both packages in the chroot" chroot "$R" dpkg -i $debs
[ -s "$T/err" ] && diag "$(cat "$T/err")"
diag "dpkg -i: $(elapsed "$s")"
check "installed: /etc/service" test -d "$R/etc/service"
check "installed: svscan.service unit" test -f "$R/lib/systemd/system/svscan.service"
check "postinst added the SV entry to inittab" \
	grep -qx 'SV:123456:respawn:/usr/bin/svscanboot' "$R/etc/inittab"
check "svscan.service enabled (deb-systemd-helper)" \
	test -L "$R/etc/systemd/system/multi-user.target.wants/svscan.service"

missing=$(missing_programs)
if [ -n "$missing" ]; then
	skip "svscan runs the service and its logger" "not built yet:$missing"
else
	demo_service
	start_svscan() {
		chroot "$R" /usr/bin/svscan /etc/service >>"$T/svscan.out" 2>&1 &
		svscan_pid=$!
		track "$svscan_pid"
	}
	gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status"; }
	nothing_runs() { [ -z "$(in_root_pids)" ]; }
	labelled() { alllog | head -n 1 | grep -Eq '^@4[0-9a-f]{23} demo: '; }

	s=$(date +%s)
	start_svscan
	check "svscan: the service logs through multilog" wait_until 20 logged 'demo: tick 3'
	check "svscan: svstat says up" wait_until 10 sh -c \
		'chroot "$1" svstat /etc/service/demo | grep -q ": up "' sh "$R"
	check "svscan: svok on the logger" chroot "$R" svok /etc/service/demo/log
	check "the log lines carry TAI64N labels" labelled
	kill -TERM "$svscan_pid"
	check "SIGTERM: svscan exits" wait_until 30 gone "$svscan_pid"
	check "SIGTERM: no process left in the root" wait_until 30 nothing_runs
	check "SIGTERM: the service's last line reached the log" logged 'demo: TERM, last line'
	diag "svscan run and stop: $(elapsed "$s")"
	left=$(in_root_pids)
	[ -n "$left" ] && kill -KILL $left 2>/dev/null
	wait "$svscan_pid" 2>/dev/null

	# Again, and this time the package removal stops it.
	n=$(count_logged 'demo: start')
	start_svscan
	restarted() { [ "$(count_logged 'demo: start')" -gt "$n" ]; }
	check "svscan again: the service restarts" wait_until 20 restarted

	# An upgrade (dpkg -i over the installed version runs prerm upgrade and
	# postinst configure OLD) restarts neither svscan nor the service.
	n=$(count_logged 'demo: start')
	expect_exit 0 "upgrade: dpkg -i both packages again while svscan runs" \
		chroot "$R" dpkg -i $debs
	check "upgrade: svscan still runs" kill -0 "$svscan_pid"
	same "upgrade: the service was not restarted" "$n" "$(count_logged 'demo: start')"
	same "upgrade: still one SV entry in inittab" 1 "$(grep -c '^SV:' "$R/etc/inittab")"
fi

s=$(date +%s)
expect_exit 0 "dpkg --purge both packages" \
	chroot "$R" dpkg --purge daemontools-ng-run daemontools-ng
[ -s "$T/out" ] && diag "$(cat "$T/out")"
diag "dpkg --purge: $(elapsed "$s")"
if [ -z "$missing" ]; then
	check "purge: prerm stopped svscan" wait_until 5 gone "$svscan_pid"
	check "purge: no process left in the root" wait_until 10 nothing_runs
	same "purge: the service's last line reached the log" 2 \
		"$(count_logged 'demo: TERM, last line')"
fi
same "purge: inittab is as before" "" "$(diff "$T/inittab.orig" "$R/etc/inittab")"
check "purge: no svscan.service enablement left" \
	sh -c '! find "$1/etc/systemd" -name "svscan.service" | grep -q .' sh "$R"
snapshot >"$T/after"
# What may stay: the administrator's service (and its supervise/ and log
# files), and /etc/service while it still links to it.
comm -13 "$T/before" "$T/after" | grep -v -e '^\./srv/demo' \
	-e '^\./etc/service$' -e '^\./etc/service/demo$' >"$T/left"
same "purge: nothing else left behind" "" "$(cat "$T/left")"
same "purge: nothing of the base removed" "" "$(comm -23 "$T/before" "$T/after")"
diag "install test: $(elapsed "$t0")"
done_testing
