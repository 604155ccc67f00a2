/*
 * tcp-bulk - a multi-megabyte transfer (2 MiB) through a bottleneck, with drops.
 *
 * In its private namespace the demo gives loopback an Ethernet-sized MTU
 * (1500 bytes, so the transfer is thousands of segments, not a few 64 KiB
 * ones), a token-bucket bottleneck (tc tbf, 100 Mbit/s: round trips long
 * enough for the kernel's samples to follow cwnd), and an nftables rule that
 * drops a few data segments on their way in.  The sender's congestion
 * control shows its whole story: slow start (cwnd doubling each round trip,
 * RFC 5681 §3.1), duplicate ACKs and SACKs after each drop, fast retransmit
 * and fast recovery (ssthresh set, cwnd reduced, RFC 6675 / RFC 8985), growth
 * again.  The capture keeps only the headers of each frame.
 */
#include "calls.h"
#include "demos.h"

#include <netinet/in.h>
#include <stdio.h>
#include <time.h>

#define TOTAL      (2 * 1024 * 1024)
#define CHUNK      (256 * 1024)
#define MTU        1500
#define DROP_EVERY 400 /* of the data segments to the server, drop one in this many */

struct bulk_server {
	struct actor self;
	int listener;
};

static int shape_network(uint16_t port)
{
	char *tc[] = {"tc",   "qdisc",   "replace", "dev",  "lo",      "root",  "tbf",
	              "rate", "100mbit", "burst",   "32kb", "latency", "200ms", NULL};
	char rules[512];
	char *nft[] = {"nft", rules, NULL};

	if (demo_netns_loopback_mtu(MTU) < 0 || demo_netns_run(tc) != 0)
		return -1;
	snprintf(rules, sizeof(rules),
	         "add table ip sockscope_bulk; "
	         "add chain ip sockscope_bulk input { type filter hook input priority 0; "
	         "policy accept; }; "
	         "add rule ip sockscope_bulk input tcp dport %u ip length > 1000 "
	         "numgen inc mod %d == %d drop",
	         port, DROP_EVERY, DROP_EVERY / 2);
	return demo_netns_run(nft);
}

static void *bulk_server_run(void *arg)
{
	struct bulk_server *server = arg;
	static char buf[CHUNK];
	char reply[48];
	ssize_t n, got = 0;
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	while ((n = demo_recv(&server->self, conn, buf, sizeof(buf), MSG_WAITALL)) > 0)
		got += n;
	snprintf(reply, sizeof(reply), "got %zd bytes", got);
	demo_send(&server->self, conn, reply, strlen(reply), 0);
	demo_close(&server->self, conn);
	return NULL;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void bulk_client_run(const struct actor *client, const struct sockaddr_storage *addr)
{
	static char data[CHUNK];
	char reply[48];
	struct timespec start;
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return;
	memset(data, 'b', sizeof(data));
	if (demo_connect(client, fd, addr) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &start);
		for (size_t sent = 0; sent < TOTAL; sent += sizeof(data))
			if (demo_send(client, fd, data, sizeof(data), 0) < 0)
				break;
		demo_shutdown(client, fd, SHUT_WR);
		if (demo_recv(client, fd, reply, sizeof(reply), 0) > 0) {
			double s = seconds_since(&start);
			demo_note(client,
			          "%d bytes acknowledged and answered in %.3f s: %.1f Mbit/s",
			          TOTAL, s, TOTAL * 8 / s / 1e6);
		}
	}
	demo_close(client, fd);
}

int demo_run_tcp_bulk(struct demo_log *log, const struct demo_env *env)
{
	struct bulk_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;

	if (!env->netns) {
		demo_log_error(log, "tcp-bulk must run in its own network namespace: run it with "
		                    "`sockscope demo tcp-bulk`");
		return -SS_EUSAGE;
	}
	if (shape_network(env->base_port) != 0) {
		demo_log_error(log, "tc or nft could not shape the namespace's loopback: tcp-bulk "
		                    "needs root, iproute2 (tc, tbf) and nftables");
		return -SS_EPERM;
	}
	demo_note(&client,
	          "loopback here: MTU %d, 100 Mbit/s token bucket, nftables drops one "
	          "data segment in %d",
	          MTU, DROP_EVERY);
	server.listener = demo_open_listener(&server.self, &addr, 4);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, bulk_server_run, &server);
	bulk_client_run(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	return 0;
}
