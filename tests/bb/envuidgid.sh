#!/bin/sh
# SPDX-License-Identifier: ISC
# envuidgid: UID and GID of an account, usage and errors, side by side with 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin
need_root

expect_exit 100 "usage: no arguments" envuidgid
same "usage message" "envuidgid: usage: envuidgid account child" "$(cat "$T/err")"
expect_exit 100 "usage: no child" envuidgid nobody
same_as_ref "usage" envuidgid nobody

expect_exit 0 "runs the child" envuidgid nobody sh -c 'echo "$UID:$GID"'
same "UID and GID are the account's" "$(id -u nobody):$(id -g nobody)" "$(cat "$T/out")"
same_as_ref "UID and GID" envuidgid nobody sh -c 'echo "$UID:$GID"'
expect_exit 0 "ids do not change" envuidgid nobody id -u
same "still root" "0" "$(cat "$T/out")"

expect_exit 111 "unknown account" envuidgid dtng-no-such-user true
same "unknown account message" "envuidgid: fatal: unknown account dtng-no-such-user" \
	"$(cat "$T/err")"
same_as_ref "unknown account" envuidgid dtng-no-such-user true
same_as_ref "options are not parsed" envuidgid -x true
same_as_ref "child not found" envuidgid nobody dtng-no-such-program

done_testing
