#!/bin/sh
# Prints a file's bytes as the body of a C array initialiser ("0x2f,0x2a,...").
# usage: bytes-to-c.sh FILE   (used by the scripts that compile files in)
set -eu
od -An -v -tx1 "$1" | sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
