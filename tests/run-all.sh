#!/bin/sh
# Runs every suite against the programs in BUILD and prints one total line,
# "N passed, N failed, N skipped".  Each suite prints "SUITE: N passed, N
# failed" last, optionally followed by ", N skipped" (tests it could not run
# here).  A suite that cannot run at all says why, loudly, and counts as one
# skipped test; nothing skipped is ever counted as passed.
#   SOCKSCOPE_SKIP_WEB=1  leave out the browser tests (the sanitizer build does)
# usage: tests/run-all.sh BUILD
set -u
build=${1:-build}
total_passed=0 total_failed=0 total_skipped=0 skipped=""
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
	s=0
	if echo "$line" | grep -qE "failed, [0-9]+ skipped"; then
		s=$(echo "$line" | sed -E 's/.* failed, ([0-9]+) skipped.*/\1/')
	fi
	total_passed=$((total_passed + p)) total_failed=$((total_failed + f))
	total_skipped=$((total_skipped + s))
	[ "$s" -gt 0 ] && skipped="$skipped $name($s)"
	return 0
}

skip_suite() { # name reason: the whole suite cannot run here
	echo "== $1"
	echo "SKIPPED $1: $2"
	total_skipped=$((total_skipped + 1)) skipped="$skipped $1"
}

run_suite unit sh tests/run-unit.sh "$build"
run_suite golden sh tests/run-golden.sh "$build"
run_suite formats sh tests/formats.sh "$build"
run_suite budget sh bench/budget.sh "$build"
if [ -d tests/analytics/node_modules/@duckdb/node-api ]; then
	run_suite analytics node tests/analytics/duckdb.mjs "$build/sockscope"
else
	skip_suite analytics "@duckdb/node-api is not installed (make test-deps)"
fi
run_suite malformed python3 tests/malformed.py "$build/sockscope"
if command -v tshark >/dev/null 2>&1; then
	run_suite oracle python3 tests/oracle.py "$build/sockscope"
else
	skip_suite oracle "tshark is not installed (apt-get install tshark)"
fi
run_suite lessons python3 tests/lessons/run.py "$build/sockscope"
run_suite e2e sh tests/e2e/run.sh "$build"
run_suite faults sh tests/faults/run.sh "$build"
if [ -n "${SOCKSCOPE_SKIP_WEB:-}" ]; then
	skip_suite web "browser tests left out of this run: SOCKSCOPE_SKIP_WEB is set"
else
	export SOCKSCOPE_BIN="$build/sockscope"
	run_suite web node tests/web/run.mjs
fi

echo
[ -n "$skipped" ] && echo "SKIPPED (not run, not counted as passed):$skipped"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
