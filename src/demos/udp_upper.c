/*
 * udp-upper - the UDP upper-case server (Kurose & Ross, ch. 2.7).
 *
 * The server binds a well-known port and answers each datagram with the same
 * text in upper case, sending it back to whatever address the datagram came
 * from.  There is no connection: every sendto names its destination and every
 * recvfrom reports its source.  udp-ipv6 is the same program over ::1.
 */
#include "calls.h"
#include "demos.h"

#include <ctype.h>

#define MESSAGES 3

struct udp_server {
	struct actor self;
	int fd;
};

static void *udp_server_loop(void *arg)
{
	struct udp_server *server = arg;
	struct sockaddr_storage client;
	char buf[512];

	for (int i = 0; i < MESSAGES; i++) {
		ssize_t n = demo_recvfrom(&server->self, server->fd, buf, sizeof(buf), &client);
		if (n < 0)
			break; /* the receive timeout: the client has gone */
		for (ssize_t k = 0; k < n; k++)
			buf[k] = (char)toupper((unsigned char)buf[k]);
		demo_sendto(&server->self, server->fd, buf, (size_t)n, &client);
	}
	return NULL;
}

static int udp_client(const struct actor *client, const struct sockaddr_storage *server_addr)
{
	static const char *const lines[MESSAGES] = {"hello", "user datagram protocol",
	                                            "each send is one datagram"};
	struct sockaddr_storage from;
	char reply[512];
	int fd = demo_socket(client, server_addr->ss_family, SOCK_DGRAM, 0);

	if (fd < 0)
		return demo_fail(client, "socket");
	demo_set_receive_timeout(client, fd, 1000);
	for (int i = 0; i < MESSAGES; i++) {
		demo_sendto(client, fd, lines[i], strlen(lines[i]), server_addr);
		demo_recvfrom(client, fd, reply, sizeof(reply), &from);
	}
	demo_close(client, fd);
	return 0;
}

static int run_udp_upper(struct demo_log *log, const struct demo_env *env, int family)
{
	struct udp_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr =
	    family == AF_INET6 ? demo_loopback6(env->base_port) : demo_loopback4(env->base_port);
	pthread_t thread;
	int ret;

	server.fd = demo_socket(&server.self, family, SOCK_DGRAM, 0);
	if (server.fd < 0)
		return demo_fail(&server.self, "socket");
	if (demo_bind(&server.self, server.fd, &addr) < 0) {
		ret = demo_fail(&server.self, "bind");
		close(server.fd);
		return ret;
	}
	demo_set_receive_timeout(&server.self, server.fd, 2000);
	pthread_create(&thread, NULL, udp_server_loop, &server);
	ret = udp_client(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.fd);
	return ret;
}

int demo_run_udp_upper(struct demo_log *log, const struct demo_env *env)
{
	return run_udp_upper(log, env, AF_INET);
}

int demo_run_udp_ipv6(struct demo_log *log, const struct demo_env *env)
{
	return run_udp_upper(log, env, AF_INET6);
}
