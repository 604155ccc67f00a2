/* test_annotate.c - labels, packet explanations and flow stories: key numbers, no overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "packet_builder.h"

#include <glob.h>
#include <unistd.h>

#include "sockscope/cli.h"

#define A TCP_ACK
#define S TCP_SYN
#define F TCP_FIN

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static void test_label_syn(void **state)
{
	struct pb_conv c;
	struct packet p;
	char label[128];
	(void)state;
	pb_conv_init(&c);
	p = pb_tcp(c.client, c.cport, c.server, c.sport, S, 855560549, 0, 65495, 0);
	pb_add_option(&p, TCPOPT_MSS, 65495);
	pb_add_option(&p, TCPOPT_SACK_PERM, 0);
	pb_add_option(&p, TCPOPT_TIMESTAMP, 1);
	pb_add_option(&p, TCPOPT_NOP, 0);
	pb_add_option(&p, TCPOPT_WSCALE, 7);
	pb_feed(&c, &p, 0.1);
	annotate_label(&p, &c.last, label, sizeof label);
	assert_string_equal(label, "[S] seq 0 win 65495 mss 65495,sackOK,TS,wscale 7");
	p = pb_tcp(c.server, c.sport, c.client, c.cport, S | A, 7, 855560550, 65483, 0);
	pb_feed(&c, &p, 0.1);
	annotate_label(&p, &c.last, label, sizeof label);
	assert_string_equal(label, "[S.] seq 0 ack 1 win 65483");
	p = pb_tcp(c.client, c.cport, c.server, c.sport, TCP_PSH | A, 855560550, 8, 512, 5);
	pb_feed(&c, &p, 0.1);
	annotate_label(&p, &c.last, label, sizeof label);
	assert_string_equal(label, "[P.] seq 1:6 ack 1 win 512 len 5");
	pb_conv_done(&c);
}

static void test_label_udp_icmp(void **state)
{
	struct packet u = pb_udp("10.0.0.1", 1, "10.0.0.2", 9999, 5);
	struct packet e = pb_icmp("10.0.0.2", "10.0.0.1", 3, 3);
	char label[64];
	(void)state;
	annotate_label(&u, NULL, label, sizeof label);
	assert_string_equal(label, "UDP len 5");
	annotate_label(&e, NULL, label, sizeof label);
	assert_string_equal(label, "ICMP port unreachable");
	annotate_label(&e, NULL, label, 8);
	assert_string_equal(label, "ICMP"); /* cut at a word boundary */
	annotate_label(&e, NULL, label, 0); /* size 0: nothing written, no crash */
}

static void test_explain_handshake(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, 855560549, 0, 1000, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "SYN: the client asks to open a connection");
	assert_contains(a.summary, "855560549");
	assert_contains(a.detail, "moves from UNKNOWN to SYN_SENT");
	assert_null(strstr(a.detail, "to LISTEN")); /* listen() did that, not a packet */
	assert_contains(a.detail, "server's state stays UNKNOWN");
	pb_s2c(&c, S | A, 100, 855560550, 1000, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "SYN-ACK: the server's kernel answers");
	assert_null(strstr(a.summary, "accepts"));
	assert_contains(a.detail, "accept() for it, a separate, later call");
	assert_contains(a.detail, "near the server it is the server's own turnaround");
	assert_contains(a.detail, "something listens on port 80 (inferred");
	assert_contains(a.summary, "ACK 1");
	pb_c2s(&c, A, 855560550, 101, 1000, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "the connection is open");
	assert_contains(a.detail, "0.200000 s");
	pb_c2s(&c, TCP_PSH | A, 855560550, 101, 1000, 5, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	/* the SYN takes sequence number 0: ACK 1 covers it and no data; after the handshake
	 * it no longer "acknowledges the SYN" */
	assert_contains(a.detail, "ACK 1: the client has no data from the server yet and expects "
	                          "byte 1.");
	assert_null(strstr(a.detail, "acknowledges the server's SYN"));
	assert_null(strstr(a.detail, "up to 0"));
	pb_s2c(&c, A, 101, 855560555, 1000, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_string_equal(a.summary, "ACK 6: the server has every byte up to 5 and expects "
	                               "byte 6 next");
	assert_contains(a.detail, "frame 4");
	pb_conv_done(&c);
}

static void test_explain_refused_and_analysis(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, 1000, 0, 1000, 0, 0.1);
	pb_s2c(&c, TCP_RST | A, 0, 1001, 0, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "refuses");
	assert_contains(a.summary, "port 80");
	pb_conv_done(&c);

	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 10, 0.1);
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 10, 1.0);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "[retransmission]");
	assert_contains(a.detail, "Retransmission:");
	pb_s2c(&c, TCP_RST, PB_SISN + 1, 0, 0, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "aborts");
	pb_conv_done(&c);
}

