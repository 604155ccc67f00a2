/*
 * ipv6.c - the IPv6 header (RFC 8200 §3) and the walk over its extension
 * headers (RFC 8200 §4), with the transport bounded by the payload length.
 */
#include "internal.h"

enum {
	IPV6_HEADER_LEN = 40,
	IPV6_FRAG_HEADER_LEN = 8,       /* RFC 8200 §4.5 */
	IPV6_FRAG_OFFSET_MASK = 0xfff8, /* 13 bits, in 8-byte units, already * 8 */
	IPV6_FRAG_M = 0x0001,
	IPV6_EXT_HOP_BY_HOP = 0,
	IPV6_OPT_PAD1 = 0,
	IPV6_OPT_JUMBO = 0xc2, /* RFC 2675 §2 */
	IPV6_JUMBO_MIN = 65536,
};

/* How an extension header states its length. */
enum ext_length {
	EXT_UNITS_8, /* Hdr Ext Len in 8-byte units, not counting the first 8 */
	EXT_UNITS_4, /* AH, RFC 4302 §2.2: 4-byte units, minus 2 */
	EXT_FIXED_8, /* Fragment: always 8 bytes */
};

static const struct ext_kind {
	uint8_t type;
	enum ext_length length;
} ext_kinds[] = {
    {0, EXT_UNITS_8},   /* Hop-by-Hop Options, RFC 8200 §4.3 */
    {43, EXT_UNITS_8},  /* Routing, §4.4 */
    {44, EXT_FIXED_8},  /* Fragment, §4.5 */
    {60, EXT_UNITS_8},  /* Destination Options, §4.6 */
    {51, EXT_UNITS_4},  /* Authentication Header, RFC 4302 */
    {135, EXT_UNITS_8}, /* Mobility, RFC 6275 §6.1 */
};

static const struct ext_kind *find_ext_kind(uint8_t type)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(ext_kinds); i++)
		if (ext_kinds[i].type == type)
			return &ext_kinds[i];
	return NULL;
}

static int walk_stop(struct ipv6_walk *w, int code, const char *what, uint32_t need)
{
	w->what = what;
	w->need = need;
	return -code;
}

static uint32_t ext_length(const struct ext_kind *k, uint8_t hdr_ext_len)
{
	switch (k->length) {
	case EXT_UNITS_4:
		return ((uint32_t)hdr_ext_len + 2) * 4;
	case EXT_FIXED_8:
		return IPV6_FRAG_HEADER_LEN;
	default:
		return ((uint32_t)hdr_ext_len + 1) * 8;
	}
}

/* One extension header: Next Header, length, then its body (read for a
 * Fragment header, skipped otherwise). */
static int walk_one(struct cursor *c, struct ipv6_walk *w, const struct ext_kind *k)
{
	uint8_t next, hdr_ext_len;
	uint16_t frag;
	uint32_t len;

	w->at = cursor_offset(c);
	if (w->count == DECODE_MAX_IPV6_EXT)
		return walk_stop(w, SS_EMALFORMED, "too many extension headers", 0);
	if (w->left < 2)
		return walk_stop(w, SS_EMALFORMED, "extension header past payload length", 2);
	if (!cursor_u8(c, &next) || !cursor_u8(c, &hdr_ext_len))
		return walk_stop(w, SS_ETRUNC, "truncated extension header", 2);
	len = ext_length(k, hdr_ext_len);
	if (len > w->left)
		return walk_stop(w, SS_EMALFORMED, "extension header past payload length", len);
	if (k->length == EXT_FIXED_8) {
		if (!cursor_u16be(c, &frag) || !cursor_u32be(c, &w->frag_id))
			return walk_stop(w, SS_ETRUNC, "truncated fragment header", len);
		w->fragment = true;
		w->more_fragments = frag & IPV6_FRAG_M;
		w->frag_offset = frag & IPV6_FRAG_OFFSET_MASK;
	} else if (!cursor_skip(c, len - 2)) {
		return walk_stop(w, SS_ETRUNC, "truncated extension header", len);
	}
	w->types[w->count++] = k->type;
	w->next = next;
	w->left -= len;
	return 0;
}

