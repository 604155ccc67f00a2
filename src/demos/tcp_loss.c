/*
 * tcp-loss - a lost segment and its retransmission.
 *
 * Loopback never loses anything, so the demo makes a loss happen: it runs in
 * a private network namespace (the runner enters it before the capture
 * starts) and installs an nftables rule there that drops, once, the first
 * data segment of the right size on its way in.  The capture sees packets
 * before the input hook, so the timeline shows the segment, silence, and the
 * same bytes again when the sender's timer (the tail loss probe or the RTO,
 * RFC 8985 and RFC 6298) fires: a retransmission.  Needs root (namespaces,
 * nftables).
 */
#include "calls.h"
#include "demos.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>

#define BLOCK 1220 /* payload bytes: IP length 1260-1272 with or without timestamps */

struct loss_server {
	struct actor self;
	int listener;
};

/* Runs `nft COMMANDS` (already inside the private namespace).  Returns its exit status. */
static int run_nft(const char *commands)
{
	char *argv[] = {"nft", (char *)commands, NULL};
	return demo_netns_run(argv);
}

/* Drops the first data segment of BLOCK bytes to the server: quota lets one through free. */
static int install_drop_rule(uint16_t port)
{
	char rules[512];

	snprintf(rules, sizeof(rules),
	         "add table ip sockscope_loss; "
	         "add chain ip sockscope_loss input { type filter hook input priority 0; "
	         "policy accept; }; "
	         "add rule ip sockscope_loss input tcp dport %u tcp flags & (syn | fin | rst) == 0 "
	         "ip length 1250-1300 quota until 1400 bytes drop",
	         port);
	return run_nft(rules);
}

static void *loss_server_run(void *arg)
{
	struct loss_server *server = arg;
	char buf[BLOCK], reply[32];
	ssize_t n, got = 0;
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	while (got < BLOCK && (n = demo_recv(&server->self, conn, buf, sizeof(buf), 0)) > 0)
		got += n;
	snprintf(reply, sizeof(reply), "got %zd bytes", got);
	demo_send(&server->self, conn, reply, strlen(reply), 0);
	while (demo_recv(&server->self, conn, buf, sizeof(buf), 0) > 0)
		;
	demo_close(&server->self, conn);
	return NULL;
}

static void send_block(const struct actor *client, const struct sockaddr_storage *addr)
{
	static char block[BLOCK];
	char reply[32];
	int one = 1;
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	memset(block, 'x', sizeof(block));
	demo_setsockopt(client, fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one), "TCP_NODELAY 1");
	if (demo_connect(client, fd, addr) == 0) {
		demo_note(client, "the first copy of the next segment will be dropped on the way");
		demo_send(client, fd, block, sizeof(block), 0);
		demo_recv(client, fd, reply, sizeof(reply), 0);
		demo_note(client, "the reply came only after the sender's timer resent the data");
	}
	demo_close(client, fd);
}

int demo_run_tcp_loss(struct demo_log *log, const struct demo_env *env)
{
	struct loss_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;

	if (!env->netns) {
		demo_log_error(log, "tcp-loss must run in its own network namespace: run it with "
		                    "`sockscope demo tcp-loss`");
		return -SS_EUSAGE;
	}
	if (install_drop_rule(env->base_port) != 0) {
		demo_log_error(log, "nft could not install the drop rule: tcp-loss needs root "
		                    "and nftables");
		return -SS_EPERM;
	}
	demo_note(&client, "nftables in this namespace drops the first %d-byte data segment once",
	          BLOCK);
	server.listener = demo_open_listener(&server.self, &addr, 4);
	if (server.listener < 0)
		return server.listener;
	pthread_create(&thread, NULL, loss_server_run, &server);
	send_block(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	run_nft("delete table ip sockscope_loss"); /* the namespace goes too; be tidy anyway */
	return 0;
}
