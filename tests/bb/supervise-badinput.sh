#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise and odd service directories (issue 14, item 7): a regular file
# where a fifo belongs, a name with a newline in messages, a backoff below
# the floor, capabilities without user. Certain: every check waits for a
# durable state (the service's pid file, svwait, supervise's own message).
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

cd "$T" || exit 99

# ---- a regular file at supervise/control and at supervise/ok
mksvc c
mkdir c/supervise
echo junk >c/supervise/control
echo junk >c/supervise/ok
start_sv c
check "control: a fifo again" test -p c/supervise/control
check "ok: a fifo again" test -p c/supervise/ok
check "it said so, once each" test "$(grep -c 'is not a fifo: replacing it with one' c.err)" = 2
same "the message" "supervise: warning: c/supervise/control is not a fifo: replacing it with one" \
	"$(grep control c.err)"
p=$(svc_pid c)
check "the service is up" test -n "$p"
check "svok sees supervise" svok c
svc -d c
check "svc reaches it: down" svwait -d -t 30 c
check "supervise is alive" kill -0 $SVPID
svc -dx c
wait_until 30 gone $SVPID

# ---- a newline in the directory name: one line per message
nl='
'
d="two${nl}lines"
mkdir "$d"
start_sv "$d"
check "the missing run is reported" wait_until 30 grep -q 'unable to start' "$d.err"
same "one line, the newline escaped" \
	"supervise: warning: unable to start two\\nlines/run (retrying every second): file does not exist" \
	"$(nocg "$d.err")"
svc -dx "$d"
wait_until 30 gone $SVPID

# ---- backoff below the 0.01 s floor: warning, defaults
for v in "0.000000001 1 1" "0.01 1 0.001" "0.009 60 10"; do
	rm -rf b
	mksvc b
	echo "$v" >b/backoff
	start_sv b
	check "backoff \"$v\": warned" wait_until 30 grep -q 'backoff: bad value' b.err
	same "backoff \"$v\": the warning" \
		"supervise: warning: b/backoff: bad value, using the default" "$(nocg b.err)"
	svc -dx b
	wait_until 30 gone $SVPID
	rm -f b.err
done
mksvc b
echo "0.01 0.01 0.01" >b/backoff
start_sv b
svc_pid b >/dev/null
same "backoff at the floor is accepted" "" "$(nocg b.err)"
svc -dx b
wait_until 30 gone $SVPID

# ---- capabilities without user: uid 0, only the listed capabilities
if [ "$(id -u)" = 0 ]; then
	mkdir k
	cat >k/run <<'EOS'
#!/bin/sh
grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs):' /proc/self/status >creds.new
mv creds.new creds
echo $$ >pid
exec sleep 300
EOS
	chmod +x k/run
	echo cap_net_bind_service >k/capabilities
	start_sv k
	svc_pid k >/dev/null
	check "caps without user: started" test -s k/creds
	same "caps without user: uid 0" "0" "$(awk '/^Uid:/{print $2}' k/creds)"
	# cap_net_bind_service is bit 10.
	same "caps without user: only the listed capability" \
		"0000000000000400 0000000000000400 1" \
		"$(awk '/^CapEff:/{e=$2} /^CapBnd:/{b=$2} /^NoNewPrivs:/{n=$2} END{print e, b, n}' k/creds)"
	svc -dx k
	wait_until 30 gone $SVPID
else
	skip "capabilities without user" "needs root"
fi

done_testing
