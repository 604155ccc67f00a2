/*
 * link.c - the link layer: decode_frame's entry point and one small function
 * per link type, chosen from a table (as tcpdump's printers[]).  Each link
 * decoder finds an ethertype (or the family it stands for) and hands the rest
 * of the frame to the network layer through a second table.
 */
#include "internal.h"

enum {
	ETHERTYPE_NUM_VLAN = 0x8100, /* IEEE 802.1Q */
	ETHERTYPE_NUM_QINQ = 0x88a8, /* IEEE 802.1ad service tag */
	ETHER_HEADER_LEN = 14,
	VLAN_TAG_LEN = 4,
	SLL_HEADER_LEN = 16,
	SLL2_HEADER_LEN = 20,
	NULL_HEADER_LEN = 4,
};

/* ARP (RFC 826) is recognised, not decoded: it has no transport. */
static int decode_arp(struct cursor *c, struct packet *pkt)
{
	(void)c;
	pkt->l3 = L3_ARP;
	return 0;
}

static const struct network_decoder {
	uint16_t ethertype;
	int (*decode)(struct cursor *c, struct packet *pkt);
} network_decoders[] = {
    {ETHERTYPE_NUM_IPV4, decode_ipv4},       {ETHERTYPE_NUM_IPV6, decode_ipv6},
    {ETHERTYPE_NUM_ARP, decode_arp},         {ETHERTYPE_NUM_MPLS, decode_mpls},
    {ETHERTYPE_NUM_MPLS_MULTI, decode_mpls}, {ETHERTYPE_NUM_PPPOE_SESSION, decode_pppoe},
};

/* An unknown ethertype (or an 802.3 length) is not an error: l3 = OTHER. */
int decode_ethertype(uint16_t ethertype, struct cursor *c, struct packet *pkt)
{
	pkt->ethertype = ethertype;
	for (size_t i = 0; i < SS_ARRAY_SIZE(network_decoders); i++)
		if (network_decoders[i].ethertype == ethertype)
			return network_decoders[i].decode(c, pkt);
	pkt->l3 = L3_OTHER;
	return 0;
}

/* IEEE 802.3 header, then up to two 802.1Q / 802.1ad tags (Q-in-Q).  A third
 * tag is left undecoded: its ethertype makes l3 OTHER. */
int decode_ethernet(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	uint16_t type, tci;

	if (!cursor_skip(c, 12) || !cursor_u16be(c, &type))
		return decode_fail(pkt, SS_ETRUNC, "ethernet", start, "truncated header",
		                   ETHER_HEADER_LEN);
	while ((type == ETHERTYPE_NUM_VLAN || type == ETHERTYPE_NUM_QINQ) &&
	       pkt->vlan_count < SS_ARRAY_SIZE(pkt->vlan)) {
		size_t tag = cursor_offset(c);
		if (!cursor_u16be(c, &tci) || !cursor_u16be(c, &type))
			return decode_fail(pkt, SS_ETRUNC, "vlan", tag, "truncated tag",
			                   VLAN_TAG_LEN);
		pkt->vlan[pkt->vlan_count++] = tci & 0x0fff;
	}
	return decode_ethertype(type, c, pkt);
}

/* Linux cooked v1: packet type, ARPHRD type, address length, 8 address
 * bytes, then the protocol (an ethertype) at offset 14. */
static int link_sll(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	uint16_t protocol;

	if (!cursor_skip(c, 14) || !cursor_u16be(c, &protocol))
		return decode_fail(pkt, SS_ETRUNC, "sll", start, "truncated header",
		                   SLL_HEADER_LEN);
	return decode_ethertype(protocol, c, pkt);
}

/* Linux cooked v2: the protocol comes first, then reserved, interface index,
 * ARPHRD type, packet type, address length and 8 address bytes. */
static int link_sll2(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	uint16_t protocol;

	if (!cursor_u16be(c, &protocol) || !cursor_skip(c, SLL2_HEADER_LEN - 2))
		return decode_fail(pkt, SS_ETRUNC, "sll2", start, "truncated header",
		                   SLL2_HEADER_LEN);
	return decode_ethertype(protocol, c, pkt);
}

