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

/* MSS: on lo the MTU is 65536, so MSS = 65536 - IP header - 20 (TCP header). */
static void write_mss(const struct view *v, struct text *det, uint16_t mss)
{
	text_add(det, " MSS %u: the largest segment the %s wants to receive.", (unsigned)mss,
	         v->from);
	if (v->pkt->l3 == L3_IPV6 && mss == 65476)
		text_add(det, " That is 65536 (the loopback MTU) - 40 (the IPv6 header) - 20 "
		              "(the TCP header).");
	else if (v->pkt->l3 == L3_IPV4 && mss == 65495)
		text_add(det, " That is 65535 (the largest IPv4 packet; loopback's MTU is 65536) "
		              "- 20 (the IPv4 header) - 20 (the TCP header).");
}

/* IPv6 in a few words, once per connection (on its SYN). */
static void write_ipv6(const struct view *v, struct text *det)
{
	if (v->pkt->l3 != L3_IPV6)
		return;
	text_add(det, " This runs over IPv6: a fixed 40-byte header with no header checksum "
	              "(the TCP and UDP checksums cover the addresses instead), and a hop "
	              "limit where IPv4 has a TTL.");
}

/* RFC 7413: an empty cookie option asks for a cookie; a SYN-ACK's hands one out;
 * a SYN's presents one the server gave this client before. */
static void write_tfo_option(const struct view *v, struct text *det, unsigned cookie_len)
{
	if (cookie_len == 0)
		text_add(det, " TCP Fast Open cookie request: the %s asks for a cookie to use on "
		              "later connections.",
		         v->from);
	else if (v->pkt->tcp.flags & TCP_ACK)
		text_add(det, " TCP Fast Open cookie (%u bytes): the %s hands the client a cookie; "
		              "with it a later SYN may carry data.",
		         cookie_len, v->from);
	else
		text_add(det, " TCP Fast Open cookie (%u bytes), from an earlier connection: with "
		              "it the server may take the SYN's data before the handshake ends.",
		         cookie_len);
}

static void write_syn_options(const struct view *v, struct text *det)
{
	const struct packet_tcp *tcp = &v->pkt->tcp;

	for (unsigned i = 0; i < tcp->option_count && i < DECODE_MAX_TCP_OPTIONS; i++) {
		const struct tcp_option *o = &tcp->options[i];
		if (o->kind == TCPOPT_MSS)
			write_mss(v, det, o->u.mss);
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
		else if (o->kind == TCPOPT_TFO)
			write_tfo_option(v, det, o->len >= 2 ? o->len - 2u : 0u);
	}
}

/* LISTEN belongs to the listening socket, set by listen(): a SYN moves no one into it. */
static void write_listener_on_syn(const struct view *v, struct text *det)
{
	if (v->tr->dir != TRACK_C2S)
		return;
	if (v->tr->listener == TRACK_LISTENER_CALLED)
		text_add(det,
		         " A socket listens on port %u: the call log shows listen(). This "
		         "connection's server side shows on the wire only when its kernel answers "
		         "(SYN-ACK: SYN_RECEIVED), so its state stays UNKNOWN for now.",
		         (unsigned)v->tr->listener_port);
	else
		text_add(det, " Whether anything listens on port %u the wire does not tell until "
		              "the server answers, so the server's state stays UNKNOWN.",
		         (unsigned)v->tr->listener_port);
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
	         (unsigned)v->tr->seq_rel, (unsigned)(v->tr->seq_rel + 1));
	if (v->len)
		text_add(det,
		         " It also carries %u byte%s of data (TCP Fast Open): byte%s %u to %u, "
		         "delivered with the SYN instead of after the handshake.",
		         (unsigned)v->len, text_plural(v->len), text_plural(v->len),
		         (unsigned)(v->tr->seq_rel + 1), (unsigned)(v->tr->seq_rel + v->len));
	write_listener_on_syn(v, det);
	write_syn_options(v, det);
	write_ipv6(v, det);
}

