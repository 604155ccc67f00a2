/*
 * packet_json.c - one packet event of the timeline, in the key order of
 * docs/timeline.md: kind, frame, t, ts, flow, dir, encap, src, dst, ip, tcp|udp|icmp,
 * handshake, state, analysis, analysis_detail, sack, dsack, dup_ack, rtt, payload,
 * label, explain, truncated, error.
 */
#include "parts.h"

/* Names in the order tcpdump and Wireshark print them, high bit first. */
static const struct {
	uint8_t bit;
	const char *name;
} tcp_flag_names[] = {
    {TCP_CWR, "CWR"}, {TCP_ECE, "ECE"}, {TCP_URG, "URG"}, {TCP_ACK, "ACK"},
    {TCP_PSH, "PSH"}, {TCP_RST, "RST"}, {TCP_SYN, "SYN"}, {TCP_FIN, "FIN"},
};

static void emit_tcp_flags(struct emitter *e, uint8_t flags)
{
	emit_key(e, "flags");
	emit_begin_array(e);
	for (size_t i = 0; i < SS_ARRAY_SIZE(tcp_flag_names); i++)
		if (flags & tcp_flag_names[i].bit)
			emit_string(e, tcp_flag_names[i].name);
	emit_end_array(e);
}

static void emit_sack_blocks(struct emitter *e, const struct tcp_option *opt)
{
	emit_key(e, "blocks");
	emit_begin_array(e);
	for (unsigned i = 0; i < opt->u.sack.count && i < DECODE_MAX_SACK_BLOCKS; i++) {
		emit_begin_array(e);
		emit_int(e, opt->u.sack.left[i]);
		emit_int(e, opt->u.sack.right[i]);
		emit_end_array(e);
	}
	emit_end_array(e);
}

static void emit_tcp_option(struct emitter *e, const struct tcp_option *opt)
{
	const char *name = decode_tcp_option_name(opt->kind);

	emit_begin_object(e);
	emit_kv_string(e, "kind", name ? name : "unknown");
	switch (opt->kind) {
	case TCPOPT_MSS:
		emit_kv_int(e, "value", opt->u.mss);
		break;
	case TCPOPT_WSCALE:
		emit_kv_int(e, "value", opt->u.wscale);
		break;
	case TCPOPT_TIMESTAMP:
		emit_kv_int(e, "value", opt->u.ts.value);
		emit_kv_int(e, "echo", opt->u.ts.echo_reply);
		break;
	case TCPOPT_SACK:
		emit_sack_blocks(e, opt);
		break;
	case TCPOPT_TFO:
		emit_kv_int(e, "cookie_len", opt->len >= 2 ? opt->len - 2 : 0);
		break;
	default:
		if (!name) {
			emit_kv_int(e, "code", opt->kind);
			emit_kv_int(e, "len", opt->len);
		}
	}
	emit_end_object(e);
}

static void emit_tcp(struct emitter *e, const struct packet *pkt, const struct track_result *tr)
{
	const struct packet_tcp *tcp = &pkt->tcp;

	emit_key(e, "tcp");
	emit_begin_object(e);
	emit_tcp_flags(e, tcp->flags);
	emit_kv_int(e, "seq", tcp->seq);
	emit_kv_int(e, "ack", tcp->ack);
	if (tr->has_rel) {
		emit_kv_int(e, "seq_rel", tr->seq_rel);
		emit_kv_int(e, "ack_rel", tr->ack_rel);
	}
	emit_kv_int(e, "len", pkt->payload_wire_len);
	emit_kv_int(e, "win", tcp->window);
	if (tr->win_scaled >= 0)
		emit_kv_int(e, "win_scaled", tr->win_scaled);
	if (tcp->urgent || (tcp->flags & TCP_URG))
		emit_kv_int(e, "urg", tcp->urgent);
	emit_key(e, "options");
	emit_begin_array(e);
	for (unsigned i = 0; i < tcp->option_count && i < DECODE_MAX_TCP_OPTIONS; i++)
		emit_tcp_option(e, &tcp->options[i]);
	emit_end_array(e);
	if (tcp->options_bad)
		emit_kv_bool(e, "options_bad", true);
	emit_end_object(e);
}

static void emit_udp(struct emitter *e, const struct packet *pkt, const struct track_result *tr)
{
	emit_key(e, "udp");
	emit_begin_object(e);
	emit_kv_int(e, "len", pkt->payload_wire_len);
	/* the field as sent, when it is not what the datagram carries (0: a jumbogram's) */
	if (pkt->udp.length_exceeds_ip || pkt->udp.length_short || pkt->udp.length == 0)
		emit_kv_int(e, "len_field", pkt->udp.length);
	if (tr->udp_index)
		emit_kv_int(e, "index", (int64_t)tr->udp_index);
	if (tr->reply_to_frame)
		emit_kv_int(e, "reply_to", (int64_t)tr->reply_to_frame);
	if (tr->udp_resend_of)
		emit_kv_int(e, "resend_of", (int64_t)tr->udp_resend_of);
	emit_end_object(e);
}

