/*
 * ip.c - what IPv4 and IPv6 share: the table from protocol number to
 * transport decoder, and the payload of a datagram whose transport header
 * is not decoded.
 */
#include "internal.h"

static const struct transport_decoder {
	uint8_t proto;
	int (*decode)(struct cursor *c, struct packet *pkt);
} transport_decoders[] = {
    {IPPROTO_NUM_ICMP, decode_icmp},     {IPPROTO_NUM_TCP, decode_tcp},
    {IPPROTO_NUM_UDP, decode_udp},       {IPPROTO_NUM_ICMPV6, decode_icmpv6},
    {IPPROTO_NUM_IPIP, decode_ip_in_ip}, {IPPROTO_NUM_IPV6, decode_ip_in_ip},
    {IPPROTO_NUM_GRE, decode_gre},
};

void decode_ip_payload(const struct cursor *c, uint32_t wire_len, struct packet *pkt)
{
	pkt->payload = c->p;
	pkt->payload_len = (uint32_t)cursor_left(c);
	pkt->payload_wire_len = wire_len;
}

/* An unknown protocol is not an error: l4 = OTHER and the whole rest of the
 * datagram is the payload. */
int decode_transport(struct cursor *c, struct packet *pkt)
{
	uint32_t wire = 0;

	for (size_t i = 0; i < SS_ARRAY_SIZE(transport_decoders); i++)
		if (transport_decoders[i].proto == pkt->ip.proto)
			return transport_decoders[i].decode(c, pkt);
	pkt->l4 = L4_OTHER;
	decode_l4_announced(pkt, &wire);
	decode_ip_payload(c, wire, pkt);
	return 0;
}