static void test_explain_udp_icmp(void **state)
{
	struct pb_conv c;
	struct annotation a;
	struct packet q = pb_udp("10.0.0.1", 5000, "10.0.0.2", 9999, 5);
	struct packet e = pb_icmp("10.0.0.2", "10.0.0.1", 3, 3);
	struct packet other = pb_udp("10.0.0.3", 5000, "10.0.0.4", 53, 5);
	struct packet r = pb_udp("10.0.0.4", 53, "10.0.0.3", 5000, 50);
	(void)state;
	pb_conv_init(&c);
	pb_feed(&c, &other, 0.1);
	pb_feed(&c, &q, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "datagram 1 (5 bytes) to port 9999");
	pb_quote(&e, 17, "10.0.0.1", 5000, "10.0.0.2", 9999);
	pb_feed(&c, &e, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_string_equal(a.summary, "ICMP port unreachable: the host says nobody listens on "
	                               "UDP port 9999; this answers the datagram in flow 2");
	pb_feed(&c, &r, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "reply to frame 1");
	pb_conv_done(&c);
}

/* Midstream, ACK 1 is relative to a guess (ack - 1): no SYN to speak of. */
static void test_explain_ack_one_midstream(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_s2c(&c, A, 7000, 3000, 1000, 0, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "ACK 1: the client has everything before sequence number 1");
	assert_contains(a.summary, "the SYN was not seen");
	assert_null(strstr(a.summary, "SYN and")); /* never "acknowledges the SYN" unseen */
	pb_conv_done(&c);
}

static void test_explain_one_byte(void **state)
{
	struct pb_conv c;
	struct annotation a;
	struct packet q = pb_udp("10.0.0.1", 5000, "10.0.0.2", 9999, 1);
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 1, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_string_equal(a.summary, "Data: the client sends 1 byte (seq 1)");
	assert_contains(a.detail, "The client sends 1 byte of data, byte 1 in");
	pb_feed(&c, &q, 0.1);
	annotate_packet(&c.last_pkt, &c.last, &a);
	assert_contains(a.summary, "datagram 1 (1 byte) to port 9999");
	pb_conv_done(&c);
}

/* regression: a refused connect's summary said "MSS: client 65495, server 0" */
static void test_flow_story_mss_from_one_side(void **state)
{
	struct track_flow_summary f = {
	    .id = 1, .proto = L4_TCP, .handshake_rtt = -1, .mss = {65495, 0}, .wscale = {7, -1}};
	char story[2048];
	(void)state;
	f.states_reached[TRACK_S2C] = 1u << TCPS_SYN_RECEIVED; /* the SYN-ACK was seen */
	annotate_flow(&f, story, sizeof story);
	assert_contains(story, "MSS offered by the client only: 65495.");
	assert_contains(story, "Only the client offered window scaling, so neither side scales");
	assert_null(strstr(story, "MSS: client"));
	/* near miss: no SYN-ACK (a refused SYN): nothing was negotiated, so nothing is said */
	f.states_reached[TRACK_S2C] = 1u << TCPS_CLOSED;
	annotate_flow(&f, story, sizeof story);
	assert_null(strstr(story, "only"));
}

/* Every sentence the annotator wrote for a conversation, checked against the false ones. */
static const char *const false_sentences[] = {
    "to LISTEN", "NONE", "the server accepts", "the client accepts", "SYN is on its way",
    "sent when a program closes a socket with unread data", "gave up waiting",
    "CLOSE_WAIT to CLOSING", "LISTEN to CLOSED",
    "normal establishment and termination) and history \"D", /* TCP's words on UDP */
};

static void assert_true_words(const struct annotation *a)
{
	for (size_t i = 0; i < sizeof false_sentences / sizeof false_sentences[0]; i++) {
		if (strstr(a->summary, false_sentences[i]) || strstr(a->detail, false_sentences[i]))
			fail_msg("false sentence \"%s\" in: %s %s", false_sentences[i], a->summary,
			         a->detail);
	}
}

static struct annotation explain_last(struct pb_conv *c)
{
	struct annotation a;
	annotate_packet(&c->last_pkt, &c->last, &a);
	assert_true_words(&a);
	return a;
}

static void test_explain_rto_and_karn(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 100, 0.01); /* frame 4 */
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 100, 0.206);
	a = explain_last(&c);
	assert_contains(a.summary, "Resent data: the client sends bytes 1 to 100 again");
	assert_contains(a.detail, "resends frame 4 after 0.206 s");
	assert_contains(a.detail, "Which one the wire cannot tell");
	assert_null(strstr(a.detail, "retransmission timer expired"));
	pb_s2c(&c, A, PB_SISN + 1, PB_CISN + 101, 1000, 0, 0.001);
	a = explain_last(&c);
	assert_contains(a.detail, "no RTT sample");
	assert_contains(a.detail, "Karn");
	assert_null(strstr(a.detail, "ack RTT"));
	pb_conv_done(&c);
}

