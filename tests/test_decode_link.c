/* test_decode_link.c - link types: Ethernet and VLANs, Linux cooked, null/loop, raw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

static const uint8_t eth_ipv4[] = {ETH_IPV4, IPV4_UDP};
static const uint8_t eth_ipv6[] = {ETH_IPV6, IPV6_UDP};

/* 802.1Q tag, priority 0, VLAN 100. */
static const uint8_t eth_vlan[] = {ETH_ADDRS, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, IPV4_UDP};

/* 802.1ad service tag (priority 1, VLAN 10) around an 802.1Q tag (VLAN 20). */
static const uint8_t eth_qinq[] = {ETH_ADDRS, 0x88, 0xa8, 0x20, 0x0a, 0x81,
                                   0x00,      0x00, 0x14, 0x86, 0xdd, IPV6_UDP};

/* A third tag is not decoded. */
static const uint8_t eth_three_tags[] = {ETH_ADDRS, 0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00,
                                         0x02,      0x81, 0x00, 0x00, 0x03, 0x08, 0x00, IPV4_UDP};

/* Linux cooked v1: outgoing, ARPHRD_LOOPBACK, 6 address bytes, IPv4. */
static const uint8_t sll[] = {0x00, 0x04, 0x03, 0x04, 0x00, 0x06, 0,    0,       0,
                              0,    0,    0,    0,    0,    0x08, 0x00, IPV4_UDP};

/* Linux cooked v2: IPv6, reserved, ifindex 1, ARPHRD_LOOPBACK, host, 6 address bytes. */
static const uint8_t sll2[] = {0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0x03, 0x04,    0x00,
                               0x06, 0,    0, 0, 0, 0, 0, 0, 0,    IPV6_UDP};

/* BSD null: AF_INET written little- and big-endian; AF_INET6 as on Darwin (30). */
static const uint8_t null_le[] = {0x02, 0x00, 0x00, 0x00, IPV4_UDP};
static const uint8_t null_be[] = {0x00, 0x00, 0x00, 0x02, IPV4_UDP};
static const uint8_t null_v6[] = {0x1e, 0x00, 0x00, 0x00, IPV6_UDP};
static const uint8_t null_unknown[] = {0x07, 0x00, 0x00, 0x00, IPV4_UDP};

/* OpenBSD loop: network order; AF_INET6 is 24 there. */
static const uint8_t loop_v4[] = {0x00, 0x00, 0x00, 0x02, IPV4_UDP};
static const uint8_t loop_v6[] = {0x00, 0x00, 0x00, 0x18, IPV6_UDP};

static const uint8_t raw_v4[] = {IPV4_UDP};
static const uint8_t raw_v6[] = {IPV6_UDP};
static const uint8_t raw_v5[] = {0x50, 0, 0, 0};

/* ARP request (RFC 826) and an LLDP frame. */
static const uint8_t eth_arp[] = {ETH_ADDRS, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06,
                                  0x04,      0x00, 0x01, 0x66, 0x77, 0x88, 0x99, 0xaa,
                                  0xbb,      192,  168,  0,    1,    0,    0,    0,
                                  0,         0,    0,    192,  168,  0,    2};
static const uint8_t eth_lldp[] = {ETH_ADDRS, 0x88, 0xcc, 0x02, 0x07, 0x04};

/* IPv4 + UDP with 4 payload bytes is 46 bytes; Ethernet pads it to 60. */
static const uint8_t eth_padded[] = {ETH_IPV4, IPV4_UDP, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

static void decode_ok(int linktype, const uint8_t *frame, size_t len, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt), 0);
	assert_false(pkt->truncated);
	assert_null(pkt->err.layer);
	assert_int_equal(pkt->linktype, linktype);
	assert_int_equal(pkt->caplen, len);
	assert_int_equal(pkt->wirelen, len);
}

/* Every sample carries the same UDP datagram: 12345 -> 53, "deadbeef". */
static void check_udp(const struct packet *pkt, enum decode_l3 l3, uint16_t ethertype)
{
	static const uint8_t payload[] = {0xde, 0xad, 0xbe, 0xef};

	assert_int_equal(pkt->l3, l3);
	assert_int_equal(pkt->ethertype, ethertype);
	assert_int_equal(pkt->ip.version, l3 == L3_IPV4 ? 4 : 6);
	assert_int_equal(pkt->l4, L4_UDP);
	assert_int_equal(pkt->udp.sport, 12345);
	assert_int_equal(pkt->udp.dport, 53);
	assert_int_equal(pkt->payload_len, 4);
	assert_int_equal(pkt->payload_wire_len, 4);
	assert_memory_equal(pkt->payload, payload, 4);
}

