#!/bin/sh
# SPDX-License-Identifier: ISC
# softlimit: every option seen in /proc/self/limits, "=", the clamp to the
# hard limit, usage errors (garbage and overflow too), side by side with 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

usage="softlimit: usage: softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] [-l lockbytes] [-m membytes] [-o openfiles] [-p processes] [-r residentbytes] [-s stackbytes] [-t cpusecs] child"

# soft LIMIT-NAME: the soft value of one line of /proc/self/limits in $T/out.
soft() { grep "^$1 " "$T/out" | sed "s/^$1  *//" | awk '{print $1}'; }
hard() { grep "^$1 " "$T/out" | sed "s/^$1  *//" | awk '{print $2}'; }

expect_exit 100 "usage: no arguments" softlimit
same "usage message" "$usage" "$(cat "$T/err")"
expect_exit 100 "usage: options but no child" softlimit -o 5
same_as_ref "usage: no child" softlimit -o 5
expect_exit 100 "illegal option" softlimit -z true
same "illegal option message" "softlimit: illegal option -- z
$usage" "$(cat "$T/err")"
same_as_ref "illegal option" softlimit -z true
expect_exit 100 "missing value" softlimit -m
same "missing value message" "softlimit: option requires an argument -- m
$usage" "$(cat "$T/err")"
same_as_ref "missing value" softlimit -m
same_as_ref "garbage after digits" softlimit -o 12x true
same_as_ref "sign" softlimit -o -5 true
same_as_ref "leading blank" softlimit -o ' 5' true
same_as_ref "options end at the child" softlimit true -o 5
same_as_ref "-- ends the options" softlimit -- true
same_as_ref "attached value" softlimit -o100 sh -c 'ulimit -Sn'
same_as_ref "child not found" softlimit -o 100 dtng-no-such-program

# Deviations: 0.76 read "" as 0 and wrapped on overflow, silently.
expect_exit 100 "empty value is a usage error" softlimit -o '' true
same "empty value message" "$usage" "$(cat "$T/err")"
expect_exit 100 "overflow is a usage error" softlimit -o 18446744073709551616 true
expect_exit 100 "huge overflow is a usage error" softlimit -c 99999999999999999999999 true

# Each option, within the hard limits of the test environment.
while IFS='|' read -r opt name value; do
	expect_exit 0 "-$opt runs the child" softlimit -"$opt" "$value" cat /proc/self/limits
	same "-$opt sets $name" "$value" "$(soft "$name")"
	same_as_ref "-$opt $value" softlimit -"$opt" "$value" cat /proc/self/limits
done <<'LIST'
a|Max address space|900000001
c|Max core file size|12345
d|Max data size|900000003
f|Max file size|900000004
l|Max locked memory|4096
o|Max open files|77
r|Max resident set|900000006
s|Max stack size|7000007
t|Max cpu time|3600
LIST
expect_exit 0 "-p runs the child" softlimit -p 50 cat /proc/self/limits
same "-p sets processes" 50 "$(soft 'Max processes')"

# -m: data, stack, address space and (compat) locked memory. A low hard limit
# on locked memory shows that -m raised its soft limit up to the hard one.
expect_exit 0 "-m runs the child" prlimit --memlock=1024:65536 softlimit -m 900000000 \
	cat /proc/self/limits
same "-m sets data" 900000000 "$(soft 'Max data size')"
same "-m sets stack" 900000000 "$(soft 'Max stack size')"
same "-m sets address space" 900000000 "$(soft 'Max address space')"
same "-m sets locked memory (clamped to its hard limit)" 65536 "$(soft 'Max locked memory')"
same "-m leaves resident set" "$(grep '^Max resident set' /proc/self/limits | awk '{print $4}')" \
	"$(soft 'Max resident set')"
REF_WRAP="prlimit --memlock=1024:65536"
same_as_ref "-m" softlimit -m 900000000 cat /proc/self/limits
REF_WRAP=

# "=" is the hard limit; above the hard limit is clamped, never refused.
expect_exit 0 "= raises to the hard limit" prlimit --nofile=50:200 softlimit -o = cat /proc/self/limits
same "= gives the hard limit" 200 "$(soft 'Max open files')"
expect_exit 0 "above the hard limit" prlimit --nofile=50:200 softlimit -o 100000 cat /proc/self/limits
same "clamped to the hard limit" 200 "$(soft 'Max open files')"
same "hard limit untouched" 200 "$(hard 'Max open files')"
expect_exit 0 "2^64-1 is accepted" prlimit --nofile=50:200 softlimit -o 18446744073709551615 \
	cat /proc/self/limits
same "2^64-1 means the hard limit" 200 "$(soft 'Max open files')"
expect_exit 0 "the last option wins" softlimit -o 60 -o 61 cat /proc/self/limits
same "the last option wins: value" 61 "$(soft 'Max open files')"
expect_exit 0 "-l after -m wins for locked memory" softlimit -m 900000000 -l 2048 cat /proc/self/limits
same "-l after -m" 2048 "$(soft 'Max locked memory')"

done_testing
