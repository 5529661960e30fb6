#!/bin/sh
# SPDX-License-Identifier: ISC
# multilog against daemontools 0.76's, case by case: files, modes, line
# cutting, patterns, e, =file, lock and error messages, signals, processor,
# crash recovery; the plain-syscall fallback too.
. "$DT_SRCDIR/tests/bb/lib.sh"

have_ref multilog && REF=/usr/bin/multilog || REF=
cd "$T" || exit 99

# shape DIR: mode, size and name of each file, rotated names reduced to @.code
shape() {
	(cd "$1" && for f in $(ls -A); do
		printf '%s %s %s\n' "$(stat -c %a "$f")" "$(stat -c %s "$f")" \
			"$(echo "$f" | sed 's/^@[0-9a-f]\{24\}\./@./')"
	done)
}

# both NAME INPUTFILE ARGS...: runs ours in new/NAME and 0.76's in ref/NAME.
both() {
	_name=$1 _in=$2; shift 2
	mkdir -p "new/$_name" "ref/$_name"
	(cd "new/$_name" && multilog "$@" <"$T/$_in" >out 2>err; echo $? >rc)
	[ -n "$REF" ] && (cd "ref/$_name" && $REF "$@" <"$T/$_in" >out 2>err; echo $? >rc)
	return 0
}

# cmp_both DESC NAME FILE...: the files are the same in both runs.
cmp_both() {
	_d=$1 _name=$2; shift 2
	if [ -z "$REF" ]; then skip "$_d" "daemontools multilog not installed"; return; fi
	_ok=1
	for f; do
		cmp -s "new/$_name/$f" "ref/$_name/$f" || { _ok=0; diag "differs: $f"; }
	done
	if [ $_ok = 1 ]; then pass "$_d"; else fail "$_d"; fi
}

shape_both() {
	if [ -z "$REF" ]; then skip "$1" "daemontools multilog not installed"; return; fi
	same "$1" "$(shape "ref/$2/$3")" "$(shape "new/$2/$3")"
}

line() { head -c $(($1 - 1)) /dev/zero | tr '\0' x; echo; }

printf 'a\nb' >in.nonl
both basic in.nonl ./d
same "last line gets a newline" "$(printf 'a\nb\n')" "$(cat new/basic/d/current)"
same "exit 0 at end of input" 0 "$(cat new/basic/rc)"
same "dir 0700, lock 0600, finished current 0744" "700 744 600 644" \
	"$(stat -c %a new/basic/d new/basic/d/current new/basic/d/lock new/basic/d/state | tr '\n' ' ' | sed 's/ $//')"
shape_both "layout as 0.76" basic d
cmp_both "current as 0.76" basic d/current

for n in 2095 2096 4095 4096 4097 10000; do line $n >in.$n; done
(line 1000; line 3500) >in.mix
(line 3000; line 3000) >in.two
for c in 2095 2096 4095 4096 4097 10000 mix two; do
	both cut$c in.$c s4096 ./d
	shape_both "line cutting, $c bytes, s4096" cut$c d
done
same "a 10000-byte line is cut at exactly the size" "4096 4096 1808" \
	"$(stat -c %s new/cut10000/d/@* new/cut10000/d/current | tr '\n' ' ' | sed 's/ $//')"

for i in 1 2 3 4 5 6; do line 2500; done >in.six
both keep in.six s4096 n3 ./a n2 ./b
same "n3 keeps 2 rotated files" 2 "$(ls new/keep/a | grep -c '^@')"
same "n2 keeps 1 rotated file" 1 "$(ls new/keep/b | grep -c '^@')"
shape_both "n rule as 0.76 (n3)" keep a
shape_both "n rule as 0.76 (n2)" keep b

printf 'short\n%s\n%s\n%s\nabc' "$(line 200 | tr -d '\n')" "$(line 201 | tr -d '\n')" \
	"$(line 1200 | tr -d '\n')" >in.e
both e in.e e =f
cmp_both "e prints 200 bytes and ... like 0.76" e err
cmp_both "=file holds 1001 bytes like 0.76" e f
same "=file mode 0600" 600 "$(stat -c %a new/e/f)"
both e2 in.e '-*' =g
cmp_both "=file created even when nothing is selected" e2 g

printf 'gamma\nalpha\nbeta\na*b\n\nx fatal: y\nabc\nab fatal: c\n' >in.pat
i=0
for p in '*' '*a' 'a*' '**' '*b*' '* fatal: *' '' 'abc' 'a*b' '*a*'; do
	i=$((i + 1))
	both pat$i in.pat '-*' "+$p" e '-a*' e
	cmp_both "pattern '$p' selects like 0.76" pat$i err
