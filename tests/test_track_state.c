/* test_track_state.c - flow table, RFC 9293 state inference, handshake, relative numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "packet_builder.h"
#include <stdio.h>

#define A TCP_ACK
#define S TCP_SYN
#define F TCP_FIN
#define R TCP_RST

static unsigned ta_index(enum track_analysis flag)
{
	return (unsigned)__builtin_ctz((unsigned)flag);
}

static void test_normal_open(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	r = pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.5);
	assert_true(r.new_flow);
	assert_int_equal(r.flow_id, 1);
	assert_int_equal(r.dir, TRACK_C2S);
	assert_int_equal(r.handshake, 1);
	/* a SYN moves no one into LISTEN: the server's side is unknown until it answers */
	pb_expect_states(&r, TCPS_SYN_SENT, TCPS_UNKNOWN);
	assert_int_equal(r.state_client_before, TCPS_UNKNOWN);
	assert_int_equal(r.listener, TRACK_LISTENER_UNKNOWN);
	r = pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 1000, 0, 0.25);
	assert_false(r.new_flow);
	assert_int_equal(r.dir, TRACK_S2C);
	assert_int_equal(r.handshake, 2);
	pb_expect_states(&r, TCPS_ESTABLISHED, TCPS_SYN_RECEIVED);
	assert_int_equal(r.state_server_before, TCPS_UNKNOWN);
	assert_int_equal(r.listener, TRACK_LISTENER_INFERRED);
	assert_int_equal(r.acks_frame, 1);
	r = pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.125);
	assert_int_equal(r.handshake, 3);
	assert_true(r.handshake_rtt > 0.3749 && r.handshake_rtt < 0.3751);
	pb_expect_states(&r, TCPS_ESTABLISHED, TCPS_ESTABLISHED);
	assert_int_equal(r.acks_frame, 2);
	r = pb_c2s(&c, A | TCP_PSH, PB_CISN + 1, PB_SISN + 1, 1000, 5, 0.1);
	assert_int_equal(r.handshake, 0);
	assert_true(r.handshake_rtt < 0);
	pb_conv_done(&c);
	assert_int_equal(c.sink.count, 1);
	assert_true(c.sink.ended[0].handshake_rtt > 0.3749);
	assert_string_equal(c.sink.ended[0].end_reason, "trace end");
}

static void test_relative_numbers(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	r = pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 0);
	assert_int_equal(r.ack_rel, 0);
	assert_int_equal(r.next_seq_rel, 1);
	r = pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 0);
	assert_int_equal(r.ack_rel, 1);
	pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	r = pb_c2s(&c, A | TCP_PSH, PB_CISN + 1, PB_SISN + 1, 1000, 5, 0.1);
	assert_int_equal(r.seq_rel, 1);
	assert_int_equal(r.next_seq_rel, 6);
	r = pb_s2c(&c, A, PB_SISN + 1, PB_CISN + 6, 1000, 0, 0.1);
	assert_int_equal(r.ack_rel, 6);
	assert_int_equal(r.acks_frame, 4);
	assert_true(r.ack_rtt > 0.099 && r.ack_rtt < 0.101);
	r = pb_c2s(&c, F | A, PB_CISN + 6, PB_SISN + 1, 1000, 0, 0.1);
	assert_int_equal(r.next_seq_rel, 7);
	pb_conv_done(&c);
}

/* tshark 4.0.17: without the SYN the first seq shows as 1, and the peer's base is ack - 1. */
static void test_relative_numbers_midstream(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	r = pb_c2s(&c, A | TCP_PSH, 777000, 999000, 1000, 5, 0.1);
	assert_int_equal(r.seq_rel, 1);
	assert_int_equal(r.ack_rel, 1);
	assert_int_equal(r.next_seq_rel, 6);
	assert_int_equal(r.win_scaled, -1); /* no SYN: the scale is unknown */
	pb_expect_states(&r, TCPS_ESTABLISHED, TCPS_ESTABLISHED);
	r = pb_s2c(&c, A, 999000, 777005, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 1);
	assert_int_equal(r.ack_rel, 6);
	assert_int_equal(r.dir, TRACK_S2C);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].conn_state, "OTH");
}

