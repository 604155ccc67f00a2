#!/bin/sh
# Writes a C file holding the web viewer's files (web/index.html, style.css,
# *.js) so that `sockscope report` can write a self-contained page anywhere.
# usage: embed-web.sh FILE... > web_assets.c
set -eu
echo '/* Generated from web/ by src/timeline/embed-web.sh; do not edit. */'
echo '#include "sockscope/report.h"'
n=0
for f in "$@"; do
	echo "static const unsigned char asset_$n[] = {"
	sh "$(dirname "$0")/../common/bytes-to-c.sh" "$f"
	echo '0};'
	n=$((n + 1))
done
echo 'const struct report_asset report_assets[] = {'
n=0
for f in "$@"; do
	size=$(wc -c <"$f")
	echo "	{\"$(basename "$f")\", (const char *)asset_$n, $size},"
	n=$((n + 1))
done
echo '	{0, 0, 0},'
echo '};'
