#!/bin/sh
# The output formats through the command line: which format each output gets,
# the same timeline in json and jsonl, `report -j` on both and on damaged
# JSON Lines, and text into a pipe that closes early.
# usage: tests/formats.sh BUILD     (prints "formats: N passed, N failed" last)
set -u
build=${1:-build}
bin=$build/sockscope
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
cap=captures/tcp-loss.pcap

ok() { passed=$((passed + 1)); }
bad() { echo "FAIL formats: $*"; failed=$((failed + 1)); }
check() { # description command...
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
first_bytes() { head -c "$2" "$1"; }

"$bin" trace -q -r $cap >"$tmp/pipe.out"
check "stdout not a terminal: json" test "$(first_bytes "$tmp/pipe.out" 11)" = '{"schema":"'
"$bin" trace -q -r $cap -o "$tmp/t.jsonl"
check "-o FILE.jsonl: jsonl" test "$(first_bytes "$tmp/t.jsonl" 17)" = '{"kind":"header",'
"$bin" trace -q -r $cap -o "$tmp/t.json"
check "-o FILE.json: json" test "$(first_bytes "$tmp/t.json" 11)" = '{"schema":"'
check "stdout and -o FILE.json: same bytes" cmp -s "$tmp/pipe.out" "$tmp/t.json"
"$bin" trace -q -r $cap --format text -o "$tmp/t.txt"
check "--format text: one line per packet, flags" grep -q ': \[P\.\] seq 1:1221 .*!retransmission$' "$tmp/t.txt"
check "--format text: no colour into a file" sh -c "! grep -q \"$(printf '\033')\" '$tmp/t.txt'"
"$bin" trace -q -r $cap --format text --color=always -o "$tmp/c.txt"
check "--color=always colours" grep -q "$(printf '\033')\\[1;31m!retransmission" "$tmp/c.txt"
if command -v script >/dev/null 2>&1; then
	TERM=xterm script -qc "$bin trace -q -r $cap" /dev/null >"$tmp/tty.out"
	check "a terminal gets coloured text" grep -q "flow 1 127.0.0.1.* client UNKNOWN.SYN_SENT" "$tmp/tty.out"
else
	echo "formats: the terminal check needs script(1) (util-linux); not run"
fi
"$bin" trace -q -r $cap --format xml >/dev/null 2>"$tmp/err"
check "--format xml: usage error" test $? = 2
"$bin" trace -q -r $cap --format text -o "$tmp/x.txt" --html "$tmp/x.html" 2>/dev/null
check "--html with text: usage error" test $? = 2

# jsonl: the json document's events and flows, a line each
python3 - "$tmp/t.json" "$tmp/t.jsonl" <<'PY' && ok || bad "jsonl holds the json document's events and flows"
import json, sys
doc = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
assert lines[0]["kind"] == "header" and lines[0]["schema"] == doc["schema"]
events = [l for l in lines if l["kind"] not in ("header", "flow", "end")]
flows = [{k: v for k, v in l.items() if k != "kind"} for l in lines if l["kind"] == "flow"]
end = lines[-1]
assert events == doc["events"] and flows == doc["flows"]
assert end["kind"] == "end" and end["source"] == doc["source"] and end["endpoints"] == doc["endpoints"]
assert end["event_count"] == len(events) and end["flow_count"] == len(flows)
PY

"$bin" report -j "$tmp/t.json" -o "$tmp/a.html" && "$bin" report -j "$tmp/t.jsonl" -o "$tmp/b.html"
check "report -j: jsonl and json give the same page" cmp -s "$tmp/a.html" "$tmp/b.html"
"$bin" trace -q -r $cap -o "$tmp/h.jsonl" --html "$tmp/h.html"
check "trace -o FILE.jsonl --html: the same page" cmp -s "$tmp/a.html" "$tmp/h.html"

report_fails() { # file expected-message
	"$bin" report -j "$1" -o "$tmp/bad.html" 2>"$tmp/err"
	rc=$?
	if [ $rc = 1 ] && grep -qF "$2" "$tmp/err"; then ok; else
		bad "report -j $(basename "$1"): want exit 1 and '$2', got $rc: $(cat "$tmp/err")"
	fi
}
head -c 3000 "$tmp/t.jsonl" >"$tmp/cut.jsonl"
report_fails "$tmp/cut.jsonl" "cut.jsonl: line $(($(wc -l <"$tmp/cut.jsonl") + 1)): cut short"
{ head -n 3 "$tmp/t.jsonl"; echo '{"kind":"packet",'; tail -n +4 "$tmp/t.jsonl"; } >"$tmp/notjson.jsonl"
report_fails "$tmp/notjson.jsonl" "notjson.jsonl: line 4: not a JSON object"
sed '1s/timeline\/1/timeline\/7/' "$tmp/t.jsonl" >"$tmp/schema.jsonl"
report_fails "$tmp/schema.jsonl" "schema.jsonl: line 1: unknown schema 'sockscope.timeline/7'"

# a reader that stops early: quiet, status 0 (as tcpdump)
cc -O2 -o "$tmp/gencap" bench/gencap.c && "$tmp/gencap" "$tmp/many.pcap" 20000 >/dev/null 2>&1
for f in text jsonl json; do
	status=$( { "$bin" trace -r "$tmp/many.pcap" --format $f 2>"$tmp/err.$f"; echo $? >"$tmp/rc"; } | head -n 2 >/dev/null; cat "$tmp/rc")
	if [ "$status" = 0 ] && [ ! -s "$tmp/err.$f" ]; then ok; else
		bad "--format $f into a closed pipe: want status 0 and no message, got $status: $(cat "$tmp/err.$f")"
	fi
done

echo "formats: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
