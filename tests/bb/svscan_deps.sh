#!/bin/sh
# SPDX-License-Identifier: ISC
# svscan's half of needs/ and after/ (DESIGN.md section 6): what it writes to
# each SERVICE/supervise/gate over time, the "G" poke on the control fifo,
# SUPERVISE_GATE in every supervise's environment, each warning once, and
# the reverse order of a shutdown. The supervise that honours the gate is
# not needed here: these check what svscan does, from the files.
# Readiness is notification-fd, gated by a fifo the test writes: no sleeps.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

# gate_is DIR TEXT: DIR/supervise/gate holds exactly TEXT (printf format).
gate_is() { [ -f "$1/supervise/gate" ] && [ "$(od -An -c "$1/supervise/gate")" = "$(printf "$2" | od -An -c)" ]; }
state_is() { svstat -k "$1" | grep -q " state=$2 "; }
count() { grep -cF -- "$1" "$T/err.svscan"; }
once() { same "said once: $1" 1 "$(count "$1")"; }
G_count() {
	dd if=/proc/self/fd/7 iflag=nonblock bs=4096 count=1 2>/dev/null >>"$T/poked"
	tr -cd G <"$T/poked" | wc -c | tr -d ' '
}

S=$T/s
mkdir -p "$S" "$T/bin"
mkfifo "$T/go"
# db: ready once the test says so.
mkdir -p "$S/db"
printf '#!/bin/sh\nread x <"%s"\necho >&3\nexec sleep 300\n' "$T/go" >"$S/db/run"
chmod +x "$S/db/run"
echo 3 >"$S/db/notification-fd"
# web needs db. Its supervise is a stand-in that records its environment
# and leaves web/supervise/control to the test, which reads the pokes.
mksvc "$S/web"
mkdir -p "$S/web/needs" "$S/web/supervise"
: >"$S/web/needs/db"
mkfifo "$S/web/supervise/control"
REAL=$(command -v supervise)
cat >"$T/bin/supervise" <<EOF
#!/bin/sh
if [ "\$1" = web ]; then
	[ -e "$T/web.stop" ] && exit 0
	env >"$T/web.env.new"
	echo \$\$ >"$T/web.pid"
	mv "$T/web.env.new" "$T/web.env"
	exec sleep 300
fi
exec "$REAL" "\$@"
EOF
chmod +x "$T/bin/supervise"
# The test holds the fifo open (read-write: never blocks), so svscan's
# non-blocking open finds a reader; G_count drains what was written.
exec 7<>"$S/web/supervise/control"
: >"$T/poked"
# plain: no dependencies, a stale gate from an earlier svscan.
mksvc "$S/plain"
mkdir -p "$S/plain/supervise"
echo old >"$S/plain/supervise/gate"
# The warnings: a cycle of two (needs + after), a self-need, a bad name,
# a missing service.
mksvc "$S/x"
mksvc "$S/y"
mksvc "$S/self"
mksvc "$S/m"
mkdir -p "$S/x/needs" "$S/y/after" "$S/self/needs" "$S/m/needs"
: >"$S/x/needs/y"
: >"$S/y/after/x"
: >"$S/self/needs/self"
: >"$S/m/needs/nope"
: >"$S/m/needs/.hidden"

start_svscan "$S" "PATH=$T/bin:$PATH"
check "web's gate says db while db is not ready" wait_until 30 gate_is "$S/web" 'db\n'
check "db started (not ready yet)" wait_until 30 state_is "$S/db" starting
check "the gate was written before web's supervise started" wait_until 30 test -s "$T/web.env"
same "web's gate still says db" "$(od -An -c "$S/web/supervise/gate")" "$(printf 'db\n' | od -An -c)"
check "the first gate was poked" wait_until 30 test "$(G_count)" -ge 1
check "SUPERVISE_GATE=1 in a supervise started by exec" grep -qx SUPERVISE_GATE=1 "$T/web.env"
pokes=$(G_count)
echo go >"$T/go"
check "db ready" wait_until 30 state_is "$S/db" ready
check "web's gate is empty once db is ready" wait_until 30 gate_is "$S/web" ''
check "and web was poked again" wait_until 30 test "$(G_count)" -gt "$pokes"
check "a stale gate is emptied at start" wait_until 30 gate_is "$S/plain" ''
check "m waits for the missing service" gate_is "$S/m" 'nope\n'
check "the cycle's services wait for nothing (no gate file)" test ! -e "$S/x/supervise/gate"
check "nor does y" test ! -e "$S/y/supervise/gate"
check "nor does a self-need" test ! -e "$S/self/supervise/gate"
check "no gate file where none is needed" test ! -e "$S/db/supervise/gate"

