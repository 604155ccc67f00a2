#!/bin/sh
# Re-records the analysis-flag captures in tests/data/ with the kernel's own TCP,
# each in a private network namespace (its own loopback, its own nftables rules),
# then writes the crafted ones.  Needs root, iproute2, nftables, tcpdump, python3.
# usage: tests/data/record-analysis.sh [NAME...]   (default: all; see README.md)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=7000
ns=sockscope-rec-$$

cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# record NAME SCENARIO NFT-RULES CAPTURE-FILTER [SYSCTL=VALUE...]
record() {
	name=$1 scenario=$2 rules=$3 filter=$4
	shift 4
	ip netns add "$ns"
	# Ethernet-sized segments (MSS 1460), one per packet: no segmentation offload on lo
	ip -n "$ns" link set lo up mtu 1500 gso_max_size 1500
	for setting in "$@"; do
		ip netns exec "$ns" sysctl -q -w "$setting"
	done
	if [ -n "$rules" ]; then
		ip netns exec "$ns" nft "add table inet rec; $rules"
	fi
	out=$here/$name.pcap
	# 128 bytes hold every header; payload bytes are not needed for the analysis
	ip netns exec "$ns" tcpdump -q -i lo -s 128 --immediate-mode -U -w "$out.tmp" "$filter" 2>/dev/null &
	dump=$!
	sleep 1 # let tcpdump attach before the first packet
	ip netns exec "$ns" python3 "$here/analysis-peer.py" "$scenario" "$port"
	sleep 1.5 # the last packets reach the file before tcpdump stops
	kill -INT "$dump"
	wait "$dump" || true
	mv "$out.tmp" "$out"
	ip netns del "$ns"
	echo "recorded $out ($(wc -c <"$out") bytes)"
}

in_chain='add chain inet rec in { type filter hook input priority 0; policy accept; };'

# IP length 352: the 300-byte write with 20 bytes of IP and 32 of TCP (timestamps).
# On lo the capture point sees a packet as it is sent, before the input hook: a drop
# there is a loss the capture shows.  (A drop in the output hook is no loss at all:
# the sender sees the error and sends the bytes again with the next write.)
# IP length 252: the last write, 200 bytes.
drop_data="$in_chain add rule inet rec in tcp dport $port ip length 352 \
quota until 352 bytes drop; add rule inet rec in tcp dport $port ip length 252 \
quota until 252 bytes drop"
drop_ack="$in_chain add rule inet rec in tcp sport $port tcp flags == ack ip length 52 \
quota until 52 bytes drop"

all="$*"
run() { # NAME ...: record NAME when asked for (or when no names were given)
	name=$1
	shift
	if [ -z "$all" ] || case " $all " in *" $name "*) true ;; *) false ;; esac; then
		"$@"
	fi
}

run tcp-loss record tcp-loss loss "$drop_data" "tcp port $port"
# IP length 1500: a full segment (MSS 1460 less 12 bytes of timestamps).
drop_full="$in_chain add rule inet rec in tcp dport $port ip length 1500 \
quota until 1500 bytes drop"
run tcp-fast-retransmit record tcp-fast-retransmit burst "$drop_full" "tcp port $port"
run tcp-capture-gap record tcp-capture-gap loss "" "tcp port $port and not ip[2:2] = 352"
run tcp-spurious record tcp-spurious spurious "$drop_ack" "tcp port $port"
run tcp-zero-window record tcp-zero-window zerowin "" "tcp port $port"
run tcp-keepalive record tcp-keepalive keepalive "" "tcp port $port"
run tcp-reused-ports record tcp-reused-ports reuse "" "tcp port $port"
run tcp-zero-window-probe python3 "$here/craft-analysis.py" "$here"
