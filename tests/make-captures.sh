#!/bin/sh
# `make captures`: runs every demo under live capture (needs root) and keeps
# its capture and timeline in captures/, with captures/index.json listing
# them for the web page's menu.  Review the diff before committing.
# usage: tests/make-captures.sh BUILD
set -eu
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/sockscope" demo all -o "$tmp"
for json in "$tmp"/*.json; do
	name=$(basename "$json" .json)
	cp "$json" "captures/$name.json"
	[ -f "$tmp/$name.pcap" ] && cp "$tmp/$name.pcap" "captures/$name.pcap"
done
python3 - "$build/sockscope" <<'PY'
import glob, json, os
index = []
for path in sorted(glob.glob("captures/*.json")):
    if path.endswith("index.json"):
        continue
    doc = json.load(open(path))
    demo = doc.get("demo") or {}
    index.append({"name": demo.get("name", os.path.basename(path)[:-5]),
                  "file": os.path.basename(path),
                  "description": demo.get("description", "")})
json.dump(index, open("captures/index.json", "w"), indent=1)
print(f"captures/index.json: {len(index)} timelines")
PY