static void write_synack(const struct view *v, struct text *sum, struct text *det)
{
	const struct packet_tcp *tcp = &v->pkt->tcp;
	bool simultaneous = false;

	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++) /* the flag Wireshark gave it varies */
		simultaneous |= v->tr->detail[i].cause == TRACK_CAUSE_SIMULTANEOUS_OPEN;

	text_add(sum, "SYN-ACK: the %s's kernel answers, sends its initial sequence number %u and "
	              "ACK %u",
	         v->from, (unsigned)tcp->seq, (unsigned)v->tr->ack_rel);
	if (simultaneous)
		text_add(det, "A simultaneous open: both sides sent a SYN; this SYN-ACK "
		              "acknowledges the other side's SYN and repeats its own.");
	else
		text_add(det, "Step 2 of the three-way handshake.");
	text_add(det,
	         " The %s's kernel on port %u answers the SYN with its own initial sequence "
	         "number %u (relative %u) and ACK %u: it has the %s's SYN, which took sequence "
	         "number 0",
	         v->from, (unsigned)tcp->sport, (unsigned)tcp->seq, (unsigned)v->tr->seq_rel,
	         (unsigned)v->tr->ack_rel, v->to);
	if (v->tr->ack_rel > 1) /* TCP Fast Open: the SYN's data is acknowledged too */
		text_add(det, ", and the data that came with it, bytes 1 to %u (TCP Fast Open)",
		         (unsigned)(v->tr->ack_rel - 1));
	text_add(det, ", and expects %u next.", (unsigned)v->tr->ack_rel);
	if (!simultaneous)
		text_add(det, " The kernel answers by itself: no program has accepted this "
		              "connection yet. The kernel completes the handshake and queues the "
		              "connection until the program calls accept() for it, a separate, "
		              "later call.");
	if (v->tr->listener == TRACK_LISTENER_INFERRED && v->tr->dir == TRACK_S2C)
		text_add(det, " So something listens on port %u (inferred from this SYN-ACK; no "
		              "listen() call is in the log).",
		         (unsigned)v->tr->listener_port);
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
	annotate_write_handshake_rtt(v->tr, det);
}

static bool is_resend(const struct track_result *tr)
{
	return tr->analysis &
	       (TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION);
}

