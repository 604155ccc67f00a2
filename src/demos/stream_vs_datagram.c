/*
 * stream-vs-datagram - where message boundaries go.
 *
 * TCP is a byte stream: three send() calls put three segments on the wire
 * (TCP_NODELAY turns off Nagle's batching), but a receiver that reads later
 * gets all the bytes from one recv(): the boundaries are gone.  UDP keeps
 * them: three sendto() calls are three datagrams, and each recvfrom() returns
 * exactly one, however late it reads.  The receivers sleep before reading, so
 * the outcome does not depend on timing.
 */
#include "calls.h"
#include "demos.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#define WAIT_MS 200

static const char *const pieces[3] = {"one ", "two ", "three"};

struct receiver {
	struct actor self;
	int fd; /* TCP: the listener; UDP: the bound socket */
};

static void *tcp_receiver(void *arg)
{
	struct receiver *r = arg;
	char buf[256];
	int conn = demo_accept(&r->self, r->fd);

	if (conn < 0)
		return NULL;
	demo_note(&r->self, "sleeps %d ms before reading", WAIT_MS);
	demo_sleep_ms(WAIT_MS);
	demo_recv(&r->self, conn, buf, sizeof(buf), 0); /* all three pieces at once */
	demo_recv(&r->self, conn, buf, sizeof(buf), 0); /* 0: the client closed */
	demo_close(&r->self, conn);
	return NULL;
}

static void *udp_receiver(void *arg)
{
	struct receiver *r = arg;
	struct sockaddr_storage from;
	char buf[256];

	demo_note(&r->self, "sleeps %d ms before reading", WAIT_MS);
	demo_sleep_ms(WAIT_MS);
	for (int i = 0; i < 3; i++)
		demo_recvfrom(&r->self, r->fd, buf, sizeof(buf), &from); /* one datagram each */
	return NULL;
}

static int tcp_part(struct demo_log *log, const struct sockaddr_storage *addr)
{
	struct receiver server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	int one = 1, fd;
	pthread_t thread;

	server.fd = demo_open_listener(&server.self, addr, 4);
	if (server.fd < 0)
		return server.fd;
	pthread_create(&thread, NULL, tcp_receiver, &server);
	fd = demo_socket(&client, AF_INET, SOCK_STREAM, 0);
	demo_setsockopt(&client, fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one), "TCP_NODELAY 1");
	if (demo_connect(&client, fd, addr) == 0)
		for (int i = 0; i < 3; i++)
			demo_send(&client, fd, pieces[i], strlen(pieces[i]), 0);
	else
		shutdown(server.fd, SHUT_RDWR);
	demo_close(&client, fd);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.fd);
	return 0;
}

static int udp_part(struct demo_log *log, const struct sockaddr_storage *addr)
{
	struct receiver server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	pthread_t thread;
	int fd;

	server.fd = demo_socket(&server.self, AF_INET, SOCK_DGRAM, 0);
	if (server.fd < 0 || demo_bind(&server.self, server.fd, addr) < 0)
		return demo_fail(&server.self, "socket/bind");
	demo_set_receive_timeout(&server.self, server.fd, 1000);
	pthread_create(&thread, NULL, udp_receiver, &server);
	fd = demo_socket(&client, AF_INET, SOCK_DGRAM, 0);
	for (int i = 0; i < 3; i++)
		demo_sendto(&client, fd, pieces[i], strlen(pieces[i]), addr);
	demo_close(&client, fd);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.fd);
	return 0;
}

int demo_run_stream_vs_datagram(struct demo_log *log, const struct demo_env *env)
{
	struct sockaddr_storage tcp_addr = demo_loopback4(env->base_port);
	struct sockaddr_storage udp_addr = demo_loopback4((uint16_t)(env->base_port + 1));
	struct actor narrator = demo_actor(log, "demo");
	int ret;

	demo_note(&narrator, "part 1: TCP, three sends");
	ret = tcp_part(log, &tcp_addr);
	if (ret == 0) {
		demo_note(&narrator, "part 2: UDP, three sendto calls");
		ret = udp_part(log, &udp_addr);
	}
	return ret;
}
