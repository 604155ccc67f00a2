#!/bin/sh
# Golden timelines: trace each capture in tests/golden/LIST and compare the
# JSON with the expected file; %%FAIL rows expect an exit code and an exact
# stderr line.  usage: tests/run-golden.sh BUILD [--update]
# --update rewrites the expected files and prints every change it accepts.
set -u
build=${1:-build}
update=${2:-}
bin=$build/sockscope
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

check_fail() { # name capture code message
	"$bin" trace -q -r "$2" -o "$tmp/out.json" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$3" ] && grep -qxF "$4" "$tmp/err"; then
		passed=$((passed + 1))
	else
		echo "FAIL golden $1: want exit $3 and \"$4\", got exit $rc:"; cat "$tmp/err"
		failed=$((failed + 1))
	fi
}

# --update: shows the change it accepts, in full, so that it is read before it is committed.
accept() { # expected new
	if [ ! -f "$1" ]; then
		cp "$2" "$1"; echo "created $1 ($(wc -l <"$1") lines)"
	elif ! cmp -s "$1" "$2"; then
		echo "accepting this change to $1 (shown indented):"
		python3 -m json.tool "$1" >"$tmp/old.txt" 2>/dev/null || cp "$1" "$tmp/old.txt"
		python3 -m json.tool "$2" >"$tmp/new.txt"
		diff -u --label "$1 (before)" --label "$1 (after)" "$tmp/old.txt" "$tmp/new.txt"
		cp "$2" "$1"; echo "updated $1"
	fi
}

check_json() { # name capture expected
	if ! "$bin" trace -q -r "$2" -o "$tmp/out.json"; then
		echo "FAIL golden $1: trace exited non-zero"; failed=$((failed + 1)); return
	fi
	if [ "$update" = --update ]; then
		accept "$3" "$tmp/out.json"
	fi
	if cmp -s "$tmp/out.json" "$3"; then
		passed=$((passed + 1))
	else
		echo "FAIL golden $1: output differs from $3:"
		diff "$3" "$tmp/out.json" | head -20
		failed=$((failed + 1))
	fi
}

while read -r first rest; do
	case "$first" in ''|'#'*) continue ;; esac
	if [ "$first" = "%%FAIL" ]; then
		set -- $rest
		name=$1 capture=$2 code=$3
		message=$(echo "$rest" | sed 's/^[^"]*"\(.*\)"$/\1/')
		check_fail "$name" "$capture" "$code" "$message"
	else
		set -- $rest
		check_json "$first" "$1" "$2"
	fi
done < tests/golden/LIST
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
