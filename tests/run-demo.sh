#!/bin/sh
# The main job behind `make demo`: run the tcp-upper demo under live capture
# and write its capture, timeline and page to BUILD/demo.  Where live capture
# is not permitted (not root), trace the bundled capture of the same demo.
# usage: tests/run-demo.sh BUILD
set -eu
build=${1:-build}
out=$build/demo
mkdir -p "$out"
if "$build/sockscope" list >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	"$build/sockscope" demo tcp-upper -o "$out"
else
	capture=captures/tcp-upper.pcap
	[ -f "$capture" ] || capture=captures/loopback-tcp4-echo.pcap
	echo "live capture needs root: tracing the bundled $capture instead" >&2
	"$build/sockscope" trace -q -r "$capture" -o "$out/tcp-upper.json" \
		--html "$out/tcp-upper.html"
	echo "timeline: $out/tcp-upper.json"
	echo "open in a browser: $out/tcp-upper.html"
fi
