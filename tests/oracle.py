#!/usr/bin/env python3
"""The tshark oracle: sockscope and tshark must agree, packet by packet.

For every capture in captures/ and tests/data/ (not tests/data/malformed/), runs
`sockscope trace` and `tshark -T json` and compares, per TCP/UDP packet: ports,
TCP flags, relative seq/ack, payload length, window field and the set of
tcp.analysis.* flags.  Under a tunnel both sides compare the innermost TCP/UDP.  Each capture is one test; every difference is printed.
usage: tests/oracle.py BUILD/sockscope
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

FLAGS = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
         "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window",
         "zero_window_probe", "zero_window_probe_ack", "window_full", "window_update",
         "keep_alive", "keep_alive_ack", "reused_ports"]
FLAG_BITS = {"FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20,
             "ECE": 0x40, "CWR": 0x80}


def pairs_hook(pairs):
    """Keeps repeated keys (tshark repeats them) as lists."""
    obj = {}
    for key, value in pairs:
        obj.setdefault(key, []).append(value)
    return obj


def flatten(obj, out):
    for key, values in obj.items():
        for value in values:
            if isinstance(value, dict):
                flatten(value, out)
            out.setdefault(key, value)
    return out


# Layers that start something new inside a transport: a tunnel, a link, a network.
ENCLOSING = {"vxlan", "geneve", "gre", "mpls", "pppoes", "eth", "ip", "ipv6", "arp"}


def innermost_transport(protocols):
    """tcp, udp or None: the transport right after the innermost IP header, as
    frame.protocols lists them (eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp).
    Past ICMP come quoted headers, which are not the packet's transport."""
    transport = None
    for proto in protocols.split(":"):
        if proto in ("icmp", "icmpv6"):
            break
        if proto in ENCLOSING:
            transport = None
        elif proto in ("tcp", "udp") and transport is None:
            transport = proto
    return transport


def tshark_frames(path):
    text = subprocess.run(["tshark", "-n", "-r", path, "-T", "json"], capture_output=True,
                          text=True, check=True).stdout
    frames = {}
    for packet in json.loads(text, object_pairs_hook=pairs_hook):
        layers = packet["_source"][0]["layers"][0]
        frame = flatten(layers["frame"][0], {})
        number = int(frame["frame.number"])
        fields = {}
        # Top level only (not the headers ICMP quotes); under tunnels the innermost
        # transport, which is the last layer of its name (outer UDP comes first).
        proto = innermost_transport(frame["frame.protocols"])
        if proto in layers:
            fields[proto] = flatten(layers[proto][-1], {})
        frames[number] = fields
    return frames


def sockscope_frames(binary, path):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([binary, "trace", "-q", "-r", path, "-o", out.name], check=False)
        doc = json.load(open(out.name))
    return {e["frame"]: e for e in doc["events"] if e["kind"] == "packet"}


def compare_tcp(ours, theirs):
    tcp = ours.get("tcp")
    if tcp is None:
        return ["tshark sees TCP, sockscope does not"]
    flags = sum(FLAG_BITS[f] for f in tcp["flags"])
    want = {
        "src port": (ours["src"]["port"], int(theirs["tcp.srcport"])),
        "dst port": (ours["dst"]["port"], int(theirs["tcp.dstport"])),
        "flags": (flags, int(theirs["tcp.flags"], 16) & 0xff),
        "seq_rel": (tcp.get("seq_rel"), int(theirs["tcp.seq"])),
        "len": (tcp["len"], int(theirs["tcp.len"])),
        "win": (tcp["win"], int(theirs["tcp.window_size_value"])),
    }
    if flags & FLAG_BITS["ACK"]:
        want["ack_rel"] = (tcp.get("ack_rel"), int(theirs["tcp.ack"]))
    flagged = {f for f in FLAGS if "tcp.analysis." + f in theirs}
    # Deliberate difference (docs/analysis.md, "Known differences"): tshark shows a
    # tcp.analysis.retransmission item under every fast or spurious retransmission as well;
    # its analysis, like ours, sets one flag, and sockscope lists only that one.
    if flagged & {"fast_retransmission", "spurious_retransmission"}:
        flagged.discard("retransmission")
    want["analysis"] = (sorted(ours.get("analysis", [])), sorted(flagged))
    return [f"{k}: sockscope {a!r}, tshark {b!r}" for k, (a, b) in want.items() if a != b]


def compare_udp(ours, theirs):
    if "udp" not in ours:
        return ["tshark sees UDP, sockscope does not"]
    want = {
        "src port": (ours["src"]["port"], int(theirs["udp.srcport"])),
        "dst port": (ours["dst"]["port"], int(theirs["udp.dstport"])),
        # the header's length field: sockscope's len_field when the field is not what
        # the datagram carries (a lying field, a jumbogram's 0), else len + 8
        "length field": (ours["udp"].get("len_field", ours["udp"]["len"] + 8),
                         int(theirs["udp.length"])),
    }
    return [f"{k}: sockscope {a!r}, tshark {b!r}" for k, (a, b) in want.items() if a != b]


def check_capture(binary, path):
    ours, theirs = sockscope_frames(binary, path), tshark_frames(path)
    problems = []
    if sorted(ours) != sorted(theirs):
        problems.append(f"frames: sockscope {len(ours)}, tshark {len(theirs)}")
    for number, fields in sorted(theirs.items()):
        if number not in ours:
            continue
        if "tcp" in fields:
            diffs = compare_tcp(ours[number], fields["tcp"])
        elif "udp" in fields:
            diffs = compare_udp(ours[number], fields["udp"])
        else:
            continue
        problems += [f"frame {number}: {d}" for d in diffs]
    return problems


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/sockscope"
    paths = sorted(p for pattern in ("captures/*.pcap*", "tests/data/*.pcap*")
                   for p in glob.glob(pattern))
    passed = failed = 0
    for path in paths:
        problems = check_capture(binary, path)
        if problems:
            failed += 1
            print(f"FAIL oracle {path}:")
            for line in problems[:15]:
                print("   ", line)
            if len(problems) > 15:
                print(f"    ... and {len(problems) - 15} more")
        else:
            passed += 1
    print(f"oracle: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    sys.exit(main())
