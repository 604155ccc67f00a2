/*
 * test_track_detail.c - the socket model (listener, UNKNOWN, simultaneous open
 * and close), analysis_detail and resend causes, Karn's rule, delayed ACKs,
 * SACK and D-SACK, the call log as evidence.  Each rule with a near miss.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "packet_builder.h"

#define A TCP_ACK
#define S TCP_SYN
#define F TCP_FIN
#define R TCP_RST
#define C PB_CISN
#define V PB_SISN

static const struct track_analysis_detail *det(const struct track_result *r,
                                               enum track_analysis flag)
{
	assert_true(r->analysis & flag);
	return &r->detail[__builtin_ctz((unsigned)flag)];
}

static void test_unknown_is_not_guessed(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	r = pb_c2s(&c, S, C, 0, 1000, 0, 1.0);
	r = pb_c2s(&c, S, C, 0, 1000, 0, 2.0);
	pb_expect_states(&r, TCPS_SYN_SENT, TCPS_UNKNOWN);
	assert_string_equal(track_state_name(r.state_server), "UNKNOWN");
	assert_int_equal(r.listener, TRACK_LISTENER_UNKNOWN);
	assert_string_equal(track_listener_name(r.listener), "UNKNOWN");
	assert_int_equal(det(&r, TA_RETRANSMISSION)->cause, TRACK_CAUSE_SYN);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->num, 2); /* the second resend */
	assert_true(det(&r, TA_RETRANSMISSION)->backoff > 1.99);
	assert_true(det(&r, TA_RETRANSMISSION)->after > 2.99); /* since the first send */
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].syn_resends, 2);
	assert_int_equal(c.sink.ended[0].syn_unanswered_frame, 1);
	assert_true(c.sink.ended[0].syn_last_backoff > 1.99);
	/* nothing ever put the server anywhere */
	assert_int_equal(c.sink.ended[0].states_reached[TRACK_S2C], 1u << TCPS_UNKNOWN);
}

static void test_refused_no_listener(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	r = pb_s2c(&c, R | A, 0, C + 1, 0, 0, 0.001);
	pb_expect_states(&r, TCPS_CLOSED, TCPS_CLOSED);
	assert_int_equal(r.listener, TRACK_LISTENER_NONE);
	assert_string_equal(track_listener_name(r.listener), "CLOSED");
	pb_conv_done(&c);
	/* the server went UNKNOWN -> CLOSED, never through LISTEN */
	assert_false(c.sink.ended[0].states_reached[TRACK_S2C] & (1u << TCPS_LISTEN));
	assert_int_equal(c.sink.ended[0].listener, TRACK_LISTENER_NONE);
}

/* Near miss: a RST in an established connection says nothing about a listener. */
static void test_rst_midconnection_keeps_listener(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	r = pb_s2c(&c, R | A, V + 1, C + 1, 0, 0, 0.1);
	assert_int_equal(r.listener, TRACK_LISTENER_INFERRED);
	pb_conv_done(&c);
}

static void test_listen_call_sets_listener(void **state)
{
	struct pb_conv c;
	struct track_result r;
	struct track_call_info call = {.call = TRACK_CALL_LISTEN, .proto = L4_TCP};
	(void)state;
	pb_conv_init(&c);
	call.local = pb_addr("0.0.0.0");
	call.local_port = 80;
	track_note_call(c.table, &call);
	r = pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	assert_int_equal(r.listener, TRACK_LISTENER_CALLED);
	pb_expect_states(&r, TCPS_SYN_SENT, TCPS_UNKNOWN);
	r = pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.1);
	assert_int_equal(r.listener, TRACK_LISTENER_CALLED); /* not downgraded to inferred */
	pb_conv_done(&c);
}

/* Near miss: listen() on another port is no evidence for this one. */
static void test_listen_call_other_port(void **state)
{
	struct pb_conv c;
	struct track_result r;
	struct track_call_info call = {.call = TRACK_CALL_LISTEN, .proto = L4_TCP};
	(void)state;
	pb_conv_init(&c);
	call.local = pb_addr("10.0.0.2");
	call.local_port = 81;
	track_note_call(c.table, &call);
	r = pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	assert_int_equal(r.listener, TRACK_LISTENER_UNKNOWN);
	pb_conv_done(&c);
}

