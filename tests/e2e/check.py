#!/usr/bin/env python3
"""check.py DEMO TIMELINE.json - asserts the wire story of one demo.

Prints one line per failed expectation and exits 1 if there was any.  Each
check reads only the timeline (docs/timeline.md): packets, app calls, notes.
"""
import json
import sys


def packets(d):
    return [e for e in d["events"] if e["kind"] == "packet"]


def calls(d, name=None, side=None):
    return [e for e in d["events"] if e["kind"] == "app"
            and (name is None or e["call"] == name)
            and (side is None or e["side"] == side)]


def notes(d):
    return [e for e in d["events"] if e["kind"] == "note"]


def flags(p):
    return set((p.get("tcp") or {}).get("flags") or [])


def index(d, event):
    return d["events"].index(event)


def payload_text(p):
    return ((p.get("payload") or {}).get("text")) or ""


def analysis(p):
    a = p.get("analysis") or []
    return set(a if isinstance(a, list) else a.keys())


def handshake(d):
    """The first flow's SYN, SYN-ACK, ACK packets, in order."""
    tcp = [p for p in packets(d) if p.get("tcp")]
    return [next((p for p in tcp if p.get("handshake") == n), None) for n in (1, 2, 3)]


def check_tcp_upper(d, fail, version=4):
    syn, synack, ack = handshake(d)
    if not (syn and synack and ack):
        return fail("no complete three-way handshake")
    if flags(syn) != {"SYN"} or flags(synack) != {"SYN", "ACK"} or "ACK" not in flags(ack):
        fail("handshake flags are %s, %s, %s" % (flags(syn), flags(synack), flags(ack)))
    if not index(d, syn) < index(d, synack) < index(d, ack):
        fail("handshake packets out of order")
    data = [p for p in packets(d) if (p.get("tcp") or {}).get("len", 0) > 0]
    if not data or index(d, data[0]) < index(d, ack):
        fail("no data after the handshake")
    if syn["ip"]["version"] != version:
        fail("IP version %s, expected %d" % (syn["ip"]["version"], version))
    connect = calls(d, "connect", "client")
    accept = calls(d, "accept", "server")
    if not connect or index(d, connect[0]) < index(d, synack):
        fail("connect() did not return after the SYN-ACK")
    if not accept or index(d, accept[0]) < index(d, ack):
        fail("accept() did not return after the handshake's third packet")
    if connect and connect[0].get("flow") != syn.get("flow"):
        fail("connect() is not tied to the handshake's flow")
    fins = [p for p in packets(d) if "FIN" in flags(p)]
    if len(fins) < 2:
        fail("expected a FIN each way, saw %d" % len(fins))


def check_tcp_ipv6(d, fail):
    check_tcp_upper(d, fail, version=6)


def check_udp_upper(d, fail, version=4):
    udp = [p for p in packets(d) if p.get("udp")]
    c2s = [p for p in udp if p["dir"] == "c2s"]
    s2c = [p for p in udp if p["dir"] == "s2c"]
    if len(c2s) != 3 or len(s2c) != 3:
        fail("expected 3 datagrams each way, saw %d and %d" % (len(c2s), len(s2c)))
    for q, a in zip(c2s, s2c):
        if payload_text(a) != payload_text(q).upper():
            fail("reply %r is not %r in upper case" % (payload_text(a), payload_text(q)))
    if udp and udp[0]["ip"]["version"] != version:
        fail("IP version %s, expected %d" % (udp[0]["ip"]["version"], version))
    if any(c.get("flow") is None for c in calls(d, "recvfrom")):
        fail("a recvfrom is not tied to the flow")


def check_udp_ipv6(d, fail):
    check_udp_upper(d, fail, version=6)


def check_tcp_concurrent(d, fail):
    syns = [p for p in packets(d) if p.get("handshake") == 1]
    ports = {p["src"]["port"] for p in syns}
    if len(ports) != 3:
        fail("expected 3 distinct client ports, saw %s" % sorted(ports))
    if len({p["dst"]["port"] for p in syns}) != 1:
        fail("the clients did not all connect to one server port")
    if len(d["flows"]) != 3:
        fail("expected 3 flows, saw %d" % len(d["flows"]))


