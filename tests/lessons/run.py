#!/usr/bin/env python3
"""The lessons suite: what each demo and each textbook case teaches, asserted on
the timeline's own fields (docs/timeline.md).

  (a) every demo timeline in captures/: the claims of its registry `teaches`
      line (the demo's wire story from tests/e2e/check.py, plus the lesson's
      own fields below);
  (b) every hand-built capture in tests/data/lessons/ (tests/lessons/craft.py),
      traced with sockscope: the states, analysis_detail and key sentences;
  (c) sentences the issue found false: never in any timeline (captures/,
      tests/golden/ and the traces of (b)).

Every expectation is data in the tables below; the field shapes the checks
read are in SHAPE, one place.  The hand-built captures are also compared with
tshark packet by packet (tests/oracle.py), so the flags asserted are
Wireshark's.  Prints one line per assertion and "lessons: N passed, N failed,
N skipped" last.

usage: tests/lessons/run.py BUILD/sockscope [CAPTURES-DIR]
  CAPTURES-DIR (default captures/) holds the demo timelines to read, e.g. the
  output of `sockscope demo NAME -o DIR` for a fresh recording.
"""
import glob
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


e2e = _load("e2e_check", os.path.join(ROOT, "tests", "e2e", "check.py"))
oracle = _load("oracle", os.path.join(ROOT, "tests", "oracle.py"))
packets, calls, notes, flags = e2e.packets, e2e.calls, e2e.notes, e2e.flags

# ---------------------------------------------------------------------------
# SHAPE: where the fields live.  The model's new fields (analysis_detail, the
# UNKNOWN state, the retransmission causes) are read only through these.
SHAPE = {
    "unknown": "UNKNOWN",          # the state the wire cannot tell
    "after_tolerance": 0.0005,     # seconds; `after` is rounded to microseconds
    # Causes of a resend driven by a timer with one segment in flight.  Linux arms
    # its tail-loss-probe timer at the RTO's instant then (2*SRTT + 200 ms, capped
    # by the RTO), so a lone lost segment is first resent by a TLP ~200 ms later:
    # in tcp-loss's namespace the kernel counts TCPLossProbes 1, TCPTimeouts 0.
    # The wire cannot tell the two timers apart there: either is a timer, or
    # the cause is "unknown" with "timer": "rto or tlp" saying so.
    "timer_causes": ("rto", "tlp"),
}


def detail(p, flag):
    """analysis_detail[flag] of a packet: {"frame": N, "cause": ..., "after": s} or None."""
    return (p.get("analysis_detail") or {}).get(flag)


def state(p, side):
    """The state of `side` ("client", "server") after packet p, or None."""
    return (p.get("state") or {}).get(side)


def words(e):
    """Everything a reader sees for one event: its explanation or a note's text."""
    if e["kind"] == "note":
        return e.get("text") or ""
    explain = e.get("explain") or {}
    return " ".join(v for v in (explain.get("summary"), explain.get("detail")) if v)


# ---------------------------------------------------------------------------
# Helpers the tables use.

def by_frame(d, n):
    return next((p for p in packets(d) if p.get("frame") == n), None)


def tcp_of(p):
    return p.get("tcp") or {}


def has(p, flag):
    return flag in (p.get("analysis") or [])


def original_of(d, p):
    """The first earlier packet in the same direction with the same relative seq
    that also occupies sequence space (data, SYN or FIN: a bare ACK resends nothing)."""
    def occupies(q):
        return tcp_of(q).get("len", 0) > 0 or flags(q) & {"SYN", "FIN"}
    for q in packets(d):
        if q is p:
            return None
        if (q.get("flow"), q["dir"]) == (p.get("flow"), p["dir"]) and \
                tcp_of(q).get("seq_rel") == tcp_of(p).get("seq_rel") and q.get("tcp") and \
                occupies(q) == occupies(p):
            return q
    return None


