#!/bin/sh
# SPDX-License-Identifier: ISC
# svlink and svunlink (DESIGN.md section 6): the seed's add and remove
# cookbooks as one command each, waiting for the result; checks before
# anything is created; an existing name is never replaced; a removed
# logged service loses no line; svunlink under daemontools 0.76's svscan
# (which leaves removed services running) takes the service down itself.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
mkdir "$S"
entries() { ls -A "$S" | tr '\n' ' '; }

# ---- checks before anything is created ----
mkdir "$T/norun" "$T/noexec" "$T/badlog" "$T/badlog/log"
echo 'echo hi' >"$T/noexec/run"
printf '#!/bin/sh\nexec sleep 300\n' >"$T/badlog/run"
chmod +x "$T/badlog/run"
expect_exit 100 "svlink: no run: exit 100" svlink "$T/norun" "$S"
expect_exit 100 "svlink: run not executable: exit 100" svlink "$T/noexec" "$S"
same "svlink: says why" "svlink: fatal: $T/noexec/run is not an executable file: nothing linked" \
	"$(cat "$T/err")"
expect_exit 100 "svlink: log/ without an executable run: exit 100" svlink "$T/badlog" "$S"
expect_exit 100 "svlink: missing directory: exit 100" svlink "$T/nothere" "$S"
expect_exit 100 "svlink: usage" svlink
expect_exit 100 "svlink: bad -t" svlink -t x "$T/badlog" "$S"
same "svlink: nothing created by a failed check" "" "$(entries)"

# ---- no svscan: the link stays, svlink times out ----
mksvc "$T/lonely"
expect_exit 99 "svlink: no svscan: times out (99)" svlink -t 0.5 "$T/lonely" "$S"
same "svlink: the link is left in place" "$T/lonely" "$(readlink "$S/lonely")"
rm "$S/lonely"

start_svscan "$S"

# ---- add: one command, waits until service and logger are up ----
W=$T/wr
mkwriter "$T/w" "$W"
expect_exit 0 "svlink: service with a logger up" svlink "$T/w" "$S"
check "svlink: service up when it returns" sh -c 'svstat "$1" | grep -q ": up "' - "$T/w"
check "svlink: logger up when it returns" sh -c 'svstat "$1/log" | grep -q ": up "' - "$T/w"
same "svlink: an absolute symlink named after DIR" "$T/w" "$(readlink "$S/w")"
(cd "$T" && svlink w "$S") >"$T/out" 2>"$T/err"
same "svlink: an existing name is never replaced (111)" 111 "$?"
same "svlink: exists: says so" "svlink: fatal: unable to link $S/w: it exists" "$(cat "$T/err")"
same "svlink: no temporary name left" "w " "$(entries)"
mksvc "$T/rel"
(cd "$T" && svlink -t 30 rel/ "$S") >/dev/null 2>&1
same "svlink: a relative DIR is linked by its absolute path" "0 $T/rel" "$? $(readlink "$S/rel")"

# ---- remove: one command, waits until both supervises have exited ----
check "logged: lines flow" wait_until 30 log_has_lines "$T/w/log/main" 1000
mkdir "$T/other" && mkdir "$T/other/needs" && : >"$T/other/needs/w"
mksvc "$T/other"
svlink "$T/other" "$S" >/dev/null 2>&1
expect_exit 0 "svunlink NAME: 0" svunlink w "$S"
same "svunlink: warns about a service that needs it" "svunlink: warning: other needs w" \
	"$(cat "$T/err")"
check "svunlink: the service's supervise has exited" sh -c '! svok "$1"' - "$T/w"
check "svunlink: the logger's supervise has exited" sh -c '! svok "$1/log"' - "$T/w"
check "svunlink: the link is gone" test ! -e "$S/w" -a ! -L "$S/w"
check "svunlink: no line lost" log_complete "$T/w/log/main" "$W"
log_complete "$T/w/log/main" "$W" || log_diag "$T/w/log/main" "$W"
expect_exit 0 "svunlink DIR: 0" svunlink "$T/rel" "$S"
check "svunlink DIR: its supervise has exited" sh -c '! svok "$1"' - "$T/rel"
expect_exit 100 "svunlink: no such entry: 100" svunlink nothere "$S"
echo not a link >"$S/real"
expect_exit 100 "svunlink: only a symbolic link is removed: 100" svunlink real "$S"
check "svunlink: the file is still there" test -f "$S/real"
rm "$S/real"
expect_exit 100 "svunlink: DIR not linked there: 100" svunlink "$T/lonely" "$S"
stop_svscan "$SVPID"

# ---- under daemontools 0.76's svscan ----
if have_ref svscan; then
	S2=$T/service76
	mkdir "$S2"
	# 0.76's svscan starts the supervise found in PATH: ours. It scans
	# every 5 s, so the waits are long.
	/usr/bin/svscan "$S2" 2>>"$T/err.svscan76" &
	p76=$!
	track $p76
	W2=$T/wr2
	mkwriter "$T/v" "$W2"
	expect_exit 0 "0.76 svscan: svlink waits for its 5 s scan" svlink -t 60 "$T/v" "$S2"
	check "0.76 svscan: lines flow" wait_until 30 log_has_lines "$T/v/log/main" 1000
	expect_exit 0 "0.76 svscan: svunlink takes it down itself" svunlink -t 60 v "$S2"
	check "0.76 svscan: service's supervise gone" sh -c '! svok "$1"' - "$T/v"
	check "0.76 svscan: logger's supervise gone" sh -c '! svok "$1/log"' - "$T/v"
	check "0.76 svscan: still running" alive "$p76"
	kill -TERM "$p76"
else
	skip "0.76 svscan: svunlink takes it down itself" "daemontools not installed"
fi

done_testing
