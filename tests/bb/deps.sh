#!/bin/sh
# SPDX-License-Identifier: ISC
# Dependencies end to end (DESIGN.md section 6): our svscan and our
# supervise together. The gate files alone: svscan_deps.sh; supervise's
# side alone: supervise-gate.sh. Every order here is causal, never timed:
# a service's readiness is released by the test through a fifo, and a
# dependent's start can only follow it.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

# dsvc DIR BODY: a service with notification-fd 3 whose run appends
# "NAME start" to $T/order, then runs BODY.
dsvc() {
	mkdir -p "$1"
	printf '#!/bin/sh\necho "%s start" >>%s/order\n%s\n' "$(basename "$1")" "$T" "$2" >"$1/run"
	chmod 755 "$1/run"
	echo 3 >"$1/notification-fd"
}
# gated NAME: a run body that waits for a line on $T/NAME.go, records
# "NAME ready", then tells supervise it is ready.
gated() { printf 'read x <%s/%s.go\necho "%s ready" >>%s/order\necho >&3\nexec sleep 1000' "$T" "$1" "$1" "$T"; }
needs() { mkdir -p "$1/needs" && : >"$1/needs/$2"; }
after() { mkdir -p "$1/after" && : >"$1/after/$2"; }
state_is() { [ "$(stateval "$1" state)" = "$2" ]; }
order() { tr '\n' ',' <"$T/order" 2>/dev/null; }
order_has() { grep -qx "$1" "$T/order" 2>/dev/null; }
warnings() { grep -c -- "$1" "$T/err.svscan" 2>/dev/null || :; }
all_gone() { for _p in "$@"; do gone "$_p" || return 1; done; }
svpid() { od -An -tu4 -j12 -N4 "$1/supervise/status" 2>/dev/null | tr -d ' '; }

# ---- a chain a <- b <- c, each ready only when the test says ----
S=$T/chain
for n in a b c; do mkfifo "$T/$n.go"; dsvc "$S/$n" "$(gated $n)"; done
needs "$S/b" a
needs "$S/c" b
start_svscan "$S"
check "chain: a starts" wait_until 30 order_has "a start"
check "chain: b waits for a" wait_until 30 state_is "$S/b" waiting
same "chain: b's waiting_for" a "$(stateval "$S/b" waiting_for)"
check "chain: c waits for b" wait_until 30 state_is "$S/c" waiting
same "chain: c's waiting_for" b "$(stateval "$S/c" waiting_for)"
check "chain: 0.76's svstat shows b down, want up" sh -c 'svstat "$1" | grep -q ": down .*want up"' - "$S/b"
echo go >"$T/a.go"
check "chain: b starts once a is ready" wait_until 30 order_has "b start"
check "chain: c still waits" state_is "$S/c" waiting
echo go >"$T/b.go"
check "chain: c starts once b is ready" wait_until 30 order_has "c start"
echo go >"$T/c.go"
check "chain: c ready" wait_until 30 order_has "c ready"
same "chain: start stamps in order" "a start,a ready,b start,b ready,c start,c ready," "$(order)"
same "chain: no warning" "" "$(cat "$T/err.svscan")"
stop_svscan "$SVPID"
same "chain: svscan exits 0" 0 "$SVRC"
rm -f "$T/order"