static void test_simultaneous_open_both_sides(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	r = pb_s2c(&c, S, V, 0, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_SYN_RECEIVED, TCPS_SYN_SENT);
	r = pb_c2s(&c, S | A, C, V + 1, 1000, 0, 0.01);
	assert_int_equal(r.via_server, TCPS_SYN_RECEIVED);
	assert_int_equal(r.via_client, TCPS_UNKNOWN);
	/* Wireshark flags it; the detail says what it really is */
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		if (r.analysis & (1u << i))
			assert_int_equal(r.detail[i].cause, TRACK_CAUSE_SIMULTANEOUS_OPEN);
	assert_true(r.analysis != 0);
	r = pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.01);
	pb_expect_states(&r, TCPS_ESTABLISHED, TCPS_ESTABLISHED);
	pb_conv_done(&c);
	for (int d = 0; d < 2; d++) {
		uint32_t reached = c.sink.ended[0].states_reached[d];
		assert_true(reached & (1u << TCPS_SYN_SENT));
		assert_true(reached & (1u << TCPS_SYN_RECEIVED));
		assert_true(reached & (1u << TCPS_ESTABLISHED));
		assert_false(reached & (1u << TCPS_LISTEN));
	}
}

static void test_simultaneous_close(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	r = pb_c2s(&c, F | A, C + 1, V + 1, 1000, 0, 0.1);
	pb_expect_states(&r, TCPS_FIN_WAIT_1, TCPS_CLOSE_WAIT);
	/* the server's FIN does not acknowledge the client's: the FINs crossed */
	r = pb_s2c(&c, F | A, V + 1, C + 1, 1000, 0, 0.0001);
	assert_true(r.fin_crossed);
	assert_int_equal(r.state_server_before, TCPS_FIN_WAIT_1);
	pb_expect_states(&r, TCPS_CLOSING, TCPS_CLOSING);
	r = pb_c2s(&c, A, C + 2, V + 2, 1000, 0, 0.0001);
	pb_expect_states(&r, TCPS_CLOSING, TCPS_TIME_WAIT);
	r = pb_s2c(&c, A, V + 2, C + 2, 1000, 0, 0.0001);
	pb_expect_states(&r, TCPS_TIME_WAIT, TCPS_TIME_WAIT);
	pb_conv_done(&c);
	assert_false(c.sink.ended[0].states_reached[TRACK_S2C] & (1u << TCPS_CLOSE_WAIT));
	assert_true(c.sink.ended[0].states_reached[TRACK_S2C] & (1u << TCPS_FIN_WAIT_1));
	assert_true(c.sink.ended[0].fin_crossed);
}

/* Near miss: a FIN that acknowledges the peer's FIN is an ordinary LAST_ACK. */
static void test_ordinary_close_not_crossed(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, F | A, C + 1, V + 1, 1000, 0, 0.1);
	r = pb_s2c(&c, F | A, V + 1, C + 2, 1000, 0, 0.1);
	assert_false(r.fin_crossed);
	pb_expect_states(&r, TCPS_TIME_WAIT, TCPS_LAST_ACK);
	assert_int_equal(r.ack_covers, TRACK_ACK_FIN);
	pb_conv_done(&c);
}

/* A lone last segment resent after 0.206 s: a timer, but the wire cannot say
 * whether the RTO or Linux's tail loss probe (both due then); its ACK gives no RTT (Karn). */
static void test_rto_and_karn(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01); /* frame 4 */
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.206);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->frame, 4);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->cause, TRACK_CAUSE_UNKNOWN);
	assert_true(det(&r, TA_RETRANSMISSION)->timer);
	assert_true(det(&r, TA_RETRANSMISSION)->after > 0.2059);
	r = pb_s2c(&c, A, V + 1, C + 101, 1000, 0, 0.001);
	assert_int_equal(r.acks_frame, 0);
	assert_int_equal(r.karn_frame, 4);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].resent_bytes[TRACK_C2S], 100);
	assert_int_equal(c.sink.ended[0].bytes[TRACK_C2S], 200);
}

/* Not the last segment out: only the retransmission timer resends it after 200 ms. */
static void test_rto_not_last_segment(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);   /* frame 4 */
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.001); /* frame 5 */
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.205);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->frame, 4);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->cause, TRACK_CAUSE_RTO);
	assert_false(det(&r, TA_RETRANSMISSION)->timer);
	pb_conv_done(&c);
}

/* Near miss for Karn: a segment sent once is timed. */
static void test_rtt_sample_when_sent_once(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	r = pb_s2c(&c, A, V + 1, C + 101, 1000, 0, 0.05);
	assert_int_equal(r.acks_frame, 4);
	assert_int_equal(r.karn_frame, 0);
	assert_true(r.ack_rtt > 0.0499 && r.ack_rtt < 0.0501);
	pb_conv_done(&c);
}