done

head -c 3000 /dev/urandom >in.bin
printf 'nul\000in\000line\n\377\376 bad utf-8 \303\050\n' >>in.bin
both bin in.bin ./d
check "NUL bytes and invalid UTF-8 stored byte-exact" cmp -s new/bin/d/current in.bin
cmp_both "binary input stored like 0.76" bin d/current

printf 'x\n' >in.x
both lenient in.x zzz sabc n1 t ./d
same "unknown actions and bad numbers: exit 0 (0.76)" 0 "$(cat new/lenient/rc)"
cmp_both "unknown actions: same exit code as 0.76" lenient rc
same "t not first is ignored" x "$(cat new/lenient/d/current)"
check "ignored actions are warned about" grep -q "warning: ignoring unknown action: zzz" new/lenient/err
check "clamped numbers are warned about" grep -q "warning: action sabc: not a number, using s4096" new/lenient/err

# The label lies between two readings of the clock taken around the run:
# no margin of time, however slow the machine.
before=$(date +%s)
both ts in.x t ./d
after=$(date +%s)
check "t label: @ and 24 hex digits" grep -q '^@4000[0-9a-f]\{20\} x$' new/ts/d/current
lab=$(cut -c2-17 new/ts/d/current)
secs=$(( $(printf '%d' "0x$lab") - 4611686018427387914 ))
check "t label is now, 0.76 style (unix + 10)" [ "$before" -le "$secs" -a "$secs" -le "$after" ]

# A second multilog on a locked directory: 0.76's message, 111 at once.
mkdir -p lock && cd lock || exit 99
mkfifo fifo
exec 7<>fifo
spawn sh -c "exec multilog ./d <fifo 7>&-"
holder=$!
wait_until 30 test -f d/lock
wait_until 30 sh -c "! flock -n d/lock true"
expect_exit 111 "locked directory: exit 111" multilog ./d </dev/null
same "locked directory: 0.76's message" "multilog: fatal: unable to lock directory ./d: temporary failure" "$(cat "$T/err")"
if [ -n "$REF" ]; then
	expect_exit 111 "0.76 also exits 111 there" $REF ./d </dev/null
	same "0.76's message is the same" "multilog: fatal: unable to lock directory ./d: temporary failure" "$(cat "$T/err")"
fi
exec 7>&-
wait $holder
same "the holder exits 0 at end of input" 0 $?
cd "$T" || exit 99

expect_exit 111 "directory that cannot be made: 111" multilog /nonexistent/x/d </dev/null
same "... with 0.76's message" "multilog: fatal: unable to open directory /nonexistent/x/d: file does not exist" "$(cat err)"
: >plainfile
expect_exit 111 "a file where the directory should be: 111" multilog ./plainfile </dev/null
same "... with 0.76's message" "multilog: fatal: unable to open directory ./plainfile: not a directory" "$(cat err)"
expect_exit 111 "=file that cannot be made: 111" multilog =/nonexistent/f ./d </dev/null
same "... with 0.76's message" "multilog: fatal: unable to create /nonexistent/f: file does not exist" "$(cat err)"

# SIGALRM rotates a non-empty current at once; SIGTERM at a line boundary exits.
mkdir sig && cd sig || exit 99
mkfifo fifo
exec 7<>fifo
spawn sh -c "exec multilog ./d <fifo 7>&-"
pid=$!
echo one >&7
wait_until 30 grep -q one d/current
check "a lone line is written at once" grep -q one d/current
kill -ALRM $pid
wait_until 30 sh -c 'ls d | grep -q "^@.*\.s$"'
same "SIGALRM rotates current" "one" "$(cat d/@*.s 2>/dev/null)"
kill -ALRM $pid
echo two >&7
wait_until 30 grep -q two d/current
same "SIGALRM on an empty current does nothing" 1 "$(ls d | grep -c '^@')"
printf 'half' >&7
kill -TERM $pid
# Certain, with no sleep: the kernel clears the pending SIGTERM when
# multilog reads it from its signalfd; after that, multilog sleeping in
# poll() is multilog waiting for the rest of the line (one that exits
# would be a zombie, never in poll). The line's end logged below checks
# the same again.
term_seen_still_reading() {
	[ $(( 0x$(awk '$1 == "ShdPnd:" { print $2 }' "/proc/$pid/status") & 0x4000 )) = 0 ] &&
		[ "$(cut -d' ' -f3 "/proc/$pid/stat")" = S ] &&
		case $(cat "/proc/$pid/wchan") in *poll*) true ;; *) false ;; esac
}
check "SIGTERM mid-line: still running until the line ends" wait_until 30 term_seen_still_reading
echo ' done' >&7
wait $pid
same "SIGTERM: exit 0 once the line is finished" 0 $?
same "the finished line is logged" "$(printf 'two\nhalf done')" "$(cat d/current)"
same "current is 0744 after SIGTERM" 744 "$(stat -c %a d/current)"
exec 7>&-
cd "$T" || exit 99

