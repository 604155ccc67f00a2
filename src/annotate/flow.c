/* flow.c - one paragraph telling the story of a finished flow from its summary. */
#include "annotate_internal.h"

static const char *proto_name(enum decode_l4 proto)
{
	static const char *const names[] = {
	    [L4_NONE] = "IP",   [L4_TCP] = "TCP",       [L4_UDP] = "UDP",
	    [L4_ICMP] = "ICMP", [L4_ICMPV6] = "ICMPv6", [L4_OTHER] = "IP",
	};
	return (unsigned)proto < SS_ARRAY_SIZE(names) ? names[proto] : "IP";
}

static bool has_ports(enum decode_l4 proto)
{
	return proto == L4_TCP || proto == L4_UDP;
}

/* " (1000 unique, 200 sent again)": resent bytes are not new data. */
static void flow_resent(const struct track_flow_summary *f, enum track_dir d, struct text *t)
{
	unsigned long long resent = f->resent_bytes[d];

	if (resent && resent <= f->bytes[d])
		text_add(t, " (%llu unique, %llu sent again)", (unsigned long long)f->bytes[d] - resent,
		         resent);
}

static void flow_endpoints(const struct track_flow_summary *f, struct text *t)
{
	char c[SS_ADDR_STRLEN], s[SS_ADDR_STRLEN];
	unsigned long long p0 = f->packets[0], p1 = f->packets[1], b0 = f->bytes[0],
	                   b1 = f->bytes[1];

	ss_addr_format(&f->client_addr, c, sizeof c);
	ss_addr_format(&f->server_addr, s, sizeof s);
	if (has_ports(f->proto))
		text_add(t,
		         "Flow %llu is %s between the client %s port %u and the server %s port %u.",
		         (unsigned long long)f->id, proto_name(f->proto), c,
		         (unsigned)f->client_port, s, (unsigned)f->server_port);
	else /* ICMP and other IP: no ports, the flow is an address pair */
		text_add(t, "Flow %llu is %s between the client %s and the server %s.",
		         (unsigned long long)f->id, proto_name(f->proto), c, s);
	text_add(t, " The client sent %llu packet%s with %llu byte%s of data", p0, text_plural(p0),
	         b0, text_plural(b0));
	flow_resent(f, TRACK_C2S, t);
	text_add(t, ", the server %llu packet%s with %llu byte%s", p1, text_plural(p1), b1,
	         text_plural(b1));
	flow_resent(f, TRACK_S2C, t);
	text_add(t, ", over %.6f s.", f->last_t - f->first_t);
}

static void flow_listener(const struct track_flow_summary *f, struct text *t)
{
	switch (f->listener) {
	case TRACK_LISTENER_CALLED:
		text_add(t, " A listening socket on port %u (listen() in the call log) took the "
		            "connection; the connection is a socket of its own.",
		         (unsigned)f->server_port);
		break;
	case TRACK_LISTENER_INFERRED:
		text_add(t, " Something listens on port %u (inferred: a SYN-ACK came back).",
		         (unsigned)f->server_port);
		break;
	case TRACK_LISTENER_NONE:
		text_add(t, " No socket listens on port %u: a RST answered the SYN.",
		         (unsigned)f->server_port);
		break;
	default:
		break;
	}
}

/* Options are negotiated by the SYN and the SYN-ACK: "one side only" needs both seen. */
static void flow_options(const struct track_flow_summary *f, struct text *t)
{
	if (!(f->states_reached[TRACK_S2C] & (1u << TCPS_SYN_RECEIVED)))
		return;
	if (f->mss[0] && f->mss[1])
		text_add(t, " MSS: client %u, server %u.", (unsigned)f->mss[0],
		         (unsigned)f->mss[1]);
	else if (f->mss[0] || f->mss[1])
		text_add(t, " MSS offered by the %s only: %u.", f->mss[0] ? "client" : "server",
		         (unsigned)(f->mss[0] ? f->mss[0] : f->mss[1]));
	if (f->wscale[0] >= 0 && f->wscale[1] >= 0)
		text_add(t, " Window scale: client %d, server %d.", f->wscale[0], f->wscale[1]);
	else if ((f->wscale[0] >= 0) != (f->wscale[1] >= 0))
		text_add(t,
		         " Only the %s offered window scaling, so neither side scales its window "
		         "(RFC 7323: both SYNs must carry the option).",
		         f->wscale[0] >= 0 ? "client" : "server");
}

static void flow_end_states(const struct track_flow_summary *f, struct text *t)
{
	text_add(t, " At the end the client was %s and the server %s.",
	         track_state_name(f->final_state[0]), track_state_name(f->final_state[1]));
	if (f->fin_crossed)
		text_add(t, " The FINs crossed: a simultaneous close, so both sides passed CLOSING.");
	if (f->abort_call)
		text_add(t, " A side closed with SO_LINGER {1, 0}: an abortive close, which sends a RST "
		            "and skips TIME_WAIT.");
	if (f->final_state[0] == TCPS_TIME_WAIT || f->final_state[1] == TCPS_TIME_WAIT)
		text_add(t, " TIME_WAIT lasts 2 MSL (60 s on Linux): the side that closed first keeps "
		            "the port pair so no late segment is taken for part of a new connection.");
}

static void flow_tcp(const struct track_flow_summary *f, struct text *t)
{
	if (f->syn_resends)
		text_add(t,
		         " The SYN in frame %llu got no answer: the SYN timer sent it %u more "
		         "time%s, the last %.3f s after the send before it.",
		         (unsigned long long)f->syn_unanswered_frame, (unsigned)f->syn_resends,
		         text_plural(f->syn_resends), f->syn_last_backoff);
	if (f->handshake_rtt >= 0)
		text_add(t, f->syn_resends ? " From the SYN that was answered, the handshake took %.6f s."
		                           : " The handshake took %.6f s.",
		         f->handshake_rtt);
	flow_listener(f, t);
	flow_options(f, t);
	flow_end_states(f, t);
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		if (f->analysis_counts[i])
			text_add(t, " %s: %u.", track_analysis_name((enum track_analysis)(1u << i)),
			         (unsigned)f->analysis_counts[i]);
}

static void flow_ipv6(const struct track_flow_summary *f, struct text *t)
{
	if (f->client_addr.family != 6)
		return;
	text_add(t, " Over IPv6: a fixed 40-byte header with no header checksum, and a hop limit "
	            "instead of a TTL.");
	if (f->proto == L4_UDP && ss_addr_equal(&f->client_addr, &f->server_addr))
		text_add(t, " On loopback the kernel never fills in the UDP checksum (checksum "
		            "offload), so tshark calls it incorrect; nothing is wrong.");
}

void annotate_flow(const struct track_flow_summary *flow, char *buf, size_t size)
{
	struct text t;

	text_init(&t, buf, size);
	flow_endpoints(flow, &t);
	if (flow->proto == L4_TCP)
		flow_tcp(flow, &t);
	flow_ipv6(flow, &t);
	if (flow->icmp_errors)
		text_add(&t, " %llu ICMP error%s reported problems with it.",
		         (unsigned long long)flow->icmp_errors, text_plural(flow->icmp_errors));
	text_add(&t, " Zeek would log conn_state %s (%s) and history \"%s\".", flow->conn_state,
	         annotate_conn_state_meaning(flow->conn_state, flow->proto), flow->history);
	if (flow->end_reason[0])
		text_add(&t, " %s", annotate_end_reason_sentence(flow->end_reason));
}
