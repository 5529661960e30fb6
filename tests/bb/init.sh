#!/bin/sh
# Boot integration files generated from init/*.in: the systemd unit passes
# `systemd-analyze verify` with no complaint and has the settings svscan's
# shutdown relies on, and runs svscan itself (its messages to the journal);
# the inittab line, upstart job and OpenRC script run the same svscanboot.
. "$DT_SRCDIR/tests/bb/lib.sh"

B=${DT_BUILDDIR:-$DT_BINDIR/..}/init
unit=$B/svscan.service
[ -f "$unit" ] || skip_all "$unit not generated (run make first)"

exe=$(sed -n 's/^ExecStart=//p' "$unit")
case $exe in
/*/svscan\ /*) pass "ExecStart is an absolute svscan on the scan directory: $exe" ;;
*) fail "ExecStart is an absolute svscan on the scan directory: '$exe'" ;;
esac
boot=${exe%/svscan *}/svscanboot
for kv in KillMode=process Delegate=yes Restart=always WantedBy=multi-user.target; do
	check "unit sets $kv" grep -qx "$kv" "$unit"
done
check "no @...@ left in the generated files" \
	sh -c '! grep -n "@[A-Za-z_]*@" "$1"/svscan.service "$1"/inittab "$1"/svscan.conf "$1"/svscan.openrc' \
	sh "$B"
same "inittab line runs the same svscanboot" "SV:123456:respawn:$boot" \
	"$(grep -v '^#' "$B/inittab")"
same "upstart job runs the same svscanboot" "exec $boot" "$(grep '^exec ' "$B/svscan.conf")"
same "OpenRC script runs the same svscanboot" "command=\"$boot\"" \
	"$(grep '^command=' "$B/svscan.openrc")"
check "OpenRC script is executable" test -x "$B/svscan.openrc"
check "OpenRC script parses as sh" sh -n "$B/svscan.openrc"

# verify checks that ExecStart names an executable; the unit names the
# installed path, so point it at the built svscan, or at a stand-in
# while the program is not built yet (the rest of the unit is still checked).
if command -v systemd-analyze >/dev/null 2>&1; then
	if [ -x "$DT_BINDIR/svscan" ]; then
		exe=$DT_BINDIR/svscan
	else
		exe=$T/svscan
		printf '#!/bin/sh\n' >"$exe" && chmod +x "$exe"
		diag "svscan not built yet: verifying with a stand-in ExecStart"
	fi
	sed "s|^ExecStart=\([^ ]*\)|ExecStart=$exe|; s|^ExecStartPre=.*||" "$unit" >"$T/svscan.service"
	systemd-analyze verify "$T/svscan.service" >"$T/out" 2>&1
	r=$?
	same "systemd-analyze verify: exit 0, no complaint" "0:" "$r:$(cat "$T/out")"
	sed 's/^KillMode=process/KillMode=bogus/' "$T/svscan.service" >"$T/bad.service"
	systemd-analyze verify "$T/bad.service" >"$T/out" 2>&1
	check "systemd-analyze verify complains about a broken copy" grep -q bogus "$T/out"
else
	skip "systemd-analyze verify" "systemd-analyze missing (Debian package systemd)"
	skip "systemd-analyze verify complains about a broken copy" "systemd-analyze missing"
fi

done_testing