# Processor: stdin previous, stdout processed, fd 4 state, fd 5 newstate.
proc='echo "seen $(cat <&4)" >&5; tr a-z A-Z'
for i in 1 2 3; do line 2500; done | sed 's/x/a/g' >in.proc
both proc in.proc s4096 "!$proc" ./d
same "processor output becomes the rotated file" "$(line 2500 | tr x A)" "$(cat new/proc/d/@*.s | head -1)"
same "newstate becomes state" "seen seen seen " "$(cat new/proc/d/state)"
shape_both "processor: layout as 0.76" proc d
cmp_both "processor: state as 0.76" proc d/state
both procfail in.x s4096 '!exit 0' ./d
same "empty-output processor: exit 0" 0 "$(cat new/procfail/rc)"

# Crash recovery: an unfinished current (0644) and previous become .u;
# a finished processed becomes .s.
for impl in new ref; do
	[ $impl = ref ] && [ -z "$REF" ] && continue
	mkdir -p rec/$impl/d rec/$impl/e
	printf 'torn' >rec/$impl/d/current; chmod 644 rec/$impl/d/current
	printf 'old\n' >rec/$impl/d/previous; chmod 744 rec/$impl/d/previous
	printf 'stale' >rec/$impl/d/newstate
	printf 'done\n' >rec/$impl/e/processed; chmod 744 rec/$impl/e/processed
	printf 'old\n' >rec/$impl/e/previous
	printf 'fine\n' >rec/$impl/e/current; chmod 744 rec/$impl/e/current
	if [ $impl = new ]; then b=multilog; else b=$REF; fi
	(cd rec/$impl && echo new | $b ./d ./e)
done
same "recovery: unfinished files become .u" 2 "$(ls rec/new/d | grep -c '\.u$')"
same "recovery: the torn line is kept in a .u" torn "$(cat rec/new/d/@*.u | grep torn)"
same "recovery: newstate removed, state empty" "0" "$(ls rec/new/d | grep -c newstate)$(cat rec/new/d/state)"
same "a cleanly finished current is appended to" "$(printf 'fine\nnew')" "$(cat rec/new/e/current)"
if [ -n "$REF" ]; then
	same "recovery layout as 0.76 (d)" "$(shape rec/ref/d)" "$(shape rec/new/d)"
	same "recovery layout as 0.76 (e)" "$(shape rec/ref/e)" "$(shape rec/new/e)"
else
	skip "recovery layout as 0.76" "daemontools multilog not installed"
fi

# The plain-syscall path (test switch DTNG_NO_URING) gives the same files.
mkdir plain && cd plain || exit 99
cat "$T/in.six" "$T/in.mix" | DTNG_NO_URING=1 multilog s4096 n9 ./d
cat "$T/in.six" "$T/in.mix" | multilog s4096 n9 ./u
same "fallback: same layout as io_uring" "$(shape u)" "$(shape d)"
same "fallback: same bytes" "$(cat u/@* u/current | cksum)" "$(cat d/@* d/current | cksum)"
cd "$T" || exit 99

# The processor gets the hygiene of every child (lx_child_hygiene): fds 0,
# 1, 4 and 5 as 0.76 gives them (and 2), nothing else multilog holds or
# inherited, and TERM and ALRM unblocked.
mkdir hyg && cd hyg || exit 99
cat >proc.sh <<'PROC'
#!/bin/sh
cat
ls /proc/$$/fd | sort -n | tr '\n' ' ' >"$0.fds"
sed -n 's/^SigBlk:[[:space:]]*//p' /proc/$$/status >"$0.blk"
PROC
chmod 755 proc.sh
yes line | head -n 1000 | multilog s4096 "!$T/hyg/proc.sh" ./d 7>"$T/hyg/leak"
same "processor ran at each rotation" "1000" "$(cat d/@*.s d/current | grep -c '^line$')"
fds=" $(cat proc.sh.fds)"
same "processor has fds 0 1 2 4 5" "0 1 2 4 5" "$(for f in 0 1 2 4 5; do case $fds in *" $f "*) printf '%s ' $f ;; esac; done | sed 's/ $//')"
same "processor has not the fd 7 multilog inherited" "" "$(case $fds in *" 7 "*) echo 7 ;; esac)"
same "processor: no signal blocked" 0000000000000000 "$(cat proc.sh.blk)"
cd "$T" || exit 99

done_testing