static void test_window_scaling(void **state)
{
	struct pb_conv c;
	struct packet p;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	p = pb_tcp(c.client, c.cport, c.server, c.sport, S, PB_CISN, 0, 65495, 0);
	pb_add_option(&p, TCPOPT_MSS, 65495);
	pb_add_option(&p, TCPOPT_SACK_PERM, 0);
	pb_add_option(&p, TCPOPT_TIMESTAMP, 1);
	pb_add_option(&p, TCPOPT_WSCALE, 7);
	r = pb_feed(&c, &p, 0.1);
	assert_int_equal(r.win_scaled, 65495);
	p = pb_tcp(c.server, c.sport, c.client, c.cport, S | A, PB_SISN, PB_CISN + 1, 65483, 0);
	pb_add_option(&p, TCPOPT_MSS, 1460);
	pb_add_option(&p, TCPOPT_SACK_PERM, 0);
	pb_add_option(&p, TCPOPT_TIMESTAMP, 1);
	pb_add_option(&p, TCPOPT_WSCALE, 10);
	r = pb_feed(&c, &p, 0.1);
	assert_int_equal(r.win_scaled, 65483);
	r = pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 512, 0, 0.1);
	assert_int_equal(r.win_scaled, 512 << 7);
	r = pb_s2c(&c, A, PB_SISN + 1, PB_CISN + 1, 64, 0, 0.1);
	assert_int_equal(r.win_scaled, 64 << 10);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].mss[TRACK_C2S], 65495);
	assert_int_equal(c.sink.ended[0].mss[TRACK_S2C], 1460);
	assert_int_equal(c.sink.ended[0].wscale[TRACK_C2S], 7);
	assert_int_equal(c.sink.ended[0].wscale[TRACK_S2C], 10);
	assert_true(c.sink.ended[0].sack_permitted);
	assert_true(c.sink.ended[0].timestamps);
}

/* RFC 7323 §2.2: one side without the option turns scaling off for both. */
static void test_window_scaling_one_sided(void **state)
{
	struct pb_conv c;
	struct packet p;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	p = pb_tcp(c.client, c.cport, c.server, c.sport, S, PB_CISN, 0, 65495, 0);
	pb_add_option(&p, TCPOPT_WSCALE, 7);
	pb_feed(&c, &p, 0.1);
	pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 8000, 0, 0.1);
	r = pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 512, 0, 0.1);
	assert_int_equal(r.win_scaled, 512);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].wscale[TRACK_S2C], -1);
}

static void test_syn_retransmitted(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 1.0);
	r = pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 1.0);
	assert_int_equal(r.flow_id, 1);
	assert_int_equal(r.handshake, 1);
	assert_true(r.analysis & TA_RETRANSMISSION);
	pb_expect_states(&r, TCPS_SYN_SENT, TCPS_UNKNOWN);
	assert_int_equal(r.detail[ta_index(TA_RETRANSMISSION)].cause, TRACK_CAUSE_SYN);
	assert_int_equal(r.detail[ta_index(TA_RETRANSMISSION)].frame, 1);
	assert_int_equal(r.detail[ta_index(TA_RETRANSMISSION)].num, 1);
	assert_true(r.detail[ta_index(TA_RETRANSMISSION)].backoff > 0.999);
	pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 1000, 0, 0.5);
	r = pb_c2s(&c, A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	/* as tshark: iRTT runs from the most recent SYN */
	assert_true(r.handshake_rtt > 0.599 && r.handshake_rtt < 0.601);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].history, "ShA");
}