def check_udp_timeout(d, fail):
    sent = [p for p in packets(d) if p.get("udp") and payload_text(p) == "message 1"]
    if len(sent) != 2:
        fail("expected \"message 1\" twice on the wire (a resend), saw %d" % len(sent))
    timeouts = [c for c in calls(d, "recvfrom", "client") if c.get("errno") == "EAGAIN"]
    if not timeouts:
        return fail("no recvfrom timed out with EAGAIN")
    if len(sent) == 2 and not index(d, sent[0]) < index(d, timeouts[0]) < index(d, sent[1]):
        fail("the resend does not follow the timeout")
    if not any("purpose" in n["text"] for n in notes(d)):
        fail("no note says the server drops a datagram on purpose")


def check_tcp_refused(d, fail):
    rst = [p for p in packets(d) if "RST" in flags(p)]
    syn = [p for p in packets(d) if flags(p) == {"SYN"}]
    if not syn or not rst:
        return fail("expected SYN then RST, saw %d SYN and %d RST" % (len(syn), len(rst)))
    if index(d, rst[0]) < index(d, syn[0]):
        fail("RST before SYN")
    connect = calls(d, "connect")
    if not connect or connect[0].get("errno") != "ECONNREFUSED":
        fail("connect() did not fail with ECONNREFUSED")
    elif index(d, connect[0]) < index(d, rst[0]):
        fail("connect() returned before the RST")


def check_udp_unreachable(d, fail):
    icmp = [p for p in packets(d) if (p.get("icmp") or {}).get("type") == 3]
    if not icmp:
        return fail("no ICMP destination unreachable")
    udp_flows = {p["flow"] for p in packets(d) if p.get("udp")}
    quoted = (icmp[0]["icmp"].get("quoted") or {}).get("flow")
    if quoted not in udp_flows:
        fail("the ICMP error is not tied to the UDP flow (quoted flow %r)" % quoted)
    if icmp[0]["icmp"].get("code") != 3:
        fail("ICMP code %r, expected 3 (port unreachable)" % icmp[0]["icmp"].get("code"))
    refused = [c for c in calls(d) if c.get("errno") == "ECONNREFUSED"]
    if not refused or index(d, refused[0]) < index(d, icmp[0]):
        fail("no call failed with ECONNREFUSED after the ICMP error")


def check_nonblocking(d, fail):
    if not any(c.get("errno") == "EINPROGRESS" for c in calls(d, "connect")):
        fail("connect() did not report EINPROGRESS")
    if not any(c.get("errno") == "EAGAIN" for c in calls(d, "recv", "client")):
        fail("recv() did not report EAGAIN")
    _, synack, _ = handshake(d)
    polls = calls(d, "poll", "client")
    if not polls or not synack or index(d, polls[0]) < index(d, synack):
        fail("poll for POLLOUT did not return after the SYN-ACK")


def check_stream_vs_datagram(d, fail):
    data = [p for p in packets(d) if (p.get("tcp") or {}).get("len", 0) > 0
            and p["dir"] == "c2s"]
    if len(data) != 3:
        fail("expected 3 TCP data segments, saw %d" % len(data))
    reads = [c for c in calls(d, "recv", "server") if c["ret"] > 0]
    if len(reads) != 1 or reads[0]["ret"] != 13:
        fail("expected one recv of 13 bytes, saw %s" % [c["ret"] for c in reads])
    grams = [c for c in calls(d, "recvfrom", "server") if c["ret"] > 0]
    if [c["ret"] for c in grams] != [4, 4, 5]:
        fail("expected recvfrom results 4, 4, 5, saw %s" % [c["ret"] for c in grams])


def check_backlog(d, fail):
    syns = {}
    for p in packets(d):
        if flags(p) == {"SYN"}:
            syns.setdefault(p["src"]["port"], []).append(p)
    retried = [ps for ps in syns.values() if len(ps) > 1]
    if len(syns) != 3:
        fail("expected 3 clients, saw %d" % len(syns))
    if not retried:
        return fail("no client sent its SYN again")
    gap = retried[0][1]["t"] - retried[0][0]["t"]
    if not 0.5 < gap < 3.5:
        fail("SYN retry after %.3f s, expected about 1 s" % gap)


def check_raw_icmp(d, fail):
    types = [(p.get("icmp") or {}).get("type") for p in packets(d)]
    if 8 not in types or 0 not in types:
        fail("expected an echo request (8) and reply (0), saw %s" % types)
    elif types.index(8) > types.index(0):
        fail("the reply came before the request")


def check_unix_seqpacket(d, fail):
    if packets(d):
        fail("a Unix-domain socket put %d packets on the wire" % len(packets(d)))
    if len([c for c in calls(d, "recv", "server") if c["ret"] > 0]) != 2:
        fail("the two records did not arrive as two reads")


