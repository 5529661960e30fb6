#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian packages: `make deb` builds them from the dist tarball; they hold
# exactly what `make install` installs, declare the relations to Debian's
# daemontools packages, pass lintian with no error and no unexplained
# warning, and their maintainer scripts enable svscan on install, stop it on
# removal and neither stop nor restart it on upgrade.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/pkg/lib.sh"
: "${DT_BUILDDIR:?}"

command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-buildpackage missing (Debian package dpkg-dev)"
[ -f /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm ] || skip_all "debhelper missing (Debian package debhelper)"
inst=$T/inst
stage_install "$inst" /lib/systemd/system || { cat "$T/install.out"; skip_all "make install failed"; }
need_programs "$inst"

# make deb: build, then copy the packages into the build tree.
expect_exit 0 "make deb" make -s -C "$DT_BUILDDIR" deb
[ -s "$T/err" ] && diag "$(tail -n 20 "$T/err")"
set -- "$DT_BUILDDIR"/daemontools-ng_*.deb
ng=$1
set -- "$DT_BUILDDIR"/daemontools-ng-run_*.deb
run=$1
[ -f "$ng" ] && [ -f "$run" ] || { fail "both packages built"; done_testing; }
pass "both packages built: $(basename "$ng") $(basename "$run")"

# Control fields.
field() { dpkg-deb -f "$1" "$2"; }
same "daemontools-ng Provides" "daemontools" "$(field "$ng" Provides)"
same "daemontools-ng Conflicts" "daemontools" "$(field "$ng" Conflicts)"
same "daemontools-ng Replaces" "daemontools" "$(field "$ng" Replaces)"
check "daemontools-ng-run Depends on daemontools-ng" \
	sh -c 'dpkg-deb -f "$1" Depends | grep -q "daemontools-ng (>= "' sh "$run"
check "daemontools-ng-run Conflicts with daemontools-run" \
	sh -c 'dpkg-deb -f "$1" Conflicts | grep -qw daemontools-run' sh "$run"
same "daemontools-ng-run Replaces" "daemontools-run" "$(field "$run" Replaces)"

# Contents: exactly what make install puts under /usr (and the unit under
# /lib), so no program or man page can be forgotten as the program set grows.
(cd "$inst" && find . ! -type d | sed 's|^\.||; s|/man/man\(.\)/\(.*\)|/man/man\1/\2.gz|') |
	sort >"$T/want"
for d in "$ng" "$run"; do dpkg-deb -c "$d"; done |
	awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | grep -v '^/usr/share/doc/' |
	sort >"$T/got"
same "package contents = make install's files" "" "$(diff "$T/want" "$T/got")"
n=$(grep -c '^/usr/bin/' "$T/got")
diag "programs packaged: $n ($(grep '^/usr/bin/' "$T/got" | sed 's|.*/||' | tr '\n' ' '))"
dpkg-deb -c "$run" | awk '{print $6}' >"$T/runfiles"
check "daemontools-ng-run ships /etc/service" grep -qx './etc/service/' "$T/runfiles"
check "daemontools-ng-run ships svscan.service" grep -qx './lib/systemd/system/svscan.service' "$T/runfiles"
check "daemontools-ng-run ships no program" sh -c '! grep -q "^./usr/bin/." "$1"' sh "$T/runfiles"

# lintian: no error, and every warning listed (with its reason) in
# tests/pkg/lintian-explained, which the README repeats.
if command -v lintian >/dev/null; then
	lintian --tag-display-limit 0 "$ng" "$run" >"$T/lintian" 2>&1
	diag "lintian:"
	diag "$(cat "$T/lintian")"
	check "lintian: no error" sh -c '! grep -q "^E:" "$1"' sh "$T/lintian"
	grep '^W:' "$T/lintian" | sed 's/^W: \([^:]*\): \([^ ]*\).*/\1 \2/' | sort -u >"$T/warn"
	grep -v '^#' "$DT_SRCDIR/tests/pkg/lintian-explained" | awk 'NF { print $1, $2 }' |
		sort -u >"$T/known"
	same "lintian: every warning explained" "" "$(comm -23 "$T/warn" "$T/known")"
