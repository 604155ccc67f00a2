#!/bin/sh
# Records TCP and UDP through Linux's own tunnel devices into tests/data/tunnel-*.pcap
# (and plain BIG TCP into tests/data/bigtcp-*.pcap).  Two private network namespaces
# joined by a veth pair (the underlay); the tunnel runs over it, and tcpdump on the
# underlay veth sees the tunnel headers as they go on the wire.  Through each tunnel
# tunnel-peer.py makes one small TCP exchange and one UDP exchange.  Needs root,
# iproute2, tcpdump, python3.
# usage: tests/data/record-tunnels.sh [NAME...]   (default: all; see README.md)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
a=sockscope-tun-a-$$
b=sockscope-tun-b-$$
port=7000

server= dump=
cleanup() {
	for pid in $server $dump; do
		kill "$pid" 2>/dev/null || true
	done
	server= dump=
	rm -f "$here/.peer.$$"
	ip netns del "$a" 2>/dev/null || true
	ip netns del "$b" 2>/dev/null || true
}
trap 'cleanup; exit 1' INT TERM
trap cleanup EXIT

# underlay: veth ul0 in both namespaces, 10.200.0.1-2 and fd00:200::1-2
underlay() {
	ip netns add "$a"
	ip netns add "$b"
	ip link add ul0 netns "$a" type veth peer name ul0 netns "$b"
	n=1
	for ns in "$a" "$b"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set ul0 up
		ip -n "$ns" addr add 10.200.0.$n/24 dev ul0
		ip -n "$ns" addr add fd00:200::$n/64 dev ul0 nodad
		n=2
	done
}

# gso on|off: off caps every device at one segment per packet, so what the
# underlay sees is MTU-sized; on leaves the kernel's defaults (64 KB super-segments)
gso() {
	[ "$1" = on ] && return 0
	for ns in "$a" "$b"; do
		for dev in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
			ip -n "$ns" link set "$dev" gso_max_segs 1
		done
	done
}

# tunnel KIND INNER-FAMILY: device tun0 in both namespaces, inner addresses
# 10.201.0.1-2 or fd00:201::1-2
tunnel() {
	kind=$1 inner=$2 n=1
	for ns in "$a" "$b"; do
		l=$n r=$((3 - n))
		case $kind in
		vxlan) ip -n "$ns" link add tun0 type vxlan id 42 local 10.200.0.$l remote 10.200.0.$r dstport 4789 dev ul0 ;;
		geneve) ip -n "$ns" link add tun0 type geneve id 77 remote 10.200.0.$r ;;
		gretap) ip -n "$ns" link add tun0 type gretap local 10.200.0.$l remote 10.200.0.$r key 5 csum seq ;;
		gre) ip -n "$ns" link add tun0 type gre local 10.200.0.$l remote 10.200.0.$r key 7 ;;
		ipip) ip -n "$ns" link add tun0 type ipip local 10.200.0.$l remote 10.200.0.$r ;;
		sit) ip -n "$ns" link add tun0 type sit local 10.200.0.$l remote 10.200.0.$r ;;
		ip6ip6) ip -n "$ns" link add tun0 type ip6tnl mode ip6ip6 local fd00:200::$l remote fd00:200::$r ;;
		ip4in6) ip -n "$ns" link add tun0 type ip6tnl mode ipip6 local fd00:200::$l remote fd00:200::$r ;;
		esac
		ip -n "$ns" link set tun0 up
		if [ "$inner" = 6 ]; then
			ip -n "$ns" addr add fd00:201::$n/64 dev tun0 nodad
		else
			ip -n "$ns" addr add 10.201.0.$n/24 dev tun0
		fi
		n=2
	done
}

