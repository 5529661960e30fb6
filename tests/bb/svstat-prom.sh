#!/bin/sh
# SPDX-License-Identifier: ISC
# svstat -p: the Prometheus metrics of DESIGN.md section 6. Crafted
# supervise directories in every state (the state list is the output's
# own, so a state added to enum svstate_state is covered at once), a 0.76
# status, unsupervised and missing DIRs, hostile names and unreadable
# files; live services under our supervise and 0.76's; each output passes
# `promtool check metrics`, and node_exporter's textfile collector serves
# it. promtool and node_exporter: Debian packages prometheus and
# prometheus-node-exporter; their checks skip, saying so, where absent.
. "$DT_SRCDIR/tests/bb/lib.sh"
. "$DT_SRCDIR/tests/bb/svhelp.sh"

cd "$T" || exit 99

PROMTOOL=$(command -v promtool)
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter)

# promcheck DESC FILE: promtool accepts FILE (lint included).
promcheck() {
	if [ -z "$PROMTOOL" ]; then
		skip "$1: promtool accepts it" "promtool not installed (Debian package prometheus)"
		return
	fi
	if "$PROMTOOL" check metrics <"$2" >"$T/promtool.out" 2>&1; then
		pass "$1: promtool accepts it"
	else
		fail "$1: promtool accepts it"
		diag "$(cat "$T/promtool.out")"
	fi
}
# has FILE LINE: FILE holds exactly the line LINE.
has() { grep -qxF -- "$2" "$1"; }
# value FILE METRIC LABELS: the value of the sample METRIC{LABELS}.
value() { grep -F -- "$2{$3} " "$1" | sed 's/.* //'; }
tai() { printf '\100\0\0\0%b\0\0\0\0' "$1"; }

# ---- crafted directories ----
# sv DIR: a supervise directory whose ok fifo has a reader (a sleep of
# ours that holds it open: dash has no file descriptors above 9).
sv() {
	mkdir -p "$1/supervise"
	mkfifo "$1/supervise/ok"
	# The shell opens the fifo before the fork (a brace group's
	# redirection), so the reader exists when sv returns: opened in the
	# child, svstat could look first on a busy machine.
	{ sleep 100000 & } 9<>"$1/supervise/ok"
	track $!
}
# status DIR PIDBYTES: 0.76's 18 bytes, stamp 1970 + 1000 s (unix 1000).
status() { { tai '\0\0\003\362'; printf "$2\0u"; } >"$1/supervise/status"; }

# A 0.76 supervise: status only, up, pid 12345.
sv old
status old '\071\060\0\0'
# 0.76, down
sv old-down
status old-down '\0\0\0\0'
# Not supervised: a fifo without a reader; no supervise directory.
mkdir -p unsup/supervise nosup
mkfifo unsup/supervise/ok

svstat -p old old-down unsup nosup >out 2>err
same "exit 0" 0 "$?"
same "no message for unsupervised DIRs" "" "$(cat err)"
check "0.76: running" has out 'daemontools_supervise_running{service="old"} 1'
check "0.76: state up from status" has out 'daemontools_service_state{service="old",state="up"} 1'
check "0.76: state down from status" \
	has out 'daemontools_service_state{service="old-down",state="down"} 1'
check "0.76: since from the status stamp" \
	has out 'daemontools_service_since_seconds{service="old"} 1000.000000000'
same "0.76: nothing status cannot say" "" \
	"$(grep -E '^daemontools_service_(starts|failures|last|processes|memory|cpu|oom)' out)"
check "fifo without a reader: running 0" \
	has out 'daemontools_supervise_running{service="unsup"} 0'
check "no supervise directory: running 0" \
	has out 'daemontools_supervise_running{service="nosup"} 0'
same "unsupervised: running only" "" "$(grep -v '^#' out | grep -v running | grep unsup)"
promcheck "0.76 and unsupervised" out
cp out all-076.prom

# Our supervise, every state: the state list is the output's own.
states=$(sed -n 's/^daemontools_service_state{service="old",state="\([a-z]*\)"}.*/\1/p' out)
same "the state list: at least the states of DESIGN.md section 4" \
	"down starting up ready stopping finishing backoff" \
	"$(echo $states | tr ' ' '\n' | grep -xE 'down|starting|up|ready|stopping|finishing|backoff' |
		tr '\n' ' ' | sed 's/ $//')"
