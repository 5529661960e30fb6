#!/bin/sh
# SPDX-License-Identifier: ISC
# envdir: usage, value rules, errors, and 0.76's quirks, side by side with 0.76.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/refcmp.sh"
# A fixed PATH: "not found" must not become "access denied" from an
# unreadable directory in the caller's PATH.
PATH=$DT_BINDIR:/usr/sbin:/usr/bin:/sbin:/bin

cd "$T" || exit 99
d=$T/env
mkdir "$d"
printf 'hello  \t \nsecond line\n' >"$d/A"
: >"$d/EMPTY"
printf 'a\0b\t\n' >"$d/NUL"
printf '\n' >"$d/NL"
printf 'x' >"$d/.hidden"
printf '  lead' >"$d/LEAD"
printf 'cr \r' >"$d/CR"
ln -s nowhere "$d/DANGLE"
EMPTY=was-set DANGLE=was-set KEEP=kept
export EMPTY DANGLE KEEP

show='for v in A NUL NL LEAD CR KEEP; do eval "printf \"%s=[%s]\\n\" $v \"\$$v\""; done
for v in EMPTY DANGLE .hidden; do env | grep -q "^$v=" && echo "$v set"; done; true'

expect_exit 111 "usage: no arguments exits 111 (compat)" envdir
same "usage message" "envdir: usage: envdir dir child" "$(cat "$T/err")"
expect_exit 111 "usage: no child exits 111 (compat)" envdir "$d"
same_as_ref "usage without child" envdir "$d"

expect_exit 0 "values are set" envdir "$d" sh -c "$show"
same "first line, trailing blanks cut, NUL is newline, empty and dangling unset" \
	"A=[hello]
NUL=[a
b]
NL=[]
LEAD=[  lead]
CR=[cr $(printf '\r')]
KEEP=[kept]" "$(cat "$T/out")"
same_as_ref "values" envdir "$d" sh -c "$show"

expect_exit 111 "missing directory" envdir "$T/nope" true
same "missing directory message" \
	"envdir: fatal: unable to switch to directory $T/nope: file does not exist" "$(cat "$T/err")"
same_as_ref "missing directory" envdir "$T/nope" true
same_as_ref "a file instead of a directory" envdir "$d/A" true
same_as_ref "options are not parsed" envdir -x "$d" true

expect_exit 111 "child not found" envdir "$d" dtng-no-such-program
same "child not found message" \
	"envdir: fatal: unable to run dtng-no-such-program: file does not exist" "$(cat "$T/err")"
same_as_ref "child not found" envdir "$d" dtng-no-such-program

# compat: the child is searched in envdir's own PATH, not the directory's.
mkdir "$T/p"
printf '/nonexistent\n' >"$T/p/PATH"
expect_exit 0 "PATH set by the directory is not used to find the child" envdir "$T/p" env
check "the child still gets the new PATH" grep -qx 'PATH=/nonexistent' "$T/out"
same_as_ref "PATH from the directory" envdir "$T/p" sh -c 'echo "$PATH"'

# compat: no /bin/sh fallback for a script without #!
printf 'echo hi\n' >"$T/nosh"
chmod +x "$T/nosh"
same_as_ref "script without #! is an exec format error" envdir "$d" "$T/nosh"

mkdir "$T/sub" "$T/sub/DIR"
expect_exit 111 "a subdirectory cannot be read" envdir "$T/sub" true
same "subdirectory message" "envdir: fatal: unable to read $T/sub/DIR: is a directory" \
	"$(cat "$T/err")"
same_as_ref "a subdirectory cannot be read" envdir "$T/sub" true

# Deviation: a name with '=' is refused (0.76 exported X with "Y=" glued on).
mkdir "$T/eq"
printf 'v\n' >"$T/eq/X=Y"
expect_exit 111 "a file name containing = is refused" envdir "$T/eq" true
same "= message" "envdir: fatal: unable to use $T/eq/X=Y as a variable: name contains =" \
	"$(cat "$T/err")"

if [ "$(id -u)" = 0 ]; then
	mkdir "$T/unr"
	chmod 755 "$T" "$T/unr"
	printf 'secret\n' >"$T/unr/S"
	chmod 0 "$T/unr/S"
	expect_exit 111 "unreadable file" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DT_BINDIR/envdir" "$T/unr" true
	same "unreadable message" "envdir: fatal: unable to read $T/unr/S: access denied" \
		"$(cat "$T/err")"
else
	skip "unreadable file" "needs root to set up"
	skip "unreadable message" "needs root to set up"
fi

# A fifo without a writer reads as empty instead of blocking.
mkfifo "$d/FIFO"
FIFO=x
export FIFO
expect_exit 0 "a fifo without writer unsets the variable" \
	timeout 10 envdir "$d" sh -c 'test -z "${FIFO+set}"'

done_testing
