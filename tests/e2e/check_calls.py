#!/usr/bin/env python3
"""Checks a timeline of traced socket calls against the wire (tests/e2e/calls.sh).

usage: check_calls.py textbook TIMELINE TCP_PORT UDP_PORT
       check_calls.py curl TIMELINE HTTP_PORT
Prints one "ok"/"FAIL" line per check; exits 1 when any failed.
"""
import json
import re
import sys

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def start(e):
    return e["t"] - e["duration"]


def load(path):
    with open(path) as f:
        d = json.load(f)
    apps = [e for e in d["events"] if e["kind"] == "app"]
    packets = [e for e in d["events"] if e["kind"] == "packet"]
    return d, apps, packets


def flow_on_port(d, proto, port):
    for f in d["flows"]:
        if f["proto"] == proto and f["server"]["port"] == port:
            return f["id"]
    return None


def calls_on(apps, flow):
    return [e for e in apps if e.get("flow") == flow]


def has_process_fields(e):
    return (isinstance(e.get("pid"), int) and e["pid"] > 0 and isinstance(e.get("tid"), int)
            and e.get("comm") and "fd" in e)


def check_every_call(apps, flow, names, who):
    on = calls_on(apps, flow)
    for name in names:
        hits = [e for e in on if e["call"] in name.split("|")]
        check(hits and all(has_process_fields(e) for e in hits),
              "%s: %s is on flow %s with its pid, tid, comm and fd" % (who, name, flow))


def first_packet(packets, flow, pred):
    for p in packets:
        if p.get("flow") == flow and pred(p):
            return p
    return None


def payload_from(packets, flow, port_from):
    return first_packet(packets, flow, lambda p: p["src"]["port"] == port_from and
                        p.get("payload", {}).get("len", 0) > 0)


def check_tcp(d, apps, packets, port):
    flow = flow_on_port(d, "tcp", port)
    check(flow is not None, "tcp: a flow to port %d" % port)
    if flow is None:
        return
    check_every_call(apps, flow, ["accept4|accept", "connect", "send", "recv", "close"], "tcp")
    # socket, bind and listen come before any address is on the wire for the flow
    server_pid = next((e["pid"] for e in apps if e["call"] in ("accept", "accept4") and
                       e.get("flow") == flow), None)
    for name in ("socket", "bind", "listen"):
        check(any(e["call"] == name and e["pid"] == server_pid for e in apps),
              "tcp: the server's %s appears with its pid" % name)
    check(any(e["call"] == "bind" and e["pid"] == server_pid and
              e.get("local", {}).get("port") == port for e in apps),
          "tcp: bind names the server's local address 127.0.0.1:%d" % port)
    connect = next(e for e in apps if e["call"] == "connect" and e.get("flow") == flow)
    syn = first_packet(packets, flow, lambda p: p.get("tcp", {}).get("flags") == ["SYN"])
    synack = first_packet(packets, flow, lambda p: sorted(p.get("tcp", {}).get("flags", [])) == ["ACK", "SYN"])
    check(syn and synack and start(connect) <= syn["t"] and synack["t"] <= connect["t"],
          "tcp: connect() %.6f..%.6f encloses the SYN %s and SYN-ACK %s" %
          (start(connect), connect["t"], syn and syn["t"], synack and synack["t"]))
    check(connect["pid"] != server_pid, "tcp: client and server calls carry different pids")
    client_port = connect.get("local", {}).get("port")
    for e in calls_on(apps, flow):
        if e["call"] != "send":
            continue
        sender_port = client_port if e["pid"] == connect["pid"] else port
        seg = payload_from(packets, flow, sender_port)
        check(seg is not None and start(e) < seg["t"],
              "tcp: send() by pid %d starts (%.6f) before its segment (%s)" %
              (e["pid"], start(e), seg and seg["t"]))
        text = e["args"]
        check(seg is not None and seg["payload"]["text"][:20] in text,
              "tcp: send()'s data preview shows the segment's bytes: %s" % text)


def check_udp(d, apps, packets, port):
    flow = flow_on_port(d, "udp", port)
    check(flow is not None, "udp: a flow to port %d" % port)
    if flow is None:
        return
    check_every_call(apps, flow, ["sendto", "recvfrom"], "udp")
    server_recv = [e for e in calls_on(apps, flow) if e["call"] == "recvfrom" and
                   e.get("local", {}).get("port") == port]
    datagram = first_packet(packets, flow, lambda p: p["dst"]["port"] == port)
    check(server_recv and datagram, "udp: the server's recvfrom and the client's datagram")
    if server_recv and datagram:
        m = re.search(r" from (\S+)$", server_recv[0]["args"])
        shown = "%s:%d" % (datagram["src"]["addr"], datagram["src"]["port"])
        check(m is not None and m.group(1) == shown,
              "udp: recvfrom reports the client's address %s as the datagram shows it (%s)" %
              (m and m.group(1), shown))
    client_pid = next((e["pid"] for e in calls_on(apps, flow) if e["call"] == "sendto" and
                       e.get("remote", {}).get("port") == port), None)
    server_pid = next((e["pid"] for e in server_recv), None)
    for name in ("socket", "bind"):
        check(any(e["call"] == name and e["pid"] == server_pid for e in apps),
              "udp: the server's %s appears with its pid" % name)
    check(any(e["call"] == "socket" and e["pid"] == client_pid for e in apps),
          "udp: the client's socket appears with its pid")
    check(any(e["call"] == "close" and e["pid"] == client_pid for e in apps),
          "udp: the client's close appears with its pid")
    sendto = next((e for e in calls_on(apps, flow) if e["pid"] == client_pid and e["call"] == "sendto"), None)
    check(sendto and datagram and start(sendto) < datagram["t"],
          "udp: sendto() starts before its datagram")


def check_source(d, via=None):
    calls = d["source"].get("calls", {})
    check(calls.get("traced") is True and calls.get("count", 0) > 0,
          "source.calls says the calls were traced: %s" % calls)
    if via:
        check(calls.get("via") == via, "source.calls.via is %s: %s" % (via, calls.get("via")))


def main():
    mode, path = sys.argv[1], sys.argv[2]
    d, apps, packets = load(path)
    check_source(d, sys.argv[5] if mode == "textbook" and len(sys.argv) > 5 else None)
    if mode == "textbook":
        check_tcp(d, apps, packets, int(sys.argv[3]))
        check_udp(d, apps, packets, int(sys.argv[4]))
    elif mode == "curl":
        port = int(sys.argv[3])
        flow = flow_on_port(d, "tcp", port)
        check(flow is not None, "curl: a flow to port %d" % port)
        curl = [e for e in calls_on(apps, flow) if e["comm"] == "curl"]
        server = [e for e in calls_on(apps, flow) if e["comm"] != "curl"]
        check(any(e["call"] == "connect" for e in curl), "curl: connect() on the flow")
        check(any(e["call"] in ("send", "sendto", "write", "sendmsg") and "GET /" in e["args"]
                  for e in curl), "curl: its request GET / is a send on the flow")
        check(any(e["call"] == "accept" or e["call"] == "accept4" for e in server),
              "curl: the http.server's accept is on the flow")
        check(any(e["call"] in ("send", "sendto", "sendall", "write", "sendmsg") and "HTTP/1." in e["args"]
                  for e in server), "curl: the server's response is a send on the flow")
    print("check_calls: %s" % ("all passed" if failures == 0 else "%d failed" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
