#!/bin/sh
# SPDX-License-Identifier: ISC
# The RPM packages: `make rpm` builds them with rpmbuild -bb from the dist
# tarball; they hold what `make install` installs, split as the Debian
# packages are, and their scriptlets enable svscan on install, stop it on
# erase only, and never restart it on upgrade.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/pkg/lib.sh"
: "${DT_BUILDDIR:?}"

command -v rpmbuild >/dev/null || skip_all "rpmbuild missing (Debian package rpm)"
stage_install "$T/inst" /usr/lib/systemd/system || { cat "$T/install.out"; skip_all "make install failed"; }
need_programs "$T/inst"

expect_exit 0 "make rpm" make -s -C "$DT_BUILDDIR" rpm
[ -s "$T/err" ] && diag "$(tail -n 20 "$T/err")"
ver=$(sed -n 's/^PACKAGE_VERSION = //p' "$DT_BUILDDIR/Makefile")
set -- "$DT_BUILDDIR"/daemontools-ng-"$ver"-*.rpm
ng=$1
set -- "$DT_BUILDDIR"/daemontools-ng-run-"$ver"-*.noarch.rpm
run=$1
[ -f "$ng" ] && [ -f "$run" ] || { fail "both packages built"; done_testing; }
pass "both packages built: $(basename "$ng") $(basename "$run")"
same "spec Version = configure's version" "$ver" "$(rpm -qp --qf '%{VERSION}' "$ng" 2>/dev/null)"

# rpm -qlp: exactly make install's files, plus the scan directory (and
# the LICENSE that %license puts in /usr/share/licenses).
{ (cd "$T/inst" && find . ! -type d | sed 's|^\.||'); echo /etc/service; } |
	sort >"$T/want"
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$ng" "$run" 2>/dev/null |
	awk '$1 !~ /^d/ || $2 == "/etc/service" { print $2 }' |
	sed 's|\.gz$||' | grep -v '^/usr/lib/\.build-id' | grep -v '^/usr/share/licenses/' |
	sort >"$T/got"
same "rpm -qlp = make install's files + /etc/service" "" "$(diff "$T/want" "$T/got")"
check "-run holds svscan.service" sh -c 'rpm -qlp "$1" 2>/dev/null | grep -qx /usr/lib/systemd/system/svscan.service' sh "$run"
check "-run holds no program" sh -c '! rpm -qlp "$1" 2>/dev/null | grep -q "^/usr/bin/"' sh "$run"

# Relations.
rpm -qp --provides "$ng" >"$T/prov" 2>/dev/null
check "daemontools-ng provides daemontools" grep -q '^daemontools = ' "$T/prov"
check "daemontools-ng conflicts with daemontools" \
	sh -c 'rpm -qp --conflicts "$1" 2>/dev/null | grep -qx daemontools' sh "$ng"
check "-run requires daemontools-ng of the same version" \
	sh -c 'rpm -qp --requires "$1" 2>/dev/null | grep -q "^daemontools-ng = $2-"' sh "$run" "$ver"

# Scriptlets: run them with $1 as rpm passes it (1 = install, 2 = upgrade,
# 0 = erase) against a logging systemctl, with /run/systemd/system present in
# a private mount namespace.
rpm -qp --scripts "$run" >"$T/scripts" 2>/dev/null
diag "$(cat "$T/scripts")"
awk -v d="$T" '
	/^[a-z]+ scriptlet/ { f = d "/" $1; next }
	f { print > f }' "$T/scripts"
for s in postinstall preuninstall postuninstall; do
	check "scriptlet $s present" test -s "$T/$s"
done
check "no restart anywhere in the scriptlets" sh -c '! grep -v "^#" "$1" | grep -iq restart' sh "$T/scripts"
mkdir -p "$T/stub"
printf '#!/bin/sh\necho "systemctl $*" >>"$LOG"\n' >"$T/stub/systemctl"
chmod +x "$T/stub/systemctl"
scriptlet() { # NAME ARG
	unshare -m --propagation private sh -c '
		mount -t tmpfs none /run && mkdir -p /run/systemd/system || exit 99
		exec sh "$1" "$2"' sh "$T/$1" "$2" </dev/null >>"$T/slog" 2>&1
}
if unshare -m --propagation private true 2>/dev/null; then
	export LOG PATH="$T/stub:$PATH"
	LOG=$T/install; : >"$LOG"
	scriptlet postinstall 1
	check "install: svscan.service enabled and started" \
		grep -Eq 'systemctl .*enable --now svscan.service' "$LOG"
	LOG=$T/upgrade; : >"$LOG"
	scriptlet postinstall 2
	scriptlet preuninstall 1
	scriptlet postuninstall 1
	same "upgrade: svscan.service neither stopped nor restarted" "" \
		"$(grep -E 'stop|restart|disable' "$LOG")"
	LOG=$T/erase; : >"$LOG"
	scriptlet preuninstall 0
	scriptlet postuninstall 0
	check "erase: svscan.service stopped" grep -Eq 'systemctl .*(disable --now|stop) svscan.service' "$LOG"
	diag "calls on install: $(tr '\n' ';' <"$T/install")"
	diag "calls on upgrade: $(tr '\n' ';' <"$T/upgrade")"
	diag "calls on erase:   $(tr '\n' ';' <"$T/erase")"
else
	skip "scriptlets under systemd" "no mount namespace (unshare -m) here"
fi

# The /service choice: the scan directory follows --define 'scandir ...'.
spec=$DT_SRCDIR/packaging/rpm/daemontools-ng.spec
scandir_of() { rpmspec -P "$@" "$spec" 2>/dev/null | sed -n 's/^%dir //p'; }
if command -v rpmspec >/dev/null; then
	same "spec: default scan directory" /etc/service "$(scandir_of)"
	same "spec: --define 'scandir /service'" /service "$(scandir_of --define 'scandir /service')"
else
	skip "spec: scan directory" "rpmspec missing"
fi
done_testing
