/*
 * tunnel.c - tunnels carried by IP: VXLAN and Geneve (UDP), GRE, and IP in
 * IP (IPIP, SIT/6in4, IP6IP6, IPv4 in IPv6); and the stack of outer layers
 * they leave in pkt->encap.
 *
 * Each tunnel decoder reads its header through the cursor, records one
 * encap layer, and decodes what it carries with the same decoders the outer
 * frame used.  Every way back into a decoder passes decode_encap_push, so
 * the recursion is at most DECODE_MAX_ENCAP tunnels deep.
 */
#include "internal.h"

enum {
	UDP_PORT_VXLAN = 4789,  /* IANA, RFC 7348 §5 */
	UDP_PORT_GENEVE = 6081, /* IANA, RFC 8926 §3.3 */
	VXLAN_HEADER_LEN = 8,
	GENEVE_HEADER_LEN = 8,
	GENEVE_OPTION_HEADER_LEN = 4,
	GRE_HEADER_LEN = 4,
	GRE_FLAG_C = 0x8000, /* checksum present (RFC 2784) */
	GRE_FLAG_R = 0x4000, /* routing present (RFC 1701 only) */
	GRE_FLAG_K = 0x2000, /* key present (RFC 2890) */
	GRE_FLAG_S = 0x1000, /* sequence number present (RFC 2890) */
	GRE_VERSION_MASK = 0x0007,
};

static const char *const encap_names[] = {
    [ENCAP_VXLAN] = "vxlan",   [ENCAP_GENEVE] = "geneve", [ENCAP_GRE] = "gre",
    [ENCAP_IPIP] = "ipip",     [ENCAP_SIT] = "sit",       [ENCAP_IP6IP6] = "ip6ip6",
    [ENCAP_IP4IN6] = "ip4in6", [ENCAP_MPLS] = "mpls",     [ENCAP_PPPOE] = "pppoe",
};

const char *decode_encap_name(uint8_t kind)
{
	if (kind < SS_ARRAY_SIZE(encap_names) && encap_names[kind])
		return encap_names[kind];
	return "unknown";
}

bool decode_tunnel_id(const struct packet *pkt, uint8_t *kind, uint32_t *id)
{
	for (unsigned i = pkt->encap_count; i-- > 0;) {
		if (pkt->encap[i].has_id) {
			*kind = pkt->encap[i].kind;
			*id = pkt->encap[i].id;
			return true;
		}
	}
	return false;
}

struct encap_layer *decode_encap_push(struct packet *pkt, enum encap_kind kind, size_t offset)
{
	struct encap_layer *l;

	if (pkt->encap_count == DECODE_MAX_ENCAP) {
		decode_fail(pkt, SS_EMALFORMED, decode_encap_name(kind), offset,
		            "tunnels nested more than 8 deep", 0);
		return NULL;
	}
	l = &pkt->encap[pkt->encap_count++];
	memset(l, 0, sizeof *l);
	l->kind = (uint8_t)kind;
	if (pkt->l3 == L3_IPV4 || pkt->l3 == L3_IPV6) {
		l->src = pkt->ip.src;
		l->dst = pkt->ip.dst;
	}
	if (pkt->l4 == L4_UDP) {
		l->sport = pkt->udp.sport;
		l->dport = pkt->udp.dport;
	}
	/* an inner Ethernet header has tags of its own: vlan[] describes the innermost */
	pkt->vlan_count = 0;
	memset(pkt->vlan, 0, sizeof pkt->vlan);
	pkt->l3 = L3_NONE;
	memset(&pkt->ip, 0, sizeof pkt->ip);
	pkt->l4 = L4_NONE;
	memset(&pkt->udp, 0, sizeof pkt->udp);
	pkt->payload = NULL;
	pkt->payload_len = pkt->payload_wire_len = 0;
	return l;
}

/* Reads the 24-bit VNI and the reserved byte after it (VXLAN and Geneve). */
static bool read_vni(struct cursor *c, struct encap_layer *l)
{
	uint32_t word;

	if (!cursor_u32be(c, &word))
		return false;
	l->has_id = true;
	l->id = word >> 8;
	return true;
}

/* RFC 7348 §5: flags (I = VNI valid), 24 reserved bits, VNI, 8 reserved
 * bits, then an Ethernet frame.  Like Wireshark, the VNI is shown whatever
 * the I flag says. */
static int decode_vxlan(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	struct encap_layer *l = decode_encap_push(pkt, ENCAP_VXLAN, start);

	if (!l)
		return -SS_EMALFORMED;
	if (!cursor_skip(c, 4) || !read_vni(c, l))
		return decode_fail(pkt, SS_ETRUNC, "vxlan", start, "truncated header",
		                   VXLAN_HEADER_LEN);
	return decode_ethernet(c, pkt);
}

/* RFC 8926 §3.5: class (16), type (8), 3 reserved bits and a length in
 * 4-byte words (5), then the data.  Each option must end inside the option
 * area the base header announced. */
static int geneve_options(struct cursor *opts, struct packet *pkt, struct encap_layer *l)
{
	while (cursor_left(opts) > 0) {
		size_t at = cursor_offset(opts);
		uint8_t type, len;

		if (!cursor_skip(opts, 2) || !cursor_u8(opts, &type) || !cursor_u8(opts, &len))
			return decode_fail(pkt, SS_EMALFORMED, "geneve", at,
			                   "option header runs past options length",
			                   GENEVE_OPTION_HEADER_LEN);
		if (!cursor_skip(opts, (size_t)(len & 0x1f) * 4))
			return decode_fail(pkt, SS_EMALFORMED, "geneve", at,
			                   "option runs past options length", 0);
		l->count++;
	}
	return 0;
}