static void decode_udp_sample(int linktype, const uint8_t *frame, size_t len, enum decode_l3 l3,
                              uint16_t ethertype)
{
	struct packet pkt;

	decode_ok(linktype, frame, len, &pkt);
	check_udp(&pkt, l3, ethertype);
}

#define CHECK_UDP(linktype, frame, l3, ethertype)                                                  \
	decode_udp_sample(linktype, frame, sizeof frame, l3, ethertype)

static void test_ethernet(void **state)
{
	(void)state;
	CHECK_UDP(LINKTYPE_ETHERNET, eth_ipv4, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_ETHERNET, eth_ipv6, L3_IPV6, 0x86dd);
}

static void test_vlan(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_ETHERNET, eth_vlan, sizeof eth_vlan, &pkt);
	check_udp(&pkt, L3_IPV4, 0x0800);
	assert_int_equal(pkt.vlan_count, 1);
	assert_int_equal(pkt.vlan[0], 100);

	decode_ok(LINKTYPE_ETHERNET, eth_qinq, sizeof eth_qinq, &pkt);
	check_udp(&pkt, L3_IPV6, 0x86dd);
	assert_int_equal(pkt.vlan_count, 2);
	assert_int_equal(pkt.vlan[0], 10);
	assert_int_equal(pkt.vlan[1], 20);

	decode_ok(LINKTYPE_ETHERNET, eth_three_tags, sizeof eth_three_tags, &pkt);
	assert_int_equal(pkt.vlan_count, 2);
	assert_int_equal(pkt.ethertype, 0x8100);
	assert_int_equal(pkt.l3, L3_OTHER);
}

static void test_linux_cooked(void **state)
{
	(void)state;
	CHECK_UDP(LINKTYPE_LINUX_SLL, sll, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_LINUX_SLL2, sll2, L3_IPV6, 0x86dd);
}

static void test_null_and_loop(void **state)
{
	struct packet pkt;

	(void)state;
	CHECK_UDP(LINKTYPE_NULL, null_le, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_NULL, null_be, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_NULL, null_v6, L3_IPV6, 0x86dd);
	CHECK_UDP(LINKTYPE_LOOP, loop_v4, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_LOOP, loop_v6, L3_IPV6, 0x86dd);
	decode_ok(LINKTYPE_NULL, null_unknown, sizeof null_unknown, &pkt);
	assert_int_equal(pkt.l3, L3_OTHER);
	/* the loop header is never byte-swapped: 02 00 00 00 is not AF_INET */
	decode_ok(LINKTYPE_LOOP, null_le, sizeof null_le, &pkt);
	assert_int_equal(pkt.l3, L3_OTHER);
}

static void test_raw(void **state)
{
	struct packet pkt;

	(void)state;
	CHECK_UDP(LINKTYPE_RAW, raw_v4, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_RAW, raw_v6, L3_IPV6, 0x86dd);
	CHECK_UDP(DLT_RAW_BSD, raw_v4, L3_IPV4, 0x0800);
	CHECK_UDP(DLT_RAW_OPENBSD, raw_v6, L3_IPV6, 0x86dd);
	CHECK_UDP(LINKTYPE_IPV4, raw_v4, L3_IPV4, 0x0800);
	CHECK_UDP(LINKTYPE_IPV6, raw_v6, L3_IPV6, 0x86dd);
	decode_ok(LINKTYPE_RAW, raw_v5, sizeof raw_v5, &pkt);
	assert_int_equal(pkt.l3, L3_OTHER);
	assert_int_equal(pkt.l4, L4_NONE);
	/* LINKTYPE_IPV6 does not look at the version nibble: 4 is malformed */
	assert_int_equal(decode_frame(LINKTYPE_IPV6, raw_v4, sizeof raw_v4, sizeof raw_v4, &pkt),
	                 -SS_EMALFORMED);
	assert_string_equal(pkt.err.layer, "ipv6");
}

