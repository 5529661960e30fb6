#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan's side of the cgroup layout (issue 15): in a cgroup v2 directory
# of its own, svscan moves into its ./dtng-svscan leaf, so that the
# directory (the root of the services' cgroups) holds no process and
# supervise can enable controllers in it; supervise still takes that
# directory as its root. svscan stays where it is when another process
# shares its cgroup, and when SUPERVISE_CGROUP names the root. The layout
# acting with real controllers (memory.max, pids.max under systemd) is
# tested in the VM: tests/system/job-limits.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

need_root
[ -n "$CG_PRIVATE" ] && [ -d "$CG_PRIVATE" ] ||
	skip_all "cannot make a private cgroup v2 directory here"

# Each svscan here runs in a cgroup C below the test's private cgroup;
# removed at exit deepest first (cg_cleanup only knows two levels).
_cgs=
cg_rm_tree() {
	[ -d "$1" ] || return 0
	[ -f "$1/cgroup.kill" ] && echo 1 >"$1/cgroup.kill" 2>/dev/null
	for _d in $(find "$1" -mindepth 1 -type d | sort -r); do
		_cg_rmdir "$_d"
	done
	_cg_rmdir "$1"
}
trap '_svscan_cleanup; for c in $_cgs; do cg_rm_tree "$c"; done; cg_cleanup' EXIT

# svscan_in C DIR [VAR=VALUE...]: svscan on DIR started inside cgroup C
# (made here), without the SUPERVISE_CGROUP of lib.sh unless given.
svscan_in() {
	_c=$1 _d=$2
	shift 2
	if [ ! -d "$_c" ]; then
		mkdir "$_c" || return 1
		_cgs="$_c $_cgs"
	fi
	env -u SUPERVISE_CGROUP "$@" sh -c 'echo $$ >"$1/cgroup.procs" && exec svscan "$2"' \
		sh "$_c" "$_d" 2>>"$T/err.svscan" &
	SVPID=$!
	_svpids="$_svpids $SVPID"
}
stateval() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
started() { [ -n "$(stateval "$1" cgroup)" ] && ran "$1"; }
in_cg() { grep -qx "$1" "$2/cgroup.procs" 2>/dev/null; }

# --- alone in its cgroup: svscan moves into C/dtng-svscan
C=$CG_PRIVATE/alone
S=$T/s1
mksvc "$S/a"
svscan_in "$C" "$S"
# svscan moves before it starts anything: once the service has run, where
# svscan sits is final.
check "alone: the service started" wait_until 30 started "$S/a"
check "alone: svscan is in C/dtng-svscan" in_cg "$SVPID" "$C/dtng-svscan"
same "alone: C itself holds no process" "" "$(cat "$C/cgroup.procs")"
same "alone: the service's cgroup is C/dtng-DEV-INO (svscan's leaf stripped)" \
	"$C/dtng-$(stat -c %d-%i "$S/a")" "$(stateval "$S/a" cgroup)"
cg=$(stateval "$S/a" cgroup)
check "alone: run is in its service/ leaf" in_cg "$(stateval "$S/a" pid)" "$cg/service"
check "alone: supervise moves into its supervise/ leaf" \
	wait_until 30 in_cg "$(stateval "$S/a" supervise_pid)" "$cg/supervise"
same "alone: no warning from svscan or supervise" "" "$(cat "$T/err.svscan")"
stop_svscan "$SVPID"
same "alone: svscan exits 0 on SIGTERM" 0 "$SVRC"
check "alone: supervise removed the service's cgroup" test ! -e "$cg"

# --- sharing its cgroup with another process: svscan stays
C=$CG_PRIVATE/shared
S=$T/s2
mksvc "$S/a"
mkdir "$C" && _cgs="$C $_cgs"
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' sh "$C" &
other=$!
track "$other"
check "shared: the other process is in C" wait_until 30 in_cg "$other" "$C"
svscan_in "$C" "$S"
check "shared: the service started" wait_until 30 started "$S/a"
check "shared: svscan stays in C" in_cg "$SVPID" "$C"
check "shared: no dtng-svscan leaf made" test ! -e "$C/dtng-svscan"
same "shared: the service's cgroup is C/dtng-DEV-INO" \
	"$C/dtng-$(stat -c %d-%i "$S/a")" "$(stateval "$S/a" cgroup)"
stop_svscan "$SVPID"
same "shared: svscan exits 0 on SIGTERM" 0 "$SVRC"

# --- SUPERVISE_CGROUP names the root: svscan stays
C=$CG_PRIVATE/override
S=$T/s3
mksvc "$S/a"
mkdir "$CG_PRIVATE/root3" && _cgs="$CG_PRIVATE/root3 $_cgs"
svscan_in "$C" "$S" SUPERVISE_CGROUP="$CG_PRIVATE/root3"
check "override: the service started" wait_until 30 started "$S/a"
check "override: svscan stays in C" in_cg "$SVPID" "$C"
check "override: no dtng-svscan leaf made" test ! -e "$C/dtng-svscan"
same "override: the service's cgroup is below SUPERVISE_CGROUP" \
	"$CG_PRIVATE/root3/dtng-$(stat -c %d-%i "$S/a")" "$(stateval "$S/a" cgroup)"
stop_svscan "$SVPID"
same "override: svscan exits 0 on SIGTERM" 0 "$SVRC"

done_testing