/* The server's FIN, then the client's data, then the server's RST: a closed
 * socket answering data, with both frames cited; never "unread data". */
static void test_explain_rst_after_fin(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_s2c(&c, TCP_FIN | A, PB_SISN + 1, PB_CISN + 1, 1000, 0, 0.01);     /* frame 4 */
	pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 2, 1000, 0, 0.001);              /* frame 5 */
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 2, 1000, 10, 0.001);   /* frame 6 */
	pb_s2c(&c, TCP_RST, PB_SISN + 2, 0, 0, 0, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "had sent its FIN (frame 4)");
	assert_contains(a.detail, "(frame 6)");
	assert_contains(a.detail, "called close()");
	assert_null(strstr(a.detail, "unread"));
	pb_conv_done(&c);
}

/* Near miss: a RST with no FIN before it keeps the wire's honest "does not say why". */
static void test_explain_rst_without_fin(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, TCP_PSH | A, PB_CISN + 1, PB_SISN + 1, 1000, 10, 0.001);
	pb_s2c(&c, TCP_RST, PB_SISN + 1, 0, 0, 0, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "does not say why");
	pb_conv_done(&c);
}

static void test_explain_fin_by_call(void **state)
{
	struct pb_conv c;
	struct annotation a;
	struct track_call_info call = {.proto = L4_TCP, .has_peer = true, .local_port = 40000,
	                               .peer_port = 80};
	(void)state;
	pb_conv_init(&c);
	call.local = pb_addr(c.client);
	call.peer = pb_addr(c.server);
	pb_handshake(&c);
	call.call = TRACK_CALL_SHUTDOWN_WR;
	track_note_call(c.table, &call);
	pb_c2s(&c, TCP_FIN | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "shutdown(SHUT_WR), a half-close");
	assert_contains(a.detail, "still receives");
	assert_contains(a.detail, "one sequence number, 1 (it is not a byte of data)");
	pb_s2c(&c, A, PB_SISN + 1, PB_CISN + 2, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.summary, "ACK 2: the server has everything up to and including the "
	                           "client's FIN");
	assert_null(strstr(a.summary, "every byte up to 1"));
	pb_conv_done(&c);

	pb_conv_init(&c);
	pb_handshake(&c);
	call.call = TRACK_CALL_CLOSE;
	track_note_call(c.table, &call);
	pb_c2s(&c, TCP_FIN | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "called close()");
	assert_contains(a.detail, "receives none either");
	assert_null(strstr(a.detail, "still receives"));
	pb_conv_done(&c);

	pb_conv_init(&c); /* no call log: the wire cannot tell close() from shutdown() */
	pb_handshake(&c);
	pb_c2s(&c, TCP_FIN | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "The wire does not tell whether");
	pb_conv_done(&c);
}