# ---- a cycle of two, a self-need, a missing service, bad names ----
S=$T/bad
: >"$T/err.svscan"
dsvc "$S/x" 'echo >&3; exec sleep 1000'
dsvc "$S/y" 'echo >&3; exec sleep 1000'
needs "$S/x" y
needs "$S/y" x
dsvc "$S/me" 'echo >&3; exec sleep 1000'
needs "$S/me" me
dsvc "$S/web" 'echo >&3; exec sleep 1000'
needs "$S/web" ghost
dsvc "$S/odd" 'echo >&3; exec sleep 1000'
# (. and .. are in every directory: not entries of the user's, never
# warned about; a name cannot hold a /.)
needs "$S/odd" .db
needs "$S/odd" "$(printf 'a\nb')"
after "$S/odd" nowhere
start_svscan "$S"
check "cycle: x starts" wait_until 30 order_has "x start"
check "cycle: y starts" wait_until 30 order_has "y start"
check "self-need: starts" wait_until 30 order_has "me start"
check "bad names: ignored, starts" wait_until 30 order_has "odd start"
check "missing: web waits" wait_until 30 state_is "$S/web" waiting
same "missing: waiting_for" ghost "$(stateval "$S/web" waiting_for)"
check "web has not started" test "$(grep -c '^web start' "$T/order")" = 0
# A dependency that never comes: svwatch reports the wait, once.
printf '#!/bin/sh\necho "$*" >>%s/watch.events\n' "$T" >"$T/walert"
chmod 755 "$T/walert"
svwatch -i -w 0.2 "$S" "$T/walert" 2>"$T/watch.err" &
wpid=$!
track $wpid
check "svwatch: the wait is reported" wait_until 30 grep -qx "web waiting ghost" "$T/watch.events"
dsvc "$S/ghost" 'echo >&3; exec sleep 1000'
check "missing: web starts once ghost appears and is ready" wait_until 30 order_has "web start"
kill -TERM $wpid
wait $wpid
same "svwatch: one event for the wait" 1 "$(grep -c '^web waiting' "$T/watch.events")"
same "svwatch: nothing said" "" "$(cat "$T/watch.err")"
# Rescans read every needs/ again: no message is repeated. svscan takes
# the HUP before the TERM (signalfd gives the lower signal first).
kill -HUP "$SVPID"
stop_svscan "$SVPID"
same "cycle: one warning" 1 "$(warnings 'svscan: warning: dependency cycle: [xy] -> [xy] -> [xy]: ignoring these needs')"
same "self-need: one warning" 1 "$(warnings 'svscan: warning: dependency cycle: me -> me: ignoring these needs')"
same "missing: one message" 1 "$(warnings 'svscan: warning: web needs ghost: no such service')"
same "bad name .db: one warning" 1 "$(warnings 'svscan: warning: odd: needs/\.db: not a service name: ignored')"
same "bad names: one warning each, on one line each" 2 "$(warnings 'svscan: warning: odd: needs/')"
same "after/ of a missing service: no message" 0 "$(warnings nowhere)"
rm -f "$T/order"

# ---- no runtime propagation; exits while a need is down are not failures ----
S=$T/run
dsvc "$S/db" 'echo >&3; exec sleep 1000'
dsvc "$S/web" 'exec sleep 1000'
rm "$S/web/notification-fd"
needs "$S/web" db
start_svscan "$S"
check "db ready" wait_until 30 state_is "$S/db" ready
check "web up" wait_until 30 state_is "$S/web" up
web1=$(svpid "$S/web")
db1=$(svpid "$S/db")
svc -k "$S/db"
ready_again() { [ "$(stateval "$1" state)" = ready ] && [ "$(stateval "$1" pid)" != "$2" ]; }
check "db crashed and is ready again" wait_until 30 ready_again "$S/db" "$db1"
same "db crashes: web untouched (same pid)" "$web1" "$(svpid "$S/web")"
same "db crashes: web started once" 1 "$(stateval "$S/web" starts)"
svc -d "$S/db"
check "db down" wait_until 30 state_is "$S/db" down
f0=$(stateval "$S/web" failures)
svc -k "$S/web"
check "web crashes while db is down: waiting" wait_until 30 state_is "$S/web" waiting
same "... failures unchanged" "$f0" "$(stateval "$S/web" failures)"
same "... waiting for db" db "$(stateval "$S/web" waiting_for)"
svc -u "$S/db"
up_twice() { [ "$(stateval "$1" state)" = up ] && [ "$(stateval "$1" starts)" = 2 ]; }
check "db back: web starts again" wait_until 30 up_twice "$S/web"
stop_svscan "$SVPID"
rm -f "$T/order"

# ---- shutdown: web before db, both loggers drained ----
S=$T/stop
# talker NAME: on TERM, records NAME in $T/down, writes 200 numbered lines
# to its logger, exits.
talker() {
	printf 'trap '\''echo %s >>%s/down; i=1; while [ $i -le 200 ]; do echo "%s $i"; i=$((i + 1)); done; exit 0'\'' TERM\necho >&3\nsleep 1000 &\nwait' \
		"$1" "$T" "$1"
}
for n in db web; do
	dsvc "$S/$n" "$(talker $n)"
	mkdir -p "$S/$n/log"
	printf '#!/bin/sh\nexec multilog ./main\n' >"$S/$n/log/run"
	chmod 755 "$S/$n/log/run"
