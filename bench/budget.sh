#!/bin/sh
# The speed budgets of the output formats (issue: big traces and the terminal),
# asserted on the benchmark's synthetic capture at 100,000 packets (and the
# text one again at BIG packets, 1,000,000 by default, fastest of 3):
#   text output at least 3x faster than `tcpdump -nr` (one line per packet each)
#   jsonl within 5% of json
# text and tcpdump run ROUNDS times, interleaved, and are judged by their
# fastest wall time: other work on the machine only ever makes a run slower.
# json and jsonl do the same work but for the framing, and on a shared 2-core
# machine two runs of either differ by up to 30% in time (measured), so a 5%
# budget cannot be read off a clock: it is asserted on the instructions each
# executes (valgrind's callgrind, exact and repeatable), and their fastest
# wall times are printed beside it.
# usage: bench/budget.sh BUILD [PACKETS]   (prints "budget: N passed, N failed" last)
set -u
build=${1:-build}
packets=${2:-100000}
rounds=${ROUNDS:-7}
bin=$build/sockscope
dir=$build/bench
mkdir -p "$dir"
if grep -q __asan_init "$bin" 2>/dev/null; then
	echo "SKIPPED budget: $bin is a sanitizer build; only the optimised build is timed"
	echo "budget: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! command -v tcpdump >/dev/null 2>&1; then
	echo "SKIPPED budget: tcpdump is not installed (apt-get install tcpdump)"
	echo "budget: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
cc -O2 -Wall -Wextra -Werror -o "$dir/gencap" bench/gencap.c || exit 1
pcap=$dir/budget-$packets.pcap
[ -s "$pcap" ] || "$dir/gencap" "$pcap" "$packets" >/dev/null 2>&1 || exit 1
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIPPED budget: valgrind is not installed (apt-get install valgrind)"
	echo "budget: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

now() { date +%s%N; }
# best NAME COMMAND...: runs it once, keeps the fastest time (ns) in best_NAME
run_once() {
	name=$1; shift
	start=$(now)
	"$@" >/dev/null 2>&1
	ns=$(($(now) - start))
	eval "prev=\${best_$name:-}"
	if [ -z "$prev" ] || [ "$ns" -lt "$prev" ]; then eval "best_$name=$ns"; fi
}
for round in $(seq "$rounds"); do
	run_once text "$bin" trace -q -r "$pcap" --format text -o /dev/null
	for f in json jsonl; do
		[ $((round % 2)) = 0 ] && f=$([ $f = json ] && echo jsonl || echo json)
		run_once "$f" "$bin" trace -q -r "$pcap" --format "$f" -o /dev/null
	done
	run_once tcpdump tcpdump -nr "$pcap"
done

# ratio A B: A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
speedup=$(ratio "$best_tcpdump" "$best_text")
# instructions FORMAT: what one trace in that format executes
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" trace -q -r "$pcap" \
		--format "$1" -o /dev/null 2>&1 | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}
ins_json=$(instructions json) ins_jsonl=$(instructions jsonl)
[ -n "$ins_json" ] && [ -n "$ins_jsonl" ] || { echo "budget: callgrind gave no count"; echo "budget: 0 passed, 1 failed"; exit 1; }
overhead=$(ratio "$ins_jsonl" "$ins_json")
printf '%s packets, fastest of %s (load %s):\n' "$packets" "$rounds" "$(cut -d' ' -f1 /proc/loadavg)"
for n in text json jsonl tcpdump; do
	eval "ns=\$best_$n"
	awk -v n="$n" -v ns="$ns" 'BEGIN { printf "  %-8s %7.3f s\n", n, ns / 1e9 }'
done
passed=0 failed=0
if awk -v r="$speedup" 'BEGIN { exit !(r >= 3) }'; then passed=$((passed + 1)); else
	echo "FAIL budget: text is ${speedup}x as fast as tcpdump -nr (budget >= 3x)"; failed=$((failed + 1))
fi
echo "text vs tcpdump -nr: ${speedup}x faster (budget >= 3x)"
if awk -v r="$overhead" 'BEGIN { exit !(r <= 1.05) }'; then passed=$((passed + 1)); else
	echo "FAIL budget: jsonl executes ${overhead}x the instructions of json (budget <= 1.05)"; failed=$((failed + 1))
fi
echo "jsonl / json: ${overhead} of the instructions ($ins_jsonl / $ins_json; budget <= 1.05);" \
	"fastest times $(ratio "$best_jsonl" "$best_json")"

# The text budget again at a million packets: fastest of 3, interleaved.
big=${BIG:-1000000}
bigcap=$dir/budget-$big.pcap
if [ "$big" -gt 0 ]; then
	[ -s "$bigcap" ] || "$dir/gencap" "$bigcap" "$big" >/dev/null 2>&1 || exit 1
	best_text="" best_tcpdump=""
	for round in 1 2 3; do
		run_once text "$bin" trace -q -r "$bigcap" --format text -o /dev/null
		run_once tcpdump tcpdump -nr "$bigcap"
	done
	speedup=$(ratio "$best_tcpdump" "$best_text")
	printf '%s packets, fastest of 3: text %.3f s, tcpdump -nr %.3f s\n' "$big" \
		"$(ratio "$best_text" 1000000000)" "$(ratio "$best_tcpdump" 1000000000)"
	if awk -v r="$speedup" 'BEGIN { exit !(r >= 3) }'; then passed=$((passed + 1)); else
		echo "FAIL budget: at $big packets text is ${speedup}x as fast as tcpdump -nr (budget >= 3x)"
		failed=$((failed + 1))
	fi
	echo "text vs tcpdump -nr at $big packets: ${speedup}x faster (budget >= 3x)"
	rm -f "$bigcap"
fi
echo "budget: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
