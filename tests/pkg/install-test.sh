#!/bin/sh
# Installs the built Debian packages into a throwaway Debian 12 root, as a
# user would: dpkg -i inside the chroot, maintainer scripts included (a
# policy-rc.d keeps services from starting; no systemd runs there). Then
# starts svscan from the installed files on a service with a logger, checks
# that it runs and logs, stops it with SIGTERM (service down first, logger
# drained), starts it again, upgrades both packages under it (nothing may
# restart), purges both while it runs (prerm must take it down the same
# way), and checks that nothing is left but the administrator's own files.
# The root comes from `debootstrap --variant=minbase`, cached as a tarball in
# $DT_PKG_CACHE (default /var/cache/daemontools-ng-ci).
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/pkg/lib.sh"
: "${DT_BUILDDIR:?}"

need_root
command -v debootstrap >/dev/null || skip_all "debootstrap missing (Debian package debootstrap)"
command -v chroot >/dev/null || skip_all "chroot missing"
stage_install "$T/inst" /lib/systemd/system || { cat "$T/install.out"; skip_all "make install failed"; }
need_programs "$T/inst"

elapsed() { echo "$(( $(date +%s) - $1 )) s"; }
t0=$(date +%s)

# The packages, built by deb-test.sh (or here).
set -- "$DT_BUILDDIR"/daemontools-ng_*.deb "$DT_BUILDDIR"/daemontools-ng-run_*.deb
if [ ! -f "$1" ] || [ ! -f "$2" ]; then
	make -s -C "$DT_BUILDDIR" deb >"$T/out" 2>&1 || { diag "$(tail -n 20 "$T/out")"; fail "make deb"; done_testing; }
	set -- "$DT_BUILDDIR"/daemontools-ng_*.deb "$DT_BUILDDIR"/daemontools-ng-run_*.deb
fi
ng=$1 run=$2

# The Debian 12 mirror this machine's apt uses.
mirror=${DT_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
	/^URIs:/ { u = $2 } /^Suites:/ { s = " " $0 " " }
	/^$/ { if (s ~ / bookworm / && u != "") { print u; exit } u = ""; s = "" }
	END { if (s ~ / bookworm / && u != "") print u }' | head -n 1)}
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) bookworm .*/\2/p' \
	/etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

# Libraries the programs link beyond the minimal base, from the package's
# own Depends (package names only).
libs=$(dpkg-deb -f "$ng" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' |
	grep -v '^$' | sort -u | tr '\n' ',' | sed 's/,$//')
arch=$(dpkg --print-architecture)
cache=${DT_PKG_CACHE:-/var/cache/daemontools-ng-ci}
key=$(echo "$mirror $libs" | cksum | cut -d' ' -f1)
tarball=$cache/bookworm-minbase-$arch-$key.tar
s=$(date +%s)
if [ ! -f "$tarball" ]; then
	mkdir -p "$cache" "$T/dbs" || skip_all "cannot create $cache"
	if debootstrap --variant=minbase --include="$libs" bookworm "$T/dbs" "$mirror" \
		>"$T/dbs.log" 2>&1; then
		tar -C "$T/dbs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
		rm -rf "$T/dbs"
		# One cached root per architecture: drop those of older package sets.
		for old in "$cache"/bookworm-minbase-"$arch"-*.tar; do
			[ "$old" = "$tarball" ] || rm -f "$old"
		done
	else
		tail -n 20 "$T/dbs.log"
		rm -rf "$T/dbs" "$tarball.tmp"
		skip_all "debootstrap from $mirror failed (no network?)"
	fi
	diag "debootstrap --variant=minbase bookworm ($mirror, +$libs): $(elapsed $s)"
fi
R=$T/root
mkdir "$R" && tar -C "$R" -xf "$tarball" || skip_all "cannot unpack $tarball"
diag "root unpacked from $tarball: $(elapsed $s)"

# Everything this test starts runs in $R: those processes, and only those,
# are ours to kill; /proc must be unmounted before lib.sh removes $T.
in_root_pids() {
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/root" 2>/dev/null)" = "$R" ] && echo "${d#/proc/}"
	done
}
chroot_cleanup() {
	p=$(in_root_pids)
	[ -n "$p" ] && kill -KILL $p 2>/dev/null
	mountpoint -q "$R/proc" && umount -l "$R/proc"
}
trap 'chroot_cleanup; _cleanup' EXIT
trap 'chroot_cleanup; _cleanup; exit 99' INT TERM HUP
mount -t proc proc "$R/proc" || skip_all "cannot mount /proc in the chroot"

printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d" && chmod +x "$R/usr/sbin/policy-rc.d"
# A sysvinit-style inittab, to see the SV entry come and go.
printf 'id:2:initdefault:\n1:2345:respawn:/sbin/getty 38400 tty1\n' >"$R/etc/inittab"
cp "$R/etc/inittab" "$T/inittab.orig"

snapshot() { # the root's file list, minus what dpkg and apt keep for themselves
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg \
		-o -path ./var/log -o -path ./var/cache -o -path ./run \) -prune -o -print) | sort
}
snapshot >"$T/before"

