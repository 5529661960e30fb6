#!/bin/sh
# SPDX-License-Identifier: ISC
# tai64n: '@' + 24 hex + ' ' before every line, the time it was read, as
# daemontools 0.76; each line printed as soon as it arrives.
. "$DT_SRCDIR/tests/bb/lib.sh"

label_re='^@4000000[0-9a-f]\{17\} '

printf 'one\n\ntwo words\nlast, no newline' >"$T/in"
tai64n <"$T/in" >"$T/out"
check "every line labelled" test "$(grep -c "$label_re" "$T/out")" = 4
sed "s/$label_re//" "$T/out" >"$T/body"
check "lines unchanged after the label" cmp -s "$T/in" "$T/body"
same "a label is '@', 24 hex digits, a space" "@4000000 one" \
	"$(head -n 1 "$T/out" | sed 's/^\(@4000000\)[0-9a-f]\{17\}\( one\)$/\1\2/')"

before=$(date +%s)
echo now | tai64n >"$T/out"
after=$(date +%s)
hex=$(cut -c 10-17 "$T/out")
sec=$(( 0x$hex - 10 ))
check "the label is the current time (UTC + 10 s, as 0.76)" \
	test "$sec" -ge "$before" -a "$sec" -le "$after"
label=$(cut -d ' ' -f 1 "$T/out")
same "tai64nlocal reads it back" "$(date -u -d "@$sec" '+%Y-%m-%d %H:%M:%S')" \
	"$(echo "$label" | TZ=UTC tai64nlocal | cut -c 1-19)"

printf 'a\0b\n' >"$T/nul"
tai64n <"$T/nul" | sed "s/$label_re//" >"$T/out"
check "NUL bytes copied" cmp -s "$T/out" "$T/nul"
awk 'BEGIN { for (j = 0; j < 50000; j++) printf "0123456789"; printf "\n" }' >"$T/long"
tai64n <"$T/long" >"$T/out"
check "a 500 kB line gets one label" test "$(grep -c "$label_re" "$T/out")" = 1
same "and is copied whole" 500027 "$(wc -c <"$T/out" | tr -d ' ')"
: | tai64n >"$T/out"
check "empty input, empty output" test ! -s "$T/out"

expect_exit 0 "arguments are ignored" sh -c 'echo x | tai64n -z foo'
expect_exit 111 "write error exits 111" sh -c 'echo x | tai64n >/dev/full'
expect_exit 111 "read error exits 111" sh -c 'tai64n </'

# Promptness: a line on an idle pipe comes out at once.
mkfifo "$T/fifo"
spawn sh -c 'exec tai64n <"$1" >"$2"' sh "$T/fifo" "$T/live"
pid=$!
exec 3>"$T/fifo"
echo first >&3
check "a line is printed while the pipe stays open" \
	wait_until 30 grep -q "${label_re}first\$" "$T/live"
printf 'half' >&3
check "so is a partial line" wait_until 30 grep -q "${label_re}half" "$T/live"
printf ' line\nnext\n' >&3
check "the rest follows" wait_until 30 grep -q "${label_re}next\$" "$T/live"
exec 3>&-
check "exits at end of input" wait_until 30 sh -c "! kill -0 $pid"
same "the partial line got one label" 1 "$(grep -c "^@.* half line\$" "$T/live")"

if have_ref tai64n; then
	seq 1 2000 | sed 's/$/ some text/' >"$T/in"
	tai64n <"$T/in" | sed "s/$label_re//" >"$T/ours"
	/usr/bin/tai64n <"$T/in" | sed "s/$label_re//" >"$T/ref"
	check "same text as 0.76 once labels are removed" cmp -s "$T/ours" "$T/ref"
	printf 'x\n\nno newline' | /usr/bin/tai64n | sed 's/^@[0-9a-f]*/@/' >"$T/ref"
	printf 'x\n\nno newline' | tai64n | sed 's/^@[0-9a-f]*/@/' >"$T/ours"
	check "same layout as 0.76 for empty lines and a missing final newline" \
		cmp -s "$T/ours" "$T/ref"
else
	skip "comparison with daemontools 0.76" "daemontools' tai64n not installed"
fi

done_testing
