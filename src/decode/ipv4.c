/*
 * ipv4.c - the IPv4 header (RFC 791 §3.1): fixed part, options skipped,
 * fragments recognised, and the transport bounded by the total length.
 */
#include "internal.h"

enum {
	IPV4_MIN_HEADER = 20, /* RFC 791: IHL is at least 5 32-bit words */
	IPV4_FLAG_DF = 0x4000,
	IPV4_FLAG_MF = 0x2000,
	IPV4_OFFSET_MASK = 0x1fff, /* in 8-byte units */
};

/* Bytes 1..19 (after version/IHL), each field filled as soon as it is read. */
static bool ipv4_fields(struct cursor *c, struct packet_ip *ip)
{
	uint16_t total_len, frag;

	if (!cursor_u8(c, &ip->tos) || !cursor_u16be(c, &total_len))
		return false;
	ip->total_len = total_len;
	if (!cursor_u16be(c, &ip->id) || !cursor_u16be(c, &frag))
		return false;
	ip->dont_fragment = frag & IPV4_FLAG_DF;
	ip->more_fragments = frag & IPV4_FLAG_MF;
	ip->frag_offset = (uint16_t)((frag & IPV4_OFFSET_MASK) * 8);
	ip->fragment = ip->more_fragments || ip->frag_offset > 0;
	/* the checksum (bytes 10-11) is skipped: it is not verified */
	return cursor_u8(c, &ip->ttl) && cursor_u8(c, &ip->proto) && cursor_skip(c, 2) &&
	       decode_read_addr(c, &ip->src, 4) && decode_read_addr(c, &ip->dst, 4);
}

/*
 * A total length of 0 is what Linux writes for segmentation offload (TSO,
 * BIG TCP) when the datagram exceeds 64 KiB; tcpdump then takes the length
 * from the frame.  We do the same: the fixed header just read plus what is
 * left of the frame on the wire.
 */
static uint32_t ipv4_tso_length(const struct cursor *c, const struct packet *pkt)
{
	uint32_t uncaptured = pkt->wirelen > pkt->caplen ? pkt->wirelen - pkt->caplen : 0;

	return IPV4_MIN_HEADER + (uint32_t)cursor_left(c) + uncaptured;
}

int decode_ipv4(struct cursor *c, struct packet *pkt)
{
	struct packet_ip *ip = &pkt->ip;
	size_t start = cursor_offset(c);
	uint8_t version_ihl;
	struct cursor datagram;

	pkt->l3 = L3_IPV4;
	ip->version = 4;
	if (!cursor_u8(c, &version_ihl))
		return decode_fail(pkt, SS_ETRUNC, "ipv4", start, "truncated header",
		                   IPV4_MIN_HEADER);
	if (version_ihl >> 4 != 4)
		return decode_fail(pkt, SS_EMALFORMED, "ipv4", start, "version is not 4", 0);
	ip->header_len = (uint16_t)((version_ihl & 0x0f) * 4);
	if (ip->header_len < IPV4_MIN_HEADER)
		return decode_fail(pkt, SS_EMALFORMED, "ipv4", start, "header length < 20", 0);
	if (!ipv4_fields(c, ip))
		return decode_fail(pkt, SS_ETRUNC, "ipv4", start, "truncated header",
		                   IPV4_MIN_HEADER);
	if (ip->total_len == 0) {
		ip->tso = true;
		ip->total_len = ipv4_tso_length(c, pkt);
	}
	if (ip->total_len < ip->header_len)
		return decode_fail(pkt, SS_EMALFORMED, "ipv4", start,
		                   "total length < header length", ip->header_len);
	ip->options_present = ip->header_len > IPV4_MIN_HEADER;
	if (!cursor_skip(c, ip->header_len - IPV4_MIN_HEADER))
		return decode_fail(pkt, SS_ETRUNC, "ipv4", start, "truncated options",
		                   ip->header_len);
	/* Padding after the datagram (Ethernet's 60-byte minimum) is cut off here. */
	datagram = cursor_window(c, ip->total_len - ip->header_len);
	if (ip->frag_offset > 0) { /* RFC 791: only the first fragment has the transport header */
		decode_ip_payload(&datagram, ip->total_len - ip->header_len, pkt);
		return 0;
	}
	return decode_transport(&datagram, pkt);
}
