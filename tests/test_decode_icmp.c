/* test_decode_icmp.c - ICMP (RFC 792), ICMPv6 (RFC 4443) and the headers errors quote. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

/* The datagram an error complains about: 192.168.0.2:40000 -> 192.168.0.1:9999. */
#define INNER_V4(proto)                                                                            \
	0x45, 0, 0, 0x24, 0, 7, 0, 0, 0x40, (proto), 0, 0, 192, 168, 0, 2, 192, 168, 0, 1
#define INNER_V6(payload_len, next)                                                                \
	0x60, 0, 0, 0, 0, (payload_len), (next), 64, IPV6_ADDR(2), IPV6_ADDR(1)
#define INNER_UDP  0x9c, 0x40, 0x27, 0x0f, 0x00, 0x10, 0x00, 0x00
#define INNER_TCP8 0x9c, 0x40, 0x27, 0x0f, 0x12, 0x34, 0x56, 0x78

static const uint8_t echo_request[] = {IPV4_HDR(36, 1),
                                       0x08,
                                       0x00,
                                       0xf7,
                                       0xfe,
                                       0x12,
                                       0x34,
                                       0x00,
                                       0x01,
                                       'a',
                                       'b',
                                       'c',
                                       'd',
                                       'e',
                                       'f',
                                       'g',
                                       'h'};

static const uint8_t echo_reply_v6[] = {IPV6_HDR(16, 58),
                                        0x81,
                                        0x00,
                                        0x00,
                                        0x00,
                                        0x12,
                                        0x34,
                                        0x00,
                                        0x02,
                                        'a',
                                        'b',
                                        'c',
                                        'd',
                                        'e',
                                        'f',
                                        'g',
                                        'h'};

/* Port unreachable (3/3) quoting an IPv4 + UDP header, over Ethernet. */
static const uint8_t port_unreachable[] = {
    ETH_IPV4, IPV4_HDR(56, 1), 0x03, 0x03, 0xab, 0xcd, 0, 0, 0, 0, INNER_V4(17), INNER_UDP};

/* ICMPv6 port unreachable (1/4) quoting IPv6 + UDP. */
static const uint8_t port_unreachable_v6[] = {
    IPV6_HDR(56, 58), 0x01, 0x04, 0x12, 0x34, 0, 0, 0, 0, INNER_V6(16, 17), INNER_UDP};

/* Time exceeded (11/0) quoting IPv4 + the first 8 bytes of TCP. */
static const uint8_t time_exceeded[] = {IPV4_HDR(56, 1), 0x0b,      0x00, 0, 0, 0, 0, 0, 0,
                                        INNER_V4(6),     INNER_TCP8};

/* Host unreachable (3/1) quoting only 12 bytes of the IPv4 header. */
static const uint8_t quote_cut_short[] = {
    IPV4_HDR(40, 1), 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 0x3c, 0, 0, 0x40, 0, 0x40, 6, 0, 0};

/* A whole inner header but only 2 bytes of its UDP header. */
static const uint8_t quote_no_ports[] = {IPV4_HDR(50, 1), 0x03, 0x03, 0, 0, 0, 0, 0, 0,
                                         INNER_V4(17),    0x9c, 0x40};

/* Packet too big (2/0), MTU 1280, quoting a bare IPv6 header. */
static const uint8_t too_big[] = {IPV6_HDR(48, 58), 0x02, 0x00, 0, 0, 0x00, 0x00, 0x05, 0x00,
                                  INNER_V6(0x78, 6)};

/* ICMPv6 error quoting IPv6 + Fragment header (first fragment) + UDP. */
static const uint8_t quote_v6_fragment[] = {IPV6_HDR(64, 58), 0x01, 0x04, 0, 0, 0, 0, 0, 0,
                                            INNER_V6(16, 44), 17,   0,    0, 1, 0, 0, 0, 9,
                                            INNER_UDP};

/* An error quoting a later IPv4 fragment: no ports in it. */
static const uint8_t quote_later_fragment[] = {IPV4_HDR(56, 1),
                                               0x03,
                                               0x03,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0,
                                               0x45,
                                               0,
                                               0,
                                               0x24,
                                               0,
                                               7,
                                               0x00,
                                               0xb9,
                                               0x40,
                                               17,
                                               0,
                                               0,
                                               192,
                                               168,
                                               0,
                                               2,
                                               192,
                                               168,
                                               0,
                                               1,
                                               INNER_UDP};

/* An IP payload of 4 bytes cannot hold the 8-byte ICMP header. */
static const uint8_t icmp_too_short[] = {IPV4_HDR(24, 1), 0x08, 0x00, 0x00, 0x00};

static void decode_ok(int linktype, const uint8_t *frame, size_t len, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt), 0);
	assert_false(pkt->truncated);
	assert_null(pkt->err.layer);
}

static void check_addr(const struct ss_addr *a, const char *text)
{
	char buf[SS_ADDR_STRLEN];

	assert_string_equal(ss_addr_format(a, buf, sizeof buf), text);
}

