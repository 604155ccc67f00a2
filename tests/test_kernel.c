/*
 * test_kernel.c - the kernel sampler's parsers on crafted, truncated and
 * lying input (sock_diag replies, /proc/net/netstat, snmp, snmp6), the
 * sentences that cite the kernel, and one live sample of a loopback socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockscope/kernel.h"

#define SEQ 7

/* ---- crafting sock_diag replies ---- */

struct reply {
	uint8_t buf[4096];
	size_t len;
};

static void put(struct reply *r, const void *data, size_t len)
{
	assert_true(r->len + len <= sizeof r->buf);
	memcpy(r->buf + r->len, data, len);
	r->len += len;
}

static void pad(struct reply *r)
{
	static const uint8_t zeros[4];
	put(r, zeros, NLMSG_ALIGN(r->len) - r->len);
}

static void put_attr(struct reply *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = {.rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type};
	put(r, &rta, sizeof rta);
	put(r, data, len);
	pad(r);
}

/* One socket message: 127.0.0.1:sport -> 127.0.0.1:dport, tcp_info of info_len bytes. */
static size_t put_socket(struct reply *r, uint8_t state, uint16_t sport, uint16_t dport,
                         size_t info_len, uint32_t seq)
{
	size_t start = r->len;
	struct nlmsghdr h = {.nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_seq = seq};
	struct inet_diag_msg msg = {.idiag_family = AF_INET, .idiag_state = state};
	uint8_t info[600] = {0};
	struct tcp_info ti = {0};
	uint32_t mem[SK_MEMINFO_VARS] = {0};

	msg.id.idiag_sport = htons(sport);
	msg.id.idiag_dport = htons(dport);
	msg.id.idiag_src[0] = htonl(INADDR_LOOPBACK);
	msg.id.idiag_dst[0] = htonl(INADDR_LOOPBACK);
	msg.id.idiag_cookie[0] = 42;
	msg.idiag_rqueue = 2;
	msg.idiag_wqueue = 1;
	ti.tcpi_state = state;
	ti.tcpi_ca_state = 4;
	ti.tcpi_rto = 204000;
	ti.tcpi_rtt = 50;
	ti.tcpi_snd_cwnd = 10;
	ti.tcpi_unacked = 1;
	ti.tcpi_delivery_rate = 1234567;
	memcpy(info, &ti, sizeof ti);
	mem[SK_MEMINFO_RCVBUF] = 4608;
	put(r, &h, sizeof h);
	put(r, &msg, sizeof msg);
	if (info_len)
		put_attr(r, INET_DIAG_INFO, info, info_len);
	put_attr(r, INET_DIAG_SKMEMINFO, mem, sizeof mem);
	struct nlmsghdr *hp = (struct nlmsghdr *)(r->buf + start);
	hp->nlmsg_len = (uint32_t)(r->len - start);
	return start;
}

static void put_done(struct reply *r)
{
	struct nlmsghdr h = {
	    .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_DONE, .nlmsg_seq = SEQ};
	int32_t zero = 0;
	put(r, &h, sizeof h);
	put(r, &zero, sizeof zero);
}

struct seen {
	size_t count;
	struct kernel_socket last;
};

static void collect(const struct kernel_socket *sock, void *ctx)
{
	struct seen *s = ctx;
	s->count++;
	s->last = *sock;
}