def expect_detail(d, p, flag, cause=None, frame=None, after=None):
    """Failure text, or None: p's analysis_detail[flag] has this cause, frame and after."""
    got = detail(p, flag)
    if got is None:
        return "frame %s: no analysis_detail.%s" % (p.get("frame"), flag)
    if frame is not None and got.get("frame") != frame:
        return "frame %s: analysis_detail.%s.frame is %r, expected %d" % (
            p.get("frame"), flag, got.get("frame"), frame)
    if cause is not None and got.get("cause") != cause:
        return "frame %s: analysis_detail.%s.cause is %r, expected %r" % (
            p.get("frame"), flag, got.get("cause"), cause)
    if after is not None and (not isinstance(got.get("after"), (int, float)) or
                              abs(got["after"] - after) > SHAPE["after_tolerance"]):
        return "frame %s: analysis_detail.%s.after is %r, expected %.6f" % (
            p.get("frame"), flag, got.get("after"), after)
    return None


def states_seen(d, side):
    """The states of `side` in packet order, repeats folded."""
    out = []
    for p in packets(d):
        s = state(p, side)
        if s and (not out or out[-1] != s):
            out.append(s)
    return out


def flow_states(d, side):
    """The states `side` went through, as the flow summary settles them once the
    whole exchange is seen (RFC 9293 order).  A packet's `state` is what the wire
    shows up to that packet: at a FIN that later proves to have crossed the
    other side's, its receiver is still shown entering CLOSE_WAIT; the summary
    records the path it really took (FIN_WAIT_1, CLOSING), and so does the next
    packet's explanation."""
    out = []
    for f in d.get("flows") or []:
        for s in (f.get("states") or {}).get(side) or []:
            if s not in out:
                out.append(s)
    return out


def in_order(seq, wanted):
    """True when `wanted` appears in `seq` in that order, back to back."""
    return any(seq[i:i + len(wanted)] == wanted for i in range(len(seq) - len(wanted) + 1))


# ---------------------------------------------------------------------------
# (a) The demos: each lesson is (name, check); check(d) returns a failure text or None.

def refused_rst_answers_syn(d):
    syn = next((p for p in packets(d) if flags(p) == {"SYN"}), None)
    rst = next((p for p in packets(d) if "RST" in flags(p)), None)
    if not syn or not rst:
        return "no SYN answered by a RST"
    if tcp_of(rst).get("ack_rel") != 1 or rst.get("flow") != syn.get("flow"):
        return "the RST does not acknowledge the SYN (ack %r)" % tcp_of(rst).get("ack_rel")
    return None


def refused_server_closed(d):
    rst = next((p for p in packets(d) if "RST" in flags(p)), None)
    if rst is None or state(rst, "server") != "CLOSED":
        return "server state after the RST is %r, expected CLOSED" % (rst and state(rst, "server"))
    return None


def never_listen(d):
    bad = [p["frame"] for p in packets(d) if state(p, "server") == "LISTEN"]
    return "a packet puts the server in LISTEN (frames %s)" % bad[:5] if bad else None


def teardown_abort_after_linger(d):
    """The RST follows setsockopt(SO_LINGER {1, 0}) and close() on its flow, in that order."""
    rst = next((p for p in packets(d) if "RST" in flags(p)), None)
    if rst is None:
        return "no RST"
    ev = d["events"]
    linger = [c for c in calls(d, "setsockopt") if "SO_LINGER" in c.get("args", "")
              and c.get("flow") == rst.get("flow") and re.search(r"\{(on|1), 0", c["args"])]
    if not linger:
        return "no setsockopt SO_LINGER {1, 0} on the RST's flow"
    closes = [c for c in calls(d, "close", linger[0]["side"]) if c.get("flow") == rst.get("flow")
              and ev.index(linger[0]) < ev.index(c)]
    if not closes:
        return "no close() after SO_LINGER on the RST's flow"
    if closes[0].get("duration") is not None:
        start = closes[0]["t"] - closes[0]["duration"]
        if start > rst["t"]:
            return "the RST (t=%.6f) came before close() was called" % rst["t"]
    return None


def teardown_abort_skips_time_wait(d):
    rst = next((p for p in packets(d) if "RST" in flags(p)), None)
    if rst is None:
        return "no RST"
    flow = next(f for f in d["flows"] if f["id"] == rst["flow"])
    sides = [s for s, seen in flow["states"].items() if "TIME_WAIT" in seen]
    return "the aborted flow reached TIME_WAIT (%s)" % sides if sides else None