static void test_echo(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_RAW, echo_request, sizeof echo_request, &pkt);
	assert_int_equal(pkt.l4, L4_ICMP);
	assert_int_equal(pkt.icmp.type, 8);
	assert_int_equal(pkt.icmp.code, 0);
	assert_int_equal(pkt.icmp.checksum, 0xf7fe);
	assert_int_equal(pkt.icmp.rest, 0x12340001);
	assert_int_equal(pkt.icmp.id, 0x1234);
	assert_int_equal(pkt.icmp.seq, 1);
	assert_false(pkt.icmp.quoted.present);
	assert_int_equal(pkt.payload_len, 8);
	assert_int_equal(pkt.payload_wire_len, 8);
	assert_string_equal(decode_icmp_type_name(4, pkt.icmp.type, pkt.icmp.code), "echo request");

	decode_ok(LINKTYPE_RAW, echo_reply_v6, sizeof echo_reply_v6, &pkt);
	assert_int_equal(pkt.l4, L4_ICMPV6);
	assert_int_equal(pkt.icmp.type, 129);
	assert_int_equal(pkt.icmp.id, 0x1234);
	assert_int_equal(pkt.icmp.seq, 2);
	assert_string_equal(decode_icmp_type_name(6, 129, 0), "echo reply");
}

static void test_port_unreachable_quotes_udp(void **state)
{
	struct packet pkt;
	const struct icmp_quote *q = &pkt.icmp.quoted;

	(void)state;
	decode_ok(LINKTYPE_ETHERNET, port_unreachable, sizeof port_unreachable, &pkt);
	assert_int_equal(pkt.l4, L4_ICMP);
	assert_int_equal(pkt.icmp.type, 3);
	assert_int_equal(pkt.icmp.code, 3);
	assert_int_equal(pkt.icmp.id, 0); /* not an echo */
	assert_true(q->present);
	assert_int_equal(q->ip_version, 4);
	assert_int_equal(q->proto, 17);
	check_addr(&q->src, "192.168.0.2");
	check_addr(&q->dst, "192.168.0.1");
	assert_true(q->has_ports);
	assert_int_equal(q->sport, 40000);
	assert_int_equal(q->dport, 9999);
	assert_false(q->has_tcp_seq);
	/* the outer packet is untouched by the quote */
	assert_int_equal(pkt.ip.proto, 1);
	assert_int_equal(pkt.ip.total_len, 56);
	check_addr(&pkt.ip.src, "192.168.0.1");
	assert_int_equal(pkt.udp.sport, 0);
	assert_int_equal(pkt.payload_len, 28);
	assert_string_equal(decode_icmp_type_name(4, 3, 3), "port unreachable");
}

static void test_icmpv6_port_unreachable_quotes_udp(void **state)
{
	struct packet pkt;
	const struct icmp_quote *q = &pkt.icmp.quoted;

	(void)state;
	decode_ok(LINKTYPE_RAW, port_unreachable_v6, sizeof port_unreachable_v6, &pkt);
	assert_int_equal(pkt.l4, L4_ICMPV6);
	assert_int_equal(pkt.icmp.type, 1);
	assert_int_equal(pkt.icmp.code, 4);
	assert_true(q->present);
	assert_int_equal(q->ip_version, 6);
	assert_int_equal(q->proto, 17);
	check_addr(&q->src, "2001:db8::2");
	check_addr(&q->dst, "2001:db8::1");
	assert_true(q->has_ports);
	assert_int_equal(q->sport, 40000);
	assert_int_equal(q->dport, 9999);
	assert_int_equal(pkt.ip.proto, 58);
	assert_string_equal(decode_icmp_type_name(6, 1, 4), "port unreachable");

	decode_ok(LINKTYPE_RAW, quote_v6_fragment, sizeof quote_v6_fragment, &pkt);
	assert_true(q->has_ports);
	assert_int_equal(q->proto, 17);
	assert_int_equal(q->dport, 9999);
	assert_int_equal(pkt.ip.ext_count, 0); /* the inner walk is not the outer one */
}

static void test_time_exceeded_quotes_tcp_seq(void **state)
{
	struct packet pkt;
	const struct icmp_quote *q = &pkt.icmp.quoted;

	(void)state;
	decode_ok(LINKTYPE_RAW, time_exceeded, sizeof time_exceeded, &pkt);
	assert_true(q->present);
	assert_int_equal(q->proto, 6);
	assert_true(q->has_ports);
	assert_true(q->has_tcp_seq);
	assert_int_equal(q->tcp_seq, 0x12345678);
	assert_string_equal(decode_icmp_type_name(4, 11, 0), "time exceeded");
}

static void test_quote_cut_short(void **state)
{
	struct packet pkt;
	const struct icmp_quote *q = &pkt.icmp.quoted;

	(void)state;
	decode_ok(LINKTYPE_RAW, quote_cut_short, sizeof quote_cut_short, &pkt);
	assert_false(q->present);
	assert_int_equal(q->ip_version, 4);
	assert_int_equal(q->proto, 6); /* byte 9 was quoted */
	assert_int_equal(q->src.family, 0);
	assert_false(q->has_ports);
	assert_string_equal(decode_icmp_type_name(4, 3, 1), "host unreachable");

	decode_ok(LINKTYPE_RAW, quote_no_ports, sizeof quote_no_ports, &pkt);
	assert_true(q->present);
	assert_false(q->has_ports);
	assert_int_equal(q->sport, 0);

	decode_ok(LINKTYPE_RAW, quote_later_fragment, sizeof quote_later_fragment, &pkt);
	assert_true(q->present);
	assert_false(q->has_ports);
}

