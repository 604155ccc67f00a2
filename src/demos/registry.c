/*
 * registry.c - the table of demos: one row per demo.
 *
 * Adding a demo is one row here, one file in src/demos/, one e2e test and
 * one section in docs/demos.md.  Filters are templates: the first %u becomes
 * the demo's base port, the second base port + 15 (its whole range).
 */
#include "sockscope/demo.h"

#include <stdio.h>
#include <string.h>

#include "demos.h"

#define TCP_RANGE "tcp and portrange %u-%u"
#define UDP_RANGE "udp and portrange %u-%u"

static const struct demo demos[] = {
    {"udp-upper", "UDP upper-case server and client over 127.0.0.1",
     "no connection: each datagram carries its own address; sendto names it, recvfrom "
     "reports it",
     "lo", UDP_RANGE, demo_run_udp_upper, 0},
    {"tcp-upper", "TCP upper-case server and client over 127.0.0.1",
     "the listening socket (LISTEN, set by listen()) vs the connection socket accept() "
     "returns; the kernel completes the handshake before accept(); FIN at close()",
     "lo", TCP_RANGE, demo_run_tcp_upper, 0},
    {"tcp-concurrent", "one TCP server, three clients at the same time",
     "one listening port, three connections told apart by the clients' source ports", "lo",
     TCP_RANGE, demo_run_tcp_concurrent, 0},
    {"udp-timeout", "stop-and-wait over UDP; the server drops a datagram on purpose",
     "UDP never resends: the application's receive timeout (SO_RCVTIMEO) notices the loss "
     "and sends again",
     "lo", UDP_RANGE, demo_run_udp_timeout, 0},
    {"tcp-refused", "TCP connect to a port nobody listens on",
     "a SYN to a port no socket listens on is answered by RST, and connect() fails with "
     "ECONNREFUSED",
     "lo",
     TCP_RANGE, demo_run_tcp_refused, 0},
    {"udp-unreachable", "UDP to a closed port",
     "ICMP port unreachable comes back; only a connected UDP socket reports ECONNREFUSED", "lo",
     "(udp and portrange %u-%u) or icmp", demo_run_udp_unreachable, 0},
    {"tcp-ipv6", "the TCP upper-case server over ::1",
     "the same handshake and stream over IPv6: a 40-byte header with no header checksum, a "
     "hop limit, and MSS 65476 (65536 - 60) on lo",
     "lo",
     "ip6 and " TCP_RANGE, demo_run_tcp_ipv6, 0},
    {"udp-ipv6", "the UDP upper-case server over ::1",
     "the same datagrams over IPv6, where the UDP checksum is mandatory (on lo the kernel "
     "leaves it unfilled: checksum offload)",
     "lo",
     "ip6 and " UDP_RANGE, demo_run_udp_ipv6, 0},
    {"nonblocking", "non-blocking connect and recv with poll",
     "connect() returns EINPROGRESS without waiting (on loopback the handshake is often done "
     "already), POLLOUT when it is done, EAGAIN when there is nothing to read",
     "lo", TCP_RANGE, demo_run_nonblocking, 0},
    {"stream-vs-datagram", "three sends over TCP, three over UDP",
     "TCP is a byte stream (three sends, one read); UDP keeps message boundaries", "lo",
     "portrange %u-%u", demo_run_stream_vs_datagram, 0},
    {"backlog", "more clients than the listen backlog",
     "the kernel completes handshakes before accept(); a full accept queue drops a SYN and "
     "the client's SYN timer resends it after 1 s",
     "lo", TCP_RANGE, demo_run_backlog, 0},
    {"raw-icmp", "a hand-built ICMP echo request on a raw socket",
     "a raw socket writes the ICMP header itself; the kernel answers the echo request", "lo",
     "icmp", demo_run_raw_icmp, DEMO_NEEDS_ROOT},
    {"unix-seqpacket", "a Unix-domain SOCK_SEQPACKET connection",
     "records with boundaries over a connection, and nothing on any wire: the kernel copies "
     "the data",
     "lo", "portrange %u-%u", demo_run_unix_seqpacket, DEMO_NO_WIRE},
    {"tcp-teardown", "close, half-close and abort on three connections",
     "close() sends FIN and receives no more; shutdown(SHUT_WR) sends FIN and still "
     "receives; SO_LINGER {1, 0} + close() aborts with RST and skips TIME_WAIT",
     "lo",
     TCP_RANGE, demo_run_tcp_teardown, 0},
    {"tcp-loss", "a dropped segment and its retransmission, in a private namespace",
     "the retransmission timer (200 ms minimum on Linux) resends the unacknowledged segment; "
     "its ACK gives no RTT sample (Karn); the receiver never sees a gap in the stream",
     "lo", TCP_RANGE, demo_run_tcp_loss, DEMO_NEEDS_ROOT | DEMO_OWN_NETNS},
    {"tcp-fast-retransmit", "ten segments in flight, one dropped, in a private namespace",
     "the receiver repeats its ACK for every segment above the hole, with SACK blocks naming "
     "what it holds; after three duplicate ACKs the sender resends at once, long before its "
     "timer",
     "lo", TCP_RANGE, demo_run_tcp_fast_retransmit, DEMO_NEEDS_ROOT | DEMO_OWN_NETNS},
    {"tcp-flow-control", "a slow reader with a small receive buffer",
     "the receive window shrinks to zero, the sender probes it on its persist timer, the "
     "window reopens when the reader reads",
     "lo", TCP_RANGE, demo_run_tcp_flow_control, 0},
    {"tcp-bulk", "2 MiB through a 100 Mbit/s bottleneck with a few drops, in a private namespace",
     "slow start, cwnd growth, fast retransmit and fast recovery: the Stevens graph and the "
     "kernel's cwnd tell one story",
     "lo", TCP_RANGE, demo_run_tcp_bulk, DEMO_NEEDS_ROOT | DEMO_OWN_NETNS, 96},
};

const struct demo *demo_registry(size_t *count)
{
	*count = SS_ARRAY_SIZE(demos);
	return demos;
}

const struct demo *demo_find(const char *name)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(demos); i++)
		if (strcmp(demos[i].name, name) == 0)
			return &demos[i];
	return NULL;
}

int demo_filter_format(const struct demo *demo, uint16_t base_port, char *buf, size_t size)
{
	const char *p = demo->filter;
	unsigned ports[2] = {base_port, base_port + DEMO_PORT_COUNT - 1u};
	size_t out = 0, used = 0;

	while (*p && out + 1 < size) {
		if (p[0] == '%' && p[1] == 'u' && used < 2) {
			int n = snprintf(buf + out, size - out, "%u", ports[used++]);
			if (n < 0 || (size_t)n >= size - out)
				return -SS_EUSAGE;
			out += (size_t)n;
			p += 2;
		} else {
			buf[out++] = *p++;
		}
	}
	if (size == 0 || *p)
		return -SS_EUSAGE;
	buf[out] = '\0';
	return 0;
}