static void test_simultaneous_open(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.1);
	r = pb_s2c(&c, S, PB_SISN, 0, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_SYN_RECEIVED, TCPS_SYN_SENT);
	r = pb_c2s(&c, S | A, PB_CISN, PB_SISN + 1, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED);
	/* RFC 9293 figure 7: the server took the client's SYN first, so it passed SYN_RECEIVED */
	assert_int_equal(r.via_server, TCPS_SYN_RECEIVED);
	r = pb_s2c(&c, S | A, PB_SISN, PB_CISN + 1, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_ESTABLISHED, TCPS_ESTABLISHED);
	assert_int_equal(r.flow_id, 1);
	pb_conv_done(&c);
}

static void test_connect_refused(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.1);
	r = pb_s2c(&c, R | A, 0, PB_CISN + 1, 0, 0, 0.001);
	pb_expect_states(&r, TCPS_CLOSED, TCPS_CLOSED);
	assert_int_equal(r.state_client_before, TCPS_SYN_SENT);
	assert_int_equal(r.ack_rel, 1);
	assert_int_equal(track_live_flows(c.table), 1); /* kept for the grace period */
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].conn_state, "REJ");
	assert_string_equal(c.sink.ended[0].history, "Sr");
	assert_string_equal(c.sink.ended[0].end_reason, "trace end");
}

static void normal_close(struct pb_conv *c, double gap)
{
	struct track_result r;
	r = pb_c2s(c, F | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, gap);
	pb_expect_states(&r, TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT);
	r = pb_s2c(c, A, PB_SISN + 1, PB_CISN + 2, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT);
	r = pb_s2c(c, F | A, PB_SISN + 1, PB_CISN + 2, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_TIME_WAIT, TCPS_LAST_ACK);
	r = pb_c2s(c, A, PB_CISN + 2, PB_SISN + 2, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_TIME_WAIT, TCPS_CLOSED);
}

static void test_half_close_and_end(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	normal_close(&c, 0.1);
	assert_int_equal(track_live_flows(c.table), 1);
	/* the last ACK retransmitted within the grace keeps the same flow and roles */
	r = pb_c2s(&c, A, PB_CISN + 2, PB_SISN + 2, 1000, 0, 1.0);
	assert_int_equal(r.flow_id, 1);
	assert_int_equal(r.dir, TRACK_C2S);
	/* another flow's packet 2 s later ends the closed flow */
	struct packet other = pb_udp("10.0.0.9", 53, "10.0.0.8", 5353, 4);
	pb_feed(&c, &other, 2.5);
	assert_int_equal(c.sink.count, 1);
	assert_int_equal(track_live_flows(c.table), 1);
	assert_string_equal(c.sink.ended[0].conn_state, "SF");
	assert_string_equal(c.sink.ended[0].history, "ShAFaf");
	assert_string_equal(c.sink.ended[0].end_reason, "closed");
	assert_int_equal(c.sink.ended[0].final_state[TRACK_C2S], TCPS_TIME_WAIT);
	assert_int_equal(c.sink.ended[0].final_state[TRACK_S2C], TCPS_CLOSED);
	assert_true(c.sink.ended[0].states_reached[TRACK_C2S] & (1u << TCPS_FIN_WAIT_2));
	/* a late packet after the end gets a new flow, with the old roles */
	r = pb_s2c(&c, A, PB_SISN + 2, PB_CISN + 2, 1000, 0, 0.1);
	assert_int_equal(r.flow_id, 3);
	assert_int_equal(r.dir, TRACK_S2C);
	assert_int_equal(
	    track_find_flow(c.table, L4_TCP, &c.last_pkt.ip.src, 80, &c.last_pkt.ip.dst, 40000), 3);
	pb_conv_done(&c);
}

