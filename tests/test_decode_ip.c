/* test_decode_ip.c - IPv4 (RFC 791) and IPv6 with extension headers (RFC 8200). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

#define IPV4_ADDRS 192, 168, 0, 1, 192, 168, 0, 2
#define TCP_NO_OPTIONS                                                                             \
	0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x10, 0, 0, 0, 0, 0
/* UDP whose length (100) claims more than a fragment holds. */
#define UDP_LONG 0x30, 0x39, 0x00, 0x35, 0x00, 0x64, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef

/* IHL 6: one word of options (NOP NOP NOP EOL). */
static const uint8_t v4_options[] = {0x46, 0x00, 0x00, 0x24,       0x00, 0x01, 0x00, 0x00, 0x40,
                                     17,   0x00, 0x00, IPV4_ADDRS, 0x01, 0x01, 0x01, 0x00, UDP_12};

/* First fragment: MF, offset 0; the UDP header is in it. */
static const uint8_t v4_first_fragment[] = {0x45, 0x00, 0x00, 0x20, 0x12, 0x34,       0x20,
                                            0x00, 0x40, 17,   0x00, 0x00, IPV4_ADDRS, UDP_LONG};

/* Last fragment at offset 185 * 8 = 1480: no transport header in it. */
static const uint8_t v4_later_fragment[] = {0x45, 0x00, 0x00, 0x1c, 0x12, 0x34,       0x00,
                                            0xb9, 0x40, 17,   0x00, 0x00, IPV4_ADDRS, 1,
                                            2,    3,    4,    5,    6,    7,          8};

static const uint8_t v4_ihl_4[] = {0x44, 0x00, 0x00, 0x28, 0, 0, 0, 0, 0x40, 6, 0, 0, IPV4_ADDRS};
static const uint8_t v4_total_19[] = {0x45, 0x00, 0x00, 0x13, 0, 0,         0,
                                      0,    0x40, 6,    0,    0, IPV4_ADDRS};
static const uint8_t eth_v4_says_6[] = {ETH_IPV4, IPV6_UDP};
static const uint8_t eth_v6_says_4[] = {ETH_IPV6, IPV4_UDP};

/* SCTP (132): not decoded, the datagram's rest is the payload. */
static const uint8_t v4_sctp[] = {IPV4_HDR(24, 132), 0x00, 0x00, 0x08, 0x00};

/* Total length 0, as Linux writes for TSO / BIG TCP. */
static const uint8_t v4_tso[] = {IPV4_HDR(0, 6), TCP_NO_OPTIONS, 'd', 'a', 't', 'a'};

/* Hop-by-hop (PadN) then destination options (PadN) then TCP. */
static const uint8_t v6_hbh_dst_tcp[] = {
    IPV6_HDR(36, 0), 60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0, TCP_NO_OPTIONS};

/* Fragment header, offset 0, M set, then UDP. */
static const uint8_t v6_first_fragment[] = {
    IPV6_HDR(20, 44), 17, 0, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78, UDP_LONG};

/* Fragment header, offset 1480, M clear: fragment bytes follow. */
static const uint8_t v6_later_fragment[] = {
    IPV6_HDR(16, 44), 17, 0, 0x05, 0xc8, 0x12, 0x34, 0x56, 0x78, 1, 2, 3, 4, 5, 6, 7, 8};

/* An atomic fragment (offset 0, M clear, RFC 6946) is not a fragment. */
static const uint8_t v6_atomic_fragment[] = {IPV6_HDR(20, 44), 17, 0, 0, 0, 0, 0, 0, 1, UDP_12};

static const uint8_t v6_no_next[] = {IPV6_HDR(0, 59)};

/* AH: payload length 4 means (4 + 2) * 4 = 24 bytes (RFC 4302 §2.2). */
static const uint8_t v6_ah_tcp[] = {
    IPV6_HDR(44, 51), 6, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    TCP_NO_OPTIONS};