# statefile DIR STATE PID: a state file as our supervise writes it.
statefile() {
	cat >"$1/supervise/state.new" <<EOF
state=$2
pid=$3
since=@400000000000000a000007d0
ready_since=
want=up
paused=0
normally=up
next_start=
failures=2
starts=7
last_exit=signal 9
procs=3
cgroup=none
supervise_pid=77
EOF
	mv "$1/supervise/state.new" "$1/supervise/state"
}
dirs=
for s in $states; do
	sv "st-$s"
	status "st-$s" '\071\060\0\0'
	statefile "st-$s" "$s" 12345
	dirs="$dirs st-$s"
done
svstat -p $dirs >out 2>err
same "every state: no message" "" "$(cat err)"
for s in $states; do
	same "state $s: its series is 1, the others 0" \
		"$(echo $states | tr ' ' '\n' | sed "s/^$s\$/& 1/; /^$s /!s/\$/ 0/" | sort)" \
		"$(sed -n "s/^daemontools_service_state{service=\"st-$s\",state=\"\([a-z]*\)\"} /\1 /p" out |
			sort)"
done
check "state file: since" has out 'daemontools_service_since_seconds{service="st-up"} 0.000002000'
check "state file: starts" has out 'daemontools_service_starts_total{service="st-up"} 7'
check "state file: failures" has out 'daemontools_service_failures{service="st-up"} 2'
check "state file: last exit by a signal: code -1" \
	has out 'daemontools_service_last_exit_code{service="st-up"} -1'
check "state file: ... and the signal" has out 'daemontools_service_last_signal{service="st-up"} 9'
check "state file: procs without a cgroup" \
	has out 'daemontools_service_processes{service="st-up"} 3'
same "no cgroup: no memory, cpu or OOM series" "" \
	"$(grep -E '^daemontools_service_(memory|cpu|oom)' out)"
promcheck "every state" out
cp out all-states.prom

# A state file of a supervise from before starts=: no starts series; one
# whose pid is not the status's was left by our supervise under a 0.76
# one: status wins.
sv older
status older '\071\060\0\0'
statefile older up 12345
sed -i '/^starts=/d' older/supervise/state
sv stale
status stale '\0\0\0\0'
statefile stale up 12345
svstat -p older stale >out 2>err
same "no starts= in the file: no starts series" "" "$(grep starts_total out | grep -v '^#')"
check "a stale state file: status says down" \
	has out 'daemontools_service_state{service="stale",state="down"} 1'
same "a stale state file: none of its values" "" "$(grep -E 'failures|last_|processes' out |
	grep stale)"
check "exit N: code N, signal 0" sh -c "sed -i 's/^last_exit=.*/last_exit=exit 3/' older/supervise/state &&
	svstat -p older | grep -qxF 'daemontools_service_last_exit_code{service=\"older\"} 3' &&
	svstat -p older | grep -qxF 'daemontools_service_last_signal{service=\"older\"} 0'"

# ---- hostile names ----
q='q"uote' b='back\slash' nl='new
line' tab="$(printf 'ta\tb')" bin="$(printf 'bad\377\376utf8')" \
	cut="$(printf 'cut\342\202')" utf="$(printf 'caf\303\251')"
for d in "$q" "$b" "$nl" "$tab" "$bin" "$cut" "$utf"; do
	sv "$d"
	status "$d" '\071\060\0\0'
done
svstat -p "$q" "$b" "$nl" "$tab" "$bin" "$cut" "$utf" >out 2>err
same "hostile names: no message" "" "$(cat err)"
same "hostile names: one running line each, no line broken" 7 \
	"$(grep -c '^daemontools_supervise_running{service=".*"} 1$' out)"
check "a double quote is \\\"" has out 'daemontools_supervise_running{service="q\"uote"} 1'
check "a backslash is \\\\" has out 'daemontools_supervise_running{service="back\\slash"} 1'
check "a newline is \\n" has out 'daemontools_supervise_running{service="new\nline"} 1'
check "a tab is \\\\x09" has out 'daemontools_supervise_running{service="ta\\x09b"} 1'
check "bytes that are not UTF-8 are \\\\xNN" \
	has out 'daemontools_supervise_running{service="bad\\xff\\xfeutf8"} 1'
check "a cut UTF-8 sequence is \\\\xNN" \
	has out 'daemontools_supervise_running{service="cut\\xe2\\x82"} 1'
check "UTF-8 passes through" has out "daemontools_supervise_running{service=\"$utf\"} 1"
promcheck "hostile names" out
cp out hostile.prom

svstat -p old old ./old >out
same "a DIR given twice: once" 1 "$(grep -c 'running{service="old"}' out)"
check "./old is another label" has out 'daemontools_supervise_running{service="./old"} 1'
promcheck "a DIR given twice" out