static void test_simultaneous_close(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	r = pb_c2s(&c, F | A, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	r = pb_s2c(&c, F | A, PB_SISN + 1, PB_CISN + 1, 1000, 0, 0.001);
	pb_expect_states(&r, TCPS_CLOSING, TCPS_CLOSING);
	r = pb_c2s(&c, A, PB_CISN + 2, PB_SISN + 2, 1000, 0, 0.001);
	pb_expect_states(&r, TCPS_CLOSING, TCPS_TIME_WAIT);
	r = pb_s2c(&c, A, PB_SISN + 2, PB_CISN + 2, 1000, 0, 0.001);
	pb_expect_states(&r, TCPS_TIME_WAIT, TCPS_TIME_WAIT);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].conn_state, "SF");
}

static void test_abort_by_rst(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A | TCP_PSH, PB_CISN + 1, PB_SISN + 1, 1000, 10, 0.1);
	r = pb_c2s(&c, R | A, PB_CISN + 11, PB_SISN + 1, 0, 0, 0.1);
	pb_expect_states(&r, TCPS_CLOSED, TCPS_CLOSED);
	assert_int_equal(r.state_server_before, TCPS_ESTABLISHED);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].conn_state, "RSTO");
	assert_string_equal(c.sink.ended[0].history, "ShADR");
}

static void test_reused_ports(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	normal_close(&c, 0.1);
	r = pb_c2s(&c, S, 90000, 0, 1000, 0, 0.5); /* within the grace: ends the old flow */
	assert_int_equal(r.flow_id, 2);
	assert_true(r.new_flow);
	assert_true(r.analysis & TA_REUSED_PORTS);
	assert_int_equal(r.seq_rel, 0);
	assert_int_equal(c.sink.count, 1);
	assert_string_equal(c.sink.ended[0].end_reason, "reused");
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[1].analysis_counts[14], 1);
}

/* Near misses: a late copy of the same SYN, and a new connection from another client port. */
static void test_reused_ports_near_miss(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	r = pb_c2s(&c, S, PB_CISN, 0, 1000, 0, 0.1); /* the same ISN: a retransmission, same flow */
	assert_int_equal(r.flow_id, 1);
	assert_false(r.new_flow);
	assert_false(r.analysis & TA_REUSED_PORTS);
	normal_close(&c, 0.1);
	c.cport = 40001;
	r = pb_c2s(&c, S, 90000, 0, 1000, 0, 0.5);
	assert_int_equal(r.flow_id, 2);
	assert_true(r.new_flow);
	assert_false(r.analysis & TA_REUSED_PORTS);
	pb_conv_done(&c);
	assert_int_equal(c.sink.count, 2);
	assert_int_equal(c.sink.ended[0].analysis_counts[14], 0);
	assert_int_equal(c.sink.ended[1].analysis_counts[14], 0);
}

static void test_syn_after_end_reuses(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	normal_close(&c, 0.1);
	r = pb_c2s(&c, S, 90000, 0, 1000, 0, 10.0); /* after the grace: ended, key remembered */
	assert_int_equal(r.flow_id, 2);
	assert_true(r.analysis & TA_REUSED_PORTS);
	assert_string_equal(c.sink.ended[0].end_reason, "closed");
	pb_conv_done(&c);
}

static void test_udp_pairing_and_idle(void **state)
{
	struct pb_conv c;
	struct packet q = pb_udp("10.0.0.1", 5000, "10.0.0.2", 53, 30);
	struct packet a = pb_udp("10.0.0.2", 53, "10.0.0.1", 5000, 60);
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	r = pb_feed(&c, &q, 0.1);
	assert_int_equal(r.udp_index, 1);
	assert_int_equal(r.reply_to_frame, 0);
	r = pb_feed(&c, &q, 0.1);
	assert_int_equal(r.udp_index, 2);
	r = pb_feed(&c, &a, 0.1);
	assert_int_equal(r.dir, TRACK_S2C);
	assert_int_equal(r.udp_index, 1);
	assert_int_equal(r.reply_to_frame, 2);
	r = pb_feed(&c, &a, 0.1);
	assert_int_equal(r.reply_to_frame, 0); /* nothing left to answer */
	struct packet other = pb_udp("10.0.0.7", 1, "10.0.0.8", 2, 1);
	pb_feed(&c, &other, 301.0);
	assert_int_equal(c.sink.count, 1);
	assert_string_equal(c.sink.ended[0].end_reason, "idle");
	assert_string_equal(c.sink.ended[0].conn_state, "SF");
	assert_string_equal(c.sink.ended[0].history, "Dd");
	assert_int_equal(c.sink.ended[0].bytes[TRACK_C2S], 60);
	assert_int_equal(c.sink.ended[0].packets[TRACK_S2C], 2);
	pb_conv_done(&c);
}

