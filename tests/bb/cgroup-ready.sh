#!/bin/sh
# SPDX-License-Identifier: ISC
# Issue 6, the files read before each start: readiness (notification-fd and
# notify-socket, with svwait -r), user and capabilities (binding port 80 as
# nobody), and the limit files. A bad value never fails open: no start, a
# message, retried with backoff.
. "$DT_SRCDIR/tests/bb/lib.sh"

need_root
cg_private || skip_all "cannot make a private cgroup v2 directory here"
trap '_cleanup; cg_cleanup' EXIT
trap '_cleanup; cg_cleanup; exit 99' INT TERM HUP
# Services run as nobody read their own run scripts.
chmod 755 "$T"

# --- readiness through s6's notification-fd
n=$T/nfd
mksvc "$n" 'read x <go
echo >&3
exec sleep 1000'
echo 3 >"$n/notification-fd"
mkfifo "$n/go"
start "$n"
wait_until 30 has_pid "$n"
same "notification-fd: starting until the newline" starting "$(stateval "$n" state)"
expect_exit 99 "notification-fd: svwait -r waits for the newline" svwait -r -t 0.3 "$n"
expect_exit 0 "notification-fd: svwait -u returns while starting" svwait -u -t 30 "$n"
echo go >"$n/go"
expect_exit 0 "notification-fd: svwait -r returns on the newline" svwait -r -t 30 "$n"
same "notification-fd: state=ready" ready "$(stateval "$n" state)"
check "notification-fd: ready_since is set" test -n "$(stateval "$n" ready_since)"
check "notification-fd: the service's fd 3 is the pipe" \
	sh -c "readlink /proc/$(stateval "$n" pid)/fd/3 | grep -q pipe"
svc -t "$n"
check "notification-fd: a restart is starting again" wait_until 30 field_is "$n" state starting
same "notification-fd: ready_since cleared" "" "$(stateval "$n" ready_since)"
stop "$n" "$sup"

b=$T/nfdbad
mksvc "$b" 'echo started >>starts
exec sleep 1000'
echo 1 >"$b/notification-fd"
# A restart delay of 100 s: the backoff state after the refused start lasts
# until svc -u, so it is read at leisure.
echo '100 100 10' >"$b/backoff"
start "$b"
check "notification-fd 1: a message" wait_until 30 grep -q 'unable to start .*notification-fd' "$b.err"
check "notification-fd 1: not started" test ! -e "$b/starts"
check "notification-fd 1: backoff" wait_until 30 field_is "$b" state backoff
echo 4 >"$b/notification-fd"
svc -u "$b"
check "notification-fd fixed: starts" wait_until 30 test -e "$b/starts"
stop "$b" "$sup"

# --- readiness through NOTIFY_SOCKET (systemd's protocol): a perl sender
m=$T/sock
mksvc "$m" 'read x <go
echo "$NOTIFY_SOCKET" >socket.env
exec perl -MSocket -e '\''my $p = $ENV{NOTIFY_SOCKET}; $p =~ s/^@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
send($s, "STATUS=serving 42\nREADY=1\n", 0, pack_sockaddr_un($p)) or die "send: $!";
sleep 1000'\'''
: >"$m/notify-socket"
mkfifo "$m/go"
start "$m" NOTIFY_SOCKET=/inherited/must/not/leak
wait_until 30 has_pid "$m"
same "notify-socket: starting until READY=1" starting "$(stateval "$m" state)"
expect_exit 99 "notify-socket: not ready before READY=1" svwait -r -t 0.3 "$m"
echo go >"$m/go"
expect_exit 0 "notify-socket: svwait -r returns on READY=1" svwait -r -t 30 "$m"
same "notify-socket: state=ready" ready "$(stateval "$m" state)"
same "notify-socket: NOTIFY_SOCKET is ours, in supervise/" \
	"$m/supervise/notify" "$(cat "$m/socket.env")"
same "notify-socket: STATUS= kept in supervise/state" "serving 42" "$(stateval "$m" status)"
stop "$m" "$sup"

# A datagram from outside the service is not believed. The outsider's
# READY=1 is queued before the service's own STATUS= (the service sends only
# once the outsider has sent): once supervise has read the STATUS=, it has
# read the READY=1 too, so the state says whether it was believed.
o=$T/outsider
mksvc "$o" 'read x <go
exec perl -MSocket -e '\''my $p = $ENV{NOTIFY_SOCKET}; $p =~ s/^@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
send($s, "STATUS=from the service\n", 0, pack_sockaddr_un($p)) or die "send: $!";
sleep 1000'\'''
: >"$o/notify-socket"
mkfifo "$o/go"
start "$o"
wait_until 30 has_pid "$o"
name="$o/supervise/notify"
perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die;
	send($s, "READY=1\n", 0, pack_sockaddr_un($ARGV[0])) or die "send: $!";
	open(my $f, ">", $ARGV[1]) or die; close $f; sleep 1000' "$name" "$T/sent" &
