/* flow_json.c - one entry of the timeline's `flows` array. */
#include "parts.h"

#include "sockscope/annotate.h"

static void emit_states(struct emitter *e, const char *key, uint32_t reached)
{
	emit_key(e, key);
	emit_begin_array(e);
	/* in the order of a connection's life: CLOSED is where it ends */
	for (int s = TCPS_CLOSED + 1; s <= TCPS_COUNT; s++) {
		int state = s == TCPS_COUNT ? TCPS_CLOSED : s;
		if (reached & (1u << state))
			emit_string(e, track_state_name((enum track_tcp_state)state));
	}
	emit_end_array(e);
}

static void emit_analysis_counts(struct emitter *e, const struct track_flow_summary *flow)
{
	emit_key(e, "analysis");
	emit_begin_object(e);
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++)
		if (flow->analysis_counts[bit])
			emit_kv_int(e, track_analysis_name((enum track_analysis)(1u << bit)),
			            flow->analysis_counts[bit]);
	emit_end_object(e);
}

static void emit_tcp_summary(struct emitter *e, const struct track_flow_summary *flow)
{
	emit_key(e, "states");
	emit_begin_object(e);
	emit_states(e, "client", flow->states_reached[TRACK_C2S]);
	emit_states(e, "server", flow->states_reached[TRACK_S2C]);
	emit_end_object(e);
	emit_key(e, "tcp");
	emit_begin_object(e);
	emit_kv_int_or_null(e, "mss_client", flow->mss[0] != 0, flow->mss[0]);
	emit_kv_int_or_null(e, "mss_server", flow->mss[1] != 0, flow->mss[1]);
	emit_kv_int_or_null(e, "wscale_client", flow->wscale[0] >= 0, flow->wscale[0]);
	emit_kv_int_or_null(e, "wscale_server", flow->wscale[1] >= 0, flow->wscale[1]);
	emit_kv_bool(e, "sack_permitted", flow->sack_permitted);
	emit_kv_bool(e, "timestamps", flow->timestamps);
	emit_kv_string(e, "listener", track_listener_name(flow->listener));
	emit_kv_int(e, "resent_bytes_c2s", (int64_t)flow->resent_bytes[TRACK_C2S]);
	emit_kv_int(e, "resent_bytes_s2c", (int64_t)flow->resent_bytes[TRACK_S2C]);
	emit_kv_int(e, "syn_resends", flow->syn_resends);
	if (flow->fin_crossed)
		emit_kv_bool(e, "fin_crossed", true);
	if (flow->abort_call)
		emit_kv_bool(e, "abort", true);
	emit_end_object(e);
}

static void emit_counts(struct emitter *e, const struct track_flow_summary *flow)
{
	emit_kv_int(e, "packets", (int64_t)(flow->packets[0] + flow->packets[1]));
	emit_kv_int(e, "bytes", (int64_t)(flow->bytes[0] + flow->bytes[1]));
	emit_kv_int(e, "packets_c2s", (int64_t)flow->packets[TRACK_C2S]);
	emit_kv_int(e, "packets_s2c", (int64_t)flow->packets[TRACK_S2C]);
	emit_kv_int(e, "bytes_c2s", (int64_t)flow->bytes[TRACK_C2S]);
	emit_kv_int(e, "bytes_s2c", (int64_t)flow->bytes[TRACK_S2C]);
	emit_kv_int(e, "first_frame", (int64_t)flow->first_frame);
	emit_kv_int(e, "last_frame", (int64_t)flow->last_frame);
	emit_kv_seconds(e, "first_t", flow->first_t);
	emit_kv_seconds(e, "last_t", flow->last_t);
	emit_key(e, "handshake_rtt");
	if (flow->handshake_rtt >= 0)
		emit_seconds(e, flow->handshake_rtt);
	else
		emit_null(e);
}

void timeline_emit_flow_summary(struct emitter *e, const struct track_flow_summary *flow)
{
	bool ports = flow->proto == L4_TCP || flow->proto == L4_UDP;
	char narrative[2048];

	emit_begin_object(e);
	emit_kv_int(e, "id", (int64_t)flow->id);
	emit_kv_string(e, "proto", timeline_proto_name(flow->proto));
	timeline_emit_endpoint(e, "client", &flow->client_addr, flow->client_port, ports);
	timeline_emit_endpoint(e, "server", &flow->server_addr, flow->server_port, ports);
	emit_counts(e, flow);
	if (flow->proto == L4_TCP)
		emit_tcp_summary(e, flow);
	emit_kv_string(e, "conn_state", flow->conn_state);
	emit_kv_string(e, "history", flow->history);
	emit_analysis_counts(e, flow);
	emit_kv_int(e, "icmp_errors", (int64_t)flow->icmp_errors);
	annotate_flow(flow, narrative, sizeof narrative);
	emit_kv_string(e, "narrative", narrative);
	emit_end_object(e);
}
