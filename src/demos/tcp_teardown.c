/*
 * tcp-teardown - three ways to end a TCP connection.
 *
 * 1. close(): the client sends FIN, the server reads end-of-file (recv
 *    returns 0) and closes too: FIN, ACK each way (RFC 9293 §3.6).
 * 2. shutdown(SHUT_WR), a half-close: the client's FIN says "I will send no
 *    more", but it can still receive.  The server answers after the FIN, and
 *    only its own close() ends the connection.
 * 3. Abort: with SO_LINGER {on, 0 s}, close() throws away the connection and
 *    sends RST instead of FIN; the server's next recv() fails with ECONNRESET.
 */
#include "calls.h"
#include "demos.h"

struct td_server {
	struct actor self;
	int listener;
};

/* Echoes every chunk until end-of-file or an error; returns the last recv result. */
static ssize_t echo_until_end(const struct actor *server, int conn)
{
	char buf[128];
	ssize_t n;

	while ((n = demo_recv(server, conn, buf, sizeof(buf), 0)) > 0)
		demo_send(server, conn, buf, (size_t)n, 0);
	return n;
}

static void *td_server_run(void *arg)
{
	struct td_server *server = arg;
	const struct actor *self = &server->self;
	int conn;

	conn = demo_accept(self, server->listener); /* 1: close */
	if (conn < 0)
		return NULL;
	echo_until_end(self, conn);
	demo_close(self, conn);

	conn = demo_accept(self, server->listener); /* 2: half-close */
	if (conn < 0)
		return NULL;
	echo_until_end(self, conn);
	demo_note(self, "end-of-file from the client, but this direction is still open");
	demo_send(self, conn, "reply after your FIN", 20, 0);
	demo_close(self, conn);

	conn = demo_accept(self, server->listener); /* 3: abort */
	if (conn < 0)
		return NULL;
	if (echo_until_end(self, conn) < 0 && errno == ECONNRESET)
		demo_note(self, "ECONNRESET: the client aborted the connection with RST");
	demo_close(self, conn);
	return NULL;
}

static void ordinary_close(const struct actor *client, const struct sockaddr_storage *addr)
{
	char buf[64];
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	demo_note(client, "connection 1: close()");
	if (demo_connect(client, fd, addr) == 0) {
		demo_send(client, fd, "goodbye", 7, 0);
		demo_recv(client, fd, buf, sizeof(buf), 0);
	}
	demo_close(client, fd);
}

static void half_close(const struct actor *client, const struct sockaddr_storage *addr)
{
	char buf[64];
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	demo_note(client, "connection 2: shutdown(SHUT_WR), a half-close");
	if (demo_connect(client, fd, addr) == 0) {
		demo_send(client, fd, "request", 7, 0);
		demo_recv(client, fd, buf, sizeof(buf), 0);
		demo_shutdown(client, fd, SHUT_WR);
		while (demo_recv(client, fd, buf, sizeof(buf), 0) > 0)
			; /* the reply, then 0 at the server's FIN */
	}
	demo_close(client, fd);
}

static void abort_connection(const struct actor *client, const struct sockaddr_storage *addr)
{
	struct linger linger = {.l_onoff = 1, .l_linger = 0};
	char buf[64];
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	demo_note(client, "connection 3: SO_LINGER 0, then close(): an abort");
	if (demo_connect(client, fd, addr) == 0) {
		demo_send(client, fd, "abort", 5, 0);
		demo_recv(client, fd, buf, sizeof(buf), 0);
		demo_setsockopt(client, fd, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger),
		                "SO_LINGER {on, 0 s}");
	}
	demo_close(client, fd); /* RST, not FIN */
}

int demo_run_tcp_teardown(struct demo_log *log, const struct demo_env *env)
{
	struct td_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;

	server.listener = demo_open_listener(&server.self, &addr, 4);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, td_server_run, &server);
	ordinary_close(&client, &addr);
	demo_sleep_ms(50); /* let each ending finish before the next connection starts */
	half_close(&client, &addr);
	demo_sleep_ms(50);
	abort_connection(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return 0;
}
