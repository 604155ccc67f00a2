/*
 * raw-icmp - a hand-built ICMP echo request (ping) on a raw socket.
 *
 * A SOCK_RAW socket for IPPROTO_ICMP lets the program write the ICMP header
 * itself (RFC 792: type 8, code 0, checksum, identifier, sequence number);
 * the kernel adds the IP header.  The kernel of 127.0.0.1 answers with an
 * echo reply (type 0).  A raw socket receives every ICMP message the host
 * gets, so the client reads until it sees the reply with its own identifier.
 * Raw sockets need root or CAP_NET_RAW.
 */
#include "calls.h"
#include "demos.h"

#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#define ECHO_ID      0x5353 /* "SS" */
#define ECHO_PAYLOAD "sockscope ping"

/* RFC 1071: the ones' complement of the ones' complement sum of 16-bit words. */
static uint16_t internet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t build_echo_request(uint8_t *packet, uint16_t sequence)
{
	size_t len = 8 + sizeof(ECHO_PAYLOAD) - 1;
	uint16_t sum;

	packet[0] = ICMP_ECHO; /* type 8 */
	packet[1] = 0;         /* code */
	packet[2] = packet[3] = 0;
	packet[4] = ECHO_ID >> 8;
	packet[5] = ECHO_ID & 0xff;
	packet[6] = (uint8_t)(sequence >> 8);
	packet[7] = (uint8_t)sequence;
	memcpy(packet + 8, ECHO_PAYLOAD, sizeof(ECHO_PAYLOAD) - 1);
	sum = internet_checksum(packet, len);
	packet[2] = (uint8_t)(sum >> 8);
	packet[3] = (uint8_t)sum;
	return len;
}

/* Reads ICMP messages until our echo reply comes (true) or the timeout fires. */
static bool await_reply(const struct actor *client, int fd)
{
	struct sockaddr_storage from;
	uint8_t buf[1500];

	for (int i = 0; i < 8; i++) {
		ssize_t n = demo_recvfrom(client, fd, buf, sizeof(buf), &from);
		if (n < 0)
			return false;
		size_t ihl = (size_t)(buf[0] & 0x0f) * 4; /* raw IPv4 sockets get the IP header */
		if ((size_t)n < ihl + 8)
			continue;
		const uint8_t *icmp = buf + ihl;
		if (icmp[0] == ICMP_ECHOREPLY && (icmp[4] << 8 | icmp[5]) == ECHO_ID) {
			demo_note(client, "echo reply (type 0) from the kernel, identifier 0x%04x",
			          ECHO_ID);
			return true;
		}
		demo_note(client, "ICMP type %u is not our reply (a raw socket sees them all)",
		          icmp[0]);
	}
	return false;
}

int demo_run_raw_icmp(struct demo_log *log, const struct demo_env *env)
{
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage to = demo_loopback4(0);
	uint8_t packet[64];
	size_t len;
	int fd;

	(void)env;
	fd = demo_socket(&client, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		if (errno == EPERM || errno == EACCES) {
			demo_log_error(log,
			               "raw sockets need root or CAP_NET_RAW: run as root, or: "
			               "sudo setcap cap_net_raw+ep build/sockscope");
			return -SS_EPERM;
		}
		return demo_fail(&client, "socket");
	}
	demo_set_receive_timeout(&client, fd, 1000);
	len = build_echo_request(packet, 1);
	demo_note(&client,
	          "built an echo request by hand: type 8, id 0x%04x, seq 1, checksum "
	          "0x%02x%02x",
	          ECHO_ID, packet[2], packet[3]);
	demo_sendto(&client, fd, packet, len, &to);
	if (!await_reply(&client, fd))
		demo_note(&client, "no echo reply: is net.ipv4.icmp_echo_ignore_all set?");
	demo_close(&client, fd);
	return 0;
}