static void test_explain_abort(void **state)
{
	struct pb_conv c;
	struct annotation a;
	struct track_call_info call = {.proto = L4_TCP, .has_peer = true, .local_port = 40000,
	                               .peer_port = 80};
	(void)state;
	pb_conv_init(&c);
	call.local = pb_addr(c.client);
	call.peer = pb_addr(c.server);
	pb_handshake(&c);
	call.call = TRACK_CALL_LINGER_ZERO;
	track_note_call(c.table, &call);
	call.call = TRACK_CALL_CLOSE;
	track_note_call(c.table, &call);
	pb_c2s(&c, TCP_RST | A, PB_CISN + 1, PB_SISN + 1, 0, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "SO_LINGER {1, 0} and called close(): an abortive close");
	assert_contains(a.detail, "skips TIME_WAIT");
	assert_null(strstr(a.detail, "unread data"));
	pb_conv_done(&c);
}

static void test_explain_refused_listener(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, 1000, 0, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "server's state stays UNKNOWN");
	pb_s2c(&c, TCP_RST | A, 0, 1001, 0, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.summary, "no socket listens on port 80");
	assert_contains(a.detail, "ECONNREFUSED");
	assert_contains(a.detail, "The server moves from UNKNOWN to CLOSED");
	pb_conv_done(&c);
}

static void test_explain_fast_and_dsack(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 100, 0.01); /* frame 4: lost */
	for (uint32_t i = 1; i <= 3; i++)
		pb_c2s(&c, A, PB_CISN + 1 + 100 * i, PB_SISN + 1, 1000, 100, 0.0001);
	for (uint32_t i = 1; i <= 3; i++)
		pb_sack_ack(&c, PB_CISN + 1, PB_CISN + 101, PB_CISN + 101 + 100 * i, 0.0001);
	a = explain_last(&c);
	assert_contains(a.summary, "ACK 1 again: the server is still waiting for byte 1");
	assert_null(strstr(a.summary, "no data"));
	assert_contains(a.summary, "SACK: it holds 101-400");
	assert_contains(a.detail, "SACK (RFC 2018)");
	assert_contains(a.detail, "This is the third");
	assert_null(strstr(a.detail, "acknowledges the client's SYN"));
	pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 100, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "resends frame 4 after 0.000"); /* six decimals below 10 ms */
	assert_null(strstr(a.detail, "after 0.000 s"));
	assert_contains(a.detail, "Fast retransmit: 3 duplicate ACKs");
	assert_contains(a.detail, "three duplicate ACKs");
	/* the receiver got both copies and says so: a D-SACK below the ACK */
	pb_sack_ack(&c, PB_CISN + 401, PB_CISN + 1, PB_CISN + 101, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "D-SACK (RFC 2883)");
	assert_contains(a.detail, "nothing is missing");
	assert_contains(a.detail, "frame 11 was unneeded");
	assert_null(strstr(a.summary, "still waiting")); /* a D-SACK is not loss */
	assert_null(strstr(a.summary, "SACK: it holds"));
	pb_conv_done(&c);
}

