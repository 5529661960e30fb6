#!/bin/sh
# SPDX-License-Identifier: ISC
# svwatch (DESIGN.md section 6): one event per incident, a handler run one
# at a time with a time limit, a hanging or failing handler never stops
# it, services added and removed later followed, -i for standing problems.
# Crashes are released one at a time through a fifo; every wait is on the
# events file the handler writes, or on supervise's durable state fields.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

expect_exit 100 "usage" svwatch "$T"
expect_exit 111 "missing scan directory: 111" svwatch "$T/nothere" true
same "missing scan directory: says why" \
	"svwatch: fatal: unable to watch $T/nothere: file does not exist" "$(cat "$T/err")"

S=$T/service
mkdir "$S"
E=$T/events
cat >"$T/alert" <<EOS
#!/bin/sh
echo "\$*" >>$E
[ "\$1" = hang ] && exec sleep 1000
[ "\$1" = bad ] && exit 3
exit 0
EOS
chmod +x "$T/alert"
has_event() { grep -qx -- "$1" "$E" 2>/dev/null; }
count_events() { cat "$E" 2>/dev/null | grep -c -- "$1"; }
state_of() { sed -n "s/^$2=//p" "$1/supervise/state" 2>/dev/null; }
failures_are() { [ "$(state_of "$1" failures)" = "$2" ]; }

# c: a crash loop released by hand, give-up 5; HEALTHY 1000 s, so that no
# run between two releases is ever healthy, however loaded the machine
# (a run of a few seconds between two releases once reset the count). The
# recovery below lowers it first (supervise and svwatch read the file anew).
mkcrash() {
	mkdir "$1"
	mkfifo "$1/gate"
	printf '#!/bin/sh\necho "start $$" >>log\nread x <gate\nexit 1\n' >"$1/run"
	chmod +x "$1/run"
	echo "0.01 0.01 1000" >"$1/backoff"
}
mkcrash "$T/c"
echo 5 >"$T/c/give-up"
mksvc "$T/hang"
mksvc "$T/bad"
ln -s "$T/c" "$S/c"
ln -s "$T/hang" "$S/hang"
ln -s "$T/bad" "$S/bad"
start_svscan "$S"
wait_until 30 svok "$T/c" && wait_until 30 svok "$T/hang" && wait_until 30 svok "$T/bad"
wait_until 30 ran "$T/hang"

# x gives up at its first run before svwatch starts: with -i, svwatch
# reports it, and a handler runs only once its first look at every
# service is over, so that event says svwatch is watching.
mkdir "$T/x"
printf '#!/bin/sh\nexit 1\n' >"$T/x/run"
chmod +x "$T/x/run"
echo 1 >"$T/x/give-up"
ln -s "$T/x" "$S/x"
check "x failed before svwatch starts" wait_until 30 sh -c '[ "$(sed -n "s/^state=//p" "$1/supervise/state")" = failed ]' - "$T/x"
svwatch -i -t 1 "$S" "$T/alert" 2>"$T/watch.err" &
WPID=$!
track $WPID
check "-i: a service failed at start is reported" wait_until 30 has_event "x failed give-up"
svc -k "$T/bad"   # a manual kill is not a failure: no event
k=1
while [ $k -le 5 ]; do
	echo go >"$T/c/gate"
	wait_until 30 failures_are "$T/c" $k || diag "no failure $k"
	k=$((k + 1))
done
check "give-up 5: failed" wait_until 30 has_event "c failed give-up"
check "failing reported" has_event "c failing exit 1"
same "exactly one failing and one failed for five crashes" "1 1" \
	"$(count_events '^c failing') $(count_events '^c failed')"
same "a manual kill is no incident" 0 "$(count_events '^bad')"

# recovered: svc -u, and up for HEALTHY (now 1 s) by supervise's label.
echo "0.01 0.01 1" >"$T/c/backoff"
svc -u "$T/c"
check "recovered after svc -u and a healthy run" wait_until 30 sh -c 'grep -q "^c recovered [0-9][0-9]*$" "$1"' - "$E"
echo go >"$T/c/gate" # let it exit; its next run waits again

# unsupervised, supervised: a supervise killed and restarted by svscan.
sp=$(sup_pid "$T/hang")
kill -KILL "$sp"
check "unsupervised reported" wait_until 30 has_event "hang unsupervised -"
check "supervised reported" wait_until 30 has_event "hang supervised -"

# The handler for hang's first event hangs: killed after 1 s, and later
# events are still delivered, one at a time. A failing handler is warned.
check "a hanging handler is killed" wait_until 30 grep -q "took more than 1 seconds for hang unsupervised: killed" "$T/watch.err"
sp=$(sup_pid "$T/bad")
kill -KILL "$sp"
check "after the hang: events still delivered" wait_until 30 has_event "bad unsupervised -"
check "a failing handler is warned about" wait_until 30 grep -q "alert exited 3 for bad unsupervised" "$T/watch.err"
check "svwatch still runs" alive "$WPID"

# services added later are followed; removed ones are no incident.
mkcrash "$T/late"
echo 1 >"$T/late/give-up"
svlink -t 30 "$T/late" "$S" >/dev/null 2>&1
echo go >"$T/late/gate"
check "a service added later: failing and failed" wait_until 30 has_event "late failed give-up"
check "a service added later: failing once (give-up 1: then failed)" has_event "late failing exit 1"
check "a service added later: no supervised event for its first start" \
	sh -c '! grep -q "^late supervised" "$1"' - "$E"
svunlink -t 30 bad "$S" >/dev/null 2>&1
n=$(count_events '^bad')
# a marker event after the removal: anything about bad would be before it
sp=$(sup_pid "$T/hang")
kill -KILL "$sp"
wait_until 30 sh -c '[ "$(grep -c "^hang supervised" "$1")" -ge 2 ]' - "$E"
same "a removed service: no event" "$n" "$(count_events '^bad')"

# -i: standing problems at start.
S2=$T/s2
mkdir "$S2" "$S2/idle"
ln -s "$T/c" "$S2/c"
ln -s "$T/late" "$S2/late"
E2=$T/events2
printf '#!/bin/sh\necho "$*" >>%s\n' "$E2" >"$T/alert2"
chmod +x "$T/alert2"
spawn svwatch -i "$S2" "$T/alert2" 2>/dev/null
w2=$!
check "-i: a failed service" wait_until 30 grep -qx "late failed give-up" "$E2"
check "-i: an unsupervised directory" wait_until 30 grep -qx "idle unsupervised -" "$E2"
kill -TERM "$w2"
# never a lock: svwatch holds no supervise/lock (supervise would not start)
check "svwatch holds no lock" sh -c '! grep -q "^[0-9]*: FLOCK.* $1 " /proc/locks' - "$WPID"
kill -TERM "$WPID"
stop_svscan "$SVPID"
done_testing
