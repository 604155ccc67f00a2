#!/bin/sh
# Golden timelines: trace each capture in tests/golden/LIST and compare the
# JSON with the expected file; %%FAIL rows expect an exit code and an exact
# stderr line.  usage: tests/run-golden.sh BUILD [--update]
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

check_json() { # name capture expected
	if ! "$bin" trace -q -r "$2" -o "$tmp/out.json"; then
		echo "FAIL golden $1: trace exited non-zero"; failed=$((failed + 1)); return
	fi
	if [ "$update" = --update ]; then
		cp "$tmp/out.json" "$3"; echo "updated $3"
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
