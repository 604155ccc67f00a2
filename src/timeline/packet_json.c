/*
 * packet_json.c - one packet event of the timeline, in the key order of
 * docs/timeline.md: kind, frame, t, ts, flow, dir, src, dst, ip, tcp|udp|icmp,
 * handshake, state, analysis, rtt, payload, label, explain, truncated.
 */
#include "parts.h"

#include <stdio.h>

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

/* Names in the order tcpdump and Wireshark print them, high bit first. */
static const struct {
	uint8_t bit;
	const char *name;
} tcp_flag_names[] = {
    {TCP_CWR, "CWR"}, {TCP_ECE, "ECE"}, {TCP_URG, "URG"}, {TCP_ACK, "ACK"},
    {TCP_PSH, "PSH"}, {TCP_RST, "RST"}, {TCP_SYN, "SYN"}, {TCP_FIN, "FIN"},
};

static json_object *tcp_flags_json(uint8_t flags)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < SS_ARRAY_SIZE(tcp_flag_names); i++)
		if (flags & tcp_flag_names[i].bit)
			json_object_array_add(arr, json_object_new_string(tcp_flag_names[i].name));
	return arr;
}

static json_object *sack_blocks_json(const struct tcp_option *opt)
{
	json_object *blocks = json_object_new_array();
	for (unsigned i = 0; i < opt->u.sack.count && i < DECODE_MAX_SACK_BLOCKS; i++) {
		json_object *edge = json_object_new_array();
		json_object_array_add(edge, json_object_new_int64(opt->u.sack.left[i]));
		json_object_array_add(edge, json_object_new_int64(opt->u.sack.right[i]));
		json_object_array_add(blocks, edge);
	}
	return blocks;
}

static json_object *tcp_option_json(const struct tcp_option *opt)
{
	json_object *obj = json_object_new_object();
	const char *name = decode_tcp_option_name(opt->kind);

	add(obj, "kind", json_object_new_string(name ? name : "unknown"));
	switch (opt->kind) {
	case TCPOPT_MSS:
		add(obj, "value", json_object_new_int(opt->u.mss));
		break;
	case TCPOPT_WSCALE:
		add(obj, "value", json_object_new_int(opt->u.wscale));
		break;
	case TCPOPT_TIMESTAMP:
		add(obj, "value", json_object_new_int64(opt->u.ts.value));
		add(obj, "echo", json_object_new_int64(opt->u.ts.echo_reply));
		break;
	case TCPOPT_SACK:
		add(obj, "blocks", sack_blocks_json(opt));
		break;
	default:
		if (!name) {
			add(obj, "code", json_object_new_int(opt->kind));
			add(obj, "len", json_object_new_int(opt->len));
		}
	}
	return obj;
}

static json_object *tcp_json(const struct packet *pkt, const struct track_result *tr)
{
	const struct packet_tcp *tcp = &pkt->tcp;
	json_object *obj = json_object_new_object();
	json_object *options = json_object_new_array();

	add(obj, "flags", tcp_flags_json(tcp->flags));
	add(obj, "seq", json_object_new_int64(tcp->seq));
	add(obj, "ack", json_object_new_int64(tcp->ack));
	if (tr && tr->has_rel) {
		add(obj, "seq_rel", json_object_new_int64(tr->seq_rel));
		add(obj, "ack_rel", json_object_new_int64(tr->ack_rel));
	}
	add(obj, "len", json_object_new_int64(pkt->payload_wire_len));
	add(obj, "win", json_object_new_int(tcp->window));
	if (tr && tr->win_scaled >= 0)
		add(obj, "win_scaled", json_object_new_int64(tr->win_scaled));
	if (tcp->urgent || (tcp->flags & TCP_URG))
		add(obj, "urg", json_object_new_int(tcp->urgent));
	for (unsigned i = 0; i < tcp->option_count && i < DECODE_MAX_TCP_OPTIONS; i++)
		json_object_array_add(options, tcp_option_json(&tcp->options[i]));
	add(obj, "options", options);
	if (tcp->options_bad)
		add(obj, "options_bad", json_object_new_boolean(1));
	return obj;
}

static json_object *udp_json(const struct packet *pkt, const struct track_result *tr)
{
	json_object *obj = json_object_new_object();
	add(obj, "len", json_object_new_int64(pkt->payload_wire_len));
	if (tr && tr->udp_index)
		add(obj, "index", json_object_new_int64((int64_t)tr->udp_index));
	if (tr && tr->reply_to_frame)
		add(obj, "reply_to", json_object_new_int64((int64_t)tr->reply_to_frame));
	return obj;
}

