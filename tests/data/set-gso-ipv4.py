#!/usr/bin/env python3
"""Raises a device's IPv4 GSO and GRO limits (BIG TCP for IPv4, Linux 6.3+) over
rtnetlink, for an iproute2 too old to know `gso_ipv4_max_size`.  Standard library
only; run inside the device's network namespace.

usage: set-gso-ipv4.py DEVICE SIZE   (exit 1, with the kernel's error, when refused)
"""
import errno
import os
import socket
import struct
import sys

RTM_NEWLINK = 16
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
IFLA_GSO_IPV4_MAX_SIZE, IFLA_GRO_IPV4_MAX_SIZE = 63, 64  # linux/if_link.h, 6.3


def attribute(kind, value):
    return struct.pack("=HHI", 8, kind, value)


def main():
    device, size = sys.argv[1], int(sys.argv[2])
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, socket.if_nametoindex(device), 0, 0)
    body += attribute(IFLA_GSO_IPV4_MAX_SIZE, size) + attribute(IFLA_GRO_IPV4_MAX_SIZE, size)
    message = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1,
                          0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.send(message)
        reply = s.recv(65536)
    kind, = struct.unpack_from("=H", reply, 4)
    code, = struct.unpack_from("=i", reply, 16) if kind == NLMSG_ERROR else (0,)
    if code:
        sys.exit(f"{device}: the kernel refused gso_ipv4_max_size {size}: "
                 f"{os.strerror(-code) if -code in errno.errorcode else code}")


if __name__ == "__main__":
    main()
