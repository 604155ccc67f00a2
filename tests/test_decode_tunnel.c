/*
 * test_decode_tunnel.c - outer layers: VXLAN, Geneve (with options), GRE
 * (checksum, key, sequence; IPv4, IPv6 and Ethernet payloads), IPIP, SIT,
 * IP6IP6, IPv4 in IPv6, MPLS label stacks, PPPoE sessions; the nesting
 * limit; IPv6 Jumbo Payload; and flows kept apart by the tunnel id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"
#include "packet_builder.h"

/* Outer IPv4 10.0.0.1 -> 10.0.0.2 (so outer and inner addresses differ). */
#define OUTER_V4(total, proto)                                                                     \
	0x45, 0x00, (total) >> 8, (total)&0xff, 0x00, 0x01, 0x40, 0x00, 0x40, (proto), 0x00, 0x00, \
	    10, 0, 0, 1, 10, 0, 0, 2

/* VXLAN, VNI 42, carrying Ethernet/IPv4/UDP: 8 + 8 + 14 + 32 = 62 UDP bytes. */
#define VXLAN_BODY(vni)                                                                            \
	0xc3, 0x50, 0x12, 0xb5, 0x00, 62, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, (vni), 0, ETH_IPV4,     \
	    IPV4_UDP
static const uint8_t vxlan[] = {ETH_IPV4, OUTER_V4(82, 17), VXLAN_BODY(42)};
/* Port unreachable from inside VNI 42 or 43, quoting the datagram of `vxlan`. */
#define VXLAN_ICMP(vni)                                                                            \
	ETH_IPV4, OUTER_V4(110, 17), 0xc3, 0x50, 0x12, 0xb5, 0x00, 90, 0x00, 0x00, 0x08, 0, 0, 0,  \
	    0, 0, (vni), 0, ETH_IPV4, IPV4_HDR(60, 1), 3, 3, 0, 0, 0, 0, 0, 0, IPV4_UDP
static const uint8_t vxlan_icmp[] = {VXLAN_ICMP(42)};
static const uint8_t vxlan_icmp_other_tenant[] = {VXLAN_ICMP(43)};

/* The same, the outer frame tagged twice (QinQ), the inner frame tagged twice too. */
static const uint8_t vxlan_tagged[] = {
    ETH_ADDRS, 0x88, 0xa8, 0x00,    0x0a,      0x81, 0x00, 0x00, 0x14, 0x08, 0x00, OUTER_V4(90, 17),
    0xc3,      0x50, 0x12, 0xb5,    0x00,      70,   0x00, 0x00, 0x08, 0,    0,    0,
    0,         0,    42,   0,       ETH_ADDRS, 0x88, 0xa8, 0x00, 0x1e, 0x81, 0x00, 0x00,
    0x28,      0x08, 0x00, IPV4_UDP};
static const uint8_t vxlan_other_tenant[] = {ETH_IPV4, OUTER_V4(82, 17), VXLAN_BODY(43)};

/* Geneve to 6081, VNI 1234, 12 option bytes: one option with 4 data bytes,
 * one with none; then Ethernet/IPv6/UDP.  UDP 8 + 8 + 12 + 14 + 52 = 94. */
static const uint8_t geneve[] = {ETH_IPV4, OUTER_V4(114, 17),
                                 0xc3,     0x50,
                                 0x17,     0xc1,
                                 0x00,     94,
                                 0x00,     0x00, /* UDP */
                                 0x03,     0x00,
                                 0x65,     0x58,
                                 0x00,     0x04,
                                 0xd2,     0x00, /* Geneve, TEB */
                                 0x01,     0x02,
                                 0x80,     0x01,
                                 0xaa,     0xbb,
                                 0xcc,     0xdd, /* option: 4 bytes */
                                 0xff,     0xff,
                                 0x01,     0x00, /* option: empty */
                                 ETH_IPV6, IPV6_UDP};

