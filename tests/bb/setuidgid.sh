#!/bin/sh
# SPDX-License-Identifier: ISC
# setuidgid: account change as 0.76 does it, and -c: capabilities kept as
# ambient capabilities, checked by binding TCP port 80 as nobody.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin
need_root

bindport=$DT_BUILDDIR/tests/bb/bindport
nobody_ids="uid=$(id -u nobody) gid=$(id -g nobody) groups=$(id -g nobody)"
capline() { grep "^$1:" /proc/self/status | cut -f2; }

expect_exit 100 "usage: no arguments" setuidgid
same "usage message" "setuidgid: usage: setuidgid account child" "$(cat "$T/err")"
same_as_ref "usage: no child" setuidgid nobody

expect_exit 0 "runs as nobody" setuidgid nobody id
same "uid, gid and just the gid as group" "$nobody_ids" \
	"$(sed 's/([^)]*)//g' "$T/out")"
same_as_ref "id" setuidgid nobody id
same_as_ref "capabilities and groups" setuidgid nobody grep -e ^Cap -e ^Groups /proc/self/status
same_as_ref "unknown account" setuidgid dtng-no-such-user true
same_as_ref "options are not parsed" setuidgid -x nobody true
same_as_ref "child not found" setuidgid nobody dtng-no-such-program
chmod 755 "$T"
REF_WRAP="setpriv --reuid=65534 --regid=65534 --clear-groups"
same_as_ref "not root: setgid fails" setuidgid root true
REF_WRAP=

expect_exit 0 "without -c no capability survives" setuidgid nobody cat /proc/self/status
same "no ambient capabilities" 0000000000000000 "$(grep ^CapAmb: "$T/out" | cut -f2)"
same "no effective capabilities" 0000000000000000 "$(grep ^CapEff: "$T/out" | cut -f2)"

# -c: usage errors exit 100 before anything else.
expect_exit 100 "-c with an unknown capability" setuidgid -c cap_net_bind_service,cap_nope nobody true
same "unknown capability message" "setuidgid: fatal: unknown capability cap_nope" "$(cat "$T/err")"
expect_exit 100 "-c with a number" setuidgid -c 10 nobody true
expect_exit 100 "-c with an empty list" setuidgid -c '' nobody true
expect_exit 100 "-c with an empty item" setuidgid -c cap_chown, nobody true
# Blanks are refused in the argument (supervise's file allows them).
expect_exit 100 "-c with a blank after a name" setuidgid -c "cap_kill,cap_chown ,cap_fowner" nobody true
same "blank item message" "setuidgid: fatal: unknown capability cap_chown " "$(cat "$T/err")"
expect_exit 100 "-c without account" setuidgid -c cap_chown
expect_exit 100 "-c without child" setuidgid -c cap_chown nobody

expect_exit 0 "-c keeps the capability" setuidgid -c cap_net_bind_service nobody cat /proc/self/status
for set in CapInh CapPrm CapEff CapAmb CapBnd; do
	same "-c: $set is exactly cap_net_bind_service" 0000000000000400 \
		"$(grep "^$set:" "$T/out" | cut -f2)"
done
same "-c: uid is nobody's" "$(id -u nobody)" "$(grep ^Uid: "$T/out" | cut -f2)"
same "-c: groups are just the gid" "$(id -g nobody)" "$(grep ^Groups: "$T/out" | tr -d ' ' | cut -f2)"
expect_exit 0 "-cLIST attached, two capabilities" setuidgid -ccap_net_bind_service,cap_chown nobody \
	cat /proc/self/status
same "-c: two capabilities" 0000000000000401 "$(grep ^CapAmb: "$T/out" | cut -f2)"

# The point of -c: binding port 80 without root.
if ! setuidgid nobody test -x "$bindport" 2>/dev/null; then
	# A build in a private directory (dpkg-buildpackage's 0700 temp dir).
	skip "nobody cannot bind port 80" "nobody cannot reach the build directory"
	skip "nobody with -c cap_net_bind_service binds port 80" "nobody cannot reach the build directory"
	skip "another capability does not help" "nobody cannot reach the build directory"
elif [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null)" = 0 ]; then
	skip "nobody cannot bind port 80" "ip_unprivileged_port_start is 0"
	skip "nobody with -c cap_net_bind_service binds port 80" "ip_unprivileged_port_start is 0"
else
	"$bindport" 80 2>/dev/null
	case $? in
	98) skip "nobody cannot bind port 80" "port 80 in use"
	    skip "nobody with -c cap_net_bind_service binds port 80" "port 80 in use" ;;
	*)
		expect_exit 13 "nobody cannot bind port 80" setuidgid nobody "$bindport" 80
		expect_exit 0 "nobody with -c cap_net_bind_service binds port 80" \
			setuidgid -c cap_net_bind_service nobody "$bindport" 80
		expect_exit 13 "another capability does not help" \
			setuidgid -c cap_chown nobody "$bindport" 80 ;;
	esac
fi

done_testing
