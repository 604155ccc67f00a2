#!/bin/sh
# What tracing socket calls costs a program (`make bench-calls`): bench/callbench.c
# run under `sockscope capture` with and without --no-calls (the capture's
# filter matches nothing, so only the tracing differs), RUNS pairs of runs, the
# untraced and the traced run of a pair one after the other:
#   bulk:  MIB mebibytes over TCP on 127.0.0.1 in 256 KiB writes  (target: < 10% slower)
#   small: COUNT 32-byte send() calls over TCP on 127.0.0.1       (target: <= 2x)
# The ratio is the median of the pairs' ratios: on a shared machine a busy moment
# falls on both runs of a pair alike, and one unlucky pair moves a median little.
# Prints the times (best of each) and the ratios; exits 1 when a target is missed.
# usage: bench/calls.sh BUILD [MIB] [COUNT] [RUNS]
set -u
build=${1:-build}
mib=${2:-1024} count=${3:-100000} runs=${4:-7}
port=${SOCKSCOPE_BENCH_PORT:-47340}
dir=$build/bench
mkdir -p "$dir"
cc -O2 -Wall -Wextra -Werror -o "$dir/callbench" bench/callbench.c || exit 1

# one MODE AMOUNT [--no-calls]: the seconds one transfer took
one() {
	mode=$1 amount=$2; shift 2
	port=$((port + 1))
	t=$("$build/sockscope" capture "$@" -o /dev/null "port 1" -- \
		"$dir/callbench" "$mode" "$port" "$amount" 2>"$dir/calls.err")
	[ -n "$t" ] || { echo "calls bench: $mode run failed: $(cat "$dir/calls.err")" >&2; return 1; }
	echo "$t"
}

# pair MODE AMOUNT: $runs pairs, "PLAIN,TRACED PLAIN,TRACED ..."
pair() {
	pairs=""
	i=0
	while [ $i -lt "$runs" ]; do
		plain=$(one "$1" "$2" --no-calls) || return 1
		traced=$(one "$1" "$2") || return 1
		pairs="$pairs $plain,$traced"
		i=$((i + 1))
	done
	echo "$pairs"
}

bulk=$(pair bulk "$mib") || exit 1
small=$(pair small "$count") || exit 1
python3 - "$mib" "$count" "$bulk" "$small" "$(cat /proc/loadavg)" <<'PY'
import statistics, sys
mib, count = sys.argv[1], sys.argv[2]
def measure(text):
    pairs = [tuple(float(x) for x in p.split(",")) for p in text.split()]
    return (min(p for p, _ in pairs), min(t for _, t in pairs),
            statistics.median(t / p for p, t in pairs))
bp, bt, bulk = measure(sys.argv[3])
sp, st, small = measure(sys.argv[4])
print("load average at the end: %s" % sys.argv[5])
print("%-28s %10s %10s %8s %8s" % ("workload", "untraced", "traced", "ratio", "target"))
print("%-28s %9.3fs %9.3fs %7.2fx %8s" % ("bulk %s MiB" % mib, bp, bt, bulk, "< 1.10x"))
print("%-28s %9.3fs %9.3fs %7.2fx %8s" % ("small %s sends" % count, sp, st, small, "<= 2x"))
ok = bulk < 1.10 and small <= 2.0
print("calls bench: %s" % ("targets met" if ok else "TARGETS MISSED"))
print("ratios: bulk %.3f small %.3f" % (bulk, small))
sys.exit(0 if ok else 1)
PY
