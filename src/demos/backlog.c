/*
 * backlog - more clients than the listen queue holds.
 *
 * The kernel completes handshakes on its own and queues the connections
 * until the server calls accept().  listen(fd, 1) lets Linux queue two
 * (it refuses when the queue holds *more* than the backlog); while the queue
 * is full, a new client's SYN is silently dropped (not refused), and the
 * client's TCP sends it again after its initial retransmission timeout of
 * one second (RFC 6298 §2.1).  The server here waits before accepting, so the
 * third client's connect() takes about a second.
 *
 * The evidence is logged next to the packets: while the SYN waits, the server
 * reads its listening socket's TCP_INFO, where Linux reports the accept
 * queue's length (tcpi_unacked) and the backlog (tcpi_sacked); the third
 * client notes how long its connect() took.
 */
#include "calls.h"
#include "demos.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <time.h>

#include "inspect.h"

#define CLIENTS         3
#define BACKLOG         1
#define SERVER_DELAY_MS 600
#define CLIENT_GAP_MS   30
#define QUEUE_CHECK_MS  (CLIENT_GAP_MS * CLIENTS + 30) /* after the last client's SYN */
#define SLOW_CONNECT_S  0.5 /* loopback answers a SYN in microseconds; this is a retry */

struct bl_client {
	struct actor self;
	struct sockaddr_storage server_addr;
	int delay_ms; /* start one after another, so the order is fixed */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* connect(), and a note when it took long enough that its first SYN cannot have been answered. */
static int timed_connect(const struct actor *client, int fd, const struct sockaddr_storage *to)
{
	double start = now_s();
	int ret = demo_connect(client, fd, to);
	double took = now_s() - start;

	if (took > SLOW_CONNECT_S)
		demo_note(client,
		          "connect() took %.3f s, not microseconds: its first SYN had no answer, "
		          "and the kernel sent it again when the SYN's 1 s timer expired",
		          took);
	return ret;
}

static void *bl_client_run(void *arg)
{
	struct bl_client *c = arg;
	char reply[64];
	int fd;

	demo_sleep_ms(c->delay_ms);
	fd = demo_socket(&c->self, AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return NULL;
	if (timed_connect(&c->self, fd, &c->server_addr) == 0) {
		demo_send(&c->self, fd, c->self.side, strlen(c->self.side), 0);
		demo_recv(&c->self, fd, reply, sizeof(reply), 0);
	}
	demo_close(&c->self, fd);
	return NULL;
}

/* On a listening socket Linux's tcp_info holds the accept queue: length and limit. */
static void describe_queue(const void *value, char *text, size_t size)
{
	const struct tcp_info *info = value;
	snprintf(text, size, "TCP_INFO -> accept queue %u, backlog %u", info->tcpi_unacked,
	         info->tcpi_sacked);
}

/* The kernel's own view of the queue while the last client's SYN waits. */
static void check_queue(const struct actor *server, int listener)
{
	struct tcp_info info;

	memset(&info, 0, sizeof(info));
	if (demo_getsockopt(server, listener, IPPROTO_TCP, TCP_INFO, &info, sizeof(info),
	                    describe_queue) != 0)
		return;
	if (info.tcpi_unacked > info.tcpi_sacked)
		demo_note(server,
		          "the accept queue holds %u connections, more than the backlog of %u: "
		          "the kernel drops new SYNs without an answer",
		          info.tcpi_unacked, info.tcpi_sacked);
}

static void serve_queue(const struct actor *server, int listener)
{
	char buf[64];

	demo_note(server, "sleeps %d ms before its first accept(): the queue fills",
	          SERVER_DELAY_MS);
	demo_sleep_ms(QUEUE_CHECK_MS);
	check_queue(server, listener);
	demo_sleep_ms(SERVER_DELAY_MS - QUEUE_CHECK_MS);
	for (int i = 0; i < CLIENTS; i++) {
		int conn = demo_accept(server, listener);
		if (conn < 0)
			break;
		ssize_t n = demo_recv(server, conn, buf, sizeof(buf), 0);
		if (n > 0)
			demo_send(server, conn, buf, (size_t)n, 0);
		demo_close(server, conn);
	}
}

int demo_run_backlog(struct demo_log *log, const struct demo_env *env)
{
	struct actor server = demo_actor(log, "server");
	struct bl_client clients[CLIENTS];
	pthread_t threads[CLIENTS];
	char side[16];
	int listener;

	clients[0].server_addr = demo_loopback4(env->base_port);
	listener = demo_open_listener(&server, &clients[0].server_addr, BACKLOG);
	if (listener < 0)
		return listener;
	demo_note(&server, "listen backlog %d: Linux queues up to %d finished handshakes", BACKLOG,
	          BACKLOG + 1);
	for (int i = 0; i < CLIENTS; i++) {
		snprintf(side, sizeof(side), "client %d", i + 1);
		clients[i].self = demo_actor(log, side);
		clients[i].server_addr = clients[0].server_addr;
		clients[i].delay_ms = CLIENT_GAP_MS * i;
		pthread_create(&threads[i], NULL, bl_client_run, &clients[i]);
	}
	serve_queue(&server, listener);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(threads[i], NULL);
	demo_close(&server, listener);
	return 0;
}
