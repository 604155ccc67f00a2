#!/bin/sh
# Socket calls of a traced program: the textbook TCP and UDP upper-case pairs
# and curl against python3 -m http.server, each under
# `sockscope capture -- sh -c '...'`, checked against the wire by
# check_calls.py; plus a capture where ptrace is forbidden, which must still
# write its timeline and say why the calls are missing.
# usage: tests/e2e/calls.sh BUILD
set -u
build=${1:-build}
bin=$(cd "$build" && pwd)/sockscope
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/sockscope-calls.XXXXXX)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0 skipped=0
# a fresh port range per run: the textbook server does not set SO_REUSEADDR, so the
# TIME_WAIT its last run left (60 s) would make its bind fail
base=${SOCKSCOPE_CALLS_PORT:-$((45000 + $$ % 200 * 10))}
tcp_port=$base udp_port=$((base + 1)) http_port=$((base + 2))

pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "SKIPPED: $1"; skipped=$((skipped + 1)); }

# Waits (in the traced shell) until a socket listens on the port (TCP state 0A,
# LISTEN; an unconnected UDP socket shows 07): /proc only, no socket call, and
# not fooled by a TIME_WAIT left by an earlier run.
wait_port='w() { h=$(printf "%04X" "$2"); i=0; while ! grep -qi ":$h 00000000:0000 $3" /proc/net/$1 && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; }'

checked() { # checked NAME STATUS OUTPUT
	echo "$3" | grep -E "^(ok|FAIL) " | sed 's/^/    /'
	if [ "$2" = 0 ]; then pass "$1"; else fail "$1"; fi
}

textbook() { # textbook HOW: the pair traced with --calls=HOW (auto: through the shim)
	how=$1
	cd "$here/textbook" || return
	"$bin" capture -o "$out/textbook-$how.json" --calls="$how" "port $tcp_port or port $udp_port" -- sh -c "$wait_port
		python3 tcp_server.py $tcp_port & w tcp $tcp_port 0A; python3 tcp_client.py $tcp_port
		python3 udp_server.py $udp_port & w udp $udp_port 07; python3 udp_client.py $udp_port" \
		>"$out/textbook.out" 2>"$out/textbook.err"
	status=$?
	cd - >/dev/null || return
	tcp_port=$((tcp_port + 100)) udp_port=$((udp_port + 100)) # the servers left TIME_WAITs
	if [ $status != 0 ]; then
		fail "textbook pair ($how): capture exited $status: $(cat "$out/textbook.err")"
		return
	fi
	grep -q "HELLO FROM THE TEXTBOOK CLIENT" "$out/textbook.out" &&
		pass "textbook pair ($how): the programs' stdout stays theirs" ||
		fail "textbook pair ($how): client output missing: $(cat "$out/textbook.out")"
	grep -q "left 2 processes running" "$out/textbook.err" &&
		pass "textbook pair ($how): the two servers left running are reported" ||
		fail "textbook pair ($how): no report of the servers left running: $(cat "$out/textbook.err")"
	grep -Eq "[0-9]+ socket calls traced" "$out/textbook.err" &&
		pass "textbook pair ($how): the summary counts the calls" ||
		fail "textbook pair ($how): summary without calls: $(cat "$out/textbook.err")"
	want=$([ "$how" = ptrace ] && echo ptrace || echo preload)
	result=$(python3 "$here/check_calls.py" textbook "$out/textbook-$how.json" $(($tcp_port - 100)) \
		$(($udp_port - 100)) "$want")
	checked "textbook pair ($how): calls on the right flows, in order with the wire" $? "$result"
}

