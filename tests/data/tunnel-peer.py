#!/usr/bin/env python3
"""Both ends of a small TCP exchange and a UDP one, run through a tunnel by
record-tunnels.sh (the server in one network namespace, the client in the
other).  Standard library only.

usage: tunnel-peer.py server ADDR PORT
       tunnel-peer.py client ADDR PORT BYTES
The client connects to ADDR:PORT over TCP, writes BYTES bytes in one write,
reads the server's 5-byte reply and closes; then sends one UDP datagram to
ADDR:PORT+1 and waits for its echo.  The server answers both, once.
"""
import socket
import sys

TIMEOUT = 5.0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port):
    tcp = socket.socket(family(addr), socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, port))
    tcp.listen(1)
    udp = socket.socket(family(addr), socket.SOCK_DGRAM)
    udp.bind((addr, port + 1))
    tcp.settimeout(TIMEOUT * 2)
    udp.settimeout(TIMEOUT * 2)
    print("ready", flush=True)
    conn, _ = tcp.accept()
    conn.settimeout(TIMEOUT)
    with conn:
        while conn.recv(65536):  # until the client's FIN
            pass
        conn.sendall(b"done\n")
    data, peer = udp.recvfrom(2048)
    udp.sendto(data.upper(), peer)


def client(addr, port, size):
    with socket.create_connection((addr, port), timeout=TIMEOUT) as tcp:
        tcp.sendall(b"x" * size)
        tcp.shutdown(socket.SHUT_WR)
        reply = tcp.recv(16)
        if reply != b"done\n":
            sys.exit(f"tcp: unexpected reply {reply!r}")
    udp = socket.socket(family(addr), socket.SOCK_DGRAM)
    udp.settimeout(TIMEOUT)
    udp.sendto(b"ping through the tunnel", (addr, port + 1))
    if udp.recvfrom(2048)[0] != b"PING THROUGH THE TUNNEL":
        sys.exit("udp: unexpected echo")


def main():
    role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if role == "server":
        server(addr, port)
    else:
        client(addr, port, int(sys.argv[4]))


if __name__ == "__main__":
    main()
