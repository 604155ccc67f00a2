#!/usr/bin/env python3
"""Hostile capture files, written by this script, traced one by one.

Each case is a file built here byte by byte, the exit code sockscope must give,
text its message must contain, and how many packets the timeline must still
hold.  Every run must end with a complete, valid JSON document (or none, when
the file cannot be opened), no crash and no sanitizer report.
usage: tests/malformed.py BUILD/sockscope
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

LINKTYPE_ETHERNET, LINKTYPE_RAW = 1, 101


def global_header(linktype=LINKTYPE_RAW, snaplen=262144):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def record(data, caplen=None, wirelen=None, ts=1000):
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    return struct.pack("<IIII", ts, 0, caplen, wirelen) + data


def ipv4(proto, payload, ihl=5, total=None, frag=0):
    total = 4 * ihl + len(payload) if total is None else total
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, frag, 64, proto, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return header + b"\0" * (4 * ihl - 20) + payload


def tcp(flags=0x02, offset=5, options=b"", payload=b""):
    return struct.pack("!HHIIBBHHH", 40000, 7000, 1000, 0, offset << 4, flags, 65535, 0,
                       0) + options + payload


def udp(payload, length=None):
    length = 8 + len(payload) if length is None else length
    return struct.pack("!HHHH", 40000, 7000, length, 0) + payload


def ipv6(next_header, payload, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000, plen, next_header, 64,
                       b"\0" * 15 + b"\1", b"\0" * 15 + b"\1") + payload


def icmp_unreachable(quoted):
    return struct.pack("!BBHI", 3, 3, 0, 0) + quoted


def pcap(*packets, linktype=LINKTYPE_RAW):
    return global_header(linktype) + b"".join(record(p) for p in packets)


GOOD = ipv4(6, tcp())
HOP_BY_HOP_LOOP = b"".join(bytes([0, 0]) + b"\0" * 6 for _ in range(40))  # 40 headers

def pcapng_block(block_type, body):
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def pcapng(*blocks):
    shb = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = pcapng_block(1, struct.pack("<HHI", LINKTYPE_RAW, 0, 262144))
    return shb + idb + b"".join(blocks)


def epb(data):
    pad = b"\0" * (-len(data) % 4)
    return pcapng_block(6, struct.pack("<IIIII", 0, 0, 0, len(data), len(data)) + data + pad)


# name, bytes, exit code, text in stderr (or None), packets in the timeline (None: no timeline)
CASES = [
    ("empty file", b"", 1, "", None),
    ("truncated global header", global_header()[:10], 1, "truncated", None),
    ("not a capture", b"hello, world\n" * 4, 1, "not a pcap or pcapng", None),
    ("bogus link type", global_header(linktype=4242) + record(GOOD), 1, "not supported", None),
    ("truncated record header", pcap(GOOD) + record(GOOD)[:7], 1, "truncated", 1),
    ("record longer than the file", pcap(GOOD) + record(GOOD, caplen=400)[:60], 1,
     "truncated", 1),
    # libpcap reads a record longer than the file's snaplen if it fits its own limit
    ("record larger than snaplen", global_header(snaplen=64) + record(GOOD) +
     record(b"\0" * 100000), 0, None, 2),
    ("huge record length", pcap(GOOD) + struct.pack("<IIII", 0, 0, 0x7FFFFFFF, 0x7FFFFFFF), 1,
     "", 1),
    ("zero-length records", pcap(b"", GOOD, b""), 0, None, 3),
    ("caplen above wirelen", global_header() + record(GOOD, wirelen=10), 0, None, 1),
    ("ipv4 ihl below 5", pcap(ipv4(6, tcp(), ihl=3), GOOD), 0, None, 2),
    ("ipv4 total length below header", pcap(ipv4(6, tcp(), total=12), GOOD), 0, None, 2),
    ("ipv4 total length past the packet", pcap(ipv4(6, tcp(), total=4000)), 0, None, 1),
    ("ipv4 options past the packet", pcap(ipv4(6, b"", ihl=15)[:30]), 0, None, 1),
    ("tcp data offset below 5", pcap(ipv4(6, tcp(offset=2)), GOOD), 0, None, 2),
    ("tcp data offset past the packet", pcap(ipv4(6, tcp(offset=15))), 0, None, 1),
    ("tcp option length 0", pcap(ipv4(6, tcp(offset=6, options=b"\x02\x00\x00\x00"))), 0,
     None, 1),
    ("tcp option length 1", pcap(ipv4(6, tcp(offset=6, options=b"\x08\x01\x00\x00"))), 0,
     None, 1),
    ("tcp option overflowing", pcap(ipv4(6, tcp(offset=6, options=b"\x05\x22\x00\x00"))), 0,
     None, 1),
    ("tcp sack block cut", pcap(ipv4(6, tcp(offset=7, options=b"\x05\x0a" + b"\1" * 6))), 0,
     None, 1),
    ("udp length below 8", pcap(ipv4(17, udp(b"abc", length=3))), 0, None, 1),
    ("udp length past the packet", pcap(ipv4(17, udp(b"abc", length=900))), 0, None, 1),
    ("ipv6 extension header chain", pcap(ipv6(0, HOP_BY_HOP_LOOP + tcp())), 0, None, 1),
    ("ipv6 extension header overrun", pcap(ipv6(0, bytes([6, 200]) + b"\0" * 6)), 0, None, 1),
    ("ipv6 payload length past the packet", pcap(ipv6(6, tcp(), plen=5000)), 0, None, 1),
    ("icmp quoting a cut header", pcap(ipv4(1, icmp_unreachable(ipv4(17, b"")[:9]))), 0,
     None, 1),
    ("icmp quoting ihl below 5", pcap(ipv4(1, icmp_unreachable(ipv4(17, udp(b""), ihl=2)))), 0,
     None, 1),
    ("icmp quoting icmp quoting udp", pcap(ipv4(1, icmp_unreachable(
        ipv4(1, icmp_unreachable(ipv4(17, udp(b"x"))))))), 0, None, 1),
    ("ethernet frame cut in the header", pcap(b"\0" * 13, linktype=LINKTYPE_ETHERNET), 0,
     None, 1),
    ("vlan tags without end", pcap(b"\0" * 12 + b"\x81\x00\0\0" * 6, linktype=1), 0, None, 1),
    ("pcapng with an unknown block", pcapng(pcapng_block(0x0BAD, b"\0" * 8), epb(GOOD)), 0,
     None, 1),
    ("pcapng block length lies", pcapng(epb(GOOD), struct.pack("<II", 6, 0xFFFFFF0)), 1, "", 1),
    ("pcapng block length not a multiple of 4", pcapng(epb(GOOD), struct.pack("<II", 6, 13) +
     b"\0" * 5), 1, "", 1),
]


# Tunnels, offloads and lying length fields (docs/decode.md, "Tunnels and carriers").
def ethernet(ethertype, payload):
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + struct.pack("!H", ethertype) + payload


def nest(layers, inner):
    """IPv4-in-IPv4 `layers` deep around `inner`."""
    for _ in range(layers):
        inner = ipv4(4, inner)
    return inner


def vxlan(inner, vni=42):
    return udp(struct.pack("!II", 0x08000000, vni << 8) + inner)[:2] + b"\x12\xb5" + \
        udp(struct.pack("!II", 0x08000000, vni << 8) + inner)[4:]


def gre(inner, proto=0x0800, flags=0):
    return struct.pack("!HH", flags, proto) + inner


def vxlan_gre_bomb(depth):
    """VXLAN in GRE-TEB in VXLAN ...: alternating UDP and GRE tunnels."""
    frame = ethernet(0x0800, ipv4(17, udp(b"x")))
    for i in range(depth):
        if i % 2:
            frame = ethernet(0x0800, ipv4(47, gre(frame, 0x6558)))
        else:
            frame = ethernet(0x0800, ipv4(17, vxlan(frame)))
    return frame


def jumbo(length, option_len=4, payload=b"", plen=0):
    hbh = struct.pack("!BBBB", 17, 0, 0xC2, option_len) + struct.pack("!I", length)[:option_len]
    hbh += b"\1\0" if option_len == 2 else b""  # PadN keeps the header 8 bytes long
    return ipv6(0, hbh + udp(payload, length=0), plen=plen)


# name, bytes, linktype, {field of the first packet: value}; each must trace cleanly (exit 0)
# with one packet in the timeline, whose fields say what happened.
TUNNEL_CASES = [
    ("ipip nested 8 deep", nest(8, ipv4(17, udp(b"x"))), LINKTYPE_RAW,
     {"encap": 8, "udp.len": 1, "error": None}),
    ("ipip nested 9 deep (bomb)", nest(9, ipv4(17, udp(b"x"))), LINKTYPE_RAW,
     {"encap": 8, "error.layer": "ipip", "error.what": "tunnels nested more than 8 deep"}),
    ("ipip nested 500 deep (bomb)", nest(500, ipv4(17, udp(b"x")))[:60000], LINKTYPE_RAW,
     {"encap": 8, "error.layer": "ipip"}),
    ("vxlan in gre in vxlan ... 12 deep (bomb)", vxlan_gre_bomb(12), LINKTYPE_ETHERNET,
     {"encap": 8, "error.what": "tunnels nested more than 8 deep"}),
    ("mpls stack without bottom", ethernet(0x8847, b"\0\0\0\x40" * 40), LINKTYPE_ETHERNET,
     {"encap": 1, "error.layer": "mpls", "error.what": "label stack deeper than 8"}),
    ("pppoe length 0", ethernet(0x8864, struct.pack("!BBHHH", 0x11, 0, 1, 0, 0x21) +
                                ipv4(17, udp(b"x"))), LINKTYPE_ETHERNET,
     {"error.layer": "pppoe"}),
    ("pppoe length past the frame", ethernet(0x8864, struct.pack("!BBHHH", 0x11, 0, 1, 9000, 0x21)
                                             + ipv4(17, udp(b"x"))), LINKTYPE_ETHERNET,
     {"encap": 1, "udp.len": 1, "error": None}),
    ("geneve options past the header", ipv4(17, udp(b"")[:2] + b"\x17\xc1" + udp(
        struct.pack("!BBHI", 0x3F, 0, 0x6558, 0) + b"\0" * 8)[4:]), LINKTYPE_RAW,
     {"truncated": True, "error.layer": "geneve"}),
    ("gre key cut", ipv4(47, struct.pack("!HH", 0x3000, 0x0800) + b"\0\0"), LINKTYPE_RAW,
     {"truncated": True, "error.layer": "gre"}),
    ("jumbo payload of 70000 bytes", jumbo(70000, payload=b"abcd"), LINKTYPE_RAW,
     {"ip.jumbo": True, "ip.len": 70040, "udp.len": 70000 - 16, "error": None}),
    ("jumbo option saying 1000", jumbo(1000, payload=b"abcd"), LINKTYPE_RAW,
     {"error.layer": "ipv6", "error.what": "jumbo payload length < 65536"}),
    ("jumbo option saying 0", jumbo(0, payload=b"abcd"), LINKTYPE_RAW,
     {"error.what": "jumbo payload length < 65536"}),
    ("jumbo option with length 2", jumbo(70000, option_len=2), LINKTYPE_RAW,
     {"error.layer": "ipv6"}),
    ("jumbo option with a payload length", jumbo(70000, payload=b"abcd", plen=16), LINKTYPE_RAW,
     {"error.layer": "ipv6"}),
    ("jumbo option beyond 4 GB", jumbo(0xFFFFFFFF, payload=b"abcd"), LINKTYPE_RAW,
     {"error.what": "jumbo payload length beyond a 32-bit total length"}),
    ("tso total length 0", ipv4(6, tcp(flags=0x10, payload=b"data"), total=0), LINKTYPE_RAW,
     {"ip.tso": True, "ip.len": 44, "tcp.len": 4, "error": None}),
    ("tso total length 0, header cut", ipv4(6, b"", total=0), LINKTYPE_RAW,
     {"ip.tso": True, "error.layer": "tcp"}),
    ("tso total length 0 in a tunnel", ipv4(4, ipv4(17, udp(b"abcd"), total=0)), LINKTYPE_RAW,
     {"encap": 1, "ip.tso": True, "udp.len": 4}),
    ("frame longer than the ip length", ipv4(17, udp(b"abcd")) + b"\0" * 3000, LINKTYPE_RAW,
     {"ip.len": 32, "udp.len": 4, "error": None}),
    ("udp length field past the ip payload", ipv4(17, udp(b"abcd", length=400)), LINKTYPE_RAW,
     {"udp.len": 4, "udp.len_field": 400, "error.layer": "udp",
      "error.what": "length field > ip payload"}),
    ("udp length field short of the ip payload", ipv4(17, udp(b"abcd", length=10)),
     LINKTYPE_RAW, {"udp.len": 2, "udp.len_field": 10, "error": None}),
    ("udp length field 0 outside a jumbogram", ipv4(17, udp(b"abcd", length=0)), LINKTYPE_RAW,
     {"error.what": "length < 8"}),
]


def field(event, path):
    """The value at a dotted path; "encap" counts the layers; None when absent."""
    if path == "encap":
        return len(event.get("encap", []))
    value = event
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def run_tunnel_case(binary, workdir, name, data, linktype, want):
    path = os.path.join(workdir, name.replace(" ", "-") + ".pcap")
    with open(path, "wb") as f:
        f.write(global_header(linktype) + record(data))
    problems = run_case(binary, workdir, name, open(path, "rb").read(), 0, None, 1)
    if problems:
        return problems
    doc = json.load(open(path + ".json"))
    event = next(e for e in doc["events"] if e["kind"] == "packet")
    for key, expected in want.items():
        got = field(event, key)
        if got != expected:
            problems.append(f"{key} = {got!r}, want {expected!r}")
    return problems


def run_case(binary, workdir, name, data, code, message, packets):
    path = os.path.join(workdir, name.replace(" ", "-") + ".pcap")
    out = path + ".json"
    with open(path, "wb") as f:
        f.write(data)
    proc = subprocess.run([binary, "trace", "-q", "-r", path, "-o", out], capture_output=True,
                          text=True, timeout=60)
    problems = []
    if code is None and proc.returncode not in (0, 1):
        problems.append(f"exit {proc.returncode}, want 0 or 1")
    if code is not None and proc.returncode != code:
        problems.append(f"exit {proc.returncode}, want {code}")
    if proc.returncode < 0 or "Sanitizer" in proc.stderr or "runtime error" in proc.stderr:
        problems.append("crashed or sanitizer report:\n" + proc.stderr[-2000:])
    if message is not None and message not in proc.stderr:
        problems.append(f"stderr lacks {message!r}: {proc.stderr.strip()!r}")
    if message is not None and code and not proc.stderr.strip():
        problems.append("failed without a message")
    if packets is not None:
        try:
            doc = json.load(open(out))
            got = sum(1 for e in doc["events"] if e["kind"] == "packet")
            if got != packets:
                problems.append(f"{got} packets in the timeline, want {packets}")
        except (OSError, ValueError, KeyError) as err:
            problems.append(f"no valid timeline: {err}")
    return problems


def fuzz_regressions():
    """Inputs the fuzzer once crashed on (tests/data/fuzz/): each must now end cleanly."""
    folder = os.path.join(os.path.dirname(__file__), "data", "fuzz")
    for name in sorted(os.listdir(folder)):
        if not name.startswith("."):
            with open(os.path.join(folder, name), "rb") as f:
                yield ("fuzz regression " + name, f.read(), None, None, None)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/sockscope"
    passed = failed = 0
    with tempfile.TemporaryDirectory() as workdir:
        runs = [(run_case, case) for case in CASES + list(fuzz_regressions())]
        runs += [(run_tunnel_case, case) for case in TUNNEL_CASES]
        for run, case in runs:
            problems = run(binary, workdir, *case)
            if problems:
                failed += 1
                print(f"FAIL malformed {case[0]}: " + "; ".join(problems))
            else:
                passed += 1
    print(f"malformed: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
