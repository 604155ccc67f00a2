#!/usr/bin/env python3
"""Writes the hand-built lesson captures: the textbook cases a live demo cannot
be relied on to produce.

Each capture is one conversation between 10.0.0.1 and 10.0.0.2 on Ethernet,
packet by packet, with the options Linux puts on the wire (SYN: MSS, SACK
permitted, timestamps, window scale 7; later segments: timestamps, SACK
blocks) and correct IP and TCP checksums.  The capture point is the side
named in each function's comment, so what it shows is what that side saw.
Standard library only; the pcap writer and checksum are craft-analysis.py's.

usage: craft.py DIR   (writes DIR/*.pcap; see tests/lessons/README.md)
"""
import importlib.util
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "craft_analysis", os.path.join(HERE, "..", "data", "craft-analysis.py"))
craft_analysis = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(craft_analysis)
checksum, write_pcap = craft_analysis.checksum, craft_analysis.write_pcap

A = (bytes([10, 0, 0, 1]), 40001)   # the client (or the first to send a SYN)
B = (bytes([10, 0, 0, 2]), 7000)    # the server (or the other peer)
ISN = {A: 1000000, B: 5000000}
FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}
WINDOW = 502        # 64256 bytes with window scale 7, as Linux advertises
SYN_WINDOW = 64240
TFO_COOKIE = bytes.fromhex("3b1c5a7e9d204f61")


def opt_syn(ts, tfo=False):
    """Linux's SYN options: mss 1460,sackOK,TS,nop,wscale 7 [,tfo cookie,nop,nop]."""
    opts = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" + struct.pack("!BBII", 8, 10, *ts)
    opts += b"\x01\x03\x03\x07"
    if tfo:
        opts += struct.pack("!BB", 34, 2 + len(TFO_COOKIE)) + TFO_COOKIE + b"\x01\x01"
    return opts


def opt_ts(ts, sack=()):
    """nop,nop,TS and, with blocks, nop,nop,sack (absolute edges)."""
    opts = b"\x01\x01" + struct.pack("!BBII", 8, 10, *ts)
    if sack:
        opts += b"\x01\x01" + struct.pack("!BB", 5, 2 + 8 * len(sack))
        opts += b"".join(struct.pack("!II", left, right) for left, right in sack)
    return opts


def segment(src, dst, seq, ack, flags, payload=b"", opts=b"", window=WINDOW):
    """One Ethernet frame; seq and ack are relative to each side's ISN."""
    bits = sum(FLAGS[f] for f in flags)
    seq_abs = (ISN[src] + seq) & 0xFFFFFFFF
    ack_abs = (ISN[dst] + ack) & 0xFFFFFFFF if "A" in flags else 0
    assert len(opts) % 4 == 0
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq_abs, ack_abs,
                      (5 + len(opts) // 4) << 4, bits, window, 0, 0) + opts + payload
    pseudo = src[0] + dst[0] + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     src[0], dst[0])
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp


class Clock:
    """Each side's TCP timestamp clock (1 ms a tick, as Linux) and the last one it saw."""

    def __init__(self):
        self.base = {A: 3000000, B: 7000000}
        self.seen = {A: 0, B: 0}

    def ts(self, src, dst, t):
        val = self.base[src] + int(t * 1000)
        echo = self.seen[src]
        self.seen[dst] = val
        return (val, echo)


def conversation(steps):
    """steps: (t, src, seq, ack, flags, payload, kind[, sack]); kind 'syn', 'tfo' or 'ts'."""
    clock, out = Clock(), []
    for t, src, seq, ack, flags, payload, kind, *sack in steps:
        dst = B if src == A else A
        ts = clock.ts(src, dst, t)
        if kind in ("syn", "tfo"):
            opts, window = opt_syn(ts, tfo=kind == "tfo"), SYN_WINDOW
        else:
            blocks = [((ISN[dst] + left) & 0xFFFFFFFF, (ISN[dst] + right) & 0xFFFFFFFF)
                      for left, right in (sack[0] if sack else ())]
            opts, window = opt_ts(ts, blocks), WINDOW
        out.append((t, segment(src, dst, seq, ack, flags, payload, opts, window)))
    return out


def handshake(t=0.0):
    return [(t, A, 0, 0, "S", b"", "syn"),
            (t + 0.010, B, 0, 1, "SA", b"", "syn"),
            (t + 0.020, A, 1, 1, "A", b"", "ts")]


def simultaneous_open():
    """Both peers connect() to each other at once (RFC 9293 §3.5, figure 7): two SYNs
    cross, each side answers the other's SYN with a SYN-ACK that repeats its own ISN,
    and each goes SYN_SENT -> SYN_RECEIVED -> ESTABLISHED.  Seen from 10.0.0.1."""
    return conversation([
        (0.000, A, 0, 0, "S", b"", "syn"),
        (0.004, B, 0, 0, "S", b"", "syn"),
        (0.005, A, 0, 1, "SA", b"", "syn"),
        (0.009, B, 0, 1, "SA", b"", "syn"),
        (0.020, A, 1, 1, "PA", b"hello", "ts"),
        (0.030, B, 1, 6, "A", b"", "ts"),
    ])


