# SPDX-License-Identifier: ISC
# A private cgroup root for black-box tests run as root (sourced after
# lib.sh). cg_private makes a cgroup of its own for this test under the
# test's cgroup v2 directory and exports SUPERVISE_CGROUP to it, so every
# supervise the test starts puts its dtng-* tree there; cg_cleanup (run
# at exit, also after a failure) kills what is left in it and removes it,
# so no test ever leaves a dtng-* directory in the real cgroup tree.
# Without root or cgroup v2, cg_private returns 1 and sets nothing.

CG_PRIVATE=${CG_PRIVATE:-}

# The directory of our own cgroup v2: the cgroup2 mount that shows the
# "0::" path of /proc/self/cgroup.
cg_self_dir() {
	_cgp=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$_cgp" ] || return 1
	awk -v p="$_cgp" '{
		for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup2") next
		r = $4
		if (r == "/") { print $5 (p == "/" ? "" : p); exit }
		if (index(p "/", r "/") == 1) { print $5 substr(p, length(r) + 1); exit }
	}' /proc/self/mountinfo | grep .
}

cg_private() {
	# Already made (lib.sh may do it for every test): keep it.
	[ -n "$CG_PRIVATE" ] && [ -d "$CG_PRIVATE" ] && return 0
	[ "$(id -u)" = 0 ] || return 1
	_cgd=$(cg_self_dir) || return 1
	CG_PRIVATE=$_cgd/test-${T##*/}
	if ! mkdir "$CG_PRIVATE" 2>/dev/null; then
		CG_PRIVATE=
		return 1
	fi
	SUPERVISE_CGROUP=$CG_PRIVATE
	export SUPERVISE_CGROUP
}

# rmdir, retried for 30 s or more: killed processes leave their cgroup a
# moment later (later still on a loaded machine), and rmdir says EBUSY
# until then. (Self-contained, so bench scripts can use this file without
# lib.sh.)
_cg_rmdir() {
	# Bounded by time, not by tries: under load each try (two execs) takes
	# far longer than its 10 ms sleep.
	_end=$(( $(date +%s) + 30 ))
	while [ -d "$1" ] && ! rmdir "$1" 2>/dev/null; do
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.01
	done
	return 0
}

# Everything below the private root is the test's: one cgroup.kill takes
# it all, then the directories go deepest first (a test may nest its own
# cgroups: svscan's dtng-svscan leaf inside a cgroup of the test's).
cg_cleanup() {
	[ -n "$CG_PRIVATE" ] && [ -d "$CG_PRIVATE" ] || return 0
	[ -f "$CG_PRIVATE/cgroup.kill" ] && echo 1 >"$CG_PRIVATE/cgroup.kill" 2>/dev/null
	for _l in $(find "$CG_PRIVATE" -depth -type d 2>/dev/null); do
		_cg_rmdir "$_l"
	done
}