def loss_timer(d):
    resent = [p for p in packets(d) if has(p, "retransmission")]
    if not resent:
        return "no retransmission"
    p = resent[0]
    orig = original_of(d, p)
    if orig is None:
        return "no original for frame %s" % p["frame"]
    failure = expect_detail(d, p, "retransmission", frame=orig["frame"],
                            after=p["t"] - orig["t"])
    cause = (detail(p, "retransmission") or {}).get("cause")
    if cause == "unknown" and (detail(p, "retransmission") or {}).get("timer") == "rto or tlp":
        cause = "rto or tlp"
    if not failure and cause not in SHAPE["timer_causes"] + ("rto or tlp",):
        failure = "frame %s: cause %r, expected a timer: one of %s" % (
            p["frame"], cause, SHAPE["timer_causes"])
    return failure


def first_unanswered_syn(d):
    """A SYN whose flow shows no SYN-ACK before the same SYN is sent again."""
    for p in packets(d):
        if flags(p) != {"SYN"} or has(p, "retransmission"):
            continue
        later = [q for q in packets(d) if q.get("flow") == p.get("flow") and q["t"] > p["t"]]
        nxt = next((q for q in later if q["dir"] == p["dir"] and flags(q) == {"SYN"}), None)
        answered = [q for q in later if flags(q) == {"SYN", "ACK"} and (nxt is None or q["t"] < nxt["t"])]
        if nxt is not None and not answered:
            return p, nxt
    return None, None


def backlog_syn_retry(d):
    syn, again = first_unanswered_syn(d)
    if syn is None:
        return "no unanswered SYN sent again"
    if not has(again, "retransmission"):
        return "the SYN's second copy (frame %s) is not flagged" % again["frame"]
    return expect_detail(d, again, "retransmission", cause="syn", frame=syn["frame"],
                         after=again["t"] - syn["t"])


def backlog_backoff_one_second(d):
    syn, again = first_unanswered_syn(d)
    if syn is None:
        return "no unanswered SYN sent again"
    gap = again["t"] - syn["t"]
    return None if 0.9 < gap < 1.5 else "SYN resent after %.3f s, not about 1 s" % gap


def backlog_queue_evidence(d):
    """The call log shows the full queue (TCP_INFO) and the slow connect()."""
    info = [c for c in calls(d, "getsockopt", "server") if "accept queue" in c.get("args", "")]
    if not info:
        return "no getsockopt TCP_INFO on the listener in the call log"
    slow = [c for c in calls(d, "connect") if (c.get("duration") or 0) > 0.5]
    if not slow:
        return "no connect() that took the SYN's retry (> 0.5 s)"
    return None


def backlog_handshake_before_accept(d):
    accept = calls(d, "accept", "server")
    acks = [p for p in packets(d) if p.get("handshake") == 3]
    if not accept or not acks:
        return "no accept() or no completed handshake"
    ev = d["events"]
    return None if ev.index(acks[0]) < ev.index(accept[0]) else \
        "the first handshake did not finish before accept()"


def fast_three_dup_acks(d):
    fast = next((p for p in packets(d) if has(p, "fast_retransmission")), None)
    if fast is None:
        return "no fast_retransmission"
    dups = [p for p in packets(d) if has(p, "duplicate_ack") and p["t"] <= fast["t"]]
    if len(dups) < 3:
        return "only %d duplicate ACKs before the fast retransmission" % len(dups)
    if any(not any(o.get("kind") == "sack" for o in tcp_of(p).get("options", [])) for p in dups):
        return "a duplicate ACK carries no SACK block"
    return None


def fast_no_timer(d):
    fast = next((p for p in packets(d) if has(p, "fast_retransmission")), None)
    orig = fast and original_of(d, fast)
    if orig is None:
        return "no fast retransmission with its original"
    gap = fast["t"] - orig["t"]
    if gap >= 0.2:
        return "resent after %.3f s: as late as Linux's minimum RTO" % gap
    return expect_detail(d, fast, "fast_retransmission", cause="fast", frame=orig["frame"],
                         after=gap)


def fast_dup_ack_detail(d):
    for p in packets(d):
        if has(p, "duplicate_ack"):
            repeated = (p.get("dup_ack") or {}).get("frame")
            failure = expect_detail(d, p, "duplicate_ack", frame=repeated)
            if failure:
                return failure
    return None