static json_object *icmp_quote_json(const struct icmp_quote *q, const struct track_result *tr)
{
	json_object *obj = json_object_new_object();
	add(obj, "proto",
	    json_object_new_string(timeline_proto_name(q->proto == 6    ? L4_TCP
	                                               : q->proto == 17 ? L4_UDP
	                                                                : L4_OTHER)));
	add(obj, "src", timeline_json_endpoint(&q->src, q->sport, q->has_ports));
	add(obj, "dst", timeline_json_endpoint(&q->dst, q->dport, q->has_ports));
	if (q->has_tcp_seq)
		add(obj, "tcp_seq", json_object_new_int64(q->tcp_seq));
	add(obj, "flow", timeline_json_flow_id(tr ? tr->icmp_flow : 0));
	return obj;
}

static json_object *icmp_json(const struct packet *pkt, const struct track_result *tr)
{
	const struct packet_icmp *icmp = &pkt->icmp;
	uint8_t version = pkt->l4 == L4_ICMPV6 ? 6 : 4;
	const char *name = decode_icmp_type_name(version, icmp->type, icmp->code);
	json_object *obj = json_object_new_object();

	add(obj, "type", json_object_new_int(icmp->type));
	add(obj, "code", json_object_new_int(icmp->code));
	add(obj, "name", json_object_new_string(name ? name : "unknown"));
	if (!decode_icmp_is_error(version, icmp->type) && (icmp->id || icmp->seq)) {
		add(obj, "id", json_object_new_int(icmp->id));
		add(obj, "seq", json_object_new_int(icmp->seq));
	}
	if (icmp->quoted.present)
		add(obj, "quoted", icmp_quote_json(&icmp->quoted, tr));
	return obj;
}

static json_object *ip_json(const struct packet *pkt)
{
	json_object *obj = json_object_new_object();
	add(obj, "version", json_object_new_int(pkt->ip.version));
	add(obj, pkt->ip.version == 6 ? "hlim" : "ttl", json_object_new_int(pkt->ip.ttl));
	add(obj, "len", json_object_new_int64(pkt->ip.total_len));
	if (pkt->ip.fragment) {
		add(obj, "fragment", json_object_new_boolean(1));
		add(obj, "frag_offset", json_object_new_int(pkt->ip.frag_offset));
		add(obj, "more_fragments", json_object_new_boolean(pkt->ip.more_fragments));
	}
	return obj;
}

static json_object *transport_json(const struct packet *pkt, const struct track_result *tr,
                                   const char **key)
{
	switch (pkt->l4) {
	case L4_TCP:
		*key = "tcp";
		return tcp_json(pkt, tr);
	case L4_UDP:
		*key = "udp";
		return udp_json(pkt, tr);
	case L4_ICMP:
	case L4_ICMPV6:
		*key = "icmp";
		return icmp_json(pkt, tr);
	default:
		return NULL;
	}
}

static bool has_ports(const struct packet *pkt)
{
	return pkt->l4 == L4_TCP || pkt->l4 == L4_UDP;
}

static uint16_t src_port(const struct packet *pkt)
{
	return pkt->l4 == L4_TCP ? pkt->tcp.sport : pkt->udp.sport;
}

static uint16_t dst_port(const struct packet *pkt)
{
	return pkt->l4 == L4_TCP ? pkt->tcp.dport : pkt->udp.dport;
}

static void add_addresses(json_object *ev, const struct packet *pkt)
{
	if (pkt->l3 != L3_IPV4 && pkt->l3 != L3_IPV6) {
		add(ev, "l3", json_object_new_string(pkt->l3 == L3_ARP ? "arp" : "other"));
		return;
	}
	add(ev, "src", timeline_json_endpoint(&pkt->ip.src, src_port(pkt), has_ports(pkt)));
	add(ev, "dst", timeline_json_endpoint(&pkt->ip.dst, dst_port(pkt), has_ports(pkt)));
	add(ev, "ip", ip_json(pkt));
}

/* Printable ASCII as is, common controls as \n \r \t, anything else as \xHH. */
static void payload_text(const uint8_t *data, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < size; i++) {
		uint8_t b = data[i];
		if (b >= 0x20 && b < 0x7f && b != '\\') {
			out[o++] = (char)b;
		} else if (b == '\n' || b == '\r' || b == '\t' || b == '\\') {
			out[o++] = '\\';
			out[o++] = b == '\n' ? 'n' : b == '\r' ? 'r' : b == '\t' ? 't' : '\\';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[b >> 4];
			out[o++] = hex[b & 15];
		}
	}
	out[o] = '\0';
}