/* GRE with checksum, key 7 and sequence 1 around IPv4/UDP. */
static const uint8_t gre_ckks[] = {
    ETH_IPV4, OUTER_V4(68, 47), 0xb0, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
    1,        IPV4_UDP};

/* GRE with key 5 around Ethernet (transparent Ethernet bridging). */
static const uint8_t gretap[] = {ETH_IPV4, OUTER_V4(74, 47), 0x20,    0x00, 0x65, 0x58, 0, 0, 0,
                                 5,        ETH_IPV4,         IPV4_UDP};

/* GRE without options over IPv6, carrying IPv6. */
static const uint8_t gre6[] = {IPV6_HDR(56, 47), 0x00, 0x00, 0x86, 0xdd, IPV6_UDP};

/* PPTP's enhanced GRE (version 1): recorded, its payload not decoded. */
static const uint8_t gre_v1[] = {OUTER_V4(32, 47), 0x30, 0x01, 0x88, 0x0b, 0, 4, 0, 9, 0, 0, 0, 1};

static const uint8_t ipip[] = {OUTER_V4(52, 4), IPV4_UDP};
static const uint8_t sit[] = {OUTER_V4(72, 41), IPV6_UDP};
static const uint8_t ip6ip6[] = {IPV6_HDR(52, 41), IPV6_UDP};
static const uint8_t ip4in6[] = {IPV6_HDR(32, 4), IPV4_UDP};

/* Two MPLS labels (16, then 17 with bottom of stack), then IPv4 or IPv6. */
#define MPLS_2 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x11, 0x40
static const uint8_t mpls4[] = {ETH_ADDRS, 0x88, 0x47, MPLS_2, IPV4_UDP};
static const uint8_t mpls6[] = {ETH_ADDRS, 0x88, 0x48, MPLS_2, IPV6_UDP};
/* After the stack a nibble that is neither 4 nor 6: left undecoded. */
static const uint8_t mpls_other[] = {ETH_ADDRS, 0x88, 0x47, MPLS_2, 0x00, 0x00, 0x00, 0x00};
/* Nine labels, none marked bottom of stack. */
static const uint8_t mpls_deep[] = {ETH_ADDRS, 0x88, 0x47, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
                                    0,         1,    0,    0, 0, 1, 0, 0, 0, 1, 0, 0, 0,
                                    1,         0,    0,    0, 1, 0, 0, 0, 1, 0, 0, 0, 1};

/* PPPoE session 42, length 34 (PPP protocol + 32), IPv4; then Ethernet padding. */
static const uint8_t pppoe4[] = {ETH_ADDRS, 0x88, 0x64, 0x11, 0x00,     0x00, 0x2a,
                                 0x00,      0x22, 0x00, 0x21, IPV4_UDP, 0xee, 0xee};
static const uint8_t pppoe6[] = {ETH_ADDRS, 0x88, 0x64, 0x11, 0x00, 0x00,
                                 0x2a,      0x00, 0x36, 0x00, 0x57, IPV6_UDP};
static const uint8_t pppoe_short_len[] = {ETH_ADDRS, 0x88, 0x64, 0x11, 0x00, 0x00,
                                          0x2a,      0x00, 0x01, 0x00, 0x21};

/* Geneve whose option claims 8 data bytes where the option area has 4. */
static const uint8_t geneve_bad_option[] = {OUTER_V4(44, 17),
                                            0xc3,
                                            0x50,
                                            0x17,
                                            0xc1,
                                            0x00,
                                            24,
                                            0x00,
                                            0x00,
                                            0x02,
                                            0x00,
                                            0x65,
                                            0x58,
                                            0x00,
                                            0x00,
                                            0x01,
                                            0x00,
                                            0x01,
                                            0x02,
                                            0x80,
                                            0x02,
                                            0xaa,
                                            0xbb,
                                            0xcc,
                                            0xdd};