/* The last segment resent sooner than any RTO, with no duplicate ACK: a tail-loss probe. */
static void test_tail_loss_probe(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.001); /* frame 5, the last */
	r = pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.02);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->cause, TRACK_CAUSE_TLP);
	assert_int_equal(det(&r, TA_RETRANSMISSION)->frame, 5);
	pb_conv_done(&c);
}

/* Near miss: an early resend of a segment that is not the last has no named cause. */
static void test_early_resend_unknown(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.001);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.05);
	assert_true(r.analysis & (TA_RETRANSMISSION | TA_OUT_OF_ORDER));
	if (r.analysis & TA_RETRANSMISSION)
		assert_int_equal(det(&r, TA_RETRANSMISSION)->cause, TRACK_CAUSE_UNKNOWN);
	pb_conv_done(&c);
}

/* Three duplicate ACKs with SACK, then the missing segment: fast retransmit. */
static void test_fast_retransmit_after_dup_acks(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01); /* frame 4: lost */
	for (uint32_t i = 1; i <= 4; i++)
		pb_c2s(&c, A, C + 1 + 100 * i, V + 1, 1000, 100, 0.0001);
	r = pb_sack_ack(&c, C + 1, C + 101, C + 201, 0.0001); /* frame 9: first ACK of the gap */
	assert_true(r.sack);
	assert_false(r.dsack);
	assert_int_equal(r.sack_left_rel, 101);
	assert_int_equal(r.sack_right_rel, 201);
	/* it repeats the SYN-ACK's ACK number: as Wireshark, a duplicate of frame 2 */
	assert_int_equal(det(&r, TA_DUPLICATE_ACK)->frame, 2);
	assert_int_equal(det(&r, TA_DUPLICATE_ACK)->num, 1);
	pb_sack_ack(&c, C + 1, C + 101, C + 301, 0.0001);
	r = pb_sack_ack(&c, C + 1, C + 101, C + 401, 0.0001);
	assert_int_equal(det(&r, TA_DUPLICATE_ACK)->num, 3);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.0001);
	assert_int_equal(det(&r, TA_FAST_RETRANSMISSION)->cause, TRACK_CAUSE_FAST);
	assert_int_equal(det(&r, TA_FAST_RETRANSMISSION)->frame, 4);
	assert_int_equal(det(&r, TA_FAST_RETRANSMISSION)->num, 3);
	pb_conv_done(&c);
}

/* RFC 2883: a SACK block below the cumulative ACK reports a duplicate and names the resend. */
static void test_dsack_names_spurious_resend(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.25); /* frame 5: a needless resend */
	assert_true(det(&r, TA_RETRANSMISSION)->timer);
	r = pb_sack_ack(&c, C + 101, C + 1, C + 101, 0.001);
	assert_true(r.dsack);
	assert_false(r.sack); /* nothing is missing */
	assert_int_equal(r.dsack_left_rel, 1);
	assert_int_equal(r.dsack_right_rel, 101);
	assert_int_equal(r.dsack_frame, 5);
	pb_conv_done(&c);
}

/* RFC 2883 §4 case 2: a first block inside the second reports a duplicate above the ACK. */
static void test_dsack_inside_second_block(void **state)
{
	struct pb_conv c;
	struct track_result r;
	struct packet p;
	struct tcp_option *o;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01); /* lost */
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.001);
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.3); /* frame 6: resent needlessly */
	p = pb_tcp(c.server, c.sport, c.client, c.cport, A, V + 1, C + 1, 1000, 0);
	o = &p.tcp.options[p.tcp.option_count++];
	o->kind = TCPOPT_SACK;
	o->u.sack.count = 2;
	o->u.sack.left[0] = C + 101;
	o->u.sack.right[0] = C + 201;
	o->u.sack.left[1] = C + 101;
	o->u.sack.right[1] = C + 201;
	r = pb_feed(&c, &p, 0.001);
	assert_true(r.dsack);
	assert_int_equal(r.dsack_frame, 6);
	assert_true(r.sack); /* the second block still says what arrived past the gap */
	assert_int_equal(r.sack_left_rel, 101);
	pb_conv_done(&c);
}

/* Near miss: a SACK block above the ACK is an ordinary SACK, not a D-SACK. */
static void test_sack_above_ack_not_dsack(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	pb_c2s(&c, A, C + 101, V + 1, 1000, 100, 0.001);
	r = pb_sack_ack(&c, C + 1, C + 101, C + 201, 0.001);
	assert_false(r.dsack);
	assert_true(r.sack);
	pb_conv_done(&c);
}

