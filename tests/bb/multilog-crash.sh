#!/bin/sh
# SPDX-License-Identifier: ISC
# kill -9 at random points while multilog logs hard and rotates often, then
# start it again: no rotated .s file may hold a torn line, lines stay in
# order, and the unfinished current of each crash comes back as @....u.
. "$DT_SRCDIR/tests/bb/lib.sh"
cd "$T" || exit 99

# Line i: "i " + a prefix of a fixed pattern whose length depends on i,
# so any torn or mangled line is recognised.
gen() {
	awk -v s="$1" 'BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789";
		while (length(p) < 400) p = p p;
		for (i = s; ; i++) printf "%d %s\n", i, substr(p, 1, 20 + i % 300) }'
}

# check_dir: prints problems; none means the directory is sound. One awk
# over every file in order (a crash round can rotate a hundred times).
check_dir() {
	(cd d && awk '
	BEGIN { p = "abcdefghijklmnopqrstuvwxyz0123456789"; while (length(p) < 400) p = p p }
	function done_file() {
		if (f == "") return
		if (bad && !u) print f ": torn line in a finished file"
		if (bad && bad != nr) print f ": bad line inside"
	}
	FNR == 1 { done_file(); f = FILENAME; u = f ~ /\.u$/ || f == "current"; bad = 0 }
	{ nr = FNR; sub(/^@[0-9a-f]+ /, ""); n = $1 + 0
	  if ($0 != n " " substr(p, 1, 20 + n % 300)) { bad = FNR; next }
	  if (bad) print f ": bad line " bad " is not the last"
	  if (last != "" && n <= last) print f ": line " n " after " last
	  last = n }
	END { done_file() }' $(ls | grep '^@') current)
}

rotated() { ls d 2>/dev/null | grep -c '\.s$'; }

# Each round first waits for two more rotations (an event, so every round
# rotates and leaves a current to recover, however slow the machine), then
# kills at a random point after that: the crash point is what is random,
# no assertion depends on how much got done in a given time.
rounds=12
i=0
while [ $i -lt $rounds ]; do
	i=$((i + 1))
	delay=$(od -An -N2 -tu2 /dev/urandom | awk '{ printf "%.3f", ($1 % 200) / 1000 }')
	want=$(( $(rotated) + 2 ))
	gen $((i * 10000000)) | multilog t s8192 n10000 ./d 2>>err &
	pid=$!
	track $pid
	wait_until 60 sh -c '[ "$(ls d | grep -c "\.s$")" -ge "$1" ]' sh "$want" ||
		fail "round $i: two rotations"
	sleep "$delay" # the random crash point, not a wait for an event
	kill -9 "$pid"
	wait
done
echo last | multilog t s8192 n10000 ./d
same "multilog still starts after $rounds kill -9" 0 $?
check "rotations happened" [ "$(rotated)" -ge $((2 * rounds)) ]
check "each crash left its unfinished current as @....u" [ "$(ls d | grep -c '\.u$')" -ge 1 ]
problems=$(check_dir | head -5)
same "no torn line in any .s file, lines in order" "" "$problems"
check "no stray previous, processed or newstate" [ ! -e d/previous -a ! -e d/processed -a ! -e d/newstate ]
check "no warnings" [ ! -s err ]
# The checker itself must see a torn line in a finished file.
f=$(ls d | grep '\.s$' | tail -1)
head -c -5 "d/$f" >torn && cat torn >"d/$f"
case $(check_dir) in
*"torn line in a finished file"*) pass "the checker catches a torn .s file" ;;
*) fail "the checker catches a torn .s file" ;;
esac
done_testing