static const uint8_t geneve_version1[] = {OUTER_V4(36, 17),
                                          0xc3,
                                          0x50,
                                          0x17,
                                          0xc1,
                                          0x00,
                                          16,
                                          0x00,
                                          0x00,
                                          0x40,
                                          0x00,
                                          0x65,
                                          0x58,
                                          0x00,
                                          0x00,
                                          0x01,
                                          0x00};

/* IPv6 payload length 0, Hop-by-Hop with a Jumbo Payload option of 70000
 * bytes (RFC 2675), then UDP with length 0 (§4): the capture holds 20 of them. */
#define JUMBO_HBH(next, len)                                                                       \
	(next), 0, 0xc2, 4, (len) >> 24, ((len) >> 16) & 0xff, ((len) >> 8) & 0xff, (len)&0xff
static const uint8_t jumbo_udp[] = {IPV6_HDR(0, 0),
                                    JUMBO_HBH(17, 70000),
                                    0x30,
                                    0x39,
                                    0x00,
                                    0x35,
                                    0x00,
                                    0x00,
                                    0x00,
                                    0x00,
                                    1,
                                    2,
                                    3,
                                    4};
/* The option says 1000: a jumbo length must exceed 65535. */
static const uint8_t jumbo_small[] = {
    IPV6_HDR(0, 0), JUMBO_HBH(17, 1000), 0x30, 0x39, 0x00, 0x35, 0x00, 0x00, 0x00, 0x00};

static void decode_full(int linktype, const uint8_t *frame, size_t len, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt), 0);
	assert_null(pkt->err.layer);
}

/* A frame with one outer layer of this kind; returns that layer. */
static const struct encap_layer *decode_one_layer(int linktype, const uint8_t *frame, size_t len,
                                                  enum encap_kind kind, struct packet *pkt)
{
	decode_full(linktype, frame, len, pkt);
	assert_int_equal(pkt->encap_count, 1);
	assert_int_equal(pkt->encap[0].kind, kind);
	return &pkt->encap[0];
}

/* The inner IPv4/UDP of IPV4_UDP: 192.168.0.1:12345 -> 192.168.0.2:53, 4 bytes. */
static void assert_inner_udp(const struct packet *pkt, uint8_t version)
{
	char buf[SS_ADDR_STRLEN];

	assert_int_equal(pkt->ip.version, version);
	assert_string_equal(ss_addr_format(&pkt->ip.dst, buf, sizeof buf),
	                    version == 4 ? "192.168.0.2" : "2001:db8::2");
	assert_int_equal(pkt->l4, L4_UDP);
	assert_int_equal(pkt->udp.sport, 12345);
	assert_int_equal(pkt->udp.dport, 53);
	assert_int_equal(pkt->payload_len, 4);
	assert_memory_equal(pkt->payload, ((const uint8_t[]){0xde, 0xad, 0xbe, 0xef}), 4);
}

static void test_vxlan(void **state)
{
	struct packet pkt;
	char buf[SS_ADDR_STRLEN];

	(void)state;
	decode_one_layer(LINKTYPE_ETHERNET, vxlan, sizeof vxlan, ENCAP_VXLAN, &pkt);
	assert_string_equal(decode_encap_name(pkt.encap[0].kind), "vxlan");
	assert_true(pkt.encap[0].has_id);
	assert_int_equal(pkt.encap[0].id, 42);
	assert_int_equal(pkt.encap[0].sport, 50000);
	assert_int_equal(pkt.encap[0].dport, 4789);
	assert_string_equal(ss_addr_format(&pkt.encap[0].src, buf, sizeof buf), "10.0.0.1");
	assert_string_equal(ss_addr_format(&pkt.encap[0].dst, buf, sizeof buf), "10.0.0.2");
	assert_inner_udp(&pkt, 4);
	assert_int_equal(pkt.ip.total_len, 32);

	/* vlan[] holds the innermost Ethernet header's tags */
	decode_one_layer(LINKTYPE_ETHERNET, vxlan_tagged, sizeof vxlan_tagged, ENCAP_VXLAN, &pkt);
	assert_int_equal(pkt.vlan_count, 2);
	assert_int_equal(pkt.vlan[0], 30);
	assert_int_equal(pkt.vlan[1], 40);
	assert_inner_udp(&pkt, 4);
}