static void test_icmp_port_unreachable(void **state)
{
	struct pb_conv c;
	struct packet q = pb_udp("10.0.0.1", 5000, "10.0.0.2", 9999, 5);
	struct packet e = pb_icmp("10.0.0.2", "10.0.0.1", 3, 3);
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_feed(&c, &q, 0.1);
	pb_quote(&e, 17, "10.0.0.1", 5000, "10.0.0.2", 9999);
	r = pb_feed(&c, &e, 0.001);
	assert_int_equal(r.icmp_flow, 1);
	assert_int_equal(r.flow_id, 2);
	assert_int_equal(r.proto, L4_ICMP);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].icmp_errors, 1);
	assert_string_equal(c.sink.ended[0].conn_state, "S0");
	assert_string_equal(c.sink.ended[1].conn_state, "OTH");
}

static void test_icmp_echo_pairing(void **state)
{
	struct pb_conv c;
	struct packet q = pb_icmp("10.0.0.1", "10.0.0.2", 8, 0);
	struct packet a = pb_icmp("10.0.0.2", "10.0.0.1", 0, 0);
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	q.icmp.id = a.icmp.id = 77;
	pb_feed(&c, &q, 0.1);
	r = pb_feed(&c, &a, 0.1);
	assert_int_equal(r.flow_id, 1);
	assert_int_equal(r.dir, TRACK_S2C);
	assert_int_equal(r.reply_to_frame, 1);
	a.icmp.id = 78;
	r = pb_feed(&c, &a, 0.1);
	assert_int_equal(r.flow_id, 2);
	pb_conv_done(&c);
}

static void test_no_ip_and_ids(void **state)
{
	struct pb_conv c;
	struct packet arp;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	memset(&arp, 0, sizeof arp);
	arp.l3 = L3_ARP;
	r = pb_feed(&c, &arp, 0.1);
	assert_int_equal(r.flow_id, 0);
	/* many flows: ids in creation order, table grows, destroy ends them in id order */
	for (uint16_t i = 0; i < 300; i++) {
		struct packet p = pb_udp("10.1.0.1", (uint16_t)(1000 + i), "10.1.0.2", 53, 1);
		r = pb_feed(&c, &p, 0.0);
		assert_int_equal(r.flow_id, i + 1);
	}
	assert_int_equal(track_live_flows(c.table), 300);
	struct ss_addr x = pb_addr("10.1.0.2"), y = pb_addr("10.1.0.1");
	assert_int_equal(track_find_flow(c.table, L4_UDP, &x, 53, &y, 1005), 6);
	assert_int_equal(track_find_flow(c.table, L4_TCP, &x, 53, &y, 1005), 0);
	pb_conv_done(&c);
	assert_int_equal(c.sink.count, 300);
	for (size_t i = 0; i < PB_MAX_ENDED; i++)
		assert_int_equal(c.sink.ended[i].id, i + 1);
}