static void test_packet_too_big(void **state)
{
	struct packet pkt;
	const struct icmp_quote *q = &pkt.icmp.quoted;

	(void)state;
	decode_ok(LINKTYPE_RAW, too_big, sizeof too_big, &pkt);
	assert_int_equal(pkt.icmp.rest, 1280);
	assert_true(q->present);
	assert_int_equal(q->proto, 6);
	assert_false(q->has_ports);
	assert_string_equal(decode_icmp_type_name(6, 2, 0), "packet too big");
}

static void test_icmp_too_short(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_RAW, icmp_too_short, sizeof icmp_too_short,
	                              sizeof icmp_too_short, &pkt),
	                 -SS_EMALFORMED);
	assert_string_equal(pkt.err.layer, "icmp");
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, icmp_too_short);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(decode_icmp_type_name(4, 0, 0), "echo reply");
	assert_string_equal(decode_icmp_type_name(4, 3, 0), "net unreachable");
	assert_string_equal(decode_icmp_type_name(4, 3, 15), "destination unreachable");
	assert_string_equal(decode_icmp_type_name(4, 11, 1), "time exceeded");
	assert_string_equal(decode_icmp_type_name(6, 128, 0), "echo request");
	assert_string_equal(decode_icmp_type_name(6, 3, 0), "time exceeded");
	assert_string_equal(decode_icmp_type_name(6, 1, 3), "address unreachable");
	assert_string_equal(decode_icmp_type_name(6, 135, 0), "neighbor solicitation");
	assert_string_equal(decode_icmp_type_name(6, 136, 0), "neighbor advertisement");
	assert_null(decode_icmp_type_name(4, 200, 0));
	assert_null(decode_icmp_type_name(6, 8, 0)); /* echo request is 128 in v6 */
	assert_null(decode_icmp_type_name(5, 0, 0));
}

static void test_is_error(void **state)
{
	static const uint8_t v4_errors[] = {3, 4, 5, 11, 12};
	static const uint8_t v6_errors[] = {1, 2, 3, 4};

	(void)state;
	for (size_t i = 0; i < sizeof v4_errors; i++)
		assert_true(decode_icmp_is_error(4, v4_errors[i]));
	for (size_t i = 0; i < sizeof v6_errors; i++)
		assert_true(decode_icmp_is_error(6, v6_errors[i]));
	assert_false(decode_icmp_is_error(4, 0));
	assert_false(decode_icmp_is_error(4, 8));
	assert_false(decode_icmp_is_error(6, 128));
	assert_false(decode_icmp_is_error(6, 135));
	assert_false(decode_icmp_is_error(6, 11));
}

static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_RAW, echo_request, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, echo_reply_v6, 48);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, port_unreachable, 14 + 28);
	CUT_ANYWHERE(LINKTYPE_RAW, port_unreachable_v6, 48);
	CUT_ANYWHERE(LINKTYPE_RAW, time_exceeded, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, quote_cut_short, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, quote_no_ports, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, too_big, 48);
	CUT_ANYWHERE(LINKTYPE_RAW, quote_v6_fragment, 48);
	CUT_ANYWHERE(LINKTYPE_RAW, quote_later_fragment, 28);
}

/* Every cut of a quote decodes; the quote holds only what was captured. */
static void test_quote_cut_anywhere(void **state)
{
	struct packet pkt;

	(void)state;
	for (uint32_t n = 28; n < sizeof time_exceeded; n++) {
		uint8_t *buf = malloc(n);
		assert_non_null(buf);
		memcpy(buf, time_exceeded, n);
		assert_int_equal(decode_frame(LINKTYPE_RAW, buf, n, sizeof time_exceeded, &pkt), 0);
		assert_int_equal(pkt.icmp.quoted.present, n >= 48);
		assert_int_equal(pkt.icmp.quoted.has_ports, n >= 52);
		assert_int_equal(pkt.icmp.quoted.has_tcp_seq, n >= 56);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo),
	    cmocka_unit_test(test_port_unreachable_quotes_udp),
	    cmocka_unit_test(test_icmpv6_port_unreachable_quotes_udp),
	    cmocka_unit_test(test_time_exceeded_quotes_tcp_seq),
	    cmocka_unit_test(test_quote_cut_short),
	    cmocka_unit_test(test_packet_too_big),
	    cmocka_unit_test(test_icmp_too_short),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_is_error),
	    cmocka_unit_test(test_cut_anywhere),
	    cmocka_unit_test(test_quote_cut_anywhere),
	};

	return cmocka_run_group_tests_name("decode_icmp", tests, NULL, NULL);
}