def fast_kernel_counters(d):
    text = " ".join(n["text"] for n in notes(d))
    m = re.search(r"TCPFastRetrans (\d+), TCPTimeouts (\d+)", text)
    if not m:
        return "no note with the namespace's TCPFastRetrans and TCPTimeouts"
    return None if m.group(1) != "0" and m.group(2) == "0" else \
        "counters say FastRetrans %s, Timeouts %s" % m.groups()


def call_start(c):
    return c["t"] - (c.get("duration") or 0)


def fd_of(c):
    m = re.match(r"fd (\d+)", c.get("args", ""))
    return m and int(m.group(1))


def fin_after_close(d):
    """Every FIN is sent after its side called close() or shutdown() on that flow."""
    for p in packets(d):
        if "FIN" not in flags(p):
            continue
        side = "client" if p["dir"] == "c2s" else "server"
        ends = [c for c in calls(d, None, side) if c["call"] in ("close", "shutdown")
                and c.get("flow") == p.get("flow") and call_start(c) <= p["t"]]
        if not ends:
            return "frame %s: a FIN from the %s before any close() or shutdown()" % (
                p["frame"], side)
    return None


def half_close_still_receives(d):
    """After shutdown(SHUT_WR) the same socket's recv() still returns data."""
    ev = d["events"]
    for sh in calls(d, "shutdown"):
        if "SHUT_WR" not in sh.get("args", ""):
            continue
        later = [c for c in calls(d, "recv", sh["side"]) if fd_of(c) == fd_of(sh)
                 and ev.index(c) > ev.index(sh)]
        closed = [c for c in calls(d, "close", sh["side"]) if fd_of(c) == fd_of(sh)
                  and ev.index(c) > ev.index(sh)]
        before_close = [c for c in later if not closed or ev.index(c) < ev.index(closed[0])]
        if any(c["ret"] > 0 for c in before_close):
            return None
        return "no recv() with data after shutdown(SHUT_WR) on fd %s" % fd_of(sh)
    return "no shutdown(SHUT_WR)"


def ipv6_mss(d):
    """MSS 65476 = lo's MTU 65536 less 40 bytes of IPv6 header and 20 of TCP."""
    syn = next((p for p in packets(d) if p.get("handshake") == 1), None)
    if syn is None or syn["ip"]["version"] != 6:
        return "no IPv6 SYN"
    mss = [o.get("value") for o in tcp_of(syn).get("options", []) if o.get("kind") == "mss"]
    return None if mss == [65476] else "the SYN's MSS is %s, expected 65476" % mss


def wire_story(name):
    """The demo's own e2e check (tests/e2e/check.py) on its committed timeline."""
    def check(d):
        failures = []
        getattr(e2e, "check_" + name.replace("-", "_"))(d, failures.append)
        return "; ".join(failures) or None
    return check


DEMO_LESSONS = {
    "tcp-upper": [
        ("every FIN follows its side's close()", fin_after_close),
    ],
    "tcp-ipv6": [
        ("the SYN's MSS is lo's MTU less the IPv6 and TCP headers", ipv6_mss),
    ],
    "tcp-refused": [
        ("a RST answers the SYN", refused_rst_answers_syn),
        ("the server side is CLOSED after the RST", refused_server_closed),
        ("no packet puts the server in LISTEN", never_listen),
    ],
    "tcp-teardown": [
        ("the RST follows setsockopt SO_LINGER {1, 0} and close()", teardown_abort_after_linger),
        ("the aborted connection skips TIME_WAIT", teardown_abort_skips_time_wait),
        ("after shutdown(SHUT_WR) the socket still receives", half_close_still_receives),
        ("every FIN follows its side's close() or shutdown()", fin_after_close),
    ],
    "tcp-loss": [
        ("a timer (RTO or tail loss probe) resends, citing the original", loss_timer),
    ],
    "backlog": [
        ("the kernel finishes a handshake before accept()", backlog_handshake_before_accept),
        ("an unanswered SYN and its retry with cause syn", backlog_syn_retry),
        ("the SYN is resent after about 1 s", backlog_backoff_one_second),
        ("the call log shows the full queue and the slow connect()", backlog_queue_evidence),
    ],
    "tcp-fast-retransmit": [
        ("three duplicate ACKs with SACK before the fast retransmission", fast_three_dup_acks),
        ("the fast retransmission comes before any timer, cause fast", fast_no_timer),
        ("each duplicate ACK's detail names the ACK it repeats", fast_dup_ack_detail),
        ("the kernel counted a fast retransmit and no timeout", fast_kernel_counters),
    ],
}

