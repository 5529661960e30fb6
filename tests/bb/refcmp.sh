# SPDX-License-Identifier: ISC
# Side-by-side comparison with daemontools 0.76 (Debian's /usr/bin/PROG).
# Source after lib.sh.

# same_as_ref DESC PROG ARGS...: runs our PROG and /usr/bin/PROG with the same
# arguments (both run under $REF_WRAP when set, e.g. a setpriv command),
# stdin from $REF_STDIN or /dev/null; passes when the exit codes, stdout and
# stderr are identical; skips where the reference is not installed.
same_as_ref() {
	_d=$1 _p=$2
	shift 2
	if ! have_ref "$_p"; then
		skip "$_d (same as 0.76)" "daemontools not installed"
		return
	fi
	$REF_WRAP "$DT_BINDIR/$_p" "$@" <"${REF_STDIN:-/dev/null}" >"$T/new.out" 2>"$T/new.err"
	_nr=$?
	$REF_WRAP "/usr/bin/$_p" "$@" <"${REF_STDIN:-/dev/null}" >"$T/ref.out" 2>"$T/ref.err"
	_rr=$?
	if [ "$_nr" = "$_rr" ] && cmp -s "$T/new.out" "$T/ref.out" &&
		cmp -s "$T/new.err" "$T/ref.err"; then
		pass "$_d (same as 0.76)"
	else
		fail "$_d (same as 0.76)"
		diag "exit: ours $_nr, 0.76 $_rr"
		diag "$(diff "$T/ref.out" "$T/new.out"; diff "$T/ref.err" "$T/new.err")"
	fi
}
