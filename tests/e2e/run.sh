#!/bin/sh
# End-to-end: each demo under live capture with the built binary, its wire
# story checked in the JSON timeline (tests/e2e/check.py), plus the message
# and exit status of a capture without permission.  Where live capture is
# not permitted, the live tests are skipped loudly.
# usage: tests/e2e/run.sh BUILD
set -u
build=${1:-build}
bin=$build/sockscope
here=$(dirname "$0")
out=$(mktemp -d /tmp/sockscope-e2e.XXXXXX)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0 skipped=0
port=${SOCKSCOPE_E2E_PORT:-47100}

pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "SKIPPED (counted as skipped, not passed): $1"; skipped=$((skipped + 1)); }

if [ ! -x "$bin" ]; then
	echo "e2e: $bin is missing: run make first"
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi

# Without permission: one clear message and exit 1.
permission_test() {
	user=nobody
	id "$user" >/dev/null 2>&1 || { skip "no user '$user' to test capture without permission"; return; }
	[ "$(id -u)" = 0 ] || { skip "not root: cannot become '$user' for the permission test"; return; }
	chmod 777 "$out"
	# run a copy from a folder anyone may enter: the checkout may live under /root
	cp "$bin" "$out/sockscope" && chmod 755 "$out/sockscope"
	as_user="setpriv --reuid=$user --regid=nogroup --clear-groups"
	if ! runs=$($as_user "$out/sockscope" --help 2>&1 >/dev/null); then
		skip "'$user' cannot run a program here, so capture without permission is untested: $runs"
		return
	fi
	msg=$($as_user "$out/sockscope" demo tcp-upper -o "$out" 2>&1 >/dev/null)
	status=$?
	if [ "$status" = 1 ] && echo "$msg" | grep -q "capture on lo not permitted: run as root, or: sudo setcap"; then
		pass "capture without permission: exit 1 and a clear message"
	else
		fail "capture without permission: exit $status, message: $msg"
	fi
	[ "$(echo "$msg" | wc -l)" = 1 ] && pass "capture without permission: one line" ||
		fail "capture without permission: more than one line: $msg"
}

# Is live capture possible here?  Try the smallest capture there is.
probe=$("$bin" capture -c 1 -o "$out/probe.json" -- true 2>&1 >/dev/null)
probe_status=$?
demos=$("$bin" list | awk '/^[a-z]/ {print $1}')
if [ $probe_status != 0 ] && echo "$probe" | grep -q "not permitted"; then
	# every live test below is one skipped test: each demo, capture around a command, until SIGINT
	for demo in $demos; do skip "$demo: live capture not permitted: $probe"; done
	skip "capture -- COMMAND: live capture not permitted"
	skip "capture until SIGINT: live capture not permitted"
	permission_test
	echo "e2e: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" = 0 ]
	exit
fi

for demo in $demos; do
	if "$bin" demo "$demo" -o "$out" -p "$port" >"$out/$demo.log" 2>&1; then
		pass "$demo: exit 0"
	else
		fail "$demo: exit $?: $(cat "$out/$demo.log")"
	fi
	if [ ! -s "$out/$demo.json" ]; then
		fail "$demo: no timeline written"
	elif python3 "$here/check.py" "$demo" "$out/$demo.json"; then
		pass "$demo: wire story"
	else
		fail "$demo: wire story"
	fi
	[ -s "$out/$demo.pcap" ] || [ "$demo" = unix-seqpacket ] || fail "$demo: no pcap file"
	[ -s "$out/$demo.json" ] && . "$here/kernel.sh"
done
. "$here/kernel-limits.sh"

# capture around a command: the command's traffic is all there.
if "$bin" capture -o "$out/around.json" "udp port $port" -- \
	python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x', ('127.0.0.1', $port)) for i in range(50)]" \
	2>"$out/around.log"; then
	n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for e in d['events'] if e['kind']=='packet' and e.get('udp')))" "$out/around.json")
	[ "$n" = 50 ] && pass "capture -- COMMAND: all 50 datagrams, no markers" ||
		fail "capture -- COMMAND: $n datagrams of 50"
else
	fail "capture -- COMMAND: $(cat "$out/around.log")"
fi

# capture until SIGINT: nothing captured is lost.
"$bin" capture -o "$out/sigint.json" "udp port $((port + 1))" 2>"$out/sigint.log" &
pid=$!
sleep 0.5
python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'y', ('127.0.0.1', $((port + 1)))) for i in range(20)]"
kill -INT $pid
wait $pid
n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for e in d['events'] if e['kind']=='packet'))" "$out/sigint.json" 2>/dev/null)
[ "$n" = 20 ] && pass "capture until SIGINT: all 20 datagrams" ||
	fail "capture until SIGINT: ${n:-no timeline}, expected 20: $(cat "$out/sigint.log")"

# socket calls of traced programs (calls.sh prints its own checks and counts)
sh "$here/calls.sh" "$build" >"$out/calls.log" 2>&1; cat "$out/calls.log"; eval "$(sed -n 's/^calls: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/passed=$((passed + \1)) failed=$((failed + \2)) skipped=$((skipped + \3))/p' "$out/calls.log")"

permission_test
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