static void test_arp_and_unknown_ethertype(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(LINKTYPE_ETHERNET, eth_arp, sizeof eth_arp, &pkt);
	assert_int_equal(pkt.ethertype, 0x0806);
	assert_int_equal(pkt.l3, L3_ARP);
	assert_int_equal(pkt.l4, L4_NONE);
	decode_ok(LINKTYPE_ETHERNET, eth_lldp, sizeof eth_lldp, &pkt);
	assert_int_equal(pkt.ethertype, 0x88cc);
	assert_int_equal(pkt.l3, L3_OTHER);
}

static void test_unsupported_linktype(void **state)
{
	struct packet pkt;

	(void)state;
	assert_false(decode_linktype_supported(105)); /* 802.11 */
	assert_true(decode_linktype_supported(LINKTYPE_ETHERNET));
	assert_true(decode_linktype_supported(LINKTYPE_LINUX_SLL2));
	assert_true(decode_linktype_supported(DLT_RAW_BSD));
	assert_int_equal(decode_frame(105, raw_v4, sizeof raw_v4, sizeof raw_v4, &pkt),
	                 -SS_EUNSUPPORTED);
	assert_false(pkt.truncated);
	assert_string_equal(pkt.err.layer, "link");
}

static void test_padding_not_payload(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(sizeof eth_padded, 60);
	decode_ok(LINKTYPE_ETHERNET, eth_padded, sizeof eth_padded, &pkt);
	check_udp(&pkt, L3_IPV4, 0x0800);
}

static void test_where_truncation_is_reported(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_ETHERNET, NULL, 0, 0, &pkt), -SS_ETRUNC);
	assert_string_equal(pkt.err.layer, "ethernet");
	assert_int_equal(decode_frame(LINKTYPE_ETHERNET, eth_vlan, 16, 50, &pkt), -SS_ETRUNC);
	assert_string_equal(pkt.err.layer, "vlan");
	assert_int_equal(pkt.err.offset, 14);
	assert_int_equal(pkt.err.need, 4);
	assert_int_equal(decode_frame(LINKTYPE_ETHERNET, eth_ipv4, 28, 46, &pkt), -SS_ETRUNC);
	assert_string_equal(pkt.err.layer, "ipv4");
	assert_string_equal(pkt.err.what, "truncated header");
	assert_int_equal(pkt.err.offset, 14);
	assert_int_equal(pkt.err.need, 20);
	assert_int_equal(pkt.l3, L3_IPV4);
	assert_int_equal(pkt.ip.ttl, 64); /* fields before the cut are filled */
	assert_int_equal(pkt.ip.src.family, 0);
}

static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_ipv4, sizeof eth_ipv4 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_ipv6, sizeof eth_ipv6 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_vlan, sizeof eth_vlan - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_qinq, sizeof eth_qinq - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_three_tags, 22);
	CUT_ANYWHERE(LINKTYPE_LINUX_SLL, sll, sizeof sll - 4);
	CUT_ANYWHERE(LINKTYPE_LINUX_SLL2, sll2, sizeof sll2 - 4);
	CUT_ANYWHERE(LINKTYPE_NULL, null_le, sizeof null_le - 4);
	CUT_ANYWHERE(LINKTYPE_NULL, null_be, sizeof null_be - 4);
	CUT_ANYWHERE(LINKTYPE_NULL, null_v6, sizeof null_v6 - 4);
	CUT_ANYWHERE(LINKTYPE_LOOP, loop_v4, sizeof loop_v4 - 4);
	CUT_ANYWHERE(LINKTYPE_LOOP, loop_v6, sizeof loop_v6 - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, raw_v4, sizeof raw_v4 - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, raw_v6, sizeof raw_v6 - 4);
	CUT_ANYWHERE(LINKTYPE_IPV4, raw_v4, sizeof raw_v4 - 4);
	CUT_ANYWHERE(LINKTYPE_IPV6, raw_v6, sizeof raw_v6 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_arp, 14);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, eth_padded, 14 + 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ethernet),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_linux_cooked),
	    cmocka_unit_test(test_null_and_loop),
	    cmocka_unit_test(test_raw),
	    cmocka_unit_test(test_arp_and_unknown_ethertype),
	    cmocka_unit_test(test_unsupported_linktype),
	    cmocka_unit_test(test_padding_not_payload),
	    cmocka_unit_test(test_where_truncation_is_reported),
	    cmocka_unit_test(test_cut_anywhere),
	};

	return cmocka_run_group_tests_name("decode_link", tests, NULL, NULL);
}
