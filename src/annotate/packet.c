/*
 * packet.c - the summary line and teaching paragraph for one packet.
 *
 * A table of templates, first match wins; each writes the packet-specific
 * sentences, then the common parts follow: acknowledgment, window, state
 * changes, analysis flags.  Every number printed is a field of the packet or
 * of the track result.
 */
#include "annotate_internal.h"

#include <string.h>

struct view {
	const struct packet *pkt;
	const struct track_result *tr;
	const char *from, *to; /* "client" / "server" */
	uint32_t len;
};

struct template
{
	const char *name;
	bool (*match)(const struct view *v);
	void (*write)(const struct view *v, struct text *sum, struct text *det);
};

static uint8_t tcp_flags(const struct view *v)
{
	return v->pkt->tcp.flags;
}

static bool is_tcp(const struct view *v)
{
	return v->pkt->l4 == L4_TCP;
}

static bool match_syn(const struct view *v)
{
	return is_tcp(v) && (tcp_flags(v) & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN;
}

static bool match_synack(const struct view *v)
{
	return is_tcp(v) && (tcp_flags(v) & (TCP_SYN | TCP_ACK | TCP_RST)) == (TCP_SYN | TCP_ACK);
}

static bool match_rst(const struct view *v)
{
	return is_tcp(v) && (tcp_flags(v) & TCP_RST);
}

static bool match_fin(const struct view *v)
{
	return is_tcp(v) && (tcp_flags(v) & TCP_FIN);
}

static bool match_handshake_ack(const struct view *v)
{
	return is_tcp(v) && v->tr->handshake == 3;
}

static bool match_data(const struct view *v)
{
	return is_tcp(v) && v->len > 0;
}

static bool match_tcp(const struct view *v)
{
	return is_tcp(v);
}

static bool match_udp(const struct view *v)
{
	return v->pkt->l4 == L4_UDP;
}

static bool match_icmp(const struct view *v)
{
	return v->pkt->l4 == L4_ICMP || v->pkt->l4 == L4_ICMPV6;
}

static bool match_any(const struct view *v)
{
	(void)v;
	return true;
}

static void write_syn_options(const struct view *v, struct text *det)
{
	const struct packet_tcp *tcp = &v->pkt->tcp;

	for (unsigned i = 0; i < tcp->option_count && i < DECODE_MAX_TCP_OPTIONS; i++) {
		const struct tcp_option *o = &tcp->options[i];
		if (o->kind == TCPOPT_MSS)
			text_add(det, " MSS %u: the largest segment the %s wants to receive.",
			         (unsigned)o->u.mss, v->from);
		else if (o->kind == TCPOPT_WSCALE)
			text_add(det,
			         " Window scale %u: once both sides agree, its window field "
			         "is multiplied by 2^%u.",
			         (unsigned)o->u.wscale, (unsigned)o->u.wscale);
		else if (o->kind == TCPOPT_SACK_PERM)
			text_add(det, " SACK permitted: the receiver may report blocks it got "
			              "beyond a gap.");
		else if (o->kind == TCPOPT_TIMESTAMP)
			text_add(det, " Timestamps: each segment carries a clock value to measure "
			              "round trips.");
	}
}

static void write_syn(const struct view *v, struct text *sum, struct text *det)
{
	const struct packet_tcp *tcp = &v->pkt->tcp;

	text_add(sum,
	         "SYN: the %s asks to open a connection to port %u and proposes its "
	         "initial sequence number %u",
	         v->from, (unsigned)tcp->dport, (unsigned)tcp->seq);
	text_add(det,
	         "Step 1 of the three-way handshake. The %s (port %u) asks the %s on port %u "
	         "to open a connection. It picks an initial sequence number, %u on the wire, "
	         "which relative numbering calls %u; the SYN itself uses one sequence number, "
	         "so its first data byte will be %u.",
	         v->from, (unsigned)tcp->sport, v->to, (unsigned)tcp->dport, (unsigned)tcp->seq,
	         (unsigned)v->tr->seq_rel, (unsigned)v->tr->next_seq_rel);
	write_syn_options(v, det);
}

static void write_synack(const struct view *v, struct text *sum, struct text *det)
{
	const struct packet_tcp *tcp = &v->pkt->tcp;

	text_add(sum, "SYN-ACK: the %s accepts, sends its initial sequence number %u and ACK %u",
	         v->from, (unsigned)tcp->seq, (unsigned)v->tr->ack_rel);
	text_add(det,
	         "Step 2 of the three-way handshake. The %s on port %u accepts the "
	         "connection: it answers the SYN with its own initial sequence number %u "
	         "(relative %u) and ACK %u, meaning it got the %s's SYN and expects byte %u "
	         "next.",
	         v->from, (unsigned)tcp->sport, (unsigned)tcp->seq, (unsigned)v->tr->seq_rel,
	         (unsigned)v->tr->ack_rel, v->to, (unsigned)v->tr->ack_rel);
	write_syn_options(v, det);
}

static void write_handshake_ack(const struct view *v, struct text *sum, struct text *det)
{
	text_add(sum, "ACK %u: the %s confirms the %s's SYN; the connection is open",
	         (unsigned)v->tr->ack_rel, v->from, v->to);
	text_add(det,
	         "Step 3 of the three-way handshake. ACK %u acknowledges the %s's SYN "
	         "(which used sequence number %u), so both sides now agree on each other's "
	         "initial sequence numbers.",
	         (unsigned)v->tr->ack_rel, v->to, (unsigned)(v->tr->ack_rel - 1));
	if (v->tr->handshake_rtt >= 0)
		text_add(det,
		         " From the SYN to this ACK took %.6f s: the handshake round-trip "
		         "time.",
		         v->tr->handshake_rtt);
}

static void write_data(const struct view *v, struct text *sum, struct text *det)
{
	const struct track_result *tr = v->tr;

	if (v->len == 1) {
		text_add(sum, "Data: the %s sends 1 byte (seq %u)", v->from, (unsigned)tr->seq_rel);
		text_add(det, "The %s sends 1 byte of data, byte %u in its relative numbering; ",
		         v->from, (unsigned)tr->seq_rel);
	} else {
		text_add(sum, "Data: the %s sends %u bytes (seq %u to %u)", v->from,
		         (unsigned)v->len, (unsigned)tr->seq_rel,
		         (unsigned)(tr->seq_rel + v->len - 1));
		text_add(det, "The %s sends %u bytes of data, bytes %u to %u in its relative "
		              "numbering; ",
		         v->from, (unsigned)v->len, (unsigned)tr->seq_rel,
		         (unsigned)(tr->seq_rel + v->len - 1));
	}
	text_add(det, "its next new byte will be %u.", (unsigned)tr->next_seq_rel);
	if (tcp_flags(v) & TCP_PSH)
		text_add(det, " PSH asks the receiver to hand the data to the application now.");
}

static void write_fin(const struct view *v, struct text *sum, struct text *det)
{
	text_add(sum, "FIN: the %s has no more data to send (seq %u)", v->from,
	         (unsigned)v->tr->seq_rel);
	text_add(det,
	         "FIN: the %s closes its direction of the connection; it will send no more "
	         "data, but can still receive. The FIN uses sequence number %u, so the %s "
	         "will acknowledge it with ACK %u.",
	         v->from, (unsigned)(v->tr->next_seq_rel - 1), v->to,
	         (unsigned)v->tr->next_seq_rel);
	if (v->len)
		text_add(det, " It also carries %u byte%s of data.", (unsigned)v->len,
		         text_plural(v->len));
}

static void write_rst(const struct view *v, struct text *sum, struct text *det)
{
	enum track_tcp_state peer_before =
	    v->tr->dir == TRACK_C2S ? v->tr->state_server_before : v->tr->state_client_before;

	if (peer_before == TCPS_SYN_SENT) {
		text_add(sum, "RST: the %s refuses the connection: nobody listens on port %u",
		         v->from, (unsigned)v->pkt->tcp.sport);
		text_add(det,
		         "RST answering a SYN: no program on the %s listens on port %u, so "
		         "its operating system refuses the connection. The %s's connect() "
		         "fails with \"connection refused\".",
		         v->from, (unsigned)v->pkt->tcp.sport, v->to);
		return;
	}
	text_add(sum, "RST: the %s aborts the connection", v->from);
	text_add(det,
	         "RST: the %s aborts the connection at once; no FIN exchange, and any data "
	         "not yet delivered is thrown away. RST is sent when a program closes a "
	         "socket with unread data, or when a segment arrives for a connection that "
	         "does not exist.",
	         v->from);
}

/*
 * "ACK 1: the client acknowledges the server's SYN ..." or "ACK 6: the server has every
 * byte up to 5 ...".  RFC 9293 §3.4: the SYN takes sequence number 0, so ACK 1 covers the
 * SYN and no data; that is only known when the peer's SYN was seen (its state not NONE).
 */
static void write_ack_phrase(const struct view *v, struct text *t)
{
	const struct track_result *tr = v->tr;
	enum track_tcp_state peer_before =
	    tr->dir == TRACK_C2S ? tr->state_server_before : tr->state_client_before;

	if (tr->ack_rel == 1 && peer_before != TCPS_NONE)
		text_add(t, "ACK 1: the %s acknowledges the %s's SYN and expects byte 1 next",
		         v->from, v->to);
	else
		text_add(t, "ACK %u: the %s has every byte up to %u and expects byte %u next",
		         (unsigned)tr->ack_rel, v->from, (unsigned)(tr->ack_rel - 1),
		         (unsigned)tr->ack_rel);
}

static void write_pure_ack(const struct view *v, struct text *sum, struct text *det)
{
	write_ack_phrase(v, sum);
	text_add(det, "A pure acknowledgment, with no data.");
}

static void write_udp(const struct view *v, struct text *sum, struct text *det)
{
	const struct track_result *tr = v->tr;

	if (tr->reply_to_frame) {
		text_add(sum, "UDP: the %s answers with %u byte%s (reply to frame %llu)", v->from,
		         (unsigned)v->len, text_plural(v->len),
		         (unsigned long long)tr->reply_to_frame);
		text_add(det,
		         "A UDP datagram of %u byte%s from port %u, the answer to the "
		         "datagram in frame %llu.",
		         (unsigned)v->len, text_plural(v->len), (unsigned)v->pkt->udp.sport,
		         (unsigned long long)tr->reply_to_frame);
	} else {
		text_add(sum, "UDP: the %s sends datagram %llu (%u byte%s) to port %u", v->from,
		         (unsigned long long)tr->udp_index, (unsigned)v->len, text_plural(v->len),
		         (unsigned)v->pkt->udp.dport);
		text_add(det,
		         "A UDP datagram of %u byte%s, number %llu in this direction, to "
		         "port %u.",
		         (unsigned)v->len, text_plural(v->len), (unsigned long long)tr->udp_index,
		         (unsigned)v->pkt->udp.dport);
	}
	text_add(det, " UDP has no connection, no sequence numbers and no acknowledgments: each "
	              "datagram stands alone and may be lost without anyone noticing.");
}

static void write_icmp_error(const struct view *v, struct text *sum, struct text *det,
                             const char *name)
{
	const struct icmp_quote *q = &v->pkt->icmp.quoted;
	const char *proto = q->proto == 6 ? "TCP" : q->proto == 17 ? "UDP" : "IP";

	text_add(sum, "ICMP %s", name);
	if (q->present && q->has_ports && v->pkt->icmp.code == 3 && v->pkt->l4 == L4_ICMP)
		text_add(sum, ": the host says nobody listens on %s port %u", proto,
		         (unsigned)q->dport);
	if (v->tr->icmp_flow)
		text_add(sum, "; this answers the %s in flow %llu",
		         q->proto == 6 ? "segment" : "datagram",
		         (unsigned long long)v->tr->icmp_flow);
	text_add(det,
	         "An ICMP error message (%s). ICMP errors report a problem with an earlier "
	         "packet and quote its headers, so the sender can tell which of its flows "
	         "failed.",
	         name);
	if (q->present && q->has_ports)
		text_add(det, " The quoted packet went from port %u to %s port %u.",
		         (unsigned)q->sport, proto, (unsigned)q->dport);
}

static void write_icmp(const struct view *v, struct text *sum, struct text *det)
{
	const struct packet_icmp *icmp = &v->pkt->icmp;
	const char *name = annotate_icmp_name(v->pkt);

	if (annotate_icmp_is_error(v->pkt)) {
		write_icmp_error(v, sum, det, name ? name : "error");
		return;
	}
	if (name)
		text_add(sum, "ICMP %s", name);
	else
		text_add(sum, "ICMP type %u code %u", (unsigned)icmp->type, (unsigned)icmp->code);
	if (v->tr->reply_to_frame)
		text_add(sum, " (reply to frame %llu)", (unsigned long long)v->tr->reply_to_frame);
	text_add(det,
	         "An ICMP message (type %u, code %u). ICMP carries control messages for IP "
	         "itself; echo request and reply are what ping uses.",
	         (unsigned)icmp->type, (unsigned)icmp->code);
}

static void write_other(const struct view *v, struct text *sum, struct text *det)
{
	if (v->pkt->l3 == L3_IPV4 || v->pkt->l3 == L3_IPV6) {
		text_add(sum, "IP packet, protocol %u", (unsigned)v->pkt->ip.proto);
		text_add(det,
		         "An IP packet whose transport protocol (%u) sockscope does not "
		         "explain.",
		         (unsigned)v->pkt->ip.proto);
	} else {
		text_add(sum, "Frame without IP");
		text_add(det, "A frame that carries no IP packet (for example ARP); it belongs to "
		              "no flow.");
	}
}

static const struct template templates[] = {
    {"syn", match_syn, write_syn},
    {"synack", match_synack, write_synack},
    {"rst", match_rst, write_rst},
    {"fin", match_fin, write_fin},
    {"handshake_ack", match_handshake_ack, write_handshake_ack},
    {"data", match_data, write_data},
    {"ack", match_tcp, write_pure_ack},
    {"udp", match_udp, write_udp},
    {"icmp", match_icmp, write_icmp},
    {"other", match_any, write_other},
};

/* The numbers every TCP segment carries: the acknowledgment and the window. */
static void write_ack_and_window(const struct view *v, struct text *det)
{
	const struct track_result *tr = v->tr;

	if ((tcp_flags(v) & TCP_ACK) && !(tcp_flags(v) & TCP_SYN) && tr->handshake != 3) {
		text_add(det, " ");
		write_ack_phrase(v, det);
		text_add(det, ".");
	}
	if (tr->acks_frame)
		text_add(det,
		         " It acknowledges the segment in frame %llu, %.6f s after it was "
		         "sent (ack RTT).",
		         (unsigned long long)tr->acks_frame, tr->ack_rtt);
	if (tcp_flags(v) & TCP_RST)
		return;
	if (tr->win_scaled >= 0)
		text_add(det, " Window %lld: the %s can accept that many more bytes.",
		         (long long)tr->win_scaled, v->from);
	else
		text_add(det,
		         " Window field %u (the scale factor is unknown: the SYN was not "
		         "captured).",
		         (unsigned)v->pkt->tcp.window);
}

static void write_state_change(const struct view *v, struct text *det)
{
	const struct track_result *tr = v->tr;

	if (tr->state_client_before != tr->state_client)
		text_add(det, " The client moves from %s to %s.",
		         track_state_name(tr->state_client_before),
		         track_state_name(tr->state_client));
	if (tr->state_server_before != tr->state_server)
		text_add(det, " The server moves from %s to %s.",
		         track_state_name(tr->state_server_before),
		         track_state_name(tr->state_server));
}

static void write_analysis(const struct view *v, struct text *sum, struct text *det)
{
	const struct track_result *tr = v->tr;

	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++) {
		enum track_analysis flag = (enum track_analysis)(1u << i);
		if (!(tr->analysis & flag))
			continue;
		text_add(sum, " [%s]", track_analysis_name(flag));
		text_add(det, " %s", annotate_analysis_meaning(flag));
		if (flag == TA_DUPLICATE_ACK)
			text_add(det, " This is duplicate number %u of frame %llu.",
			         (unsigned)tr->dup_ack_num, (unsigned long long)tr->dup_ack_frame);
	}
}

void annotate_packet(const struct packet *pkt, const struct track_result *tr,
                     struct annotation *out)
{
	static const struct track_result none = {.win_scaled = -1, .handshake_rtt = -1};
	struct text sum, det;
	struct view v = {.pkt = pkt, .tr = tr ? tr : &none};
	size_t i = 0;

	v.from = v.tr->dir == TRACK_S2C ? "server" : "client";
	v.to = v.tr->dir == TRACK_S2C ? "client" : "server";
	v.len = pkt->payload_wire_len ? pkt->payload_wire_len : pkt->payload_len;
	text_init(&sum, out->summary, sizeof out->summary);
	text_init(&det, out->detail, sizeof out->detail);
	while (!templates[i].match(&v))
		i++;
	templates[i].write(&v, &sum, &det);
	if (is_tcp(&v)) {
		write_ack_and_window(&v, &det);
		write_state_change(&v, &det);
		write_analysis(&v, &sum, &det);
	}
}