else
	skip "lintian" "lintian missing (Debian package lintian)"
fi

# Maintainer scripts, run with systemd seemingly up (a tmpfs /run with
# /run/systemd/system in a private mount namespace) and the systemd helpers
# replaced by stubs that log their arguments.
dpkg-deb -e "$run" "$T/ctl"
mkdir -p "$T/stub"
for c in deb-systemd-helper deb-systemd-invoke systemctl telinit; do
	printf '#!/bin/sh\necho "%s $*" >>"$LOG"\n' "$c" >"$T/stub/$c"
	chmod +x "$T/stub/$c"
done
mscript() { # SCRIPT ARGS...: run one maintainer script as dpkg would
	_s=$1
	shift
	unshare -m --propagation private sh -c '
		mount -t tmpfs none /run && mkdir -p /run/systemd/system || exit 99
		s=$1; shift; exec "$s" "$@"' sh "$T/ctl/$_s" "$@" \
		</dev/null >>"$T/mlog" 2>&1
}
if unshare -m --propagation private true 2>/dev/null; then
	export LOG PATH="$T/stub:$PATH"
	LOG=$T/install; : >"$LOG"
	mscript postinst configure
	check "install: svscan.service enabled" grep -qx 'deb-systemd-helper enable svscan.service' "$LOG"
	check "install: svscan.service started" grep -qx 'deb-systemd-invoke start svscan.service' "$LOG"
	LOG=$T/upgrade; : >"$LOG"
	mscript prerm upgrade 0.0.1-1
	mscript postinst configure 0.0.1-1
	same "upgrade: svscan.service neither stopped nor restarted" "" \
		"$(grep -E 'deb-systemd-invoke (stop|restart|try-restart|reload-or-restart)|systemctl .*(stop|restart)' "$LOG")"
	LOG=$T/remove; : >"$LOG"
	mscript prerm remove
	mscript postrm remove
	mscript postrm purge
	check "remove: svscan.service stopped" grep -qx 'deb-systemd-invoke stop svscan.service' "$LOG"
	check "purge: svscan.service's enablement purged" grep -qx 'deb-systemd-helper purge svscan.service' "$LOG"
	diag "calls on install: $(tr '\n' ';' <"$T/install")"
	diag "calls on upgrade: $(tr '\n' ';' <"$T/upgrade")"
	diag "calls on remove:  $(tr '\n' ';' <"$T/remove")"
else
	skip "maintainer scripts under systemd" "no mount namespace (unshare -m) here"
fi

# The inittab entry, in a fake root (DPKG_ROOT, as dpkg --root sets it).
r=$T/root
mkdir -p "$r/etc"
printf 'id:2:initdefault:\n1:2345:respawn:/sbin/getty 38400 tty1\n' >"$r/etc/inittab"
cp "$r/etc/inittab" "$T/inittab.orig"
LOG=$T/inittab; : >"$LOG"
DPKG_ROOT=$r "$T/ctl/postinst" configure >>"$T/mlog" 2>&1
check "sysvinit: postinst adds the SV entry" \
	grep -qx 'SV:123456:respawn:/usr/bin/svscanboot' "$r/etc/inittab"
DPKG_ROOT=$r "$T/ctl/postinst" configure 0.0.1-1 >>"$T/mlog" 2>&1
same "sysvinit: an upgrade adds no second entry" 1 "$(grep -c '^SV:' "$r/etc/inittab")"
DPKG_ROOT=$r "$T/ctl/postrm" remove >>"$T/mlog" 2>&1
same "sysvinit: postrm restores inittab" "" "$(diff "$T/inittab.orig" "$r/etc/inittab")"
same "sysvinit: no telinit outside a running sysvinit" "" "$(grep "^telinit" "$LOG")"

done_testing
