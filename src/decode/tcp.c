/*
 * tcp.c - the TCP header (RFC 9293 §3.1) and its options: MSS (RFC 9293
 * §3.2), window scale and timestamps (RFC 7323), SACK (RFC 2018).
 *
 * A bad option is not a bad packet: like Wireshark, we mark it
 * (options_bad), stop reading options and still decode the segment.
 */
#include "internal.h"

enum {
	TCP_MIN_HEADER = 20, /* data offset 5 */
};

/* Each parser checks the option's length; false keeps it as raw bytes. */
static bool parse_mss(struct tcp_option *o, struct cursor *body)
{
	return o->len == 4 && cursor_u16be(body, &o->u.mss);
}

static bool parse_wscale(struct tcp_option *o, struct cursor *body)
{
	return o->len == 3 && cursor_u8(body, &o->u.wscale);
}

static bool parse_sack_perm(struct tcp_option *o, struct cursor *body)
{
	(void)body;
	return o->len == 2;
}

/* RFC 2018 §3: 2 + 8n bytes; at most 4 blocks fit in 40 bytes of options. */
static bool parse_sack(struct tcp_option *o, struct cursor *body)
{
	uint8_t n = (uint8_t)((o->len - 2) / 8);

	if (o->len < 10 || (o->len - 2) % 8 != 0 || n > DECODE_MAX_SACK_BLOCKS)
		return false;
	for (uint8_t i = 0; i < n; i++)
		if (!cursor_u32be(body, &o->u.sack.left[i]) ||
		    !cursor_u32be(body, &o->u.sack.right[i]))
			return false;
	o->u.sack.count = n;
	return true;
}

/* RFC 7323 §3.2: TSval then TSecr. */
static bool parse_timestamp(struct tcp_option *o, struct cursor *body)
{
	return o->len == 10 && cursor_u32be(body, &o->u.ts.value) &&
	       cursor_u32be(body, &o->u.ts.echo_reply);
}

static const struct option_parser {
	uint8_t kind;
	bool (*parse)(struct tcp_option *o, struct cursor *body);
} option_parsers[] = {
    {TCPOPT_MSS, parse_mss},
    {TCPOPT_WSCALE, parse_wscale},
    {TCPOPT_SACK_PERM, parse_sack_perm},
    {TCPOPT_SACK, parse_sack},
    {TCPOPT_TIMESTAMP, parse_timestamp},
};

static const struct option_parser *find_option_parser(uint8_t kind)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(option_parsers); i++)
		if (option_parsers[i].kind == kind)
			return &option_parsers[i];
	return NULL;
}

/*
 * The length byte and body of an option.  False when the length is 0, 1 or
 * runs past the header; *len_ok false when a known kind has the wrong length
 * (it is then kept raw, like an unknown kind: data points at its body).
 */
static bool parse_option_body(struct cursor *c, struct tcp_option *o, bool *len_ok)
{
	const struct option_parser *parser = find_option_parser(o->kind);
	struct cursor body;

	if (!cursor_u8(c, &o->len) || o->len < 2 || !cursor_has(c, o->len - 2u))
		return false;
	body = cursor_window(c, o->len - 2u);
	cursor_skip(c, o->len - 2u);
	*len_ok = true;
	if (parser) {
		struct cursor scratch = body;
		if (parser->parse(o, &scratch))
			return true;
		*len_ok = false;
		memset(&o->u, 0, sizeof o->u); /* a half-parsed SACK */
	}
	if (o->len > 2)
		o->data = body.p;
	return true;
}

/*
 * RFC 9293 §3.1: EOL ends the list, NOP is one byte, every other option is
 * kind, length (counting both), body.  A length of 0 or 1 or one that runs
 * past the header ends parsing; a known kind with the wrong length is kept
 * raw and also marks the options bad.
 */
static void parse_options(struct cursor *c, struct packet_tcp *t)
{
	while (cursor_left(c) > 0 && t->option_count < DECODE_MAX_TCP_OPTIONS) {
		struct tcp_option *o = &t->options[t->option_count];
		bool len_ok = true;

		memset(o, 0, sizeof *o);
		if (!cursor_u8(c, &o->kind))
			return;
		if (o->kind == TCPOPT_EOL || o->kind == TCPOPT_NOP)
			o->len = 1;
		else if (!parse_option_body(c, o, &len_ok)) {
			t->options_bad = true;
			return;
		}
		if (!len_ok)
			t->options_bad = true;
		t->option_count++;
		if (o->kind == TCPOPT_EOL)
			return;
	}
}

/* The 20 fixed bytes, each field filled as soon as it is read. */
static bool tcp_fields(struct cursor *c, struct packet_tcp *t)
{
	uint8_t offset;

	if (!cursor_u16be(c, &t->sport) || !cursor_u16be(c, &t->dport) ||
	    !cursor_u32be(c, &t->seq) || !cursor_u32be(c, &t->ack) || !cursor_u8(c, &offset))
		return false;
	t->header_len = (uint8_t)((offset >> 4) * 4);
	return cursor_u8(c, &t->flags) && cursor_u16be(c, &t->window) &&
	       cursor_u16be(c, &t->checksum) && cursor_u16be(c, &t->urgent);
}

int decode_tcp(struct cursor *c, struct packet *pkt)
{
	struct packet_tcp *t = &pkt->tcp;
	size_t start = cursor_offset(c);
	uint32_t wire = 0;
	bool announced = decode_l4_announced(pkt, &wire);
	struct cursor options;

	pkt->l4 = L4_TCP;
	t->option_count = 0;
	t->options_bad = false;
	if (announced && wire < TCP_MIN_HEADER)
		return decode_fail(pkt, SS_EMALFORMED, "tcp", start,
		                   "ip payload shorter than tcp header", TCP_MIN_HEADER);
	if (!tcp_fields(c, t))
		return decode_fail(pkt, SS_ETRUNC, "tcp", start, "truncated header",
		                   TCP_MIN_HEADER);
	if (t->header_len < TCP_MIN_HEADER)
		return decode_fail(pkt, SS_EMALFORMED, "tcp", start, "data offset < 5", 0);
	if (announced && t->header_len > wire)
		return decode_fail(pkt, SS_EMALFORMED, "tcp", start,
		                   "header length > ip payload length", t->header_len);
	options = cursor_window(c, t->header_len - TCP_MIN_HEADER);
	if (!cursor_skip(c, t->header_len - TCP_MIN_HEADER))
		return decode_fail(pkt, SS_ETRUNC, "tcp", start, "truncated options",
		                   t->header_len);
	parse_options(&options, t);
	if (!announced) /* no IP layer: the captured bytes are all we know */
		wire = t->header_len + (uint32_t)cursor_left(c);
	pkt->payload = c->p;
	pkt->payload_len = (uint32_t)cursor_left(c);
	pkt->payload_wire_len = wire - t->header_len;
	return 0;
}