# More scans (SIGHUP, then a new service seen): each warning is still said once.
kill -HUP "$SVPID"
mksvc "$S/late"
check "a later scan started late" wait_until 30 ran "$S/late"
kill -HUP "$SVPID"
mksvc "$S/later"
check "and later" wait_until 30 ran "$S/later"
once "svscan: warning: dependency cycle: x -> y -> x: ignoring these needs"
once "svscan: warning: dependency cycle: self -> self: ignoring these needs"
once "svscan: warning: m: needs/.hidden: not a service name: ignored"
once "svscan: warning: m needs nope: no such service"
# The missing service appears: m's gate follows it (no readiness: up).
mksvc "$S/nope"
check "m's gate opens when nope is up" wait_until 30 gate_is "$S/m" ''
same "the missing warning was not repeated" 1 "$(count "m needs nope")"
# A new cycle is a new warning; the old ones are not repeated.
mkdir -p "$S/later/needs" "$S/late/needs"
: >"$S/later/needs/late"
: >"$S/late/needs/later"
kill -HUP "$SVPID"
check "a new cycle is named" wait_until 30 grep -q "cycle: late -> later -> late" "$T/err.svscan"
once "svscan: warning: dependency cycle: x -> y -> x: ignoring these needs"
# A cycle longer than 1 KB of text is still one whole line, said once.
long=$(printf '%0200d' 0 | tr 0 L)
ring=
for k in 1 2 3 4 5 6; do
	mksvc "$S/$k$long"
	mkdir -p "$S/$k$long/needs"
	: >"$S/$k$long/needs/$(( k % 6 + 1 ))$long"
	ring="$ring$k$long -> "
done
ring="${ring}1$long"
kill -HUP "$SVPID"
check "a 1 KB cycle is named on one line" wait_until 30 grep -qxF "svscan: warning: dependency cycle: $ring: ignoring these needs" "$T/err.svscan"
check "once" test "$(grep -c "dependency cycle: 1$long" "$T/err.svscan")" = 1
# web's stand-in never reads "dx": it goes away by itself (and any restart
# svscan makes meanwhile exits at once), then db may stop.
: >"$T/web.stop"
kill -TERM "$(cat "$T/web.pid")"
stop_svscan "$SVPID"
same "SIGTERM: exit 0" 0 "$SVRC"

# Shutdown in reverse order: a needs b, b is after c; c has a logger. Each
# run appends its name on TERM, the logger at end of file.
S2=$T/s2
O=$T/order
for n in a b c; do
	mksvc "$S2/$n" "trap 'echo $n >>\"$O\"; exit 0' TERM
while :; do sleep 1 & wait; done"
done
mkdir -p "$S2/a/needs" "$S2/b/after" "$S2/c/log"
: >"$S2/a/needs/b"
: >"$S2/b/after/c"
printf '#!/bin/sh\ncat >/dev/null\necho clog >>"%s"\n' "$O" >"$S2/c/log/run"
chmod +x "$S2/c/log/run"
start_svscan "$S2"
check "a, b and c started" wait_until 30 sh -c "[ -s '$S2/a/ran' ] && [ -s '$S2/b/ran' ] && [ -s '$S2/c/ran' ]"
check "the logger started" wait_until 30 has_sup "$S2/c/log"
stop_svscan "$SVPID"
same "SIGTERM: exit 0 (2)" 0 "$SVRC"
same "down in reverse order, the logger last" "a b c clog" "$(echo $(cat "$O"))"
done_testing