# A statically linked program cannot load the shim: started from a shell that does,
# it is traced by stops, and its calls are there all the same.
static_test() {
	if ! cc -O2 -static -o "$out/static-sender" "$here/static_sender.c" 2>"$out/cc.err"; then
		skip "cannot link a static program (libc.a missing?): $(cat "$out/cc.err")"
		return
	fi
	"$bin" capture -o "$out/static.json" "udp port $udp_port" -- sh -c "$out/static-sender $udp_port" \
		2>"$out/static.err"
	python3 - "$out/static.json" <<'PY' && pass "static program under a shell: traced by stops, its sendto on the flow" ||
import json, sys
d = json.load(open(sys.argv[1]))
calls = d["source"]["calls"]
sends = [e for e in d["events"] if e["kind"] == "app" and e["call"] == "sendto"]
print("    source.calls:", calls)
print("    sendto:", [(e["comm"], e["args"], e.get("flow")) for e in sends])
ok = (calls["via"] == "preload (1 program), ptrace at every call (1 program)" and len(sends) == 1 and
      sends[0]["comm"] == "static-sender" and '"static"' in sends[0]["args"] and sends[0].get("flow"))
sys.exit(0 if ok else 1)
PY
		fail "static program: $(cat "$out/static.err")"
}

curl_test() {
	if ! command -v curl >/dev/null 2>&1; then
		skip "curl is not installed (sh .ci/deps test installs it)"
		return
	fi
	mkdir -p "$out/www" && echo "hello from http.server" >"$out/www/index.html"
	cd "$out/www" || return
	"$bin" capture -o "$out/curl.json" "port $http_port" -- sh -c "$wait_port
		python3 -m http.server -b 127.0.0.1 $http_port >/dev/null 2>&1 & w tcp $http_port 0A
		curl -s http://127.0.0.1:$http_port/" >"$out/curl.out" 2>"$out/curl.err"
	status=$?
	cd - >/dev/null || return
	if [ $status != 0 ] || ! grep -q "hello from http.server" "$out/curl.out"; then
		fail "curl: capture exited $status: $(cat "$out/curl.err" "$out/curl.out")"
		return
	fi
	result=$(python3 "$here/check_calls.py" curl "$out/curl.json" $http_port)
	checked "curl against python3 -m http.server: calls on the flow" $? "$result"
}

# Python's subprocess starts its child with vfork: until it execs, the child runs in
# the parent's memory, and with close_fds it closes the shim's memfd before exec.
# The parent's calls stay the parent's, and the child's program is traced by stops.
vfork_test() {
	"$bin" capture -o "$out/vfork.json" "udp port $udp_port" -- python3 -c "
import socket, subprocess
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'before', ('127.0.0.1', $udp_port))
subprocess.run(['true'])
s.sendto(b'after', ('127.0.0.1', $udp_port))
s.close()" 2>"$out/vfork.err"
	python3 - "$out/vfork.json" <<'PY' && pass "vfork child (subprocess): the parent's calls stay its own, the child traced by stops" ||
import json, sys
d = json.load(open(sys.argv[1]))
calls = [(e["comm"], e["call"]) for e in d["events"] if e["kind"] == "app"]
via = d["source"]["calls"]["via"]
print("    calls:", calls, "via:", via)
ok = (calls == [("python3", "socket"), ("python3", "sendto"), ("python3", "sendto"), ("python3", "close")]
      and via.endswith("ptrace at every call (1 program)"))
sys.exit(0 if ok else 1)
PY
		fail "vfork child: $(cat "$out/vfork.err")"
}

# A C program's vfork child calls send and close through the C library before it
# exits: those calls are the child's (traced by stops, its own pid), not the parent's,
# and its close leaves the parent's socket known to the shim: the parent's last send
# is still on the flow.
vfork_c_test() {
	cc -O2 -o "$out/vfork-child" "$here/vfork_child.c" 2>"$out/cc.err" ||
		{ fail "vfork child program: $(cat "$out/cc.err")"; return; }
	"$bin" capture -o "$out/vfork-c.json" "udp port $udp_port" -- "$out/vfork-child" $udp_port \
		2>"$out/vfork-c.err"
	python3 - "$out/vfork-c.json" <<'PY' && pass "vfork child (C): its send and close are its own, the parent's stay the parent's" ||
import json, sys
d = json.load(open(sys.argv[1]))
calls = [(e["pid"], e["call"], e["args"], bool(e.get("flow"))) for e in d["events"] if e["kind"] == "app"]
print("    calls:", calls, "via:", d["source"]["calls"]["via"])
pids = sorted({pid for pid, *_ in calls}, key=lambda p: [c[0] for c in calls].index(p))
parent = [(c, a.split(",")[1].strip() if c == "send" else "", f) for p, c, a, f in calls if p == pids[0]]
child = [c for p, c, *_ in calls if len(pids) == 2 and p == pids[1]]
ok = (len(pids) == 2 and child == ["send", "close"] and
      [c for c, _, _ in parent] == ["socket", "connect", "send", "send", "close"] and
      [a for c, a, _ in parent if c == "send"] == ['"before"', '"after"'] and
      all(f for c, _, f in parent if c == "send"))
sys.exit(0 if ok else 1)
PY
		fail "vfork child (C): $(cat "$out/vfork-c.err")"
}

