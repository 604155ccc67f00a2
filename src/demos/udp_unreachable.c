/*
 * udp-unreachable - a datagram to a port where nobody listens.
 *
 * UDP sends without asking, so the first sendto succeeds.  The receiving host
 * has no socket on that port and answers with ICMP "port unreachable"
 * (RFC 1122 §4.1.3.1), quoting the start of the datagram.  Only a *connected*
 * UDP socket hears about it: its next call fails with ECONNREFUSED.  An
 * unconnected socket gets the same ICMP message but no error.
 */
#include "calls.h"
#include "demos.h"

static int send_unconnected(const struct actor *client, const struct sockaddr_storage *nobody)
{
	char reply[64];
	struct sockaddr_storage from;
	int fd = demo_socket(client, AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return demo_fail(client, "socket");
	demo_set_receive_timeout(client, fd, 200);
	demo_sendto(client, fd, "anyone there?", 13, nobody);
	if (demo_recvfrom(client, fd, reply, sizeof(reply), &from) < 0 && errno == EAGAIN)
		demo_note(client, "the unconnected socket only times out: the ICMP error is not "
		                  "reported to it");
	demo_close(client, fd);
	return 0;
}

static int send_connected(const struct actor *client, const struct sockaddr_storage *nobody)
{
	char reply[64];
	int fd = demo_socket(client, AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return demo_fail(client, "socket");
	demo_set_receive_timeout(client, fd, 1000);
	demo_note(client, "connect() on UDP sends nothing: it fixes the peer address");
	demo_connect(client, fd, nobody);
	demo_send(client, fd, "hello?", 6, 0);
	if (demo_recv(client, fd, reply, sizeof(reply), 0) < 0 && errno == ECONNREFUSED)
		demo_note(client, "recv failed with ECONNREFUSED: an ICMP port unreachable "
		                  "came back");
	demo_close(client, fd);
	return 0;
}

int demo_run_udp_unreachable(struct demo_log *log, const struct demo_env *env)
{
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage nobody = demo_loopback4((uint16_t)(env->base_port + 1));
	int ret;

	demo_note(&client, "nothing listens on UDP port %u", env->base_port + 1);
	ret = send_connected(&client, &nobody);
	if (ret == 0)
		ret = send_unconnected(&client, &nobody);
	return ret;
}