int decode_ipv6_walk(struct cursor *c, struct ipv6_walk *w)
{
	const struct ext_kind *k;

	/* Past a later fragment's header come fragment bytes, not headers. */
	while ((k = find_ext_kind(w->next)) && w->frag_offset == 0) {
		int rc = walk_one(c, w, k);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Version, traffic class, flow label, payload length, next header, hop
 * limit, addresses; each filled as soon as it is read. */
static bool ipv6_fields(struct cursor *c, struct packet_ip *ip, uint16_t *payload_len)
{
	uint32_t first;

	if (!cursor_u32be(c, &first))
		return false;
	ip->tos = (uint8_t)(first >> 20);
	ip->flow_label = first & 0xfffff;
	if (!cursor_u16be(c, payload_len))
		return false;
	ip->total_len = IPV6_HEADER_LEN + (uint32_t)*payload_len;
	return cursor_u8(c, &ip->proto) && cursor_u8(c, &ip->ttl) &&
	       decode_read_addr(c, &ip->src, 6) && decode_read_addr(c, &ip->dst, 6);
}

/* One option of a Hop-by-Hop header (RFC 8200 §4.2): 1 and *jumbo set
 * when it is a Jumbo Payload option, 0 for any other, -1 when its length
 * runs past the option area. */
static int hbh_option(struct cursor *opts, uint32_t *jumbo)
{
	uint8_t type, len;

	if (!cursor_u8(opts, &type))
		return -1;
	if (type == IPV6_OPT_PAD1)
		return 0;
	if (!cursor_u8(opts, &len))
		return -1;
	if (type == IPV6_OPT_JUMBO && len == 4)
		return cursor_u32be(opts, jumbo) ? 1 : -1;
	return cursor_skip(opts, len) ? 0 : -1;
}

/*
 * The Jumbo Payload option (RFC 2675 §2) of the Hop-by-Hop header at c:
 * returns 1 with *jumbo set, 0 when there is none, -SS_ETRUNC when the
 * header is cut (*need: its length), -SS_EMALFORMED when an option runs past
 * it.  Reads only; pkt is not touched.
 */
static int ipv6_jumbo(const struct cursor *c, uint32_t *jumbo, uint32_t *need)
{
	struct cursor hbh = *c, opts;
	uint8_t next, units;
	int rc = 0;

	*jumbo = 0;
	*need = 2;
	if (!cursor_u8(&hbh, &next) || !cursor_u8(&hbh, &units))
		return -SS_ETRUNC;
	*need = ((uint32_t)units + 1) * 8;
	if (!cursor_has(&hbh, *need - 2))
		return -SS_ETRUNC;
	opts = cursor_window(&hbh, *need - 2);
	while (cursor_left(&opts) > 0 && (rc = hbh_option(&opts, jumbo)) == 0)
		;
	return rc < 0 ? -SS_EMALFORMED : rc;
}

/*
 * RFC 2675: a Payload Length of 0 and a Hop-by-Hop header with a Jumbo
 * Payload option, which then gives the length (Linux BIG TCP writes these).
 * The option is an error with a non-zero Payload Length (§3) or a length
 * below 65536 (§2); one the 32-bit total length cannot hold is refused too.
 * With a non-zero Payload Length the extension header walk reports a cut
 * or overrunning header, as for any other.
 */
static int ipv6_payload_length(const struct cursor *c, struct packet *pkt, uint32_t *len)
{
	size_t at = cursor_offset(c);
	uint32_t jumbo, need;
	int rc;

	if (pkt->ip.proto != IPV6_EXT_HOP_BY_HOP)
		return 0;
	rc = ipv6_jumbo(c, &jumbo, &need);
	if (*len != 0 && rc > 0)
		return decode_fail(pkt, SS_EMALFORMED, "ipv6", at,
		                   "jumbo payload option with a payload length", 0);
	if (*len != 0)
		return 0;
	if (rc == -SS_ETRUNC)
		return decode_fail(pkt, SS_ETRUNC, "ipv6", at, "truncated hop-by-hop header", need);
	if (rc < 0)
		return decode_fail(pkt, SS_EMALFORMED, "ipv6", at,
		                   "hop-by-hop option runs past its header", 0);
	if (rc == 0)
		return 0;
	if (jumbo < IPV6_JUMBO_MIN)
		return decode_fail(pkt, SS_EMALFORMED, "ipv6", at, "jumbo payload length < 65536",
		                   0);
	if (jumbo > UINT32_MAX - IPV6_HEADER_LEN)
		return decode_fail(pkt, SS_EMALFORMED, "ipv6", at,
		                   "jumbo payload length beyond a 32-bit total length", 0);
	pkt->ip.jumbo = true;
	pkt->ip.total_len = IPV6_HEADER_LEN + jumbo;
	*len = jumbo;
	return 0;
}

/*
 * Copies the walk into pkt->ip; it is kept even when the walk failed.  The
 * header length fits in 16 bits: at most 16 extension headers of at most
 * 2048 bytes each.  The 32-bit fragment identification has no field; ip.id
 * stays 0 for IPv6.
 */
static void ipv6_take_walk(struct packet_ip *ip, const struct ipv6_walk *w, uint32_t payload_len)
{
	ip->ext_count = w->count;
	memcpy(ip->ext, w->types, w->count);
	ip->proto = w->next;
	ip->header_len = (uint16_t)(IPV6_HEADER_LEN + (payload_len - w->left));
	ip->fragment = w->fragment && (w->more_fragments || w->frag_offset > 0);
	ip->more_fragments = w->more_fragments;
	ip->frag_offset = w->frag_offset;
}

int decode_ipv6(struct cursor *c, struct packet *pkt)
{
	struct packet_ip *ip = &pkt->ip;
	size_t start = cursor_offset(c);
	uint16_t header_plen = 0;
	uint32_t payload_len;
	struct ipv6_walk w = {0};
	struct cursor datagram, peek = *c;
	uint8_t version;
	int rc;

	pkt->l3 = L3_IPV6;
	ip->version = 6;
	if (cursor_u8(&peek, &version) && version >> 4 != 6)
		return decode_fail(pkt, SS_EMALFORMED, "ipv6", start, "version is not 6", 0);
	if (!ipv6_fields(c, ip, &header_plen))
		return decode_fail(pkt, SS_ETRUNC, "ipv6", start, "truncated header",
		                   IPV6_HEADER_LEN);
	payload_len = header_plen;
	if ((rc = ipv6_payload_length(c, pkt, &payload_len)) < 0)
		return rc;
	/* Padding after the datagram is cut off here. */
	datagram = cursor_window(c, payload_len);
	w.next = ip->proto;
	w.left = payload_len;
	rc = decode_ipv6_walk(&datagram, &w);
	ipv6_take_walk(ip, &w, payload_len);
	if (rc < 0)
		return decode_fail(pkt, -rc, "ipv6", w.at, w.what, w.need);
	/* RFC 8200 §4.5: a later fragment has no transport header; §4.7: after
	 * No Next Header there is nothing to decode. */
	if (ip->frag_offset > 0 || ip->proto == IPPROTO_NUM_NONE) {
		decode_ip_payload(&datagram, w.left, pkt);
		return 0;
	}
	return decode_transport(&datagram, pkt);
}
