/*
 * tcp-fast-retransmit - one segment lost among ten in flight, resent after
 * duplicate ACKs, without waiting for a timer.
 *
 * Like tcp-loss, the demo runs in a private network namespace (the runner
 * enters it before the capture starts) and drops one segment once with an
 * nftables rule on the input hook, after the capture point.  Here the client
 * writes ten full segments in one send(), so many are in flight when the
 * third is lost.  Each segment that arrives above the hole makes the receiver
 * repeat its ACK at once, with a SACK block saying what it holds (RFC 2018).
 * The client is still inside send() while these come back, so its kernel
 * reads them together when the call ends; three SACKed segments above the
 * hole is Linux's duplicate-ACK threshold (net.ipv4.tcp_reordering, RFC 5681
 * §3.2), and it resends the missing segment at once: microseconds, where the
 * retransmission timer could not fire before 200 ms (Linux's minimum RTO).
 *
 * Linux's default loss detection, RACK (RFC 8985), may instead resend after
 * one or two duplicate ACKs, once a quarter of the smallest round trip has
 * passed since the segment was sent: on loopback, microseconds, so now and
 * then (once in a few dozen runs) it did.  The namespace turns it off
 * (net.ipv4.tcp_recovery = 0), so that the sender follows the duplicate-ACK
 * threshold this demo teaches, and says so in a note.
 *
 * Loopback's 64 KB MTU and segmentation offload would carry the whole write
 * as one packet, so the namespace's lo gets an Ethernet MTU (1500) and no
 * offload: one segment per packet.  The namespace's own counters (TcpExt in
 * /proc/net/netstat) say afterwards which mechanism resent it.  Needs root.
 */
#include "calls.h"
#include "demos.h"
#include "inspect.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>

#define SEGMENTS  10
#define DROPPED   3    /* the segment the rule drops, counted from 1 */
#define ETHER_MTU "1500"
#define MAX_MSS   1460 /* MTU 1500 less 40 bytes of IP and TCP headers */
#define TABLE     "sockscope_fast"


struct fr_server {
	struct actor self;
	int listener;
};

/* One segment per packet: an Ethernet MTU on lo and no segmentation offload (GSO). */
static int ethernet_sized_loopback(void)
{
	char *argv[] = {"ip",           "link",    "set", "lo", "mtu", ETHER_MTU, "gso_max_size",
	                ETHER_MTU,      NULL};
	return demo_netns_run(argv);
}

/* The classic duplicate-ACK threshold only, in this namespace: RACK off (see above). */
static int classic_loss_detection(void)
{
	char *argv[] = {"sh", "-c", "echo 0 > /proc/sys/net/ipv4/tcp_recovery", NULL};
	return demo_netns_run(argv);
}

/*
 * Drops, once, the segment whose payload starts with the DROPPED block's
 * label ("segment 3 "): @ih is the first byte after the TCP header, and nft
 * compares raw payload as one hexadecimal number.  The quota lets the
 * retransmission (the same bytes) through.
 */
static int install_drop_rule(uint16_t port)
{
	char label[16], hex[2 * sizeof(label) + 1] = "", rules[512];
	char *argv[] = {"nft", rules, NULL};
	int n = snprintf(label, sizeof(label), "segment %d ", DROPPED);

	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, sizeof(hex) - 2 * (size_t)i, "%02x", (unsigned char)label[i]);
	snprintf(rules, sizeof(rules),
	         "add table ip " TABLE "; "
	         "add chain ip " TABLE " input { type filter hook input priority 0; "
	         "policy accept; }; "
	         "add rule ip " TABLE " input tcp dport %u @ih,0,%d 0x%s "
	         "quota until 1600 bytes drop",
	         port, 8 * n, hex);
	return demo_netns_run(argv);
}

static void remove_drop_rule(void)
{
	char *argv[] = {"nft", "delete table ip " TABLE, NULL};
	demo_netns_run(argv); /* the namespace goes too; be tidy anyway */
}

static void *fr_server_run(void *arg)
{
	struct fr_server *server = arg;
	char buf[4096], reply[32];
	ssize_t n;
	size_t got = 0;
	int conn = demo_accept(&server->self, server->listener);

	if (conn < 0)
		return NULL;
	/* to the end of the stream: the client's shutdown(SHUT_WR) */
	while ((n = demo_recv(&server->self, conn, buf, sizeof(buf), 0)) > 0)
		got += (size_t)n;
	snprintf(reply, sizeof(reply), "got %zu bytes", got);
	demo_send(&server->self, conn, reply, strlen(reply), 0);
	demo_close(&server->self, conn);
	return NULL;
}

