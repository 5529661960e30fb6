#!/bin/sh
# svscan's log pipe: svscan keeps both ends, so no line is lost when the
# service, the logger, or either supervise restarts; a plain-file "log" is
# refused with a message.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svscan_lib.sh"

S=$T/service
W=$T/w
mkdir -p "$S/a/log" "$W"
# Every writer numbers its lines "PID N" and records its last N in W/count.PID
# after writing it; at W/stop it stays alive without writing.
cat >"$S/a/run" <<EOF
#!/bin/sh
i=0
while :; do
	[ -e $W/stop ] && exec sleep 300
	i=\$((i + 1))
	echo "\$\$ \$i"
	echo "\$i" >$W/count.\$\$
	[ \$((i % 20)) = 0 ] && sleep 0.02
done
EOF
printf '#!/bin/sh\nexec multilog ./main\n' >"$S/a/log/run"
chmod +x "$S/a/run" "$S/a/log/run"

lines() { cat "$S"/a/log/main/@* "$S"/a/log/main/current 2>/dev/null | wc -l; }
more_lines() { [ "$(lines)" -ge "$1" ]; }
writers() { ls "$W" | grep -c '^count\.'; }
writers_are() { [ "$(writers)" -ge "$1" ]; }

start_svscan "$S"
check "logger receives the service's lines" wait_until 10 more_lines 50
check "one supervise for the service, one for its log" wait_until 5 sups_are 2

svc -t "$S/a"
check "service restarted" wait_until 10 writers_are 2
n=$(lines)
check "lines flow after the service restarted" wait_until 10 more_lines $((n + 50))

svc -t "$S/a/log"
n=$(lines)
check "lines flow after the logger restarted" wait_until 10 more_lines $((n + 50))

old=$(sup_pid "$S/a")
orphan=$(children "$old")
track_extra $orphan
kill -KILL "$old"
check "main supervise restarted after SIGKILL" wait_until 10 sup_changed "$S/a" "$old"
check "new service instance writes" wait_until 10 writers_are 3
n=$(lines)
check "lines flow after the main supervise restarted" wait_until 10 more_lines $((n + 50))

oldlog=$(sup_pid "$S/a/log")
track_extra $(children "$oldlog")
kill -KILL "$oldlog"
check "log supervise restarted after SIGKILL" wait_until 10 sup_changed "$S/a/log" "$oldlog"
n=$(lines)
check "lines flow after the log supervise restarted" wait_until 10 more_lines $((n + 50))

# Stop the writers, then every line each one wrote must be in the log.
touch "$W/stop"
complete() {
	for f in "$W"/count.*; do
		p=${f##*.}
		k=$(cat "$f")
		cat "$S"/a/log/main/@* "$S"/a/log/main/current 2>/dev/null |
			awk -v p="$p" -v k="$k" '
				$1 == p { if (seen[$2]++) dup = 1; if ($2 > m) m = $2; c++ }
				END { exit !(m >= k && c == m && !dup) }' || return 1
	done
}
check "no line lost or doubled across all four restarts" wait_until 15 complete
if ! complete; then
	for f in "$W"/count.*; do diag "$f: $(cat "$f")"; done
	diag "$(tail -5 "$S/a/log/main/current")"
fi

# A plain file named log: a message, and the service runs without a logger.
mksvc "$T/b"
echo oops >"$T/b/log"
ln -s ../b "$S/b"
check "service with a plain-file log started" wait_until 10 ran "$T/b"
check "plain-file log reported" err_has "b/log is not a directory"
check "no supervise for a plain-file log" no_sup "$T/b/log"

stop_svscan "$SVPID"
same "svscan exits 0 on TERM" 0 "$SVRC"
done_testing