s=$(date +%s)
cp "$ng" "$run" "$R/tmp/"
expect_exit 0 "dpkg -i both packages in the chroot" \
	chroot "$R" dpkg -i "/tmp/$(basename "$ng")" "/tmp/$(basename "$run")"
[ -s "$T/err" ] && diag "$(cat "$T/err")"
diag "dpkg -i: $(elapsed $s)"
check "installed: /etc/service" test -d "$R/etc/service"
check "installed: svscan.service unit" test -f "$R/lib/systemd/system/svscan.service"
check "postinst added the SV entry to inittab" \
	grep -qx 'SV:123456:respawn:/usr/bin/svscanboot' "$R/etc/inittab"
check "svscan.service enabled (deb-systemd-helper)" \
	test -L "$R/etc/systemd/system/multi-user.target.wants/svscan.service"

missing=
for p in svscan supervise svok svstat multilog; do
	[ -x "$R/usr/bin/$p" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	skip "svscan runs the service and its logger" "not built yet:$missing"
else
	# The service: ticks every 0.1 s, and says goodbye on SIGTERM, which
	# must still reach the log: the logger is stopped after the service.
	mkdir -p "$R/srv/demo/log"
	cat >"$R/srv/demo/run" <<-'EOS'
	#!/bin/sh
	exec 2>&1
	trap 'echo "demo: TERM, last line"; exit 0' TERM
	echo "demo: start $$"
	i=0
	while :; do i=$((i + 1)); echo "demo: tick $i"; sleep 0.1; done
	EOS
	printf '#!/bin/sh\nexec multilog t ./main\n' >"$R/srv/demo/log/run"
	chmod +x "$R/srv/demo/run" "$R/srv/demo/log/run"
	ln -s /srv/demo "$R/etc/service/demo"
	logdir=$R/srv/demo/log/main
	cur=$logdir/current
	# multilog may rotate or (after a crash) set current aside: count over
	# every file of the log directory.
	alllog() { cat "$logdir"/@* "$cur" 2>/dev/null; }

	start_svscan() {
		chroot "$R" /usr/bin/svscan /etc/service >>"$T/svscan.out" 2>&1 &
		svscan_pid=$!
		track "$svscan_pid"
	}
	logged() { alllog | grep -q "$1"; }
	gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status"; }
	nothing_runs() { [ -z "$(in_root_pids)" ]; }

	s=$(date +%s)
	start_svscan
	check "svscan: the service logs through multilog" wait_until 20 logged 'demo: tick 3'
	check "svscan: svstat says up" wait_until 10 sh -c \
		'chroot "$1" svstat /etc/service/demo | grep -q ": up "' sh "$R"
	check "svscan: svok on the logger" chroot "$R" svok /etc/service/demo/log
	labelled() { alllog | head -n 1 | grep -Eq '^@4[0-9a-f]{23} demo: '; }
	check "the log lines carry TAI64N labels" labelled
	kill -TERM "$svscan_pid"
	check "SIGTERM: svscan exits" wait_until 30 gone "$svscan_pid"
	check "SIGTERM: no process left in the root" wait_until 30 nothing_runs
	check "SIGTERM: the service's last line reached the log" logged 'demo: TERM, last line'
	diag "svscan run and stop: $(elapsed $s)"
	chroot_cleanup_pids=$(in_root_pids)
	[ -n "$chroot_cleanup_pids" ] && kill -KILL $chroot_cleanup_pids 2>/dev/null
	wait "$svscan_pid" 2>/dev/null

	# Again, and this time the package removal stops it.
	n=$(alllog | grep -c 'demo: start')
	start_svscan
	restarted() { [ "$(alllog | grep -c 'demo: start')" -gt "$n" ]; }
	check "svscan again: the service restarts" wait_until 20 restarted

	# An upgrade (dpkg -i over the installed version runs prerm upgrade and
	# postinst configure OLD) restarts neither svscan nor the service.
	n=$(alllog | grep -c 'demo: start')
	expect_exit 0 "upgrade: dpkg -i both packages again while svscan runs" \
		chroot "$R" dpkg -i "/tmp/$(basename "$ng")" "/tmp/$(basename "$run")"
	check "upgrade: svscan still runs" kill -0 "$svscan_pid"
	same "upgrade: the service was not restarted" "$n" "$(alllog | grep -c 'demo: start')"
	same "upgrade: still one SV entry in inittab" 1 "$(grep -c '^SV:' "$R/etc/inittab")"
fi

s=$(date +%s)
expect_exit 0 "dpkg --purge both packages" \
	chroot "$R" dpkg --purge daemontools-ng-run daemontools-ng
[ -s "$T/out" ] && diag "$(cat "$T/out")"
diag "dpkg --purge: $(elapsed $s)"
if [ -z "$missing" ]; then
	check "purge: prerm stopped svscan" wait_until 5 gone "$svscan_pid"
	check "purge: no process left in the root" wait_until 10 nothing_runs
	same "purge: the service's last line reached the log" 2 \
		"$(alllog | grep -c 'demo: TERM, last line')"
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
