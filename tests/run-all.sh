#!/bin/sh
# Runs every suite against the programs in BUILD and prints one total line.
# Each suite prints "SUITE: N passed, N failed" last.  Suites that cannot run
# on this machine say why, loudly, and count as skipped.
#   SOCKSCOPE_SKIP_WEB=1  leave out the browser tests (the sanitizer build does)
# usage: tests/run-all.sh BUILD
set -u
build=${1:-build}
total_passed=0 total_failed=0 skipped=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_suite() { # name command...
	name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	line=$(grep -E "^($name: )?[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: suite did not report a result"
		total_failed=$((total_failed + 1)); return
	fi
	p=$(echo "$line" | sed -E 's/^([a-z0-9]+: )?([0-9]+) passed.*/\2/')
	f=$(echo "$line" | sed -E 's/.* passed, ([0-9]+) failed.*/\1/')
	total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
}

run_suite unit sh tests/run-unit.sh "$build"
run_suite golden sh tests/run-golden.sh "$build"
run_suite malformed python3 tests/malformed.py "$build/sockscope"
if command -v tshark >/dev/null 2>&1; then
	[ -f tests/oracle.py ] && run_suite oracle python3 tests/oracle.py "$build/sockscope"
else
	echo "SKIPPED oracle: tshark is not installed (apt-get install tshark)"; skipped="$skipped oracle"
fi
[ -f tests/e2e/run.sh ] && run_suite e2e sh tests/e2e/run.sh "$build"
[ -f tests/faults/run.sh ] && run_suite faults sh tests/faults/run.sh "$build"
if [ -n "${SOCKSCOPE_SKIP_WEB:-}" ]; then
	echo "(browser tests left out of this run: SOCKSCOPE_SKIP_WEB is set)"
elif [ -f tests/web/run.mjs ]; then
	export SOCKSCOPE_BIN="$build/sockscope"
	run_suite web node tests/web/run.mjs
fi

echo
[ -n "$skipped" ] && echo "skipped suites:$skipped"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