/* A pure ACK 40 ms after the data, nothing sent between, handshake far faster: delayed ACK. */
static void test_delayed_ack(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.0001);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.0001);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 10, 0.01);
	r = pb_s2c(&c, A, V + 1, C + 11, 1000, 0, 0.040);
	assert_true(r.delayed_ack);
	assert_int_equal(r.acks_frame, 4);
	pb_conv_done(&c);
}

/* Near misses: a prompt ACK, or an ACK as slow as the handshake, is no delayed ACK. */
static void test_not_delayed_ack(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.0001);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.0001);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 10, 0.01);
	r = pb_s2c(&c, A, V + 1, C + 11, 1000, 0, 0.005);
	assert_false(r.delayed_ack);
	pb_conv_done(&c);
	pb_conv_init(&c);
	pb_handshake(&c); /* 0.1 s per packet: a 0.2 s handshake */
	pb_c2s(&c, A, C + 1, V + 1, 1000, 10, 0.01);
	r = pb_s2c(&c, A, V + 1, C + 11, 1000, 0, 0.040);
	assert_false(r.delayed_ack);
	pb_conv_done(&c);
}

static void test_vantage(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.0001);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.05);
	assert_int_equal(r.vantage, TRACK_VANTAGE_SERVER); /* SYN -> SYN-ACK is local */
	pb_conv_done(&c);
	pb_conv_init(&c);
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.05);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.0001);
	assert_int_equal(r.vantage, TRACK_VANTAGE_CLIENT);
	pb_conv_done(&c);
	pb_conv_init(&c);
	c.client = c.server = "127.0.0.1";
	pb_c2s(&c, S, C, 0, 1000, 0, 0.1);
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.0001);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.05);
	assert_int_equal(r.vantage, TRACK_VANTAGE_LOOPBACK);
	pb_conv_done(&c);
}

static void note(struct pb_conv *c, enum track_call kind, bool client)
{
	struct track_call_info call = {.call = kind, .proto = L4_TCP, .has_peer = true};
	call.local = pb_addr(client ? c->client : c->server);
	call.peer = pb_addr(client ? c->server : c->client);
	call.local_port = client ? c->cport : c->sport;
	call.peer_port = client ? c->sport : c->cport;
	track_note_call(c->table, &call);
}

static void test_calls_as_evidence(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	note(&c, TRACK_CALL_SHUTDOWN_WR, true);
	r = pb_c2s(&c, F | A, C + 1, V + 1, 1000, 0, 0.1);
	assert_int_equal(r.sender_call, TRACK_CALL_SHUTDOWN_WR);
	assert_int_equal(r.receiver_call, TRACK_CALL_NONE);
	note(&c, TRACK_CALL_CLOSE, false);
	r = pb_s2c(&c, F | A, V + 1, C + 2, 1000, 0, 0.1);
	assert_int_equal(r.sender_call, TRACK_CALL_CLOSE);
	assert_int_equal(r.receiver_call, TRACK_CALL_SHUTDOWN_WR);
	pb_conv_done(&c);

	pb_conv_init(&c);
	pb_handshake(&c);
	note(&c, TRACK_CALL_LINGER_ZERO, true);
	note(&c, TRACK_CALL_CLOSE, true);
	r = pb_c2s(&c, R | A, C + 1, V + 1, 0, 0, 0.1);
	assert_int_equal(r.sender_call, TRACK_CALL_ABORT);
	pb_conv_done(&c);
	assert_true(c.sink.ended[0].abort_call);
}

/* Near miss: a close() without SO_LINGER {1, 0} is no abort. */
static void test_close_without_linger_is_no_abort(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	note(&c, TRACK_CALL_CLOSE, true);
	r = pb_c2s(&c, R | A, C + 1, V + 1, 0, 0, 0.1);
	assert_int_equal(r.sender_call, TRACK_CALL_CLOSE);
	pb_conv_done(&c);
	assert_false(c.sink.ended[0].abort_call);
}

static void test_ack_covers(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	assert_int_equal(c.last.ack_covers, TRACK_ACK_SYN);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 6, 0.1);
	r = pb_s2c(&c, A, V + 1, C + 7, 1000, 0, 0.1);
	assert_int_equal(r.ack_covers, TRACK_ACK_DATA);
	pb_c2s(&c, F | A, C + 7, V + 1, 1000, 0, 0.1);
	r = pb_s2c(&c, A, V + 1, C + 8, 1000, 0, 0.1);
	assert_int_equal(r.ack_covers, TRACK_ACK_FIN);
	assert_int_equal(r.ack_rel, 8);
	pb_conv_done(&c);
	pb_conv_init(&c); /* midstream: the SYN was not seen */
	r = pb_s2c(&c, A, 7000, 3000, 1000, 0, 0.1);
	assert_int_equal(r.ack_covers, TRACK_ACK_NO_BASE);
	pb_conv_done(&c);
}

