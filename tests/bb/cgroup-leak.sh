#!/bin/sh
# SPDX-License-Identifier: ISC
# No dtng-* cgroup is leaked (issue 14, item 4): supervise removes its tree
# on a fatal exit after making it (here: at a low descriptor limit), and
# svscan, at start, removes the trees nothing owns (a supervise SIGKILLed
# with its service down) while keeping a populated one (a running service
# whose supervise was killed: the next supervise adopts it) and a locked
# one (a supervise that is starting). Certain: each check follows a
# durable event (supervise's exit, svscan's first service up, which comes
# after its sweep).
. "$DT_SRCDIR/tests/bb/lib.sh"

need_root
cg_private || skip_all "cannot make a private cgroup v2 directory here (no cgroup v2)"
trap '_cleanup; cg_cleanup' EXIT
# Services run as nobody read their own run scripts.
chmod 755 "$T"
cd "$T" || exit 99
command -v flock >/dev/null || skip_all "flock not installed (util-linux)"

trees() { ls -d "$CG_PRIVATE"/dtng-* 2>/dev/null | sed 's|.*/||' | sort | tr '\n' ' '; }
tree_of() { echo "dtng-$(stat -c %d-%i "$1")"; }
up_or_gone() { svok "$1" 2>/dev/null || gone "$2"; }

# ---- a fatal exit after the tree was made: every descriptor limit
mksvc lim 'exec sleep 1000'
touch lim/down
fatal=0
for n in 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	rm -rf lim/supervise
	(ulimit -n $n; exec supervise lim) >lim.out 2>lim.err </dev/null &
	sp=$!
	track $sp
	wait_until 30 up_or_gone lim $sp
	if kill -0 $sp 2>/dev/null; then
		svc -x lim
		wait_until 30 gone $sp
	fi
	wait $sp 2>/dev/null
	grep -q 'fatal' lim.err && fatal=$((fatal + 1))
	left=$(trees)
	if [ -n "$left" ]; then
		fail "ulimit -n $n: no tree left"
		diag "$left: $(cat lim.err)"
		rmdir "$CG_PRIVATE"/dtng-*/* "$CG_PRIVATE"/dtng-* 2>/dev/null
	fi
done
check "some limit made supervise exit fatally after its set-up" test "$fatal" -gt 0
same "no tree left at any limit" "" "$(trees)"

# ---- leftovers: SIGKILLed supervise, service down (empty tree)
mksvc dead 'exec sleep 1000'
touch dead/down
start_one() { supervise "$1" >"$1.out" 2>"$1.err" </dev/null & SP=$!; track $SP; }
start_one dead
check "down service: supervise up" wait_until 30 svok dead
check "down service: its tree" wait_until 30 test -d "$CG_PRIVATE/$(tree_of dead)/supervise"
kill -KILL $SP
wait_until 30 gone $SP
check "SIGKILL: the empty tree is left behind" test -d "$CG_PRIVATE/$(tree_of dead)"

# ---- leftovers: SIGKILLed supervise, service running (populated tree)
mksvc alive 'echo $$ >pid; exec sleep 1000'
start_one alive
check "running service: up" wait_until 30 test -s alive/pid
orphan=$(cat alive/pid)
track "$orphan"
kill -KILL $SP
wait_until 30 gone $SP

# ---- a tree being set up (locked by its supervise, still empty)
mkdir -p "$CG_PRIVATE/dtng-1-2/supervise" "$CG_PRIVATE/dtng-1-2/service"
(flock -x 9 && echo locked >lock.out && exec sleep 1000) 9<"$CG_PRIVATE/dtng-1-2" &
lk=$!
track $lk
check "a starting tree is locked" wait_until 30 grep -q locked lock.out
# and one nobody owns
mkdir -p "$CG_PRIVATE/dtng-3-4/supervise" "$CG_PRIVATE/dtng-3-4/service"

# ---- svscan sweeps before its first supervise starts
mkdir scan
mksvc other 'echo $$ >pid; exec sleep 1000'
ln -s "$T/other" scan/other
svscan scan >scan.out 2>scan.err </dev/null &
sv=$!
track $sv
check "svscan: its service is up (after the sweep)" wait_until 30 test -s other/pid
check "sweep: the SIGKILLed supervise's empty tree is gone" \
	test ! -e "$CG_PRIVATE/$(tree_of dead)"
check "sweep: an unowned empty tree is gone" test ! -e "$CG_PRIVATE/dtng-3-4"
check "sweep: a populated tree stays" test -d "$CG_PRIVATE/$(tree_of alive)/service"
check "sweep: its service still runs" kill -0 "$orphan"
check "sweep: a locked (starting) tree stays" test -d "$CG_PRIVATE/dtng-1-2/service"
same "svscan said nothing" "" "$(cat scan.err)"
kill -TERM $sv
wait_until 60 gone $sv
kill $lk
kill "$orphan"
done_testing
