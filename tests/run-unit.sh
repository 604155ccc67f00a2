#!/bin/sh
# Runs every cmocka suite built in BUILD/tests; prints each suite's summary and
# a total.  usage: tests/run-unit.sh BUILD
set -u
build=${1:-build}
passed=0 failed=0 bad_suites=""
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	out=$("$t" 2>&1)
	rc=$?
	echo "$out" | grep -E '^\[  (PASSED|FAILED)  \]|^\[==========\] .* ran' | sed "s|^|$(basename "$t"): |"
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or sanitizer report: count the suite as one failure
		echo "$out" | tail -20
	elif [ "$f" -ne 0 ]; then
		echo "$out" | grep -E 'FAILED|error|Error' | head -20
	fi
	[ "$rc" -ne 0 ] && bad_suites="$bad_suites $(basename "$t")"
	passed=$((passed + p)) failed=$((failed + f))
done
[ -n "$bad_suites" ] && echo "failing suites:$bad_suites"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