static void test_geneve_options(void **state)
{
	struct packet pkt;

	(void)state;
	decode_one_layer(LINKTYPE_ETHERNET, geneve, sizeof geneve, ENCAP_GENEVE, &pkt);
	assert_int_equal(pkt.encap[0].id, 1234);
	assert_int_equal(pkt.encap[0].proto, 0x6558);
	assert_int_equal(pkt.encap[0].opt_len, 12);
	assert_int_equal(pkt.encap[0].count, 2);
	assert_inner_udp(&pkt, 6);

	decode_bad(LINKTYPE_RAW, geneve_bad_option, sizeof geneve_bad_option, "geneve",
	                 "option runs past options length", &pkt);
	decode_bad(LINKTYPE_RAW, geneve_version1, sizeof geneve_version1, "geneve",
	                 "version is not 0", &pkt);
}

static void test_gre(void **state)
{
	struct packet pkt;

	(void)state;
	decode_one_layer(LINKTYPE_ETHERNET, gre_ckks, sizeof gre_ckks, ENCAP_GRE, &pkt);
	assert_true(pkt.encap[0].has_csum);
	assert_true(pkt.encap[0].has_id);
	assert_int_equal(pkt.encap[0].id, 7);
	assert_true(pkt.encap[0].has_seq);
	assert_int_equal(pkt.encap[0].seq, 1);
	assert_int_equal(pkt.encap[0].proto, 0x0800);
	assert_inner_udp(&pkt, 4);

	decode_full(LINKTYPE_ETHERNET, gretap, sizeof gretap, &pkt);
	assert_int_equal(pkt.encap[0].id, 5);
	assert_false(pkt.encap[0].has_seq);
	assert_false(pkt.encap[0].has_csum);
	assert_inner_udp(&pkt, 4);

	decode_full(LINKTYPE_RAW, gre6, sizeof gre6, &pkt);
	assert_false(pkt.encap[0].has_id);
	assert_int_equal(pkt.encap[0].src.family, 6);
	assert_inner_udp(&pkt, 6);

	decode_full(LINKTYPE_RAW, gre_v1, sizeof gre_v1, &pkt);
	assert_int_equal(pkt.encap[0].kind, ENCAP_GRE);
	assert_int_equal(pkt.l3, L3_OTHER);
	assert_int_equal(pkt.l4, L4_NONE);
}

static void test_ip_in_ip(void **state)
{
	static const struct {
		const uint8_t *frame;
		size_t len;
		enum encap_kind kind;
		const char *name;
		uint8_t outer, inner;
	} cases[] = {
	    {ipip, sizeof ipip, ENCAP_IPIP, "ipip", 4, 4},
	    {sit, sizeof sit, ENCAP_SIT, "sit", 4, 6},
	    {ip6ip6, sizeof ip6ip6, ENCAP_IP6IP6, "ip6ip6", 6, 6},
	    {ip4in6, sizeof ip4in6, ENCAP_IP4IN6, "ip4in6", 6, 4},
	};
	struct packet pkt;

	(void)state;
	for (size_t i = 0; i < SS_ARRAY_SIZE(cases); i++) {
		decode_full(LINKTYPE_RAW, cases[i].frame, cases[i].len, &pkt);
		assert_int_equal(pkt.encap_count, 1);
		assert_int_equal(pkt.encap[0].kind, cases[i].kind);
		assert_string_equal(decode_encap_name(pkt.encap[0].kind), cases[i].name);
		assert_int_equal(pkt.encap[0].src.family, cases[i].outer);
		assert_false(pkt.encap[0].has_id);
		assert_inner_udp(&pkt, cases[i].inner);
	}
}

