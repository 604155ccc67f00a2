#!/bin/sh
# The kernel sampler's cost to a demo (docs/kernel.md): each demo run RUNS times
# with sampling (the default, 1 ms) and without (--kernel-interval 0), alternating;
# prints the median of the demo's own duration (first to last socket call, from
# the timeline) and, for tcp-bulk, the throughput the client measured.
# usage: tests/e2e/kernel-overhead.sh BUILD [RUNS] [DEMO...]   (needs root)
set -u
build=${1:-build}
runs=${2:-5}
shift 2 2>/dev/null || shift $#
demos=${*:-tcp-concurrent backlog tcp-flow-control tcp-bulk}
out=$(mktemp -d /tmp/sockscope-overhead.XXXXXX)
trap 'rm -rf "$out"' EXIT
for demo in $demos; do
	for mode in 1 0; do
		i=0
		while [ "$i" -lt "$runs" ]; do
			"$build/sockscope" demo "$demo" -o "$out/$mode-$i" -p 47600 --kernel-interval "$mode" >/dev/null 2>&1 ||
				echo "$demo: run failed"
			i=$((i + 1))
		done
	done
	python3 - "$out" "$demo" "$runs" <<'PY'
import json, re, statistics, sys
out, demo, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for mode, name in (("1", "sampled every 1 ms"), ("0", "not sampled")):
    durations, rates, samples = [], [], []
    for i in range(runs):
        try:
            d = json.load(open("%s/%s-%d/%s.json" % (out, mode, i, demo)))
        except (OSError, ValueError):
            continue
        calls = [e["t"] for e in d["events"] if e["kind"] == "app"]
        durations.append(calls[-1] - calls[0])
        for e in d["events"]:
            m = re.search(r"in [0-9.]+ s: ([0-9.]+) Mbit/s", e.get("text", "")) if e["kind"] == "note" else None
            if m:
                rates.append(float(m.group(1)))
        k = d["source"].get("kernel")
        if k:
            samples.append((k["samples"], k["sampling_time"]))
    line = "%-17s %-19s duration %.3f s" % (demo, name, statistics.median(durations)) if durations else demo + ": no runs"
    if rates:
        line += ", throughput %.1f Mbit/s" % statistics.median(rates)
    if samples:
        line += ", %d samples, %.2f ms each" % (statistics.median(s for s, _ in samples),
                                                1000 * statistics.median(t / max(s, 1) for s, t in samples))
    print(line)
PY
done
