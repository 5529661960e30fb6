#!/bin/sh
# SPDX-License-Identifier: ISC
# svstat: 0.76's exact text and exit codes, side by side with Debian's
# svstat (seconds normalised), on crafted status records and on a live
# service under Debian's supervise; then svstat -k.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svhelp.sh"

cd "$T" || exit 99
norm() { sed -E 's/[0-9]+ seconds/N seconds/g'; }

# compare DESC DIR...: same text (seconds normalised) and exit code as 0.76.
compare() {
	_d=$1; shift
	_ours=$(svstat "$@" 2>&1; echo "exit $?")
	if have_ref svstat; then
		_ref=$(/usr/bin/svstat "$@" 2>&1; echo "exit $?")
		same "$_d: as 0.76" "$(echo "$_ref" | norm)" "$(echo "$_ours" | norm)"
	else
		skip "$_d: as 0.76" "daemontools not installed"
	fi
}

mkdir -p g/supervise
mkfifo g/supervise/ok
exec 5<>g/supervise/ok

# record TAI-SECONDS-BYTES PID-BYTES PAUSED WANT: an 18-byte status (octal escapes).
record() { printf "$1$2$3$4" >g/supervise/status; }
past='\100\0\0\0\0\0\0\012'          # 1970
future='\177\0\0\0\0\0\0\0'
for pid in '\071\060\0\0' '\0\0\0\0' '\377\377\377\377'; do
	for paused in '\0' '\1'; do
		for want in u d '\0'; do
			record "$past\0\0\0\0" "$pid" "$paused" "$want"
			rm -f g/down
			compare "pid $pid paused $paused want $want" g
			touch g/down
			compare "pid $pid paused $paused want $want, down file" g
		done
	done
done
rm -f g/down
record "$future\0\0\0\0" '\071\060\0\0' '\0' u
same "a stamp in the future is 0 seconds" "g: up (pid 12345) 0 seconds" "$(svstat g)"
record '\0\0\0\0\0\0\0\0\0\0\0\0' '\0\0\0\0' '\0' '\0'
if have_ref svstat; then
	# 0.76 goes through a double: same digits, low bits lost
	# (the seconds count runs: look again until both read in one second)
	_i=0
	while _r=$(/usr/bin/svstat g) _o=$(svstat g); [ "$_r" != "$_o" ] && [ $_i -lt 20 ]; do
		_i=$((_i + 1))
	done
	same "zeroed stamp: 0.76's exact digits" "$_r" "$_o"
fi
printf "$past\0\0\0\0\1\0\0\0\0uextra" >g/supervise/status
compare "a longer record is read" g
printf 'abc' >g/supervise/status
compare "short status: bad format" g
: >g/supervise/status
compare "empty status: bad format" g
rm g/supervise/status
compare "missing status" g
mkdir g/supervise/status
# 0.76 compares read(2)'s -1 as unsigned and prints a stale (zeroed) record;
# we report the error (a listed difference)
same "status is a directory: the read error" \
	"g: unable to read supervise/status: is a directory" "$(svstat g)"
rmdir g/supervise/status
record "$past\0\0\0\0" '\1\0\0\0' '\0' u
ln -s loop g/down 2>/dev/null; ln -s down g/loop
compare "down is a symlink loop" g
rm -f g/down g/loop
ln -s nowhere g/down
compare "down is a dangling symlink: normally up" g
rm g/down

mkdir -p nosup/supervise empty isdir/supervise/ok
mkfifo nosup/supervise/ok
compare "supervise not running" nosup
compare "no supervise directory" empty
compare "ok is a directory" isdir
compare "missing directory" missing
compare "empty name" ""
compare "no argument" 
compare "several directories" g nosup missing empty g
compare "-x is a directory name to 0.76" -x
same "exit 0 with errors" 0 "$(svstat missing nosup >/dev/null; echo $?)"

if have_ref supervise; then
	mk_service "$T/live"
	start_sup /usr/bin/supervise "$T/live"
	compare "live: up" "$T/live"
	svc -p "$T/live"
	wait_until 30 status_b_is "$T/live" 16 1
	compare "live: paused" "$T/live"
	svc -c "$T/live"
	# both svstats must read the same record: wait for the c first
	wait_until 30 status_b_is "$T/live" 16 0
	touch "$T/live/down"
	compare "live: up, normally down" "$T/live"
	rm "$T/live/down"
	# supervise 0.76 ignores control for 1 s after a start: want down shows
	svc -d "$T/live"
	wait_until 30 status_down "$T/live"
	compare "live: down" "$T/live"
	compare "live: with others" "$T/live" nosup "$T/live"
