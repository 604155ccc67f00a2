/*
 * tcp-flow-control - a slow reader closes the window.
 *
 * The server asks for a small receive buffer (SO_RCVBUF, set on the listener
 * before the client connects, so the accepted socket inherits it and the
 * handshake's window scale is already the small buffer's) and does not read for a while.  The
 * client's data fills that buffer; the server's TCP advertises a window that shrinks to zero (RFC
 * 9293 §3.8.6); the client's TCP stops and, while the window stays zero, sends zero-window probes
 * on its persist timer (§3.8.6.1).  When the reader starts reading, the window reopens and the rest
 * flows.  The kernel's view shows it from both ends: rcv_wnd / snd_wnd and the receive queue in
 * tcp_info, and the counters TCPToZeroWindowAdv, TCPWinProbe, TCPFromZeroWindowAdv.
 */
#include "calls.h"
#include "demos.h"

#include <netinet/in.h>
#include <stdio.h>

#define RCVBUF      2048  /* asked for (as in the logged call); Linux doubles it */
#define TOTAL       32768 /* bytes the client sends */
#define CHUNK       4096  /* bytes per read once reading */
#define STALL_MS    900   /* the reader's pause: long enough for zero-window probes */
#define READ_GAP_MS 40

struct fc_server {
	struct actor self;
	int listener;
};

/* A listener whose connections get a small receive buffer: set before any SYN arrives,
 * so the window scale of the handshake is already the small buffer's. */
static int open_small_listener(const struct actor *server, const struct sockaddr_storage *addr)
{
	int size = RCVBUF;
	int fd = demo_open_listener(server, addr, 4);

	if (fd >= 0)
		demo_setsockopt(server, fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size),
		                "SO_RCVBUF 2048");
	return fd;
}

static void *fc_server_run(void *arg)
{
	struct fc_server *server = arg;
	char buf[CHUNK], reply[32];
	ssize_t n, got = 0;
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	demo_note(&server->self, "does not read for %d ms: its receive buffer fills", STALL_MS);
	demo_sleep_ms(STALL_MS);
	demo_note(&server->self, "reads %d bytes every %d ms: the window reopens", CHUNK,
	          READ_GAP_MS);
	while ((n = demo_recv(&server->self, conn, buf, sizeof(buf), 0)) > 0) {
		got += n;
		demo_sleep_ms(READ_GAP_MS);
	}
	snprintf(reply, sizeof(reply), "got %zd bytes", got);
	demo_send(&server->self, conn, reply, strlen(reply), 0);
	demo_close(&server->self, conn);
	return NULL;
}

static void fc_client_run(const struct actor *client, const struct sockaddr_storage *addr)
{
	static char data[TOTAL];
	char reply[32];
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return;
	memset(data, 'w', sizeof(data));
	if (demo_connect(client, fd, addr) == 0) {
		demo_note(client,
		          "send() of %d bytes: it returns once the kernel has queued them; "
		          "the receiver's window decides when they leave",
		          TOTAL);
		demo_send(client, fd, data, sizeof(data), 0);
		demo_shutdown(client, fd, SHUT_WR);
		demo_recv(client, fd, reply, sizeof(reply), 0);
	}
	demo_close(client, fd);
}

int demo_run_tcp_flow_control(struct demo_log *log, const struct demo_env *env)
{
	struct fc_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;

	server.listener = open_small_listener(&server.self, &addr);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, fc_server_run, &server);
	fc_client_run(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return 0;
}