/* BSD address families as they appear in null/loop headers: AF_INET is 2
 * everywhere, AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (Darwin). */
static const struct family_map {
	uint32_t family;
	uint16_t ethertype;
} families[] = {
    {2, ETHERTYPE_NUM_IPV4},
    {24, ETHERTYPE_NUM_IPV6},
    {28, ETHERTYPE_NUM_IPV6},
    {30, ETHERTYPE_NUM_IPV6},
};

static int decode_family(uint32_t family, struct cursor *c, struct packet *pkt)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(families); i++)
		if (families[i].family == family)
			return decode_ethertype(families[i].ethertype, c, pkt);
	pkt->l3 = L3_OTHER;
	return 0;
}

static uint32_t swap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* DLT_NULL: the family in the capturing host's byte order, which need not be
 * ours.  Families are small, so a value with high bits set is byte-swapped
 * (tcpdump's null_if_print does the same). */
static int link_null(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	uint32_t family;

	if (!cursor_u32be(c, &family))
		return decode_fail(pkt, SS_ETRUNC, "null", start, "truncated header",
		                   NULL_HEADER_LEN);
	if (family & 0xffff0000)
		family = swap32(family);
	return decode_family(family, c, pkt);
}

/* DLT_LOOP: the same header, always in network byte order. */
static int link_loop(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	uint32_t family;

	if (!cursor_u32be(c, &family))
		return decode_fail(pkt, SS_ETRUNC, "loop", start, "truncated header",
		                   NULL_HEADER_LEN);
	return decode_family(family, c, pkt);
}

/* Raw IP: no link header; the version nibble (RFC 791, RFC 8200) decides. */
static int link_raw(struct cursor *c, struct packet *pkt)
{
	struct cursor peek = *c;
	uint8_t first;

	if (!cursor_u8(&peek, &first))
		return decode_fail(pkt, SS_ETRUNC, "raw", cursor_offset(c), "empty frame", 1);
	switch (first >> 4) {
	case 4:
		return decode_ethertype(ETHERTYPE_NUM_IPV4, c, pkt);
	case 6:
		return decode_ethertype(ETHERTYPE_NUM_IPV6, c, pkt);
	default:
		pkt->l3 = L3_OTHER;
		return 0;
	}
}

static int link_ipv4(struct cursor *c, struct packet *pkt)
{
	return decode_ethertype(ETHERTYPE_NUM_IPV4, c, pkt);
}

static int link_ipv6(struct cursor *c, struct packet *pkt)
{
	return decode_ethertype(ETHERTYPE_NUM_IPV6, c, pkt);
}

static const struct link_decoder {
	int linktype;
	int (*decode)(struct cursor *c, struct packet *pkt);
} link_decoders[] = {
    {LINKTYPE_NULL, link_null},     {LINKTYPE_ETHERNET, decode_ethernet},
    {LINKTYPE_RAW, link_raw},       {DLT_RAW_BSD, link_raw},
    {DLT_RAW_OPENBSD, link_raw},    {LINKTYPE_LOOP, link_loop},
    {LINKTYPE_LINUX_SLL, link_sll}, {LINKTYPE_IPV4, link_ipv4},
    {LINKTYPE_IPV6, link_ipv6},     {LINKTYPE_LINUX_SLL2, link_sll2},
};

static const struct link_decoder *find_link_decoder(int linktype)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(link_decoders); i++)
		if (link_decoders[i].linktype == linktype)
			return &link_decoders[i];
	return NULL;
}

bool decode_linktype_supported(int linktype)
{
	return find_link_decoder(linktype) != NULL;
}

int decode_link(int linktype, struct cursor *c, struct packet *pkt)
{
	const struct link_decoder *d = find_link_decoder(linktype);

	if (!d)
		return decode_fail(pkt, SS_EUNSUPPORTED, "link", cursor_offset(c),
		                   "unsupported link type", 0);
	return d->decode(c, pkt);
}