static enum decode_l4 quoted_proto(uint8_t proto)
{
	return proto == 6 ? L4_TCP : proto == 17 ? L4_UDP : L4_OTHER;
}

static void emit_icmp_quote(struct emitter *e, const struct icmp_quote *q,
                            const struct track_result *tr)
{
	emit_key(e, "quoted");
	emit_begin_object(e);
	emit_kv_string(e, "proto", timeline_proto_name(quoted_proto(q->proto)));
	timeline_emit_endpoint(e, "src", &q->src, q->sport, q->has_ports);
	timeline_emit_endpoint(e, "dst", &q->dst, q->dport, q->has_ports);
	if (q->has_tcp_seq)
		emit_kv_int(e, "tcp_seq", q->tcp_seq);
	timeline_emit_flow_id(e, "flow", tr->icmp_flow);
	emit_end_object(e);
}

static void emit_icmp(struct emitter *e, const struct packet *pkt, const struct track_result *tr)
{
	const struct packet_icmp *icmp = &pkt->icmp;
	uint8_t version = pkt->l4 == L4_ICMPV6 ? 6 : 4;
	const char *name = decode_icmp_type_name(version, icmp->type, icmp->code);

	emit_key(e, "icmp");
	emit_begin_object(e);
	emit_kv_int(e, "type", icmp->type);
	emit_kv_int(e, "code", icmp->code);
	emit_kv_string(e, "name", name ? name : "unknown");
	if (!decode_icmp_is_error(version, icmp->type) && (icmp->id || icmp->seq)) {
		emit_kv_int(e, "id", icmp->id);
		emit_kv_int(e, "seq", icmp->seq);
	}
	if (icmp->quoted.present)
		emit_icmp_quote(e, &icmp->quoted, tr);
	emit_end_object(e);
}

static void emit_ip(struct emitter *e, const struct packet *pkt)
{
	emit_key(e, "ip");
	emit_begin_object(e);
	emit_kv_int(e, "version", pkt->ip.version);
	emit_kv_int(e, pkt->ip.version == 6 ? "hlim" : "ttl", pkt->ip.ttl);
	emit_kv_int(e, "len", pkt->ip.total_len);
	if (pkt->ip.tso)
		emit_kv_bool(e, "tso", true);
	if (pkt->ip.jumbo)
		emit_kv_bool(e, "jumbo", true);
	if (pkt->ip.fragment) {
		emit_kv_bool(e, "fragment", true);
		emit_kv_int(e, "frag_offset", pkt->ip.frag_offset);
		emit_kv_bool(e, "more_fragments", pkt->ip.more_fragments);
	}
	emit_end_object(e);
}

static void emit_transport(struct emitter *e, const struct packet *pkt,
                           const struct track_result *tr)
{
	switch (pkt->l4) {
	case L4_TCP:
		emit_tcp(e, pkt, tr);
		break;
	case L4_UDP:
		emit_udp(e, pkt, tr);
		break;
	case L4_ICMP:
	case L4_ICMPV6:
		emit_icmp(e, pkt, tr);
		break;
	default:
		break;
	}
}

/* One outer layer: its kind, its identifiers, the IP header that carried it. */
static void emit_encap_layer(struct emitter *e, const struct encap_layer *l)
{
	bool udp = l->kind == ENCAP_VXLAN || l->kind == ENCAP_GENEVE;

	emit_begin_object(e);
	emit_kv_string(e, "kind", decode_encap_name(l->kind));
	if (l->has_id)
		emit_kv_int(e,
		            l->kind == ENCAP_GRE     ? "key"
		            : l->kind == ENCAP_PPPOE ? "session"
		                                     : "vni",
		            l->id);
	if (l->has_seq)
		emit_kv_int(e, "seq", l->seq);
	if (l->kind == ENCAP_GRE || l->kind == ENCAP_GENEVE || l->kind == ENCAP_PPPOE)
		emit_kv_int(e, "proto", l->proto);
	if (l->kind == ENCAP_GENEVE)
		emit_kv_int(e, "options", l->count);
	if (l->kind == ENCAP_MPLS) {
		emit_key(e, "labels");
		emit_begin_array(e);
		for (unsigned j = 0; j < l->count && j < DECODE_MAX_MPLS_LABELS; j++)
			emit_int(e, l->labels[j]);
		emit_end_array(e);
	}
	if (l->src.family) {
		timeline_emit_endpoint(e, "src", &l->src, l->sport, udp);
		timeline_emit_endpoint(e, "dst", &l->dst, l->dport, udp);
	}
	emit_end_object(e);
}

