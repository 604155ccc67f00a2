#!/usr/bin/env python3
"""Re-encapsulates real traffic in the tunnels this kernel cannot make, and
writes the BIG TCP capture a short exchange cannot produce.

record-tunnels.sh records TCP and UDP through Linux's VXLAN device; where a
kernel has no Geneve, GRE, IPIP, SIT or ip6tnl device, this script takes the
inner frames of those recordings (tunnel-vxlan.pcap: Ethernet/IPv4,
tunnel-vxlan6.pcap: Ethernet/IPv6), byte for byte with their timestamps and
original lengths, and wraps them in the other formats: outer headers packed
with struct, lengths and checksums as the wire has them.  The captured inner
bytes keep the recording's snap length; the outer length fields announce the
original frame.  Standard library only.

BIG TCP (Linux 6.3+) sends IPv4 segments above 64 KB with total length 0;
tso-ipv4.pcap is such a conversation, built with craft-analysis.py's frames:
two 150000-byte segments, each one segment for the analysis (as Wireshark
counts them), captured 64 bytes deep.

jumbo-ipv6.pcap holds IPv6 jumbograms (RFC 2675) as BIG TCP for IPv6 wrote
them: payload length 0 and a Jumbo Payload option.

usage: craft-tunnels.py DIR   (reads DIR/tunnel-vxlan*.pcap, writes DIR/tunnel-*.pcap,
                               DIR/tso-ipv4.pcap and DIR/jumbo-ipv6.pcap)
"""
import importlib.util
import os
import struct
import sys


def craft_analysis():
    """craft-analysis.py as a module: its checksum and TCP frame builder."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "craft-analysis.py")
    spec = importlib.util.spec_from_file_location("craft_analysis", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ANALYSIS = craft_analysis()
checksum = ANALYSIS.checksum

VXLAN_OVERHEAD = 14 + 20 + 8 + 8  # outer Ethernet, IPv4, UDP, VXLAN
MAC = bytes.fromhex("020000000001020000000002")
UNDERLAY4 = (bytes([10, 200, 0, 1]), bytes([10, 200, 0, 2]))
UNDERLAY6 = (bytes.fromhex("fd000200" + "00" * 11 + "01"),
             bytes.fromhex("fd000200" + "00" * 11 + "02"))


def read_pcap(path):
    """(ts_sec, ts_usec, captured bytes, original length) per record."""
    data = open(path, "rb").read()
    magic, = struct.unpack("<I", data[:4])
    if magic != 0xA1B2C3D4:
        sys.exit(f"{path}: not a little-endian microsecond pcap")
    records, at = [], 24
    while at + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack("<IIII", data[at:at + 16])
        records.append((sec, usec, data[at + 16:at + 16 + caplen], wirelen))
        at += 16 + caplen
    return records


def inner_frames(path):
    """The Ethernet frames VXLAN carried: (sec, usec, bytes, original length)."""
    return [(s, u, d[VXLAN_OVERHEAD:], w - VXLAN_OVERHEAD) for s, u, d, w in read_pcap(path)]


def forward(inner):
    """Which way the inner frame went: the underlay addresses follow it."""
    return inner[6:12] < inner[0:6]


def ipv4(proto, payload_len, fwd, payload):
    src, dst = UNDERLAY4 if fwd else UNDERLAY4[::-1]
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0, 0x4000, 64, proto, 0,
                         src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def ipv6(next_header, payload_len, fwd, payload, encap_limit=False):
    """With encap_limit, a Destination Options header holding the Tunnel
    Encapsulation Limit option (RFC 2473 §5.1), as Linux's ip6tnl writes it."""
    src, dst = UNDERLAY6 if fwd else UNDERLAY6[::-1]
    if encap_limit:
        payload = struct.pack("!BBBBBBBB", next_header, 0, 4, 1, 4, 1, 1, 0) + payload
        payload_len += 8
        next_header = 60
    return struct.pack("!IHBB16s16s", 0x60000000, payload_len, next_header, 64, src,
                       dst) + payload


def ether(ethertype, payload):
    return MAC + struct.pack("!H", ethertype) + payload