static void describe_mss(const void *value, char *text, size_t size)
{
	snprintf(text, size, "TCP_MAXSEG -> %d", *(const int *)value);
}

/* SEGMENTS blocks of one MSS each, each starting with its label: "segment 3 ...". */
static void fill_blocks(char *data, int mss)
{
	for (int k = 0; k < SEGMENTS; k++) {
		char *block = data + (size_t)k * (size_t)mss;
		memset(block, '.', (size_t)mss);
		int n = snprintf(block, (size_t)mss, "segment %d of %d ", k + 1, SEGMENTS);
		block[n] = '.'; /* no NUL inside the stream */
	}
}

static void send_segments(const struct actor *client, const struct sockaddr_storage *addr)
{
	static char data[SEGMENTS * MAX_MSS];
	char reply[32];
	int one = 1;
	int fd = demo_socket(client, AF_INET, SOCK_STREAM, 0);

	demo_setsockopt(client, fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one), "TCP_NODELAY 1");
	if (demo_connect(client, fd, addr) == 0) {
		int mss = 0;
		if (demo_getsockopt(client, fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss),
		                    describe_mss) != 0 ||
		    mss <= 0 || mss > MAX_MSS)
			mss = MAX_MSS - 12; /* 12 bytes of timestamp option */
		fill_blocks(data, mss);
		demo_note(client, "one send() of %d segments of %d bytes: all in flight at once; "
		                  "segment %d is dropped once on its way in",
		          SEGMENTS, mss, DROPPED);
		demo_send(client, fd, data, (size_t)mss * SEGMENTS, 0);
		demo_shutdown(client, fd, SHUT_WR);
		demo_recv(client, fd, reply, sizeof(reply), 0);
	}
	demo_close(client, fd);
}

/* What the kernel itself counted in this namespace: which mechanism resent the segment. */
static void note_counters(const struct actor *client)
{
	demo_note(client,
	          "kernel counters in this namespace: TCPFastRetrans %ld, TCPTimeouts %ld "
	          "(RTO), TCPLossProbes %ld (tail loss probe)",
	          demo_netstat_counter("TCPFastRetrans"), demo_netstat_counter("TCPTimeouts"),
	          demo_netstat_counter("TCPLossProbes"));
}

int demo_run_tcp_fast_retransmit(struct demo_log *log, const struct demo_env *env)
{
	struct fr_server server = {.self = demo_actor(log, "server")};
	struct actor client = demo_actor(log, "client");
	struct sockaddr_storage addr = demo_loopback4(env->base_port);
	pthread_t thread;

	if (!env->netns) {
		demo_log_error(log, "tcp-fast-retransmit must run in its own network namespace: "
		                    "run it with `sockscope demo tcp-fast-retransmit`");
		return -SS_EUSAGE;
	}
	if (ethernet_sized_loopback() != 0) {
		demo_log_error(log, "ip could not set lo's MTU: tcp-fast-retransmit needs root "
		                    "and iproute2");
		return -SS_EPERM;
	}
	bool classic = classic_loss_detection() == 0;
	if (install_drop_rule(env->base_port) != 0) {
		demo_log_error(log, "nft could not install the drop rule: tcp-fast-retransmit needs "
		                    "root and nftables");
		return -SS_EPERM;
	}
	demo_note(&client, "lo has MTU %s and no segmentation offload here; nftables drops "
	                   "the segment starting \"segment %d \" once",
	          ETHER_MTU, DROPPED);
	demo_note(&client, classic
	                       ? "RACK loss detection is off in this namespace (net.ipv4.tcp_recovery "
	                         "= 0): the sender resends after three duplicate ACKs (RFC 5681); "
	                         "Linux's default, RACK (RFC 8985), may resend after fewer"
	                       : "RACK loss detection could not be turned off: the sender may resend "
	                         "after fewer than three duplicate ACKs (RFC 8985)");
	server.listener = demo_open_listener(&server.self, &addr, 4);
	if (server.listener < 0) {
		remove_drop_rule();
		return server.listener;
	}
	pthread_create(&thread, NULL, fr_server_run, &server);
	send_segments(&client, &addr);
	pthread_join(thread, NULL);
	demo_close(&server.self, server.listener);
	note_counters(&client);
	remove_drop_rule();
	return 0;
}