static void test_diag_parses_a_socket(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};
	char text[SS_ADDR_STRLEN];

	(void)state;
	put_socket(&r, KTCP_ESTABLISHED, 47000, 55000, sizeof(struct tcp_info), SEQ);
	put_done(&r);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), 1);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.last.local_port, 47000);
	assert_int_equal(seen.last.remote_port, 55000);
	assert_string_equal(ss_addr_format(&seen.last.local, text, sizeof text), "127.0.0.1");
	assert_int_equal(seen.last.cookie, 42);
	assert_int_equal(seen.last.rqueue, 2);
	assert_int_equal(seen.last.wqueue, 1);
	assert_true(seen.last.has_info);
	assert_int_equal(seen.last.info.value[KTI_RTO], 204000);
	assert_int_equal(seen.last.info.value[KTI_SND_CWND], 10);
	assert_int_equal(seen.last.info.value[KTI_DELIVERY_RATE], 1234567);
	assert_string_equal(kernel_ca_state_name((unsigned)seen.last.info.value[KTI_CA_STATE]),
	                    "loss");
	assert_true(seen.last.has_mem);
	assert_int_equal(seen.last.rcvbuf, 4608);
}

/* An older kernel's struct tcp_info stops early: what it does not reach is unknown. */
static void test_diag_short_tcp_info(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};
	size_t cut = offsetof(struct tcp_info, tcpi_rcv_rtt);

	(void)state;
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, cut, SEQ);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), 0);
	assert_int_equal(seen.count, 1);
	assert_true(seen.last.info.known & (1u << KTI_SND_CWND));
	assert_int_equal(seen.last.info.value[KTI_RTT], 50);
	assert_false(seen.last.info.known & (1u << KTI_RCV_SPACE));
	assert_false(seen.last.info.known & (1u << KTI_DELIVERY_RATE));
	assert_int_equal(seen.last.info.value[KTI_DELIVERY_RATE], 0);
}

/* A longer struct (a newer kernel) is read as far as we know it. */
static void test_diag_long_tcp_info(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};

	(void)state;
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, 600, SEQ);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), 0);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.last.info.known, (1u << KTI_FIELD_COUNT) - 1);
}

/* Every prefix of a valid reply: never a read outside it, never a socket invented. */
static void test_diag_truncated_everywhere(void **state)
{
	struct reply r = {0};
	size_t second;

	(void)state;
	put_socket(&r, KTCP_LISTEN, 47000, 0, sizeof(struct tcp_info), SEQ);
	second = put_socket(&r, KTCP_ESTABLISHED, 47000, 5, sizeof(struct tcp_info), SEQ);
	put_done(&r);
	for (size_t len = 0; len < r.len; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		struct seen seen = {0};
		memcpy(copy, r.buf, len);
		int rc = kernel_diag_parse(copy, len, SEQ, collect, &seen);
		free(copy);
		assert_true(rc <= 0);
		assert_true(seen.count <= 2);
		if (len < second)
			assert_true(seen.count <= 1);
		if (len == 0 || len == second)
			assert_int_equal(rc, 0);
		else if (len < sizeof(struct nlmsghdr))
			assert_int_equal(rc, -SS_ETRUNC);
	}
}

static void test_diag_lying_message_length(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};
	struct nlmsghdr *h = (struct nlmsghdr *)r.buf;

	(void)state;
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, sizeof(struct tcp_info), SEQ);
	h->nlmsg_len = (uint32_t)r.len + 100;
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_ETRUNC);
	h->nlmsg_len = 3;
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_ETRUNC);
	h->nlmsg_len = sizeof *h + 10; /* too short for an inet_diag_msg */
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_ETRUNC);
	assert_int_equal(seen.count, 0);
}

static void test_diag_lying_attribute_length(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};
	size_t attr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct inet_diag_msg));
	struct rtattr *rta;

	(void)state;
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, sizeof(struct tcp_info), SEQ);
	rta = (struct rtattr *)(r.buf + attr);
	rta->rta_len = 60000;
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EMALFORMED);
	rta->rta_len = 2;
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EMALFORMED);
	assert_int_equal(seen.count, 0);
	/* a short meminfo is ignored, not read past */
	rta->rta_len = (unsigned short)RTA_LENGTH(sizeof(struct tcp_info));
	struct rtattr *mem = (struct rtattr *)(r.buf + attr + RTA_ALIGN(rta->rta_len));
	mem->rta_len = RTA_LENGTH(8);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EMALFORMED);
}

