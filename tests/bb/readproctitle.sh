#!/bin/sh
# SPDX-License-Identifier: ISC
# readproctitle: its last argument, turned into dots, shows the tail of its
# input; the first 3 characters stay; silent exit codes as 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

cd "$T" || exit 99
expect_exit 100 "usage: no arguments" readproctitle
same "usage is silent (compat)" "" "$(cat "$T/err")"
same_as_ref "no arguments" readproctitle
expect_exit 100 "padding of 4 is too short" readproctitle a b abcd
same_as_ref "short padding" readproctitle a b abcd
expect_exit 0 "padding of 5 is enough; exit 0 at end of input" readproctitle abcde
same_as_ref "end of input" readproctitle abcde
expect_exit 111 "read error exits 111" sh -c 'readproctitle abcde <&-'
REF_STDIN=/
same_as_ref "read error (a directory as input)" readproctitle abcde
REF_STDIN=

# The arguments after argv[0], NULs shown as '|' (the title may hold newlines).
title_is() {
	_t=$(tr '\0' '|' <"/proc/$1/cmdline") || return 1
	[ "${_t#*|}" = "$2" ]
}

# run_scroll IMPL: feeds chunks through a fifo and checks the title after each.
run_scroll() {
	impl=$1
	rm -f fifo
	mkfifo fifo
	# read-write: opening a fifo so never blocks; closing fd 3 is the EOF
	# (the reader must not inherit it)
	exec 3<>fifo
	# not spawn: an asynchronous command's stdin is /dev/null unless the
	# redirection is on the command itself
	"$impl" errors: abcdefghij <fifo 3>&- &
	pid=$!
	track "$pid"
	check "$impl: padding turned into dots" wait_until 30 title_is "$pid" "errors:|..........|"
	printf 'XY' >&3
	check "$impl: input scrolls in from the right" \
		wait_until 30 title_is "$pid" "errors:|........XY|"
	printf 'a\nb\0c' >&3
	check "$impl: NUL bytes are dropped, newlines kept" \
		wait_until 30 title_is "$pid" "errors:|....XYa
bc|"
	printf '0123456789ABCDEF' >&3
	check "$impl: the first 3 characters stay" \
		wait_until 30 title_is "$pid" "errors:|...9ABCDEF|"
	exec 3>&-
	wait "$pid"
	same "$impl: exit 0 at end of input" 0 "$?"
}
run_scroll "$DT_BINDIR/readproctitle"
if have_ref readproctitle; then
	run_scroll /usr/bin/readproctitle
else
	skip "0.76 comparison" "daemontools not installed"
fi

done_testing
