#!/bin/sh
# SPDX-License-Identifier: ISC
# Rotated names never go back (issue 14, item 5): with a rotated file
# already named from the future (as after the wall clock steps back a
# day), every new rotated name sorts after it, so ageing (nN) deletes the
# old file, never the fresh ones. 0.76 named new files from the clock
# alone and deleted each fresh one at once. Certain: multilog runs to the
# end of its input (its exit), then the directory is read.
. "$DT_SRCDIR/tests/bb/lib.sh"

cd "$T" || exit 99
mkdir log
now=$(date +%s)
future=$(printf '@%016x%08x.s' $((0x4000000000000000 + 10 + now + 86400)) 0)
echo "from tomorrow" >"log/$future"
chmod 0744 "log/$future"
# About 40 KB in lines of 100 bytes, s4096: about ten rotations, n3 keeps 2.
awk 'BEGIN { for (i = 1; i <= 400; i++) printf "%05d %093d\n", i, 0 }' >in
multilog s4096 n3 ./log <in
same "multilog exits 0" 0 "$?"
check "the file from the future is aged out first" test ! -e "log/$future"
names=$(cd log && ls -d @* 2>/dev/null)
same "n3: two rotated files kept" 2 "$(echo "$names" | grep -c .)"
later=1
for n in $names; do
	[ "$(printf '%s\n%s\n' "$future" "$n" | sort | tail -n 1)" = "$n" ] || later=0
done
same "every new name sorts after the future one" 1 "$later"
# What is kept is the newest: the rotated files then current end at line
# 400 and run without a gap.
kept=$(cd log && cat $names current | cut -d' ' -f1)
same "the last line is kept" 00400 "$(echo "$kept" | tail -n 1)"
same "the kept lines run without a gap" 1 "$(echo "$kept" | awk 'NR > 1 && $1 != p + 1 { bad = 1 } { p = $1 } END { print bad ? 0 : 1 }')"
done_testing