static void write_data(const struct view *v, struct text *sum, struct text *det)
{
	const struct track_result *tr = v->tr;

	if (is_resend(tr)) {
		text_add(sum, "Resent data: the %s sends bytes %u to %u again", v->from,
		         (unsigned)tr->seq_rel, (unsigned)(tr->seq_rel + v->len - 1));
		text_add(det, "The %s sends %u byte%s again, bytes %u to %u in its relative "
		              "numbering; ",
		         v->from, (unsigned)v->len, text_plural(v->len), (unsigned)tr->seq_rel,
		         (unsigned)(tr->seq_rel + v->len - 1));
	} else if (v->len == 1) {
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

/* What the sender's program did, as the call log shows it. */
static void write_fin_call(const struct view *v, struct text *det)
{
	switch (v->tr->sender_call) {
	case TRACK_CALL_SHUTDOWN_WR:
		text_add(det,
		         "FIN: the %s's program called shutdown(SHUT_WR), a half-close: it will "
		         "send no more data, but its socket still receives, and reads what the "
		         "%s sends until the %s's own FIN.",
		         v->from, v->to, v->to);
		break;
	case TRACK_CALL_CLOSE:
		text_add(det,
		         "FIN: the %s's program called close(): it will send no more data and its "
		         "socket receives none either; data that still arrives draws a RST.",
		         v->from);
		break;
	default:
		text_add(det,
		         "FIN: the %s will send no more data. The wire does not tell whether its "
		         "program called close() (no more receiving either) or shutdown(SHUT_WR) "
		         "(a half-close: still receiving).",
		         v->from);
		break;
	}
}

static void write_fin(const struct view *v, struct text *sum, struct text *det)
{
	unsigned fin_seq = (unsigned)(v->tr->next_seq_rel - 1);

	text_add(sum, "FIN: the %s has no more data to send (FIN at sequence number %u)", v->from,
	         fin_seq);
	write_fin_call(v, det);
	text_add(det,
	         " The FIN takes one sequence number, %u (it is not a byte of data), so the %s "
	         "will acknowledge it with ACK %u.",
	         fin_seq, v->to, (unsigned)v->tr->next_seq_rel);
	if (v->len)
		text_add(det, " It also carries %u byte%s of data, bytes %u to %u.", (unsigned)v->len,
		         text_plural(v->len), (unsigned)v->tr->seq_rel,
		         (unsigned)(v->tr->seq_rel + v->len - 1));
}

static void write_rst_cause(const struct view *v, struct text *det)
{
	switch (v->tr->sender_call) {
	case TRACK_CALL_ABORT:
		text_add(det,
		         "RST: the %s's program set SO_LINGER {1, 0} and called close(): an "
		         "abortive close. The connection is dropped at once, with no FIN exchange; "
		         "data not yet delivered is thrown away, and the %s skips TIME_WAIT.",
		         v->from, v->from);
		break;
	case TRACK_CALL_CLOSE:
		text_add(det,
		         "RST: the %s's program had called close(), so its socket no longer "
		         "receives: data arriving after close() (or unread when it was called) "
		         "draws a RST.",
		         v->from);
		break;
	default:
		if (v->tr->rst_data_frame) {
			text_add(det,
			         "RST: the %s had sent its FIN (frame %llu), and then data came from "
			         "the %s (frame %llu). A socket whose program called close() takes no "
			         "more data, so its kernel answers it with RST (RFC 1122 4.2.2.13); "
			         "after shutdown(SHUT_WR) alone the data would have been received.",
			         v->from, (unsigned long long)v->tr->rst_fin_frame, v->to,
			         (unsigned long long)v->tr->rst_data_frame);
			break;
		}
		text_add(det,
		         "RST: the %s aborts the connection at once; no FIN exchange, and data not "
		         "yet delivered is thrown away. The wire does not say why: an abortive "
		         "close (SO_LINGER {1, 0}), close() with unread data, or a segment for a "
		         "connection the %s does not have.",
		         v->from, v->from);
		break;
	}
}

static void write_rst(const struct view *v, struct text *sum, struct text *det)
{
	if (v->tr->listener == TRACK_LISTENER_NONE && v->tr->dir == TRACK_S2C &&
	    v->tr->state_client_before == TCPS_SYN_SENT) {
		text_add(sum, "RST: no socket listens on port %u, so the %s's kernel refuses the "
		              "connection",
		         (unsigned)v->pkt->tcp.sport, v->from);
		text_add(det,
		         "RST answering a SYN: no socket listens on port %u, so the %s's kernel "
		         "refuses the connection. The %s's connect() fails with ECONNREFUSED "
		         "(\"connection refused\").",
		         (unsigned)v->pkt->tcp.sport, v->from, v->to);
		return;
	}
	text_add(sum, "RST: the %s aborts the connection", v->from);
	write_rst_cause(v, det);
}

/*
 * What an ACK number says, in sequence space (RFC 9293 §3.4): the SYN and the FIN
 * take one sequence number each and are never called bytes.  "ACK 1 acknowledges
 * the SYN" only when the peer's SYN was seen, and only on the handshake.
 */
static void write_ack_phrase(const struct view *v, struct text *t)
{
	const struct track_result *tr = v->tr;
	unsigned ack = (unsigned)tr->ack_rel;

	if ((tr->analysis & TA_DUPLICATE_ACK) && tr->dsack) {
		text_add(t, "ACK %u again: the %s got bytes it already had (nothing is missing)", ack,
		         v->from);
		return;
	}
	if (tr->analysis & TA_DUPLICATE_ACK) {
		text_add(t, "ACK %u again: the %s is still waiting for byte %u", ack, v->from, ack);
		return;
	}
	if (tr->sack) { /* later bytes arrived (SACK): byte `ack` is missing, not "no data" */
		text_add(t, "ACK %u: the %s is still waiting for byte %u", ack, v->from, ack);
		return;
	}
	switch (tr->ack_covers) {
	case TRACK_ACK_FIN:
		text_add(t, "ACK %u: the %s has everything up to and including the %s's FIN", ack,
		         v->from, v->to);
		break;
	case TRACK_ACK_SYN:
		if (tr->handshake)
			text_add(t, "ACK %u: the %s acknowledges the %s's SYN and expects byte %u next",
			         ack, v->from, v->to, ack);
		else
			text_add(t, "ACK %u: the %s has no data from the %s yet and expects byte %u",
			         ack, v->from, v->to, ack);
		break;
	case TRACK_ACK_DATA:
		text_add(t, "ACK %u: the %s has every byte up to %u and expects byte %u next", ack,
		         v->from, ack - 1, ack);
		break;
	default:
		text_add(t, "ACK %u: the %s has everything before sequence number %u (relative "
		            "numbering starts at this capture: the SYN was not seen)",
		         ack, v->from, ack);
		break;
	}
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
		if (tr->udp_resend_of)
			text_add(sum, ", the same bytes as frame %llu again",
			         (unsigned long long)tr->udp_resend_of);
		text_add(det,
		         "A UDP datagram of %u byte%s, number %llu in this direction, to "
		         "port %u.",
		         (unsigned)v->len, text_plural(v->len), (unsigned long long)tr->udp_index,
		         (unsigned)v->pkt->udp.dport);
	}
	if (tr->udp_resend_of)
		text_add(det,
		         " The same bytes as the datagram in frame %llu, which got no answer: the "
		         "application sent them again (UDP itself never resends).",
		         (unsigned long long)tr->udp_resend_of);
	text_add(det, " UDP has no connection, no sequence numbers and no acknowledgments: each "
	              "datagram stands alone and may be lost without anyone noticing.");
	if (v->pkt->l3 == L3_IPV6 && ss_addr_equal(&v->pkt->ip.src, &v->pkt->ip.dst))
		text_add(det, " Over IPv6 the UDP checksum is mandatory, yet on loopback the "
		              "kernel never fills it in (checksum offload: the packet never leaves "
		              "the host), so tshark calls it incorrect; nothing is wrong.");
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
	annotate_write_ack_rtt(tr, det);
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
		annotate_write_sack(v.tr, &sum, &det);
		annotate_write_states(v.tr, &det);
		annotate_write_analysis(v.tr, &sum, &det);
	}
}
