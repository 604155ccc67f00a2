/*
 * internal.h - what the decode files share and nobody else needs.
 *
 * Conventions every layer follows:
 *   - a read goes through the cursor helpers and is checked;
 *   - the cursor a transport decoder gets ends where the IP header says the
 *     datagram ends, or where the capture ends, whichever comes first, so
 *     Ethernet padding never reaches a transport layer;
 *   - "truncated" means the capture ended inside a header (-SS_ETRUNC),
 *     "malformed" means a length field contradicts its protocol or the layer
 *     around it (-SS_EMALFORMED).  A cut payload is neither: payload_len is
 *     simply smaller than payload_wire_len.
 */
#ifndef SOCKSCOPE_DECODE_INTERNAL_H
#define SOCKSCOPE_DECODE_INTERNAL_H

#include "sockscope/decode.h"

/* IANA protocol numbers we dispatch on. */
enum {
	IPPROTO_NUM_ICMP = 1,
	IPPROTO_NUM_IPIP = 4, /* IPv4 encapsulation, RFC 2003 */
	IPPROTO_NUM_TCP = 6,
	IPPROTO_NUM_UDP = 17,
	IPPROTO_NUM_IPV6 = 41, /* IPv6 encapsulation, RFC 4213, RFC 2473 */
	IPPROTO_NUM_GRE = 47,
	IPPROTO_NUM_ICMPV6 = 58,
	IPPROTO_NUM_NONE = 59, /* IPv6 No Next Header, RFC 8200 §4.7 */
};

enum {
	ETHERTYPE_NUM_IPV4 = 0x0800,
	ETHERTYPE_NUM_ARP = 0x0806,
	ETHERTYPE_NUM_IPV6 = 0x86dd,
	ETHERTYPE_NUM_TEB = 0x6558, /* transparent Ethernet bridging: only inside GRE, Geneve */
	ETHERTYPE_NUM_MPLS = 0x8847,       /* RFC 3032 unicast */
	ETHERTYPE_NUM_MPLS_MULTI = 0x8848, /* RFC 5332 multicast */
	ETHERTYPE_NUM_PPPOE_SESSION = 0x8864,
};

/* Hands the rest of the frame to the decoder for an ethertype (link.c); an
 * unknown one is not an error: l3 = OTHER. */
int decode_ethertype(uint16_t ethertype, struct cursor *c, struct packet *pkt);

/*
 * Starts an outer layer (tunnel.c): records the IP addresses and UDP ports
 * that carried it, then clears vlan/l3/ip/l4/udp/payload so the inner layers start
 * afresh.  NULL, with pkt->err naming `kind`, when DECODE_MAX_ENCAP layers are
 * already open.  `offset` is where the layer's header starts.
 */
struct encap_layer *decode_encap_push(struct packet *pkt, enum encap_kind kind, size_t offset);

/* The payload of a UDP datagram to or from a tunnel port (tunnel.c): 1 when
 * it is not a tunnel (the caller keeps it as payload), else 0 or -error. */
int decode_udp_tunnel(struct cursor *c, struct packet *pkt);

/* IP protocols 4, 41 and 47 (tunnel.c). */
int decode_ip_in_ip(struct cursor *c, struct packet *pkt);
int decode_gre(struct cursor *c, struct packet *pkt);

/* Ethertypes 0x8847/0x8848 and 0x8864 (carrier.c). */
int decode_mpls(struct cursor *c, struct packet *pkt);
int decode_pppoe(struct cursor *c, struct packet *pkt);

/*
 * Records why and where a layer stopped and returns -code, so a decoder can
 * `return decode_fail(...)`.  `offset` is where the structure that could not
 * be read starts; `need` is how many bytes it takes from there.
 */
int decode_fail(struct packet *pkt, int code, const char *layer, size_t offset, const char *what,
                uint32_t need);

/* The datagram length the IP layer announces for the transport, when there is
 * an IP layer; false when a transport decoder is called on its own. */
static inline bool decode_l4_announced(const struct packet *pkt, uint32_t *len)
{
	if (pkt->l3 != L3_IPV4 && pkt->l3 != L3_IPV6)
		return false;
	*len = pkt->ip.total_len - pkt->ip.header_len;
	return true;
}

/* Reads a 4- or 16-byte address; on failure `a` is untouched. */
static inline bool decode_read_addr(struct cursor *c, struct ss_addr *a, uint8_t family)
{
	uint8_t bytes[16];
	size_t n = family == 4 ? 4 : 16;

	if (!cursor_bytes(c, bytes, n))
		return false;
	memset(a, 0, sizeof *a);
	a->family = family;
	memcpy(a->bytes, bytes, n);
	return true;
}

/* Layers that carry no transport header (a later fragment, an unknown
 * protocol): the rest of the datagram becomes the payload. */
void decode_ip_payload(const struct cursor *c, uint32_t wire_len, struct packet *pkt);

/* Dispatches on pkt->ip.proto; c ends where the datagram ends. */
int decode_transport(struct cursor *c, struct packet *pkt);

/*
 * The IPv6 extension header walk (RFC 8200 §4), shared by the IPv6 decoder
 * and the ICMPv6 quote parser.  `next` and `left` go in as the header's Next
 * Header and Payload Length; they come out as the protocol after the last
 * extension header and the bytes the payload length still announces.
 */
struct ipv6_walk {
	uint8_t next;
	uint32_t left;
	uint8_t count;
	uint8_t types[DECODE_MAX_IPV6_EXT];
	bool fragment;        /* a Fragment header was seen */
	bool more_fragments;  /* its M flag */
	uint16_t frag_offset; /* in bytes; > 0 ends the walk */
	uint32_t frag_id;
	/* when the walk fails: */
	size_t at;
	const char *what;
	uint32_t need;
};

/* Returns 0, -SS_ETRUNC or -SS_EMALFORMED (with at/what/need set). */
int decode_ipv6_walk(struct cursor *c, struct ipv6_walk *w);

/* Fills q from the bytes an ICMP or ICMPv6 error quotes; never fails. */
void decode_icmp_quote(const struct cursor *c, struct icmp_quote *q);

/* Per-type facts from the names table. */
bool decode_icmp_has_id_seq(uint8_t version, uint8_t type);

#endif
