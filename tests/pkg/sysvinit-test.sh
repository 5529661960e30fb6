#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian packages under sysvinit: Debian's own /sbin/init (sysvinit-core)
# runs as PID 1 of a new PID namespace, chrooted into a throwaway Debian 12
# root, with an inittab that starts nothing else. Installing
# daemontools-ng-run adds the SV entry and `telinit q` makes init start
# svscanboot; an upgrade restarts nothing; removal takes the service down
# before init ends svscan and the logger, removes the entry, and leaves no
# process behind.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/pkg/lib.sh"
: "${DT_BUILDDIR:?}"

need_root
command -v debootstrap >/dev/null || skip_all "debootstrap missing (Debian package debootstrap)"
unshare --pid --fork --mount true 2>/dev/null || skip_all "no PID namespaces (unshare --pid)"
stage_install "$T/inst" /lib/systemd/system || { cat "$T/install.out"; skip_all "make install failed"; }
need_programs "$T/inst"
t0=$(date +%s)
find_debs
prepare_root
[ -x "$R/sbin/init" ] && [ -L "$R/sbin/telinit" ] ||
	skip_all "the cached root has no sysvinit-core"
cp "$ng" "$run" "$R/tmp/"
debs="/tmp/$(basename "$ng") /tmp/$(basename "$run")"
# The programs first, to see which exist.
chroot "$R" dpkg -i "/tmp/$(basename "$ng")" >"$T/out" 2>&1 ||
	{ diag "$(cat "$T/out")"; fail "dpkg -i daemontools-ng"; done_testing; }
missing=$(missing_programs)
[ -z "$missing" ] || skip_all "not built yet:$missing"

printf 'id:2:initdefault:\n' >"$R/etc/inittab"
demo_service
unshare --pid --fork --mount --propagation private sh -c \
	'mount -t proc proc "$1/proc" && exec chroot "$1" /sbin/init' sh "$R" \
	>"$T/init.out" 2>&1 &
track $!
check "sysvinit runs (/run/initctl)" wait_until 10 test -p "$R/run/initctl"

svscans() { # pids of the svscan processes in the root
	for p in $(in_root_pids); do
		case $(readlink "/proc/$p/exe") in
		"$R/usr/bin/svscan" | "$R/usr/bin/svscan (deleted)") echo "$p" ;;
		esac
	done
}
s=$(date +%s)
expect_exit 0 "dpkg -i daemontools-ng-run" chroot "$R" dpkg -i $debs
check "postinst added the SV entry" grep -qx 'SV:123456:respawn:/usr/bin/svscanboot' "$R/etc/inittab"
check "init started svscanboot: the service logs" wait_until 20 logged 'demo: tick 3'
diag "install and start: $(elapsed "$s")"
before=$(svscans)
n=$(count_logged 'demo: start')
expect_exit 0 "upgrade: dpkg -i both packages again" chroot "$R" dpkg -i $debs
last=$(alllog | sed -n 's/.* demo: tick //p' | tail -n 1)
check "upgrade: the service still ticks" wait_until 10 logged "demo: tick $((last + 5))\$"
same "upgrade: svscan not restarted" "$before" "$(svscans)"
same "upgrade: the service not restarted" "$n" "$(count_logged 'demo: start')"

s=$(date +%s)
expect_exit 0 "dpkg --purge both packages" \
	chroot "$R" dpkg --purge daemontools-ng-run daemontools-ng
diag "$(cat "$T/out")"
init_only() { [ "$(in_root_pids | wc -l)" = 1 ]; }
check "purge: only init is left" wait_until 20 init_only
diag "purge and stop: $(elapsed "$s")"
same "purge: the service's last line reached the log" 1 "$(count_logged 'demo: TERM, last line')"
same "purge: the SV entry is gone" "id:2:initdefault:" "$(cat "$R/etc/inittab")"
diag "sysvinit test: $(elapsed "$t0")"
done_testing
