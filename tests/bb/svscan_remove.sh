#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan takes removed services down (DESIGN.md section 6): after a second
# without an entry; rm + ln -s within it changes nothing; a re-pointed link
# stops the old target and starts the new; a logged service removed while
# it writes loses no line (the logger drains to end of file first); what
# the service left in its cgroup goes with it; a service linked again while
# its removal runs comes back afresh; a log/ made after the start is
# warned about. Waits are on supervise's exit (svwait -x) and on svscan's
# messages, never on a transient state.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
mkdir "$S"
mksvc "$T/a"
mksvc "$T/keep"
mksvc "$T/old"
mksvc "$T/new"
ln -s "$T/a" "$S/a"
ln -s "$T/keep" "$S/keep"
ln -s "$T/old" "$S/p"
start_svscan "$S"
wait_until 30 ran "$T/a" && wait_until 30 ran "$T/keep" && wait_until 30 ran "$T/old"
wait_until 30 test -p "$T/a/supervise/control"

# ---- a removed service is taken down ----
p=$(cat "$T/a/supervise/state" 2>/dev/null | sed -n 's/^pid=//p')
rm "$S/a"
check "removed: supervise exits" wait_until 60 svwait -x -t 60 "$T/a"
check "removed: its service is gone" wait_until 30 gone "$p"
check "removed: svscan says so" err_has "svscan: info: a removed: taking it down"
same "removed: left down (supervise/state)" down "$(sed -n 's/^state=//p' "$T/a/supervise/state")"

# ---- rm + ln -s within the second: nothing happens ----
kp=$(sup_pid "$T/keep")
rm "$S/keep" && ln -s "$T/keep" "$S/keep"
# Two seconds later (svscan's deadline was one), and after a scan for a
# new entry, the same supervise still runs.
t0=$(date +%s%N)
later() { [ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 2000 ]; }
wait_until 30 later
mksvc "$T/mark"
ln -s "$T/mark" "$S/mark"
wait_until 30 ran "$T/mark"
same "rm + ln -s: the same supervise" "$kp" "$(sup_pid "$T/keep")"
check "rm + ln -s: no removal" sh -c '! grep -q "keep removed" "$1"' - "$T/err.svscan"

# ---- a re-pointed link: the old target stops, the new starts ----
ln -sfn "$T/new" "$S/p"
check "re-pointed: the new target starts" wait_until 30 ran "$T/new"
check "re-pointed: the old target's supervise exits" svwait -x -t 60 "$T/old"
check "re-pointed: the new one keeps running" has_sup "$T/new"

# ---- a logged service removed mid-stream: every line on disk ----
W=$T/wr
mkwriter "$T/l" "$W"
L=$T/l/log/main
ln -s "$T/l" "$S/l"
check "logged: lines flow" wait_until 30 log_has_lines "$L" 2000
rm "$S/l"
check "logged: both supervises exit" svwait -x -t 120 "$T/l" "$T/l/log"
# No waiting: the logger read to end of file before its supervise exited.
check "logged: no line lost or doubled" log_complete "$L" "$W"
log_complete "$L" "$W" || log_diag "$L" "$W"

# ---- the service's cgroup is emptied: a child that ignores TERM goes too ----
mksvc "$T/c" 'sh -c '"'"'trap "" TERM; echo $$ >kid; exec sleep 300'"'"' & exec sleep 300'
ln -s "$T/c" "$S/c"
wait_until 30 test -s "$T/c/kid"
kid=$(cat "$T/c/kid")
track_extra "$kid"
rm "$S/c"
check "cgroup: supervise exits" svwait -x -t 60 "$T/c"
check "cgroup: the child that ignored TERM is gone" wait_until 30 gone "$kid"

# ---- linked again while its removal runs: taken down, then back afresh ----
# A finish that waits on a fifo holds the removal (supervise is finishing)
# until the link is back.
mksvc "$T/r"
mkfifo "$T/r/hold"
printf '#!/bin/sh\nread x <hold\n' >"$T/r/finish"
chmod +x "$T/r/finish"
ln -s "$T/r" "$S/r"
wait_until 30 ran "$T/r"
rp=$(sup_pid "$T/r")
rm "$S/r"
check "race: removal begins" wait_until 30 err_has "r removed: taking it down"
finishing() { [ "$(sed -n 's/^state=//p' "$T/r/supervise/state")" = finishing ]; }
check "race: held in finish" wait_until 30 finishing
ln -s "$T/r" "$S/r"
echo go >"$T/r/hold"
check "race: the old supervise exits" wait_until 30 gone "$rp"
check "race: a new supervise starts it again" wait_until 30 ran_n "$T/r" 2
check "race: and keeps it" wait_until 30 has_sup "$T/r"

# ---- a log/ made after the service started ----
mksvc "$T/h"
ln -s "$T/h" "$S/h"
wait_until 30 ran "$T/h"
mkdir "$T/h/log"
kill -HUP "$SVPID"
check "late log/: warned" wait_until 30 err_has \
	"svscan: warning: h/log appeared after h started: h's output is not logged until h restarts"

stop_svscan "$SVPID"
same "svscan exits 0" 0 "$SVRC"
done_testing
