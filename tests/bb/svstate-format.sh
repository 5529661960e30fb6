#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise/state has one writer (svstate_format) and one reader
# (svstate_read) with one size, SVSTATE_TEXT_MAX (6144 bytes): a file of
# that size is read whole by svstat -k and svwait (their old readers took
# 4096 bytes and lost what followed a long cgroup line); a longer one is
# refused, never cut. Then the status= line end to end: a STATUS= longer
# than the format keeps, with control bytes, from a service through
# NOTIFY_SOCKET to supervise/state and svstat -k.
. "$DT_SRCDIR/tests/bb/lib.sh"

FAKESV=${DT_BUILDDIR:-$DT_BINDIR/..}/tests/bb/fakesv
[ -x "$FAKESV" ] || { echo "Bail out! tests/bb/fakesv not built"; exit 1; }
cd "$T" || exit 99

MAX=6144 # SVSTATE_TEXT_MAX in include/dt/svstate.h

# repeat N CHAR: N copies of CHAR.
repeat() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# state_text SIZE PID SPID: a state file of exactly SIZE bytes, shaped as
# the largest a supervise writes: a waiting_for of 1023 bytes (the most
# SVSTATE_WAITING_MAX holds), a cgroup path of 4095 bytes (the most
# SVSTATE_CGROUP_MAX holds), then supervise_pid and a status of 255 bytes;
# a key of a newer supervise before them takes up the rest.
state_text() {
	_head="state=ready
pid=$2
since=@400000000000000a00000000
ready_since=@400000000000000a00000000
want=up
paused=0
normally=up
next_start=
failures=0
starts=18446744073709551615
waiting_for=$(repeat 1023 w)
last_exit=none
procs=1
cgroup=/$(repeat 4094 c)
future="
	_tail="
supervise_pid=$3
status=$(repeat 255 s)
"
	_fill=$(($1 - ${#_head} - ${#_tail}))
	printf '%s%s%s' "$_head" "$(repeat "$_fill" f)" "$_tail"
}
# put_state DIR SIZE PID SPID: supervise/state replaced by rename, as
# supervise replaces it.
put_state() {
	state_text "$2" "$3" "$4" >"$1/supervise/state.new"
	mv "$1/supervise/state.new" "$1/supervise/state"
}

# ---- svstat -k: a stand-in supervise/ok and a crafted status and state ----
mkdir -p k/supervise
mkfifo k/supervise/ok
exec 6<>k/supervise/ok
# 0.76's 18 bytes: TAI64N, pid 4242 (0x1092) little-endian, not paused, want u
printf '\100\0\0\0\0\0\0\012\0\0\0\0\222\020\0\0\0u' >k/supervise/status
put_state k $MAX 4242 77
same "the crafted file has the maximum size" $MAX "$(wc -c <k/supervise/state | tr -d ' ')"
svstat -k k >out 2>err
same "svstat -k: exit 0" "0" "$?"
same "svstat -k: no message" "" "$(cat err)"
# kv KEY: KEY's value in the svstat -k line in out. short: a long value
# as LENGTH:head...tail, so a failure's diagnostic stays readable.
kv() { tr ' ' '\n' <out | sed -n "s/^$1=//p"; }
short() { awk '{ n = length($0); print n ":" substr($0, 1, 8) "..." substr($0, n - 7) }'; }
same "svstat -k: a file of the maximum size is read whole (supervise_pid after the cgroup)" \
	"77" "$(kv supervise_pid)"
same "svstat -k: starts, at its widest" "18446744073709551615" "$(kv starts)"
same "svstat -k: ... the cgroup value whole" \
	"$(echo "/$(repeat 4094 c)" | short)" "$(kv cgroup | short)"
same "svstat -k: ... and the status, the last pair" \
	"$(echo "status=$(repeat 255 s)" | short)" "$(tr ' ' '\n' <out | tail -n 1 | short)"

put_state k $((MAX + 1)) 4242 77
same "svstat -k: one byte over the maximum is refused, not cut" \
	"dir=k state=error error=unable%20to%20read%20supervise/state:%20bad%20format" \
	"$(svstat -k k | cut -c 1-200)"
exec 6<&-

# ---- svwait: under a stand-in supervise that holds supervise/lock ----
# svwait believes a state file only when its supervise_pid is the lock
# holder's: cut at 4096 bytes it has none, and -r could never be reached.
mkdir -p w
: >w/fake.log
"$FAKESV" w >>"$T/fake.err" 2>&1 &
fake_pid=$!
track $fake_pid
wait_until 30 grep -q '^ready' w/fake.log
echo "status 4242 u" >w/fake.cmd
wait_until 30 grep -qx "status 4242 u" w/fake.log
put_state w $MAX 4242 $fake_pid
expect_exit 0 "svwait -r: a ready state file of the maximum size is read whole" \
	svwait -r -t 0 w
expect_exit 0 "svwait -u: the same file" svwait -u -t 0 w
put_state w $((MAX + 1)) 4242 $fake_pid
# Refused: svwait falls back to the 18-byte status, which cannot say ready
# (-t 0 is one look at files that no longer change: no timing involved).
expect_exit 99 "svwait -r: a file over the maximum is not believed" svwait -r -t 0 w
expect_exit 0 "svwait -u: ... the status still says up" svwait -u -t 0 w
echo exit >w/fake.cmd
check "the stand-in exits" wait_until 30 gone $fake_pid

# ---- status= end to end: NOTIFY_SOCKET, supervise, svstat -k ----
if ! command -v perl >/dev/null 2>&1; then
	skip "STATUS= through supervise" "perl not installed (the NOTIFY_SOCKET sender)"
	done_testing
fi
mkdir -p s
: >s/notify-socket
# 300 bytes: a tab, a space and a '=' early, then x's; the format keeps 255
# and writes control bytes as '?'. READY=1 comes after, in a second
# datagram, so "ready" orders after the STATUS= was taken.
cat >s/run <<'EOS'
#!/bin/sh
exec perl -MSocket -e 'my $p = $ENV{NOTIFY_SOCKET}; $p =~ s/^@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
my $a = pack_sockaddr_un($p);
send($s, "STATUS=a\tb c=" . ("x" x 294) . "\n", 0, $a) or die "send: $!";
send($s, "READY=1\n", 0, $a) or die "send: $!";
sleep 1000' 2>>perl.err
EOS
chmod 755 s/run
env --default-signal=INT,QUIT supervise s >>s.out 2>>s.err </dev/null &
sup=$!
track $sup
# supervise/status is written once supervise/ok is open: svwait can look.
wait_until 30 test -s s/supervise/status
expect_exit 0 "STATUS=: the service gets ready" svwait -r -t 30 s
same "starts=: one start of run so far" "starts=1" "$(grep '^starts=' s/supervise/state)"
want="a?b c=$(repeat 249 x)"
same "STATUS=: kept in supervise/state, cut to 255 bytes, control bytes as ?" \
	"$want" "$(sed -n 's/^status=//p' s/supervise/state)"
same "STATUS=: status is the last line" "status=$want" "$(tail -n 1 s/supervise/state)"
same "STATUS=: svstat -k shows it escaped" \
	"status=a?b%20c%3D$(repeat 249 x)" "$(svstat -k s | tr ' ' '\n' | tail -n 1)"
svc -dx s
check "supervise exits" wait_until 30 gone $sup
# Once the service is down, its status goes from the state file.
check "STATUS=: gone with the service" sh -c '! grep -q "^status=" s/supervise/state'

done_testing