static void test_diag_errors_and_other_messages(void **state)
{
	struct reply r = {0};
	struct seen seen = {0};
	struct nlmsghdr h = {
	    .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = SEQ};
	int32_t err = -EPERM;

	(void)state;
	put(&r, &h, sizeof h);
	put(&r, &err, sizeof err);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EPERM);
	err = -ENOENT;
	memcpy(r.buf + sizeof h, &err, sizeof err);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EIO);
	/* an error message too short to hold its code */
	((struct nlmsghdr *)r.buf)->nlmsg_len = sizeof h;
	assert_int_equal(kernel_diag_parse(r.buf, sizeof h, SEQ, collect, &seen), -SS_ETRUNC);
	/* another request's answer is skipped */
	memset(&r, 0, sizeof r);
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, sizeof(struct tcp_info), SEQ + 1);
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), 0);
	assert_int_equal(seen.count, 0);
	/* an unknown address family is refused */
	memset(&r, 0, sizeof r);
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, 0, SEQ);
	r.buf[NLMSG_HDRLEN] = 99;
	assert_int_equal(kernel_diag_parse(r.buf, r.len, SEQ, collect, &seen), -SS_EMALFORMED);
}

/* ---- exact requests: one known socket, answered alone ---- */

struct exact_seen {
	struct seen seen;
	size_t gone[8], ngone;
};

static void collect_exact(const struct kernel_socket *sock, void *ctx)
{
	collect(sock, &((struct exact_seen *)ctx)->seen);
}

static void note_gone(size_t i, void *ctx)
{
	struct exact_seen *e = ctx;
	if (e->ngone < 8)
		e->gone[e->ngone++] = i;
}

static void put_error(struct reply *r, int32_t err, uint32_t seq)
{
	struct nlmsghdr h = {
	    .nlmsg_len = NLMSG_LENGTH(4), .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = seq};
	put(r, &h, sizeof h);
	put(r, &err, sizeof err);
}

static void test_diag_exact_request(void **state)
{
	struct kernel_socket sock = {.local_port = 47000, .remote_port = 80,
	                             .cookie = 0x1122334455667788ull};
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req;
	uint8_t buf[256];

	(void)state;
	sock.local.family = sock.remote.family = 6;
	sock.local.bytes[15] = 1;
	sock.remote.bytes[15] = 2;
	assert_int_equal(kernel_diag_exact_request(buf, sizeof req - 1, &sock, 9), 0);
	assert_int_equal(kernel_diag_exact_request(buf, sizeof buf, &sock, 9), sizeof req);
	memcpy(&req, buf, sizeof req);
	assert_int_equal(req.h.nlmsg_len, sizeof req);
	assert_int_equal(req.h.nlmsg_seq, 9);
	assert_int_equal(req.h.nlmsg_flags & NLM_F_DUMP, 0); /* one socket, not a dump */
	assert_int_equal(req.r.sdiag_family, AF_INET6);
	assert_int_equal(ntohs(req.r.id.idiag_sport), 47000);
	assert_int_equal(ntohs(req.r.id.idiag_dport), 80);
	assert_int_equal(((uint8_t *)req.r.id.idiag_src)[15], 1);
	assert_int_equal(((uint8_t *)req.r.id.idiag_dst)[15], 2);
	assert_int_equal(req.r.id.idiag_cookie[0], 0x55667788u);
	assert_int_equal(req.r.id.idiag_cookie[1], 0x11223344u);
}