# The shim on its own, handed a ring that is not one (a program may set anything in its
# environment): it passes every call through, and the program runs as without it.
shim_hostile_test() {
	shim=$(cd "$build" && pwd)/libsockscope-calls.so
	[ -e "$shim" ] || { fail "shim: $shim was not built"; return; }
	for bad in "1,0,4096" "0,4096,1048576" "garbage" "999,0,99999999999999" ""; do
		got=$(SOCKSCOPE_CALLS="$bad" LD_PRELOAD="$shim" python3 -c '
import socket
a, b = socket.socketpair(); a.send(b"x"); print(b.recv(1).decode())' 2>&1)
		[ "$got" = x ] || { fail "shim with SOCKSCOPE_CALLS='$bad': $got"; return; }
	done
	pass "shim handed a ring that is not one: every call passes through"
}

# ptrace forbidden by a seccomp policy (as a container's): the capture still works,
# and a program that loads the shim still has its calls logged (they need no ptrace);
# with --calls=ptrace nothing can be traced, and both say why.
refused_test() {
	if ! cc -O2 -o "$out/noptrace" "$here/noptrace.c" 2>"$out/cc.err"; then
		skip "cannot build the no-ptrace helper: $(cat "$out/cc.err")"
		return
	fi
	for how in auto ptrace; do
		# (LeakSanitizer stops the world with ptrace, which this test forbids)
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$out/noptrace" "$bin" capture \
			-o "$out/refused.json" --calls=$how "port $tcp_port" -- \
			python3 -c 'import socket; socket.socket().close(); print("ran")' \
			>"$out/refused.out" 2>"$out/refused.err"
		status=$?
		said=$([ $how = ptrace ] && echo "socket calls NOT traced: ptrace refused (Operation not permitted)" ||
			echo "socket calls traced, but ptrace refused (Operation not permitted)")
		if [ $status = 0 ] && grep -q "^ran$" "$out/refused.out" && grep -qF "$said" "$out/refused.err"; then
			pass "ptrace refused ($how): the command runs, exit 0, and stderr says why"
		else
			fail "ptrace refused ($how): exit $status: $(cat "$out/refused.err" "$out/refused.out")"
		fi
		python3 - "$out/refused.json" $how <<'PY' && pass "ptrace refused ($how): source.calls says why" ||
import json, sys
d = json.load(open(sys.argv[1]))
calls = d["source"]["calls"]
names = [e["call"] for e in d["events"] if e["kind"] == "app"]
print("    source.calls:", calls, names)
if sys.argv[2] == "ptrace":
    ok = calls["traced"] is False and "ptrace refused" in calls["why"] and calls["count"] == 0
else:
    ok = (calls["traced"] is True and "ptrace refused" in calls["why"] and "only through the preloaded shim" in calls["why"]
          and calls["via"] == "preload" and names[:1] == ["socket"] and "close" in names)
sys.exit(0 if ok else 1)
PY
			fail "ptrace refused ($how): source.calls"
	done
}

# How the command ended is said, and the timeline is written all the same.
endings_test() {
	"$bin" capture -o "$out/missing.json" "port $tcp_port" -- /nonexistent/program 2>"$out/missing.err"
	status=$?
	[ $status = 0 ] && [ -s "$out/missing.json" ] && grep -q "/nonexistent/program could not be started: not found" "$out/missing.err" &&
		pass "command not found: reported, timeline written" ||
		fail "command not found: exit $status: $(cat "$out/missing.err")"
	echo "not a program" >"$out/plain.txt" && chmod 644 "$out/plain.txt"
	"$bin" capture -o "$out/noexec.json" "port $tcp_port" -- "$out/plain.txt" 2>"$out/noexec.err"
	grep -q "plain.txt could not be started: not executable (Permission denied)" "$out/noexec.err" &&
		pass "command not executable: reported" || fail "not executable: $(cat "$out/noexec.err")"
	"$bin" capture -o "$out/killed.json" "port $tcp_port" -- sh -c 'kill -KILL $$' 2>"$out/killed.err"
	grep -q "sh was killed by signal 9 (SIGKILL)" "$out/killed.err" && [ -s "$out/killed.json" ] &&
		pass "command killed by a signal: reported, timeline written" ||
		fail "command killed: $(cat "$out/killed.err")"
	"$bin" capture -o "$out/nonzero.json" "port $tcp_port" -- sh -c 'exit 3' 2>"$out/nonzero.err"
	grep -q "sh exited with status 3" "$out/nonzero.err" &&
		pass "command exits non-zero: reported" || fail "non-zero exit: $(cat "$out/nonzero.err")"
}

# Ctrl-C (SIGINT to sockscope, no terminal): CMD gets it first, and what it sends
# while handling it is still captured and traced.
interrupt_test() {
	"$bin" capture -o "$out/int.json" "udp port $udp_port" -- python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    open('$out/int.started', 'w').close()
    while True:
        s.sendto(b'tick', ('127.0.0.1', $udp_port)); time.sleep(0.05)
except KeyboardInterrupt:
    s.sendto(b'after ctrl-c', ('127.0.0.1', $udp_port))
" 2>"$out/int.err" &
	pid=$!
	i=0
	while [ ! -e "$out/int.started" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.3
	kill -INT $pid
	wait $pid
	status=$?
	python3 - "$out/int.json" <<'PY' && [ $status = 0 ] && pass "Ctrl-C: forwarded to CMD, its last datagram captured and its sendto traced" || fail "Ctrl-C: exit $status: $(cat "$out/int.err")"
import json, sys
d = json.load(open(sys.argv[1]))
packets = [e for e in d["events"] if e["kind"] == "packet"]
sends = [e for e in d["events"] if e["kind"] == "app" and e["call"] == "sendto"]
sys.exit(0 if packets and packets[-1]["payload"]["text"] == "after ctrl-c" and
         '"after ctrl-c"' in sends[-1]["args"] else 1)
PY
}

# -p PID: attach to a running process, trace, detach on Ctrl-C; it keeps running.
attach_test() {
	python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
open('$out/attach.started', 'w').close()
for i in range(60):
    s.sendto(b'tick %d' % i, ('127.0.0.1', $udp_port)); time.sleep(0.05)
" &
	target=$!
	i=0
	while [ ! -e "$out/attach.started" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	"$bin" capture -o "$out/attach.json" -p $target "udp port $udp_port" 2>"$out/attach.err" &
	pid=$!
	sleep 1
	kill -INT $pid
	wait $pid
	status=$?
	wait $target
	target_status=$?
	python3 - "$out/attach.json" $target <<'PY' && [ $status = 0 ] && [ $target_status = 0 ] &&
import json, sys
d = json.load(open(sys.argv[1]))
sends = [e for e in d["events"] if e["kind"] == "app" and e["call"] == "sendto"]
ok = sends and all(e["pid"] == int(sys.argv[2]) and e["flow"] for e in sends)
sys.exit(0 if ok and d["source"]["calls"]["command"] == "was detached from and keeps running" else 1)
PY
		pass "-p PID: sendto calls traced on their flow, detached on Ctrl-C, the process ran on" ||
		fail "-p PID: exit $status, process exit $target_status: $(cat "$out/attach.err")"
}

# Under sudo the capture drops to the user before CMD starts: the tracer and CMD run
# unprivileged (the filter then needs no_new_privs) and the calls are still traced.
dropped_test() {
	id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || { skip "not root or no user nobody: dropped-privileges tracing untested"; return; }
	mkdir -p "$out/nobody" && chmod 777 "$out" "$out/nobody" && cp "$bin" "$out/nobody/sockscope" && chmod 755 "$out/nobody/sockscope"
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c true 2>/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$out/nobody/sockscope" list >/dev/null 2>&1 ||
		{ skip "nobody cannot run programs on this machine: dropped-privileges tracing untested"; return; }
	SUDO_UID=$(id -u nobody) SUDO_GID=$(id -g nobody) "$out/nobody/sockscope" capture -o "$out/nobody/run.json" \
		"udp port $udp_port" -- python3 -c "
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'uid %d' % os.getuid(), ('127.0.0.1', $udp_port))
" 2>"$out/nobody.err"
	python3 - "$out/nobody/run.json" "$(id -u nobody)" <<'PY' &&
import json, sys
d = json.load(open(sys.argv[1]))
sends = [e for e in d["events"] if e["kind"] == "app" and e["call"] == "sendto"]
sys.exit(0 if sends and '"uid %s"' % sys.argv[2] in sends[0]["args"] and sends[0]["flow"] else 1)
PY
		pass "privileges dropped to the sudo user: the command runs as the user and is traced" ||
		fail "privileges dropped: $(cat "$out/nobody.err")"
}

# The overhead budgets of the issue, as bench/calls.sh measures them (the median of 25
# paired runs, traced against --no-calls): 100,000 small sends at most 2x, 1 GiB in bulk
# under 10% slower.  On a miss the bench runs once more (this machine is shared), and a
# second miss fails.  Twenty-five pairs: the same untraced bulk transfer took 0.54 to
# 1.43 s between runs while the host took 40 to 56% of the CPUs (2026-12-03), single
# pairs' ratios ranged from 0.67 to 1.43, and medians of fifteen from 1.03 to 1.16.  The small sends are UDP datagrams to a socket nobody reads: their
# untraced time is steady.  The TCP small sends the bench also times are printed, not
# judged: on loopback their untraced time is 0.09 s or 0.2 s depending on whether the
# kernel coalesced the sends, and a fixed 100 ns added to every call (no tracing at
# all) moved the median of ten pairs' ratios between 1.3 and 1.8, single pairs from
# 1.2 to 3.8 (docs/calls.md).
overhead_test() {
	root=$(cd "$here/../.." && pwd)
	for attempt in 1 2; do
		result=$(cd "$root" && SOCKSCOPE_BENCH_PORT=$((base + 340 + attempt * 160)) \
			sh bench/calls.sh "$(cd "$build" && pwd)" 1024 100000 25 2>&1)
		echo "$result" | sed 's/^/    /'
		ratios=$(echo "$result" |
			sed -n 's/^ratios: bulk \([0-9.]*\) datagrams \([0-9.]*\) small \([0-9.]*\)$/\1 \2 \3/p')
		[ -n "$ratios" ] || { fail "tracing overhead: the bench did not run"; return; }
		echo "$result" | grep -q "targets met" && break
	done
	set -- $ratios
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1.10 else 1)" "$1" &&
		pass "tracing overhead on a bulk transfer under 10%: ${1}x" ||
		fail "tracing overhead on a bulk transfer: ${1}x, budget < 1.10x"
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 2.0 else 1)" "$2" &&
		pass "tracing overhead on 100,000 small sends (UDP) at most 2x: ${2}x" ||
		fail "tracing overhead on 100,000 small sends (UDP): ${2}x, budget <= 2x"
	echo "    100,000 small TCP sends: ${3}x (not judged; see docs/calls.md)"
}

probe=$("$bin" capture -c 1 -o "$out/probe.json" --no-calls -- true 2>&1 >/dev/null)
if [ $? != 0 ] && echo "$probe" | grep -q "not permitted"; then
	echo "SKIPPED: live capture not permitted: $probe"
	echo "calls: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
textbook auto
textbook ptrace
static_test
vfork_test
vfork_c_test
shim_hostile_test
curl_test
refused_test
endings_test
interrupt_test
attach_test
dropped_test
if [ "${SOCKSCOPE_SKIP_OVERHEAD:-}" ]; then
	skip "tracing overhead budgets not measured: $SOCKSCOPE_SKIP_OVERHEAD"
else
	overhead_test
fi
echo "calls: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
