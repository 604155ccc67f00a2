/*
 * tcp_state.c - what each endpoint's RFC 9293 state must be, inferred from
 * the packets on the wire; plus the SYN options (MSS, window scale, SACK,
 * timestamps), window scaling and the three-way handshake.
 *
 * The state reported is the one after the packet: the sender's state after
 * sending it, the receiver's after receiving it (the capture point is taken to
 * be between the two, with no loss).  Rules, in order, in docs/analysis.md.
 */
#include "track_internal.h"

#include <string.h>

#define TCP_MAX_WSCALE 14 /* RFC 7323 §2.3: larger shifts are treated as 14 */

static bool has(const struct packet *pkt, uint8_t flag)
{
	return (pkt->tcp.flags & flag) != 0;
}

static bool is_bare_syn(const struct packet *pkt)
{
	return (pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

static bool is_synack(const struct packet *pkt)
{
	return (pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
}

/* Does this packet acknowledge the peer's SYN (or FIN ending at `next`)? */
static bool acks_up_to(const struct packet *pkt, uint32_t next)
{
	return has(pkt, TCP_ACK) && seq_le(next, pkt->tcp.ack);
}

/* A SYN that opens a new connection on this tuple: a new ISN, or any SYN after the end. */
bool tcp_is_new_connection_syn(const struct flow *flow, const struct packet *pkt,
                               enum track_dir dir)
{
	const struct tcp_dir *fwd = &flow->tcp->dir[dir];

	if (!is_bare_syn(pkt))
		return false;
	return flow->tcp->closed || (fwd->base_set && pkt->tcp.seq != fwd->base);
}

static void read_syn_options(struct tcp_dir *fwd, const struct packet *pkt)
{
	for (unsigned i = 0; i < pkt->tcp.option_count && i < DECODE_MAX_TCP_OPTIONS; i++) {
		const struct tcp_option *opt = &pkt->tcp.options[i];
		switch (opt->kind) {
		case TCPOPT_MSS:
			fwd->mss = opt->u.mss;
			break;
		case TCPOPT_WSCALE:
			fwd->wscale = (int8_t)(opt->u.wscale > TCP_MAX_WSCALE ? TCP_MAX_WSCALE
			                                                      : opt->u.wscale);
			fwd->win_scale = fwd->wscale;
			break;
		case TCPOPT_SACK_PERM:
			fwd->sack_permitted = true;
			break;
		case TCPOPT_TIMESTAMP:
			fwd->timestamps = true;
			break;
		default:
			break;
		}
	}
}

/*
 * RFC 7323 §2.2: scaling is on only when both SYNs carry the option.  As
 * Wireshark's verify_tcp_window_scaling: -2 = known off, -1 = not known.
 */
static void verify_window_scaling(struct tcp_dir *fwd, struct tcp_dir *rev, bool synack)
{
	if (fwd->wscale < 0) {
		fwd->win_scale = -2;
		rev->win_scale = -2;
	} else if (synack && rev->win_scale == -2) {
		fwd->win_scale = -2;
	}
}

static int64_t scaled_window(const struct tcp_dir *fwd, const struct packet *pkt)
{
	if (has(pkt, TCP_SYN) || fwd->win_scale == -2)
		return pkt->tcp.window; /* RFC 7323 §2.2: the SYN's window is never scaled */
	if (fwd->win_scale < 0)
		return -1;
	return (int64_t)pkt->tcp.window << fwd->win_scale;
}

static void handle_options(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                           struct track_result *out)
{
	struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];

	if (has(pkt, TCP_SYN)) {
		fwd->wscale = -1;
		read_syn_options(fwd, pkt);
		verify_window_scaling(fwd, rev, has(pkt, TCP_ACK));
	}
	out->win_scaled = scaled_window(fwd, pkt);
	fwd->window_bytes = out->win_scaled >= 0 ? out->win_scaled : pkt->tcp.window;
}

/* Wireshark's tcp.analysis.initial_rtt: first pure ACK after the most recent bare SYN. */
static void update_irtt(struct tcp_conn *conn, const struct packet *pkt, double t)
{
	if (is_bare_syn(pkt)) {
		conn->syn_time = t;
		conn->syn_time_set = true;
	}
	if ((pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_ACK && conn->syn_time_set &&
	    !conn->irtt_set) {
		conn->irtt = t - conn->syn_time;
		conn->irtt_set = true;
	}
}

static bool is_loopback(const struct ss_addr *a)
{
	static const uint8_t v6_loopback[16] = {[15] = 1};

	if (a->family == 4)
		return a->bytes[0] == 127;
	return a->family == 6 && memcmp(a->bytes, v6_loopback, 16) == 0;
}

/* The two gaps of the handshake tell where the capture sat (docs/analysis.md, "RTT"). */
static void handshake_vantage(const struct flow *flow, double t, struct track_result *out)
{
	const struct tcp_conn *conn = flow->tcp;

	if (!conn->syn_time_set || !conn->synack_time_set)
		return;
	out->syn_gap = conn->synack_t - conn->syn_time;
	out->synack_gap = t - conn->synack_t;
	if (is_loopback(&flow->sum.client_addr) ||
	    ss_addr_equal(&flow->sum.client_addr, &flow->sum.server_addr))
		out->vantage = TRACK_VANTAGE_LOOPBACK;
	else if (out->syn_gap * 10 < out->synack_gap)
		out->vantage = TRACK_VANTAGE_SERVER;
	else if (out->synack_gap * 10 < out->syn_gap)
		out->vantage = TRACK_VANTAGE_CLIENT;
	else
		out->vantage = TRACK_VANTAGE_MIDDLE;
}

static void mark_handshake(struct flow *flow, enum track_dir dir, const struct packet *pkt,
                           double t, struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;

	if (is_synack(pkt) && !conn->synack_time_set) {
		conn->synack_t = t;
		conn->synack_time_set = true;
	}
	if (is_bare_syn(pkt) && dir == TRACK_C2S && conn->handshake_next <= 2) {
		out->handshake = 1;
		conn->handshake_next = 2;
	} else if (is_synack(pkt) && dir == TRACK_S2C && conn->handshake_next <= 3) {
		out->handshake = 2;
		conn->handshake_next = 3;
	} else if (!has(pkt, TCP_SYN) && !has(pkt, TCP_RST) && has(pkt, TCP_ACK) &&
	           dir == TRACK_C2S && conn->handshake_next == 3) {
		out->handshake = 3;
		conn->handshake_next = 4;
		if (conn->irtt_set) {
			out->handshake_rtt = conn->irtt;
			flow->sum.handshake_rtt = conn->irtt;
		}
		handshake_vantage(flow, t, out);
	} else if (!has(pkt, TCP_SYN) && conn->handshake_next < 4 && conn->handshake_next != 3) {
		conn->handshake_next = 4; /* no handshake in this capture */
	}
}

/* RST: RFC 9293 §3.10.7.3/4 - both ends drop the connection.  A RST answering a SYN refuses
 * it (§3.10.7.3 SYN-SENT: "the connection was refused"). */
static void on_rst(struct tcp_conn *conn, struct tcp_dir *fwd, struct tcp_dir *rev, double t)
{
	fwd->rst_seen = true;
	fwd->state = TCPS_CLOSED;
	rev->state = TCPS_CLOSED;
	if (!conn->closed) {
		conn->closed = true;
		conn->closed_t = t;
	}
}

/* The sender's own state after sending this packet. */
static void sender_transition(struct tcp_dir *fwd, const struct packet *pkt)
{
	switch (fwd->state) {
	case TCPS_UNKNOWN:
	case TCPS_CLOSED:
		if (is_bare_syn(pkt))
			fwd->state = TCPS_SYN_SENT;
		else if (is_synack(pkt))
			fwd->state = TCPS_SYN_RECEIVED;
		else if (fwd->state == TCPS_UNKNOWN)
			fwd->state = TCPS_ESTABLISHED; /* capture started mid-connection */
		break;
	case TCPS_SYN_SENT:
		if (is_synack(pkt))
			fwd->state = TCPS_SYN_RECEIVED; /* simultaneous open, §3.5 figure 7 */
		else if (!has(pkt, TCP_SYN) && has(pkt, TCP_ACK))
			fwd->state = TCPS_ESTABLISHED; /* the SYN-ACK was not captured */
		break;
	case TCPS_SYN_RECEIVED:
		if (!has(pkt, TCP_SYN) && has(pkt, TCP_ACK))
			fwd->state = TCPS_ESTABLISHED; /* the peer's ACK was not captured */
		break;
	default:
		break;
	}
}

/*
 * The sender's FIN: FIN_WAIT_1, or LAST_ACK after the peer's FIN.  A FIN from
 * CLOSE_WAIT that does not acknowledge the peer's FIN was sent before that FIN
 * arrived: the FINs crossed (simultaneous close).  RFC 9293 has no CLOSE_WAIT
 * -> CLOSING: the sender really went FIN_WAIT_1, then CLOSING when the peer's
 * FIN reached it; the state before is corrected to say so.
 */
static void sender_fin(struct tcp_dir *fwd, const struct tcp_dir *rev, const struct packet *pkt,
                       struct track_result *out, enum track_dir dir)
{
	switch (fwd->state) {
	case TCPS_ESTABLISHED:
	case TCPS_SYN_RECEIVED:
		fwd->state = TCPS_FIN_WAIT_1;
		break;
	case TCPS_CLOSE_WAIT:
		if (acks_up_to(pkt, rev->fin_next)) {
			fwd->state = TCPS_LAST_ACK;
			break;
		}
		fwd->state = TCPS_CLOSING;
		out->fin_crossed = true;
		*(dir == TRACK_C2S ? &out->state_client_before : &out->state_server_before) =
		    TCPS_FIN_WAIT_1;
		break;
	default:
		break;
	}
}

/*
 * The receiver's state after receiving this packet (SYN and ACK parts).  A
 * bare SYN changes nothing the wire can show: a listener answers it with a
 * SYN-ACK (then, and only then, the connection's server side is SYN_RECEIVED),
 * a closed port with a RST, and an unanswered SYN leaves it UNKNOWN.
 */
static void receiver_open(struct tcp_dir *rev, const struct tcp_dir *fwd, const struct packet *pkt,
                          struct track_result *out, enum track_dir rev_dir)
{
	switch (rev->state) {
	case TCPS_UNKNOWN:
		if (!has(pkt, TCP_SYN))
			rev->state = TCPS_ESTABLISHED; /* capture started mid-connection */
		break;
	case TCPS_SYN_SENT:
		if (is_bare_syn(pkt)) {
			rev->state = TCPS_SYN_RECEIVED; /* simultaneous open, RFC 9293 figure 7 */
		} else if (is_synack(pkt)) {
			/* Its own SYN crossed the peer's: it took that SYN first (SYN_RECEIVED),
			 * then this SYN-ACK (ESTABLISHED), as figure 7 has it. */
			if (fwd->bare_syn_sent)
				*(rev_dir == TRACK_C2S ? &out->via_client : &out->via_server) =
				    TCPS_SYN_RECEIVED;
			rev->state = TCPS_ESTABLISHED;
		}
		break;
	case TCPS_SYN_RECEIVED:
		if (has(pkt, TCP_ACK) && rev->syn_seen && acks_up_to(pkt, rev->base + 1))
			rev->state = TCPS_ESTABLISHED;
		break;
	default:
		break;
	}
}

/* The receiver's FIN bookkeeping: its own FIN acknowledged, then the sender's FIN arriving. */
static void receiver_close(struct tcp_dir *rev, const struct packet *pkt)
{
	bool fin_acked = rev->fin_seen && acks_up_to(pkt, rev->fin_next);

	if (fin_acked) {
		if (rev->state == TCPS_FIN_WAIT_1)
			rev->state = TCPS_FIN_WAIT_2;
		else if (rev->state == TCPS_CLOSING)
			rev->state = TCPS_TIME_WAIT;
		else if (rev->state == TCPS_LAST_ACK)
			rev->state = TCPS_CLOSED;
	}
	if (!has(pkt, TCP_FIN))
		return;
	if (rev->state == TCPS_ESTABLISHED || rev->state == TCPS_SYN_RECEIVED)
		rev->state = TCPS_CLOSE_WAIT;
	else if (rev->state == TCPS_FIN_WAIT_1)
		rev->state = TCPS_CLOSING;
	else if (rev->state == TCPS_FIN_WAIT_2)
		rev->state = TCPS_TIME_WAIT;
}

static void note_syn_fin(struct tcp_dir *fwd, struct tcp_dir *rev, const struct packet *pkt)
{
	if (is_bare_syn(pkt))
		fwd->syn_seen = true;
	if (is_synack(pkt)) {
		fwd->syn_seen = true;
		fwd->synack_seen = true;
	}
	if (has(pkt, TCP_FIN) && !fwd->fin_seen) {
		fwd->fin_seen = true;
		fwd->fin_next = pkt->tcp.seq + tcp_seglen(pkt) + 1;
	}
	if (rev->fin_seen && acks_up_to(pkt, rev->fin_next))
		rev->fin_acked = true;
}

static void update_states(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                          double t, struct track_result *out)
{
	struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];
	bool fin_before = fwd->fin_seen;

	if (has(pkt, TCP_RST)) {
		on_rst(conn, fwd, rev, t);
		return;
	}
	sender_transition(fwd, pkt);
	receiver_open(rev, fwd, pkt, out, track_other(dir));
	note_syn_fin(fwd, rev, pkt);
	receiver_close(rev, pkt);
	if (has(pkt, TCP_FIN) && !fin_before)
		sender_fin(fwd, rev, pkt, out, dir);
	if (fwd->fin_acked && rev->fin_acked && !conn->closed) {
		conn->closed = true;
		conn->closed_t = t;
	}
}

/*
 * The listening socket the SYN asked for: listen() in the call log (set by the
 * flow table), else a SYN-ACK says something listens (inferred), a RST
 * answering the SYN says nothing does.  Reported on every packet of the flow.
 */
static void update_listener(struct flow *flow, enum track_dir dir, const struct packet *pkt,
                            struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;
	bool syn_pending = conn->dir[TRACK_C2S].bare_syn_sent && !conn->dir[TRACK_S2C].synack_seen;

	if (dir == TRACK_S2C && is_synack(pkt) && conn->listener != TRACK_LISTENER_CALLED &&
	    !conn->dir[TRACK_S2C].bare_syn_sent)
		conn->listener = TRACK_LISTENER_INFERRED;
	else if (dir == TRACK_S2C && has(pkt, TCP_RST) && syn_pending &&
	         out->state_client_before == TCPS_SYN_SENT)
		conn->listener = TRACK_LISTENER_NONE;
	out->listener = conn->listener;
	out->listener_port = flow->sum.server_port;
}

static void summarise_options(struct flow *flow, const struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;

	for (int d = 0; d < 2; d++) {
		flow->sum.mss[d] = conn->dir[d].mss;
		flow->sum.wscale[d] = conn->dir[d].wscale;
		flow->sum.states_reached[d] |= 1u << conn->dir[d].state;
	}
	flow->sum.states_reached[TRACK_C2S] |= out->via_client ? 1u << out->via_client : 0;
	flow->sum.states_reached[TRACK_S2C] |= out->via_server ? 1u << out->via_server : 0;
	if (out->fin_crossed) { /* it never was in CLOSE_WAIT, but in FIN_WAIT_1 */
		flow->sum.states_reached[out->dir] &= ~(1u << TCPS_CLOSE_WAIT);
		flow->sum.states_reached[out->dir] |= 1u << TCPS_FIN_WAIT_1;
		flow->sum.fin_crossed = true;
	}
	flow->sum.listener = conn->listener;
	/* negotiated: both SYNs carried the option */
	flow->sum.sack_permitted = conn->dir[0].sack_permitted && conn->dir[1].sack_permitted;
	flow->sum.timestamps = conn->dir[0].timestamps && conn->dir[1].timestamps;
}

void tcp_state_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, double t,
                      struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;

	out->state_client_before = conn->dir[TRACK_C2S].state;
	out->state_server_before = conn->dir[TRACK_S2C].state;
	handle_options(conn, dir, pkt, out);
	update_irtt(conn, pkt, t);
	mark_handshake(flow, dir, pkt, t, out);
	update_states(conn, dir, pkt, t, out);
	update_listener(flow, dir, pkt, out);
	summarise_options(flow, out);
	out->state_client = conn->dir[TRACK_C2S].state;
	out->state_server = conn->dir[TRACK_S2C].state;
}