/* Hop-by-hop of 16 bytes in a payload of 8. */
static const uint8_t v6_ext_past_payload[] = {IPV6_HDR(8, 0), 6, 1, 0, 0, 0, 0, 0, 0};

/* ESP (50) cannot be walked. */
static const uint8_t v6_esp[] = {IPV6_HDR(8, 50), 0, 0, 1, 0, 0, 0, 0, 1};

/* A 4-byte trailer (an FCS) after the datagram is not payload. */
static const uint8_t eth_v6_trailer[] = {ETH_IPV6, IPV6_UDP, 0xca, 0xfe, 0xf0, 0x0d};

/* Payload length 10 cannot hold a TCP header. */
static const uint8_t v6_short_for_tcp[] = {IPV6_HDR(10, 6), TCP_NO_OPTIONS};

static void decode_ok(int linktype, const uint8_t *frame, size_t len, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt), 0);
	assert_false(pkt->truncated);
	assert_null(pkt->err.layer);
}

static void test_ipv4_fields_and_options(void **state)
{
	struct packet pkt;
	char buf[SS_ADDR_STRLEN];

	(void)state;
	decode_ok(LINKTYPE_RAW, v4_options, sizeof v4_options, &pkt);
	assert_int_equal(pkt.l3, L3_IPV4);
	assert_int_equal(pkt.ip.version, 4);
	assert_int_equal(pkt.ip.header_len, 24);
	assert_true(pkt.ip.options_present);
	assert_int_equal(pkt.ip.total_len, 36);
	assert_int_equal(pkt.ip.id, 1);
	assert_int_equal(pkt.ip.ttl, 64);
	assert_int_equal(pkt.ip.proto, 17);
	assert_false(pkt.ip.fragment);
	assert_string_equal(ss_addr_format(&pkt.ip.src, buf, sizeof buf), "192.168.0.1");
	assert_string_equal(ss_addr_format(&pkt.ip.dst, buf, sizeof buf), "192.168.0.2");
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.payload_len, 4);

	decode_ok(LINKTYPE_RAW, v4_sctp, sizeof v4_sctp, &pkt);
	assert_true(pkt.ip.dont_fragment);
	assert_false(pkt.ip.options_present);
	assert_int_equal(pkt.l4, L4_OTHER);
	assert_int_equal(pkt.ip.proto, 132);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
}

static void test_ipv4_fragments(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_RAW, v4_first_fragment, sizeof v4_first_fragment, &pkt);
	assert_true(pkt.ip.fragment);
	assert_true(pkt.ip.more_fragments);
	assert_false(pkt.ip.dont_fragment);
	assert_int_equal(pkt.ip.frag_offset, 0);
	assert_int_equal(pkt.ip.id, 0x1234);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.udp.dport, 53);
	assert_int_equal(pkt.udp.length, 100);
	assert_true(pkt.udp.length_exceeds_ip);
	assert_int_equal(pkt.payload_wire_len, 4);

	decode_ok(LINKTYPE_RAW, v4_later_fragment, sizeof v4_later_fragment, &pkt);
	assert_true(pkt.ip.fragment);
	assert_false(pkt.ip.more_fragments);
	assert_int_equal(pkt.ip.frag_offset, 1480);
	assert_int_equal(pkt.ip.proto, 17);
	assert_int_equal(pkt.l4, L4_NONE); /* no transport header in a later fragment */
	assert_int_equal(pkt.udp.sport, 0);
	assert_int_equal(pkt.payload_len, 8);
	assert_int_equal(pkt.payload_wire_len, 8);
	assert_ptr_equal(pkt.payload, v4_later_fragment + 20);
}