/* Near miss of "no data yet": an ACK 1 whose SACK shows later bytes waits for byte 1. */
static void test_explain_sack_not_dup(void **state)
{
	struct pb_conv c;
	struct annotation a;
	struct packet p;
	struct tcp_option *o;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 100, 0.01); /* lost */
	pb_c2s(&c, A, PB_CISN + 101, PB_SISN + 1, 1000, 100, 0.0001);
	p = pb_tcp(c.server, c.sport, c.client, c.cport, A, PB_SISN + 1, PB_CISN + 1, 2000, 0);
	o = &p.tcp.options[p.tcp.option_count++];
	o->kind = TCPOPT_SACK;
	o->u.sack.count = 1;
	o->u.sack.left[0] = PB_CISN + 101;
	o->u.sack.right[0] = PB_CISN + 201;
	pb_feed(&c, &p, 0.0001);
	a = explain_last(&c);
	assert_false(c.last.analysis & TA_DUPLICATE_ACK); /* the window changed */
	assert_contains(a.summary, "ACK 1: the server is still waiting for byte 1; SACK: it "
	                           "holds 101-200");
	assert_null(strstr(a.summary, "no data"));
	pb_conv_done(&c);
}

static void test_explain_simultaneous(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.1);
	pb_s2c(&c, S, PB_SISN, 0, 1000, 0, 0.01);
	pb_c2s(&c, S | A, PB_CISN, PB_SISN + 1, 1000, 0, 0.01);
	a = explain_last(&c);
	assert_contains(a.detail, "A simultaneous open");
	assert_contains(a.detail, "it is not a resend");
	assert_contains(a.detail, "The server moves from SYN_SENT through SYN_RECEIVED to "
	                          "ESTABLISHED");
	pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 1000, 0, 0.01);
	pb_c2s(&c, F | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	pb_s2c(&c, F | A, PB_SISN + 1, PB_CISN + 1, 1000, 0, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "The FINs crossed");
	assert_contains(a.detail, "The server moves from FIN_WAIT_1 to CLOSING");
	pb_c2s(&c, A, PB_CISN + 2, PB_SISN + 2, 1000, 0, 0.0001);
	a = explain_last(&c);
	assert_contains(a.detail, "2 MSL (60 s on Linux)");
	pb_conv_done(&c);
}

static void test_explain_tfo_data(void **state)
{
	struct pb_conv c;
	struct annotation a;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, PB_CISN, 0, 1000, 4, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "4 bytes of data (TCP Fast Open): bytes 1 to 4");
	pb_s2c(&c, S | A, PB_SISN, PB_CISN + 5, 1000, 0, 0.1);
	a = explain_last(&c);
	assert_contains(a.detail, "SYN, which took sequence number 0, and the data that came with "
	                          "it, bytes 1 to 4 (TCP Fast Open), and expects 5 next");
	pb_conv_done(&c);
}

static void test_flow_story_udp_and_resent(void **state)
{
	struct track_flow_summary f = {.id = 1, .proto = L4_UDP, .handshake_rtt = -1};
	char story[2048];
	(void)state;
	strcpy(f.conn_state, "SF");
	strcpy(f.history, "Dd");
	annotate_flow(&f, story, sizeof story);
	assert_contains(story, "datagrams went both ways");
	assert_null(strstr(story, "normal establishment"));
	memset(&f, 0, sizeof f);
	f.proto = L4_TCP;
	f.handshake_rtt = -1;
	f.bytes[0] = 200;
	f.resent_bytes[0] = 100;
	annotate_flow(&f, story, sizeof story);
	assert_contains(story, "200 bytes of data (100 unique, 100 sent again)");
	f.syn_resends = 1;
	f.syn_unanswered_frame = 11;
	f.syn_last_backoff = 1.007;
	annotate_flow(&f, story, sizeof story);
	assert_contains(story, "The SYN in frame 11 got no answer: the SYN timer sent it 1 more "
	                       "time, the last 1.007 s after");
}

