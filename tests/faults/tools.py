#!/usr/bin/env python3
"""Tools for tests/faults/run.sh (standard library only).

  tools.py timeline FILE [interrupted]   exit 0 if FILE is a whole timeline (and, with
                                          'interrupted', marked source.interrupted); prints
                                          its packet count
  tools.py pcapcount FILE                 whole records in a pcap file (exit 1 if not pcap)
  tools.py send PORT COUNT [SIZE]         COUNT UDP datagrams to 127.0.0.1:PORT
  tools.py bigpcap OUT COUNT              a raw-IPv4 pcap of COUNT UDP packets, 200 flows
  tools.py extreme OUT                    a pcapng file whose timestamps reach the int64 ends
  tools.py timestamps FILE                exit 0 if every ts is an ISO string with a 4-digit
                                          year or a number; prints the kinds seen
  tools.py rawsend IFACE COUNT            COUNT Ethernet frames out of IFACE (AF_PACKET)
"""
import json
import socket
import struct
import sys


def timeline(path, want_interrupted=False):
    with open(path) as f:
        doc = json.load(f)
    for key in ("schema", "events", "source", "flows"):
        if key not in doc:
            sys.exit(f"{path}: no '{key}'")
    if want_interrupted and doc["source"].get("interrupted") is not True:
        sys.exit(f"{path}: source.interrupted is not true")
    print(sum(1 for e in doc["events"] if e.get("kind") == "packet"))


def pcapcount(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24 or data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        sys.exit(f"{path}: not a pcap file ({len(data)} bytes)")
    off, n = 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        if off + 16 + caplen > len(data):
            sys.exit(f"{path}: record {n + 1} cut short")
        off += 16 + caplen
        n += 1
    if off != len(data):
        sys.exit(f"{path}: {len(data) - off} stray bytes after record {n}")
    print(n)


def send(port, count, size=1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(int(count)):
        s.sendto(b"x" * int(size), ("127.0.0.1", int(port)))


def ipv4_udp(src, dst, sport, dport, payload=b"x"):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    total = sum(struct.unpack("!10H", hdr))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return hdr[:10] + struct.pack("!H", ~total & 0xFFFF) + hdr[12:] + udp


def bigpcap(out, count):
    packets = [ipv4_udp("10.0.0.1", "10.0.1.%d" % (i % 200 + 1), 40000, 5000 + i % 200)
               for i in range(200)]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i in range(int(count)):
            p = packets[i % 200]
            f.write(struct.pack("<IIII", 1700000000 + i // 100000, i % 100000 * 10,
                                len(p), len(p)))
            f.write(p)


def pcapng_block(kind, body):
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def extreme(out):
    """Section, an interface with 1-second resolution, then packets at both
    ends of the int64 range and in between: relative times, ISO strings and
    year fields that overflow if computed naively."""
    shb = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    tsresol = struct.pack("<HHB", 9, 1, 0) + b"\0\0\0" + struct.pack("<HH", 0, 0)
    idb = pcapng_block(1, struct.pack("<HHI", 101, 0, 65535) + tsresol)
    p = ipv4_udp("127.0.0.1", "127.0.0.2", 1000, 2000)
    blocks = [shb, idb]
    for t in (0, 2**63 - 1, 2**63, 2**64 - 1, 253402300800, 1700000000, 2**40):
        epb = struct.pack("<IIIII", 0, t >> 32, t & 0xFFFFFFFF, len(p), len(p)) + p
        blocks.append(pcapng_block(6, epb))
    with open(out, "wb") as f:
        f.write(b"".join(blocks))


def timestamps(path):
    import re
    with open(path) as f:
        doc = json.load(f)
    kinds = set()
    for e in doc["events"]:
        ts = e.get("ts")
        if isinstance(ts, str):
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", ts):
                sys.exit(f"{path}: broken ISO time {ts!r}")
            kinds.add("iso")
        elif isinstance(ts, (int, float)):
            kinds.add("number")
        else:
            sys.exit(f"{path}: ts {ts!r}")
    print(" ".join(sorted(kinds)))


def rawsend(iface, count):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    frame = b"\xff" * 6 + b"\x02\0\0\0\0\1" + b"\x08\x00" + ipv4_udp(
        "169.254.77.2", "169.254.77.1", 1000, 2000)
    for _ in range(int(count)):
        s.send(frame)


if __name__ == "__main__":
    commands = {"timeline": lambda f, *w: timeline(f, bool(w)), "pcapcount": pcapcount,
                "send": send, "bigpcap": bigpcap, "extreme": extreme,
                "timestamps": timestamps, "rawsend": rawsend}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