sender=$!
track "$sender"
check "notify-socket: the outsider sent READY=1" wait_until 30 test -e "$T/sent"
echo go >"$o/go"
check "notify-socket: the service's later STATUS= is read" \
	wait_until 30 field_is "$o" status "from the service"
same "notify-socket: READY=1 from a live outsider is ignored" starting "$(stateval "$o" state)"
kill "$sender" 2>/dev/null
stop "$o" "$sup"

# systemd-notify sends and exits at once: the sender may be gone by the
# time supervise reads the datagram (its uid then vouches for it).
if command -v systemd-notify >/dev/null 2>&1; then
	q=$T/sdn
	mksvc "$q" 'systemd-notify --ready --status=up
exec sleep 1000'
	: >"$q/notify-socket"
	start "$q"
	wait_until 30 has_pid "$q"
	expect_exit 0 "systemd-notify --ready: svwait -r returns" svwait -r -t 30 "$q"
	stop "$q" "$sup"
else
	skip "systemd-notify --ready: svwait -r returns" "systemd-notify not installed"
fi

# Without a readiness method, `ready` is never reached: state stays up.
u=$T/plain
mksvc "$u" 'exec sleep 1000'
start "$u"
check "no readiness file: state up" wait_until 30 field_is "$u" state up
expect_exit 99 "no readiness file: svwait -r does not return" svwait -r -t 0.3 "$u"
stop "$u" "$sup"

# --- user and capabilities: binding port 80 as nobody. Each supervise
# gets a network namespace of its own so port 80 is free and the kernel's
# default unprivileged port floor (1024) applies.
bindport=$DT_BUILDDIR/tests/bb/bindport
bindrun="$bindport 80 2>/dev/null
echo \"uid=\$(id -u) gid=\$(id -g) bind=\$?\" >out/result
exec sleep 1000"
if [ ! -x "$bindport" ]; then
	# Ours, built by make check: not built is a failure, not a missing facility.
	fail "user/capabilities: $bindport is built"
elif id nobody >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
	# A copy beside the services: the build directory may be one nobody
	# cannot enter (dpkg-buildpackage builds in a 0700 temp dir).
	cp "$bindport" "$T/bindport" && chmod 755 "$T/bindport"
	bindrun="$T/bindport 80 2>/dev/null
echo \"uid=\$(id -u) gid=\$(id -g) bind=\$?\" >out/result
exec sleep 1000"
	for c in without with; do
		d=$T/cap-$c
		mksvc "$d" "$bindrun"
		mkdir -m 777 "$d/out"
		echo nobody >"$d/user"
		[ "$c" = with ] && echo cap_net_bind_service >"$d/capabilities"
		unshare -n supervise "$d" 2>>"$d.err" &
		sup=$!
		track "$sup"
		wait_until 30 test -s "$d/out/result"
		p=$(stateval "$d" pid)
		grep -e ^Cap -e ^NoNewPrivs -e ^Groups /proc/"$p"/status >"$d/caps" 2>/dev/null
		stop "$d" "$sup"
	done
	ids="uid=$(id -u nobody) gid=$(id -g nobody)"
	same "as nobody without cap_net_bind_service: port 80 refused (EACCES)" "$ids bind=13" \
		"$(cat "$T/cap-without/out/result" 2>/dev/null)"
	same "as nobody with cap_net_bind_service: port 80 bound" "$ids bind=0" \
		"$(cat "$T/cap-with/out/result" 2>/dev/null)"
	same "with capabilities: ambient is exactly cap_net_bind_service" 0000000000000400 \
		"$(sed -n 's/^CapAmb:[[:space:]]*//p' "$T/cap-with/caps")"
	same "with capabilities: bounding is exactly cap_net_bind_service" 0000000000000400 \
		"$(sed -n 's/^CapBnd:[[:space:]]*//p' "$T/cap-with/caps")"
	same "with capabilities: no_new_privs" 1 "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "$T/cap-with/caps")"
	same "user alone: no capabilities left" 0000000000000000 \
		"$(sed -n 's/^CapEff:[[:space:]]*//p' "$T/cap-without/caps")"
	same "user alone: the user's groups" "$(id -G nobody)" \
		"$(sed -n 's/^Groups:[[:space:]]*//p' "$T/cap-without/caps" | sed 's/ *$//')"