# exchange ADDR BYTES: the server in b, the client in a
exchange() {
	ip netns exec "$b" python3 "$here/tunnel-peer.py" server "$1" "$port" >"$here/.peer.$$" &
	server=$!
	i=0
	until grep -q ready "$here/.peer.$$" 2>/dev/null || [ $i -gt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ip netns exec "$a" python3 "$here/tunnel-peer.py" client "$1" "$port" "$2"
	wait "$server"
	server=
	rm -f "$here/.peer.$$"
}

# record NAME FILTER ADDR BYTES: capture the underlay in a during one exchange
record() {
	name=$1 filter=$2 addr=$3 bytes=$4
	out=$here/$name.pcap
	sleep 0.5 # let address configuration settle before the capture starts
	# 200 bytes hold every outer and inner header; payload bytes are not needed
	ip netns exec "$a" tcpdump -q -i ul0 -s 200 --immediate-mode -U -w "$out.tmp" "$filter" 2>/dev/null &
	dump=$!
	sleep 1 # let tcpdump attach before the first packet
	exchange "$addr" "$bytes"
	sleep 1
	kill -INT "$dump"
	wait "$dump" || true
	dump=
	mv "$out.tmp" "$out"
	cleanup
	echo "recorded $out ($(wc -c <"$out") bytes)"
}

# supported KIND: whether this kernel can make such a device
supported() {
	ip netns add "$a"
	ok=0
	case $1 in
	ip6ip6 | ip4in6) ip -n "$a" link add probe0 type ip6tnl 2>/dev/null || ok=1 ;;
	vxlan) ip -n "$a" link add probe0 type vxlan id 1 dstport 4789 2>/dev/null || ok=1 ;;
	geneve) ip -n "$a" link add probe0 type geneve id 1 remote 10.0.0.1 2>/dev/null || ok=1 ;;
	*) ip -n "$a" link add probe0 type "$1" 2>/dev/null || ok=1 ;;
	esac
	cleanup
	return $ok
}

# one NAME KIND INNER-FAMILY GSO BYTES
one() {
	if ! supported "$2"; then
		echo "SKIPPED $1: this kernel cannot make a $2 device (craft-tunnels.py covers the format)"
		return 0
	fi
	underlay
	tunnel "$2" "$3"
	gso "$4"
	if [ "$3" = 6 ]; then addr=fd00:201::2; else addr=10.201.0.2; fi
	case $2 in
	ip6ip6 | ip4in6) filter="ip6 and not icmp6" ;;
	*) filter="ip" ;;
	esac
	record "$1" "$filter" "$addr" "$5"
}

# BIG TCP over the bare veth (IPv6: Linux 5.19+, IPv4: 6.3+): with the device's GSO
# limit raised to 150000, a long enough transfer (20 MB, so the congestion window
# grows) sends segments above 64 KB: IPv6 ones with payload length 0 and a Jumbo
# Payload option (RFC 2675), IPv4 ones with total length 0.  The 4th argument is the
# family; IPv4's limit is set by set-gso-ipv4.py (iproute2 may not know it).
bigtcp() {
	underlay
	for ns in "$a" "$b"; do
		ip -n "$ns" link set ul0 gso_max_size 150000 gro_max_size 150000
		if [ "$4" = ipv4 ] && ! ip netns exec "$ns" python3 "$here/set-gso-ipv4.py" ul0 150000; then
			cleanup
			echo "SKIPPED $1: this kernel has no IPv4 BIG TCP (gso_ipv4_max_size)"
			return 0
		fi
	done
	record "$1" "$2" "$3" 20000000
}

want() { [ -z "$only" ] || echo " $only " | grep -q " $1 "; }
only=${*:-}
want tunnel-vxlan && one tunnel-vxlan vxlan 4 off 3000
want tunnel-vxlan-gso && one tunnel-vxlan-gso vxlan 4 on 200000
want tunnel-vxlan6 && one tunnel-vxlan6 vxlan 6 off 3000
want tunnel-geneve && one tunnel-geneve geneve 6 off 3000
want tunnel-gretap && one tunnel-gretap gretap 4 off 3000
want tunnel-gre && one tunnel-gre gre 4 off 3000
want tunnel-ipip && one tunnel-ipip ipip 4 off 3000
want tunnel-ipip-gso && one tunnel-ipip-gso ipip 4 on 200000
want tunnel-sit && one tunnel-sit sit 6 off 3000
want tunnel-ip6ip6 && one tunnel-ip6ip6 ip6ip6 6 off 3000
want tunnel-ip4in6 && one tunnel-ip4in6 ip4in6 4 off 3000
want bigtcp-ipv4 && bigtcp bigtcp-ipv4 "ip" 10.200.0.2 ipv4
want bigtcp-ipv6 && bigtcp bigtcp-ipv6 "ip6 and not icmp6" fd00:200::2 ipv6
exit 0
