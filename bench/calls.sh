#!/bin/sh
# What tracing socket calls costs a program (`make bench-calls`): bench/callbench.c
# run under `sockscope capture` with and without --no-calls (the capture's
# filter matches nothing, so only the tracing differs), best of RUNS each:
#   bulk:  MIB mebibytes over TCP on 127.0.0.1 in 256 KiB writes  (target: < 10% slower)
#   small: COUNT 32-byte send() calls over TCP on 127.0.0.1       (target: <= 2x)
# Prints the times and ratios; exits 1 when a target is missed.
# usage: bench/calls.sh BUILD [MIB] [COUNT] [RUNS]
set -u
build=${1:-build}
mib=${2:-1024} count=${3:-100000} runs=${4:-3}
port=${SOCKSCOPE_BENCH_PORT:-47340}
dir=$build/bench
mkdir -p "$dir"
cc -O2 -Wall -Wextra -Werror -o "$dir/callbench" bench/callbench.c || exit 1

# best MODE AMOUNT [--no-calls]: the fastest of $runs transfers, in seconds
best() {
	mode=$1 amount=$2; shift 2
	fastest=""
	i=0
	while [ $i -lt "$runs" ]; do
		port=$((port + 1))
		t=$("$build/sockscope" capture "$@" -o /dev/null "port 1" -- \
			"$dir/callbench" "$mode" "$port" "$amount" 2>"$dir/calls.err")
		[ -n "$t" ] || { echo "calls bench: $mode run failed: $(cat "$dir/calls.err")" >&2; exit 1; }
		fastest=$(python3 -c "import sys; a=sys.argv[1:]; print(min(float(x) for x in a if x))" "$t" "$fastest")
		i=$((i + 1))
	done
	echo "$fastest"
}

bulk_plain=$(best bulk "$mib" --no-calls) || exit 1
bulk_traced=$(best bulk "$mib") || exit 1
small_plain=$(best small "$count" --no-calls) || exit 1
small_traced=$(best small "$count") || exit 1
python3 - "$mib" "$count" "$bulk_plain" "$bulk_traced" "$small_plain" "$small_traced" "$(cat /proc/loadavg)" <<'PY'
import sys
mib, count = sys.argv[1], sys.argv[2]
bp, bt, sp, st = (float(x) for x in sys.argv[3:7])
bulk, small = bt / bp, st / sp
print("load average at the end: %s" % sys.argv[7])
print("%-28s %10s %10s %8s %8s" % ("workload", "untraced", "traced", "ratio", "target"))
print("%-28s %9.3fs %9.3fs %7.2fx %8s" % ("bulk %s MiB" % mib, bp, bt, bulk, "< 1.10x"))
print("%-28s %9.3fs %9.3fs %7.2fx %8s" % ("small %s sends" % count, sp, st, small, "<= 2x"))
ok = bulk < 1.10 and small <= 2.0
print("calls bench: %s" % ("targets met" if ok else "TARGETS MISSED"))
print("ratios: bulk %.3f small %.3f" % (bulk, small))
sys.exit(0 if ok else 1)
PY
