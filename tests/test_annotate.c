/* test_annotate.c - labels, packet explanations and flow stories: key numbers, no overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "packet_builder.h"

#define A TCP_ACK
#define S TCP_SYN

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
	assert_contains(a.detail, "accept(), a separate, later call");
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
	    .id = 1, .proto = L4_TCP, .handshake_rtt = -1, .mss = {65495, 0}, .wscale = {-1, -1}};
	char story[1024];
	(void)state;
	annotate_flow(&f, story, sizeof story);
	assert_contains(story, "MSS offered by the client only: 65495.");
	assert_null(strstr(story, "MSS: client"));
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
	    cmocka_unit_test(test_flow_story_icmp_and_plurals),
	    cmocka_unit_test(test_flow_story),
	    cmocka_unit_test(test_fuzz_no_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
