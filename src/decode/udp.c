/*
 * udp.c - the UDP header (RFC 768).  The datagram is bounded by the smaller
 * of the UDP length and the IP payload, as tcpdump's udp_print does: a UDP
 * length below 8 is malformed, one above the IP payload is noted (pkt->err,
 * decoding goes on) and the IP payload wins.  A datagram to or from a tunnel
 * port goes on to the tunnel's decoder.
 */
#include "internal.h"

enum {
	UDP_HEADER_LEN = 8,
};

int decode_udp(struct cursor *c, struct packet *pkt)
{
	struct packet_udp *u = &pkt->udp;
	size_t start = cursor_offset(c);
	uint32_t wire = 0, datagram;
	bool announced = decode_l4_announced(pkt, &wire);
	struct cursor payload;
	int rc;

	pkt->l4 = L4_UDP;
	u->length_exceeds_ip = false;
	if (announced && wire < UDP_HEADER_LEN)
		return decode_fail(pkt, SS_EMALFORMED, "udp", start,
		                   "ip payload shorter than udp header", UDP_HEADER_LEN);
	if (!cursor_u16be(c, &u->sport) || !cursor_u16be(c, &u->dport) ||
	    !cursor_u16be(c, &u->length) || !cursor_u16be(c, &u->checksum))
		return decode_fail(pkt, SS_ETRUNC, "udp", start, "truncated header",
		                   UDP_HEADER_LEN);
	if (u->length == 0 && pkt->ip.jumbo && announced) /* RFC 2675 §4: the jumbo length */
		datagram = wire;
	else if (u->length < UDP_HEADER_LEN)
		return decode_fail(pkt, SS_EMALFORMED, "udp", start, "length < 8", 0);
	else
		datagram = u->length;
	if (announced && datagram > wire) {
		u->length_exceeds_ip = true;
		datagram = wire;
	}
	u->length_short = announced && datagram < wire;
	/* Bytes past the UDP length (inside the IP payload) are not payload. */
	payload = cursor_window(c, datagram - UDP_HEADER_LEN);
	pkt->payload = payload.p;
	pkt->payload_len = (uint32_t)cursor_left(&payload);
	pkt->payload_wire_len = datagram - UDP_HEADER_LEN;
	cursor_skip(c, pkt->payload_len);
	if ((rc = decode_udp_tunnel(&payload, pkt)) < 0)
		return rc;
	/* In a first fragment the field counts the whole datagram; otherwise a
	 * field longer than the IP payload is wrong, not the frame (tshark's
	 * "Bad length value"): everything is decoded, bounded by the IP payload,
	 * and the field is reported as malformed. */
	if (u->length_exceeds_ip && !pkt->ip.fragment)
		return decode_fail(pkt, SS_EMALFORMED, "udp", start, "length field > ip payload",
		                   0);
	return 0;
}