done
needs "$S/web" db
start_svscan "$S"
check "stop: web ready" wait_until 30 state_is "$S/web" ready
stop_svscan "$SVPID"
same "stop: svscan exits 0" 0 "$SVRC"
same "stop: web went down before db" "web,db," "$(tr '\n' ',' <"$T/down")"
for n in db web; do
	same "stop: $n's logger has all 200 lines" 200 "$(grep -c "^$n [0-9]" "$S/$n/log/main/current")"
done

# ---- kill -9 of svscan while web waits: the new svscan opens the gate ----
S=$T/k9
mkfifo "$T/kdb.go"
dsvc "$S/kdb" "$(gated kdb)"
dsvc "$S/kweb" 'echo >&3; exec sleep 1000'
needs "$S/kweb" kdb
start_svscan "$S"
check "kill -9: web waits" wait_until 30 state_is "$S/kweb" waiting
sups="$(sup_pid "$S/kdb") $(sup_pid "$S/kweb")"
track $sups
kill -KILL "$SVPID"
wait "$SVPID" 2>/dev/null
start_svscan "$S"
echo go >"$T/kdb.go"
check "kill -9: the new svscan opens the gate" wait_until 30 order_has "kweb start"
stop_svscan "$SVPID"
svc -dx "$S/kdb" "$S/kweb"
check "kill -9: the old supervises exit" wait_until 30 all_gone $sups
rm -f "$T/order"

# ---- 0.76 programs unaffected ----
if have_ref supervise && have_ref svscan; then
	# 0.76's supervise under our svscan: it ignores the gate and starts.
	S=$T/old-sup
	mksvc "$S/odb" 'exec sleep 1000'
	touch "$S/odb/down"
	mksvc "$S/oweb" 'exec sleep 1000'
	needs "$S/oweb" odb
	mkdir -p "$T/oldbin" && ln -s /usr/bin/supervise "$T/oldbin/supervise"
	start_svscan "$S" PATH="$T/oldbin:$PATH"
	check "0.76 supervise under our svscan: starts all the same" wait_until 30 ran "$S/oweb"
	stop_svscan "$SVPID"
	# Our supervise under 0.76's svscan: no gate, even with a stale gate file.
	S=$T/old-scan
	mksvc "$S/sdb" 'exec sleep 1000'
	touch "$S/sdb/down"
	mksvc "$S/sweb" 'exec sleep 1000'
	needs "$S/sweb" sdb
	mkdir -p "$S/sweb/supervise" && echo sdb >"$S/sweb/supervise/gate"
	env -u SUPERVISE_GATE /usr/bin/svscan "$S" 2>>"$T/err.svscan" &
	oldscan=$!
	track $oldscan
	check "our supervise under 0.76's svscan: starts at once" wait_until 30 ran "$S/sweb"
	kill -TERM "$oldscan"
	wait "$oldscan" 2>/dev/null
	svc -dx "$S/sdb" "$S/sweb"
	check "0.76 svscan's supervises exit" wait_until 30 sh -c '! svok "$1" && ! svok "$2"' - "$S/sdb" "$S/sweb"
else
	skip "0.76 supervise under our svscan: starts all the same" "Debian's daemontools not installed"
	skip "our supervise under 0.76's svscan: starts at once" "Debian's daemontools not installed"
	skip "0.76 svscan's supervises exit" "Debian's daemontools not installed"
fi

# ---- 1,000 services in one cycle: one warning, all start ----
S=$T/big
: >"$T/err.svscan"
i=1
while [ $i -le 1000 ]; do
	n=$(printf 'c%04d' $i)
	mkdir -p "$S/$n/needs"
	: >"$S/$n/needs/$(printf 'c%04d' $((i % 1000 + 1)))"
	printf '#!/bin/sh\necho x >>%s/big.ran\nexec sleep 1000\n' "$T" >"$S/$n/run"
	chmod 755 "$S/$n/run"
	i=$((i + 1))
done
big_ran() { [ "$(wc -l <"$T/big.ran" 2>/dev/null)" = 1000 ]; }
start_svscan "$S"
check "1,000 in a cycle: all start" wait_until 240 big_ran
stop_svscan "$SVPID"
same "1,000 in a cycle: one warning" 1 "$(warnings 'svscan: warning: dependency cycle: c')"
same "1,000 in a cycle: nothing else said" 1 "$(wc -l <"$T/err.svscan" | tr -d ' ')"

done_testing
