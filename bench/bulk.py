#!/usr/bin/env python3
"""A bulk TCP transfer over loopback, for the live-capture benchmark.

usage: bulk.py PORT BYTES   -- a server and a client in one process; the client
sends BYTES to 127.0.0.1:PORT in 1 MiB writes, the server reads and discards.
"""
import socket
import sys
import threading
import time

port, total = int(sys.argv[1]), int(sys.argv[2])
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
received = 0


def serve():
    global received
    conn, _ = server.accept()
    while True:
        data = conn.recv(1 << 20)
        if not data:
            break
        received += len(data)
    conn.close()


reader = threading.Thread(target=serve)
reader.start()
client = socket.create_connection(("127.0.0.1", port))
chunk = b"x" * (1 << 20)
started = time.monotonic()
sent = 0
while sent < total:
    client.sendall(chunk[: min(len(chunk), total - sent)])
    sent += min(len(chunk), total - sent)
client.close()
reader.join()
elapsed = time.monotonic() - started
print(f"bulk: {received} bytes in {elapsed:.2f} s ({received / elapsed / 1e6:.0f} MB/s)",
      file=sys.stderr)
