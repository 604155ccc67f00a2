/*
 * icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443): the 8-byte header, echo
 * identifier and sequence number, and for error messages the IP header and
 * first transport bytes they quote.
 *
 * The quote is read by a small parser of its own into `icmp.quoted`, never by
 * the packet decoders: the outer packet's fields stay as they are, nothing is
 * allocated and no second struct packet is needed.  A quote that is cut
 * short is normal (RFC 792 quotes only 8 bytes of the transport) and fills
 * what is there.
 */
#include "internal.h"

enum {
	ICMP_HEADER_LEN = 8, /* type, code, checksum, 4 type-specific bytes */
};

/* The quoted IPv4 header; true when the transport header may follow. */
static bool quote_ipv4(struct cursor *c, struct icmp_quote *q)
{
	uint8_t version_ihl;
	uint16_t frag;
	size_t options;

	if (!cursor_u8(c, &version_ihl) || !cursor_skip(c, 5) || !cursor_u16be(c, &frag) ||
	    !cursor_skip(c, 1) || !cursor_u8(c, &q->proto) || !cursor_skip(c, 2) ||
	    !decode_read_addr(c, &q->src, 4) || !decode_read_addr(c, &q->dst, 4))
		return false;
	q->present = true;
	if ((version_ihl & 0x0f) < 5 || (frag & 0x1fff) != 0)
		return false; /* a bad header, or a later fragment: no ports in it */
	options = (version_ihl & 0x0f) * 4u - 20;
	return cursor_skip(c, options);
}

/* The quoted IPv6 header and its extension headers, as far as quoted. */
static bool quote_ipv6(struct cursor *c, struct icmp_quote *q)
{
	struct ipv6_walk w = {0};
	uint16_t payload_len;

	if (!cursor_skip(c, 4) || !cursor_u16be(c, &payload_len) || !cursor_u8(c, &q->proto) ||
	    !cursor_skip(c, 1) || !decode_read_addr(c, &q->src, 6) ||
	    !decode_read_addr(c, &q->dst, 6))
		return false;
	q->present = true;
	w.next = q->proto;
	w.left = payload_len;
	if (decode_ipv6_walk(c, &w) < 0)
		return false;
	q->proto = w.next;
	return w.frag_offset == 0;
}

/* Ports are the first 4 bytes of both TCP and UDP; TCP's seq the next 4. */
static void quote_transport(struct cursor *c, struct icmp_quote *q)
{
	uint16_t sport, dport;

	if (q->proto != IPPROTO_NUM_TCP && q->proto != IPPROTO_NUM_UDP)
		return;
	if (!cursor_u16be(c, &sport) || !cursor_u16be(c, &dport))
		return;
	q->sport = sport;
	q->dport = dport;
	q->has_ports = true;
	if (q->proto == IPPROTO_NUM_TCP && cursor_u32be(c, &q->tcp_seq))
		q->has_tcp_seq = true;
}

void decode_icmp_quote(const struct cursor *c, struct icmp_quote *q)
{
	struct cursor quote = *c, peek = *c;
	uint8_t first;
	bool more = false;

	memset(q, 0, sizeof *q);
	if (!cursor_u8(&peek, &first))
		return;
	if (first >> 4 == 4) {
		q->ip_version = 4;
		more = quote_ipv4(&quote, q);
	} else if (first >> 4 == 6) {
		q->ip_version = 6;
		more = quote_ipv6(&quote, q);
	}
	if (more)
		quote_transport(&quote, q);
}

static int decode_icmp_common(struct cursor *c, struct packet *pkt, uint8_t version,
                              const char *layer)
{
	struct packet_icmp *m = &pkt->icmp;
	size_t start = cursor_offset(c);
	uint32_t wire = 0;
	bool announced = decode_l4_announced(pkt, &wire);

	m->id = m->seq = 0;
	memset(&m->quoted, 0, sizeof m->quoted);
	if (announced && wire < ICMP_HEADER_LEN)
		return decode_fail(pkt, SS_EMALFORMED, layer, start,
		                   "ip payload shorter than icmp header", ICMP_HEADER_LEN);
	if (!cursor_u8(c, &m->type) || !cursor_u8(c, &m->code) || !cursor_u16be(c, &m->checksum) ||
	    !cursor_u32be(c, &m->rest))
		return decode_fail(pkt, SS_ETRUNC, layer, start, "truncated header",
		                   ICMP_HEADER_LEN);
	if (decode_icmp_has_id_seq(version, m->type)) {
		m->id = (uint16_t)(m->rest >> 16);
		m->seq = (uint16_t)m->rest;
	}
	if (decode_icmp_is_error(version, m->type))
		decode_icmp_quote(c, &m->quoted);
	if (!announced)
		wire = ICMP_HEADER_LEN + (uint32_t)cursor_left(c);
	pkt->payload = c->p; /* for an error, the quote itself */
	pkt->payload_len = (uint32_t)cursor_left(c);
	pkt->payload_wire_len = wire - ICMP_HEADER_LEN;
	return 0;
}

int decode_icmp(struct cursor *c, struct packet *pkt)
{
	pkt->l4 = L4_ICMP;
	return decode_icmp_common(c, pkt, 4, "icmp");
}

int decode_icmpv6(struct cursor *c, struct packet *pkt)
{
	pkt->l4 = L4_ICMPV6;
	return decode_icmp_common(c, pkt, 6, "icmpv6");
}
