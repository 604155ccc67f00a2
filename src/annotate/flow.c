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
	text_add(t,
	         " The client sent %llu packet%s with %llu byte%s of data, the server %llu "
	         "packet%s with %llu byte%s, over %.6f s.",
	         p0, text_plural(p0), b0, text_plural(b0), p1, text_plural(p1), b1, text_plural(b1),
	         f->last_t - f->first_t);
}

static void flow_tcp(const struct track_flow_summary *f, struct text *t)
{
	if (f->handshake_rtt >= 0)
		text_add(t, " The handshake took %.6f s.", f->handshake_rtt);
	if (f->mss[0] && f->mss[1])
		text_add(t, " MSS: client %u, server %u.", (unsigned)f->mss[0],
		         (unsigned)f->mss[1]);
	else if (f->mss[0] || f->mss[1])
		text_add(t, " MSS offered by the %s only: %u.", f->mss[0] ? "client" : "server",
		         (unsigned)(f->mss[0] ? f->mss[0] : f->mss[1]));
	if (f->wscale[0] >= 0 && f->wscale[1] >= 0)
		text_add(t, " Window scale: client %d, server %d.", f->wscale[0], f->wscale[1]);
	text_add(t, " At the end the client was %s and the server %s.",
	         track_state_name(f->final_state[0]), track_state_name(f->final_state[1]));
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		if (f->analysis_counts[i])
			text_add(t, " %s: %u.", track_analysis_name((enum track_analysis)(1u << i)),
			         (unsigned)f->analysis_counts[i]);
}

void annotate_flow(const struct track_flow_summary *flow, char *buf, size_t size)
{
	struct text t;

	text_init(&t, buf, size);
	flow_endpoints(flow, &t);
	if (flow->proto == L4_TCP)
		flow_tcp(flow, &t);
	if (flow->icmp_errors)
		text_add(&t, " %llu ICMP error%s reported problems with it.",
		         (unsigned long long)flow->icmp_errors, text_plural(flow->icmp_errors));
	text_add(&t, " Zeek would log conn_state %s (%s) and history \"%s\".", flow->conn_state,
	         annotate_conn_state_meaning(flow->conn_state), flow->history);
	if (flow->end_reason[0])
		text_add(&t, " %s", annotate_end_reason_sentence(flow->end_reason));
}
