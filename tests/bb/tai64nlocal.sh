#!/bin/sh
# SPDX-License-Identifier: ISC
# tai64nlocal: byte-identical to daemontools 0.76 where 0.76 gives an answer,
# malformed labels unchanged, every line printed as soon as it arrives.
. "$DT_SRCDIR/tests/bb/lib.sh"

# label UNIX_SEC NANO: the TAI64N label 0.76 writes (years 1834 to 2106).
labels_awk='function label(t, ns) {
	if (t + 10 >= 0)
		return sprintf("@40000000%08x%08x", t + 10, ns)
	return sprintf("@3fffffff%08x%08x", 4294967296 + t + 10, ns)
}'

# around T HOURS: a label every 97 s for HOURS hours either side of T.
around() {
	awk -v t0="$1" -v h="$2" "$labels_awk"'BEGIN {
		for (t = t0 - h * 3600; t < t0 + h * 3600; t += 97)
			printf "%s line %d\n", label(t, (t * 7919) % 1000000000), t
	}'
}

# conv TZ FILE: our output for FILE in $T/ours, 0.76's in $T/ref.
conv() {
	TZ=$1 tai64nlocal <"$2" >"$T/ours"
	TZ=$1 /usr/bin/tai64nlocal <"$2" >"$T/ref" 2>/dev/null
}

# --- known answers, with or without the reference -------------------------
printf '@400000000000000a00000000 epoch\n@400000006553f10a0002913d x y\n\n' >"$T/known"
TZ=UTC tai64nlocal <"$T/known" >"$T/out"
printf '1970-01-01 00:00:00.000000000 epoch\n2023-11-14 22:13:20.000168253 x y\n\n' >"$T/want"
check "known answers in UTC" cmp -s "$T/out" "$T/want"
printf '@4000000064a1f36a00000001 s\n' | TZ=Europe/Berlin tai64nlocal >"$T/out"
same "summer time in Berlin" "2023-07-03 00:00:00.000000001 s" "$(cat "$T/out")"
printf '@400000006547215a00000000\n' | TZ=America/New_York tai64nlocal >"$T/out"
same "New York, first 01:00 of the autumn change" "2023-11-05 01:00:00.000000000" "$(cat "$T/out")"

# --- malformed labels pass unchanged (0.76 crashes or misreads them) ------
for l in '@' '@x' '@400000000000000A00000000 upper' '@400000000000000a0000000 23 digits' \
	'@400000000000000a000000000 25 digits' '@000000000000000000000000 no local time' \
	'@ffffffffffffffffffffffff top'; do
	printf '%s\n' "$l" | TZ=UTC tai64nlocal >"$T/out"
	same "unchanged: $l" "$l" "$(cat "$T/out")"
done
printf '@12\n@400000000000000a00000000 next\n' | TZ=UTC tai64nlocal >"$T/out"
same "a line after a malformed one is converted" \
	"$(printf '@12\n1970-01-01 00:00:00.000000000 next')" "$(cat "$T/out")"
printf '@400000000000000a00000000' | TZ=UTC tai64nlocal >"$T/out"
same "a label alone at end of input is converted (0.76 dropped it)" \
	"1970-01-01 00:00:00.000000000" "$(cat "$T/out")"

# --- exit codes -------------------------------------------------------------
expect_exit 0 "arguments are ignored" sh -c 'echo x | tai64nlocal -z foo'
expect_exit 111 "write error exits 111" sh -c 'echo x | tai64nlocal >/dev/full'
expect_exit 111 "read error exits 111" sh -c 'tai64nlocal </'
check "read error says nothing, as 0.76" test ! -s "$T/err"

# --- promptness: a line on an idle pipe comes out at once -------------------
mkfifo "$T/fifo"
spawn sh -c 'exec env TZ=UTC tai64nlocal <"$1" >"$2"' sh "$T/fifo" "$T/live"
pid=$!
exec 3>"$T/fifo"
printf '@400000000000000a00000000 first\n' >&3
check "first line printed while the pipe stays open" \
	wait_until 30 grep -q '^1970-01-01 00:00:00.000000000 first$' "$T/live"
printf 'plain' >&3
check "a partial line without a label is printed too" wait_until 30 grep -q '^plain' "$T/live"
printf ' rest\n@400000000000000a0000' >&3
printf '0001 split label\n' >&3
check "a label split across writes is converted once complete" \
	wait_until 30 grep -q '^1970-01-01 00:00:00.000000001 split label$' "$T/live"
