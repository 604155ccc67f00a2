/*
 * carrier.c - what a carrier puts between the link header and IP: an MPLS
 * label stack (RFC 3032) and a PPPoE session header (RFC 2516).  Each is one
 * encap layer, then IP.
 */
#include "internal.h"

enum {
	MPLS_ENTRY_LEN = 4,
	MPLS_BOTTOM_OF_STACK = 0x100,
	PPPOE_HEADER_LEN = 8, /* 6 bytes PPPoE + 2 bytes PPP protocol */
	PPP_PROTO_IPV4 = 0x0021,
	PPP_PROTO_IPV6 = 0x0057,
};

/*
 * RFC 3032 §2.1: label (20 bits), traffic class (3), bottom of stack (1),
 * TTL (8), until an entry has S set.  MPLS does not say what it carries;
 * like Wireshark we look at the first nibble after the stack: 4 is IPv4, 6
 * is IPv6, anything else (a pseudowire control word, ...) is left OTHER.
 */
int decode_mpls(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	struct encap_layer *l = decode_encap_push(pkt, ENCAP_MPLS, start);
	struct cursor peek;
	uint32_t entry = 0;
	uint8_t first;

	if (!l)
		return -SS_EMALFORMED;
	while (!(entry & MPLS_BOTTOM_OF_STACK)) {
		size_t at = cursor_offset(c);
		if (l->count == DECODE_MAX_MPLS_LABELS)
			return decode_fail(pkt, SS_EMALFORMED, "mpls", at,
			                   "label stack deeper than 8", 0);
		if (!cursor_u32be(c, &entry))
			return decode_fail(pkt, SS_ETRUNC, "mpls", at, "truncated label",
			                   MPLS_ENTRY_LEN);
		l->labels[l->count++] = entry >> 12;
	}
	peek = *c;
	if (!cursor_u8(&peek, &first))
		return decode_fail(pkt, SS_ETRUNC, "mpls", cursor_offset(c),
		                   "nothing after the label stack", 1);
	switch (first >> 4) {
	case 4:
		return decode_ipv4(c, pkt);
	case 6:
		return decode_ipv6(c, pkt);
	default:
		pkt->l3 = L3_OTHER;
		return 0;
	}
}

/*
 * RFC 2516 §4: version/type (0x11), code (0 in a session), session id, a
 * length that counts the PPP payload (protocol included), then PPP's
 * protocol field (RFC 1661 §2).  The length bounds what follows, so the
 * Ethernet padding of a short frame never reaches IP.
 */
int decode_pppoe(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	struct encap_layer *l = decode_encap_push(pkt, ENCAP_PPPOE, start);
	uint16_t session, length;
	struct cursor ppp;

	if (!l)
		return -SS_EMALFORMED;
	if (!cursor_skip(c, 2) || !cursor_u16be(c, &session) || !cursor_u16be(c, &length) ||
	    !cursor_u16be(c, &l->proto))
		return decode_fail(pkt, SS_ETRUNC, "pppoe", start, "truncated header",
		                   PPPOE_HEADER_LEN);
	l->has_id = true;
	l->id = session;
	if (length < 2)
		return decode_fail(pkt, SS_EMALFORMED, "pppoe", start,
		                   "length shorter than the ppp protocol field", 0);
	ppp = cursor_window(c, length - 2u);
	switch (l->proto) {
	case PPP_PROTO_IPV4:
		return decode_ipv4(&ppp, pkt);
	case PPP_PROTO_IPV6:
		return decode_ipv6(&ppp, pkt);
	default:
		pkt->l3 = L3_OTHER;
		return 0;
	}
}
