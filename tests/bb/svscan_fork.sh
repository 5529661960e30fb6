#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan runs supervise in a fork of itself when the supervise on PATH is the
# one installed beside it; the child must look and behave like an exec'd one.
# Any other supervise (earlier in PATH, or replaced since svscan started) is
# exec'd, as in 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
mkdir "$S"
mksvc "$S/a" 'echo line; exec sleep 300'
mkdir "$S/a/log"
printf '#!/bin/sh\nexec cat >>out\n' >"$S/a/log/run"
chmod +x "$S/a/log/run"
start_svscan "$S"
check "service started" wait_until 30 ran "$S/a"
check "logger got the line" wait_until 30 grep -q line "$S/a/log/out"
main=$(sup_pid "$S/a")
log=$(sup_pid "$S/a/log")
same "comm of the service's supervise" supervise "$(cat /proc/"$main"/comm)"
same "argv of the service's supervise" "supervise|a|" "$(tr '\0' '|' </proc/"$main"/cmdline)"
same "argv of the log's supervise" "supervise|log|" "$(tr '\0' '|' </proc/"$log"/cmdline)"
same "runs svscan's code (no exec)" "$(readlink /proc/"$SVPID"/exe)" "$(readlink /proc/"$main"/exe)"
check "pgrep -f finds it by its argv" sh -c "pgrep -f '^supervise a\$' | grep -qx $main"
check "pidof finds it" sh -c "pidof supervise | tr ' ' '\n' | grep -qx $main"

# Nothing of svscan's is left in the child: no inotify, no second epoll or
# signalfd, no other service's pipe; only what an exec'd supervise opens.
fds() { ls -l /proc/"$1"/fd 2>/dev/null | sed -n 's/.* -> //p'; }
check "no inotify fd in supervise" sh -c "! ls -l /proc/$main/fd | grep -q inotify"
same "one epoll fd (its own)" 1 "$(fds "$main" | grep -c eventpoll)"
same "one signalfd (its own)" 1 "$(fds "$main" | grep -c signalfd)"
same "one pipe in the service's supervise (stdout to the logger)" 1 "$(fds "$main" | grep -c '^pipe:')"
same "the logger's supervise reads that pipe" "$(readlink /proc/"$main"/fd/1)" "$(readlink /proc/"$log"/fd/0)"
# svscan blocks CHLD TERM HUP ALRM PIPE for its signalfd; supervise blocks
# CHLD TERM PIPE: HUP and ALRM must not stay blocked.
blk=$(awk '/^SigBlk:/ { print $2 }' /proc/"$main"/status)
same "signal mask is supervise's own (PIPE TERM CHLD)" 0000000000015000 "$blk"
svc=$(children "$main")
same "the service's signal mask is empty" 0000000000000000 \
	"$(awk '/^SigBlk:/ { print $2 }' /proc/"$svc"/status)"
check "svstat reads it" sh -c "svstat '$S/a' | grep -q '^$S/a: up (pid $svc)'"
svc -t "$S/a"
check "svc -t restarts the service" wait_until 30 sh -c "[ \$(wc -l <'$S/a/ran') -ge 2 ]"
stop_svscan "$SVPID"
same "shutdown exits 0" 0 "$SVRC"

# Another supervise earlier in PATH: exec'd, as 0.76 would.
mkdir "$T/bin"
cp "$DT_BINDIR/supervise" "$T/bin/supervise"
S2=$T/service2
mkdir "$S2"
mksvc "$S2/b"
# svscan inherits an fd without close-on-exec; the supervise it execs
# must not (lx_child_hygiene, as for every child).
exec 7>"$T/leak7"
start_svscan "$S2" PATH="$T/bin:$PATH"
exec 7>&-
check "service started with the other supervise" wait_until 30 ran "$S2/b"
b=$(sup_pid "$S2/b")
same "that supervise is exec'd from PATH" "$T/bin/supervise" "$(readlink /proc/"$b"/exe)"
same "and has not the fd svscan inherited" "" \
	"$(for f in /proc/"$b"/fd/*; do readlink "$f"; done | grep -x "$T/leak7")"
stop_svscan "$SVPID"

# The supervise beside svscan replaced while svscan runs (an upgrade): the
# new file is exec'd, not svscan's older copy of the code.
mkdir "$T/inst"
cp "$DT_BINDIR/svscan" "$DT_BINDIR/supervise" "$T/inst/"
S3=$T/service3
mkdir "$S3"
mksvc "$S3/c"
# A grace period of 300 s: however slow the machine, the shutdown needs no
# SIGKILL and so says nothing about one.
PATH="$T/inst:$PATH" SVSCAN_GRACE=300 "$T/inst/svscan" "$S3" 2>>"$T/err.svscan" &
SVPID=$!
_svpids="$_svpids $SVPID"
check "service started by the copied svscan" wait_until 30 ran "$S3/c"
c=$(sup_pid "$S3/c")
same "forked while supervise is the one from start" "$T/inst/svscan" "$(readlink /proc/"$c"/exe)"
cp "$DT_BINDIR/supervise" "$T/inst/supervise.new"
mv "$T/inst/supervise.new" "$T/inst/supervise"
kill -KILL "$c"
check "supervise started again" wait_until 30 sup_changed "$S3/c" "$c"
c2=$(sup_pid "$S3/c")
same "after the upgrade it is exec'd" "$T/inst/supervise" "$(readlink /proc/"$c2"/exe)"
stop_svscan "$SVPID"
same "no warnings but the kill's" "" "$(nocg "$T/err.svscan" | grep -v -e 'processes left in' -e 'killed by signal 9')"
done_testing