static void test_flow_story_icmp_and_plurals(void **state)
{
	struct pb_conv c;
	char story[1024];
	struct packet q = pb_udp("10.0.0.1", 5000, "10.0.0.2", 9999, 1);
	struct packet e = pb_icmp("10.0.0.2", "10.0.0.1", 3, 3);
	(void)state;
	pb_conv_init(&c);
	pb_feed(&c, &q, 0.1);
	pb_quote(&e, 17, "10.0.0.1", 5000, "10.0.0.2", 9999);
	pb_feed(&c, &e, 0.1);
	pb_conv_done(&c);
	assert_int_equal(c.sink.count, 2);
	annotate_flow(&c.sink.ended[0], story, sizeof story);
	assert_contains(story, "The client sent 1 packet with 1 byte of data, the server 0 packets "
	                       "with 0 bytes");
	assert_contains(story, " 1 ICMP error reported");
	assert_contains(story, "The capture ended while this flow was still being followed.");
	annotate_flow(&c.sink.ended[1], story, sizeof story);
	assert_contains(story,
	                "Flow 2 is ICMP between the client 10.0.0.2 and the server 10.0.0.1.");
	assert_null(strstr(story, "port"));
}

static void test_flow_story(void **state)
{
	struct pb_conv c;
	char story[1024];
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_conv_done(&c);
	annotate_flow(&c.sink.ended[0], story, sizeof story);
	assert_contains(story, "Flow 1 is TCP between the client 10.0.0.1 port 40000");
	assert_contains(story, "conn_state S1");
	assert_contains(story, "\"ShA\"");
	assert_null(strstr(story, "It ended:"));
	annotate_flow(&c.sink.ended[0], story, 40);
	assert_true(strlen(story) < 40);
}

/* Random packets and results: every output is NUL-terminated inside its buffer. */
static void test_fuzz_no_overflow(void **state)
{
	struct annotation a;
	char label[24], story[64];
	(void)state;
	srand(7);
	for (int i = 0; i < 20000; i++) {
		struct packet p;
		struct track_result tr;
		struct track_flow_summary f;
		uint8_t *bytes = (uint8_t *)&p;
		for (size_t j = 0; j < sizeof p; j++)
			bytes[j] = (uint8_t)rand();
		bytes = (uint8_t *)&tr;
		for (size_t j = 0; j < sizeof tr; j++)
			bytes[j] = (uint8_t)rand();
		bytes = (uint8_t *)&f;
		for (size_t j = 0; j < sizeof f; j++)
			bytes[j] = (uint8_t)rand();
		/* bools must hold 0 or 1: random bytes there would be the test's own UB */
		p.icmp.quoted.present = rand() & 1;
		p.icmp.quoted.has_ports = rand() & 1;
		p.icmp.quoted.has_tcp_seq = rand() & 1;
		p.tcp.options_bad = p.truncated = false;
		p.ip.dont_fragment = p.ip.more_fragments = p.ip.fragment = false;
		p.ip.options_present = false;
		tr.new_flow = rand() & 1;
		tr.has_rel = rand() & 1;
		tr.proto = (enum decode_l4)(rand() % 6);
		f.sack_permitted = f.timestamps = false;
		f.fin_crossed = rand() & 1;
		f.abort_call = rand() & 1;
		f.listener = (enum track_listener)(rand() % 4);
		tr.delayed_ack = rand() & 1;
		tr.dsack = rand() & 1;
		tr.sack = rand() & 1;
		tr.fin_crossed = rand() & 1;
		tr.listener = (enum track_listener)(rand() % 4);
		tr.sender_call = (enum track_call)(rand() % 6);
		tr.receiver_call = (enum track_call)(rand() % 6);
		tr.ack_covers = (enum track_ack_covers)(rand() % 4);
		tr.vantage = (enum track_vantage)(rand() % 5);
		tr.via_client = tr.via_server = (enum track_tcp_state)(rand() % 12);
		for (unsigned k = 0; k < TA_COUNT_FLAGS; k++) {
			tr.detail[k].cause = (enum track_cause)(rand() % 8);
			tr.detail[k].timer = rand() & 1;
		}
		p.l3 = (enum decode_l3)(rand() % 5);
		p.l4 = (enum decode_l4)(rand() % 6);
		p.tcp.option_count = (uint8_t)(rand() % (DECODE_MAX_TCP_OPTIONS + 1));
		p.ip.src.family = p.ip.dst.family = 4;
		tr.state_client = tr.state_client_before = (enum track_tcp_state)(rand() % 12);
		tr.state_server = tr.state_server_before = (enum track_tcp_state)(rand() % 12);
		tr.dir = (enum track_dir)(rand() % 2);
		f.proto = (enum decode_l4)(rand() % 6);
		f.conn_state[sizeof f.conn_state - 1] = '\0';
		f.history[sizeof f.history - 1] = '\0';
		f.end_reason[sizeof f.end_reason - 1] = '\0';
		f.final_state[0] = f.final_state[1] = TCPS_UNKNOWN;
		f.client_addr.family = f.server_addr.family = 6;
		annotate_packet(&p, &tr, &a);
		assert_true(memchr(a.summary, '\0', sizeof a.summary) != NULL);
		assert_true(memchr(a.detail, '\0', sizeof a.detail) != NULL);
		annotate_label(&p, &tr, label, sizeof label);
		assert_true(memchr(label, '\0', sizeof label) != NULL);
		annotate_flow(&f, story, sizeof story);
		assert_true(memchr(story, '\0', sizeof story) != NULL);
	}
}