static void test_tfo_syn_data(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	r = pb_c2s(&c, S, C, 0, 1000, 4, 0.1);
	assert_int_equal(r.syn_data_len, 4);
	assert_int_equal(r.next_seq_rel, 5); /* SYN = 0, data = bytes 1 to 4 */
	/* near miss for TLP: the SYN-ACK takes only the SYN, the client sends the data again at
	 * once; no timer fired, and the wire does not say more */
	pb_s2c(&c, S | A, V, C + 1, 1000, 0, 0.01);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 0, 0.0001);
	r = pb_c2s(&c, A, C + 1, V + 1, 1000, 4, 0.0001);
	assert_true(r.analysis & (TA_RETRANSMISSION | TA_OUT_OF_ORDER | TA_SPURIOUS_RETRANSMISSION));
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		assert_true(r.detail[i].cause != TRACK_CAUSE_TLP && r.detail[i].cause != TRACK_CAUSE_RTO);
	pb_conv_done(&c);
}

static void test_detail_references(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	pb_c2s(&c, A, C + 1, V + 1, 1000, 100, 0.01);
	pb_s2c(&c, A, V + 1, C + 101, 1000, 0, 0.01); /* frame 5 */
	r = pb_s2c(&c, A, V + 1, C + 101, 1000, 0, 0.01);
	assert_int_equal(det(&r, TA_DUPLICATE_ACK)->frame, 5);
	r = pb_s2c(&c, A, V + 1, C + 101, 2000, 0, 0.01);
	assert_int_equal(det(&r, TA_WINDOW_UPDATE)->frame, 6); /* the previous, old window */
	pb_conv_done(&c);
}

static struct track_result udp_send(struct pb_conv *c, bool c2s, const char *bytes)
{
	struct packet p = c2s ? pb_udp(c->client, c->cport, c->server, c->sport, 0)
	                      : pb_udp(c->server, c->sport, c->client, c->cport, 0);
	p.payload = (const uint8_t *)bytes;
	p.payload_len = p.payload_wire_len = (uint32_t)strlen(bytes);
	return pb_feed(c, &p, 0.2);
}

/* udp-timeout: the application sends the same unanswered datagram again. */
static void test_udp_application_resend(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c);
	udp_send(&c, true, "message 1");
	r = udp_send(&c, true, "message 1");
	assert_int_equal(r.udp_resend_of, 1);
	r = udp_send(&c, false, "ACK 1");
	assert_int_equal(r.udp_resend_of, 0);
	/* near misses: the same bytes after an answer, and different bytes, are new datagrams */
	r = udp_send(&c, true, "message 1");
	assert_int_equal(r.udp_resend_of, 0);
	r = udp_send(&c, true, "message 2");
	assert_int_equal(r.udp_resend_of, 0);
	pb_conv_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_is_not_guessed),
	    cmocka_unit_test(test_refused_no_listener),
	    cmocka_unit_test(test_rst_midconnection_keeps_listener),
	    cmocka_unit_test(test_listen_call_sets_listener),
	    cmocka_unit_test(test_listen_call_other_port),
	    cmocka_unit_test(test_simultaneous_open_both_sides),
	    cmocka_unit_test(test_simultaneous_close),
	    cmocka_unit_test(test_ordinary_close_not_crossed),
	    cmocka_unit_test(test_rto_and_karn),
	    cmocka_unit_test(test_rto_not_last_segment),
	    cmocka_unit_test(test_rtt_sample_when_sent_once),
	    cmocka_unit_test(test_tail_loss_probe),
	    cmocka_unit_test(test_early_resend_unknown),
	    cmocka_unit_test(test_fast_retransmit_after_dup_acks),
	    cmocka_unit_test(test_dsack_names_spurious_resend),
	    cmocka_unit_test(test_dsack_inside_second_block),
	    cmocka_unit_test(test_sack_above_ack_not_dsack),
	    cmocka_unit_test(test_delayed_ack),
	    cmocka_unit_test(test_not_delayed_ack),
	    cmocka_unit_test(test_vantage),
	    cmocka_unit_test(test_calls_as_evidence),
	    cmocka_unit_test(test_close_without_linger_is_no_abort),
	    cmocka_unit_test(test_ack_covers),
	    cmocka_unit_test(test_tfo_syn_data),
	    cmocka_unit_test(test_detail_references),
	    cmocka_unit_test(test_udp_application_resend),
	};
	return cmocka_run_group_tests_name("track_detail", tests, NULL, NULL);
}
