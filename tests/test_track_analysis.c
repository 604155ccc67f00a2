/*
 * test_track_analysis.c - each Wireshark 4.0 analysis flag: a sequence where
 * it fires and a near miss where it must not.  Sequences were cross-checked
 * with tshark 4.0.17 on equivalent pcaps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "packet_builder.h"

#define A  TCP_ACK
#define S  TCP_SYN
#define F  TCP_FIN
#define R  TCP_RST
#define P  (TCP_PSH | TCP_ACK)
#define C1 (PB_CISN + 1)
#define S1 (PB_SISN + 1)

static void open_conv(struct pb_conv *c)
{
	pb_conv_init(c);
	pb_handshake(c); /* iRTT 0.2 s */
}

static void test_retransmission(void **state)
{
	struct pb_conv c;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.1);
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.1);
	struct track_result r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.5);
	assert_int_equal(r.analysis, TA_RETRANSMISSION);
	/* near miss: the next segment in order */
	r = pb_c2s(&c, P, C1 + 200, S1, 1000, 100, 0.1);
	assert_int_equal(r.analysis, 0);
	pb_conv_done(&c);
	assert_int_equal(c.sink.ended[0].analysis_counts[0], 1);
	assert_string_equal(c.sink.ended[0].history, "ShADT");
}

/* The tshark case: old data resent 1 ms after the highest seq, already acked: spurious wins. */
static void test_spurious_before_out_of_order(void **state)
{
	struct pb_conv c;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.8);
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.001);
	pb_s2c(&c, A, S1, C1 + 200, 1000, 0, 0.0005);
	struct track_result r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.0005);
	assert_int_equal(r.analysis, TA_SPURIOUS_RETRANSMISSION);
	pb_conv_done(&c);
}

static void test_out_of_order(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.1); /* lost_segment: 1..100 not seen yet */
	r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.01);  /* 10 ms < iRTT 200 ms */
	assert_int_equal(r.analysis, TA_OUT_OF_ORDER);
	pb_conv_done(&c);
	/* near miss: the same late segment after more than the iRTT is a retransmission */
	open_conv(&c);
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.1);
	r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.3);
	assert_int_equal(r.analysis, TA_RETRANSMISSION);
	pb_conv_done(&c);
}

static void dup_acks(struct pb_conv *c, int n, double gap)
{
	for (int i = 0; i < n; i++)
		pb_s2c(c, A, S1, C1, 1000, 0, gap);
}

static void test_duplicate_ack_and_fast_retransmission(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.1);          /* frame 4, lost on the way */
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.001);  /* frame 5 */
	r = pb_s2c(&c, A, S1, C1, 1000, 0, 0.1);        /* frame 6: acks nothing new */
	assert_int_equal(r.analysis, TA_DUPLICATE_ACK); /* same as the handshake's view */
	assert_int_equal(r.dup_ack_num, 1);
	dup_acks(&c, 1, 0.001);
	assert_int_equal(c.last.dup_ack_num, 2);
	assert_int_equal(c.last.dup_ack_frame, 2);
	r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.005);
	assert_int_equal(r.analysis, TA_FAST_RETRANSMISSION);
	pb_conv_done(&c);
	/* near miss: more than 20 ms after the last duplicate ACK it is a plain retransmission */
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.1);
	pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.001);
	dup_acks(&c, 3, 0.1);
	r = pb_c2s(&c, P, C1, S1, 1000, 100, 0.03);
	assert_int_equal(r.analysis, TA_RETRANSMISSION);
	pb_conv_done(&c);
}

/* tshark 4.0.17: a window update between duplicate ACKs does not restart the count. */
static void test_dup_ack_count_survives_window_update(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 10, 0.8);
	pb_s2c(&c, A, S1, C1 + 10, 1000, 0, 0.1); /* frame 5 */
	r = pb_s2c(&c, A, S1, C1 + 10, 1000, 0, 0.1);
	assert_int_equal(r.dup_ack_num, 1);
	assert_int_equal(r.dup_ack_frame, 5);
	r = pb_s2c(&c, A, S1, C1 + 10, 2000, 0, 0.1);
	assert_int_equal(r.analysis, TA_WINDOW_UPDATE);
	r = pb_s2c(&c, A, S1, C1 + 10, 2000, 0, 0.1);
	assert_int_equal(r.analysis, TA_DUPLICATE_ACK);
	assert_int_equal(r.dup_ack_num, 2);
	assert_int_equal(r.dup_ack_frame, 5);
	/* near miss: an ACK that moves is never a duplicate */
	pb_c2s(&c, P, C1 + 10, S1, 1000, 10, 0.1);
	r = pb_s2c(&c, A, S1, C1 + 20, 2000, 0, 0.1);
	assert_int_equal(r.analysis, 0);
	pb_conv_done(&c);
}

