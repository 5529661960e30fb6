# SPDX-License-Identifier: ISC
# Guest side of the system tests: sourced by each job in the VM (the job
# directory is /job, the packages are in it). Prints one PASS or FAIL line
# per check; the job exits 1 if any failed. Waits are for durable states,
# each with a generous limit that only stops a job that would hang.

_failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; _failed=$((_failed + 1)); }
note() { echo "# $*"; }
check() { # DESC CMD...
	_d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then pass "$_d"; else
		fail "$_d"
		sed 's/^/#   /' /tmp/check.out | tail -n 20
	fi
}
same() { # DESC WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1"; echo "#   want: $2"; echo "#   got:  $3"; fi
}
# wait_until SECONDS CMD...: polls CMD until it succeeds; 1 if it never does.
wait_until() {
	_lim=$(( $1 * 10 ))
	shift
	_i=0
	until "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -ge "$_lim" ] && return 1
		sleep 0.1
	done
}
finish() { [ "$_failed" = 0 ]; exit $?; }

# The packages passed in with the job.
NG=$(ls /job/daemontools-ng_*.deb 2>/dev/null | head -n 1)
RUN=$(ls /job/daemontools-ng-run_*.deb 2>/dev/null | head -n 1)

install_pkgs() {
	[ -f "$NG" ] && [ -f "$RUN" ] || { fail "the packages are in /job"; finish; }
	check "dpkg -i daemontools-ng daemontools-ng-run" dpkg -i "$NG" "$RUN"
	check "svscan.service is active" wait_until 60 systemctl is-active -q svscan.service
}

# The cgroup directory of the unit svscan.service.
unit_cg() { echo "/sys/fs/cgroup$(systemctl show -p ControlGroup --value svscan.service)"; }
svscan_pid() { systemctl show -p MainPID --value svscan.service; }
# up DIR...: waits until supervise runs for each DIR (svok: a fresh link
# takes svscan a moment), then for each service to be up (svwait -u).
up() {
	for _u in "$@"; do
		wait_until 60 svok "$_u" || { echo "no supervise for $_u"; return 1; }
	done
	svwait -u -t 60 "$@"
}
stateval() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
# All the pids in a cgroup tree.
tree_pids() { find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null; }