printf '@4000zz' >&3
check "a malformed label is copied as soon as it is known to be one" \
	wait_until 30 grep -q '^@4000zz' "$T/live"
exec 3>&-
check "exits at end of input" wait_until 30 sh -c "! kill -0 $pid"

# --- byte-identical to daemontools 0.76 ------------------------------------
if ! have_ref tai64nlocal; then
	skip "comparison with daemontools 0.76" "daemontools' tai64nlocal not installed"
	done_testing
fi

around 1679792400 3 >"$T/berlin"   # 2023-03-26 01:00 UTC
around 1698541200 3 >>"$T/berlin"  # 2023-10-29 01:00 UTC
around 1678604400 3 >"$T/ny"       # 2023-03-12 07:00 UTC
around 1699164000 3 >>"$T/ny"      # 2023-11-05 06:00 UTC
around -300000000 2 >"$T/old"      # 1960
around -3000000000 2 >>"$T/old"    # 1874
around 4000000000 2 >>"$T/old"     # 2096
cat "$T/berlin" "$T/ny" "$T/old" >"$T/all"
for tz in UTC Europe/Berlin America/New_York Australia/Lord_Howe Asia/Kolkata; do
	conv "$tz" "$T/all"
	check "same as 0.76, DST changes, 1874 to 2096, TZ=$tz" cmp -s "$T/ours" "$T/ref"
done
conv right/Europe/Berlin "$T/all"
check "same as 0.76 in a zone with leap seconds" cmp -s "$T/ours" "$T/ref"

printf '@4000003afff4418a00000005 year 10000\n@40f0c29d868bfd8900000005 last year\n' >"$T/far"
printf '@3ffffff1868b840900000005 year -1\n@400000000000000affffffff ten digits\n' >>"$T/far"
printf '@4000000000000000a0000000 short nano\n@400000000000000a00000000Upper\n' >>"$T/far"
conv UTC "$T/far"
check "same as 0.76: far future, negative year, odd nanoseconds" cmp -s "$T/ours" "$T/ref"

printf '\n\n@400000000000000a00000000\n\nx\n@400000000000000a00000001 \0nul\0\n' >"$T/odd"
printf 'no label @400000000000000a00000000\n\t@400000000000000a00000000\n' >>"$T/odd"
printf '@400000000000000a00000002 no newline at end' >>"$T/odd"
conv Europe/Berlin "$T/odd"
check "same as 0.76: empty lines, NUL bytes, labels not at line start, no final newline" \
	cmp -s "$T/ours" "$T/ref"

awk 'BEGIN { for (i = 0; i < 3; i++) { printf "@400000006553f10a0002913%d ", i
	for (j = 0; j < 30000 * (i + 1); j++) printf "0123456789"; printf "\n" } }' >"$T/long"
conv Europe/Berlin "$T/long"
check "same as 0.76: lines of 300 kB to 900 kB" cmp -s "$T/ours" "$T/ref"

sh "$DT_SRCDIR/bench/gen-stamped.sh" 8 >"$T/corpus"
conv Europe/Berlin "$T/corpus"
check "same as 0.76: 8 MiB of stamped log across a DST change" cmp -s "$T/ours" "$T/ref"
cat "$T/corpus" | TZ=America/New_York tai64nlocal >"$T/ours"
TZ=America/New_York /usr/bin/tai64nlocal <"$T/corpus" >"$T/ref"
check "same as 0.76: the corpus through a pipe" cmp -s "$T/ours" "$T/ref"

printf '@400000000000000a00000000 x\n@\n' >"$T/crash"
sh -c 'TZ=UTC /usr/bin/tai64nlocal <"$1" >/dev/null; exit $?' sh "$T/crash" 2>/dev/null
r=$?
TZ=UTC tai64nlocal <"$T/crash" >"$T/out"
if [ "$r" -ge 128 ]; then
	same "0.76 crashes on a bare @ (signal $((r - 128))); ours copies it" \
		"$(printf '1970-01-01 00:00:00.000000000 x\n@')" "$(cat "$T/out")"
else
	skip "0.76 crash on a bare @" "reference did not crash (exit $r)"
fi

done_testing
