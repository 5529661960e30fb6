#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise keeps status and state true through a failed write (issue 14,
# item 3): on a full disk the dirty files are retried until written, with
# one warning per outage; a service directory removed under a running
# supervise gets one warning, the service is taken down and supervise exits.
# Certain: the outage is held by the test (a full tmpfs) while the service,
# which writes outside it, proves each state change was processed; the end
# is awaited with svwait and supervise's own exit.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/supervise-lib.sh"

need_root
cd "$T" || exit 99
mkdir mnt
mount -t tmpfs -o size=256k tmpfs mnt 2>/dev/null || skip_all "cannot mount a tmpfs here"
trap '_svc_cleanup; umount -l "$T/mnt" 2>/dev/null; _cleanup; cg_cleanup' EXIT

# The service logs to $T (not on the small disk): "start PID", "got TERM".
# supervise runs on $T/s, a symlink into the small disk, so its own
# stderr (s.err, next to the name given) is not on the full disk.
mkdir mnt/s
ln -s mnt/s s
s=s
cat >"$s/run" <<EOS
#!/bin/sh
echo "start \$\$" >>$T/s.log
echo \$\$ >$T/s.pid
trap 'echo "got TERM \$\$" >>$T/s.log; exit 0' TERM
sleep 300 & wait
EOS
chmod +x "$s/run"
start_sv "$s"
starts_are() { [ "$(grep -c '^start ' "$T/s.log" 2>/dev/null)" = "$1" ]; }
terms_are() { [ "$(grep -c '^got TERM' "$T/s.log" 2>/dev/null)" = "$1" ]; }
check "up" wait_until 30 starts_are 1
check "svwait -u" svwait -u -t 30 "$s"

# Fill the disk (dd stops at ENOSPC).
dd if=/dev/zero of=mnt/fill bs=4k 2>/dev/null
svc -d "$s"
check "down: the service got TERM" wait_until 30 terms_are 1
svc -u "$s"
check "started again on the full disk" wait_until 30 starts_are 2
svc -d "$s"
check "down again" wait_until 30 terms_are 2
# Two state changes processed since the first failure: still one warning.
check "a warning about the failed write" wait_until 30 grep -q 'unable to' "$s.err"
same "said once per outage" 1 "$(grep -c 'unable to' "$s.err")"
# The files still say up (pid of the second start): space comes back and
# the retry, not a new event, must write the truth.
rm -f mnt/fill
check "svwait -d after space returns (retried without a new event)" svwait -d -t 30 "$s"
check "svstat says down" sh -c "svstat $s | grep -q ': down '"
same "state=down" down "$(state_field "$s" state)"
same "still one warning" 1 "$(grep -c 'unable to' "$s.err")"

# ---- the service directory removed under a running supervise
svc -u "$s"
check "up once more" wait_until 30 starts_are 3
p=$(tail -n 1 "$T/s.pid")
track "$p"
: >"$s.err"
rm -rf mnt/s
# A state change makes supervise write, which finds the directory gone.
kill -TERM "$p"
check "supervise exits once its directory is gone" wait_until 30 gone $SVPID
same "one warning saying why" \
	"supervise: warning: $s: the service directory has been removed: taking the service down, then exiting" \
	"$(grep 'removed' "$s.err")"
same "nothing else said about it" 1 "$(grep -c . "$s.err")"
done_testing
