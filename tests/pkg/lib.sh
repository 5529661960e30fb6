# SPDX-License-Identifier: ISC
# Shared by the package tests; source it after tests/bb/lib.sh.

# stage_install DIR UNITDIR: `make install` of the build tree into DIR with
# the packages' prefix and systemd unit directory: the reference file list.
stage_install() {
	make -s -C "$DT_BUILDDIR" install DESTDIR="$1" prefix=/usr \
		systemdsystemunitdir="$2" >"$T/install.out" 2>&1
}

# need_programs DIR: the packages hold the programs; while none is built
# (the programs land one by one), skip instead of failing.
need_programs() {
	for _f in "$1"/usr/bin/*; do
		[ -e "$_f" ] && return 0
	done
	skip_all "no program built yet: the packages need at least one in \$(bindir)"
}

elapsed() { echo "$(( $(date +%s) - $1 )) s"; }

# find_debs: $ng and $run name the built Debian packages (made here if
# missing); fails the test when they cannot be built.
find_debs() {
	set -- "$DT_BUILDDIR"/daemontools-ng_*.deb "$DT_BUILDDIR"/daemontools-ng-run_*.deb
	if [ ! -f "$1" ] || [ ! -f "$2" ]; then
		if ! make -s -C "$DT_BUILDDIR" deb >"$T/out" 2>&1; then
			diag "$(tail -n 20 "$T/out")"
			fail "make deb"
			done_testing
		fi
		set -- "$DT_BUILDDIR"/daemontools-ng_*.deb "$DT_BUILDDIR"/daemontools-ng-run_*.deb
	fi
	ng=$1 run=$2
}

# debian_mirror: the Debian 12 mirror this machine's apt uses.
debian_mirror() {
	_m=${DT_DEBIAN_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
		/^URIs:/ { u = $2 } /^Suites:/ { s = " " $0 " " }
		/^$/ { if (s ~ / bookworm / && u != "") { print u; exit } u = ""; s = "" }
		END { if (s ~ / bookworm / && u != "") print u }' | head -n 1)}
	[ -n "$_m" ] || _m=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) bookworm .*/\2/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	echo "${_m:-http://deb.debian.org/debian}"
}

# prepare_root: a throwaway Debian 12 root in $R with /proc mounted and a
# policy-rc.d that keeps services from starting. It is unpacked from a
# tarball of `debootstrap --variant=minbase` (plus the libraries the
# programs link and sysvinit-core), cached in $DT_PKG_CACHE (default
# /var/cache/daemontools-ng-ci) and made once per package set.
prepare_root() {
	_libs=$(dpkg-deb -f "$ng" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' |
		grep -v '^$' | sort -u | tr '\n' ',')sysvinit-core
	_mirror=$(debian_mirror)
	_arch=$(dpkg --print-architecture)
	_cache=${DT_PKG_CACHE:-/var/cache/daemontools-ng-ci}
	_key=$(echo "$_mirror $_libs" | cksum | cut -d' ' -f1)
	_tar=$_cache/bookworm-minbase-$_arch-$_key.tar
	_s=$(date +%s)
	if [ ! -f "$_tar" ]; then
		mkdir -p "$_cache" "$T/dbs" || skip_all "cannot create $_cache"
		if ! debootstrap --variant=minbase --include="$_libs" bookworm "$T/dbs" \
			"$_mirror" >"$T/dbs.log" 2>&1; then
			diag "$(tail -n 20 "$T/dbs.log")"
			rm -rf "$T/dbs"
			skip_all "debootstrap from $_mirror failed (no network?)"
		fi
		tar -C "$T/dbs" -cf "$_tar.tmp" . && mv "$_tar.tmp" "$_tar"
		rm -rf "$T/dbs"
		# One cached root per architecture: drop those of older package sets.
		for _old in "$_cache"/bookworm-minbase-"$_arch"-*.tar; do
			[ "$_old" = "$_tar" ] || rm -f "$_old"
		done
		diag "debootstrap --variant=minbase bookworm ($_mirror, +$_libs): $(elapsed "$_s")"
	fi
	R=$T/root
	mkdir "$R" && tar -C "$R" -xf "$_tar" || skip_all "cannot unpack $_tar"
	diag "root unpacked from $_tar: $(elapsed "$_s")"
	# Everything a test starts runs in $R: those processes, and only those,
	# are its to kill; /proc must be unmounted before lib.sh removes $T.
	trap 'root_cleanup; _cleanup' EXIT
	trap 'root_cleanup; _cleanup; exit 99' INT TERM HUP
	mount -t proc proc "$R/proc" || skip_all "cannot mount /proc in the root"
	printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
	chmod +x "$R/usr/sbin/policy-rc.d"
}

in_root_pids() {
	for _d in /proc/[0-9]*; do
		[ "$(readlink "$_d/root" 2>/dev/null)" = "$R" ] && echo "${_d#/proc/}"
	done
}
root_cleanup() {
	_p=$(in_root_pids)
	[ -n "$_p" ] && kill -KILL $_p 2>/dev/null
	mountpoint -q "$R/proc" && umount -l "$R/proc"
}

# snapshot: the root's file list, minus what dpkg and apt keep for themselves.
snapshot() {
	(cd "$R" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/lib/dpkg \
		-o -path ./var/log -o -path ./var/cache -o -path ./run \) -prune -o -print) | sort
}

# demo_service: /srv/demo in the root, linked into /etc/service; it ticks
# every 0.1 s and says goodbye on SIGTERM, which must still reach its log:
# the logger has to stop after the service. alllog prints every file of the
# log directory (multilog may rotate, or set current aside after a crash).
demo_service() {
	mkdir -p "$R/srv/demo/log" "$R/etc/service"
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
	ln -sfn /srv/demo "$R/etc/service/demo"
	logdir=$R/srv/demo/log/main
}
alllog() { cat "$logdir"/@* "$logdir/current" 2>/dev/null; }
logged() { alllog | grep -q "$1"; }
count_logged() { alllog | grep -c "$1"; }

# missing_programs: the programs these tests run that the package lacks.
missing_programs() {
	for _p in svscan svscanboot supervise svc svok svstat svwait multilog readproctitle; do
		[ -x "$R/usr/bin/$_p" ] || printf ' %s' "$_p"
	done
}
