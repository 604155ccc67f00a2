/* test_decode_udp.c - the UDP header (RFC 768) and its length rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

#define UDP_PORTS 0x30, 0x39, 0x00, 0x35 /* 12345 -> 53 */

static const uint8_t udp_plain[] = {ETH_IPV4, IPV4_UDP};
static const uint8_t udp_v6[] = {IPV6_UDP};

/* UDP length 7: shorter than its own header. */
static const uint8_t udp_len_7[] = {
    IPV4_HDR(32, 17), UDP_PORTS, 0x00, 0x07, 0x00, 0x00, 1, 2, 3, 4};

/* UDP length 100 in an IP payload of 12: the IP payload wins. */
static const uint8_t udp_len_long[] = {
    IPV4_HDR(32, 17), UDP_PORTS, 0x00, 0x64, 0x12, 0x34, 1, 2, 3, 4};

/* UDP length 10 in an IP payload of 12: 2 bytes of payload, 2 after it. */
static const uint8_t udp_len_short[] = {
    IPV4_HDR(32, 17), UDP_PORTS, 0x00, 0x0a, 0x00, 0x00, 1, 2, 3, 4};

/* An IP payload of 6 bytes cannot hold the 8-byte header. */
static const uint8_t ip_too_short[] = {IPV4_HDR(26, 17), UDP_PORTS, 0x00, 0x08, 0x00, 0x00};

/* An empty datagram (length 8). */
static const uint8_t udp_empty[] = {IPV4_HDR(28, 17), UDP_PORTS, 0x00, 0x08, 0x00, 0x00};

static void test_udp_fields(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(
	    decode_frame(LINKTYPE_ETHERNET, udp_plain, sizeof udp_plain, sizeof udp_plain, &pkt),
	    0);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.udp.sport, 12345);
	assert_int_equal(pkt.udp.dport, 53);
	assert_int_equal(pkt.udp.length, 12);
	assert_int_equal(pkt.udp.checksum, 0);
	assert_false(pkt.udp.length_exceeds_ip);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
	assert_ptr_equal(pkt.payload, udp_plain + 42);

	assert_int_equal(decode_frame(LINKTYPE_RAW, udp_v6, sizeof udp_v6, sizeof udp_v6, &pkt), 0);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.payload_len, 4);

	assert_int_equal(
	    decode_frame(LINKTYPE_RAW, udp_empty, sizeof udp_empty, sizeof udp_empty, &pkt), 0);
	assert_int_equal(pkt.payload_len, 0);
	assert_int_equal(pkt.payload_wire_len, 0);
}

static void test_udp_length_below_8(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(
	    decode_frame(LINKTYPE_RAW, udp_len_7, sizeof udp_len_7, sizeof udp_len_7, &pkt),
	    -SS_EMALFORMED);
	assert_string_equal(pkt.err.layer, "udp");
	assert_string_equal(pkt.err.what, "length < 8");
	assert_int_equal(pkt.err.offset, 20);
	assert_int_equal(pkt.udp.length, 7);
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, udp_len_7);

	assert_int_equal(decode_frame(LINKTYPE_RAW, ip_too_short, sizeof ip_too_short,
	                              sizeof ip_too_short, &pkt),
	                 -SS_EMALFORMED);
	assert_string_equal(pkt.err.what, "ip payload shorter than udp header");
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, ip_too_short);
}

static void test_udp_length_beyond_ip(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_RAW, udp_len_long, sizeof udp_len_long,
	                              sizeof udp_len_long, &pkt),
	                 -SS_EMALFORMED);
	assert_int_equal(pkt.udp.length, 100);
	assert_int_equal(pkt.udp.checksum, 0x1234);
	assert_true(pkt.udp.length_exceeds_ip);
	assert_false(pkt.udp.length_short);
	assert_false(pkt.truncated);
	/* the field is what is wrong; the payload is still decoded, bounded by IP */
	assert_string_equal(pkt.err.layer, "udp");
	assert_string_equal(pkt.err.what, "length field > ip payload");
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
}

static void test_udp_length_within_ip(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_RAW, udp_len_short, sizeof udp_len_short,
	                              sizeof udp_len_short, &pkt),
	                 0);
	assert_false(pkt.udp.length_exceeds_ip);
	assert_int_equal(pkt.payload_len, 2);
	assert_int_equal(pkt.payload_wire_len, 2);
}

/* Without an IP layer the UDP length is all there is to go by. */
static void test_decode_udp_alone(void **state)
{
	struct packet pkt = {0};
	struct cursor c = cursor_make(udp_len_long + 20, 12);

	(void)state;
	assert_int_equal(decode_udp(&c, &pkt), 0);
	assert_false(pkt.udp.length_exceeds_ip);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 92);

	c = cursor_make(udp_len_long + 20, 7);
	assert_int_equal(decode_udp(&c, &pkt), -SS_ETRUNC);
	assert_true(pkt.truncated);
	assert_int_equal(pkt.err.need, 8);
}

static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_ETHERNET, udp_plain, 42);
	CUT_ANYWHERE(LINKTYPE_RAW, udp_v6, 48);
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, udp_len_long);
	CUT_ANYWHERE(LINKTYPE_RAW, udp_len_short, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, udp_empty, 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp_fields),
	    cmocka_unit_test(test_udp_length_below_8),
	    cmocka_unit_test(test_udp_length_beyond_ip),
	    cmocka_unit_test(test_udp_length_within_ip),
	    cmocka_unit_test(test_decode_udp_alone),
	    cmocka_unit_test(test_cut_anywhere),
	};

	return cmocka_run_group_tests_name("decode_udp", tests, NULL, NULL);
}