# ---- many DIRs: several readers, the output still in argument order ----
i=0
many=
while [ $i -lt 300 ]; do
	i=$((i + 1))
	mkdir -p "many/$i/supervise"
	many="$many many/$i"
done
svstat -p $many old $many st-up >out 2>err
same "300 DIRs twice and two more: no message" "" "$(cat err)"
same "300 DIRs twice and two more: each once, in order" \
	"$(for d in $many old st-up; do echo "$d"; done)" \
	"$(sed -n 's/^daemontools_supervise_running{service="\(.*\)"} [01]$/\1/p' out)"
check "... an unsupervised one" has out 'daemontools_supervise_running{service="many/250"} 0'
check "... a supervised one among them" \
	has out 'daemontools_service_state{service="st-up",state="up"} 1'
check "... its values" has out 'daemontools_service_starts_total{service="st-up"} 7'
promcheck "300 DIRs" out

# ---- unreadable files: what is readable, a message, never a broken line ----
sv badstate
status badstate '\071\060\0\0'
mkdir badstate/supervise/state
sv badstatus
mkdir badstatus/supervise/status
statefile badstatus up 12345
sv garbage
status garbage '\071\060\0\0'
echo garbage >garbage/supervise/state
sv nothing
svstat -p badstate badstatus garbage nothing missing >out 2>err
same "exit 0 with unreadable files" 0 "$?"
check "state unreadable: message" grep -qxF \
	"svstat: warning: badstate: unable to read supervise/state: is a directory" err
check "state unreadable: running" has out 'daemontools_supervise_running{service="badstate"} 1'
check "state unreadable: status still read" \
	has out 'daemontools_service_state{service="badstate",state="up"} 1'
check "status unreadable: message" grep -qxF \
	"svstat: warning: badstatus: unable to read supervise/status: is a directory" err
check "status unreadable: the state file is read" \
	has out 'daemontools_service_starts_total{service="badstatus"} 7'
check "state file garbage: message" grep -qxF \
	"svstat: warning: garbage: unable to read supervise/state: bad format" err
check "status missing: message" grep -qxF \
	"svstat: warning: nothing: unable to read supervise/status: file does not exist" err
check "status missing: running all the same" \
	has out 'daemontools_supervise_running{service="nothing"} 1'
check "missing DIR: message" grep -qxF \
	"svstat: warning: missing: unable to open: file does not exist" err
check "missing DIR: nothing supervises it" \
	has out 'daemontools_supervise_running{service="missing"} 0'
same "one message per unreadable file" 5 "$(wc -l <err | tr -d ' ')"
promcheck "unreadable files" out
cp out unreadable.prom

# ---- live: our supervise (with its cgroup where there is one), 0.76's ----
if our_supervise; then
	mk_service "$T/live"
	start_sup "$DT_BINDIR/supervise" "$T/live"
	wait_until 30 grep -q '^state=up$' live/supervise/state
	svstat -p "$T/live" >out 2>err
	same "live: no message" "" "$(cat err)"
	check "live: running" has out "daemontools_supervise_running{service=\"$T/live\"} 1"
	check "live: up" has out "daemontools_service_state{service=\"$T/live\",state=\"up\"} 1"
	check "live: one start" has out "daemontools_service_starts_total{service=\"$T/live\"} 1"
	if grep -q '^cgroup=/' live/supervise/state; then
		cg=$(sed -n 's/^cgroup=//p' live/supervise/state)/service
		check "live, cgroup: processes counted" \
			grep -q "^daemontools_service_processes{service=\"$T/live\"} [1-9]" out
		check "live, cgroup: CPU seconds (cpu.stat is always there)" \
			grep -q "^daemontools_service_cpu_seconds_total{service=\"$T/live\"} [0-9]*\.[0-9]\{6\}$" out
		if [ -f "$cg/memory.current" ]; then
			check "live, memory controller: memory bytes" \
				grep -q "^daemontools_service_memory_bytes{service=\"$T/live\"} [1-9]" out
			check "live, memory controller: OOM kills" \
				grep -q "^daemontools_service_oom_kills_total{service=\"$T/live\"} 0$" out
		else
			same "live, no memory controller: no memory or OOM series" "" \
				"$(grep -E '^daemontools_service_(memory|oom)' out)"
		fi
	else
		skip "live, cgroup" "supervise runs without a cgroup here (no delegated cgroup v2)"
	fi
	promcheck "live, our supervise" out
	cp out live.prom
	# A service that fails: backoff of 100 s holds the state still.
	mkdir -p fails
	printf '#!/bin/sh\nexit 3\n' >fails/run
	chmod +x fails/run
	echo "100 100 10" >fails/backoff
	env --default-signal=INT,QUIT "$DT_BINDIR/supervise" "$T/fails" >>"$T/supervise.log" 2>&1 &
	track $!
	check "failing service: in backoff" \
		wait_until 30 grep -q '^failures=1$' fails/supervise/state
	svstat -p fails >out 2>err
	check "failing: backoff" has out 'daemontools_service_state{service="fails",state="backoff"} 1'
	check "failing: one failure" has out 'daemontools_service_failures{service="fails"} 1'
	check "failing: exit code 3" has out 'daemontools_service_last_exit_code{service="fails"} 3'
	promcheck "failing service" out
	cp out fails.prom
	svc -dx "$T/live" fails
