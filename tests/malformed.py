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
        for case in CASES + list(fuzz_regressions()):
            problems = run_case(binary, workdir, *case)
            if problems:
                failed += 1
                print(f"FAIL malformed {case[0]}: " + "; ".join(problems))
            else:
                passed += 1
    print(f"malformed: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