/* The outer layers, outermost first (docs/timeline.md, "encap"). */
static void emit_encap(struct emitter *e, const struct packet *pkt)
{
	emit_key(e, "encap");
	emit_begin_array(e);
	for (unsigned i = 0; i < pkt->encap_count && i < DECODE_MAX_ENCAP; i++)
		emit_encap_layer(e, &pkt->encap[i]);
	emit_end_array(e);
}

static void emit_addresses(struct emitter *e, const struct packet *pkt)
{
	bool ports = pkt->l4 == L4_TCP || pkt->l4 == L4_UDP;
	uint16_t sport = pkt->l4 == L4_TCP ? pkt->tcp.sport : pkt->udp.sport;
	uint16_t dport = pkt->l4 == L4_TCP ? pkt->tcp.dport : pkt->udp.dport;

	if (pkt->l3 != L3_IPV4 && pkt->l3 != L3_IPV6) {
		emit_kv_string(e, "l3", pkt->l3 == L3_ARP ? "arp" : "other");
		return;
	}
	timeline_emit_endpoint(e, "src", &pkt->ip.src, sport, ports);
	timeline_emit_endpoint(e, "dst", &pkt->ip.dst, dport, ports);
	emit_ip(e, pkt);
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

static void emit_payload(struct emitter *e, const struct packet *pkt)
{
	static const char hex[] = "0123456789abcdef";
	char text[TIMELINE_PAYLOAD_PREVIEW * 4 + 1];
	char hexbuf[TIMELINE_PAYLOAD_PREVIEW * 2 + 1];
	size_t n = pkt->payload_len < TIMELINE_PAYLOAD_PREVIEW ? pkt->payload_len
	                                                       : TIMELINE_PAYLOAD_PREVIEW;

	for (size_t i = 0; i < n; i++) {
		hexbuf[2 * i] = hex[pkt->payload[i] >> 4];
		hexbuf[2 * i + 1] = hex[pkt->payload[i] & 15];
	}
	hexbuf[2 * n] = '\0';
	payload_text(pkt->payload, n, text, sizeof text);
	emit_key(e, "payload");
	emit_begin_object(e);
	emit_kv_int(e, "len", pkt->payload_len);
	emit_kv_string(e, "text", text);
	emit_kv_string(e, "hex", hexbuf);
	if (n < pkt->payload_len)
		emit_kv_bool(e, "cut", true);
	emit_end_object(e);
}

/* {"retransmission": {"frame": 4, "cause": "rto", "after": 0.206}, ...}: the evidence
 * behind each flag in `analysis` (docs/timeline.md). */
static void emit_analysis_detail(struct emitter *e, const struct track_result *tr)
{
	emit_key(e, "analysis_detail");
	emit_begin_object(e);
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++) {
		const struct track_analysis_detail *d = &tr->detail[bit];
		if (!(tr->analysis & (1u << bit)))
			continue;
		emit_key(e, track_analysis_name((enum track_analysis)(1u << bit)));
		emit_begin_object(e);
		timeline_emit_flow_id(e, "frame", d->frame);
		if (d->cause) {
			emit_kv_string(e, "cause", track_cause_name(d->cause));
			emit_kv_seconds(e, "after", d->after);
		}
		if (d->timer)
			emit_kv_string(e, "timer", "rto or tlp");
		if (d->cause == TRACK_CAUSE_SYN && d->num) {
			emit_kv_seconds(e, "backoff", d->backoff);
			emit_kv_int(e, "resend", d->num);
		}
		if (d->num && d->cause != TRACK_CAUSE_SYN)
			emit_kv_int(e, d->cause == TRACK_CAUSE_FAST ? "dup_acks" : "num", d->num);
		emit_end_object(e);
	}
	emit_end_object(e);
}

/* RFC 2018 SACK and RFC 2883 D-SACK blocks, read against the ACK (relative numbers). */
static void emit_sack_reading(struct emitter *e, const struct track_result *tr)
{
	if (tr->sack) {
		emit_key(e, "sack");
		emit_begin_object(e);
		emit_kv_int(e, "left", tr->sack_left_rel);
		emit_kv_int(e, "right", tr->sack_right_rel);
		emit_end_object(e);
	}
	if (tr->dsack) {
		emit_key(e, "dsack");
		emit_begin_object(e);
		emit_kv_int(e, "left", tr->dsack_left_rel);
		emit_kv_int(e, "right", tr->dsack_right_rel);
		timeline_emit_flow_id(e, "spurious_frame", tr->dsack_frame);
		emit_end_object(e);
	}
}