static void test_ipv4_malformed(void **state)
{
	struct packet pkt;

	(void)state;
	decode_bad(LINKTYPE_RAW, v4_ihl_4, sizeof v4_ihl_4, "ipv4", "header length < 20", &pkt);
	assert_int_equal(pkt.err.offset, 0);
	decode_bad(LINKTYPE_RAW, v4_total_19, sizeof v4_total_19, "ipv4",
	           "total length < header length", &pkt);
	assert_int_equal(pkt.ip.total_len, 19);
	assert_int_equal(pkt.ip.ttl, 64);
	decode_bad(LINKTYPE_ETHERNET, eth_v4_says_6, sizeof eth_v4_says_6, "ipv4",
	           "version is not 4", &pkt);
	assert_int_equal(pkt.err.offset, 14);
	decode_bad(LINKTYPE_ETHERNET, eth_v6_says_4, sizeof eth_v6_says_4, "ipv6",
	           "version is not 6", &pkt);
}

static void test_ipv4_tso_zero_length(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_RAW, v4_tso, sizeof v4_tso, &pkt);
	assert_int_equal(pkt.ip.total_len, 44);
	assert_true(pkt.ip.tso);
	assert_int_equal(pkt.l4, L4_TCP);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
	/* cut by the snaplen: the rest of the wire length counts */
	assert_int_equal(decode_frame(LINKTYPE_RAW, v4_tso, sizeof v4_tso, 1000, &pkt), 0);
	assert_int_equal(pkt.ip.total_len, 1000);
	assert_int_equal(pkt.payload_wire_len, 960);
	assert_int_equal(pkt.payload_len, 4);
}

static void test_ipv6_extension_headers(void **state)
{
	struct packet pkt;
	char buf[SS_ADDR_STRLEN];

	(void)state;
	decode_ok(LINKTYPE_RAW, v6_hbh_dst_tcp, sizeof v6_hbh_dst_tcp, &pkt);
	assert_int_equal(pkt.l3, L3_IPV6);
	assert_int_equal(pkt.ip.version, 6);
	assert_int_equal(pkt.ip.flow_label, 0x12345);
	assert_int_equal(pkt.ip.tos, 0);
	assert_int_equal(pkt.ip.ttl, 64);
	assert_string_equal(ss_addr_format(&pkt.ip.src, buf, sizeof buf), "2001:db8::1");
	assert_string_equal(ss_addr_format(&pkt.ip.dst, buf, sizeof buf), "2001:db8::2");
	assert_int_equal(pkt.ip.ext_count, 2);
	assert_int_equal(pkt.ip.ext[0], 0);
	assert_int_equal(pkt.ip.ext[1], 60);
	assert_int_equal(pkt.ip.header_len, 56);
	assert_int_equal(pkt.ip.total_len, 76);
	assert_int_equal(pkt.ip.proto, 6);
	assert_int_equal(pkt.l4, L4_TCP);
	assert_int_equal(pkt.tcp.sport, 1234);
	assert_int_equal(pkt.payload_wire_len, 0);

	decode_ok(LINKTYPE_RAW, v6_ah_tcp, sizeof v6_ah_tcp, &pkt);
	assert_int_equal(pkt.ip.ext_count, 1);
	assert_int_equal(pkt.ip.ext[0], 51);
	assert_int_equal(pkt.ip.header_len, 64);
	assert_int_equal(pkt.l4, L4_TCP);
}

static void test_ipv6_fragments(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_RAW, v6_first_fragment, sizeof v6_first_fragment, &pkt);
	assert_true(pkt.ip.fragment);
	assert_true(pkt.ip.more_fragments);
	assert_int_equal(pkt.ip.frag_offset, 0);
	assert_int_equal(pkt.ip.ext[0], 44);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_true(pkt.udp.length_exceeds_ip);
	assert_int_equal(pkt.payload_wire_len, 4);

	decode_ok(LINKTYPE_RAW, v6_later_fragment, sizeof v6_later_fragment, &pkt);
	assert_true(pkt.ip.fragment);
	assert_false(pkt.ip.more_fragments);
	assert_int_equal(pkt.ip.frag_offset, 1480);
	assert_int_equal(pkt.ip.proto, 17);
	assert_int_equal(pkt.l4, L4_NONE);
	assert_int_equal(pkt.payload_len, 8);
	assert_ptr_equal(pkt.payload, v6_later_fragment + 48);

	decode_ok(LINKTYPE_RAW, v6_atomic_fragment, sizeof v6_atomic_fragment, &pkt);
	assert_false(pkt.ip.fragment);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_false(pkt.udp.length_exceeds_ip);
}

