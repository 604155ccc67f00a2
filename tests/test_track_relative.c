/*
 * test_track_relative.c - relative sequence and acknowledgement numbers as
 * tshark 4.0.17 prints tcp.seq and tcp.ack: from the ISN a SYN shows, even
 * when that SYN comes after segments that guessed it, and negative-wrapped
 * (32-bit unsigned) when a number falls before it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "packet_builder.h"

/* The capture starts after the handshake: the client's first ACK acknowledges
 * 10 bytes before the server's ISN, then the server's SYN-ACK shows the ISN.
 * tshark: ack 1, SYN-ACK seq 0, then ack 1, then 4294967286. */
static void test_ack_before_the_peers_isn(void **state)
{
	struct pb_conv c;
	struct track_result r;

	(void)state;
	pb_conv_init(&c);
	r = pb_c2s(&c, TCP_ACK, PB_CISN + 1, PB_SISN - 10, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 1);
	assert_int_equal(r.ack_rel, 1);
	r = pb_s2c(&c, TCP_SYN | TCP_ACK, PB_SISN, PB_CISN + 1, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 0);
	r = pb_c2s(&c, TCP_ACK, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
	assert_int_equal(r.ack_rel, 1);
	r = pb_c2s(&c, TCP_ACK, PB_CISN + 1, PB_SISN - 10, 1000, 0, 0.1);
	assert_int_equal(r.ack_rel, 4294967286u);
	pb_conv_done(&c);
}

/* After a full handshake an ack below the peer's ISN wraps the same way. */
static void test_ack_below_isn_after_handshake(void **state)
{
	struct pb_conv c;
	struct track_result r;

	(void)state;
	pb_conv_init(&c);
	pb_handshake(&c);
	r = pb_c2s(&c, TCP_ACK, PB_CISN + 1, PB_SISN - 10, 1000, 2, 0.1);
	assert_int_equal(r.seq_rel, 1);
	assert_int_equal(r.ack_rel, 4294967286u);
	r = pb_s2c(&c, TCP_ACK, PB_SISN - 10, PB_CISN + 3, 1000, 0, 0.1);
	assert_int_equal(r.seq_rel, 4294967286u);
	assert_int_equal(r.ack_rel, 3);
	pb_conv_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ack_before_the_peers_isn),
	    cmocka_unit_test(test_ack_below_isn_after_handshake),
	};

	return cmocka_run_group_tests_name("track_relative", tests, NULL, NULL);
}
