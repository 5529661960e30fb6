#!/bin/sh
# SPDX-License-Identifier: ISC
# The Debian build as Debian's build daemons run it: an ordinary user,
# dpkg-buildpackage -rfakeroot, the test suite included (no nocheck). The
# build succeeds, and every test passes or skips with a reason (tests that
# need root say "needs root"). Slow (the whole suite runs once more), so not
# in tests/pkg/run's default list: sh tests/pkg/run deb-nonroot-test
# Root is needed only to make the throwaway build user (removed at exit).
. "$DT_SRCDIR/tests/bb/lib.sh"
: "${DT_BUILDDIR:?}"

need_root
command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-buildpackage missing (Debian package dpkg-dev)"
[ -f /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm ] || skip_all "debhelper missing (Debian package debhelper)"
command -v fakeroot >/dev/null || skip_all "fakeroot missing (Debian package fakeroot)"
command -v useradd >/dev/null || skip_all "useradd missing (Debian package passwd)"

u=dtng-pkgbuild
made=
if ! id -u "$u" >/dev/null 2>&1; then
	useradd -M -d /nonexistent -s /bin/sh "$u" || skip_all "cannot add a build user"
	made=1
fi
b=$(mktemp -d "${TMPDIR:-/tmp}/dtng-nonroot.XXXXXX") || exit 99
trap 'rm -rf "$b"; [ -z "$made" ] || userdel "$u" 2>/dev/null; _cleanup' EXIT

expect_exit 0 "make dist" make -s -C "$DT_BUILDDIR" dist-gzip
set -- "$DT_BUILDDIR"/daemontools-ng-*.tar.gz
tarball=$1
v=$(basename "$tarball" .tar.gz)
v=${v#daemontools-ng-}
cp "$tarball" "$b/daemontools-ng_$v.orig.tar.gz"
tar -C "$b" -xzf "$tarball"
src=$b/daemontools-ng-$v
cp -r "$src/packaging/debian" "$src/debian"
chown -R "$u:" "$b"
chmod 755 "$b"

s=$(date +%s)
su "$u" -s /bin/sh -c 'cd "$1" && HOME=$2 DEB_BUILD_OPTIONS="parallel=$3" \
	dpkg-buildpackage -us -uc -b -rfakeroot' \
	sh "$src" "$b" "$(nproc 2>/dev/null || echo 1)" >"$T/build.log" 2>&1
r=$?
diag "dpkg-buildpackage as $u: $(( $(date +%s) - s )) s"
same "dpkg-buildpackage -rfakeroot as a plain user: exit 0" 0 "$r"
[ "$r" = 0 ] || diag "$(tail -n 30 "$T/build.log")"
check "both packages built" sh -c 'ls "$1"/daemontools-ng_*.deb "$1"/daemontools-ng-run_*.deb >/dev/null' sh "$b"
check "the test suite ran" grep -q '^# TOTAL:' "$T/build.log"
diag "$(grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$T/build.log" | tr '\n' ' ')"
same "no test failed as a plain user" "" "$(grep -E '^(FAIL|ERROR|XPASS):' "$T/build.log")"
# A skip names its reason: "file.sh - REASON" (whole file) or "# SKIP REASON".
# (Only automake's result lines: a failed suite also dumps test-suite.log,
# whose section headers are "SKIP: NAME" alone.)
same "every skip gives its reason" "" \
	"$(grep -E '^SKIP: [^ ]+( [0-9]+ - .*|\.sh| - .*)$' "$T/build.log" |
		grep -Ev '# SKIP .*[^ ]|^SKIP: [^ ]+ - .*[^ ]$' | sort -u)"
done_testing