static void test_diag_exact_replies(void **state)
{
	struct reply r = {0};
	struct exact_seen e = {0};

	(void)state;
	/* requests SEQ and SEQ + 1: the first socket is gone, the second answers;
	 * a message of another request is skipped */
	put_error(&r, -ENOENT, SEQ);
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, sizeof(struct tcp_info), SEQ + 1);
	put_socket(&r, KTCP_ESTABLISHED, 3, 4, sizeof(struct tcp_info), SEQ + 5);
	assert_int_equal(kernel_diag_parse_exact(r.buf, r.len, SEQ, 2, collect_exact, note_gone, &e),
	                 2);
	assert_int_equal(e.seen.count, 1);
	assert_int_equal(e.seen.last.local_port, 1);
	assert_int_equal(e.ngone, 1);
	assert_int_equal(e.gone[0], 0);
	/* refused: stop */
	memset(&r, 0, sizeof r);
	put_error(&r, -EPERM, SEQ);
	assert_int_equal(kernel_diag_parse_exact(r.buf, r.len, SEQ, 1, collect_exact, note_gone, &e),
	                 -SS_EPERM);
	/* an error too short to hold its code; a length that lies */
	((struct nlmsghdr *)r.buf)->nlmsg_len = sizeof(struct nlmsghdr);
	assert_int_equal(kernel_diag_parse_exact(r.buf, sizeof(struct nlmsghdr), SEQ, 1,
	                                         collect_exact, note_gone, &e),
	                 -SS_ETRUNC);
	((struct nlmsghdr *)r.buf)->nlmsg_len = 4000;
	assert_int_equal(kernel_diag_parse_exact(r.buf, r.len, SEQ, 1, collect_exact, note_gone, &e),
	                 -SS_ETRUNC);
	/* every truncation of a good reply: never a read past the end */
	memset(&r, 0, sizeof r);
	put_socket(&r, KTCP_ESTABLISHED, 1, 2, sizeof(struct tcp_info), SEQ);
	for (size_t len = 0; len < r.len; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		memcpy(copy, r.buf, len);
		int rc = kernel_diag_parse_exact(copy, len, SEQ, 1, collect_exact, note_gone, &e);
		assert_true(rc <= 1);
		free(copy);
	}
}

/* The real kernel answers an exact request for a live connection, and says a
 * socket nobody has is not there. */
