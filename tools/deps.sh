# SPDX-License-Identifier: ISC
# Debian 12 packages the build and the tests need. Sourced by tools/test and
# tools/demo. ensure_pkgs installs the missing ones as root (apt-get), and
# as any other user prints the exact command and fails.
BUILD_PKGS="gcc make autoconf automake pkg-config liburing-dev"
# prometheus (promtool) and prometheus-node-exporter: svstat -p's checks
# (the test starts its own node_exporter on a free port of 127.0.0.1).
TEST_PKGS="libcriterion-dev libcap-dev daemontools runit s6 strace util-linux procps psmisc e2fsprogs xz-utils systemd tzdata time prometheus prometheus-node-exporter curl"
PKG_PKGS="debhelper dpkg-dev fakeroot lintian rpm debootstrap"
# CI's system stage: the VM test bed of tests/system (qemu, debootstrap).
SYSTEM_PKGS="qemu-system-x86 qemu-utils debootstrap e2fsprogs"
# Reliability stages of CI: fuzzing (clang with libFuzzer) and valgrind.
REL_PKGS="clang libclang-rt-14-dev valgrind"

ensure_pkgs() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages; as root run: apt-get install$missing" >&2
		return 1
	fi
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# No package's daemon may start (prometheus and node_exporter would
	# take ports 9090 and 9100): a policy-rc.d that refuses, for the
	# install only, where the machine has none of its own.
	norc=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d &&
			chmod 755 /usr/sbin/policy-rc.d && norc=1
	fi
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
	r=$?
	[ -n "$norc" ] && rm -f /usr/sbin/policy-rc.d
	return $r
}
