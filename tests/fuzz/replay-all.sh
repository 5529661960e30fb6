#!/bin/sh
# SPDX-License-Identifier: ISC
# Every libFuzzer harness has a replay program in `make check` (mk/fuzz.am),
# so no harness's corpus goes unreplayed.
. "$DT_SRCDIR/tests/bb/lib.sh"
: "${DT_BUILDDIR:?}"

n=0
for h in "$DT_SRCDIR"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	name=${name#fuzz_}
	n=$((n + 1))
	check "harness $name has tests/fuzz/replay_$name" test -x "$DT_BUILDDIR/tests/fuzz/replay_$name"
	check "harness $name has a corpus" sh -c 'ls "$1" | grep -q .' sh "$DT_SRCDIR/tests/fuzz/corpus/$name"
done
[ "$n" -gt 0 ] || fail "tests/fuzz has harnesses"
done_testing