static void test_mpls(void **state)
{
	struct packet pkt;

	(void)state;
	decode_one_layer(LINKTYPE_ETHERNET, mpls4, sizeof mpls4, ENCAP_MPLS, &pkt);
	assert_int_equal(pkt.encap[0].count, 2);
	assert_int_equal(pkt.encap[0].labels[0], 16);
	assert_int_equal(pkt.encap[0].labels[1], 17);
	assert_int_equal(pkt.encap[0].src.family, 0);
	assert_inner_udp(&pkt, 4);

	decode_full(LINKTYPE_ETHERNET, mpls6, sizeof mpls6, &pkt);
	assert_inner_udp(&pkt, 6);

	decode_full(LINKTYPE_ETHERNET, mpls_other, sizeof mpls_other, &pkt);
	assert_int_equal(pkt.l3, L3_OTHER);

	decode_bad(LINKTYPE_ETHERNET, mpls_deep, sizeof mpls_deep, "mpls",
	                 "label stack deeper than 8", &pkt);
	assert_int_equal(pkt.err.offset, 14 + 8 * 4);
}

static void test_pppoe(void **state)
{
	struct packet pkt;

	(void)state;
	decode_one_layer(LINKTYPE_ETHERNET, pppoe4, sizeof pppoe4, ENCAP_PPPOE, &pkt);
	assert_int_equal(pkt.encap[0].id, 42);
	assert_int_equal(pkt.encap[0].proto, 0x0021);
	assert_inner_udp(&pkt, 4);

	decode_full(LINKTYPE_ETHERNET, pppoe6, sizeof pppoe6, &pkt);
	assert_inner_udp(&pkt, 6);

	decode_bad(LINKTYPE_ETHERNET, pppoe_short_len, sizeof pppoe_short_len, "pppoe",
	                 "length shorter than the ppp protocol field", &pkt);
}

/* n IPv4-in-IPv4 headers around IPV4_UDP, in buf; returns the length. */
static size_t nest_ipip(uint8_t *buf, size_t size, unsigned n)
{
	static const uint8_t inner[] = {IPV4_UDP};
	size_t len = n * 20 + sizeof inner;

	assert_true(len <= size);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t hdr[] = {OUTER_V4(0, 4)};
		uint16_t total = (uint16_t)(len - i * 20);

		memcpy(buf + i * 20, hdr, sizeof hdr);
		buf[i * 20 + 2] = (uint8_t)(total >> 8);
		buf[i * 20 + 3] = (uint8_t)total;
	}
	memcpy(buf + n * 20, inner, sizeof inner);
	return len;
}

static void test_nesting_limit(void **state)
{
	uint8_t buf[512];
	struct packet pkt;
	size_t len;

	(void)state;
	len = nest_ipip(buf, sizeof buf, DECODE_MAX_ENCAP);
	decode_full(LINKTYPE_RAW, buf, len, &pkt);
	assert_int_equal(pkt.encap_count, DECODE_MAX_ENCAP);
	assert_inner_udp(&pkt, 4);

	len = nest_ipip(buf, sizeof buf, DECODE_MAX_ENCAP + 1);
	decode_bad(LINKTYPE_RAW, buf, len, "ipip", "tunnels nested more than 8 deep", &pkt);
	assert_int_equal(pkt.err.offset, (DECODE_MAX_ENCAP + 1) * 20);
	assert_int_equal(pkt.encap_count, DECODE_MAX_ENCAP);
}

static void test_jumbo_payload(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_RAW, jumbo_udp, sizeof jumbo_udp, 40 + 70000, &pkt),
	                 0);
	assert_true(pkt.ip.jumbo);
	assert_int_equal(pkt.ip.total_len, 40 + 70000);
	assert_int_equal(pkt.ip.header_len, 48);
	assert_int_equal(pkt.l4, L4_UDP);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 70000 - 8 - 8);

	decode_bad(LINKTYPE_RAW, jumbo_small, sizeof jumbo_small, "ipv6",
	                 "jumbo payload length < 65536", &pkt);
}