/* After the Geneve or GRE header: Ethernet (TEB), IPv4, IPv6 or MPLS. */
static int decode_carried(uint16_t proto, struct cursor *c, struct packet *pkt)
{
	if (proto == ETHERTYPE_NUM_TEB)
		return decode_ethernet(c, pkt);
	return decode_ethertype(proto, c, pkt);
}

/* RFC 8926 §3.4: version (2 bits, 0) and option length in 4-byte words (6),
 * O and C flags, protocol type, VNI, reserved; then the options. */
static int decode_geneve(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	struct encap_layer *l = decode_encap_push(pkt, ENCAP_GENEVE, start);
	uint8_t ver_optlen;
	struct cursor opts;
	int rc;

	if (!l)
		return -SS_EMALFORMED;
	if (!cursor_u8(c, &ver_optlen) || !cursor_skip(c, 1) || !cursor_u16be(c, &l->proto) ||
	    !read_vni(c, l))
		return decode_fail(pkt, SS_ETRUNC, "geneve", start, "truncated header",
		                   GENEVE_HEADER_LEN);
	if (ver_optlen >> 6 != 0)
		return decode_fail(pkt, SS_EMALFORMED, "geneve", start, "version is not 0", 0);
	l->opt_len = (uint16_t)((ver_optlen & 0x3f) * 4);
	if (!cursor_has(c, l->opt_len))
		return decode_fail(pkt, SS_ETRUNC, "geneve", start, "truncated options",
		                   GENEVE_HEADER_LEN + l->opt_len);
	opts = cursor_window(c, l->opt_len);
	if ((rc = geneve_options(&opts, pkt, l)) < 0)
		return rc;
	cursor_skip(c, l->opt_len);
	return decode_carried(l->proto, c, pkt);
}

/*
 * A UDP datagram to or from a tunnel port is decoded as that tunnel, as
 * Wireshark's port table does.  A fragment is not: its payload is not the
 * whole datagram (Wireshark reassembles; we do not).
 */
int decode_udp_tunnel(struct cursor *c, struct packet *pkt)
{
	uint16_t s = pkt->udp.sport, d = pkt->udp.dport;

	if (pkt->ip.fragment)
		return 1;
	if (d == UDP_PORT_VXLAN || s == UDP_PORT_VXLAN)
		return decode_vxlan(c, pkt);
	if (d == UDP_PORT_GENEVE || s == UDP_PORT_GENEVE)
		return decode_geneve(c, pkt);
	return 1;
}

/* The optional GRE words, in the order RFC 2890 §2 fixes: checksum and
 * reserved (C), key (K), sequence number (S). */
static bool gre_optional(struct cursor *c, uint16_t flags, struct encap_layer *l)
{
	l->has_csum = flags & GRE_FLAG_C;
	if (l->has_csum && !cursor_skip(c, 4))
		return false;
	l->has_id = flags & GRE_FLAG_K;
	if (l->has_id && !cursor_u32be(c, &l->id))
		return false;
	l->has_seq = flags & GRE_FLAG_S;
	return !l->has_seq || cursor_u32be(c, &l->seq);
}

/*
 * RFC 2784 / RFC 2890 GRE, version 0.  A version 1 header (PPTP's enhanced
 * GRE, RFC 2637) or one with RFC 1701 routing is recorded, and what it
 * carries is left undecoded (l3 OTHER).
 */
int decode_gre(struct cursor *c, struct packet *pkt)
{
	size_t start = cursor_offset(c);
	struct encap_layer *l = decode_encap_push(pkt, ENCAP_GRE, start);
	uint16_t flags;
	uint32_t need;

	if (!l)
		return -SS_EMALFORMED;
	if (!cursor_u16be(c, &flags) || !cursor_u16be(c, &l->proto))
		return decode_fail(pkt, SS_ETRUNC, "gre", start, "truncated header",
		                   GRE_HEADER_LEN);
	if ((flags & GRE_VERSION_MASK) != 0 || (flags & GRE_FLAG_R)) {
		pkt->l3 = L3_OTHER;
		return 0;
	}
	need = GRE_HEADER_LEN +
	       4u * (!!(flags & GRE_FLAG_C) + !!(flags & GRE_FLAG_K) + !!(flags & GRE_FLAG_S));
	if (!gre_optional(c, flags, l))
		return decode_fail(pkt, SS_ETRUNC, "gre", start, "truncated header", need);
	return decode_carried(l->proto, c, pkt);
}

/* IP protocol 4 or 41 inside IPv4 or IPv6: the kind says which pair. */
int decode_ip_in_ip(struct cursor *c, struct packet *pkt)
{
	bool inner6 = pkt->ip.proto == IPPROTO_NUM_IPV6;
	bool outer6 = pkt->ip.version == 6;
	enum encap_kind kind =
	    outer6 ? (inner6 ? ENCAP_IP6IP6 : ENCAP_IP4IN6) : (inner6 ? ENCAP_SIT : ENCAP_IPIP);

	if (!decode_encap_push(pkt, kind, cursor_offset(c)))
		return -SS_EMALFORMED;
	return inner6 ? decode_ipv6(c, pkt) : decode_ipv4(c, pkt);
}