/* Reads a whole file into a NUL-terminated heap buffer. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Every bundled capture and analysis capture, traced: no false sentence in any timeline. */
static void test_no_false_sentence_in_any_capture(void **state)
{
	static const char *const patterns[] = {"captures/*.pcap", "captures/*.pcapng",
	                                       "tests/data/*.pcap"};
	char out[] = "/tmp/sockscope-annotate-XXXXXX";
	int fd = mkstemp(out);
	size_t traced = 0;
	glob_t g;
	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
		if (glob(patterns[p], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct cli_pipeline pl = {.json_path = out};
			char *text;
			assert_int_equal(cli_trace_file(g.gl_pathv[i], NULL, &pl), CLI_OK);
			text = slurp(out);
			for (size_t k = 0; k < sizeof false_sentences / sizeof false_sentences[0]; k++)
				if (strstr(text, false_sentences[k]))
					fail_msg("%s: false sentence \"%s\"", g.gl_pathv[i],
					         false_sentences[k]);
			free(text);
			traced++;
		}
		globfree(&g);
	}
	unlink(out);
	assert_true(traced >= 20); /* run from the source tree: the captures must be there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_label_syn),
	    cmocka_unit_test(test_label_udp_icmp),
	    cmocka_unit_test(test_explain_handshake),
	    cmocka_unit_test(test_explain_refused_and_analysis),
	    cmocka_unit_test(test_explain_udp_icmp),
	    cmocka_unit_test(test_explain_ack_one_midstream),
	    cmocka_unit_test(test_explain_one_byte),
	    cmocka_unit_test(test_flow_story_mss_from_one_side),
	    cmocka_unit_test(test_explain_rto_and_karn),
	    cmocka_unit_test(test_explain_rst_after_fin),
	    cmocka_unit_test(test_explain_rst_without_fin),
	    cmocka_unit_test(test_explain_fin_by_call),
	    cmocka_unit_test(test_explain_abort),
	    cmocka_unit_test(test_explain_refused_listener),
	    cmocka_unit_test(test_explain_fast_and_dsack),
	    cmocka_unit_test(test_explain_sack_not_dup),
	    cmocka_unit_test(test_explain_simultaneous),
	    cmocka_unit_test(test_explain_tfo_data),
	    cmocka_unit_test(test_flow_story_udp_and_resent),
	    cmocka_unit_test(test_no_false_sentence_in_any_capture),
	    cmocka_unit_test(test_flow_story_icmp_and_plurals),
	    cmocka_unit_test(test_flow_story),
	    cmocka_unit_test(test_fuzz_no_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