def check_tcp_teardown(d, fail):
    if len(d["flows"]) != 3:
        fail("expected 3 connections, saw %d" % len(d["flows"]))
    by_flow = {}
    for p in packets(d):
        by_flow.setdefault(p["flow"], []).append(p)
    endings = []
    for ps in by_flow.values():
        f = set().union(*(flags(p) for p in ps))
        endings.append("RST" if "RST" in f else "FIN" if "FIN" in f else "?")
    if sorted(endings) != ["FIN", "FIN", "RST"]:
        fail("expected two FIN endings and one RST, saw %s" % endings)
    if not any(c.get("errno") == "ECONNRESET" for c in calls(d, "recv", "server")):
        fail("the server's recv did not fail with ECONNRESET")


def check_tcp_loss(d, fail):
    big = [p for p in packets(d) if (p.get("tcp") or {}).get("len", 0) >= 1000]
    if len(big) < 2:
        return fail("expected the data segment and its retransmission, saw %d" % len(big))
    if not any("retransmission" in a for a in analysis(big[1])):
        fail("the second copy is not flagged as a retransmission: %s" % analysis(big[1]))
    gap = big[1]["t"] - big[0]["t"]
    if gap < 0.005:
        fail("the retransmission came after %.4f s: no timer" % gap)


def check_tcp_fast_retransmit(d, fail):
    big = [p for p in packets(d) if (p.get("tcp") or {}).get("len", 0) >= 1000
           and p["dir"] == "c2s"]
    fast = [p for p in big if "fast_retransmission" in analysis(p)]
    if len(big) < 11 or not fast:
        return fail("expected ten segments and a fast retransmission, saw %d segments, "
                    "%d fast retransmissions" % (len(big), len(fast)))
    dups = [p for p in packets(d) if "duplicate_ack" in analysis(p)
            and index(d, p) < index(d, fast[0])]
    if len(dups) < 3:
        fail("only %d duplicate ACKs before the fast retransmission" % len(dups))
    first = next(p for p in big if p["tcp"]["seq"] == fast[0]["tcp"]["seq"])
    if fast[0]["t"] - first["t"] >= 0.2:
        fail("the resend came %.3f s after the original: a timer, not duplicate ACKs"
             % (fast[0]["t"] - first["t"]))
    if [c["ret"] for c in calls(d, "send", "client")] != [sum(p["tcp"]["len"] for p in big
                                                             if p is not fast[0])]:
        fail("the client's one send() does not match the bytes on the wire")


def check_tcp_flow_control(d, fail):
    s2c = [p for p in packets(d) if p.get("dir") == "s2c" and p.get("tcp")]
    zero = [p for p in s2c if p["tcp"].get("win_scaled", p["tcp"].get("win")) == 0]
    if not zero:
        return fail("the server never advertised a zero window")
    later = [p for p in s2c if index(d, p) > index(d, zero[0])
             and p["tcp"].get("win_scaled", p["tcp"].get("win")) > 0]
    if not later:
        fail("the window never reopened")
    sent = sum((p.get("tcp") or {}).get("len", 0) for p in packets(d) if p.get("dir") == "c2s")
    if sent < 32768:
        fail("the client's 32768 bytes did not all cross: %d" % sent)
    if not any(c["ret"] > 0 and "32768" in c["args"] for c in calls(d, "recv", "client")) and \
            not any("got 32768" in payload_text(p) for p in packets(d)):
        fail("the server did not report 32768 bytes")


def check_tcp_bulk(d, fail):
    data = [p for p in packets(d) if p.get("dir") == "c2s" and (p.get("tcp") or {}).get("len", 0) > 0]
    if sum(p["tcp"]["len"] for p in data) < 2 * 1024 * 1024:
        fail("less than 2 MiB of data crossed")
    resent = [p for p in data if any("retransmission" in a for a in analysis(p))]
    if not resent:
        fail("no retransmission after the drops")
    if not any("Mbit/s" in n["text"] for n in notes(d)):
        fail("no throughput note")


def main():
    name, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        d = json.load(f)
    failures = []
    check = globals().get("check_" + name.replace("-", "_"))
    if check is None:
        print("%s: no check written" % name)
        return 1
    if (d.get("demo") or {}).get("name") != name:
        failures.append("timeline names demo %r" % (d.get("demo") or {}).get("name"))
    check(d, failures.append)
    for line in failures:
        print("%s: %s" % (name, line))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