static json_object *payload_json(const struct packet *pkt)
{
	static const char hex[] = "0123456789abcdef";
	char text[TIMELINE_PAYLOAD_PREVIEW * 4 + 1];
	char hexbuf[TIMELINE_PAYLOAD_PREVIEW * 2 + 1];
	size_t n = pkt->payload_len < TIMELINE_PAYLOAD_PREVIEW ? pkt->payload_len
	                                                       : TIMELINE_PAYLOAD_PREVIEW;
	json_object *obj = json_object_new_object();

	for (size_t i = 0; i < n; i++) {
		hexbuf[2 * i] = hex[pkt->payload[i] >> 4];
		hexbuf[2 * i + 1] = hex[pkt->payload[i] & 15];
	}
	hexbuf[2 * n] = '\0';
	payload_text(pkt->payload, n, text, sizeof text);
	add(obj, "len", json_object_new_int64(pkt->payload_len));
	add(obj, "text", json_object_new_string(text));
	add(obj, "hex", json_object_new_string(hexbuf));
	if (n < pkt->payload_len)
		add(obj, "cut", json_object_new_boolean(1));
	return obj;
}

static json_object *analysis_json(const struct track_result *tr)
{
	json_object *arr = json_object_new_array();
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++)
		if (tr->analysis & (1u << bit))
			json_object_array_add(arr, json_object_new_string(track_analysis_name(
			                               (enum track_analysis)(1u << bit))));
	return arr;
}

static void add_tcp_story(json_object *ev, const struct track_result *tr)
{
	json_object *state = json_object_new_object();

	if (tr->handshake)
		add(ev, "handshake", json_object_new_int(tr->handshake));
	add(state, "client", json_object_new_string(track_state_name(tr->state_client)));
	add(state, "server", json_object_new_string(track_state_name(tr->state_server)));
	add(ev, "state", state);
}

static void add_rtt(json_object *ev, const struct track_result *tr)
{
	json_object *rtt;

	if (!tr->acks_frame && tr->handshake_rtt < 0)
		return;
	rtt = json_object_new_object();
	if (tr->acks_frame) {
		add(rtt, "ack_rtt", timeline_json_fixed(tr->ack_rtt, 6));
		add(rtt, "acks_frame", json_object_new_int64((int64_t)tr->acks_frame));
	}
	if (tr->handshake_rtt >= 0)
		add(rtt, "handshake", timeline_json_fixed(tr->handshake_rtt, 6));
	add(ev, "rtt", rtt);
}

static void add_analysis(json_object *ev, const struct track_result *tr)
{
	add(ev, "analysis", analysis_json(tr));
	if (tr->analysis & TA_DUPLICATE_ACK) {
		json_object *dup = json_object_new_object();
		add(dup, "num", json_object_new_int64(tr->dup_ack_num));
		add(dup, "frame", json_object_new_int64((int64_t)tr->dup_ack_frame));
		add(ev, "dup_ack", dup);
	}
}

static void add_track(json_object *ev, const struct packet *pkt, const struct track_result *tr)
{
	if (pkt->l4 == L4_TCP) {
		add_tcp_story(ev, tr);
		add_analysis(ev, tr);
	}
	add_rtt(ev, tr);
}

static json_object *error_json(const struct decode_error *err)
{
	json_object *obj = json_object_new_object();
	add(obj, "layer", json_object_new_string(err->layer));
	add(obj, "offset", json_object_new_int64((int64_t)err->offset));
	add(obj, "what", json_object_new_string(err->what ? err->what : ""));
	return obj;
}

json_object *timeline_packet_event(const struct timeline_packet *p, double t)
{
	const struct packet *pkt = p->pkt;
	const struct track_result *tr = p->track;
	json_object *ev = json_object_new_object();
	const char *key = NULL;

	add(ev, "kind", json_object_new_string("packet"));
	add(ev, "frame", json_object_new_int64((int64_t)p->frame));
	add(ev, "t", timeline_json_fixed(t, 6));
	add(ev, "ts", timeline_json_iso_time(p->ts_sec, p->ts_nsec));
	add(ev, "flow", timeline_json_flow_id(tr->flow_id));
	add(ev, "dir",
	    tr->flow_id ? json_object_new_string(tr->dir == TRACK_C2S ? "c2s" : "s2c") : NULL);
	add_addresses(ev, pkt);
	json_object *transport = transport_json(pkt, tr, &key);
	if (transport)
		add(ev, key, transport);
	add_track(ev, pkt, tr);
	if (pkt->payload_len && pkt->payload)
		add(ev, "payload", payload_json(pkt));
	if (p->label)
		add(ev, "label", json_object_new_string(p->label));
	if (p->explain) {
		json_object *explain = json_object_new_object();
		add(explain, "summary", json_object_new_string(p->explain->summary));
		add(explain, "detail", json_object_new_string(p->explain->detail));
		add(ev, "explain", explain);
	}
	if (pkt->truncated)
		add(ev, "truncated", json_object_new_boolean(1));
	if (pkt->err.layer)
		add(ev, "error", error_json(&pkt->err));
	return ev;
}