/* Every prefix of every tunnel frame: truncated inside any header, cut
 * payload only past the innermost one. */
static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_ETHERNET, vxlan, sizeof vxlan - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, vxlan_tagged, sizeof vxlan_tagged - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, geneve, sizeof geneve - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, gre_ckks, sizeof gre_ckks - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, gretap, sizeof gretap - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, gre6, sizeof gre6 - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, ipip, sizeof ipip - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, sit, sizeof sit - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, ip6ip6, sizeof ip6ip6 - 4);
	CUT_ANYWHERE(LINKTYPE_RAW, ip4in6, sizeof ip4in6 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, mpls4, sizeof mpls4 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, mpls6, sizeof mpls6 - 4);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, pppoe4, sizeof pppoe4 - 6);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, pppoe6, sizeof pppoe6 - 4);
}

/* Two tenants with the same inner addresses and ports, VNI 42 and 43: two
 * flows, found again by their own VNI. */
static void test_tenants_apart(void **state)
{
	struct track_table *table = track_create(NULL, NULL);
	struct track_result r1, r2, r3;
	struct packet pkt;
	uint8_t kind;
	uint32_t id;

	(void)state;
	assert_non_null(table);
	decode_full(LINKTYPE_ETHERNET, vxlan, sizeof vxlan, &pkt);
	assert_true(decode_tunnel_id(&pkt, &kind, &id));
	assert_int_equal(kind, ENCAP_VXLAN);
	assert_int_equal(id, 42);
	assert_int_equal(track_packet(table, &pkt, 1.0, 1, &r1), 0);
	decode_full(LINKTYPE_ETHERNET, vxlan_other_tenant, sizeof vxlan_other_tenant, &pkt);
	assert_int_equal(track_packet(table, &pkt, 1.1, 2, &r2), 0);
	decode_full(LINKTYPE_ETHERNET, vxlan, sizeof vxlan, &pkt);
	assert_int_equal(track_packet(table, &pkt, 1.2, 3, &r3), 0);
	assert_true(r1.flow_id != 0);
	assert_true(r1.flow_id != r2.flow_id);
	assert_int_equal(r1.flow_id, r3.flow_id);

	/* an ICMP error names the flow of its own tenant only */
	decode_full(LINKTYPE_ETHERNET, vxlan_icmp, sizeof vxlan_icmp, &pkt);
	assert_true(pkt.icmp.quoted.present);
	assert_int_equal(track_packet(table, &pkt, 1.3, 4, &r3), 0);
	assert_int_equal(r3.icmp_flow, r1.flow_id);
	decode_full(LINKTYPE_ETHERNET, vxlan_icmp_other_tenant, sizeof vxlan_icmp_other_tenant,
	            &pkt);
	assert_int_equal(track_packet(table, &pkt, 1.4, 5, &r3), 0);
	assert_int_equal(r3.icmp_flow, r2.flow_id);

	decode_full(LINKTYPE_RAW, ipip, sizeof ipip, &pkt);
	assert_false(decode_tunnel_id(&pkt, &kind, &id));
	track_destroy(table);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vxlan),         cmocka_unit_test(test_geneve_options),
	    cmocka_unit_test(test_gre),           cmocka_unit_test(test_ip_in_ip),
	    cmocka_unit_test(test_mpls),          cmocka_unit_test(test_pppoe),
	    cmocka_unit_test(test_nesting_limit), cmocka_unit_test(test_jumbo_payload),
	    cmocka_unit_test(test_cut_anywhere),  cmocka_unit_test(test_tenants_apart),
	};

	return cmocka_run_group_tests_name("decode_tunnel", tests, NULL, NULL);
}