else
	no_supervise "svstat -p with our supervise"
fi
if have_ref supervise; then
	mk_service "$T/live076"
	start_sup /usr/bin/supervise "$T/live076"
	svstat -p "$T/live076" >out 2>err
	check "0.76 supervise, live: up" \
		has out "daemontools_service_state{service=\"$T/live076\",state=\"up\"} 1"
	same "0.76 supervise, live: no starts (0.76 does not count)" "" \
		"$(grep -v '^#' out | grep starts_total)"
	promcheck "live, 0.76 supervise" out
	cp out live076.prom
	svc -dx "$T/live076"
else
	skip "live 0.76 supervise" "daemontools not installed"
fi

# ---- node_exporter's textfile collector serves it ----
if [ -z "$NODE_EXPORTER" ]; then
	skip "node_exporter serves it" \
		"prometheus-node-exporter not installed (Debian package prometheus-node-exporter)"
	done_testing
fi
if ! command -v curl >/dev/null 2>&1; then
	skip "node_exporter serves it" "curl not installed"
	done_testing
fi
mkdir tf
# One file per case (node_exporter merges them; a family in two files is
# fine, a series in two is not: each case has its own DIRs).
for f in *.prom; do
	cp "$f" "tf/$f.new" && mv "tf/$f.new" "tf/$f"
done
# A free port: the kernel names one (bind to port 0), node_exporter takes
# it a moment later; if someone took it in between, it exits: next one.
freeport() {
	perl -MSocket -e 'socket(my $s, PF_INET, SOCK_STREAM, 0) or die;
		bind($s, sockaddr_in(0, INADDR_LOOPBACK)) or die;
		print((sockaddr_in(getsockname($s)))[0])'
}
ne_up() { curl -sf "http://127.0.0.1:$port/metrics" >/dev/null; }
started=
for try in 1 2 3 4 5; do
	port=$(freeport) || break
	"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$T/tf" >>"$T/ne.log" 2>&1 &
	ne=$!
	track $ne
	wait_until 30 sh -c "curl -sf 'http://127.0.0.1:$port/metrics' >/dev/null || ! kill -0 $ne" 2>/dev/null
	if ne_up; then
		started=1
		break
	fi
	kill $ne 2>/dev/null
done
if [ -z "$started" ]; then
	fail "node_exporter starts"
	diag "$(tail -n 5 "$T/ne.log")"
	done_testing
fi
pass "node_exporter starts on 127.0.0.1:$port"
curl -sf "http://127.0.0.1:$port/metrics" >scrape
same "node_exporter: no textfile error" "node_textfile_scrape_error 0" \
	"$(grep '^node_textfile_scrape_error' scrape)"
check "node_exporter: a 0.76 service" grep -qxF \
	'daemontools_service_state{service="old",state="up"} 1' scrape
check "node_exporter: every state" grep -qxF \
	'daemontools_service_state{service="st-backoff",state="backoff"} 1' scrape
check "node_exporter: hostile names" grep -qxF \
	'daemontools_supervise_running{service="bad\\xff\\xfeutf8"} 1' scrape
check "node_exporter: a newline in a name" grep -qxF \
	'daemontools_supervise_running{service="new\nline"} 1' scrape
if [ -f live.prom ]; then
	check "node_exporter: a live service" grep -qF \
		"daemontools_service_starts_total{service=\"$T/live\"} 1" scrape
fi
same "node_exporter: every series of the files" \
	"$(cat tf/*.prom | grep -v '^#' | sed 's/ [^ ]*$//' | sort -u)" \
	"$(grep '^daemontools_' scrape | sed 's/ [^ ]*$//' | sort -u)"
kill $ne
done_testing