def geneve(inner, wire, fwd):
    """Geneve (RFC 8926) with two options: 8 and 4 bytes of option data."""
    options = struct.pack("!HBB", 0x0102, 0x80, 2) + b"\x11" * 8 + \
        struct.pack("!HBB", 0xFFFF, 0x01, 1) + b"\x22" * 4
    header = struct.pack("!BBHI", len(options) // 4, 0, 0x6558, 77 << 8) + options
    udp_len = 8 + len(header) + wire
    udp = struct.pack("!HHHH", 51000 if fwd else 52000, 6081, udp_len, 0) + header + inner
    return ether(0x0800, ipv4(17, udp_len, fwd, udp)), 14 + 20 + udp_len


def gre(flags, proto, key, seq, inner, wire, fwd, ip=ipv4):
    """GRE (RFC 2784, RFC 2890); the checksum covers the whole GRE packet, so
    it is computed only when the capture holds all of it."""
    words = b""
    if flags & 0x2000:
        words += struct.pack("!I", key)
    if flags & 0x1000:
        words += struct.pack("!I", seq)
    body = words + inner
    if flags & 0x8000:
        head = struct.pack("!HH", flags, proto)
        csum = checksum(head + b"\0\0\0\0" + body) if len(inner) == wire else 0
        packet = head + struct.pack("!HH", csum, 0) + body
    else:
        packet = struct.pack("!HH", flags, proto) + body
    gre_len = len(packet) - len(inner) + wire
    return ether(0x0800, ip(47, gre_len, fwd, packet)), 14 + 20 + gre_len


def strip_ether(frames, ethertype):
    """The IP datagrams of frames with this ethertype (no ARP, no other)."""
    return [(s, u, d[14:], w - 14) for s, u, d, w in frames
            if d[12:14] == struct.pack("!H", ethertype)]


def write_pcap(path, records):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for sec, usec, data, wire in records:
            out.write(struct.pack("<IIII", sec, usec, len(data), wire) + data)
    print(f"wrote {path} ({len(records)} frames)")


def direction(datagram):
    """For a bare IP datagram: forward when its source sorts first."""
    if datagram[0] >> 4 == 4:
        return datagram[12:16] < datagram[16:20]
    return datagram[8:24] < datagram[24:40]


def wrap_ip(datagrams, make):
    return [(s, u, *make(d, w, direction(d))) for s, u, d, w in datagrams]


def tso(header, payload_len, captured=64):
    """A segment of payload_len bytes as a BIG TCP capture shows it: IPv4 total
    length 0, captured `captured` bytes deep, the original length kept.
    `header` is the segment without payload (its TCP checksum cannot cover
    bytes the capture does not hold, so it is left as computed)."""
    ip = header[14:16] + b"\0\0" + header[18:24] + b"\0\0" + header[26:34]
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    frame = header[:14] + ip + header[34:] + b"x" * payload_len
    return frame[:captured], len(frame)


def tso_ipv4():
    c, s, frame = ANALYSIS.CLIENT, ANALYSIS.SERVER, ANALYSIS.frame
    big = 150000
    plain = [frame(c, s, 0, 0, "S", 65535), frame(s, c, 0, 1, "SA", 65535),
             frame(c, s, 1, 1, "A", 65535)]
    segments = [tso(frame(c, s, 1, 1, "A", 65535), big),
                tso(frame(c, s, 1 + big, 1, "PA", 65535), big)]
    tail = [frame(s, c, 1, 1 + 2 * big, "A", 65535), frame(c, s, 1 + 2 * big, 1, "FA", 65535),
            frame(s, c, 1, 2 + 2 * big, "FA", 65535), frame(c, s, 2 + 2 * big, 2, "A", 65535)]
    frames = [(f, len(f)) for f in plain] + segments + [(f, len(f)) for f in tail]
    return [(1700000000, i * 1000, data, wire) for i, (data, wire) in enumerate(frames)]


def jumbo_ipv6():
    """RFC 2675 jumbograms as BIG TCP writes them: payload length 0, a Hop-by-Hop
    header with a Jumbo Payload option of 70000 bytes; TCP, then UDP with length 0
    (§4).  Captured 100 bytes deep."""
    src, dst = UNDERLAY6
    frames = []
    for proto, transport in ((6, struct.pack("!HHIIBBHHH", 40000, 7000, 1000, 2000, 5 << 4,
                                             0x18, 512, 0, 0)),
                             (17, struct.pack("!HHHH", 40001, 7001, 0, 0))):
        hbh = struct.pack("!BBBBI", proto, 0, 0xC2, 4, 70000)
        ip = struct.pack("!IHBB16s16s", 0x60000000, 0, 0, 64, src, dst) + hbh + transport
        frame = ether(0x86DD, ip) + b"j" * 100
        frames.append((frame[:100], 14 + 40 + 70000))
    return [(1700000000, i * 1000, data, wire) for i, (data, wire) in enumerate(frames)]


def main():
    where = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    eth4 = inner_frames(os.path.join(where, "tunnel-vxlan.pcap"))
    eth6 = inner_frames(os.path.join(where, "tunnel-vxlan6.pcap"))
    ip4, ip6 = strip_ether(eth4, 0x0800), strip_ether(eth6, 0x86DD)
    seq = iter(range(1, 1 << 20))
    outputs = {
        "tunnel-geneve": [(s, u, *geneve(d, w, forward(d))) for s, u, d, w in eth4],
        "tunnel-gretap": [(s, u, *gre(0xB000, 0x6558, 5, next(seq), d, w, forward(d)))
                          for s, u, d, w in eth4],
        "tunnel-gre": wrap_ip(ip4, lambda d, w, f: gre(0x2000, 0x0800, 7, 0, d, w, f)),
        "tunnel-ipip": wrap_ip(ip4, lambda d, w, f: (ether(0x0800, ipv4(4, w, f, d)), 34 + w)),
        "tunnel-sit": wrap_ip(ip6, lambda d, w, f: (ether(0x0800, ipv4(41, w, f, d)), 34 + w)),
        "tunnel-ip6ip6": wrap_ip(ip6, lambda d, w, f: (ether(0x86DD, ipv6(41, w, f, d, True)),
                                                       14 + 48 + w)),
        "tunnel-ip4in6": wrap_ip(ip4, lambda d, w, f: (ether(0x86DD, ipv6(4, w, f, d, True)),
                                                       14 + 48 + w)),
        "tunnel-mpls": wrap_ip(ip4, lambda d, w, f: (ether(0x8847, struct.pack(
            "!II", 1000 << 12 | 64, 2000 << 12 | 0x100 | 64) + d), 22 + w)),
        "tunnel-pppoe": wrap_ip(ip6, lambda d, w, f: (ether(0x8864, struct.pack(
            "!BBHHH", 0x11, 0, 0x2a, w + 2, 0x0057) + d), 22 + w)),
        "tunnel-qinq": wrap_ip(ip4, lambda d, w, f: (ether(0x88A8, struct.pack(
            "!HHHH", 100, 0x8100, 200, 0x0800) + d), 22 + w)),
    }
    outputs["tso-ipv4"] = tso_ipv4()
    outputs["jumbo-ipv6"] = jumbo_ipv6()
    for name, records in outputs.items():
        write_pcap(os.path.join(where, name + ".pcap"), records)


if __name__ == "__main__":
    main()
