/*
 * tcp-concurrent - one server, three clients at the same time.
 *
 * The welcoming socket accepts each client and hands its connection socket
 * to a thread of its own, so a slow client never holds up the others.  The
 * three connections share the server's address and port; what tells them
 * apart is each client's source port, chosen by the kernel at connect().
 */
#include "calls.h"
#include "demos.h"

#include <ctype.h>
#include <stdio.h>

#define CLIENTS 3

struct connection {
	struct actor self; /* "server 1": the thread serving one client */
	int fd;
};

struct client {
	struct actor self;
	struct sockaddr_storage server_addr;
	pthread_barrier_t *start; /* all clients connect at once */
};

static void *serve_connection(void *arg)
{
	struct connection *c = arg;
	char buf[256];
	ssize_t n;

	while ((n = demo_recv(&c->self, c->fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t k = 0; k < n; k++)
			buf[k] = (char)toupper((unsigned char)buf[k]);
		demo_send(&c->self, c->fd, buf, (size_t)n, 0);
	}
	demo_close(&c->self, c->fd);
	return NULL;
}

static void *run_client(void *arg)
{
	struct client *c = arg;
	char text[64], reply[256];
	int fd = demo_socket(&c->self, c->server_addr.ss_family, SOCK_STREAM, 0);

	pthread_barrier_wait(c->start);
	if (fd < 0)
		return NULL;
	if (demo_connect(&c->self, fd, &c->server_addr) == 0) {
		snprintf(text, sizeof(text), "greetings from %s", c->self.side);
		demo_send(&c->self, fd, text, strlen(text), 0);
		demo_recv(&c->self, fd, reply, sizeof(reply), 0);
	}
	demo_close(&c->self, fd);
	return NULL;
}

/* The welcoming loop: one accept and one new thread per client. */
static void accept_clients(struct demo_log *log, int listener, struct connection *conns,
                           pthread_t *threads)
{
	struct actor server = demo_actor(log, "server");
	char side[16];

	for (int i = 0; i < CLIENTS; i++) {
		snprintf(side, sizeof(side), "server %d", i + 1);
		conns[i].self = demo_actor(log, side);
		conns[i].fd = demo_accept(&server, listener);
		if (conns[i].fd >= 0) {
			demo_note(&server, "connection %d gets its own socket (fd %d) and thread",
			          i + 1, conns[i].fd);
			pthread_create(&threads[i], NULL, serve_connection, &conns[i]);
		}
	}
}

int demo_run_tcp_concurrent(struct demo_log *log, const struct demo_env *env)
{
	struct actor server = demo_actor(log, "server");
	struct connection conns[CLIENTS];
	struct client clients[CLIENTS];
	pthread_t server_threads[CLIENTS], client_threads[CLIENTS];
	pthread_barrier_t start;
	char side[16];
	int listener;

	clients[0].server_addr = demo_loopback4(env->base_port);
	listener = demo_open_listener(&server, &clients[0].server_addr, CLIENTS);
	if (listener < 0)
		return listener;
	pthread_barrier_init(&start, NULL, CLIENTS);
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(side, sizeof(side), "client %d", i + 1);
		clients[i].self = demo_actor(log, side);
		clients[i].server_addr = clients[0].server_addr;
		clients[i].start = &start;
		pthread_create(&client_threads[i], NULL, run_client, &clients[i]);
	}
	accept_clients(log, listener, conns, server_threads);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(client_threads[i], NULL);
	for (int i = 0; i < CLIENTS; i++)
		if (conns[i].fd >= 0)
			pthread_join(server_threads[i], NULL);
	pthread_barrier_destroy(&start);
	demo_close(&server, listener);
	return 0;
}