else
	skip "live comparison" "daemontools not installed"
fi

# ---- svstat -k ----
same "-k: unsupervised (fifo without reader)" "dir=nosup state=unsupervised" "$(svstat -k nosup)"
same "-k: unsupervised (no supervise dir)" "dir=empty state=unsupervised" "$(svstat -k empty)"
same "-k: error in 0.76's words" \
	"dir=missing state=error error=unable%20to%20chdir:%20file%20does%20not%20exist" \
	"$(svstat -k missing)"
record '\100\0\0\0\0\0\0\012' '\0\0\0\0\071\060\0\0' '\1' d
same "-k: derived from a 0.76 status" \
	"dir=g state=up pid=12345 since=@400000000000000a00000000 want=down paused=1 normally=up" \
	"$(svstat -k g)"
touch g/down
record '\100\0\0\0\0\0\0\012' '\0\0\0\0\0\0\0\0' '\0' '\0'
same "-k: derived, down, once, normally down" \
	"dir=g state=down pid=0 since=@400000000000000a00000000 want=once paused=0 normally=down" \
	"$(svstat -k g)"
rm g/down
mkdir -p "sp ace=%"
cp -R g/supervise "sp ace=%/"
exec 6<>"sp ace=%/supervise/ok"
same "-k: dir escaped" "dir=sp%20ace%3D%25 state=down" "$(svstat -k "sp ace=%" | cut -d' ' -f1-2)"
printf 'state=up\npid=12345\ncgroup=/x y\nfuture=1\n' >g/supervise/state.new
mv g/supervise/state.new g/supervise/state
record '\100\0\0\0\0\0\0\012' '\0\0\0\0\071\060\0\0' '\0' u
same "-k: state file keys in order, escaped, unknown keys kept" \
	"dir=g state=up pid=12345 cgroup=/x%20y future=1" "$(svstat -k g)"
record '\100\0\0\0\0\0\0\012' '\0\0\0\0\0\0\0\0' '\0' u
same "-k: a state whose pid disagrees with status is stale" \
	"dir=g state=down pid=0" "$(svstat -k g | cut -d' ' -f1-3)"
printf 'garbage\n' >g/supervise/state
same "-k: bad state file" \
	"dir=g state=error error=unable%20to%20read%20supervise/state:%20bad%20format" \
	"$(svstat -k g)"
rm g/supervise/state
same "-k: several lines, plain untouched" "3" "$(svstat -k g nosup missing | wc -l)"
same "-k: exit 0" 0 "$(svstat -k missing >/dev/null; echo $?)"
same "-k alone prints nothing" "" "$(svstat -k)"
mkdir -p ./-k/supervise
same "./-k is a directory" "./-k: unable to open supervise/ok: file does not exist" "$(svstat ./-k)"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$T/noread" && chmod 0311 "$T/noread"
	(cd "$T/noread" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		svstat /nonexistent 2>"$T/err"; echo $? >"$T/rc")
	same "unreadable cwd: exit 111" 111 "$(cat "$T/rc")"
	same "unreadable cwd: message" \
		"svstat: fatal: unable to open current directory: access denied" "$(cat "$T/err")"
else
	skip "unreadable cwd" "needs root and setpriv"
fi
if our_supervise; then
	mk_service "$T/ours"
	start_sup "$DT_BINDIR/supervise" "$T/ours"
	# the service may write its start before supervise writes state
	check "-k with our supervise: state=up" \
		wait_until 30 sh -c "svstat -k '$T/ours' | grep -q ' state=up '"
	check "-k with our supervise: supervise_pid" \
		sh -c "svstat -k '$T/ours' | grep -q ' supervise_pid=$sup_pid\$'"
	same "-k with our supervise: starts=1 after the first start" "starts=1" \
		"$(svstat -k "$T/ours" | tr ' ' '\n' | grep '^starts=')"
	if have_ref svstat; then
		compare "0.76 svstat reads our status" "$T/ours"
	fi
else
	no_supervise "-k with our supervise"
fi
done_testing
