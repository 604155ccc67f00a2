#!/usr/bin/env python3
"""kernel.py DEMO TIMELINE.json - asserts the kernel's side of one demo's story.

The `kernel`, `counters` and kernel `note` events (docs/timeline.md): every
TCP connection that completed its handshake has kernel samples for both of
its sockets, every listener has one; the demos whose story is the kernel's
(backlog, tcp-loss, tcp-flow-control, tcp-bulk) show it.  Prints one line per
failed expectation and exits 1 if there was any.
"""
import json
import re
import sys


def events(d, kind):
    return [e for e in d["events"] if e["kind"] == kind]


def kernel(d, side=None):
    return [e for e in events(d, "kernel") if side is None or e["side"] == side]


def deltas(d, name):
    return [e for e in events(d, "counters") if e["delta"].get(name, 0) > 0]


def kernel_notes(d, word):
    return [e for e in events(d, "note") if e.get("side") == "kernel" and word in e["text"]]


def info(e, field):
    return (e.get("tcp_info") or {}).get(field)


def check_sockets(d, fail):
    """Both sockets of each established connection, and each listener, were sampled."""
    tcp = any(f.get("proto") == "tcp" for f in d["flows"])
    listened = any(c["call"] == "listen" and c["ret"] == 0 for c in events(d, "app"))
    if tcp and listened and not kernel(d, "listener"):
        fail("a listen() succeeded but no listener was sampled")
    for flow in d["flows"]:
        if flow.get("proto") != "tcp":
            continue
        packets = [e for e in events(d, "packet") if e.get("flow") == flow["id"]]
        if not any(p.get("handshake") == 3 for p in packets):
            continue  # refused or never finished: the socket may not outlive a sample
        sides = {e["side"] for e in kernel(d) if e.get("flow") == flow["id"]}
        if not {"client", "server"} <= sides:
            fail("flow %s: kernel samples for %s, expected client and server"
                 % (flow["id"], sorted(sides) or "no socket"))


def check_backlog(d, fail):
    listeners = kernel(d, "listener")
    full = [e for e in listeners if e["queue"]["accept"] >= e["queue"]["backlog"] > 0]
    if not full:
        fail("the listener's accept queue never reached its backlog: %s"
             % [e["queue"] for e in listeners])
    overflow = deltas(d, "TcpExtListenOverflows")
    if not overflow:
        return fail("no TcpExtListenOverflows delta")
    syns = [p for p in events(d, "packet") if set((p.get("tcp") or {}).get("flags") or []) == {"SYN"}]
    if not any(0 <= overflow[0]["t"] - p["t"] < 0.1 for p in syns):
        fail("the ListenOverflows delta at t=%.3f follows no SYN within 0.1 s" % overflow[0]["t"])
    if not kernel_notes(d, "ListenOverflows +1"):
        fail("no note cites ListenOverflows")


def check_tcp_loss(d, fail):
    timers = deltas(d, "TcpExtTCPTimeouts") + deltas(d, "TcpExtTCPLossProbes")
    if not timers:
        return fail("neither TCPTimeouts nor TCPLossProbes moved")
    cited = [n for n in kernel_notes(d, "RTO was") if re.search(r"RTO was (\d+\.\d+) s", n["text"])]
    if not cited:
        return fail("no note gives the kernel's RTO")
    rto = float(re.search(r"RTO was (\d+\.\d+) s", cited[0]["text"]).group(1))
    if not 0.2 <= rto < 3:
        fail("the kernel's RTO was %.3f s, expected at least Linux's minimum of 0.2 s" % rto)


def check_tcp_flow_control(d, fail):
    server = [e for e in kernel(d, "server") if info(e, "rcv_wnd") is not None]
    client = [e for e in kernel(d, "client") if info(e, "snd_wnd") is not None]
    closed = [e for e in server if info(e, "rcv_wnd") == 0]
    if not closed:
        return fail("the server's rcv_wnd never reached 0")
    if not any(info(e, "snd_wnd") == 0 for e in client):
        fail("the client never saw snd_wnd 0")
    if not any(e["t"] > closed[0]["t"] and info(e, "rcv_wnd") > 0 for e in server):
        fail("the window never reopened")
    if not deltas(d, "TcpExtTCPToZeroWindowAdv"):
        fail("no TcpExtTCPToZeroWindowAdv delta")
    if not deltas(d, "TcpExtTCPWinProbe"):
        fail("no TcpExtTCPWinProbe delta: no zero-window probe")
    if not kernel_notes(d, "TCPWinProbe"):
        fail("no note cites TCPWinProbe")


def check_tcp_bulk(d, fail):
    client = [e for e in kernel(d, "client") if info(e, "snd_cwnd") is not None]
    if not client:
        return fail("no kernel sample of the sender")
    if max(info(e, "snd_cwnd") for e in client) < 40:
        fail("cwnd never grew past 40 segments: no slow start seen")
    if not any(info(e, "ca_state") == "recovery" for e in client):
        fail("the sender was never seen in fast recovery")
    if not any(info(e, "snd_ssthresh") < 1 << 30 for e in client):
        fail("ssthresh was never set")
    if not (deltas(d, "TcpExtTCPFastRetrans") or deltas(d, "TcpExtTCPSackRecovery")):
        fail("no fast retransmit or SACK recovery counted")


def main():
    name, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        d = json.load(f)
    failures = []
    src = d.get("source") or {}
    kern = src.get("kernel")
    if kern is None:
        print("%s: source.kernel missing: the kernel was not sampled" % name)
        return 1
    if kern.get("sock_diag") != "ok":
        print("%s: sock_diag gave nothing: %s" % (name, kern.get("note")))
        return 1
    if src.get("counters_scope") not in ("demo namespace", "machine"):
        failures.append("source.counters_scope is %r" % src.get("counters_scope"))
    check_sockets(d, failures.append)
    check = globals().get("check_" + name.replace("-", "_"))
    if check:
        check(d, failures.append)
    for line in failures:
        print("%s: kernel: %s" % (name, line))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