static void emit_tcp_story(struct emitter *e, const struct track_result *tr)
{
	if (tr->handshake)
		emit_kv_int(e, "handshake", tr->handshake);
	emit_key(e, "state");
	emit_begin_object(e);
	emit_kv_string(e, "client", track_state_name(tr->state_client));
	emit_kv_string(e, "server", track_state_name(tr->state_server));
	emit_kv_string(e, "listener", track_listener_name(tr->listener));
	if (tr->listener == TRACK_LISTENER_INFERRED)
		emit_kv_bool(e, "listener_inferred", true);
	emit_end_object(e);
	emit_key(e, "analysis");
	emit_begin_array(e);
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++)
		if (tr->analysis & (1u << bit))
			emit_string(e, track_analysis_name((enum track_analysis)(1u << bit)));
	emit_end_array(e);
	emit_analysis_detail(e, tr);
	emit_sack_reading(e, tr);
	if (tr->analysis & TA_DUPLICATE_ACK) {
		emit_key(e, "dup_ack");
		emit_begin_object(e);
		emit_kv_int(e, "num", tr->dup_ack_num);
		emit_kv_int(e, "frame", (int64_t)tr->dup_ack_frame);
		emit_end_object(e);
	}
}

static const char *vantage_name(enum track_vantage v)
{
	static const char *const names[] = {
	    [TRACK_VANTAGE_UNKNOWN] = "unknown", [TRACK_VANTAGE_LOOPBACK] = "loopback",
	    [TRACK_VANTAGE_CLIENT] = "client",   [TRACK_VANTAGE_SERVER] = "server",
	    [TRACK_VANTAGE_MIDDLE] = "middle",
	};
	return (unsigned)v < SS_ARRAY_SIZE(names) ? names[v] : "unknown";
}

static void emit_rtt(struct emitter *e, const struct track_result *tr)
{
	if (!tr->acks_frame && !tr->karn_frame && tr->handshake_rtt < 0)
		return;
	emit_key(e, "rtt");
	emit_begin_object(e);
	if (tr->acks_frame) {
		emit_kv_seconds(e, "ack_rtt", tr->ack_rtt);
		emit_kv_int(e, "acks_frame", (int64_t)tr->acks_frame);
		if (tr->delayed_ack)
			emit_kv_bool(e, "delayed_ack", true);
	}
	if (tr->karn_frame) /* RFC 6298 §3: no sample from a segment sent twice */
		emit_kv_int(e, "karn_frame", (int64_t)tr->karn_frame);
	if (tr->handshake_rtt >= 0) {
		emit_kv_seconds(e, "handshake", tr->handshake_rtt);
		emit_kv_string(e, "vantage", vantage_name(tr->vantage));
		emit_kv_seconds(e, "syn_gap", tr->syn_gap);
		emit_kv_seconds(e, "synack_gap", tr->synack_gap);
	}
	emit_end_object(e);
}

static void emit_explain_and_flags(struct emitter *e, const struct timeline_packet *p)
{
	const struct packet *pkt = p->pkt;

	if (p->label)
		emit_kv_string(e, "label", p->label);
	if (p->explain) {
		emit_key(e, "explain");
		emit_begin_object(e);
		emit_kv_string(e, "summary", p->explain->summary);
		emit_kv_string(e, "detail", p->explain->detail);
		emit_end_object(e);
	}
	if (pkt->truncated)
		emit_kv_bool(e, "truncated", true);
	if (pkt->err.layer) {
		emit_key(e, "error");
		emit_begin_object(e);
		emit_kv_string(e, "layer", pkt->err.layer);
		emit_kv_int(e, "offset", (int64_t)pkt->err.offset);
		emit_kv_string(e, "what", pkt->err.what ? pkt->err.what : "");
		emit_end_object(e);
	}
}

void timeline_emit_packet(struct timeline_writer *w, const struct timeline_packet *p, double t)
{
	struct emitter *e = &w->events;
	const struct packet *pkt = p->pkt;
	const struct track_result *tr = p->track;

	emit_begin_object(e);
	emit_kv_string(e, "kind", "packet");
	emit_kv_int(e, "frame", (int64_t)p->frame);
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, p->ts_sec, p->ts_nsec);
	timeline_emit_flow_id(e, "flow", tr->flow_id);
	emit_key(e, "dir");
	if (tr->flow_id)
		emit_string(e, tr->dir == TRACK_C2S ? "c2s" : "s2c");
	else
		emit_null(e);
	if (pkt->encap_count)
		emit_encap(e, pkt);
	emit_addresses(e, pkt);
	emit_transport(e, pkt, tr);
	if (pkt->l4 == L4_TCP)
		emit_tcp_story(e, tr);
	emit_rtt(e, tr);
	if (pkt->payload_len && pkt->payload)
		emit_payload(e, pkt);
	emit_explain_and_flags(e, p);
	emit_end_object(e);
}