else
	for d in "port 80 refused" "port 80 bound" "ambient" "bounding" "no_new_privs" \
		"no capabilities" "groups"; do
		skip "user/capabilities: $d" "no user nobody or no unshare -n (network namespaces)"
	done
fi

# Root with a list: only those, even for uid 0.
r=$T/rootcaps
mksvc "$r" 'grep -e ^CapBnd -e ^CapEff /proc/self/status >caps
exec sleep 1000'
echo 'cap_kill, cap_chown' >"$r/capabilities"
start "$r"
wait_until 30 test -s "$r/caps"
same "capabilities without user: root keeps only the list" \
	"CapEff: 0000000000000021 CapBnd: 0000000000000021" "$(tr -s '\t\n' '  ' <"$r/caps" | sed 's/ $//')"
stop "$r" "$sup"

for bad in user capabilities; do
	d=$T/bad-$bad
	mksvc "$d" 'echo started >>starts
exec sleep 1000'
	[ $bad = user ] && echo dtng-no-such-user >"$d/user"
	[ $bad = capabilities ] && echo cap_net_bind_service,cap_flying >"$d/capabilities"
	# No retry for 100 s: failures stays 1 while it is read.
	echo '100 100 10' >"$d/backoff"
	start "$d"
	check "bad $bad: a message" wait_until 30 grep -q "unable to start .*$bad" "$d.err"
	check "bad $bad: not started" test ! -e "$d/starts"
	check "bad $bad: counted as a failure" wait_until 30 field_is "$d" failures 1
	stop "$d" "$sup"
done
check "bad capabilities: names the item" grep -q '"cap_flying"' "$T/bad-capabilities.err"

# --- limits: a bad value stops the start with a message
l=$T/limit
mksvc "$l" 'echo started >>starts
exec sleep 1000'
echo 'lots' >"$l/memory.max"
echo '100 100 10' >"$l/backoff"
start "$l"
check "bad memory.max: a message naming the file" wait_until 30 grep -q 'unable to start .*memory.max' "$l.err"
check "bad memory.max: run not started" test ! -e "$l/starts"
check "bad memory.max: backoff" wait_until 30 field_is "$l" state backoff
rm "$l/memory.max"
svc -u "$l"
check "memory.max removed: starts" wait_until 30 test -e "$l/starts"
stop "$l" "$sup"

# Live writes need the controller in cgroup v2 here (on hosts that keep
# memory, pids, cpu and io on cgroup v1 it is not: the start is refused).
ctrls=$(cat "$CG_PRIVATE/cgroup.controllers" 2>/dev/null)
top=$(cat "$(cg_self_dir)/cgroup.controllers" 2>/dev/null)
for kv in "pids.max 42 42" "memory.max 64M 67108864" "cpu.weight 50 50"; do
	set -- $kv
	ctrl=${1%%.*}
	d=$T/lim-$1
	mksvc "$d" 'exec sleep 1000'
	echo "$2" >"$d/$1"
	start "$d"
	case " $ctrls " in
	*" $ctrl "*)
		wait_until 30 has_pid "$d"
		same "$1 $2: written before run" "$3" "$(cat "$(stateval "$d" cgroup)/service/$1")"
		;;
	*)
		check "$1: controller $ctrl not in cgroup v2 here: not started, said so" \
			wait_until 30 grep -q "$1: controller $ctrl is not available in cgroup v2 here" "$d.err"
		skip "$1 $2: live write" "no $ctrl controller in cgroup v2 on this machine (offered to the test's cgroup: ${ctrls:-none}; in its parent: ${top:-none})"
		;;
	esac
	stop "$d" "$sup"
done

# Without a cgroup a limit cannot be kept: no start.
w=$T/limit-nocg
mksvc "$w" 'echo started >>starts
exec sleep 1000'
echo 100 >"$w/pids.max"
start "$w" SUPERVISE_CGROUP=/nonexistent/dtng
check "limit without a cgroup: refused" wait_until 30 grep -q 'unable to start .*pids.max: the service has no cgroup' "$w.err"
check "limit without a cgroup: not started" test ! -e "$w/starts"
stop "$w" "$sup"

same "every supervise removed its cgroup" "" "$(cd "$CG_PRIVATE" && ls -d dtng-* 2>/dev/null)"
done_testing
