#!/bin/sh
# Runs one demo N times under live capture and checks its lessons on each
# recording (tests/lessons/run.py), to show that what it teaches happens every
# time, not by luck.  Needs what the demo needs (root for most).  Prints the
# lessons that failed in any run and "repeat DEMO: N passed, N failed" (runs).
#   SOCKSCOPE_REPEAT_IGNORE=REGEX  failures matching it are shown but not counted
#   (e.g. "no analysis_detail" while the model does not write that field yet)
# usage: tests/lessons/repeat-demo.sh DEMO [N] [BUILD]
set -u
demo=$1 runs=${2:-20} build=${3:-build}
here=$(dirname "$0")
out=$(mktemp -d /tmp/sockscope-repeat.XXXXXX)
trap 'rm -rf "$out"' EXIT
passed=0 failed=0
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	rm -f "$out"/*.json
	if ! "$build/sockscope" demo "$demo" -o "$out" -p "${SOCKSCOPE_REPEAT_PORT:-47400}" \
		>"$out/log" 2>&1; then
		echo "run $i: demo failed: $(cat "$out/log")"; failed=$((failed + 1)); continue
	fi
	# only this demo's own lessons: lines "ok   DEMO: ..." / "FAIL DEMO: ..."
	python3 "$here/run.py" "$build/sockscope" "$out" | grep -E "^(ok  |FAIL) $demo: " \
		>"$out/result.$i"
	grep "^FAIL" "$out/result.$i" | sed "s/^/run $i: /"
	ignore=${SOCKSCOPE_REPEAT_IGNORE:-^$}
	if grep "^FAIL" "$out/result.$i" | grep -qvE "$ignore"; then
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "repeat $demo: $passed passed, $failed failed"
[ "$failed" = 0 ]
