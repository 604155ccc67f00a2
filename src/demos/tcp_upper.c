/*
 * tcp-upper - the TCP upper-case server (Kurose & Ross, ch. 2.7).
 *
 * The server's welcoming socket only listens; each accept() hands back a new
 * connection socket for one client.  The client's connect() is the three-way
 * handshake: it returns when the SYN-ACK arrives, and the server's accept()
 * returns after the handshake's third packet.  Data then flows as a byte
 * stream, and close() sends FIN.  tcp-ipv6 is the same program over ::1.
 */
#include "calls.h"
#include "demos.h"

#include <ctype.h>

struct tcp_server {
	struct actor self;
	int listener;
};

static void *tcp_server_loop(void *arg)
{
	struct tcp_server *server = arg;
	char buf[512];
	ssize_t n;
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	while ((n = demo_recv(&server->self, conn, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t k = 0; k < n; k++)
			buf[k] = (char)toupper((unsigned char)buf[k]);
		demo_send(&server->self, conn, buf, (size_t)n, 0);
	}
	demo_close(&server->self, conn); /* recv returned 0: the client sent FIN */
	return NULL;
}

static int tcp_client(const struct actor *client, const struct sockaddr_storage *server_addr)
{
	static const char *const lines[] = {"hello", "transmission control protocol"};
	char reply[512];
	int fd = demo_socket(client, server_addr->ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return demo_fail(client, "socket");
	if (demo_connect(client, fd, server_addr) < 0) {
		int ret = demo_fail(client, "connect");
		demo_close(client, fd);
		return ret;
	}
	for (size_t i = 0; i < SS_ARRAY_SIZE(lines); i++) {
		demo_send(client, fd, lines[i], strlen(lines[i]), 0);
		demo_recv(client, fd, reply, sizeof(reply), 0);
	}
	demo_close(client, fd);
	return 0;
}

static int run_tcp_upper(struct demo_log *log, const struct demo_env *env, int family)
{
	struct tcp_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr =
	    family == AF_INET6 ? demo_loopback6(env->base_port) : demo_loopback4(env->base_port);
	pthread_t thread;
	int ret;

	server.listener = demo_open_listener(&server.self, &addr, 8);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, tcp_server_loop, &server);
	ret = tcp_client(&client, &addr);
	if (ret < 0)
		shutdown(server.listener, SHUT_RDWR); /* wakes the blocked accept() */
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return ret;
}

int demo_run_tcp_upper(struct demo_log *log, const struct demo_env *env)
{
	return run_tcp_upper(log, env, AF_INET);
}

int demo_run_tcp_ipv6(struct demo_log *log, const struct demo_env *env)
{
	return run_tcp_upper(log, env, AF_INET6);
}
