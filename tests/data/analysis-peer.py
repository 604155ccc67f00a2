#!/usr/bin/env python3
"""Both ends of one small TCP conversation, shaped so the kernel's TCP shows an
analysis flag.  record-analysis.sh runs it inside a private network namespace
(with nftables rules and a capture of its own) for each capture in this
directory; see README.md.  Standard library only.

usage: analysis-peer.py SCENARIO PORT
  loss      8 small writes; the third and the last dropped once after the capture
  burst     one write of ten full segments, the first dropped once after the capture
  spurious  one write whose ACK is dropped once after the capture saw it
  zerowin   a receiver with a tiny buffer that sleeps, then reads slowly
  keepalive an idle connection with SO_KEEPALIVE every second
  reuse     two connections from the same client port, one after the other
"""
import socket
import sys
import threading
import time

HOST = "127.0.0.1"
CLIENT_PORT = 40000  # fixed for `reuse`


def listener(port, rcvbuf=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:  # set before listen(): accepted sockets inherit it and the window scale
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((HOST, port))
    s.listen(4)
    return s


def drain(conn, delay=0.0, chunk=65536, pause=0.0):
    """Reads until EOF (after `delay` seconds, `chunk` bytes at a time), then closes."""
    time.sleep(delay)
    while True:
        data = conn.recv(chunk)
        if not data:
            break
        time.sleep(pause)
    conn.close()


def serve(lst, count=1, **kw):
    def run():
        for _ in range(count):
            conn, _ = lst.accept()
            drain(conn, **kw)
    t = threading.Thread(target=run)
    t.start()
    return t


def client(bind_port=None):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if bind_port:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((HOST, bind_port))
    return c


def write_once(port, data, linger):
    """Connects, waits 50 ms, writes `data` in one call, waits `linger` seconds, closes."""
    t = serve(listener(port))
    c = client()
    c.connect((HOST, port))
    time.sleep(0.05)
    c.sendall(data)
    time.sleep(linger)
    c.close()
    t.join()


def loss(port):
    """nft drops the third write (300 bytes) once after the capture saw it: the receiver
    SACKs the later writes with duplicate ACKs until the sender resends it.  The last
    write (200 bytes) is dropped once too: nothing follows it, so only a timer resends it."""
    t = serve(listener(port))
    c = client()
    c.connect((HOST, port))
    for i in range(8):
        c.send(bytes([0x61 + i]) * {2: 300, 7: 200}.get(i, 100))
        time.sleep(0.002)
    time.sleep(0.5)
    c.close()
    t.join()


def burst(port):
    """Ten full segments in one write: nft drops the first once, after the capture.  The
    receiver answers each of the nine that follow with a duplicate ACK while the sender
    is still busy writing, so the resend comes after many of them."""
    write_once(port, b"b" * 14480, linger=0.5)


def spurious(port):
    """The server's ACK of the data is dropped on input, after the capture saw it: the
    client resends data that the wire already shows acknowledged."""
    write_once(port, b"x" * 200, linger=1.0)


def zerowin(port):
    """A 2 KB receive buffer and a reader that sleeps 1.5 s: the sender fills the window,
    the receiver advertises 0, the sender probes, and reads reopen the window."""
    t = serve(listener(port, rcvbuf=2048), delay=1.5, chunk=1024, pause=0.01)
    c = client()
    c.connect((HOST, port))
    c.sendall(b"z" * 12000)
    c.shutdown(socket.SHUT_WR)
    t.join()
    c.close()


def keepalive(port):
    """SO_KEEPALIVE with TCP_KEEPIDLE=1 and TCP_KEEPINTVL=1 on an idle connection."""
    t = serve(listener(port), delay=0)
    c = client()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.connect((HOST, port))
    c.send(b"hello")
    time.sleep(2.5)
    c.close()
    t.join()


def reuse(port):
    """Client port 40000 twice: the server closes first, so its TIME_WAIT side accepts the
    second SYN on the same 4-tuple (RFC 9293 §3.10.7.4, RFC 6191)."""
    lst = listener(port)
    for i in range(2):
        done = threading.Event()

        def run():
            conn, _ = lst.accept()
            conn.recv(100)
            conn.close()
            done.set()
        t = threading.Thread(target=run)
        t.start()
        c = client(CLIENT_PORT)
        c.connect((HOST, port))
        c.send(b"first" if i == 0 else b"second")
        done.wait()
        time.sleep(0.05)
        c.close()
        t.join()
        time.sleep(0.1)


SCENARIOS = {f.__name__: f for f in (loss, burst, spurious, zerowin, keepalive, reuse)}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        sys.exit(__doc__)
    SCENARIOS[sys.argv[1]](int(sys.argv[2]))
