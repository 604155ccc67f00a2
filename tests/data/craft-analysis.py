#!/usr/bin/env python3
"""Writes the analysis captures the Linux kernel cannot be made to produce.

Linux probes a zero window with a segment carrying no data at snd_una - 1 (the
form of a keep-alive, tcp_xmit_probe_skb()), so Wireshark calls its probes
keep-alives.  Other stacks (Windows, BSDs) send one byte of new data instead: that
is Wireshark's zero_window_probe, answered by a zero_window_probe_ack.  This script
builds such a conversation packet by packet: Ethernet, IPv4 and TCP headers packed
with struct, checksums included.  Standard library only.

usage: craft-analysis.py DIR   (writes DIR/tcp-zero-window-probe.pcap)
"""
import os
import struct
import sys

CLIENT = (bytes([10, 0, 0, 1]), 40001)
SERVER = (bytes([10, 0, 0, 2]), 7000)
ISN = {CLIENT: 1000, SERVER: 5000}
FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(src, dst, seq, ack, flags, window, payload=b""):
    """One Ethernet frame; seq and ack are relative to each side's ISN."""
    bits = sum(FLAGS[f] for f in flags)
    seq_abs = (ISN[src] + seq) & 0xFFFFFFFF
    ack_abs = (ISN[dst] + ack) & 0xFFFFFFFF if "A" in flags else 0
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq_abs, ack_abs, 5 << 4, bits, window,
                      0, 0) + payload
    pseudo = src[0] + dst[0] + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src[0],
                     dst[0])
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + tcp


def zero_window_probe():
    """The server's reader stops; its window closes after 2000 bytes.  The client probes
    with one byte, the server acknowledges nothing new and keeps the window at 0; at last
    the reader drains, the window reopens and the client sends the byte again with more."""
    c, s = CLIENT, SERVER
    return [
        (0.000, frame(c, s, 0, 0, "S", 8192)),
        (0.001, frame(s, c, 0, 1, "SA", 2000)),
        (0.002, frame(c, s, 1, 1, "A", 8192)),
        (0.010, frame(c, s, 1, 1, "PA", 8192, b"a" * 1000)),
        (0.011, frame(s, c, 1, 1001, "A", 1000)),
        (0.012, frame(c, s, 1001, 1, "PA", 8192, b"b" * 1000)),  # window_full
        (0.013, frame(s, c, 1, 2001, "A", 0)),                   # zero_window
        (0.300, frame(c, s, 2001, 1, "PA", 8192, b"c")),          # zero_window_probe
        (0.301, frame(s, c, 1, 2001, "A", 0)),                   # zero_window_probe_ack
        (0.900, frame(c, s, 2001, 1, "PA", 8192, b"c")),          # zero_window_probe again
        (0.901, frame(s, c, 1, 2001, "A", 0)),                   # zero_window_probe_ack
        (1.200, frame(s, c, 1, 2001, "A", 2000)),                # window_update
        (1.201, frame(c, s, 2001, 1, "PA", 8192, b"c" * 500)),
        (1.202, frame(s, c, 1, 2501, "A", 1500)),
        (1.203, frame(c, s, 2501, 1, "FA", 8192)),
        (1.204, frame(s, c, 1, 2502, "FA", 2000)),
        (1.205, frame(c, s, 2502, 2, "A", 8192)),
    ]


def write_pcap(path, packets):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        base = 1700000000
        for t, data in packets:
            usec = round(t * 1e6)
            out.write(struct.pack("<IIII", base + usec // 1000000, usec % 1000000, len(data),
                                  len(data)))
            out.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write_pcap(os.path.join(sys.argv[1], "tcp-zero-window-probe.pcap"), zero_window_probe())
