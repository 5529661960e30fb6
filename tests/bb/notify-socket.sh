#!/bin/sh
# SPDX-License-Identifier: ISC
# The readiness socket cannot be taken over (issue 14, item 1). It used to
# be the predictable abstract name @dtng-notify-DEV-INO, which any local
# user could bind first (readiness then failed open: svwait -r never
# returned) or bind after a restart of supervise (and receive the service's
# STATUS= messages). Now it is a socket file in a directory only the
# service's user (and root) can enter; a failure to set it up stops the
# start. As real second users: the service runs as daemon, the outsider is
# nobody. Certain: each check waits for a durable state (svwait -r, the
# refusal message, supervise/state).
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

need_root
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
id daemon >/dev/null 2>&1 || skip_all "no user daemon"
command -v setpriv >/dev/null || skip_all "setpriv not installed (util-linux)"
command -v perl >/dev/null || skip_all "perl not installed"
cd "$T" || exit 99
# Other users must reach their service directories, not our files.
chmod 0711 "$T"

as() { _u=$1; shift; setpriv --reuid="$_u" --regid="$(id -g "$_u")" --clear-groups "$@"; }
# A service that sends STATUS= and READY=1 to $NOTIFY_SOCKET once go is written.
SENDER='read x <go
echo "$NOTIFY_SOCKET" >socket.env
exec perl -MSocket -e '\''my $p = $ENV{NOTIFY_SOCKET} or die "no NOTIFY_SOCKET\n";
$p =~ s/^@/\0/;
socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!";
send($s, "STATUS=serving\nREADY=1\n", 0, pack_sockaddr_un($p)) or die "send: $!";
sleep 1000'\'''
mkready() {
	mkdir -p "$1"
	chmod 0755 "$1"
	printf '#!/bin/sh\n%s\n' "$SENDER" >"$1/run"
	chmod 0755 "$1/run"
	: >"$1/notify-socket"
	mkfifo -m 0666 "$1/go"
	: >"$1/socket.env"
	chmod 0666 "$1/socket.env"
}

# ---- a squatter on the old abstract name changes nothing
mkready sq
name="dtng-notify-$(stat -c %d-%i sq)"
# In a subshell: not our child, so the shell reports no "Killed" at exit.
sq_pid=$( (as nobody perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die;
	bind($s, pack_sockaddr_un("\0$ARGV[0]")) or die "bind: $!"; $| = 1;
	print "bound\n"; sleep 1000' "$name" </dev/null >squat.out 2>&1 & echo $!) )
track "$sq_pid"
check "squatter: nobody holds the old abstract name" wait_until 30 grep -q bound squat.out
start_sv sq
echo go >sq/go
expect_exit 0 "squatter: svwait -r still returns" svwait -r -t 30 sq
same "squatter: state=ready" ready "$(state_field sq state)"
same "squatter: STATUS= reached supervise" serving "$(state_field sq status)"
check "squatter: NOTIFY_SOCKET given" test -s sq/socket.env
case $(cat sq/socket.env) in
/*) pass "squatter: NOTIFY_SOCKET is a path" ;;
*) fail "squatter: NOTIFY_SOCKET is a path"; diag "$(cat sq/socket.env)" ;;
esac
same "no socket is under supervise/ but ours" "$PWD/sq/supervise/notify" "$(cat sq/socket.env)"
svc -dx sq
wait_until 30 gone $SVPID
check "supervise removes its socket at exit" test ! -e sq/supervise/notify

# ---- a service with a user: its own directory under the base
base=$T/nb
mkready u
echo daemon >u/user
SUPERVISE_NOTIFY_DIR=$base
export SUPERVISE_NOTIFY_DIR
start_sv u
echo go >u/go
expect_exit 0 "user daemon: svwait -r returns" svwait -r -t 30 u
sock=$(cat u/socket.env)
same "user daemon: the socket's path" "$base/$(stat -c %d-%i u)/notify" "$sock"
same "user daemon: its directory is daemon's, 0700" "daemon 700" \
	"$(stat -c '%U %a' "${sock%/notify}")"
same "user daemon: the base is root's, 0711" "root 711" "$(stat -c '%U %a' "$base")"
# nobody can neither send to it nor bind beside it.
as nobody perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or die;
	send($s, "STATUS=spoofed\n", 0, pack_sockaddr_un($ARGV[0])) or die "send: $!\n"' \
	"$sock" 2>spoof.err
same "outsider: cannot send to it" "send: Permission denied" "$(cat spoof.err)"
expect_exit 2 "outsider: cannot list its directory" as nobody ls "${sock%/notify}"
same "outsider: the status is the service's" serving "$(state_field u status)"
svc -dx u
wait_until 30 gone $SVPID
check "its directory is removed at exit" test ! -e "${sock%/notify}"

# ---- fail closed: an untrusted base stops the start
mkready bad
echo daemon >bad/user
mkdir -m 0777 "$T/open"
SUPERVISE_NOTIFY_DIR=$T/open
start_sv bad
check "untrusted base: the start is refused" wait_until 30 grep -q 'notify-socket' bad.err
same "untrusted base: the message" \
	"supervise: warning: unable to start bad: notify-socket: unable to set up its directory: permission denied" \
	"$(head -n 1 bad.err)"
check "untrusted base: not started (backoff)" wait_until 30 test "$(state_field bad state)" = backoff
check "untrusted base: run never ran" test ! -s bad/socket.env
svc -dx bad
wait_until 30 gone $SVPID
unset SUPERVISE_NOTIFY_DIR

done_testing