/* Memory stays bounded: past TRACK_MAX_LIVE_FLOWS the least recently seen flow ends. */
static void test_live_flows_capped(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	for (uint32_t i = 0; i < 20000; i++) {
		char src[32];
		snprintf(src, sizeof src, "10.%u.%u.1", (i >> 8) & 255, i & 255);
		struct packet p = pb_udp(src, 1000, "10.200.0.1", 53, 1);
		r = pb_feed(&c, &p, 0.000001);
		assert_int_equal(r.flow_id, i + 1);
		assert_true(track_live_flows(c.table) <= 16384);
	}
	assert_int_equal(track_live_flows(c.table), 16384);
	assert_int_equal(c.sink.count, 20000 - 16384);
	assert_int_equal(c.sink.ended[0].id, 1); /* the oldest went first */
	assert_string_equal(c.sink.ended[0].end_reason, "evicted");
	pb_conv_done(&c);
}

static void test_ipv6_flow(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	c.client = "::1";
	c.server = "::1";
	c.cport = 50000;
	c.sport = 8080;
	r = pb_c2s(&c, S, 1, 0, 100, 0, 0.1);
	assert_int_equal(r.dir, TRACK_C2S);
	r = pb_s2c(&c, S | A, 7, 2, 100, 0, 0.1);
	assert_int_equal(r.dir, TRACK_S2C);
	assert_int_equal(r.flow_id, 1);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].client_port, 50000);
	assert_int_equal(c.sink.ended[0].server_port, 8080);
}

/* Random packets on a few tuples: no crash, every flow ends exactly once. */
static void test_random_packets(void **state)
{
	struct pb_conv c;
	const char *hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3"};
	(void)state;
	pb_conv_init(&c);
	srand(11);
	for (int i = 0; i < 20000; i++) {
		const char *src = hosts[rand() % 3], *dst = hosts[rand() % 3];
		uint16_t sport = (uint16_t)(80 + rand() % 3), dport = (uint16_t)(80 + rand() % 3);
		struct packet p;
		int kind = rand() % 4;
		if (kind < 2)
			p = pb_tcp(src, sport, dst, dport, (uint8_t)rand(), (uint32_t)(rand() % 64),
			           (uint32_t)(rand() % 64), (uint16_t)(rand() % 3),
			           (uint32_t)(rand() % 3));
		else if (kind == 2)
			p = pb_udp(src, sport, dst, dport, (uint32_t)(rand() % 3));
		else {
			p = pb_icmp(src, dst, (uint8_t)(rand() % 12), 3);
			if (rand() & 1)
				pb_quote(&p, rand() & 1 ? 6 : 17, dst, dport, src, sport);
		}
		pb_feed(&c, &p, (rand() % 100) * 0.05);
	}
	size_t live = track_live_flows(c.table);
	size_t ended = c.sink.count;
	pb_conv_done(&c);
	assert_int_equal(c.sink.count, ended + live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normal_open),
	    cmocka_unit_test(test_relative_numbers),
	    cmocka_unit_test(test_relative_numbers_midstream),
	    cmocka_unit_test(test_window_scaling),
	    cmocka_unit_test(test_window_scaling_one_sided),
	    cmocka_unit_test(test_syn_retransmitted),
	    cmocka_unit_test(test_simultaneous_open),
	    cmocka_unit_test(test_connect_refused),
	    cmocka_unit_test(test_half_close_and_end),
	    cmocka_unit_test(test_simultaneous_close),
	    cmocka_unit_test(test_abort_by_rst),
	    cmocka_unit_test(test_reused_ports),
	    cmocka_unit_test(test_reused_ports_near_miss),
	    cmocka_unit_test(test_syn_after_end_reuses),
	    cmocka_unit_test(test_udp_pairing_and_idle),
	    cmocka_unit_test(test_icmp_port_unreachable),
	    cmocka_unit_test(test_icmp_echo_pairing),
	    cmocka_unit_test(test_no_ip_and_ids),
	    cmocka_unit_test(test_live_flows_capped),
	    cmocka_unit_test(test_ipv6_flow),
	    cmocka_unit_test(test_random_packets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
