#!/bin/sh
# Faults: what sockscope run as root must withstand (docs/privileges.md),
# each case as a test, run as root in namespaces and temporary directories it
# creates and removes.  The sudo cases set SUDO_UID/SUDO_GID as sudo does, for
# the unprivileged user nobody (65534).  Tests that need what this machine
# lacks are skipped loudly.
# usage: tests/faults/run.sh BUILD
set -u
build=${1:-build}
bin=$(cd "$(dirname "$build/sockscope")" && pwd)/sockscope
here=$(cd "$(dirname "$0")" && pwd)
tools="python3 $here/tools.py"
out=$(mktemp -d /tmp/sockscope-faults.XXXXXX)
chmod 755 "$out"
netns=sockscope-faults-$$
trap 'ip netns delete "$netns" 2>/dev/null; rm -rf "$out"' EXIT
passed=0 failed=0 skipped=0
# a port of its own: other suites on this machine may be sending to theirs
port=${SOCKSCOPE_FAULTS_PORT:-$((20000 + $$ % 20000))}
as_sudo="env SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody"

pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
skip() { echo "SKIPPED: $1"; skipped=$((skipped + 1)); }
check() { # check NAME COMMAND...: pass when COMMAND succeeds
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
now_ms() { date +%s%3N; }

if [ ! -x "$bin" ]; then
	echo "faults: $bin is missing: run make first"
	echo "faults: 0 passed, 1 failed"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "SKIPPED faults: they run as root (namespaces, other users, capabilities)"
	echo "faults: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
# a copy anyone may run: the checkout may live under a directory nobody cannot enter
cp "$bin" "$out/sockscope" && chmod 755 "$out/sockscope" && bin=$out/sockscope
# Can nobody run programs here at all?  In a chroot made under a private
# directory it cannot even load the C library: the cases as the user are skipped.
if setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" list >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c true 2>/dev/null; then
	as_user=yes
else
	as_user=""
	echo "SKIPPED (counted): user nobody cannot run programs on this machine, so the cases run as the user are untested"
fi

# 1. A command sees descriptors 0, 1 and 2 only: not the packet socket, -w or the markers.
# With its calls traced it also holds the shim's memfd (named sockscope-calls: the
# preloaded library and the ring its calls go through), and nothing else.
# The command is ls itself, listing its own fds: a shell running `ls | awk` would
# hold its pipeline's pipe while ls reads /proc, and ls's own directory fd is left out.
fds_of_command() ( # fds_of_command PREFIX...: the command's fds, one line
	cd "$out/user" && rm -f fd.pcap fd.json && "$@" "$bin" capture -w fd.pcap -o fd.json $capture_options -- \
		ls -l /proc/self/fd 2>"$out/fd.log" |
		awk 'NF > 8 && $11 !~ /^\/proc\/[0-9]+\/fd$/ { print $9 ($9 > 2 ? ":" $11 : "") }' | sort -n | tr '\n' ' '
)
only_std() { # only_std FDS [shim]: 0 1 2, and the shim's memfd when allowed
	rest=$(echo "$1" | sed 's/ [0-9]*:\/memfd:sockscope-calls / /')
	[ "$rest" = "0 1 2 " ] && { [ -n "${2:-}" ] || [ "$rest" = "$1" ]; }
}
mkdir -m 777 "$out/user"
capture_options=""
fds=$(fds_of_command env)
only_std "$fds" shim && pass "1 command under root sees fds 0 1 2 only (and the shim's memfd): $fds" ||
	fail "1 command under root sees fds: $fds ($(cat "$out/fd.log"))"
capture_options="--no-calls"
fds=$(fds_of_command env)
only_std "$fds" && pass "1 command under root with --no-calls sees fds 0 1 2 only" ||
	fail "1 command under root with --no-calls sees fds: $fds ($(cat "$out/fd.log"))"
capture_options=""
if [ -n "$as_user" ]; then
fds=$(fds_of_command $as_sudo)
only_std "$fds" shim && pass "1 command under sudo sees fds 0 1 2 only (and the shim's memfd)" ||
	fail "1 command under sudo sees fds: $fds ($(cat "$out/fd.log"))"
# the spoofing path itself: the command, as nobody, looks for any packet socket it holds
spoof=$(cd "$out/user" && $as_sudo "$bin" capture -o s.json -- python3 -c '
import os, socket
held = []
for fd in range(3, 1024):
    try:
        s = socket.socket(fileno=os.dup(fd))
        held.append((fd, s.family))
    except OSError:
        pass
print(held)' 2>/dev/null)
[ "$spoof" = "[]" ] && pass "1 command holds no socket to inject through" ||
	fail "1 command holds sockets: $spoof"
else
	skip "1 command under sudo: nobody cannot run programs here"
	skip "1 command holds no socket: nobody cannot run programs here"
fi

# 2. Output files under sudo: opened as the user, never through a link, never handed over.
echo secret >"$out/rootonly" && chmod 600 "$out/rootonly"
$as_sudo "$bin" capture -c 1 -w "$out/rootonly" -o /dev/null -- true 2>"$out/w.log"
st=$?
[ "$st" = 1 ] && [ "$(cat "$out/rootonly")" = secret ] &&
	[ "$(stat -c %u:%a "$out/rootonly")" = 0:600 ] &&
	pass "2 sudo -w on a root-only file: refused, file untouched" ||
	fail "2 sudo -w on a root-only file: exit $st, $(stat -c %u:%a "$out/rootonly"), $(cat "$out/w.log")"
if [ -n "$as_user" ]; then
ln -s "$out/rootonly" "$out/user/link.pcap"
$as_sudo "$bin" capture -c 1 -w "$out/user/link.pcap" -o /dev/null -- true 2>"$out/w.log"
st=$?
[ "$st" = 1 ] && [ "$(cat "$out/rootonly")" = secret ] && grep -q "symbolic links" "$out/w.log" &&
	pass "2 sudo -w through a symbolic link: refused" ||
	fail "2 sudo -w through a symbolic link: exit $st, $(cat "$out/w.log")"
"$bin" capture -c 1 -w "$out/user/link.pcap" -o /dev/null -- true 2>"$out/w.log"
st=$?
[ "$st" = 1 ] && [ "$(cat "$out/rootonly")" = secret ] &&
	pass "2 root -w through a symbolic link: refused (O_NOFOLLOW)" ||
	fail "2 root -w through a symbolic link: exit $st, $(cat "$out/w.log")"
(cd "$out/user" && $as_sudo "$bin" capture -w own.pcap -o own.json --html own.html "udp port $port" -- \
	$tools send "$port" 3 2>"$out/w.log")
owners=$(stat -c %u "$out/user/own.pcap" "$out/user/own.json" "$out/user/own.html" 2>&1 | tr '\n' ' ')
[ "$owners" = "65534 65534 65534 " ] && pass "2 sudo outputs belong to the user" ||
	fail "2 sudo outputs: owners $owners $(cat "$out/w.log")"

$as_sudo "$bin" demo udp-upper -o "$out/user/demo" -p "$port" >/dev/null 2>"$out/w.log"
owners=$(stat -c %u "$out/user/demo" "$out/user/demo/udp-upper.pcap" "$out/user/demo/udp-upper.json" \
	"$out/user/demo/udp-upper.html" 2>&1 | tr '\n' ' ')
[ "$owners" = "65534 65534 65534 65534 " ] && pass "2 sudo demo: directory and files belong to the user" ||
	fail "2 sudo demo: owners $owners $(cat "$out/w.log")"

# a set-user-ID root copy acts for its caller, whatever SUDO_UID the caller sets
cp "$bin" "$out/suid" && chmod 4755 "$out/suid"
who=$(cd "$out/user" && setpriv --reuid=65534 --regid=65534 --clear-groups env SUDO_UID=1 SUDO_GID=1 \
	"$out/suid" capture -w suid.pcap -o suid.json -- id -u 2>/dev/null)
owners=$(stat -c %u "$out/user/suid.pcap" "$out/user/suid.json" 2>&1 | tr '\n' ' ')
[ "$who" = 65534 ] && [ "$owners" = "65534 65534 " ] &&
	pass "2 set-user-ID root: a forged SUDO_UID is ignored (command and files are the caller's)" ||
	fail "2 set-user-ID root with SUDO_UID=1: command ran as '$who', files owned by $owners"
else
	skip "2 the user's outputs, links and set-user-ID cases: nobody cannot run programs here"
fi

# 3. The same file in and out is refused, and nothing loops or is destroyed.
$tools bigpcap "$out/in.pcap" 100
cp "$out/in.pcap" "$out/keep.pcap"
same_file() { # same_file NAME COMMAND...
	name=$1; shift
	timeout 20 "$@" >/dev/null 2>"$out/same.log"
	st=$?
	[ "$st" = 2 ] && grep -q "same file" "$out/same.log" && cmp -s "$out/in.pcap" "$out/keep.pcap" &&
		pass "3 $name: usage error, input intact" ||
		fail "3 $name: exit $st: $(cat "$out/same.log")"
}
same_file "trace -r F -o F" "$bin" trace -r "$out/in.pcap" -o "$out/in.pcap"
ln "$out/in.pcap" "$out/hard.pcap"
same_file "trace -r F -o HARDLINK" "$bin" trace -r "$out/in.pcap" -o "$out/hard.pcap"
same_file "trace -o F --html F" "$bin" trace -r "$out/in.pcap" -o "$out/t.json" --html "$out/t.json"
"$bin" trace -r "$out/in.pcap" -o "$out/t.json" 2>/dev/null
cp "$out/t.json" "$out/t.keep"
same_file "report -j F -o F" "$bin" report -j "$out/t.json" -o "$out/t.json"
cmp -s "$out/t.json" "$out/t.keep" || fail "3 report -j F -o F changed F"
same_file "capture -w F -o F" "$bin" capture -c 1 -w "$out/c.pcap" -o "$out/c.pcap"

# 12. The command's stdout stays out of a timeline on stdout.
"$bin" capture -c 1 "udp port $port" -- sh -c "echo hello from the command; $tools send $port 1" \
	>"$out/o.json" 2>"$out/o.log"
$tools timeline "$out/o.json" >/dev/null 2>&1 && grep -q "hello from the command" "$out/o.log" &&
	pass "12 -o - with a command: stdout is only the timeline, the command's goes to stderr" ||
	fail "12 -o - with a command: $(head -c 200 "$out/o.json")"

# 13. -w -: the pcap on stdout, the timeline in its file.
"$bin" capture -w - -o "$out/ws.json" "udp port $port" -- $tools send "$port" 5 >"$out/ws.pcap" 2>"$out/ws.log"
st=$?
n=$($tools pcapcount "$out/ws.pcap" 2>&1)
m=$($tools timeline "$out/ws.json" 2>&1)
[ "$st" = 0 ] && [ "$n" = 5 ] && [ "$m" = 5 ] && pass "13 -w - writes the pcap to stdout (5 packets)" ||
	fail "13 -w -: exit $st, pcap '$n', timeline '$m': $(cat "$out/ws.log")"
"$bin" capture -w - -- true >/dev/null 2>&1
[ $? = 2 ] && pass "13 -w - with the timeline also on stdout: usage error" ||
	fail "13 -w - -o -: not a usage error"

# 7. Signals during capture -- CMD: forwarded, then a whole timeline.
cat >"$out/trap.sh" <<'SH'
trap 'echo "got TERM" >"$1"; exit 0' TERM
sleep 30 & wait
SH
"$bin" capture -o "$out/sig.json" -- sh "$out/trap.sh" "$out/forwarded" 2>"$out/sig.log" &
pid=$!
sleep 1.5
start=$(now_ms)
kill -TERM "$pid"
wait "$pid"
st=$? took=$(($(now_ms) - start))
[ "$(cat "$out/forwarded" 2>/dev/null)" = "got TERM" ] && pass "7 SIGTERM is forwarded to the command" ||
	fail "7 SIGTERM not forwarded: $(cat "$out/sig.log")"
$tools timeline "$out/sig.json" >/dev/null && [ "$took" -lt 5000 ] &&
	pass "7 after SIGTERM: a whole timeline in ${took} ms" || fail "7 after SIGTERM: exit $st, ${took} ms"
rm -f "$out/forwarded"
"$bin" capture -o "$out/hup.json" -- sh -c "trap 'echo got HUP >$out/forwarded; exit 0' HUP; sleep 30 & wait" 2>/dev/null &
pid=$!
sleep 1.5; kill -HUP "$pid"; wait "$pid"
[ "$(cat "$out/forwarded" 2>/dev/null)" = "got HUP" ] && $tools timeline "$out/hup.json" >/dev/null &&
	pass "7 SIGHUP is forwarded to the command, a whole timeline" || fail "7 SIGHUP not forwarded"
start=$(now_ms)
timeout -s TERM 1 "$bin" capture -o "$out/to.json" -- sleep 30 2>/dev/null
took=$(($(now_ms) - start))
$tools timeline "$out/to.json" >/dev/null && [ "$took" -lt 6000 ] &&
	pass "7 timeout(1) stops capture -- sleep 30 (${took} ms)" || fail "7 timeout(1): ${took} ms"
"$bin" capture -w "$out/k.pcap" -o "$out/k.json" -- sh -c 'trap "" TERM INT; sleep 30' 2>"$out/k.log" &
pid=$!
sleep 1.5
start=$(now_ms)
kill -TERM "$pid"; sleep 0.3; kill -TERM "$pid"
wait "$pid"
took=$(($(now_ms) - start))
$tools timeline "$out/k.json" >/dev/null && $tools pcapcount "$out/k.pcap" >/dev/null && [ "$took" -lt 5000 ] &&
	pass "7 a second signal stops at once (${took} ms), files valid" ||
	fail "7 second signal: ${took} ms: $(cat "$out/k.log")"
"$bin" capture -o "$out/int.json" "udp port $port" 2>/dev/null &
pid=$!
sleep 1.5; $tools send "$port" 3; kill -INT "$pid"; wait "$pid"
[ "$($tools timeline "$out/int.json" 2>&1)" = 3 ] && pass "7 SIGINT without a command: drained, 3 packets" ||
	fail "7 SIGINT without a command"

# 6. -w reaches the disk within 100 ms; a full disk is reported as such.
"$bin" capture -w "$out/k9.pcap" -o "$out/k9.json" "udp port $port" 2>/dev/null &
pid=$!
# the budget is 100 ms from capture to file; the 50 ms more is for starting kill on a loaded machine
sleep 1.5; $tools send "$port" 20; sleep 0.15
kill -KILL "$pid"; wait "$pid" 2>/dev/null
n=$($tools pcapcount "$out/k9.pcap" 2>&1)
[ "$n" = 20 ] && pass "6 kill -9 150 ms after 20 packets: all 20 in the -w file" ||
	fail "6 kill -9: -w file holds '$n'"
command -v tcpdump >/dev/null && {
	tcpdump -r "$out/k9.pcap" >/dev/null 2>&1 && pass "6 tcpdump reads the file a kill -9 left" ||
		fail "6 tcpdump rejects the file a kill -9 left"
}
"$bin" capture -c 1 -w /dev/full -o "$out/full.json" -- true 2>"$out/full.log"
st=$?
[ "$st" = 1 ] && grep -q "No space left on device" "$out/full.log" &&
	pass "6 -w /dev/full: 'No space left on device', exit 1" || fail "6 -w /dev/full: exit $st: $(cat "$out/full.log")"
mkdir "$out/tiny"
if unshare -m sh -c "mount -t tmpfs -o size=64k sockscope-probe '$out/tiny'" 2>/dev/null; then
unshare -m sh -c "mount -t tmpfs -o size=64k sockscope-faults '$out/tiny' &&
	'$bin' capture -w '$out/tiny/x.pcap' -o '$out/enospc.json' 'udp port $port' -- \
		$tools send $port 200 1000 2>'$out/enospc.log'; echo \$? >'$out/enospc.status';
	$tools pcapcount '$out/tiny/x.pcap' >'$out/enospc.count' 2>&1"
st=$(cat "$out/enospc.status" 2>/dev/null)
m=$($tools timeline "$out/enospc.json" 2>&1)
n=$(cat "$out/enospc.count" 2>/dev/null)
[ "$st" = 1 ] && grep -q "No space left on device" "$out/enospc.log" && [ "${m:-0}" -gt 0 ] 2>/dev/null &&
	[ "${n:-0}" -gt 0 ] 2>/dev/null &&
	pass "6 disk full during capture: reported, exit 1, timeline of $m packets, pcap of $n whole records" ||
	fail "6 disk full: exit $st, timeline '$m', pcap '$n': $(cat "$out/enospc.log")"
else
	skip "6 disk full during capture: cannot mount a small tmpfs in a private mount namespace here"
fi

# 8. An interface that vanishes ends the capture like Ctrl-C.
if ip netns add "$netns" 2>/dev/null && ip netns exec "$netns" true 2>/dev/null; then
	ip -n "$netns" link add sf0 type veth peer name sf1 && ip -n "$netns" link set sf0 up &&
		ip -n "$netns" link set sf1 up
	ip netns exec "$netns" "$bin" capture -i sf0 -o "$out/gone.json" -w "$out/gone.pcap" 2>"$out/gone.log" &
	pid=$!
	sleep 1.5
	ip netns exec "$netns" $tools rawsend sf1 5
	sleep 0.3
	ip -n "$netns" link del sf0
	i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	m=$($tools timeline "$out/gone.json" 2>&1)
	[ "$st" = 1 ] && [ "${m:-0}" -ge 5 ] 2>/dev/null && grep -qi "disappeared" "$out/gone.log" &&
		pass "8 vanished interface: exit 1, message, timeline of $m packets" ||
		fail "8 vanished interface: exit $st, timeline '$m': $(cat "$out/gone.log")"
	ip netns delete "$netns"
else
	ip netns delete "$netns" 2>/dev/null
	skip "8 cannot create or enter a network namespace here"
fi

# 9. Interrupted trace and report: whole and marked, or removed; no temporary files left.
$tools bigpcap "$out/big.pcap" 1500000
mkdir "$out/t9" "$out/tmp9"
"$bin" trace -q -r "$out/big.pcap" -o "$out/t9/i.json" &
pid=$!
sleep 0.5; kill -INT "$pid"; wait "$pid"
st=$?
if [ -e "$out/t9/i.json" ]; then
	$tools timeline "$out/t9/i.json" interrupted >/dev/null 2>&1 && [ "$st" = 1 ] &&
		pass "9 SIGINT during trace: a whole timeline marked interrupted, exit 1" ||
		fail "9 SIGINT during trace: exit $st, timeline not whole or not marked"
else
	fail "9 SIGINT during trace: no timeline (exit $st)"
fi
"$bin" trace -q -r "$out/big.pcap" -o "$out/t9/j.json" &
pid=$!
sleep 0.5; kill -INT "$pid"; kill -INT "$pid"; wait "$pid"
# the first signal may already have finished the timeline when the second comes
if [ ! -e "$out/t9/j.json" ] || $tools timeline "$out/t9/j.json" interrupted >/dev/null 2>&1; then
	pass "9 two signals during trace: no timeline, or a whole one marked interrupted"
else
	fail "9 two signals during trace: a broken timeline was left"
fi
rm -f "$out/t9/j.json"
TMPDIR=$out/tmp9 "$bin" report -r "$out/big.pcap" -o "$out/t9/r.html" 2>/dev/null &
pid=$!
sleep 1; kill -INT "$pid"; wait "$pid"
[ ! -e "$out/t9/r.html" ] && pass "9 SIGINT during report: no page" || fail "9 SIGINT during report: a page was left"
TMPDIR=$out/tmp9 "$bin" report -r "$out/big.pcap" -o "$out/t9/s.html" 2>/dev/null &
pid=$!
sleep 1; kill -TERM "$pid"; kill -TERM "$pid"; wait "$pid"
left=$(ls -A "$out/t9" "$out/tmp9" | grep -v '^i.json$' | grep -v ':$' | grep -v '^$' | tr '\n' ' ')
[ -z "$left" ] && pass "9 no temporary files left behind" || fail "9 left behind: $left"

# 4. Hash flooding: the crafted file traces within 3x of its collision-free twin.
if cc -O2 -std=c11 -D_GNU_SOURCE -I"$here/../../include" -I"$here/../../src/track" "$here/hashflood.c" -o "$out/hashflood" 2>"$out/cc.log"; then
	"$out/hashflood" flood 16000 3 "$out/flood.pcap" && "$out/hashflood" twin 16000 3 "$out/twin.pcap"
	cpu() { /usr/bin/time -f "%U %S" "$bin" trace -q -r "$1" -o /dev/null 2>&1 >/dev/null | tail -1 |
		awk '{printf "%d", ($1 + $2) * 1000}'; }
	tf=$(cpu "$out/flood.pcap") tt=$(cpu "$out/twin.pcap")
	[ "$tt" -lt 10 ] && tt=10 # below the clock's resolution
	[ "$tf" -le $((3 * tt)) ] && pass "4 hash-flood file: ${tf} ms CPU against ${tt} ms for its twin" ||
		fail "4 hash-flood file: ${tf} ms CPU against ${tt} ms for its twin (over 3x)"
else
	fail "4 cannot build the hash-flood generator: $(cat "$out/cc.log")"
fi

# 10. Timestamps at the ends of int64: no overflow, no broken ISO strings.
$tools extreme "$out/extreme.pcapng"
"$bin" trace -r "$out/extreme.pcapng" -o "$out/extreme.json" 2>"$out/extreme.log"
st=$?
kinds=$($tools timestamps "$out/extreme.json" 2>&1)
[ "$st" = 0 ] && [ "$kinds" = "iso number" ] &&
	pass "10 extreme timestamps: ISO strings where the year fits, numbers elsewhere" ||
	fail "10 extreme timestamps: exit $st, $kinds $(cat "$out/extreme.log")"

# 14. Capabilities: none while trace parses a file; none once a capture's handle is open.
caps_of() { awk '/^CapEff|^CapPrm/ {printf "%s ", $2}' "/proc/$1/status"; }
"$bin" trace -q -r "$out/big.pcap" -o /dev/null &
pid=$!
sleep 0.3; c=$(caps_of "$pid"); kill "$pid"; wait "$pid" 2>/dev/null
[ "$c" = "0000000000000000 0000000000000000 " ] && pass "14 trace as root holds no capabilities" ||
	fail "14 trace as root holds: $c"
"$bin" capture -o "$out/cap.json" -- sleep 2 2>/dev/null &
pid=$!
sleep 1; c=$(caps_of "$pid"); wait "$pid"
[ "$c" = "0000000000000000 0000000000000000 " ] && pass "14 capture holds no capabilities once its handle is open" ||
	fail "14 capture, handle open, holds: $c"
if [ -n "$as_user" ] && command -v setcap >/dev/null && cp "$bin" "$out/capbin" && chmod 755 "$out/capbin" &&
	setcap cap_net_raw+ep "$out/capbin" 2>/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$out/capbin" trace -q -r "$out/big.pcap" -o /dev/null &
	pid=$!
	sleep 0.5; c=$(caps_of "$pid"); kill "$pid"; wait "$pid" 2>/dev/null
	[ "$c" = "0000000000000000 0000000000000000 " ] && pass "14 setcap binary: trace holds no capabilities" ||
		fail "14 setcap binary: trace holds $c"
	(cd "$out/user" && setpriv --reuid=65534 --regid=65534 --clear-groups "$out/capbin" capture \
		-o setcap.json "udp port $port" -- $tools send "$port" 2 2>"$out/setcap.log")
	[ "$($tools timeline "$out/user/setcap.json" 2>&1)" = 2 ] && pass "14 setcap binary: capture works as a user" ||
		fail "14 setcap binary: capture as a user: $(cat "$out/setcap.log")"
else
	skip "14 setcap binary: setcap missing, file capabilities not supported, or nobody cannot run programs here"
fi

echo "faults: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
