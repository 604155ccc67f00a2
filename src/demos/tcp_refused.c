/*
 * tcp-refused - connecting to a port where nobody listens.
 *
 * The client's SYN reaches a host that has no socket listening on that port.
 * RFC 9293 §3.10.7.1: a segment for a CLOSED port is answered with a reset,
 * so the SYN is followed at once by RST-ACK and connect() fails with
 * ECONNREFUSED.  No retries and no timeout: refusal is an answer.
 */
#include "calls.h"
#include "demos.h"

int demo_run_tcp_refused(struct demo_log *log, const struct demo_env *env)
{
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage nobody = demo_loopback4((uint16_t)(env->base_port + 1));
	int fd = demo_socket(&client, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return demo_fail(&client, "socket");
	demo_note(&client, "nothing listens on port %u", env->base_port + 1);
	if (demo_connect(&client, fd, &nobody) < 0 && errno == ECONNREFUSED)
		demo_note(&client, "connect failed with ECONNREFUSED: the host answered the SYN "
		                   "with RST");
	demo_close(&client, fd);
	return 0;
}