static void test_ipv6_other_ends(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_RAW, v6_no_next, sizeof v6_no_next, &pkt);
	assert_int_equal(pkt.ip.proto, 59);
	assert_int_equal(pkt.l4, L4_NONE);
	assert_int_equal(pkt.payload_len, 0);

	decode_ok(LINKTYPE_RAW, v6_esp, sizeof v6_esp, &pkt);
	assert_int_equal(pkt.ip.proto, 50);
	assert_int_equal(pkt.ip.ext_count, 0);
	assert_int_equal(pkt.l4, L4_OTHER);
	assert_int_equal(pkt.payload_len, 8);

	decode_ok(LINKTYPE_ETHERNET, eth_v6_trailer, sizeof eth_v6_trailer, &pkt);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
}

static void test_ipv6_malformed(void **state)
{
	struct packet pkt;

	(void)state;
	decode_bad(LINKTYPE_RAW, v6_ext_past_payload, sizeof v6_ext_past_payload, "ipv6",
	           "extension header past payload length", &pkt);
	assert_int_equal(pkt.err.offset, 40);
	decode_bad(LINKTYPE_RAW, v6_short_for_tcp, sizeof v6_short_for_tcp, "tcp",
	           "ip payload shorter than tcp header", &pkt);
}

/* 17 destination options headers: one more than DECODE_MAX_IPV6_EXT. */
static void test_ipv6_too_many_extension_headers(void **state)
{
	enum { N = DECODE_MAX_IPV6_EXT + 1 };
	static const uint8_t header[] = {IPV6_HDR(N * 8, 60)};
	static const uint8_t dstopts[] = {60, 0, 1, 4, 0, 0, 0, 0};
	uint8_t frame[sizeof header + N * sizeof dstopts];
	struct packet pkt;

	(void)state;
	memcpy(frame, header, sizeof header);
	for (size_t i = 0; i < N; i++)
		memcpy(frame + sizeof header + i * sizeof dstopts, dstopts, sizeof dstopts);
	decode_bad(LINKTYPE_RAW, frame, sizeof frame, "ipv6", "too many extension headers", &pkt);
	assert_int_equal(pkt.ip.ext_count, DECODE_MAX_IPV6_EXT);
	assert_int_equal(pkt.err.offset, 40 + DECODE_MAX_IPV6_EXT * 8);
}

static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_RAW, v4_options, 32);
	CUT_ANYWHERE(LINKTYPE_RAW, v4_first_fragment, 28);
	CUT_ANYWHERE(LINKTYPE_RAW, v4_later_fragment, 20);
	CUT_ANYWHERE(LINKTYPE_RAW, v4_sctp, 20);
	CUT_ANYWHERE(LINKTYPE_RAW, v4_tso, 40);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_hbh_dst_tcp, sizeof v6_hbh_dst_tcp);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_ah_tcp, sizeof v6_ah_tcp);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_first_fragment, 56);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_later_fragment, 48);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_atomic_fragment, 56);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_no_next, 40);
	CUT_ANYWHERE(LINKTYPE_RAW, v6_esp, 40);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_v6_trailer, 14 + 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_fields_and_options),
	    cmocka_unit_test(test_ipv4_fragments),
	    cmocka_unit_test(test_ipv4_malformed),
	    cmocka_unit_test(test_ipv4_tso_zero_length),
	    cmocka_unit_test(test_ipv6_extension_headers),
	    cmocka_unit_test(test_ipv6_fragments),
	    cmocka_unit_test(test_ipv6_other_ends),
	    cmocka_unit_test(test_ipv6_malformed),
	    cmocka_unit_test(test_ipv6_too_many_extension_headers),
	    cmocka_unit_test(test_cut_anywhere),
	};

	return cmocka_run_group_tests_name("decode_ip", tests, NULL, NULL);
}