# ---------------------------------------------------------------------------
# (b) Hand-built captures: per capture, per frame, what must hold.
#   states:  side -> the run of states that must appear in order (repeats folded)
#   never:   side -> states that must never appear
#   final:   side -> state after the last packet
#   frames:  frame -> {"analysis": [...], "detail": {flag: {cause, frame, after}},
#                      "says": [regex...], "not": [regex...]}

CAPTURES = {
    "simultaneous-open": {
        "states": {"client": ["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"],
                   "server": ["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"]},
        "never": {"server": ["LISTEN"]},
        "frames": {
            3: {"analysis": ["retransmission"], "not": [r"timer", r"gave up waiting", r"accepts"],
                "says": [r"[Ss]imultaneous"]},
            4: {"analysis": ["retransmission"], "not": [r"timer", r"gave up waiting", r"accepts"],
                "says": [r"[Ss]imultaneous"]},
        },
    },
    "simultaneous-close": {
        "states": {"client": ["FIN_WAIT_1", "CLOSING", "TIME_WAIT"],
                   "server": ["FIN_WAIT_1", "CLOSING", "TIME_WAIT"]},
        "never": {"client": ["CLOSE_WAIT", "LAST_ACK"], "server": ["CLOSE_WAIT", "LAST_ACK"]},
    },
    "syn-backoff": {
        "never": {"server": ["LISTEN"]},
        "final": {"client": "SYN_SENT", "server": SHAPE["unknown"]},
        "frames": {
            2: {"analysis": ["retransmission"],
                "detail": {"retransmission": {"cause": "syn", "frame": 1, "after": 1.0}},
                "says": [r"frame 1\b"], "not": [r"gave up waiting"]},
            3: {"analysis": ["retransmission"],
                "detail": {"retransmission": {"cause": "syn", "frame": 1, "after": 3.0}},
                "says": [r"frame 1\b"]},
            4: {"analysis": ["retransmission"],
                "detail": {"retransmission": {"cause": "syn", "frame": 1, "after": 7.0}},
                "says": [r"frame 1\b"]},
        },
    },
    "rst-after-close": {
        "final": {"client": "CLOSED", "server": "CLOSED"},
        "states": {"server": ["ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSED"],
                   "client": ["ESTABLISHED", "CLOSE_WAIT", "CLOSED"]},
        "frames": {
            9: {"says": [r"RST", r"frame 8\b"], "not": [r"unread data", r"does not exist"]},
        },
    },
    "sack-fast-retransmit": {
        "frames": {
            10: {"analysis": ["duplicate_ack"], "detail": {"duplicate_ack": {"frame": 9}},
                 "says": [r"waiting for byte 1001", r"SACK", r"2001\s*(–|-|to)\s*3000"],
                 "not": [r"SYN"]},
            11: {"analysis": ["duplicate_ack"], "detail": {"duplicate_ack": {"frame": 9}},
                 "says": [r"waiting for byte 1001", r"2001\s*(–|-|to)\s*4000"], "not": [r"SYN"]},
            12: {"analysis": ["duplicate_ack"], "detail": {"duplicate_ack": {"frame": 9}},
                 "says": [r"waiting for byte 1001", r"2001\s*(–|-|to)\s*5000"], "not": [r"SYN"]},
            13: {"analysis": ["fast_retransmission"],
                 "detail": {"fast_retransmission": {"cause": "fast", "frame": 5,
                                                    "after": 0.0103}},
                 "says": [r"frame 5\b", r"duplicate ACK"],
                 "not": [r"timer expired", r"gave up waiting"]},
        },
    },
    "dsack": {
        "frames": {
            # The resend is timed before anything proves it needless (the
            # timeline streams): frame 6 is the timer's; frame 7's D-SACK then
            # names frame 6 as the resend it proves spurious.
            6: {"analysis": ["retransmission"],
                "detail": {"retransmission": {"cause": "rto", "frame": 4, "after": 0.21}}},
            7: {"says": [r"D-SACK", r"unneeded|not needed|twice|spurious", r"frame 6\b"],
                "not": [r"\blost\b", r"(?<!not )\bloss\b"],
                "dsack_spurious_frame": 6},
        },
    },
    "tfo": {
        "frames": {
            1: {"says": [r"Fast Open|TFO", r"cookie", r"bytes? 1\s*(–|-|to)\s*4"]},
            2: {"says": [r"ACK 5", r"data"], "not": [r"accepts"]},
        },
        "states": {"server": ["SYN_RECEIVED", "ESTABLISHED"]},
        "never": {"server": ["LISTEN"]},
    },
}