static void test_lost_segment_and_ack_lost(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	r = pb_c2s(&c, P, C1 + 100, S1, 1000, 100, 0.1);
	assert_int_equal(r.analysis, TA_LOST_SEGMENT);
	r = pb_c2s(&c, P, C1 + 200, S1, 1000, 100, 0.1); /* near miss: in order after it */
	assert_int_equal(r.analysis, 0);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].history, "ShADG");

	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.1);
	r = pb_s2c(&c, A, S1, C1 + 300, 1000, 0, 0.1); /* acks 200 bytes never seen */
	assert_true(r.analysis & TA_ACK_LOST_SEGMENT);
	r = pb_s2c(&c, A, S1, C1 + 100, 1000, 0, 0.1); /* near miss: acks what was seen */
	assert_false(r.analysis & TA_ACK_LOST_SEGMENT);
	pb_conv_done(&c);
}

static void test_zero_window_probe_and_ack(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 100, 0.1);
	r = pb_s2c(&c, A, S1, C1 + 100, 0, 0, 0.1);
	assert_int_equal(r.analysis, TA_ZERO_WINDOW);
	r = pb_c2s(&c, P, C1 + 100, S1, 1000, 1, 0.5);
	assert_int_equal(r.analysis, TA_ZERO_WINDOW_PROBE);
	r = pb_s2c(&c, A, S1, C1 + 100, 0, 0, 0.1);
	assert_int_equal(r.analysis, TA_ZERO_WINDOW | TA_ZERO_WINDOW_PROBE_ACK);
	/* near miss: two bytes are not a probe, and the window opening is an update */
	r = pb_s2c(&c, A, S1, C1 + 100, 500, 0, 0.1);
	assert_int_equal(r.analysis, TA_WINDOW_UPDATE);
	r = pb_c2s(&c, P, C1 + 100, S1, 1000, 2, 0.1);
	assert_false(r.analysis & TA_ZERO_WINDOW_PROBE);
	pb_conv_done(&c);
	assert_string_equal(c.sink.ended[0].history, "ShADaw");
}

static void test_keep_alive_and_ack(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, P, C1, S1, 1000, 10, 0.1);
	pb_s2c(&c, A, S1, C1 + 10, 1000, 0, 0.1);
	r = pb_c2s(&c, A, C1 + 9, S1, 1000, 0, 60.0);
	assert_int_equal(r.analysis, TA_KEEP_ALIVE);
	r = pb_s2c(&c, A, S1, C1 + 10, 1000, 0, 0.1);
	assert_int_equal(r.analysis, TA_KEEP_ALIVE_ACK);
	/* near miss: an ACK at the right seq is no keep-alive */
	r = pb_c2s(&c, A, C1 + 10, S1, 1000, 0, 60.0);
	assert_false(r.analysis & TA_KEEP_ALIVE);
	pb_conv_done(&c);
}

static void test_window_full(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);                             /* server window 1000, no scaling */
	r = pb_c2s(&c, P, C1, S1, 1000, 999, 0.1); /* near miss: one byte short of the edge */
	assert_int_equal(r.analysis, 0);
	pb_conv_done(&c);
	open_conv(&c);
	r = pb_c2s(&c, P, C1, S1, 1000, 1000, 0.1);
	assert_int_equal(r.analysis, TA_WINDOW_FULL);
	pb_conv_done(&c);
}

static void test_window_full_unknown_scale(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	pb_conv_init(&c); /* mid-stream: the scale is unknown, so never window full */
	pb_s2c(&c, A, 5000, 1000, 100, 0, 0.1);
	r = pb_c2s(&c, P, 1000, 5000, 100, 100, 0.1);
	assert_int_equal(r.analysis, 0);
	pb_conv_done(&c);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(track_analysis_name(TA_DUPLICATE_ACK), "duplicate_ack");
	assert_string_equal(track_analysis_name(TA_REUSED_PORTS), "reused_ports");
	assert_string_equal(track_analysis_name(TA_ACK_LOST_SEGMENT), "ack_lost_segment");
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		assert_string_not_equal(track_analysis_name((enum track_analysis)(1u << i)),
		                        "unknown");
	assert_string_equal(track_state_name(TCPS_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(track_state_name(TCPS_COUNT), "UNKNOWN");
}

static void test_fin_retransmitted(void **state)
{
	struct pb_conv c;
	struct track_result r;
	(void)state;
	open_conv(&c);
	pb_c2s(&c, F | A, C1, S1, 1000, 0, 0.1);
	r = pb_c2s(&c, F | A, C1, S1, 1000, 0, 0.5);
	assert_int_equal(r.analysis, TA_RETRANSMISSION);
	assert_int_equal(r.state_client, TCPS_FIN_WAIT_1);
	pb_conv_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_retransmission),
	    cmocka_unit_test(test_spurious_before_out_of_order),
	    cmocka_unit_test(test_out_of_order),
	    cmocka_unit_test(test_duplicate_ack_and_fast_retransmission),
	    cmocka_unit_test(test_dup_ack_count_survives_window_update),
	    cmocka_unit_test(test_lost_segment_and_ack_lost),
	    cmocka_unit_test(test_zero_window_probe_and_ack),
	    cmocka_unit_test(test_keep_alive_and_ack),
	    cmocka_unit_test(test_window_full),
	    cmocka_unit_test(test_window_full_unknown_scale),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_fin_retransmitted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