static void test_diag_exact_against_the_kernel(void **state)
{
	struct sockaddr_in addr = {.sin_family = AF_INET}, peer;
	socklen_t len = sizeof addr;
	int listener = socket(AF_INET, SOCK_STREAM, 0), client = socket(AF_INET, SOCK_STREAM, 0);
	int nl = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct kernel_socket want = {0};
	struct exact_seen e = {0};
	uint8_t req[512], buf[8192];

	(void)state;
	if (nl < 0) {
		fprintf(stderr, "SKIPPED: no sock_diag here\n");
		skip();
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	assert_int_equal(connect(client, (struct sockaddr *)&addr, sizeof addr), 0);
	len = sizeof peer;
	assert_int_equal(getsockname(client, (struct sockaddr *)&peer, &len), 0);
	want.local.family = want.remote.family = 4;
	memcpy(want.local.bytes, &peer.sin_addr, 4);
	memcpy(want.remote.bytes, &addr.sin_addr, 4);
	want.local_port = ntohs(peer.sin_port);
	want.remote_port = ntohs(addr.sin_port);
	want.cookie = UINT64_MAX; /* INET_DIAG_NOCOOKIE: any socket with these addresses */
	size_t n = kernel_diag_exact_request(req, sizeof req, &want, 100);
	struct kernel_socket nobody = want;
	nobody.local_port = 1; /* nobody has 127.0.0.1:1 -> the listener's port */
	n += kernel_diag_exact_request(req + n, sizeof req - n, &nobody, 101);
	assert_true(sendto(nl, req, n, 0, (struct sockaddr *)&kernel, sizeof kernel) == (ssize_t)n);
	int answered = 0;
	while (answered < 2) {
		ssize_t got = recv(nl, buf, sizeof buf, 0);
		assert_true(got > 0);
		int rc = kernel_diag_parse_exact(buf, (size_t)got, 100, 2, collect_exact, note_gone, &e);
		assert_true(rc >= 0);
		answered += rc;
	}
	assert_int_equal(e.seen.count, 1);
	assert_int_equal(e.seen.last.local_port, want.local_port);
	assert_int_equal(e.seen.last.remote_port, want.remote_port);
	assert_int_equal(e.seen.last.state, KTCP_ESTABLISHED);
	assert_true(e.seen.last.has_info);
	assert_int_equal(e.ngone, 1);
	assert_int_equal(e.gone[0], 1);
	close(nl);
	close(client);
	close(listener);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(kernel_tcp_state_name(KTCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(kernel_tcp_state_name(KTCP_LISTEN), "LISTEN");
	assert_string_equal(kernel_tcp_state_name(0), "UNKNOWN");
	assert_string_equal(kernel_tcp_state_name(200), "UNKNOWN");
	assert_string_equal(kernel_ca_state_name(9), "unknown");
}

/* ---- /proc/net ---- */

static void test_proc_pairs(void **state)
{
	struct kernel_counters c = {0};
	const char *text = "TcpExt: SyncookiesSent ListenOverflows\n"
	                   "TcpExt: 0 3\n"
	                   "IpExt: InOctets\n"
	                   "IpExt: 1000\n"
	                   "Tcp: RtoAlgorithm MaxConn\n"
	                   "Tcp: 1 -1";
	(void)state;
	assert_int_equal(kernel_counters_parse_pairs(&c, text), 5);
	assert_int_equal(kernel_counters_find(&c, "TcpExtListenOverflows")->value, 3);
	assert_int_equal(kernel_counters_find(&c, "IpExtInOctets")->value, 1000);
	assert_int_equal(kernel_counters_find(&c, "TcpMaxConn")->value, -1);
	assert_null(kernel_counters_find(&c, "ListenOverflows"));
	kernel_counters_free(&c);
}

static void test_proc_malformed_lines(void **state)
{
	struct kernel_counters c = {0};
	const char *text = "garbage without colon\n"
	                   "Udp: InDatagrams NoPorts\n"
	                   "Udp: 1\n" /* one value for two names: skipped */
	                   "Icmp: InMsgs\n"
	                   "Icmp: 12x\n" /* not a number: skipped */
	                   "Ip: Forwarding\n"
	                   "Udp: 5\n" /* values of another prefix: skipped */
	                   ": 1\n"
	                   "Ip: InReceives\n"
	                   "Ip: 99999999999999999999999\n" /* overflows: skipped */
	                   "UdpLite: InDatagrams\n"
	                   "UdpLite: 4\n"
	                   "Tcp: ActiveOpens\n"; /* names without values at the end */
	(void)state;
	assert_int_equal(kernel_counters_parse_pairs(&c, text), 1);
	assert_int_equal(kernel_counters_find(&c, "UdpLiteInDatagrams")->value, 4);
	assert_null(kernel_counters_find(&c, "UdpNoPorts"));
	kernel_counters_free(&c);
	assert_int_equal(kernel_counters_parse_pairs(&c, ""), 0);
	/* a name too long for any nstat counter is left out */
	char longer[256];
	memset(longer, 0, sizeof longer);
	strcpy(longer, "TcpExt: ");
	memset(longer + 8, 'A', 60);
	strcat(longer, " B\nTcpExt: 1 2\n");
	assert_int_equal(kernel_counters_parse_pairs(&c, longer), 1);
	assert_int_equal(kernel_counters_find(&c, "TcpExtB")->value, 2);
	kernel_counters_free(&c);
	/* names are letters, digits and '_' only: a quote or a control byte is not a counter */
	assert_int_equal(kernel_counters_parse_pairs(&c, "Tcp\": A\"B C\x01 D\nTcp\": 1 2 3\n"
	                                                 "Udp: A\"B C\x01 D\nUdp: 1 2 3\n"),
	                 1);
	assert_int_equal(kernel_counters_find(&c, "UdpD")->value, 3);
	assert_int_equal(kernel_counters_parse_flat(&c, "Ip6\\x 5\nIp6Ok 6\n"), 1);
	kernel_counters_free(&c);
}

static void test_proc_flat(void **state)
{
	struct kernel_counters c = {0};
	const char *text = "Ip6InReceives                   \t12\n"
	                   "Ip6InHdrErrors 0\n"
	                   "lonely\n"
	                   "three words here\n"
	                   "Udp6NoPorts 7y\n"
	                   "Udp6InDatagrams 4";
	(void)state;
	assert_int_equal(kernel_counters_parse_flat(&c, text), 3);
	assert_int_equal(kernel_counters_find(&c, "Ip6InReceives")->value, 12);
	assert_int_equal(kernel_counters_find(&c, "Udp6InDatagrams")->value, 4);
	assert_null(kernel_counters_find(&c, "Udp6NoPorts"));
	kernel_counters_free(&c);
}

/* The machine's own files parse, and hold the counters nstat prints. */
static void test_proc_real_files(void **state)
{
	static char text[256 * 1024];
	struct kernel_counters c = {0};
	FILE *f = fopen("/proc/thread-self/net/netstat", "r");

	(void)state;
	if (!f)
		skip();
	text[fread(text, 1, sizeof text - 1, f)] = '\0';
	fclose(f);
	assert_true(kernel_counters_parse_pairs(&c, text) > 50);
	assert_non_null(kernel_counters_find(&c, "TcpExtListenOverflows"));
	assert_non_null(kernel_counters_find(&c, "TcpExtTCPTimeouts"));
	kernel_counters_free(&c);
}

static void test_glossary(void **state)
{
	(void)state;
	assert_non_null(strstr(kernel_counter_explain("TcpExtListenOverflows"), "accept queue"));
	assert_non_null(kernel_counter_explain("UdpNoPorts"));
	assert_null(kernel_counter_explain("TcpExtNoSuchCounter"));
}

/* ---- sentences ---- */

static void test_explain_overflow_and_timeout(void **state)
{
	struct kernel_delta overflow = {"TcpExtListenOverflows", 1};
	struct kernel_delta timeout = {"TcpExtTCPTimeouts", 1};
	struct kernel_record recs[4] = {0};
	struct kernel_note *notes;
	size_t n;

	(void)state;
	recs[0].kind = KREC_SOCKET;
	recs[0].sock.state = KTCP_LISTEN;
	recs[0].sock.local_port = 47000;
	recs[0].sock.rqueue = 2;
	recs[0].sock.wqueue = 1;
	recs[1].kind = KREC_COUNTERS;
	recs[1].deltas = &overflow;
	recs[1].delta_count = 1;
	recs[2].kind = KREC_SOCKET;
	recs[2].sock.state = KTCP_ESTABLISHED;
	recs[2].sock.local_port = 50000;
	recs[2].sock.has_info = true;
	recs[2].sock.info.known = 1u << KTI_RTO | 1u << KTI_UNACKED;
	recs[2].sock.info.value[KTI_RTO] = 204000;
	recs[2].sock.info.value[KTI_UNACKED] = 1;
	recs[3].kind = KREC_COUNTERS;
	recs[3].deltas = &timeout;
	recs[3].delta_count = 1;
	notes = kernel_explain(recs, 4, &n);
	assert_int_equal(n, 2);
	assert_int_equal(notes[0].record, 1);
	assert_non_null(strstr(notes[0].text, "ListenOverflows +1 at t=%T"));
	assert_non_null(strstr(notes[0].text, "held 2 connections with a backlog of 1"));
	assert_non_null(strstr(notes[0].text, "no SYN retransmission was counted"));
	assert_int_equal(notes[1].record, 3);
	assert_non_null(strstr(notes[1].text, "TCPTimeouts +1"));
	assert_non_null(
	    strstr(notes[1].text, "RTO was 0.204 s (port 50000, ESTABLISHED, 1 segment"));
	free(notes);
	/* a SYN retransmission counted 1.02 s after the overflow is its outcome */
	struct kernel_delta syn = {"TcpExtTCPSynRetrans", 1};
	recs[3].deltas = &syn;
	recs[1].ts_sec = 10;
	recs[1].ts_nsec = 500000000;
	recs[3].ts_sec = 11;
	recs[3].ts_nsec = 520000000;
	notes = kernel_explain(recs, 4, &n);
	assert_int_equal(n, 1);
	assert_non_null(
	    strstr(notes[0].text, "resent it (TCPSynRetrans +1 counted 1.020 s later)"));
	free(notes);
	/* a timeout counted with the SYN resend is the SYN's timer, not the data sender's */
	struct kernel_delta syn_timeout[2] = {{"TcpExtTCPSynRetrans", 1}, {"TcpExtTCPTimeouts", 1}};
	recs[3].deltas = syn_timeout;
	recs[3].delta_count = 2;
	notes = kernel_explain(recs, 4, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(notes[1].text, "a SYN's timer expired"));
	assert_null(strstr(notes[1].text, "port 50000"));
	free(notes);
	recs[3].delta_count = 1;
	/* without the samples, the sentences say what is unknown */
	notes = kernel_explain(recs + 1, 1, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(notes[0].text, "not sampled"));
	free(notes);
	assert_null(kernel_explain(recs, 1, &n));
	assert_int_equal(n, 0);
}

/* ---- one live sample ---- */

static void test_sampler_sees_a_listener(void **state)
{
	struct kernel_options opts = {.interval_us = 1000, .counters = true};
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof addr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct kernel_sampler *s;
	const struct kernel_record *recs;
	size_t count;
	bool found = false;

	(void)state;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(fd, 3), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	s = kernel_sampler_start(&opts);
	assert_non_null(s);
	kernel_sampler_poke(s);
	usleep(20000);
	kernel_sampler_stop(s);
	if (*kernel_sampler_status(s)) {
		fprintf(stderr, "SKIPPED: %s\n", kernel_sampler_status(s));
		kernel_sampler_free(s);
		close(fd);
		skip();
	}
	recs = kernel_sampler_records(s, &count);
	for (size_t i = 0; i < count; i++)
		if (recs[i].kind == KREC_SOCKET &&
		    recs[i].sock.local_port == ntohs(addr.sin_port)) {
			found = true;
			assert_string_equal(kernel_record_side(&recs[i]), "listener");
			assert_int_equal(recs[i].sock.wqueue, 3); /* the backlog limit */
		}
	assert_true(found);
	kernel_sampler_free(s);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diag_parses_a_socket),
	    cmocka_unit_test(test_diag_short_tcp_info),
	    cmocka_unit_test(test_diag_long_tcp_info),
	    cmocka_unit_test(test_diag_truncated_everywhere),
	    cmocka_unit_test(test_diag_lying_message_length),
	    cmocka_unit_test(test_diag_lying_attribute_length),
	    cmocka_unit_test(test_diag_errors_and_other_messages),
	    cmocka_unit_test(test_diag_exact_request),
	    cmocka_unit_test(test_diag_exact_replies),
	    cmocka_unit_test(test_diag_exact_against_the_kernel),
	    cmocka_unit_test(test_state_names),
	    cmocka_unit_test(test_proc_pairs),
	    cmocka_unit_test(test_proc_malformed_lines),
	    cmocka_unit_test(test_proc_flat),
	    cmocka_unit_test(test_proc_real_files),
	    cmocka_unit_test(test_glossary),
	    cmocka_unit_test(test_explain_overflow_and_timeout),
	    cmocka_unit_test(test_sampler_sees_a_listener),
	};
	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