def capture_checks(name, d, spec):
    """Yields (assertion name, failure or None) for one hand-built capture."""
    for side, run in spec.get("states", {}).items():
        seen = flow_states(d, side)
        yield ("%s: %s goes %s" % (name, side, " -> ".join(run)),
               None if in_order(seen, run) else "saw %s" % " -> ".join(seen))
    for side, bad in spec.get("never", {}).items():
        seen = flow_states(d, side)
        on_packets = states_seen(d, side)
        yield ("%s: %s is never %s" % (name, side, "/".join(bad)),
               None if not set(seen) & set(bad) else "saw %s" % " -> ".join(seen))
        if "LISTEN" in bad:  # no packet ever puts a connection in LISTEN
            yield ("%s: no packet shows %s in LISTEN" % (name, side),
                   None if "LISTEN" not in on_packets else "saw %s" % " -> ".join(on_packets))
    last = packets(d)[-1] if packets(d) else {}
    for side, want in spec.get("final", {}).items():
        yield ("%s: %s ends %s" % (name, side, want),
               None if state(last, side) == want else "ends %r" % state(last, side))
    for frame, want in spec.get("frames", {}).items():
        p = by_frame(d, frame)
        label = "%s frame %d" % (name, frame)
        if p is None:
            yield (label, "missing")
            continue
        for flag in want.get("analysis", []):
            yield ("%s: flagged %s" % (label, flag),
                   None if has(p, flag) else "analysis is %s" % p.get("analysis"))
        for flag, fields in want.get("detail", {}).items():
            yield ("%s: analysis_detail.%s %s" % (label, flag, fields),
                   expect_detail(d, p, flag, **fields))
        text = words(p)
        for pattern in want.get("says", []):
            yield ("%s: says /%s/" % (label, pattern),
                   None if re.search(pattern, text) else "says: %s" % text[:300])
        for pattern in want.get("not", []):
            m = re.search(pattern, text)
            yield ("%s: never says /%s/" % (label, pattern),
                   "says %r in: %s" % (m.group(0), text[:300]) if m else None)
        if "dsack_spurious_frame" in want:
            got = (p.get("dsack") or {}).get("spurious_frame")
            yield ("%s: dsack.spurious_frame is %s" % (label, want["dsack_spurious_frame"]),
                   None if got == want["dsack_spurious_frame"] else "dsack is %s" % p.get("dsack"))


# ---------------------------------------------------------------------------
# (c) Sentences found false: (name, applies-to-packet or None for every event, regex).

def is_synack(p):
    return flags(p) == {"SYN", "ACK"}


FALSE_SENTENCES = [
    ("a packet moves a socket from NONE to LISTEN", None, r"from NONE to LISTEN"),
    ("\"the SYN is on its way\"", None, r"the SYN is on its way"),
    ("a SYN-ACK says the server accepts", is_synack, r"\b(server|client) accepts\b"),
    ("a duplicate ACK says it acknowledges a SYN", lambda p: has(p, "duplicate_ack"),
     r"(acknowledges|confirms) the \w+'s SYN"),
    ("a RST blamed on unread data at close", None,
     r"sent when a program closes a socket with unread data"),
    ("a fast retransmission blamed on a timer", lambda p: has(p, "fast_retransmission"),
     r"gave up waiting|timer expired"),
]