def simultaneous_close():
    """Both peers close() at once (RFC 9293 §3.6, figure 13): the FINs cross, each side
    goes FIN_WAIT_1 -> CLOSING on the other's FIN, then TIME_WAIT on the ACK of its
    own.  Nobody passes through CLOSE_WAIT.  Seen from 10.0.0.1."""
    return conversation(handshake() + [
        (0.030, A, 1, 1, "PA", b"ping", "ts"),
        (0.040, B, 1, 5, "PA", b"pong", "ts"),
        (0.050, A, 5, 5, "A", b"", "ts"),
        (0.100, A, 5, 5, "FA", b"", "ts"),
        (0.101, B, 5, 5, "FA", b"", "ts"),
        (0.102, A, 6, 6, "A", b"", "ts"),
        (0.103, B, 6, 6, "A", b"", "ts"),
    ])


def syn_backoff():
    """A SYN nobody answers (a firewall drops it): Linux resends it after 1 s, then
    doubles the wait, 2 s, 4 s (RFC 6298 §5.5).  Seen from the client; the wire says
    nothing about the server, not even whether anything listens."""
    return conversation([(t, A, 0, 0, "S", b"", "syn") for t in (0.0, 1.0, 3.0, 7.0)])


def rst_after_close():
    """The server close()s with the client's request answered; the client, half-open,
    still sends, and the server's kernel, whose socket no longer receives, answers
    the data with RST (RFC 1122 §4.2.2.13: data received after CLOSE; Linux's
    tcp_rcv_state_process in FIN_WAIT_2), its seq the data's ACK and no ACK flag
    (RFC 9293 §3.5.2, reset generation).  Seen from the client."""
    return conversation(handshake() + [
        (0.030, A, 1, 1, "PA", b"GET", "ts"),
        (0.040, B, 1, 4, "PA", b"bye", "ts"),
        (0.041, B, 4, 4, "FA", b"", "ts"),
        (0.050, A, 4, 5, "A", b"", "ts"),
        (0.060, A, 4, 5, "PA", b"more", "ts"),
        (0.061, B, 5, 0, "R", b"", "ts"),
    ])


def sack_fast_retransmit():
    """Five segments in flight, the second lost after the capture point (seen from the
    sender).  Each later segment draws a duplicate ACK 1001 whose SACK block grows;
    after the third the sender resends 1001-2000 without waiting for a timer
    (RFC 5681 §3.2, RFC 6675), and the next ACK covers everything."""
    data = [(0.030 + 0.0001 * k, A, 1 + 1000 * k, 1, "A", bytes([0x61 + k]) * 1000, "ts")
            for k in range(5)]
    return conversation(handshake() + data + [
        (0.040, B, 1, 1001, "A", b"", "ts"),
        (0.0401, B, 1, 1001, "A", b"", "ts", [(2001, 3001)]),
        (0.0402, B, 1, 1001, "A", b"", "ts", [(2001, 4001)]),
        (0.0403, B, 1, 1001, "A", b"", "ts", [(2001, 5001)]),
        (0.0404, A, 1001, 1, "A", b"b" * 1000, "ts"),
        (0.050, B, 1, 5001, "A", b"", "ts"),
    ])


def dsack():
    """The server's ACK of two segments is lost before the capture point (seen from
    the sender), so the sender's retransmission timer resends the first one; the
    receiver already had it and says so with a D-SACK (RFC 2883): a SACK block
    below the cumulative ACK.  The resend was unneeded and nothing is missing."""
    return conversation(handshake() + [
        (0.030, A, 1, 1, "PA", b"a" * 1000, "ts"),
        (0.0301, A, 1001, 1, "PA", b"b" * 1000, "ts"),
        (0.240, A, 1, 1, "PA", b"a" * 1000, "ts"),
        (0.250, B, 1, 2001, "A", b"", "ts", [(1, 1001)]),
        (0.300, A, 2001, 1, "FA", b"", "ts"),
        (0.310, B, 1, 2002, "FA", b"", "ts"),
        (0.320, A, 2002, 2, "A", b"", "ts"),
    ])


def tfo():
    """TCP Fast Open (RFC 7413) with a cookie from an earlier connection: the SYN
    carries the cookie option and 4 bytes of data, the SYN-ACK acknowledges the SYN
    and the data (ACK 5), and the server's reply goes out before the handshake's
    third packet.  Seen from the client."""
    return conversation([
        (0.000, A, 0, 0, "S", b"ping", "tfo"),
        (0.010, B, 0, 5, "SA", b"", "syn"),
        (0.011, B, 1, 5, "PA", b"PONG", "ts"),
        (0.020, A, 5, 1, "A", b"", "ts"),
        (0.021, A, 5, 5, "A", b"", "ts"),
        (0.030, A, 5, 5, "FA", b"", "ts"),
        (0.040, B, 5, 6, "FA", b"", "ts"),
        (0.041, A, 6, 6, "A", b"", "ts"),
    ])


CAPTURES = {
    "simultaneous-open": simultaneous_open,
    "simultaneous-close": simultaneous_close,
    "syn-backoff": syn_backoff,
    "rst-after-close": rst_after_close,
    "sack-fast-retransmit": sack_fast_retransmit,
    "dsack": dsack,
    "tfo": tfo,
}

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for name, build in CAPTURES.items():
        write_pcap(os.path.join(sys.argv[1], name + ".pcap"), build())
        print("wrote %s.pcap" % name)
