#!/bin/sh
# SPDX-License-Identifier: ISC
# pgrphack: runs its child in a new session (setsid, as 0.76 does).
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

ids='read -r pid comm state ppid pgrp sid rest </proc/$$/stat; echo "$pid $pgrp $sid"'

expect_exit 100 "usage: no arguments" pgrphack
same "usage message" "pgrphack: usage: pgrphack child" "$(cat "$T/err")"
same_as_ref "no options: -x is a program" pgrphack -x
same_as_ref "program not found" pgrphack dtng-no-such-program
same_as_ref "exit code passes through" pgrphack sh -c 'exit 7'

mysid=$(cut -d' ' -f6 /proc/$$/stat)
expect_exit 0 "runs the child" pgrphack sh -c "$ids"
set -- $(cat "$T/out")
same "the child leads its process group" "$1" "$2"
same "the child leads its session (setsid, not just setpgid)" "$1" "$3"
check "the session is a new one" test "$3" != "$mysid"

# compat: already a session leader, setsid fails and pgrphack runs the child anyway.
expect_exit 0 "a session leader still runs the child" setsid -w pgrphack pgrphack sh -c "$ids"
set -- $(cat "$T/out")
same "session leader: same session" "$1" "$3"

done_testing