def fin_counted_as_byte(d):
    """ACKs of a FIN that call its sequence number a byte: 'every byte up to N', N the FIN."""
    fins, bad = {}, []
    for p in packets(d):
        t = tcp_of(p)
        if "FIN" in flags(p) and t.get("seq_rel") is not None:
            fins[(p.get("flow"), p["dir"])] = t["seq_rel"] + t.get("len", 0)
        other = "s2c" if p["dir"] == "c2s" else "c2s"
        fin = fins.get((p.get("flow"), other))
        if fin is not None and "ACK" in flags(p) and t.get("ack_rel") == fin + 1 and \
                re.search(r"every byte up to %d\b" % fin, words(p)):
            bad.append(p["frame"])
    return bad


def false_sentences(d):
    """Yields (assertion name, failure or None) for one timeline."""
    for name, applies, pattern in FALSE_SENTENCES:
        hits = [e.get("frame", "note") for e in d["events"] if e["kind"] in ("packet", "note")
                and (applies is None or (e["kind"] == "packet" and applies(e)))
                and re.search(pattern, words(e))]
        yield name, "frames %s" % hits[:5] if hits else None
    bad = fin_counted_as_byte(d)
    yield "a FIN counted as a data byte", "frames %s" % bad[:5] if bad else None
    udp_sf = [f["id"] for f in d.get("flows", []) if f.get("proto") == "udp"
              and "normal establishment and termination" in (f.get("narrative") or "")]
    yield "a UDP flow described with TCP's SF", "flows %s" % udp_sf if udp_sf else None


# ---------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def skip(self, name, reason):
        self.skipped += 1
        print("SKIPPED (not counted as passed) %s: %s" % (name, reason))

    def record(self, name, failure):
        if failure:
            self.failed += 1
            print("FAIL %s: %s" % (name, failure))
        else:
            self.passed += 1
            print("ok   %s" % name)


def trace(binary, pcap, out):
    result = subprocess.run([binary, "trace", "-q", "-r", pcap, "-o", out],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return None, "trace exited %d: %s" % (result.returncode, result.stderr.strip())
    with open(out) as f:
        return json.load(f), None


def demo_timelines(folder):
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        if os.path.basename(path) == "index.json":
            continue
        with open(path) as f:
            d = json.load(f)
        name = (d.get("demo") or {}).get("name")
        if name:
            yield name, d


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    os.environ.setdefault("LC_ALL", "C")  # tshark's numbers, as tests/oracle.py reads them
    binary, tally = sys.argv[1], Tally()
    folder = sys.argv[2] if len(sys.argv) == 3 else os.path.join(ROOT, "captures")
    timelines = []
    for name, d in demo_timelines(folder):
        timelines.append(("captures/%s.json" % name, d))
        tally.record("%s: wire story (teaches: %s)" % (name, d["demo"].get("teaches", "")),
                     wire_story(name)(d))
        for lesson, check in DEMO_LESSONS.get(name, []):
            tally.record("%s: %s" % (name, lesson), check(d))
    if len(sys.argv) == 2:
        missing = sorted(set(DEMO_LESSONS) - {name for name, _ in demo_timelines(folder)})
        for name in missing:
            tally.record("%s: timeline in captures/" % name, "captures/%s.json is missing" % name)
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in CAPTURES.items():
            pcap = os.path.join(ROOT, "tests", "data", "lessons", name + ".pcap")
            d, error = trace(binary, pcap, os.path.join(tmp, name + ".json"))
            tally.record("%s: traced" % name, error)
            if d is None:
                continue
            if shutil.which("tshark"):
                problems = oracle.check_capture(binary, pcap)
                tally.record("%s: tshark agrees packet by packet" % name, "; ".join(problems[:5]))
            else:
                tally.skip("%s: tshark agrees" % name, "tshark is not installed")
            timelines.append(("tests/data/lessons/%s.pcap" % name, d))
            for label, failure in capture_checks(name, d, spec):
                tally.record(label, failure)
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "*.json"))):
        with open(path) as f:
            timelines.append((os.path.relpath(path, ROOT), json.load(f)))
    for where, d in timelines:
        for label, failure in false_sentences(d):
            tally.record("%s: never %s" % (where, label), failure)
    print("lessons: %d passed, %d failed, %d skipped" % (tally.passed, tally.failed,
                                                        tally.skipped))
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
